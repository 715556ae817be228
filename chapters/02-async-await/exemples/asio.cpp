// Chapitre 02 — en production : le même programme avec Boost.Asio.
//
//   ./ch02_asio            attend 2 s, comme l'article
//   ./ch02_asio --court    attend 200 ms (visite guidée), et le dit
//
// Correspondances : asio::awaitable<T> ≈ rt::Task<T> (paresseuse elle aussi) ;
// asio::steady_timer + async_wait(use_awaitable) ≈ rt::time::sleep ; io_context::run() est la
// boucle d'événements ; co_spawn confie la coroutine à cette boucle, comme block_on.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string_view>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::chrono::milliseconds duree_attente = 2s;

asio::awaitable<int> operation_longue() {
    // La minuterie a besoin de l'exécuteur de la coroutine courante (rt le trouve seul). On le
    // nomme d'abord : un co_await seul dans son instruction (règle de la leçon, « Pièges »).
    auto executeur = co_await asio::this_coro::executor;
    asio::steady_timer minuterie(executeur, duree_attente);
    co_await minuterie.async_wait(asio::use_awaitable);
    co_return 42;
}

asio::awaitable<void> main_async() {
    std::printf("Début du programme\n");

    int resultat = co_await operation_longue();
    std::printf("Résultat : %d\n", resultat);

    std::printf("Fin du programme\n");
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--court") {
        duree_attente = 200ms;
        std::printf("(version courte : attente de 200 ms au lieu de 2 s)\n");
    }
    asio::io_context io;
    // Le troisième argument reçoit l'exception éventuelle de main_async : on la relance ici,
    // elle sort alors de io.run(), comme rt::block_on relance celle de la tâche.
    asio::co_spawn(io, main_async(), [](std::exception_ptr e) {
        if (e) {
            std::rethrow_exception(e);
        }
    });
    io.run();
}
