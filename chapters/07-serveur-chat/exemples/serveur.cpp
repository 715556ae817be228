/// \file
/// \brief Chapitre 07 — le serveur de chat corrigé.
///
/// Usage : ch07_serveur [adresse] [--auto N]
///   adresse   : adresse d'écoute (127.0.0.1:8081 par défaut ; 127.0.0.1:0 choisit un port libre)
///   --auto N  : lance N clients internes (N >= 3), montre chaque correction, puis s'arrête.
///               Sans --auto : « nc 127.0.0.1 8081 » dans plusieurs terminaux.
///
/// Chaque correction renvoie à un défaut de l'article (DESIGN.md, §4, point 4) :
///   n° 1 un client parti quitte le salon : sa présence, c'est son Receiver, détruit avec lui ;
///   n° 2 pas d'écho : chaque message porte le numéro de son auteur ;
///   n° 3 un seul canal broadcast pour tout le salon, donc ni liste ni verrou ;
///   n° 4 un select qui a deux branches et une raison d'être (lire le client / écrire le salon) ;
///   n° 5 plus de tâche séparée ni de tx_clone inutile : une tâche par client ;
///   et deux protections que l'article n'a pas : lignes bornées, retard signalé.

#include "lignes.hpp"

#include <rt/rt.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr std::size_t LONGUEUR_MAX = 1024; // '\n' compris

struct Message {
    std::uint64_t auteur; // correction n° 2 : qui l'a écrit
    std::string texte;
};

/// L'état partagé : un canal pour tout le salon (correction n° 3).
struct Salon {
    explicit Salon(std::size_t capacite)
        : emetteur(rt::sync::broadcast::channel<Message>(capacite).first) {}
    rt::sync::broadcast::Sender<Message> emetteur;
    std::atomic<std::uint64_t> prochain_id{1};
};

std::string sans_fin_de_ligne(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

/// Prévient, ferme le sens écriture, puis vide ce que le client envoie encore : fermer un
/// socket qui a des octets non lus enverrait un RST, et le client perdrait l'explication.
rt::Task<void> refuser(rt::net::OwnedWriteHalf& ecriture, LecteurDeLignes& lignes) {
    try {
        co_await ecriture.write_all("*** ligne trop longue : au revoir\n");
        ecriture.shutdown_write();
        (void)co_await rt::time::timeout(1s, lignes.vider(1u << 20));
    } catch (const std::system_error&) {
    }
}

} // namespace

/// \brief Sert un client : s'abonne au salon, puis lit ses lignes et lui écrit les messages
/// des autres, dans une seule tâche, jusqu'à son départ.
rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Salon> salon) {
    const std::uint64_t id = salon->prochain_id.fetch_add(1);
    // Correction n° 1 : s'abonner, c'est entrer dans le salon ; rx est détruit quand cette
    // coroutine se termine (fin de flux, erreur, annulation) : on en sort sans rien faire.
    auto rx = salon->emetteur.subscribe();
    auto [lecture, ecriture] = std::move(socket).into_split();
    LecteurDeLignes lignes(std::move(lecture), LONGUEUR_MAX);

    bool trop_long = false;
    try {
        co_await ecriture.write_all("bienvenue " + std::to_string(id) + "\n");
        for (bool continuer = true; continuer;) {
            // Correction n° 4 : deux branches, toutes deux sûres face à l'annulation (celle
            // qui perd ne perd rien) ; la réception d'abord.
            auto ev = co_await rt::select(rx.recv(), lignes.prochaine());
            if (ev.index() == 0) {
                auto recu = std::get<0>(std::move(ev));
                if (recu && recu->auteur != id) { // correction n° 2 : pas d'écho
                    co_await ecriture.write_all("[" + std::to_string(recu->auteur) + "] " +
                                                recu->texte + "\n");
                } else if (!recu && recu.error().is_lagged()) {
                    // Lecteur lent : il perd des messages et le sait ; personne ne l'a attendu.
                    co_await ecriture.write_all("*** " + std::to_string(recu.error().skipped()) +
                                                " messages perdus\n");
                } else if (!recu) {
                    continuer = false; // salon fermé
                }
            } else if (auto ligne = std::get<1>(std::move(ev))) {
                std::string texte = sans_fin_de_ligne(std::move(*ligne));
                if (!texte.empty()) {
                    (void)salon->emetteur.send(Message{id, std::move(texte)});
                }
            } else {
                continuer = false; // fin de flux
            }
        }
    } catch (const std::length_error&) {
        trop_long = true;
    } catch (const std::system_error&) {
        // parti brutalement (ECONNRESET, EPIPE) : l'affaire de ce client seul
    }
    if (trop_long) {
        co_await refuser(ecriture, lignes);
    }
    std::cout << "[serveur] client " << id << " parti" << std::endl;
}

/// \brief Accepte les connexions, une tâche par client ; une erreur d'accept ne l'arrête pas.
rt::Task<void> boucle_acceptation(rt::net::TcpListener listener, std::shared_ptr<Salon> salon) {
    for (;;) {
        bool erreur = false;
        try {
            auto [socket, addr] = co_await listener.accept();
            std::cout << "[serveur] nouveau client : " << addr.to_string() << std::endl;
            (void)rt::spawn(gerer_client(std::move(socket), salon));
        } catch (const std::system_error& e) {
            std::cout << "[serveur] accept : " << e.what() << " (on continue)" << std::endl;
            erreur = true;
        }
        if (erreur) {
            co_await rt::time::sleep(10ms); // EMFILE : laisser des connexions se fermer
        }
    }
}

// --- Mode --auto : des clients internes, une correction par étape ---------------------------

namespace {

struct ClientInterne {
    int numero;
    std::unique_ptr<LecteurDeLignes> lignes;
    std::unique_ptr<rt::net::OwnedWriteHalf> ecrivain;
};

rt::Task<std::string> lire_ou_rien(ClientInterne& c, std::chrono::milliseconds delai = 2s) {
    auto r = co_await rt::time::timeout(delai, c.lignes->prochaine());
    if (!r || !*r) {
        co_return "(rien)";
    }
    co_return sans_fin_de_ligne(std::move(**r));
}

rt::Task<void> attendre_abonnes(const Salon& salon, std::size_t n) {
    for (int i = 0; i < 500 && salon.emetteur.receiver_count() != n; ++i) {
        co_await rt::time::sleep(2ms); // démonstration : on interroge, un test aurait un délai
    }
}

rt::Task<int> demonstration(std::string adresse, int n, std::shared_ptr<Salon> salon) {
    std::vector<ClientInterne> clients;
    for (int i = 1; i <= n; ++i) {
        auto s = co_await rt::net::TcpStream::connect(adresse);
        auto [r, w] = std::move(s).into_split();
        clients.push_back({i, std::make_unique<LecteurDeLignes>(std::move(r), 1u << 20),
                           std::make_unique<rt::net::OwnedWriteHalf>(std::move(w))});
        std::cout << "  client " << i << " reçoit : " << co_await lire_ou_rien(clients.back())
                  << std::endl;
    }
    int problemes = 0;

    std::cout << "\n[auto] le client 1 envoie « bonjour » (corrections n° 2 et 3)" << std::endl;
    co_await clients[0].ecrivain->write_all("bonjour\n");
    for (std::size_t i = 1; i < clients.size(); ++i) {
        std::cout << "  client " << clients[i].numero
                  << " reçoit : " << co_await lire_ou_rien(clients[i]) << std::endl;
    }
    const std::string propre = co_await lire_ou_rien(clients[0], 50ms);
    std::cout << "  client 1 reçoit : " << propre << " (pas d'écho)" << std::endl;
    problemes += propre != "(rien)";

    std::cout << "\n[auto] le client 1 envoie une rafale de 100 lignes ; le salon garde 16 "
                 "messages de retard au plus"
              << std::endl;
    std::string rafale;
    for (int i = 0; i < 100; ++i) {
        rafale += "m" + std::to_string(i) + "\n";
    }
    co_await clients[0].ecrivain->write_all(rafale + "fin\n");
    int recus = 0;
    for (std::string l; (l = co_await lire_ou_rien(clients[1])) != "[1] fin";) {
        if (l.rfind("***", 0) == 0) {
            std::cout << "  client 2 reçoit : " << l << std::endl;
        } else if (l == "(rien)") {
            ++problemes;
            break;
        } else {
            ++recus;
        }
    }
    std::cout << "  client 2 a reçu " << recus
              << " messages de la rafale : en retard, il a sauté les autres sans retenir personne"
              << std::endl;
    for (std::size_t i = 2; i < clients.size(); ++i) {
        while (co_await lire_ou_rien(clients[i], 50ms) != "(rien)") {
        }
    }

    std::cout << "\n[auto] le client " << n << " se déconnecte (correction n° 1)" << std::endl;
    std::cout << "  abonnés avant : " << salon->emetteur.receiver_count() << std::endl;
    clients.pop_back();
    co_await attendre_abonnes(*salon, static_cast<std::size_t>(n - 1));
    std::cout << "  abonnés après : " << salon->emetteur.receiver_count() << std::endl;
    problemes += salon->emetteur.receiver_count() != static_cast<std::size_t>(n - 1);

    std::cout << "\n[auto] le client 2 envoie une ligne de 5000 octets (LONGUEUR_MAX = "
              << LONGUEUR_MAX << ")" << std::endl;
    co_await clients[1].ecrivain->write_all(std::string(5000, 'x') + "\n");
    std::cout << "  client 2 reçoit : " << co_await lire_ou_rien(clients[1]) << std::endl;
    std::cout << "  client 1 reçoit : " << co_await lire_ou_rien(clients[0], 50ms) << std::endl;
    clients[1].ecrivain.reset(); // le client 2 ferme à son tour
    co_await attendre_abonnes(*salon, static_cast<std::size_t>(n - 2));
    std::cout << "  abonnés : " << salon->emetteur.receiver_count() << std::endl;
    co_return problemes == 0 ? 0 : 1;
}

} // namespace

/// \brief Le `main` asynchrone : le serveur seul, ou le serveur et la démonstration `--auto`.
rt::Task<int> main_async(std::string adresse, int auto_clients) {
    auto listener = co_await rt::net::TcpListener::bind(adresse);
    const std::string vraie = listener.local_addr().to_string();
    std::cout << "Serveur de chat (corrigé) en écoute sur " << vraie << std::endl;
    // 128 messages de retard permis ; 16 en démonstration, pour voir le retard arriver.
    auto salon = std::make_shared<Salon>(auto_clients == 0 ? 128 : 16);
    if (auto_clients == 0) {
        co_await boucle_acceptation(std::move(listener), salon);
        co_return 0;
    }
    auto serveur = rt::spawn(boucle_acceptation(std::move(listener), salon));
    const int code = co_await demonstration(vraie, auto_clients, salon);
    serveur.abort();
    co_return code;
}

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8081";
    int auto_clients = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--auto" && i + 1 < argc) {
            auto_clients = std::atoi(argv[++i]);
        } else {
            adresse = a;
        }
    }
    if (auto_clients != 0 && auto_clients < 3) {
        std::cerr << "--auto : il faut au moins 3 clients" << std::endl;
        return 2;
    }
    return rt::block_on(main_async(adresse, auto_clients));
}
