/// \file
/// \brief Chapitre 12 — en production : le pipeline de l'article avec Boost.Asio
/// (`asio::experimental::concurrent_channel`).
///
/// Les trois canaux bornés deviennent des `concurrent_channel<void(error_code, T)>` de
/// 100 places (la version de `experimental::channel` qu'on peut utiliser depuis plusieurs
/// threads) ; les étages sont des coroutines `asio::awaitable` lancées par `co_spawn` sur un
/// `thread_pool` de 2 threads. `async_send` attend quand le canal est plein : la même
/// contre-pression. Deux différences avec tokio et rt :
///   - **aucune fermeture automatique** : il n'y a pas d'objets émetteurs comptés, seulement
///     le canal ; chaque étage doit dire lui-même qu'il a fini ;
///   - **`close()` jette les messages encore dans le tampon** (Boost 1.81 : le récepteur
///     reçoit `channel_closed` tout de suite, voir `channel_service::close`). Pour une fin
///     propre, la fin est donc un MESSAGE : chaque étage envoie en dernier
///     `asio::error::eof` (l'`error_code` de la signature voyage avec chaque message, dans
///     l'ordre), et l'étage suivant s'arrête quand il le reçoit.
///
/// Deuxième partie : un dernier étage lent ; on relève l'avance de la production sur la
/// consommation. Elle ne dépasse pas la capacité du canal (plus un message en vol).
///
/// Usage : `ch12_asio [--court]` (`--court` : 20 valeurs au lieu de 100 dans la première
/// partie).
#include <boost/asio.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

template <class T>
using Canal = asio::experimental::concurrent_channel<void(error_code, T)>;

// [pipeline]
asio::awaitable<void> generation(Canal<int>& sortie, int n) {
    for (int i = 0; i < n; ++i) {
        co_await sortie.async_send(error_code{}, i, asio::use_awaitable); // attend si plein
    }
    // La fin est un message, reçu après tous les autres. (close() jetterait ceux qui sont
    // encore dans le tampon.)
    co_await sortie.async_send(asio::error::eof, 0, asio::use_awaitable);
}

asio::awaitable<void> carres(Canal<int>& entree, Canal<int>& sortie) {
    for (;;) {
        auto [ec, nombre] = co_await entree.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            break; // eof : l'amont a fini, et tout ce qu'il a envoyé est lu
        }
        co_await sortie.async_send(error_code{}, nombre * nombre, asio::use_awaitable);
    }
    co_await sortie.async_send(asio::error::eof, 0, asio::use_awaitable);
}

asio::awaitable<void> formatage(Canal<int>& entree, Canal<std::string>& sortie) {
    for (;;) {
        auto [ec, nombre] = co_await entree.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            break;
        }
        co_await sortie.async_send(error_code{}, "Résultat : " + std::to_string(nombre),
                                   asio::use_awaitable);
    }
    co_await sortie.async_send(asio::error::eof, std::string(), asio::use_awaitable);
}

asio::awaitable<void> affichage(Canal<std::string>& entree, int& affiches) {
    for (;;) {
        auto [ec, message] = co_await entree.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            break;
        }
        std::cout << message << '\n';
        ++affiches;
    }
}
// [pipeline]

/// Deuxième partie : un consommateur lent, et l'avance de la production mesurée.
struct Avance {
    std::atomic<int> envoyes{0};
    std::atomic<int> recus{0};
    std::atomic<int> max{0};
};

asio::awaitable<void> production_rapide(Canal<int>& sortie, int n, Avance& a) {
    for (int i = 0; i < n; ++i) {
        co_await sortie.async_send(error_code{}, i, asio::use_awaitable);
        const int avance = ++a.envoyes - a.recus.load();
        int max = a.max.load();
        while (avance > max && !a.max.compare_exchange_weak(max, avance)) {
        }
    }
    co_await sortie.async_send(asio::error::eof, 0, asio::use_awaitable);
}

asio::awaitable<void> consommation_lente(Canal<int>& entree, Avance& a) {
    asio::steady_timer minuterie(co_await asio::this_coro::executor);
    for (;;) {
        auto [ec, n] = co_await entree.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            break;
        }
        ++a.recus;
        if (n % 10 == 0) {
            minuterie.expires_after(std::chrono::milliseconds(1));
            co_await minuterie.async_wait(asio::use_awaitable);
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    const bool court = argc > 1 && std::strcmp(argv[1], "--court") == 0;
    const int n = court ? 20 : 100;
    if (court) {
        std::cout << "(version courte : 20 valeurs au lieu de 100)\n";
    }

    // Première partie : le pipeline de l'article.
    int affiches = 0;
    {
        asio::thread_pool pool(2);
        Canal<int> c1(pool, 100);
        Canal<int> c2(pool, 100);
        Canal<std::string> c3(pool, 100);
        asio::co_spawn(pool, generation(c1, n), asio::detached);
        asio::co_spawn(pool, carres(c1, c2), asio::detached);
        asio::co_spawn(pool, formatage(c2, c3), asio::detached);
        asio::co_spawn(pool, affichage(c3, affiches), asio::detached);
        pool.join(); // rend la main quand plus rien n'est en attente : tout est lu
    }
    std::cout << affiches
              << " résultats affichés ; chaque étage a envoyé eof en dernier message.\n\n";

    // Deuxième partie : la contre-pression.
    Avance a;
    constexpr int capacite = 8;
    {
        asio::thread_pool pool(2);
        Canal<int> c(pool, capacite);
        asio::co_spawn(pool, production_rapide(c, 500, a), asio::detached);
        asio::co_spawn(pool, consommation_lente(c, a), asio::detached);
        pool.join();
    }
    std::cout << "Consommateur lent, canal de " << capacite << " places : la production a eu au "
              << "plus " << a.max.load() << " messages d'avance sur la consommation ("
              << a.recus.load() << " reçus sur 500).\n";
    return affiches == n && a.recus.load() == 500 ? 0 : 1;
}
