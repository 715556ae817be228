#pragma once
/// \file
/// \brief `rt::RuntimeMetrics` : les compteurs d'un runtime, sous les noms de `RuntimeMetrics`
/// de tokio.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rt {

/// \brief Les compteurs d'un worker (un seul pour `current_thread` : le thread de `block_on`).
///
/// Les noms sont ceux des méthodes `worker_*` de tokio (`worker_poll_count(i)`...).
struct WorkerMetrics {
    std::uint64_t poll_count = 0;           ///< passages de tâches
    std::uint64_t steal_count = 0;          ///< tâches volées à d'autres workers
    std::uint64_t steal_operations = 0;     ///< vols réussis (chacun prend plusieurs tâches)
    std::uint64_t park_count = 0;           ///< mises en sommeil
    std::uint64_t local_schedule_count = 0; ///< réveils mis dans sa propre file
    std::uint64_t overflow_count = 0;       ///< débordements de sa file vers la file globale
    std::size_t local_queue_depth = 0;      ///< tâches prêtes dans sa file
};

/// \brief Une photo des compteurs d'un runtime, obtenue par `Handle::current().metrics()`.
///
/// Les compteurs `*_count` ne font que croître ; les autres sont des valeurs instantanées.
/// Lus sans arrêter le runtime : chaque valeur est juste, mais elles ne sont pas prises au
/// même instant exact.
/// \see La leçon du \chapitre{10}.
struct RuntimeMetrics {
    std::size_t num_workers = 0;                 ///< threads qui exécutent des tâches
    std::size_t num_alive_tasks = 0;             ///< tâches lancées et pas encore terminées
    std::uint64_t spawned_tasks_count = 0;       ///< total des tâches lancées
    std::size_t global_queue_depth = 0;          ///< tâches dans la file globale (ou distante)
    std::uint64_t remote_schedule_count = 0;     ///< réveils ou lancements venus de l'extérieur
    std::uint64_t budget_forced_yield_count = 0; ///< tâches forcées de céder (budget épuisé)
    std::uint64_t unhandled_panic_count = 0; ///< exceptions que personne n'a vues (propre à rt)
    std::size_t num_timers = 0;              ///< minuteries en attente (propre à rt)
    std::size_t num_blocking_threads = 0;    ///< threads du pool de `spawn_blocking`
    std::size_t blocking_queue_depth = 0;    ///< fonctions bloquantes en attente d'un thread
    std::vector<WorkerMetrics> workers;      ///< un élément par worker

    /// \brief La somme des passages de tous les workers.
    [[nodiscard]] std::uint64_t total_poll_count() const noexcept {
        std::uint64_t total = 0;
        for (const auto& w : workers) {
            total += w.poll_count;
        }
        return total;
    }
    /// \brief La somme des tâches volées par tous les workers.
    [[nodiscard]] std::uint64_t total_steal_count() const noexcept {
        std::uint64_t total = 0;
        for (const auto& w : workers) {
            total += w.steal_count;
        }
        return total;
    }
};

} // namespace rt
