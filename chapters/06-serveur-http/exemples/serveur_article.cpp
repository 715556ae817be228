/// \file
/// \brief Chapitre 06 — « Serveur HTTP simple » : le programme de l'article, traduit
/// fidèlement (une tâche par connexion, un seul `read` de 1024 octets, une pause de 100 ms,
/// une réponse « Hello, World! »), avec ses deux défauts : la leçon les montre.
///
/// Usage : `ch06_serveur_article [adresse] [--auto N]`
/// - `adresse` : « hôte:port », 127.0.0.1:8080 par défaut ; `127.0.0.1:0` choisit un port
///   libre et l'affiche ;
/// - `--auto N` : démonstration autonome (visite guidée, CTest) : écoute sur un port libre,
///   lance N clients dans le même runtime, affiche ce qu'affiche l'article, puis un dernier
///   client qui envoie sa requête en deux morceaux... et reçoit une réponse après le premier.
///
/// Essai à la main : lancez `ch06_serveur_article`, puis `curl -v http://127.0.0.1:8080/`.
#include <rt/rt.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// La première ligne d'un texte (le `lines().next().unwrap_or("")` de Rust).
std::string_view premiere_ligne(std::string_view texte) {
    const auto fin = texte.find_first_of("\r\n");
    return texte.substr(0, fin);
}

// [programme]
rt::Task<void> traiter_connexion(rt::net::TcpStream socket) {
    std::array<char, 1024> buffer{};

    // Lire la requête
    const std::size_t n = co_await socket.read(buffer);
    const std::string requete(buffer.data(), n); // from_utf8_lossy : on garde les octets

    std::cout << "Requête reçue : " << premiere_ligne(requete) << std::endl;

    // Simuler un traitement
    co_await rt::time::sleep(100ms);

    // Envoyer une réponse HTTP simple
    const std::string_view response = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!";
    co_await socket.write_all(response);
}

rt::Task<void> servir(rt::net::TcpListener listener) {
    for (;;) {
        // Une exception ici sort de servir, puis de main : c'est le `accept().await?` de
        // l'article. La première erreur d'accept (EMFILE...) arrête tout le serveur.
        auto [socket, addr] = co_await listener.accept();
        std::cout << "Nouvelle connexion : " << addr.to_string() << std::endl;

        // Traiter chaque connexion dans une tâche séparée
        (void)rt::spawn([socket = std::move(socket)]() mutable -> rt::Task<void> {
            try {
                co_await traiter_connexion(std::move(socket));
            } catch (const std::exception& e) {
                std::cout << "Erreur lors du traitement : " << e.what() << std::endl;
            }
        });
    }
}
// [programme]

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

/// Un client de démonstration : envoie `morceaux` (un write chacun, avec une pause entre
/// deux), puis lit la réponse jusqu'à la fermeture par le serveur.
rt::Task<std::string> client(std::string adresse, std::vector<std::string> morceaux) {
    auto stream = co_await rt::net::TcpStream::connect(adresse);
    for (std::size_t i = 0; i < morceaux.size(); ++i) {
        if (i > 0) {
            co_await rt::time::sleep(20ms); // le second morceau part après le premier read
        }
        co_await stream.write_all(morceaux[i]);
    }
    std::string reponse;
    std::array<char, 1024> tampon;
    for (;;) {
        std::size_t n = 0;
        try {
            n = co_await stream.read(tampon);
        } catch (const std::system_error&) {
            break; // RST : le serveur a fermé sans lire la fin de notre requête
        }
        if (n == 0) {
            break;
        }
        reponse.append(tampon.data(), n);
    }
    co_return reponse;
}

rt::Task<int> demonstration(int nombre) {
    auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
    const std::string adresse = listener.local_addr().to_string();
    std::cout << "Serveur en écoute sur " << adresse << std::endl;
    auto serveur = rt::spawn(servir(std::move(listener)));

    // N clients en même temps : les réponses arrivent ensemble, après ~100 ms, pas N × 100 ms.
    const auto debut = std::chrono::steady_clock::now();
    std::vector<rt::JoinHandle<std::string>> clients;
    for (int i = 0; i < nombre; ++i) {
        const std::string requete =
            "GET /client/" + std::to_string(i) + " HTTP/1.1\r\nHost: " + adresse + "\r\n\r\n";
        clients.push_back(rt::spawn(client(adresse, liste(requete))));
    }
    int correctes = 0;
    for (auto& c : clients) {
        auto r = co_await c;
        if (r && r->ends_with("Hello, World!")) {
            ++correctes;
        }
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - debut)
                        .count();
    std::cout << "[démo] " << correctes << "/" << nombre << " réponses « Hello, World! » en " << ms
              << " ms (une pause de 100 ms chacune, en même temps)" << std::endl;

    // Le premier défaut : une requête en deux morceaux. Le serveur lit le premier, le prend
    // pour toute la requête, répond, ferme.
    std::cout << "[démo] un client envoie « GET /lent HT » puis, 20 ms plus tard, la suite :"
              << std::endl;
    auto r = co_await rt::spawn(
        client(adresse, liste("GET /lent HT", "TP/1.1\r\nHost: " + adresse + "\r\n\r\n")));
    std::cout << "[démo] il reçoit quand même une réponse (" << (r ? r->size() : 0)
              << " octets) : le serveur a pris un read pour une requête" << std::endl;
    serveur.abort();
    co_return correctes == nombre ? 0 : 1;
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
        // Le `Result` d'erreur que rendrait le main de l'article.
        std::cerr << "Erreur : " << e.what() << std::endl;
        return 1;
    }
}
