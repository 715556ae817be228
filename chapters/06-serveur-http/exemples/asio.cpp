/// \file
/// \brief Chapitre 06 — En production : le serveur HTTP corrigé avec Boost.Asio et
/// Boost.Beast 1.81.
///
/// Une coroutine `asio::awaitable` par connexion, lancée par `co_spawn(..., detached)` : c'est
/// le `tokio::spawn` d'Asio. L'analyse HTTP n'est plus écrite à la main : c'est
/// `http::request_parser` de Beast qui lit la tête (bornée à 8 Kio : `header_limit`) et le
/// corps (borné à 1 Mio : `body_limit`), qu'il soit annoncé par `Content-Length` ou découpé
/// en `Transfer-Encoding: chunked`, et qui refuse les têtes ambiguës (les deux en-têtes à la
/// fois, un Content-Length invalide, un nom d'en-tête suivi d'une espace). Les délais sont
/// ceux de `beast::tcp_stream` : `expires_after` avant chaque opération ; à l'échéance, la
/// lecture échoue avec `beast::error::timeout` et le socket est fermé.
///
/// Usage : `ch06_asio [adresse] [--inactivite MS] [--delai-requete MS] [--auto N]` (mêmes
/// conventions que ch06_serveur_corrige ; `--auto N` : N clients keep-alive de deux requêtes
/// chacun, puis les cas de la leçon — corps qui ressemble à une requête, corps chunked, deux
/// en-têtes de longueur, client muet, tête sans fin —, dans le même io_context).
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t TAILLE_MAX_TETE = 8 * 1024;
constexpr std::uint64_t TAILLE_MAX_CORPS = 1024 * 1024;

/// Les deux délais d'une connexion, comme dans ch06_serveur_corrige.
struct Delais {
    std::chrono::milliseconds inactivite{10'000}; ///< attente du premier octet d'une requête
    std::chrono::milliseconds requete{10'000};    ///< du premier octet à la fin du corps
};

int reponses_envoyees = 0;

/// La réponse du serveur : « Hello, World! » pour une requête servie, vide pour une erreur.
http::response<http::string_body> reponse(http::status statut, bool garder) {
    http::response<http::string_body> r{statut, 11};
    r.set(http::field::content_type, "text/plain");
    r.keep_alive(garder); // « Connection: close » si la connexion va être fermée
    if (statut == http::status::ok) {
        r.body() = "Hello, World!";
    }
    r.prepare_payload(); // Content-Length
    return r;
}

// [connexion]
asio::awaitable<void> traiter_connexion(beast::tcp_stream flux, Delais delais) {
    beast::flat_buffer tampon; // comme `recu` : garde ce qui suit une requête
    for (;;) {
        // Rien en attente : le premier octet doit arriver avant l'échéance d'inactivité.
        if (tampon.size() == 0) {
            flux.expires_after(delais.inactivite);
            auto [erreur, n] = co_await flux.async_read_some(tampon.prepare(4096),
                                                             asio::as_tuple(asio::use_awaitable));
            if (erreur) {
                co_return; // muet trop longtemps (le socket est déjà fermé), ou parti
            }
            tampon.commit(n);
        }
        // La requête entière, tête et corps, avant l'échéance de requête. Beast lit le corps
        // (Content-Length ou chunked) : il ne sera jamais pris pour la requête suivante.
        flux.expires_after(delais.requete);
        http::request_parser<http::string_body> analyseur;
        analyseur.header_limit(TAILLE_MAX_TETE);
        analyseur.body_limit(TAILLE_MAX_CORPS);
        auto [erreur, n] =
            co_await http::async_read(flux, tampon, analyseur, asio::as_tuple(asio::use_awaitable));
        if (erreur == beast::error::timeout || erreur == http::error::end_of_stream ||
            erreur == http::error::partial_message || erreur == asio::error::connection_reset) {
            co_return; // délai dépassé (socket fermé, pas de 408) ou client parti
        }
        if (erreur) {
            // Tête ou corps trop longs, ou requête mal formée : une réponse, puis fermeture.
            const auto statut =
                erreur == http::error::header_limit ? http::status::request_header_fields_too_large
                : erreur == http::error::body_limit ? http::status::payload_too_large
                                                    : http::status::bad_request;
            co_await http::async_write(flux, reponse(statut, false),
                                       asio::as_tuple(asio::use_awaitable));
            beast::error_code ignoree;
            flux.socket().shutdown(tcp::socket::shutdown_send, ignoree);
            co_return;
        }
        const bool garder = analyseur.get().keep_alive();
        auto [erreur_envoi, envoyes] = co_await http::async_write(
            flux, reponse(http::status::ok, garder), asio::as_tuple(asio::use_awaitable));
        if (erreur_envoi) {
            co_return;
        }
        ++reponses_envoyees;
        if (!garder) {
            beast::error_code ignoree;
            flux.socket().shutdown(tcp::socket::shutdown_send, ignoree);
            co_return;
        }
    }
}

asio::awaitable<void> servir(tcp::acceptor acceptor, Delais delais) {
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
        asio::co_spawn(executeur, traiter_connexion(beast::tcp_stream(std::move(socket)), delais),
                       asio::detached);
    }
}
// [connexion]

// --- Démonstration (--auto) ---------------------------------------------------------------

/// Un client de démonstration : envoie `envoi` d'un coup, puis lit au plus `reponses`
/// réponses avec le parseur de Beast ; rend leurs lignes d'état (« 200 OK »), et
/// « (connexion fermée) » si le serveur ferme avant.
asio::awaitable<std::vector<std::string>> client(tcp::endpoint cible, std::string envoi,
                                                 int reponses) {
    beast::tcp_stream s(co_await asio::this_coro::executor);
    s.expires_after(5s); // la démonstration ne reste jamais bloquée
    co_await s.async_connect(cible, asio::use_awaitable);
    if (!envoi.empty()) {
        co_await asio::async_write(s, asio::buffer(envoi), asio::use_awaitable);
    }
    std::vector<std::string> lignes;
    beast::flat_buffer tampon;
    for (int i = 0; i < reponses; ++i) {
        http::response<http::string_body> r;
        auto [erreur, n] =
            co_await http::async_read(s, tampon, r, asio::as_tuple(asio::use_awaitable));
        if (erreur) {
            lignes.push_back(erreur == beast::error::timeout ? "(pas de réponse)"
                                                             : "(connexion fermée)");
            break;
        }
        lignes.push_back(std::to_string(r.result_int()) + " " + std::string(r.reason()));
    }
    co_return lignes;
}

/// Les lignes attendues, en une fonction ordinaire (pas de liste entre accolades dans une
/// coroutine : g++ 12 les rejette parfois).
std::vector<std::string> liste(std::string a, std::string b = {}, std::string c = {}) {
    std::vector<std::string> v;
    for (auto* s : {&a, &b, &c}) {
        if (!s->empty()) {
            v.push_back(std::move(*s));
        }
    }
    return v;
}

asio::awaitable<int> demonstration(tcp::endpoint cible, int nombre, Delais delais) {
    const auto executeur = co_await asio::this_coro::executor;
    const std::string requete = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string derniere = "GET /fin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
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

    // 1. N clients en même temps, deux requêtes chacun sur la même connexion. Le minuteur sert
    //    de loquet : le dernier client qui finit l'annule.
    asio::steady_timer tous_finis(executeur, asio::steady_timer::time_point::max());
    int restants = nombre;
    int bons = 0;
    for (int i = 0; i < nombre; ++i) {
        asio::co_spawn(executeur, client(cible, requete + derniere, 3),
                       [&](std::exception_ptr, std::vector<std::string> lignes) {
                           bons += lignes == liste("200 OK", "200 OK", "(connexion fermée)");
                           if (--restants == 0) {
                               tous_finis.cancel();
                           }
                       });
    }
    co_await tous_finis.async_wait(asio::as_tuple(asio::use_awaitable));
    std::cout << "[démo] " << bons << "/" << nombre
              << " clients keep-alive ont reçu leurs deux réponses" << std::endl;
    echecs += bons == nombre ? 0 : 1;

    // 2. Un POST dont le corps ressemble à une requête : deux réponses, pas trois.
    const std::string corps = "GET /smuggled HTTP/1.1\r\n\r\n";
    verifier(co_await client(cible,
                             "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                 std::to_string(corps.size()) + "\r\n\r\n" + corps + derniere,
                             3),
             liste("200 OK", "200 OK", "(connexion fermée)"),
             "POST au corps « GET /smuggled », puis un GET");
    // 3. Un corps chunked : Beast sait le lire.
    verifier(co_await client(cible,
                             "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n0\r\n\r\n" +
                                 derniere,
                             2),
             liste("200 OK", "200 OK"), "corps chunked (Beast le décode), puis un GET");
    // 4. Les deux en-têtes de longueur, 5. une espace avant le deux-points : 400.
    verifier(co_await client(cible,
                             "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             1),
             liste("400 Bad Request"), "Content-Length et Transfer-Encoding");
    verifier(co_await client(
                 cible, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 1),
             liste("400 Bad Request"), "« Transfer-Encoding : chunked »");
    // 6. Un client muet, 7. une tête sans fin : tcp_stream ferme le socket à l'échéance.
    const auto debut = std::chrono::steady_clock::now();
    auto muet = co_await client(cible, "", 1);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    verifier(muet, liste("(connexion fermée)"),
             "client muet, fermé après " + std::to_string(ms.count()) + " ms");
    echecs += ms >= delais.inactivite ? 0 : 1;
    verifier(co_await client(cible, "GET /sans-fin HTTP/1.1\r\nHost: x\r\n", 1),
             liste("(connexion fermée)"), "tête jamais finie (fermée, sans 408)");
    std::cout << "[démo] " << reponses_envoyees << " réponses envoyées" << std::endl;
    co_return echecs;
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
    if (automatique > 0) {
        adresse = "127.0.0.1:0";
    }
    const std::chrono::milliseconds defaut = automatique > 0 ? 300ms : 10'000ms;
    const Delais delais{inactivite.value_or(defaut), requete.value_or(defaut)};
    try {
        asio::io_context io;
        const auto deux_points = adresse.rfind(':');
        tcp::endpoint local(
            asio::ip::make_address(adresse.substr(0, deux_points)),
            static_cast<unsigned short>(std::atoi(adresse.c_str() + deux_points + 1)));
        tcp::acceptor acceptor(io, local);
        const tcp::endpoint ecoute = acceptor.local_endpoint();
        std::cout << "Serveur en écoute sur " << ecoute << std::endl;
        asio::co_spawn(io, servir(std::move(acceptor), delais), asio::detached);
        if (automatique == 0) {
            io.run();
            return 0;
        }
        int echecs = -1;
        asio::co_spawn(io, demonstration(ecoute, automatique, delais),
                       [&](std::exception_ptr e, int n) {
                           echecs = e ? -1 : n;
                           io.stop(); // le serveur (détaché) ne finit jamais : on arrête
                       });
        io.run();
        return echecs == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "Erreur : " << e.what() << std::endl;
        return 1;
    }
}
