#pragma once
/// \file
/// \brief `TaskScheduler` : ce dont une tâche a besoin de son planificateur, et rien de plus.

#include "rt/detail/ref_counted.hpp"

namespace rt::detail {

struct TaskHeader;
class Driver;

/// \brief Ce qu'une tâche demande à celui qui la planifie.
///
/// Séparé de `Scheduler` (ce qu'un *runtime* sait faire : lancer, bloquer, arrêter) pour
/// qu'une branche de `select`, planifiée par sa tâche parente, n'ait à implémenter que ces
/// quelques opérations, toutes `noexcept`.
///
/// **Durée de vie** : chaque tâche tient une référence sur son planificateur (prise à sa
/// création, rendue à sa libération). Un réveil ou un `abort()` venu d'un autre thread au
/// moment où le runtime s'arrête trouve donc toujours un planificateur vivant, qui ignore
/// ce qui arrive après l'arrêt.
class TaskScheduler : public RefCounted {
public:
    /// \brief Met en file une tâche réveillée (son état dit déjà NOTIFIED). Tout thread.
    virtual void schedule(TaskHeader* task) noexcept = 0;
    /// \brief Remet en file une tâche réveillée pendant son propre passage (elle a cédé la
    /// main, ou un autre thread l'a réveillée pendant qu'elle tournait) : en fin de file,
    /// derrière les autres, jamais devant (voir l'emplacement LIFO, chapitre 11).
    virtual void reschedule(TaskHeader* task) noexcept { schedule(task); }
    /// \brief La tâche est terminée (résultat publié) : l'oublier et rendre sa référence.
    virtual void on_complete(TaskHeader* task) noexcept = 0;
    /// \brief Compte une exception que personne ne verra (tâche détachée, destructeur).
    virtual void count_unhandled_panic() noexcept = 0;
    /// \brief Compte une tâche forcée de céder la main, son budget épuisé.
    virtual void count_budget_forced_yield() noexcept = 0;
    /// \brief Le pilote (minuteries, réacteur) où inscrire les attentes de la tâche.
    virtual Driver& driver() noexcept = 0;

    /// \brief Vrai si ses tâches ont leur ligne dans les traces (faux pour les branches d'un
    /// `select`, qui passent à l'intérieur du passage de leur parente).
    const bool traced;

protected:
    explicit TaskScheduler(bool traced = true) noexcept : traced(traced) {}
};

} // namespace rt::detail
