#pragma once
/// \file
/// \brief Le planificateur `multi_thread` : des workers qui se volent du travail (chapitre 11).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "rt/detail/blocking_pool.hpp"
#include "rt/detail/driver.hpp"
#include "rt/detail/idle.hpp"
#include "rt/detail/inject_queue.hpp"
#include "rt/detail/owned_tasks.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/worker.hpp"

namespace rt::detail {

/// \brief Le planificateur à plusieurs threads, l'équivalent de `new_multi_thread()` de tokio.
///
/// - N **workers**, chacun avec sa file locale (`LocalQueue`, 256 tâches, volable par moitié)
///   et son emplacement LIFO ; une **file globale** (`InjectQueue`) pour ce qui vient
///   d'ailleurs et ce qui déborde ;
/// - un worker sans travail **cherche** (vole chez un autre, au hasard), puis **se gare** ;
///   une tâche neuve ne réveille un worker garé que si aucun ne cherche (`Idle`) ;
/// - **un seul pilote** : le premier worker garé y dort, les autres sur une condition
///   (`Parker`) ; un worker occupé fait un tour de pilote toutes les 61 tâches ;
/// - `block_on` exécute la tâche principale sur le thread appelant, qui dort sur sa propre
///   condition quand elle attend.
class alignas(64) MultiThreadScheduler final : public Scheduler {
public:
    /// Nombre de tours entre deux regards à la file globale et au pilote (61 chez tokio :
    /// un nombre premier, pour ne pas tomber en phase avec les motifs des programmes).
    static constexpr std::uint32_t GLOBAL_QUEUE_INTERVAL = 61;
    /// Passages LIFO d'affilée au plus : au-delà, l'emplacement est ignoré jusqu'à ce qu'il
    /// se vide, pour que deux tâches qui se réveillent l'une l'autre n'affament pas la file.
    static constexpr int MAX_LIFO_POLLS_PER_TICK = 3;

    /// \brief Un planificateur à `workers` threads (au moins 1) dont le pilote utilise `kind`.
    MultiThreadScheduler(std::size_t workers, ReactorKind kind,
                         const BlockingConfig& blocking = {});
    ~MultiThreadScheduler() override;

    /// \brief Lance les threads des workers (après la construction : ils tiennent une
    /// référence sur le planificateur).
    void start();

    void spawn(TaskHeader* task) override;
    void schedule(TaskHeader* task) noexcept override;
    void reschedule(TaskHeader* task) noexcept override;
    void on_complete(TaskHeader* task) noexcept override;
    Ref<TaskScheduler> main_scheduler() override;
    void block_on(TaskHeader* main) override;
    void shutdown() noexcept override;
    [[nodiscard]] bool is_closed() const noexcept override {
        return closed_.load(std::memory_order_acquire);
    }
    Driver& driver() noexcept override { return driver_; }
    [[nodiscard]] RuntimeMetrics metrics() const override;
    void count_unhandled_panic() noexcept override {
        unhandled_panics_.fetch_add(1, std::memory_order_relaxed); // une mesure
    }
    BlockingPool& blocking_pool() noexcept override { return *blocking_; }
    void count_budget_forced_yield() noexcept override {
        forced_yields_.fetch_add(1, std::memory_order_relaxed); // une mesure
    }

    /// \brief Vrai si au moins un worker est garé : le thread de `block_on` peut alors guetter
    /// le réveil de sa tâche sans prendre un cœur à un worker occupé.
    [[nodiscard]] bool has_parked_worker() const noexcept { return idle_.has_parked_worker(); }

private:
    friend struct Worker;

    /// Met une tâche dans la file globale (depuis l'extérieur des workers) et réveille un
    /// worker s'il le faut.
    void schedule_remote(TaskHeader* task) noexcept;
    /// Met en file depuis le worker courant s'il est à nous, sinon par la file globale.
    void schedule_task(TaskHeader* task, bool is_yield) noexcept;
    /// Réveille un worker garé, si aucun ne cherche (voir `Idle`).
    void notify_parked() noexcept;
    /// Vrai s'il y a du travail à prendre : dans la file globale, ou à voler dans la file
    /// d'un worker (une indication ; voir notify_if_work_pending pour une décision sûre).
    [[nodiscard]] bool has_pending_work() const noexcept;
    /// Le dernier chercheur s'arrête (il a trouvé une tâche, ou il se gare) : s'il reste du
    /// travail quelque part, réveiller quelqu'un pour le prendre.
    void notify_if_work_pending() noexcept;

    Driver driver_;
    std::mutex driver_owner_; ///< tenu par le worker qui dort dans le pilote
    InjectQueue inject_;
    Idle idle_;
    OwnedTasks owned_;
    std::vector<std::unique_ptr<Worker>> workers_;
    Ref<BlockingPool> blocking_; ///< les threads de spawn_blocking
    /// Lu à chaque mise en file, écrit une fois : sur sa ligne de cache, loin des compteurs
    /// ci-dessous, écrits souvent (sinon chaque lecture manquerait le cache).
    alignas(64) std::atomic<bool> closed_{false};
    alignas(64) std::atomic<std::uint64_t> remote_schedules_{0};
    std::atomic<std::uint64_t> unhandled_panics_{0};
    std::atomic<std::uint64_t> forced_yields_{0};
};

} // namespace rt::detail
