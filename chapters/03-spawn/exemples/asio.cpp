/// \file
/// \brief Chapitre 03 — En production : le programme de l'article avec Boost.Asio.
///
/// `asio::co_spawn` joue le rôle de `tokio::spawn` : il confie une coroutine à un exécuteur.
/// Le jeton `asio::use_future` rend un `std::future` : l'équivalent le plus direct du
/// `JoinHandle` quand on attend depuis `main` (get() relance l'exception de la tâche, comme
/// unwrap() propage la panique). `steady_timer` remplace `tokio::time::sleep`.
///
/// Usage : `ch03_asio [--court]` (la tâche dort 50 ms au lieu de 1 s).
#include <boost/asio.hpp>

#include <chrono>
#include <cstring>
#include <future>
#include <iostream>
#include <string>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Paramètre par valeur : la coroutine en garde une copie dans sa trame (CP.53).
asio::awaitable<std::string> tache(std::chrono::milliseconds attente) {
    // Un co_await seul dans son instruction (règle du chapitre 02), puis la minuterie.
    auto executeur = co_await asio::this_coro::executor;
    asio::steady_timer minuterie(executeur, attente);
    co_await minuterie.async_wait(asio::use_awaitable);
    co_return "Tâche terminée !";
}

} // namespace

int main(int argc, char** argv) {
    std::chrono::milliseconds attente = 1s;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        attente = 50ms;
        std::cout << "(visite guidée : la tâche dort 50 ms au lieu de 1 s)" << std::endl;
    }
    asio::io_context contexte; // un seul thread : celui qui appellera run()

    std::cout << "Lancement d'une tâche..." << std::endl;
    std::future<std::string> handle = asio::co_spawn(contexte, tache(attente), asio::use_future);
    std::cout << "Tâche lancée, continuons..." << std::endl;

    // Rien n'a encore tourné : comme rt::block_on, run() exécute les coroutines jusqu'à ce
    // qu'il n'y ait plus de travail. Appeler handle.get() AVANT run() bloquerait pour toujours.
    contexte.run();
    std::cout << handle.get() << std::endl;
}
