#pragma once
/// \file
/// \brief Le planificateur `current_thread` : toutes les tâches sur le thread de `block_on`.

#include <atomic>
#include <mutex>

#include "rt/detail/blocking_pool.hpp"
#include "rt/detail/driver.hpp"
#include "rt/detail/owned_tasks.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/scheduler_metrics.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/task_queue.hpp"

namespace rt::detail {

/// \brief Le planificateur mono-thread, l'équivalent de `new_current_thread()` de tokio.
///
/// Tout se passe sur le thread qui appelle `block_on` :
/// 1. prendre une tâche dans la **file locale** et lui donner un passage, jusqu'à ce qu'elle
///    se suspende ou se termine ;
/// 2. toutes les `EVENT_INTERVAL` tâches, et dès que la file est vide, ramener les **files
///    distantes** (tâches lancées ou réveillées depuis d'autres threads, protégées par un
///    mutex) et demander au **pilote** les minuteries échues et les sockets prêts ;
/// 3. quand il n'y a plus rien à faire, se garer dans le pilote jusqu'à la prochaine
///    échéance, un socket prêt, ou un réveil venu d'un autre thread.
class CurrentThreadScheduler final : public Scheduler {
public:
    /// Nombre de tâches exécutées entre deux passages par le pilote (61 chez tokio) : assez
    /// pour amortir, assez peu pour que les minuteries et les réveils ne prennent pas de retard.
    static constexpr int EVENT_INTERVAL = 61;

    /// \brief Un planificateur dont le pilote utilise le réacteur `kind`.
    explicit CurrentThreadScheduler(ReactorKind kind = ReactorKind::Poll,
                                    const BlockingConfig& blocking = {});
    ~CurrentThreadScheduler() override;

    void spawn(TaskHeader* task) override;
    void schedule(TaskHeader* task) noexcept override;
    void on_complete(TaskHeader* task) noexcept override;
    Ref<TaskScheduler> main_scheduler() override { return Ref<TaskScheduler>(this); }
    void block_on(TaskHeader* main) override;
    void shutdown() noexcept override;
    [[nodiscard]] bool is_closed() const noexcept override {
        return closed_.load(std::memory_order_acquire);
    }
    Driver& driver() noexcept override { return driver_; }
    [[nodiscard]] RuntimeMetrics metrics() const override;
    void count_unhandled_panic() noexcept override { metrics_.unhandled_panic(); }
    BlockingPool& blocking_pool() noexcept override { return *blocking_; }
    void count_budget_forced_yield() noexcept override { metrics_.budget_forced_yield(); }

private:
    /// Vrai si le thread courant exécute ce planificateur (dans `block_on`).
    [[nodiscard]] bool on_runtime_thread() const noexcept;
    /// Inscrit la tâche dans la liste des tâches vivantes (thread du runtime seulement).
    void adopt(TaskHeader* task) noexcept;
    /// Retire la tâche de la liste des tâches vivantes (thread du runtime seulement).
    void disown(TaskHeader* task) noexcept;
    /// Met `task` dans la file distante `queue` et réveille le runtime s'il dort ; faux si
    /// le runtime est arrêté (rien n'a été mis en file).
    bool push_remote(TaskQueue& queue, TaskHeader* task) noexcept;
    /// Ramène les files distantes dans la file locale (les tâches neuves sont adoptées).
    void drain_remote();
    /// Se gare dans le pilote si rien n'est arrivé entre-temps.
    void park();

    Driver driver_;
    TaskQueue local_;
    OwnedList owned_; ///< les tâches vivantes (que l'arrêt détruit)

    mutable std::mutex remote_mutex_;
    TaskQueue remote_spawned_; ///< protégée par remote_mutex_ : tâches neuves, à adopter
    TaskQueue remote_woken_;   ///< protégée par remote_mutex_ : tâches réveillées
    bool sleeping_ = false;    ///< protégé par remote_mutex_ : le runtime dort dans le pilote
    std::atomic<bool> remote_pending_{false};
    std::atomic<bool> closed_{false};

    Ref<BlockingPool> blocking_; ///< les threads de spawn_blocking
    SchedulerMetrics metrics_;   ///< les compteurs publiés (chapitre 10)
    MetricsBatch batch_;         ///< ceux de la boucle, publiés avant chaque attente
};

} // namespace rt::detail
