#pragma once
/// \file
/// \brief `Scheduler` : ce qu'un planificateur de runtime sait faire (`current_thread`
/// aujourd'hui, `multi_thread` au chapitre 11).

#include <cstdint>

#include "rt/detail/task_scheduler.hpp"
#include "rt/metrics.hpp"

namespace rt::detail {

class BlockingPool;

/// \brief Un planificateur de runtime : en plus de ce que lui demandent ses tâches
/// (`TaskScheduler`), il lance, exécute jusqu'au bout, s'arrête et se mesure.
///
/// Un planificateur possède des files de tâches prêtes et un pilote (`Driver` : minuteries,
/// réacteur) dans lequel il se « gare » quand il n'a plus rien à exécuter.
class Scheduler : public TaskScheduler {
public:
    /// \brief Prend en charge une tâche neuve (dans son état initial, NOTIFIED) : elle
    /// devient vivante et sera exécutée. Légal depuis n'importe quel thread.
    virtual void spawn(TaskHeader* task) = 0;
    /// \brief Le planificateur de la tâche principale d'un `block_on` : ce runtime lui-même
    /// (`current_thread`), ou le thread appelant (`multi_thread`, où la tâche principale
    /// s'exécute sur le thread de `block_on` pendant que les workers exécutent les autres).
    virtual Ref<TaskScheduler> main_scheduler() = 0;
    /// \brief Prend en charge `main` (cellule neuve, planifiée par `main_scheduler()`) puis
    /// l'exécute jusqu'à ce qu'elle soit terminée. Sur le thread appelant.
    virtual void block_on(TaskHeader* main) = 0;
    /// \brief Détruit toutes les tâches encore vivantes, puis refuse les nouvelles.
    virtual void shutdown() noexcept = 0;
    /// \brief Vrai après `shutdown()` : les nouvelles tâches sont annulées aussitôt.
    [[nodiscard]] virtual bool is_closed() const noexcept = 0;
    /// \brief Une photo des compteurs.
    [[nodiscard]] virtual RuntimeMetrics metrics() const = 0;
    /// \brief Le pool des fonctions bloquantes (`spawn_blocking`).
    virtual BlockingPool& blocking_pool() noexcept = 0;

    /// \brief Son numéro dans les traces (0 : pas de trace). Fixé avant le démarrage.
    std::uint32_t trace_runtime = 0;
};

} // namespace rt::detail
