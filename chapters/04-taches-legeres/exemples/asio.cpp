/// \file
/// \brief Chapitre 04 — En production : les 10 000 tâches de l'article avec Boost.Asio.
///
/// `asio::co_spawn` lance chaque coroutine sur le même `io_context` (un seul thread, comme
/// le runtime `current_thread` du cours) ; `steady_timer` remplace `tokio::time::sleep`.
/// Le jeton `asio::use_future` donne un `std::future<int>` par tâche : le `JoinHandle`.
///
/// Usage : `ch04_asio [N]` (défaut : 10000 tâches).
#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Paramètre par valeur : `i` est copié dans la trame de la coroutine (CP.53).
asio::awaitable<int> tache(int i) {
    // La minuterie vit dans la trame, comme le Sleep de rt : aucune allocation pour elle.
    // Un co_await seul dans son instruction (règle du chapitre 02), puis la minuterie.
    auto executeur = co_await asio::this_coro::executor;
    asio::steady_timer minuterie(executeur, 100ms);
    co_await minuterie.async_wait(asio::use_awaitable);
    co_return i * 2;
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 10'000;
    if (n < 0) {
        std::fprintf(stderr, "usage : ch04_asio [N], N >= 0\n");
        return 2;
    }
    const auto debut = std::chrono::steady_clock::now();
    asio::io_context contexte;

    std::vector<std::future<int>> handles;
    handles.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        handles.push_back(asio::co_spawn(contexte, tache(i), asio::use_future));
    }

    // run() fait tourner les coroutines jusqu'à ce qu'il n'y ait plus de travail : les n
    // minuteries sont dans le tas d'Asio, le thread dort dans epoll jusqu'à la première.
    contexte.run();

    std::int64_t somme = 0;
    for (auto& handle : handles) {
        somme += handle.get(); // get() relancerait l'exception de la tâche (unwrap)
    }
    const auto duree = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    std::printf("(somme des résultats : %lld ; durée totale : %lld ms)\n",
                static_cast<long long>(somme), static_cast<long long>(duree.count()));
    std::printf("Toutes les tâches terminées !\n");
}
