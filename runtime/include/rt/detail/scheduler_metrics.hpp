#pragma once
/// \file
/// \brief Les compteurs d'un planificateur (ceux que lit `metrics()`, chapitre 10), à part de
/// sa boucle pour qu'elle reste lisible.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "rt/metrics.hpp"

namespace rt::detail {

/// \brief Les compteurs publiés d'un planificateur : lisibles depuis n'importe quel thread.
///
/// Tous en `relaxed` : ce sont des mesures, pas des synchronisations ; une lecture peut
/// avoir un temps de retard, jamais une valeur inventée. `spawned_`, `alive_`, `polls_` et
/// `local_depth_` n'ont qu'un écrivain, le thread du runtime : ils s'écrivent sans
/// instruction atomique « lock ».
class SchedulerMetrics {
public:
    /// \brief Une tâche de plus est vivante (lancée et adoptée).
    void task_spawned() noexcept {
        bump(spawned_);
        alive_.store(alive_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    /// \brief Une tâche vivante s'est terminée.
    void task_finished() noexcept {
        alive_.store(alive_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    }
    /// \brief Un réveil ou un lancement est venu d'un autre thread.
    void remote_schedule() noexcept { remote_.fetch_add(1, std::memory_order_relaxed); }
    /// \brief Une exception que personne ne verra (tâche détachée, destructeur).
    void unhandled_panic() noexcept { panics_.fetch_add(1, std::memory_order_relaxed); }

    /// \brief Une tâche a dû céder la main, son budget épuisé.
    void budget_forced_yield() noexcept { forced_.fetch_add(1, std::memory_order_relaxed); }

    /// \brief Copie les compteurs dans `m` ; ceux de la boucle vont dans `worker`.
    void read_into(RuntimeMetrics& m, WorkerMetrics& worker) const noexcept {
        m.num_alive_tasks = alive_.load(std::memory_order_relaxed);
        m.spawned_tasks_count = spawned_.load(std::memory_order_relaxed);
        m.remote_schedule_count = remote_.load(std::memory_order_relaxed);
        m.unhandled_panic_count = panics_.load(std::memory_order_relaxed);
        m.budget_forced_yield_count = forced_.load(std::memory_order_relaxed);
        worker.poll_count = polls_.load(std::memory_order_relaxed);
        worker.park_count = parks_.load(std::memory_order_relaxed);
        worker.local_schedule_count = local_.load(std::memory_order_relaxed);
        worker.local_queue_depth = local_depth_.load(std::memory_order_relaxed);
    }

private:
    friend class MetricsBatch;
    /// Un compteur qu'un seul thread écrit : une lecture puis une écriture suffisent, sans
    /// instruction atomique « lock » coûteuse.
    static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
        counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }

    std::atomic<std::uint64_t> spawned_{0};
    std::atomic<std::size_t> alive_{0};
    std::atomic<std::uint64_t> polls_{0}; ///< publié par lots (MetricsBatch)
    std::atomic<std::uint64_t> parks_{0}; ///< publié par lots
    std::atomic<std::uint64_t> local_{0}; ///< publié par lots
    std::atomic<std::uint64_t> remote_{0};
    std::atomic<std::uint64_t> panics_{0};
    std::atomic<std::uint64_t> forced_{0};
    std::atomic<std::size_t> local_depth_{0}; ///< publié par lots (MetricsBatch)
};

/// \brief Les compteurs de la boucle, en variables ordinaires, publiés d'un coup de temps en
/// temps (le `MetricsBatch` de tokio) : compter une reprise de tâche ne coûte qu'un `++`.
class MetricsBatch {
public:
    /// \brief Une reprise de tâche de plus.
    void incr_poll_count() noexcept { ++polls_; }
    /// \brief Une mise en sommeil de plus.
    void incr_park_count() noexcept { ++parks_; }
    /// \brief Une tâche de plus mise dans la file locale.
    void incr_local_schedule_count() noexcept { ++local_; }
    /// \brief Publie le lot dans `to`, avec la profondeur actuelle de la file locale.
    void submit(SchedulerMetrics& to, std::size_t local_queue_depth) noexcept {
        SchedulerMetrics::bump(to.polls_, polls_);
        SchedulerMetrics::bump(to.parks_, parks_);
        SchedulerMetrics::bump(to.local_, local_);
        polls_ = parks_ = local_ = 0;
        to.local_depth_.store(local_queue_depth, std::memory_order_relaxed);
    }
    /// \brief Ajoute à `worker` ce qui n'a pas encore été publié (sur le thread du lot).
    void add_unsubmitted(WorkerMetrics& worker) const noexcept {
        worker.poll_count += polls_;
        worker.park_count += parks_;
        worker.local_schedule_count += local_;
    }

private:
    std::uint64_t polls_ = 0;
    std::uint64_t parks_ = 0;
    std::uint64_t local_ = 0;
};

} // namespace rt::detail
