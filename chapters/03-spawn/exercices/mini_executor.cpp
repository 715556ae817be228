// Chapitre 03 — exercice « construire » : la boucle de l'exécuteur.
#include "mini_executor.hpp"

namespace mini {

std::size_t Executor::run() {
    std::size_t steps = 0;
    // TODO (7) : la boucle de l'exécuteur. Tant que la file `ready_` n'est pas vide :
    //   - prendre la tâche en TÊTE de file (FIFO) et la retirer de la file ;
    //   - compter la reprise (resumes_ et steps) ;
    //   - la reprendre (resume) : elle tourne jusqu'à son prochain co_await qui suspend ;
    //   - si elle est arrivée au bout (done), l'oublier (live_) et détruire sa trame.
    // Rendre le nombre de reprises.
    return steps;
}

Executor::~Executor() {
    for (void* frame : live_) {
        std::coroutine_handle<>::from_address(frame).destroy();
    }
}

} // namespace mini
