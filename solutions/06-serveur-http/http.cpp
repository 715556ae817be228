// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé.
// Solution commentée. Comparez avec traiter_connexion de exemples/serveur_article.cpp : une
// seule lecture de 1024 octets y tenait lieu de requête, le corps d'une requête y était pris
// pour la requête suivante, et un client muet y gardait sa connexion pour toujours.
#include "http.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <exception>
#include <iostream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace utiliser {

namespace {

using namespace std::chrono_literals;
using Horloge = std::chrono::steady_clock;

/// Comparaison sans tenir compte de la casse (les noms d'en-tête HTTP y sont insensibles).
bool egal_sans_casse(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view sans_espaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

/// Coupe `texte` au premier `separateur` : rend ce qui précède, garde la suite dans `texte`.
std::string_view couper(std::string_view& texte, std::string_view separateur) {
    const auto pos = texte.find(separateur);
    std::string_view avant = texte.substr(0, pos);
    texte =
        pos == std::string_view::npos ? std::string_view{} : texte.substr(pos + separateur.size());
    return avant;
}

/// La valeur d'un Content-Length : des chiffres seulement (au moins un), sans dépasser
/// std::size_t ; sinon std::nullopt. « +5 », « 5 5 », « 0x10 », « -1 » sont refusés.
std::optional<std::size_t> longueur(std::string_view valeur) {
    if (valeur.empty()) {
        return std::nullopt;
    }
    constexpr std::size_t maximum = std::numeric_limits<std::size_t>::max();
    std::size_t n = 0;
    for (char c : valeur) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const auto chiffre = static_cast<std::size_t>(c - '0');
        if (n > (maximum - chiffre) / 10) {
            return std::nullopt; // n * 10 + chiffre déborderait
        }
        n = n * 10 + chiffre;
    }
    return n;
}

/// Après une réponse d'erreur : fermer notre sens d'écriture, puis lire et jeter ce que le
/// client envoie encore, un temps borné. Fermer un socket dont le tampon de réception n'est
/// pas vide fait envoyer un RST par le noyau, et le client risquerait de perdre la réponse.
rt::Task<void> fermer_poliment(rt::net::TcpStream& socket) {
    socket.shutdown_write();
    std::array<char, 4096> poubelle;
    std::size_t jetes = 0;
    while (jetes < 64 * 1024) {
        auto n = co_await rt::time::timeout(1s, socket.read(poubelle));
        if (!n || *n == 0) {
            co_return; // délai écoulé ou fin de flux : on peut fermer
        }
        jetes += *n;
    }
}

/// Un read borné par une échéance : std::nullopt si elle passe avant que des octets (ou la
/// fin de flux) n'arrivent. Le read abandonné n'a rien consommé : rien n'est perdu.
rt::Task<std::optional<std::size_t>> lire_avant(rt::net::TcpStream& socket, std::span<char> tampon,
                                                Horloge::time_point echeance) {
    auto n = co_await rt::time::timeout_at(echeance, socket.read(tampon));
    if (!n) {
        co_return std::nullopt;
    }
    co_return *n;
}

} // namespace

Jugement juger(std::string_view tete) {
    constexpr Jugement invalide{Verdict::Invalide};
    std::string_view ligne = couper(tete, "\r\n");
    if (ligne.find_first_of("\r\n") != std::string_view::npos) {
        return invalide; // un \r ou un \n isolé : un autre serveur pourrait y couper la ligne
    }
    const std::string_view methode = couper(ligne, " ");
    const std::string_view cible = couper(ligne, " ");
    const std::string_view version = ligne;
    const bool methode_ok = !methode.empty() && std::ranges::all_of(methode, [](char c) {
        return c >= 'A' && c <= 'Z';
    });
    if (!methode_ok || cible.empty() || (version != "HTTP/1.1" && version != "HTTP/1.0")) {
        return invalide; // couvre aussi « trop de mots » : la version les contiendrait
    }
    // Par défaut, HTTP/1.1 garde la connexion, HTTP/1.0 la ferme.
    bool garder = version == "HTTP/1.1";
    std::optional<std::size_t> content_length;
    bool transfer_encoding = false;
    while (!tete.empty()) {
        const std::string_view entete = couper(tete, "\r\n");
        const auto deux_points = entete.find(':');
        if (deux_points == std::string_view::npos) {
            return invalide;
        }
        const std::string_view nom = entete.substr(0, deux_points);
        // Un nom vide, ou avec une espace : « Transfer-Encoding : chunked » (un autre serveur
        // pourrait lire l'en-tête, nous non : c'est ainsi qu'on fait passer une requête en
        // contrebande), ou une ligne qui commence par une espace (repli obsolète).
        if (nom.empty() || nom.find_first_of(" \t") != std::string_view::npos) {
            return invalide;
        }
        if (entete.find_first_of("\r\n") != std::string_view::npos) { // \r ou \n isolé
            return invalide;
        }
        const std::string_view valeur = sans_espaces(entete.substr(deux_points + 1));
        if (egal_sans_casse(nom, "Connection")) {
            if (egal_sans_casse(valeur, "close")) {
                garder = false;
            } else if (egal_sans_casse(valeur, "keep-alive")) {
                garder = true;
            }
        } else if (egal_sans_casse(nom, "Content-Length")) {
            if (content_length) {
                return invalide; // répété : lequel croire ? Aucun.
            }
            content_length = longueur(valeur);
            if (!content_length) {
                return invalide;
            }
        } else if (egal_sans_casse(nom, "Transfer-Encoding")) {
            transfer_encoding = true;
        }
    }
    if (transfer_encoding) {
        // Les deux à la fois : deux façons de dire où finit le corps (RFC 9112 §6.3).
        return content_length ? invalide : Jugement{Verdict::NonImplemente};
    }
    return Jugement{garder ? Verdict::Garder : Verdict::Fermer, content_length.value_or(0)};
}

rt::Task<void> traiter_connexion(rt::net::TcpStream socket, Delais delais) {
    // Les octets reçus et pas encore consommés. Ils survivent d'une requête à la suivante :
    // un client peut envoyer deux requêtes d'un coup (pipelining), un read peut donc en
    // rendre une et demie.
    std::string recu;
    std::array<char, 4096> morceau;
    for (;;) {
        // 1. Inactivité : rien en attente, on attend le premier octet de la requête suivante,
        //    au plus delais.inactivite. Un client muet ne garde pas sa connexion (et son fd)
        //    pour toujours : à l'échéance, on ferme sans rien dire.
        if (recu.empty()) {
            const auto n = co_await lire_avant(socket, morceau, Horloge::now() + delais.inactivite);
            if (!n || *n == 0) {
                co_return; // muet trop longtemps, ou parti : le destructeur ferme le socket
            }
            recu.append(morceau.data(), *n);
        }

        // 2. La requête a commencé (ou ses octets étaient déjà là) : sa tête ET son corps
        //    doivent arriver avant cette échéance, sinon 408.
        const auto echeance = Horloge::now() + delais.requete;

        // 3. Lire jusqu'à la fin de la tête, en autant de read qu'il faut, sans dépasser la
        //    limite : un client ne doit pas pouvoir nous faire grossir un tampon sans fin.
        std::size_t deja_cherche = 0;
        std::size_t fin = recu.find("\r\n\r\n");
        while (fin == std::string::npos) {
            if (recu.size() >= TAILLE_MAX_TETE) {
                co_await socket.write_all(REPONSE_431);
                co_await fermer_poliment(socket);
                co_return;
            }
            // On ne recherche que dans ce qui est nouveau (3 octets de recouvrement : le
            // délimiteur peut être à cheval sur deux lectures).
            deja_cherche = recu.size() < 3 ? 0 : recu.size() - 3;
            const auto n = co_await lire_avant(socket, morceau, echeance);
            if (!n) {
                co_await socket.write_all(REPONSE_408);
                co_await fermer_poliment(socket);
                co_return;
            }
            if (*n == 0) {
                co_return; // le client a fermé au milieu d'une tête
            }
            recu.append(morceau.data(), *n);
            fin = recu.find("\r\n\r\n", deja_cherche);
        }
        if (fin + 4 > TAILLE_MAX_TETE) {
            co_await socket.write_all(REPONSE_431);
            co_await fermer_poliment(socket);
            co_return;
        }

        // 4. Juger la tête, la retirer du tampon.
        const Jugement jugement = juger(std::string_view(recu).substr(0, fin));
        recu.erase(0, fin + 4);
        if (jugement.verdict == Verdict::Invalide || jugement.verdict == Verdict::NonImplemente) {
            co_await socket.write_all(jugement.verdict == Verdict::Invalide ? REPONSE_400
                                                                            : REPONSE_501);
            co_await fermer_poliment(socket);
            co_return;
        }

        // 5. Le corps : exactement longueur_corps octets, lus et jetés en flux (un morceau à
        //    la fois : la mémoire reste bornée, même pour un corps de plusieurs Gio). D'abord
        //    ce qui est déjà dans le tampon, puis des read qui ne dépassent jamais la fin du
        //    corps : ce qui suit (la requête suivante) reste dans le socket.
        std::size_t reste = jugement.longueur_corps;
        const std::size_t deja_la = std::min(reste, recu.size());
        recu.erase(0, deja_la);
        reste -= deja_la;
        while (reste > 0) {
            const std::size_t voulu = std::min(reste, morceau.size());
            const auto n = co_await lire_avant(socket, std::span(morceau).first(voulu), echeance);
            if (!n) {
                co_await socket.write_all(REPONSE_408);
                co_await fermer_poliment(socket);
                co_return;
            }
            if (*n == 0) {
                co_return; // le client a fermé au milieu du corps
            }
            reste -= *n;
        }

        // 6. Répondre ; fermer si le client l'a demandé.
        if (jugement.verdict == Verdict::Fermer) {
            co_await socket.write_all(REPONSE_OK_FERMER);
            co_return; // le destructeur du socket ferme la connexion
        }
        co_await socket.write_all(REPONSE_OK);
    }
}

rt::Task<void> servir(rt::net::TcpListener listener, Delais delais, Journal journal) {
    for (;;) {
        std::optional<std::pair<rt::net::TcpStream, rt::net::SocketAddr>> accepte;
        try {
            accepte.emplace(co_await listener.accept());
        } catch (const std::system_error& e) {
            // EMFILE, ENFILE, ENOBUFS... : une connexion n'est pas acceptée, le serveur
            // continue. On journalise ici, mais on n'attend pas ici : une expression co_await
            // ne peut pas apparaître dans un bloc catch ([expr.await]/2).
            journal(e);
        }
        if (!accepte) {
            // La connexion refusée est toujours dans la file du noyau : le listener reste
            // « prêt », et un nouvel essai immédiat échouerait de même, en boucle. La pause
            // laisse aux connexions en cours le temps de se terminer et de rendre des fds.
            co_await rt::time::sleep(PAUSE_APRES_ECHEC_ACCEPT);
            continue;
        }
        // Une tâche par connexion : la boucle retourne aussitôt à accept. (L'attendre ici,
        // co_await traiter_connexion(...), servirait les clients un par un.)
        (void)rt::spawn([socket = std::move(accepte->first), delais]() mutable -> rt::Task<void> {
            try {
                co_await traiter_connexion(std::move(socket), delais);
            } catch (const std::exception& e) {
                std::cerr << "connexion interrompue : " << e.what() << std::endl;
            }
        });
    }
}

} // namespace utiliser
