// Chapitre 03 — exercice « construire » : la boucle de l'exécuteur (SOLUTION).
#include "mini_executor.hpp"

namespace mini {

std::size_t Executor::run() {
    std::size_t steps = 0;
    // Tant qu'il reste une tâche prête : la prendre en tête de file et la reprendre.
    // Une tâche qui se suspend s'est déjà arrangée pour être remise en file (yield_now) ou
    // réveillée plus tard (co_await handle : finish() la remettra en file).
    while (!ready_.empty()) {
        std::coroutine_handle<> task = ready_.front();
        ready_.pop_front();
        ++resumes_;
        ++steps;
        task.resume(); // rend la main au premier co_await qui suspend, ou à la fin
        if (task.done()) {
            // Arrivée à final_suspend : le résultat est publié, la trame ne sert plus.
            // C'est l'exécuteur qui la possède (spawn), c'est donc lui qui la détruit.
            live_.erase(task.address());
            task.destroy();
        }
    }
    // File vide : soit tout est fini, soit les tâches restantes attendent un réveil qui ne
    // viendra jamais (ici, pas de minuterie ni d'entrée/sortie pour les réveiller).
    return steps;
}

Executor::~Executor() {
    for (void* frame : live_) {
        std::coroutine_handle<>::from_address(frame).destroy();
    }
}

} // namespace mini
