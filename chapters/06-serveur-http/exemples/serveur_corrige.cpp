/// \file
/// \brief Chapitre 06 — le serveur de l'article, corrigé : une tête de requête lue en autant
/// de `read` qu'il faut (bornée à 8 Kio, sinon 431), keep-alive et `Connection: close`
/// respectés, une tête invalide refusée (400), et une boucle d'acceptation qui survit aux
/// erreurs d'`accept` (EMFILE) au lieu d'arrêter tout le serveur.
///
/// Usage : `ch06_serveur_corrige [adresse] [--auto N]`
/// - `adresse` : « hôte:port », 127.0.0.1:8080 par défaut ; `127.0.0.1:0` choisit un port
///   libre et l'affiche ;
/// - `--auto N` : démonstration autonome : N clients keep-alive (deux requêtes chacun), une
///   requête en trois morceaux, des octets quelconques, une tête trop longue, puis une
///   pénurie de descripteurs (EMFILE) provoquée exprès : le serveur la journalise et continue.
///
/// Essai à la main : `ch06_serveur_corrige`, puis
/// `curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/` (deux requêtes, une connexion).
#include <rt/rt.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
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
constexpr std::string_view REPONSE_431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                         "Content-Length: 0\r\nConnection: close\r\n\r\n";

int erreurs_accept = 0; // lu par la démonstration (un seul thread : pas besoin d'atomique)

std::string en_minuscules(std::string_view s) {
    std::string r(s);
    for (char& c : r) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return r;
}

/// Une tête est acceptée si sa première ligne finit par « HTTP/1.x » ; version courte de
/// juger() (l'exercice), qui vérifie aussi la méthode et chaque en-tête.
std::optional<bool> garder_connexion(std::string_view tete) {
    const std::string_view ligne = tete.substr(0, tete.find("\r\n"));
    if (!ligne.ends_with(" HTTP/1.1") && !ligne.ends_with(" HTTP/1.0")) {
        return std::nullopt; // invalide
    }
    const std::string minuscules = en_minuscules(tete);
    if (minuscules.find("\r\nconnection: close") != std::string::npos) {
        return false;
    }
    return ligne.ends_with("1.1") ||
           minuscules.find("\r\nconnection: keep-alive") != std::string::npos;
}

/// Après une réponse d'erreur : ne plus écrire, lire et jeter ce que le client envoie encore
/// (un temps borné), pour que la fermeture ne parte pas en RST avant qu'il ait tout lu.
rt::Task<void> fermer_poliment(rt::net::TcpStream& socket) {
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

// [connexion]
rt::Task<void> traiter_connexion(rt::net::TcpStream socket) {
    std::string recu; // hors de la boucle : peut déjà contenir le début de la requête suivante
    std::array<char, 4096> morceau;
    for (;;) {
        // Lire jusqu'à la fin de la tête, en autant de read qu'il faut, dans la limite.
        std::size_t fin;
        while ((fin = recu.find("\r\n\r\n")) == std::string::npos) {
            if (recu.size() >= TAILLE_MAX_TETE) {
                co_await socket.write_all(REPONSE_431);
                co_await fermer_poliment(socket);
                co_return;
            }
            const std::size_t n = co_await socket.read(morceau);
            if (n == 0) {
                co_return; // le client a fermé
            }
            recu.append(morceau.data(), n);
        }
        const std::string tete = recu.substr(0, fin);
        recu.erase(0, fin + 4); // la suite éventuelle est la requête suivante
        const std::optional<bool> garder = garder_connexion(tete);
        if (!garder || fin + 4 > TAILLE_MAX_TETE) {
            co_await socket.write_all(garder ? REPONSE_431 : REPONSE_400);
            co_await fermer_poliment(socket);
            co_return;
        }
        std::cout << "Requête reçue : " << tete.substr(0, tete.find("\r\n")) << std::endl;
        co_await socket.write_all(*garder ? REPONSE_OK : REPONSE_OK_FERMER);
        if (!*garder) {
            co_return; // Connection: close
        }
    }
}
// [connexion]

// [acceptation]
rt::Task<void> servir(rt::net::TcpListener listener) {
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
            // Pas de co_await dans un bloc catch (C++) : on attend ici. La pause laisse des
            // connexions se fermer, et évite de boucler : le listener reste « prêt ».
            co_await rt::time::sleep(50ms);
            continue;
        }
        auto& [socket, addr] = *accepte;
        (void)rt::spawn([socket = std::move(socket)]() mutable -> rt::Task<void> {
            try {
                co_await traiter_connexion(std::move(socket));
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

rt::Task<int> demonstration(int nombre) {
    auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
    const std::string a = listener.local_addr().to_string();
    std::cout << "Serveur en écoute sur " << a << std::endl;
    auto serveur = rt::spawn(servir(std::move(listener)));
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

    // 5. Plus aucun descripteur libre : accept échoue (EMFILE). On abaisse la limite, on
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
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--auto" && i + 1 < argc) {
            automatique = std::atoi(argv[++i]);
        } else {
            adresse = arg;
        }
    }
    try {
        if (automatique > 0) {
            return rt::block_on(demonstration(automatique));
        }
        rt::block_on([](std::string a) -> rt::Task<void> {
            auto listener = co_await rt::net::TcpListener::bind(a);
            std::cout << "Serveur en écoute sur " << listener.local_addr().to_string() << std::endl;
            co_await servir(std::move(listener));
        }(adresse));
    } catch (const std::exception& e) {
        std::cerr << "Erreur : " << e.what() << std::endl;
        return 1;
    }
}
