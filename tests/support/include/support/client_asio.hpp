// Client TCP synchrone, avec délais, écrit avec Boost.Asio.
//
// Les tests notés pilotent les serveurs du cours (ceux de l'étudiant comme ceux du runtime)
// avec ce client indépendant : si le serveur est faux, c'est lui qu'on accuse, pas un client
// écrit avec le même code que lui. Chaque opération a un délai : un exercice inachevé fait
// échouer un test avec un message clair, il ne le bloque jamais.
//
// Principe des délais : chaque opération lance l'opération *asynchrone* d'Asio puis fait
// tourner l'io_context privé du client au plus `delai` (run_for). Si l'opération n'est pas
// terminée, on annule la socket, on laisse le gestionnaire se terminer, et on lève
// support::ErreurClient avec un message en français.
//
// Exemple :
//   support::ClientTcp client(port);              // 127.0.0.1:port, délai 2 s par défaut
//   client.envoyer("bonjour\n");
//   std::string ligne = client.lire_jusqu_a("\n"); // « bonjour\n »
//   client.fermer_ecriture();                     // le serveur voit la fin de flux
//   BOOST_TEST(client.attendre_fermeture());      // et ferme à son tour
#pragma once

#include <boost/asio.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace support {

/// Échec d'une opération du client : délai dépassé, connexion refusée, fermée trop tôt...
/// Le message (what()) est en français et dit ce qui était attendu.
class ErreurClient : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Client TCP bloquant pour les tests : connexion, envoi, lecture exacte ou jusqu'à un
/// délimiteur, attente de la fermeture par le serveur, le tout avec délais.
/// Non copiable ; un objet par connexion ; à utiliser depuis un seul thread à la fois.
class ClientTcp {
public:
    using Delai = std::chrono::milliseconds;

    /// Se connecte à `hote:port` (boucle locale par défaut) en au plus `delai`.
    /// Lève ErreurClient si la connexion est refusée ou trop lente.
    explicit ClientTcp(std::uint16_t port, Delai delai = Delai{2000},
                       std::string_view hote = "127.0.0.1")
        : delai_(delai) {
        namespace asio = boost::asio;
        asio::ip::tcp::endpoint cible(asio::ip::make_address(std::string(hote)), port);
        auto resultat = executer([&](auto fin) { socket_.async_connect(cible, std::move(fin)); },
                                 "connexion à " + std::string(hote) + ":" + std::to_string(port));
        if (resultat.erreur)
            throw ErreurClient("connexion à " + std::string(hote) + ":" + std::to_string(port) +
                               " impossible : " + resultat.erreur.message() +
                               " (le serveur écoute-t-il ?)");
    }

    ClientTcp(const ClientTcp&) = delete;
    ClientTcp& operator=(const ClientTcp&) = delete;

    /// Change le délai des opérations suivantes.
    void changer_delai(Delai delai) { delai_ = delai; }

    /// Envoie tous les octets de `donnees` (async_write boucle sur les écritures partielles).
    void envoyer(std::string_view donnees) {
        auto resultat = executer(
            [&](auto fin) {
                boost::asio::async_write(
                    socket_, boost::asio::buffer(donnees.data(), donnees.size()), std::move(fin));
            },
            "envoi de " + std::to_string(donnees.size()) + " octets");
        if (resultat.erreur)
            throw ErreurClient("envoi de " + std::to_string(donnees.size()) +
                               " octets interrompu après " + std::to_string(resultat.octets) +
                               " : " + resultat.erreur.message());
    }

    /// Lit exactement `n` octets. Lève ErreurClient si le serveur ferme avant ou si le délai
    /// expire ; le message dit combien d'octets étaient arrivés.
    std::string lire(std::size_t n) {
        if (tampon_.size() < n) {
            auto resultat = executer(
                [&](auto fin) {
                    boost::asio::async_read(socket_, boost::asio::dynamic_buffer(tampon_),
                                            boost::asio::transfer_at_least(n - tampon_.size()),
                                            std::move(fin));
                },
                "lecture de " + std::to_string(n) + " octets (" + std::to_string(tampon_.size()) +
                    " déjà reçus)");
            if (resultat.erreur) {
                if (resultat.erreur == boost::asio::error::eof)
                    throw ErreurClient("le serveur a fermé la connexion après " +
                                       std::to_string(tampon_.size()) + " octets sur " +
                                       std::to_string(n) + " attendus");
                throw ErreurClient("lecture interrompue : " + resultat.erreur.message());
            }
        }
        return extraire(n);
    }

    /// Lit jusqu'au délimiteur inclus (par exemple "\n" ou "\r\n\r\n") et le renvoie avec.
    /// Les octets reçus au-delà restent disponibles pour la lecture suivante.
    std::string lire_jusqu_a(std::string_view delimiteur) {
        auto resultat = executer(
            [&](auto fin) {
                boost::asio::async_read_until(socket_, boost::asio::dynamic_buffer(tampon_),
                                              std::string(delimiteur), std::move(fin));
            },
            "lecture jusqu'au délimiteur");
        if (resultat.erreur) {
            if (resultat.erreur == boost::asio::error::eof)
                throw ErreurClient("le serveur a fermé la connexion avant d'envoyer le "
                                   "délimiteur attendu (" +
                                   std::to_string(tampon_.size()) + " octets reçus)");
            throw ErreurClient("lecture interrompue : " + resultat.erreur.message());
        }
        return extraire(resultat.octets);
    }

    /// Lit tout jusqu'à la fermeture par le serveur (fin de flux) et le renvoie.
    std::string lire_tout() {
        auto resultat = executer(
            [&](auto fin) {
                boost::asio::async_read(socket_, boost::asio::dynamic_buffer(tampon_),
                                        std::move(fin));
            },
            "lecture jusqu'à la fermeture par le serveur");
        if (resultat.erreur && resultat.erreur != boost::asio::error::eof &&
            resultat.erreur != boost::asio::error::connection_reset)
            throw ErreurClient("lecture interrompue : " + resultat.erreur.message());
        return extraire(tampon_.size());
    }

    /// Attend que le serveur ferme la connexion, en ignorant ce qu'il envoie encore.
    /// Renvoie false si la connexion est toujours ouverte à l'expiration du délai.
    bool attendre_fermeture() {
        try {
            lire_tout();
            return true;
        } catch (const ErreurClient&) {
            return false;
        }
    }

    /// Attend au plus `delai` que quelque chose arrive du serveur (des octets ou la
    /// fermeture), sans rien consommer ni lever : renvoie false si rien n'est arrivé. Sert à
    /// avancer au rythme du serveur, par exemple « envoyer un octet, puis attendre au plus
    /// 50 ms une éventuelle réponse avant d'envoyer le suivant ».
    bool attendre_lisible(Delai delai) {
        if (!tampon_.empty())
            return true;
        std::optional<boost::system::error_code> fin;
        socket_.async_wait(boost::asio::socket_base::wait_read,
                           [&fin](const boost::system::error_code& ec) { fin = ec; });
        io_.restart();
        io_.run_for(delai);
        if (!fin) {
            boost::system::error_code ec;
            socket_.cancel(ec);
            io_.restart();
            io_.run(); // le gestionnaire reçoit operation_aborted ; on attend qu'il finisse
            return false;
        }
        return true;
    }

    /// Ferme le sens client → serveur (shutdown(SHUT_WR)) : le serveur lit une fin de flux
    /// mais peut encore répondre.
    void fermer_ecriture() {
        boost::system::error_code ec;
        socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    }

    /// Ferme brutalement : SO_LINGER à 0 fait envoyer un RST au lieu d'un FIN, comme un
    /// client qui plante. Le serveur verra ECONNRESET.
    void reinitialiser() {
        boost::system::error_code ec;
        socket_.set_option(boost::asio::socket_base::linger(true, 0), ec);
        socket_.close(ec);
    }

    /// Ferme la connexion normalement (FIN).
    void fermer() {
        boost::system::error_code ec;
        socket_.close(ec);
    }

    /// Octets reçus mais pas encore rendus par lire / lire_jusqu_a.
    const std::string& en_attente() const { return tampon_; }

    /// Accès à la socket Asio, pour les besoins particuliers d'un test.
    boost::asio::ip::tcp::socket& socket() { return socket_; }

private:
    struct Resultat {
        boost::system::error_code erreur;
        std::size_t octets = 0;
    };

    // Lance l'opération asynchrone `lancer(gestionnaire)` et fait tourner l'io_context au plus
    // delai_. En cas de dépassement, annule et lève ErreurClient : c'est ce qui garantit qu'un
    // test ne reste jamais bloqué sur un serveur muet.
    template <typename Lancer>
    Resultat executer(Lancer&& lancer, const std::string& quoi) {
        std::optional<Resultat> resultat;
        // Les opérations de connexion n'ont pas de compte d'octets : deux surcharges.
        struct Gestionnaire {
            std::optional<Resultat>* sortie;
            void operator()(const boost::system::error_code& ec, std::size_t n) const {
                *sortie = Resultat{ec, n};
            }
            void operator()(const boost::system::error_code& ec) const {
                *sortie = Resultat{ec, 0};
            }
        };
        lancer(Gestionnaire{&resultat});
        io_.restart();
        io_.run_for(delai_);
        if (!resultat) {
            boost::system::error_code ec;
            socket_.cancel(ec);
            io_.restart();
            io_.run(); // le gestionnaire reçoit operation_aborted ; on attend qu'il finisse
            throw ErreurClient("délai dépassé (" + std::to_string(delai_.count()) +
                               " ms) pendant : " + quoi + " ; " + std::to_string(tampon_.size()) +
                               " octets reçus en attente — le serveur ne répond pas ?");
        }
        return *resultat;
    }

    std::string extraire(std::size_t n) {
        std::string tete = tampon_.substr(0, n);
        tampon_.erase(0, n);
        return tete;
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_{io_};
    std::string tampon_;
    Delai delai_;
};

} // namespace support
