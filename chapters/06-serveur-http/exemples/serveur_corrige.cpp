/// \file
/// \brief Chapitre 06 — le serveur de l'article, corrigé : une tête de requête lue en autant
/// de `read` qu'il faut (bornée à 8 Kio, sinon 431), keep-alive et `Connection: close`
/// respectés, une tête invalide refusée (400), un corps lu et jeté selon `Content-Length` (il
/// n'est jamais pris pour une requête), `Transfer-Encoding` refusé (501), deux délais (un
/// client muet est déconnecté, une requête trop lente reçoit 408), et une boucle
/// d'acceptation qui survit aux erreurs d'`accept` (EMFILE) au lieu d'arrêter tout le serveur.
///
/// Usage : `ch06_serveur_corrige [adresse] [--inactivite MS] [--delai-requete MS] [--auto N]`
/// - `adresse` : « hôte:port », 127.0.0.1:8080 par défaut ; `127.0.0.1:0` choisit un port
///   libre et l'affiche ;
/// - `--inactivite MS` : attente maximale du premier octet d'une requête (10 000 ms par
///   défaut, 300 ms avec `--auto`) ; au-delà, la connexion est fermée sans réponse ;
/// - `--delai-requete MS` : durée maximale d'une requête, du premier octet à la fin du corps
///   (10 000 ms par défaut, 300 ms avec `--auto`) ; au-delà, réponse 408 et fermeture ;
/// - `--auto N` : démonstration autonome : N clients keep-alive (deux requêtes chacun), une
///   requête en trois morceaux, des octets quelconques, une tête trop longue, un POST dont le
///   corps ressemble à une requête, un corps « chunked », un client muet, une tête sans fin,
///   puis une pénurie de descripteurs (EMFILE) provoquée exprès : le serveur la journalise et
///   continue.
///
/// Essai à la main : `ch06_serveur_corrige`, puis
/// `curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/` (deux requêtes, une connexion).
#include "tete_http.hpp"

#include <rt/rt.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr std::size_t TAILLE_MAX_TETE = 8 * 1024;

constexpr std::string_view REPONSE_OK =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
constexpr std::string_view REPONSE_OK_FERMER = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                               "Content-Length: 13\r\nConnection: close\r\n\r\n"
                                               "Hello, World!";
constexpr std::string_view REPONSE_400 =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
constexpr std::string_view REPONSE_408 =
    "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
constexpr std::string_view REPONSE_431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                         "Content-Length: 0\r\nConnection: close\r\n\r\n";
constexpr std::string_view REPONSE_501 =
    "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Les deux délais d'une connexion (options --inactivite et --delai-requete).
struct Delais {
    std::chrono::milliseconds inactivite{10'000}; ///< attente du premier octet d'une requête
    std::chrono::milliseconds requete{10'000};    ///< du premier octet à la fin du corps
};

int erreurs_accept = 0; // lu par la démonstration (un seul thread : pas besoin d'atomique)

/// Envoie une réponse d'erreur, puis ferme poliment : ne plus écrire, lire et jeter ce que le
/// client envoie encore (un temps borné), pour que la fermeture ne parte pas en RST avant
/// qu'il ait lu la réponse.
rt::Task<void> fermer_poliment(rt::net::TcpStream& socket, std::string_view reponse) {
    co_await socket.write_all(reponse);
    socket.shutdown_write();
    std::array<char, 4096> poubelle;
    for (std::size_t jetes = 0; jetes < 64 * 1024;) {
        auto n = co_await rt::time::timeout(1s, socket.read(poubelle));
        if (!n || *n == 0) {
            co_return;
        }
        jetes += *n;
    }
}

/// Un read abandonné à l'échéance : std::nullopt si elle passe avant que des octets (ou la
/// fin de flux) arrivent. Le read abandonné n'a rien consommé : rien n'est perdu.
rt::Task<std::optional<std::size_t>> lire_avant(rt::net::TcpStream& socket, std::span<char> tampon,
                                                rt::time::Instant echeance) {
    auto n = co_await rt::time::timeout_at(echeance, socket.read(tampon));
    co_return n ? std::optional(*n) : std::nullopt;
}

// [connexion]
rt::Task<void> traiter_connexion(rt::net::TcpStream socket, Delais delais) {
    using Horloge = std::chrono::steady_clock;
    std::string recu; // hors de la boucle : peut déjà contenir le début de la requête suivante
    std::array<char, 4096> morceau;
    for (;;) {
        // Rien en attente : le premier octet de la requête doit arriver avant l'échéance
        // d'inactivité. Un client muet ne garde pas sa connexion (et son fd) pour toujours.
        if (recu.empty()) {
            const auto n = co_await lire_avant(socket, morceau, Horloge::now() + delais.inactivite);
            if (!n || *n == 0) {
                co_return; // muet trop longtemps, ou parti : on ferme sans rien dire
            }
            recu.append(morceau.data(), *n);
        }
        // La requête a commencé : sa tête ET son corps doivent arriver avant cette échéance.
        const auto echeance = Horloge::now() + delais.requete;

        // Lire jusqu'à la fin de la tête, en autant de read qu'il faut, dans la limite.
        std::size_t fin;
        while ((fin = recu.find("\r\n\r\n")) == std::string::npos) {
            if (recu.size() >= TAILLE_MAX_TETE) {
                co_await fermer_poliment(socket, REPONSE_431);
                co_return;
            }
            const auto n = co_await lire_avant(socket, morceau, echeance);
            if (!n) {
                co_await fermer_poliment(socket, REPONSE_408);
                co_return;
            }
            if (*n == 0) {
                co_return; // le client a fermé
            }
            recu.append(morceau.data(), *n);
        }
        if (fin + 4 > TAILLE_MAX_TETE) {
            co_await fermer_poliment(socket, REPONSE_431);
            co_return;
        }
        const tete_http::Analyse analyse =
            tete_http::analyser(std::string_view(recu).substr(0, fin));
        if (analyse.verdict == tete_http::Verdict::Invalide ||
            analyse.verdict == tete_http::Verdict::NonImplemente) {
            const bool invalide = analyse.verdict == tete_http::Verdict::Invalide;
            co_await fermer_poliment(socket, invalide ? REPONSE_400 : REPONSE_501);
            co_return;
        }
        std::cout << "Requête reçue : " << recu.substr(0, recu.find("\r\n")) << std::endl;
        recu.erase(0, fin + 4); // la suite éventuelle est le corps, puis la requête suivante

        // Le corps : exactement longueur_corps octets, lus et jetés un morceau à la fois (la
        // mémoire reste bornée), sans jamais lire au-delà : la suite est une autre requête.
        std::size_t reste = analyse.longueur_corps;
        const std::size_t deja_la = std::min(reste, recu.size());
        recu.erase(0, deja_la);
        reste -= deja_la;
        while (reste > 0) {
            const std::size_t voulu = std::min(reste, morceau.size());
            const auto n = co_await lire_avant(socket, std::span(morceau).first(voulu), echeance);
            if (!n) {
                co_await fermer_poliment(socket, REPONSE_408);
                co_return;
            }
            if (*n == 0) {
                co_return;
            }
            reste -= *n;
        }

        const bool garder = analyse.verdict == tete_http::Verdict::Garder;
        co_await socket.write_all(garder ? REPONSE_OK : REPONSE_OK_FERMER);
        if (!garder) {
            co_return; // Connection: close
        }
    }
}
// [connexion]

// [acceptation]
rt::Task<void> servir(rt::net::TcpListener listener, Delais delais) {
    for (;;) {
        std::optional<std::pair<rt::net::TcpStream, rt::net::SocketAddr>> accepte;
        try {
            accepte.emplace(co_await listener.accept());
        } catch (const std::system_error& e) {
            // EMFILE, ENFILE, ENOBUFS... : une connexion est perdue, pas le serveur.
            ++erreurs_accept;
            std::cerr << "accept a échoué (" << e.code().message() << ") : on continue"
                      << std::endl;
        }
        if (!accepte) {
            // Pas de co_await dans un bloc catch ([expr.await]/2) : on attend ici. La pause
            // laisse des connexions se fermer, et évite de boucler : le listener reste « prêt ».
            co_await rt::time::sleep(50ms);
            continue;
        }
        auto& [socket, addr] = *accepte;
        (void)rt::spawn([socket = std::move(socket), delais]() mutable -> rt::Task<void> {
            try {
                co_await traiter_connexion(std::move(socket), delais);
            } catch (const std::exception& e) {
                std::cerr << "Erreur lors du traitement : " << e.what() << std::endl;
            }
        });
    }
}
// [acceptation]

// --- Démonstration (--auto) ---------------------------------------------------------------

/// Un vecteur de 1 à 3 textes (les chaînes vides sont omises). g++ 12 rejette les listes
/// d'initialisation entre accolades dans une coroutine (bogue « array used as initializer ») :
/// on passe par cette fonction ordinaire.
std::vector<std::string> liste(std::string a, std::string b = {}, std::string c = {}) {
    std::vector<std::string> v;
    for (auto* s : {&a, &b, &c}) {
        if (!s->empty()) {
            v.push_back(std::move(*s));
        }
    }
    return v;
}

/// Lit une réponse (tête + corps selon Content-Length) ; vide si la connexion est fermée.
rt::Task<std::string> lire_reponse(rt::net::TcpStream& s, std::string& recu) {
    std::array<char, 4096> tampon;
    std::size_t fin;
    while ((fin = recu.find("\r\n\r\n")) == std::string::npos) {
        const std::size_t n = co_await s.read(tampon);
        if (n == 0) {
            co_return std::string{};
        }
        recu.append(tampon.data(), n);
    }
    const auto cl = recu.find("Content-Length: ");
    const std::size_t taille = fin + 4 + (cl < fin ? std::stoul(recu.substr(cl + 16)) : 0);
    while (recu.size() < taille) {
        const std::size_t n = co_await s.read(tampon);
        if (n == 0) {
            co_return std::string{};
        }
        recu.append(tampon.data(), n);
    }
    std::string reponse = recu.substr(0, taille);
    recu.erase(0, taille);
    co_return reponse;
}

/// Envoie `morceaux` (un write chacun, 10 ms entre deux) puis lit `reponses` réponses ;
/// rend leurs premières lignes.
rt::Task<std::vector<std::string>> client(std::string adresse, std::vector<std::string> morceaux,
                                          int reponses) {
    auto s = co_await rt::net::TcpStream::connect(adresse);
    for (std::size_t i = 0; i < morceaux.size(); ++i) {
        if (i > 0) {
            co_await rt::time::sleep(10ms); // pour que chaque morceau fasse son propre read
        }
        co_await s.write_all(morceaux[i]);
    }
    std::vector<std::string> lignes;
    std::string recu;
    for (int i = 0; i < reponses; ++i) {
        std::string r = co_await lire_reponse(s, recu);
        lignes.push_back(r.empty() ? "(connexion fermée)" : r.substr(0, r.find("\r\n")));
    }
    co_return lignes;
}

rt::Task<int> demonstration(int nombre, Delais delais) {
    auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
    const std::string a = listener.local_addr().to_string();
    std::cout << "Serveur en écoute sur " << a << " (inactivité " << delais.inactivite.count()
              << " ms, requête " << delais.requete.count() << " ms)" << std::endl;
    auto serveur = rt::spawn(servir(std::move(listener), delais));
    const std::string requete = "GET / HTTP/1.1\r\nHost: " + a + "\r\n\r\n";
    const std::string derniere =
        "GET /fin HTTP/1.1\r\nHost: " + a + "\r\nConnection: close\r\n\r\n";
    int echecs = 0;
    auto verifier = [&echecs](const std::vector<std::string>& obtenu,
                              const std::vector<std::string>& attendu, std::string_view quoi) {
        std::cout << "[démo] " << quoi << " :";
        for (const auto& l : obtenu) {
            std::cout << " « " << l << " »";
        }
        std::cout << std::endl;
        echecs += obtenu == attendu ? 0 : 1;
    };

    // 1. N clients en même temps, deux requêtes chacun sur la même connexion.
    std::vector<rt::JoinHandle<std::vector<std::string>>> clients;
    for (int i = 0; i < nombre; ++i) {
        clients.push_back(rt::spawn(client(a, liste(requete + derniere), 2)));
    }
    int bons = 0;
    for (auto& c : clients) {
        auto r = co_await c;
        bons += (r && *r == liste("HTTP/1.1 200 OK", "HTTP/1.1 200 OK"));
    }
    std::cout << "[démo] " << bons << "/" << nombre
              << " clients keep-alive ont reçu leurs deux réponses" << std::endl;
    echecs += bons == nombre ? 0 : 1;

    // 2. Une tête en trois morceaux : une seule réponse, après le dernier.
    verifier(
        co_await client(a, liste("GET /lent HT", "TP/1.1\r\nHost: x\r\n", "\r\n" + derniere), 2),
        liste("HTTP/1.1 200 OK", "HTTP/1.1 200 OK"), "tête en trois morceaux, puis une autre");
    // 3. Des octets quelconques, 4. une tête trop longue.
    verifier(co_await client(a, liste("\x16\x03\x01 pas du HTTP\r\n\r\n"), 1),
             liste("HTTP/1.1 400 Bad Request"), "octets quelconques");
    verifier(co_await client(a, liste("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a')), 1),
             liste("HTTP/1.1 431 Request Header Fields Too Large"), "tête de 9 Kio");

    // 5. Un POST dont le corps ressemble à une requête, suivi d'un GET « Connection: close » :
    //    deux réponses (le POST, le GET), pas trois. Le corps n'est pas une requête.
    const std::string corps = "GET /smuggled HTTP/1.1\r\n\r\n";
    const std::string post = "POST /formulaire HTTP/1.1\r\nHost: " + a +
                             "\r\nContent-Length: " + std::to_string(corps.size()) + "\r\n\r\n";
    verifier(co_await client(a, liste(post + corps + derniere), 3),
             liste("HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "(connexion fermée)"),
             "POST au corps « GET /smuggled », puis un GET : deux réponses seulement");
    // 6. Un corps « chunked » : ce serveur ne sait pas le lire, il refuse (501).
    verifier(co_await client(a,
                             liste("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "5\r\nhello\r\n0\r\n\r\n"),
                             1),
             liste("HTTP/1.1 501 Not Implemented"), "corps en Transfer-Encoding: chunked");
    // 7. Un client muet : déconnecté sans réponse après le délai d'inactivité.
    const auto debut = std::chrono::steady_clock::now();
    auto muet = co_await client(a, std::vector<std::string>(), 1);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    verifier(muet, liste("(connexion fermée)"),
             "client muet, fermé après " + std::to_string(ms.count()) + " ms");
    echecs += ms >= delais.inactivite ? 0 : 1;
    // 8. Une tête qui ne finit jamais : 408 après le délai de requête.
    verifier(co_await client(a, liste("GET /sans-fin HTTP/1.1\r\nHost: " + a + "\r\n"), 1),
             liste("HTTP/1.1 408 Request Timeout"), "tête jamais finie");

    // 9. Plus aucun descripteur libre : accept échoue (EMFILE). On abaisse la limite, on
    //    occupe tous les fds sauf un, que prend le client ; le serveur ne peut plus accepter.
    rlimit avant{};
    ::getrlimit(RLIMIT_NOFILE, &avant);
    rlimit basse = avant;
    basse.rlim_cur = 128;
    ::setrlimit(RLIMIT_NOFILE, &basse);
    std::vector<int> occupes{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    for (int fd; occupes.front() >= 0 && (fd = ::dup(occupes.front())) >= 0;) {
        occupes.push_back(fd);
    }
    ::close(occupes.back()); // un seul fd libre : celui du client
    occupes.pop_back();
    std::cout << "[démo] tous les descripteurs sont pris ; un client se connecte" << std::endl;
    auto patient = rt::spawn(client(a, liste(derniere), 1));
    for (int i = 0; erreurs_accept == 0 && i < 300; ++i) {
        co_await rt::time::sleep(10ms); // démonstration : on attend que le serveur ait échoué
    }
    if (erreurs_accept == 0) {
        std::cout << "[démo] accept n'a pas échoué (limite de fds non atteinte ?)" << std::endl;
        ++echecs;
    }
    for (int fd : occupes) {
        ::close(fd);
    }
    ::setrlimit(RLIMIT_NOFILE, &avant);
    std::cout << "[démo] descripteurs libérés ; le serveur tourne toujours" << std::endl;
    auto r = co_await patient;
    verifier(r ? *r : std::vector<std::string>{}, liste("HTTP/1.1 200 OK"),
             "client servi après EMFILE");

    serveur.abort();
    co_return echecs == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8080";
    int automatique = 0;
    std::optional<std::chrono::milliseconds> inactivite;
    std::optional<std::chrono::milliseconds> requete;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--auto" && i + 1 < argc) {
            automatique = std::atoi(argv[++i]);
        } else if (arg == "--inactivite" && i + 1 < argc) {
            inactivite = std::chrono::milliseconds(std::atol(argv[++i]));
        } else if (arg == "--delai-requete" && i + 1 < argc) {
            requete = std::chrono::milliseconds(std::atol(argv[++i]));
        } else {
            adresse = arg;
        }
    }
    // Des délais courts pour la démonstration, qui les attend ; 10 s sinon.
    const std::chrono::milliseconds defaut = automatique > 0 ? 300ms : 10'000ms;
    const Delais delais{inactivite.value_or(defaut), requete.value_or(defaut)};
    try {
        if (automatique > 0) {
            return rt::block_on(demonstration(automatique, delais));
        }
        rt::block_on([](std::string a, Delais d) -> rt::Task<void> {
            auto listener = co_await rt::net::TcpListener::bind(a);
            std::cout << "Serveur en écoute sur " << listener.local_addr().to_string() << std::endl;
            co_await servir(std::move(listener), d);
        }(adresse, delais));
    } catch (const std::exception& e) {
        std::cerr << "Erreur : " << e.what() << std::endl;
        return 1;
    }
}
