#pragma once
/// \file
/// \brief `rt::RuntimeMetrics` : les compteurs d'un runtime (l'équivalent de `RuntimeMetrics`).

#include <cstddef>
#include <cstdint>

namespace rt {

/// \brief Une photo des compteurs d'un runtime, obtenue par `Handle::current().metrics()`.
///
/// Les compteurs « total » ne font que croître ; les autres sont des valeurs instantanées.
struct RuntimeMetrics {
    std::size_t workers = 0;            ///< threads qui exécutent des tâches
    std::size_t alive_tasks = 0;        ///< tâches lancées et pas encore terminées
    std::uint64_t spawned_tasks = 0;    ///< total des tâches lancées
    std::uint64_t polls = 0;            ///< total des reprises de tâches
    std::uint64_t steals = 0;           ///< total des vols de tâches (multi-thread)
    std::uint64_t unhandled_panics = 0; ///< exceptions de tâches détachées, jamais observées
    std::uint64_t remote_schedules = 0; ///< réveils ou lancements venus d'un autre thread
    std::size_t local_queue_depth = 0;  ///< tâches prêtes dans la file locale
    std::size_t remote_queue_depth = 0; ///< tâches prêtes dans la file distante
    std::size_t timers = 0;             ///< minuteries en attente
};

} // namespace rt
