// Le planificateur multi_thread : lancer, réveiller, terminer, arrêter. La boucle des
// workers est dans worker.cpp.

#include "rt/detail/multi_thread.hpp"

#include <atomic>
#include <condition_variable>
#include <optional>
#include <utility>

#include "rt/detail/context.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/fence.hpp"
#include "rt/detail/spin.hpp"

namespace rt::detail {

namespace {

/// Le planificateur de la tâche principale d'un `block_on` : la « mettre en file », c'est
/// réveiller le thread appelant, qui l'exécute lui-même. Ses minuteries et ses sockets vont
/// au pilote du runtime.
class BlockOnThread final : public TaskScheduler {
public:
    explicit BlockOnThread(MultiThreadScheduler& runtime) noexcept : runtime_(runtime) {
        runtime_.add_ref();
    }

    void schedule(TaskHeader*) noexcept override {
        // acq_rel : l'échange et celui de wait() se répondent sur le même mot, aucun réveil
        // ne se perd ; la tâche elle-même se publie par son propre état (TaskState).
        if (state_.exchange(NOTIFIED, std::memory_order_acq_rel) == SLEEPING) {
            // Prendre le verrou garantit que le thread est bien dans wait() de la condition.
            { std::lock_guard lock(mutex_); }
            condvar_.notify_one();
        }
    }
    void on_complete(TaskHeader* task) noexcept override { task->release(); }
    void count_unhandled_panic() noexcept override { runtime_.count_unhandled_panic(); }
    void count_budget_forced_yield() noexcept override { runtime_.count_budget_forced_yield(); }
    Driver& driver() noexcept override { return runtime_.driver(); }

    /// Dort jusqu'à ce que la tâche principale soit réveillée (rend aussitôt la première
    /// fois : une tâche neuve est prête). Guette d'abord le réveil un instant (spin.hpp).
    void wait() {
        // Seulement tant qu'un worker dort : sinon tous les cœurs travaillent peut-être (les
        // workers sont aussi nombreux que les cœurs), et guetter en prendrait un. relaxed : ne
        // sert qu'à sortir de la boucle ; l'échange qui suit consomme le réveil.
        spin_.spin([this] { return state_.load(std::memory_order_relaxed) == NOTIFIED; },
                   [this] { return runtime_.has_parked_worker(); });
        if (state_.exchange(EMPTY, std::memory_order_acq_rel) == NOTIFIED) {
            return;
        }
        std::unique_lock lock(mutex_);
        int expected = EMPTY;
        if (!state_.compare_exchange_strong(expected, SLEEPING, std::memory_order_acq_rel)) {
            state_.store(EMPTY, std::memory_order_relaxed); // NOTIFIED entre-temps : consommé
            return;
        }
        condvar_.wait(lock, [this] { return state_.load(std::memory_order_acquire) == NOTIFIED; });
        state_.store(EMPTY, std::memory_order_relaxed); // seul schedule() écrit encore, NOTIFIED
    }

private:
    ~BlockOnThread() override { runtime_.release(); }

    enum : int { EMPTY, SLEEPING, NOTIFIED };

    MultiThreadScheduler& runtime_;
    std::atomic<int> state_{NOTIFIED}; ///< NOTIFIED au départ : la tâche neuve est prête
    AdaptiveSpin spin_;                ///< seul le thread de block_on s'en sert
    std::mutex mutex_;
    std::condition_variable condvar_;
};

} // namespace

MultiThreadScheduler::MultiThreadScheduler(std::size_t workers, ReactorKind kind,
                                           const BlockingConfig& blocking)
    : driver_(kind), idle_(workers == 0 ? 1 : workers), owned_(workers == 0 ? 1 : workers),
      blocking_(Ref<BlockingPool>::adopt(new BlockingPool(*this, blocking))) {
    const std::size_t n = workers == 0 ? 1 : workers;
    workers_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<Worker>(*this, i, driver_, driver_owner_));
    }
}

MultiThreadScheduler::~MultiThreadScheduler() {
    shutdown();
}

void MultiThreadScheduler::start() {
    for (auto& worker : workers_) {
        worker->start();
    }
}

// --- Lancer et réveiller -------------------------------------------------------------------

void MultiThreadScheduler::spawn(TaskHeader* task) {
    if (!owned_.bind(task)) {
        task->shutdown(); // runtime arrêté : annulée aussitôt, sur ce thread
        return;
    }
    schedule_task(task, /*is_yield=*/false);
}

void MultiThreadScheduler::schedule(TaskHeader* task) noexcept {
    schedule_task(task, /*is_yield=*/false);
}

void MultiThreadScheduler::reschedule(TaskHeader* task) noexcept {
    schedule_task(task, /*is_yield=*/true);
}

void MultiThreadScheduler::schedule_task(TaskHeader* task, bool is_yield) noexcept {
    Worker* worker = current_worker();
    if (worker != nullptr && &worker->scheduler == this && !is_closed()) {
        worker->schedule_local(task, is_yield);
    } else {
        schedule_remote(task);
    }
}

void MultiThreadScheduler::schedule_remote(TaskHeader* task) noexcept {
    // Refusé si le runtime est arrêté : la tâche est vivante, donc dans `owned_`, que
    // l'arrêt annule ; ce réveil n'a plus d'objet.
    if (inject_.push(task)) {
        remote_schedules_.fetch_add(1, std::memory_order_relaxed); // une mesure
        notify_parked();
    }
}

void MultiThreadScheduler::notify_parked() noexcept {
    if (auto index = idle_.worker_to_notify()) {
        workers_[*index]->parker.unpark();
    }
}

bool MultiThreadScheduler::has_pending_work() const noexcept {
    if (!inject_.is_empty()) {
        return true;
    }
    for (const auto& worker : workers_) {
        if (worker->run_queue.has_tasks()) {
            return true;
        }
    }
    return false;
}

void MultiThreadScheduler::notify_if_work_pending() noexcept {
    // seq_cst : nous venons d'écrire l'état des chercheurs (Idle) et lisons les files ; celui
    // qui publie écrit une file puis lit cet état (même barrière dans worker_to_notify). Les
    // lectures des files ne sont pas seq_cst : les deux barrières garantissent qu'au moins
    // l'un des deux voit l'écriture de l'autre.
    seq_cst_fence();
    if (has_pending_work()) {
        notify_parked();
    }
}

void MultiThreadScheduler::on_complete(TaskHeader* task) noexcept {
    owned_.remove(task);
    task->release(); // la référence du planificateur
}

// --- block_on --------------------------------------------------------------------------------

Ref<TaskScheduler> MultiThreadScheduler::main_scheduler() {
    return Ref<TaskScheduler>::adopt(new BlockOnThread(*this));
}

void MultiThreadScheduler::block_on(TaskHeader* main) {
    std::optional<ContextGuard> context;
    enter_block_on(context, this, main);
    if (is_closed()) {
        main->shutdown(); // runtime arrêté : annulée aussitôt
        return;
    }
    auto& thread = static_cast<BlockOnThread&>(*main->scheduler);
    while (!main->is_complete()) {
        thread.wait();
        coop::BudgetGuard budget;
        main->run();
    }
}

// --- L'arrêt ---------------------------------------------------------------------------------

void MultiThreadScheduler::shutdown() noexcept {
    if (closed_.exchange(true, std::memory_order_acq_rel)) { // acq_rel : un seul arrêt
        return;
    }
    // 1. Fermer : plus rien n'entre dans la file globale ni dans la liste des tâches vivantes.
    inject_.close();
    owned_.close();
    // 2. Réveiller les workers et attendre leur fin. Un worker qui exécute l'arrêt lui-même
    //    (le runtime détruit depuis une de ses tâches) ne peut pas s'attendre : il est
    //    détaché, et finira sa boucle tout seul (il tient une référence sur nous).
    Worker* self = current_worker();
    for (auto& worker : workers_) {
        worker->parker.unpark();
    }
    for (auto& worker : workers_) {
        if (!worker->thread.joinable()) {
            continue;
        }
        if (worker.get() == self) {
            worker->thread.detach();
        } else {
            worker->thread.join();
        }
    }
    // 3. Les workers sont arrêtés : détruire chaque tâche vivante, ici. Les files ne
    //    possèdent rien (ce ne sont que des pointeurs) : on les oublie.
    ContextGuard context(this, /*allow_nested=*/true);
    owned_.shutdown_all();
    // 4. Les fonctions bloquantes : pas démarrées, annulées ; en cours, attendues.
    blocking_->shutdown();
}

RuntimeMetrics MultiThreadScheduler::metrics() const {
    RuntimeMetrics m;
    m.num_workers = workers_.size();
    m.num_alive_tasks = owned_.alive();
    m.spawned_tasks_count = owned_.spawned();
    // relaxed : des mesures (voir WorkerStats).
    m.remote_schedule_count = remote_schedules_.load(std::memory_order_relaxed);
    m.unhandled_panic_count = unhandled_panics_.load(std::memory_order_relaxed);
    m.budget_forced_yield_count = forced_yields_.load(std::memory_order_relaxed);
    m.global_queue_depth = inject_.len();
    m.num_timers = driver_.timer_count();
    m.num_blocking_threads = blocking_->num_threads();
    m.blocking_queue_depth = blocking_->queue_depth();
    m.unhandled_panic_count += blocking_->unhandled_panics();
    for (const auto& worker : workers_) {
        const WorkerStats& s = worker->stats;
        WorkerMetrics& w = m.workers.emplace_back();
        w.poll_count = s.poll_count.load(std::memory_order_relaxed);
        w.steal_count = s.steal_count.load(std::memory_order_relaxed);
        w.steal_operations = s.steal_operations.load(std::memory_order_relaxed);
        w.park_count = s.park_count.load(std::memory_order_relaxed);
        w.local_schedule_count = s.local_schedule_count.load(std::memory_order_relaxed);
        w.overflow_count = s.overflow_count.load(std::memory_order_relaxed);
        w.local_queue_depth = worker->run_queue.len();
    }
    return m;
}

} // namespace rt::detail
