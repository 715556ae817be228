/// \file
/// \brief Chapitre 06 — En production : le serveur HTTP corrigé avec Boost.Asio 1.81.
///
/// Une coroutine `asio::awaitable` par connexion, lancée par `co_spawn(..., detached)` : c'est
/// le `tokio::spawn` d'Asio. `async_read_until` sur un `dynamic_buffer` borné fait ce que
/// notre boucle de lecture fait à la main : lire jusqu'à la ligne vide qui clôt la tête
/// (CRLF CRLF), en gardant la suite pour la requête suivante, et s'arrêter à 8 Kio (erreur
/// `not_found` → 431).
///
/// Usage : `ch06_asio [adresse] [--auto N]` (mêmes conventions que ch06_serveur_corrige ;
/// `--auto N` : N clients keep-alive de deux requêtes chacun, dans le même io_context).
#include <boost/asio.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

namespace asio = boost::asio;
using asio::ip::tcp;

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

int reponses_envoyees = 0;

// [connexion]
asio::awaitable<void> traiter_connexion(tcp::socket socket) {
    std::string recu;
    for (;;) {
        // Lit jusqu'au délimiteur ; ce qui suit reste dans `recu`. Au-delà de la taille
        // maximale du tampon dynamique : erreur not_found.
        auto [erreur, fin] =
            co_await asio::async_read_until(socket, asio::dynamic_buffer(recu, TAILLE_MAX_TETE),
                                            "\r\n\r\n", asio::as_tuple(asio::use_awaitable));
        if (erreur == asio::error::not_found) {
            co_await asio::async_write(socket, asio::buffer(REPONSE_431), asio::use_awaitable);
            co_return;
        }
        if (erreur) {
            co_return; // fin de flux ou erreur : la connexion est finie
        }
        const std::string tete = recu.substr(0, fin);
        recu.erase(0, fin);
        const std::string_view ligne = std::string_view(tete).substr(0, tete.find("\r\n"));
        if (!ligne.ends_with(" HTTP/1.1") && !ligne.ends_with(" HTTP/1.0")) {
            co_await asio::async_write(socket, asio::buffer(REPONSE_400), asio::use_awaitable);
            co_return;
        }
        const bool fermer = tete.find("\r\nConnection: close") != std::string::npos;
        co_await asio::async_write(socket, asio::buffer(fermer ? REPONSE_OK_FERMER : REPONSE_OK),
                                   asio::use_awaitable);
        ++reponses_envoyees;
        if (fermer) {
            co_return;
        }
    }
}

asio::awaitable<void> servir(tcp::acceptor acceptor) {
    const auto executeur = co_await asio::this_coro::executor;
    for (;;) {
        auto [erreur, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (erreur) {
            // Comme notre serveur corrigé : journaliser, patienter, continuer.
            std::cerr << "accept a échoué (" << erreur.message() << ") : on continue" << std::endl;
            asio::steady_timer pause(executeur, std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::use_awaitable);
            continue;
        }
        // Le tokio::spawn d'Asio : la coroutine vit sa vie, détachée.
        asio::co_spawn(executeur, traiter_connexion(std::move(socket)), asio::detached);
    }
}
// [connexion]

/// Un client de démonstration : deux requêtes sur une connexion, lit jusqu'à la fermeture.
asio::awaitable<void> client(tcp::endpoint cible, int* bons) {
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(cible, asio::use_awaitable);
    const std::string requetes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /fin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(requetes), asio::use_awaitable);
    std::string tout;
    auto [erreur, n] = co_await asio::async_read(s, asio::dynamic_buffer(tout),
                                                 asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (erreur == asio::error::eof &&
        tout == std::string(REPONSE_OK) + std::string(REPONSE_OK_FERMER)) {
        ++*bons;
    }
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
    if (automatique > 0) {
        adresse = "127.0.0.1:0";
    }
    try {
        asio::io_context io;
        const auto deux_points = adresse.rfind(':');
        tcp::endpoint local(
            asio::ip::make_address(adresse.substr(0, deux_points)),
            static_cast<unsigned short>(std::atoi(adresse.c_str() + deux_points + 1)));
        tcp::acceptor acceptor(io, local);
        const tcp::endpoint ecoute = acceptor.local_endpoint();
        std::cout << "Serveur en écoute sur " << ecoute << std::endl;
        asio::co_spawn(io, servir(std::move(acceptor)), asio::detached);
        if (automatique == 0) {
            io.run();
            return 0;
        }
        int bons = 0;
        int finis = 0;
        for (int i = 0; i < automatique; ++i) {
            asio::co_spawn(io, client(ecoute, &bons), [&](std::exception_ptr) {
                if (++finis == automatique) {
                    io.stop(); // le serveur (détaché) ne finit jamais : on arrête le contexte
                }
            });
        }
        io.run();
        std::cout << "[démo] " << bons << "/" << automatique
                  << " clients keep-alive ont reçu leurs deux réponses (" << reponses_envoyees
                  << " réponses envoyées)" << std::endl;
        return bons == automatique ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "Erreur : " << e.what() << std::endl;
        return 1;
    }
}
