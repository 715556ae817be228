// Le planificateur current_thread : une boucle, deux files, un pilote.

#include "rt/detail/current_thread.hpp"

#include "rt/detail/context.hpp"

#include <optional>

namespace rt::detail {

namespace {
/// Incrément d'un compteur qu'un seul thread écrit : pas besoin d'une instruction atomique
/// « lock » coûteuse, une lecture puis une écriture suffisent.
template <class T>
void bump(std::atomic<T>& counter, T by = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}
} // namespace

void TaskQueue::append(TaskQueue& other) noexcept {
    if (other.empty()) {
        return;
    }
    if (tail_) {
        tail_->next_in_queue = other.head_;
    } else {
        head_ = other.head_;
    }
    tail_ = other.tail_;
    size_ += other.size_;
    other.clear();
}

CurrentThreadScheduler::~CurrentThreadScheduler() {
    shutdown();
}

bool CurrentThreadScheduler::on_runtime_thread() const noexcept {
    return current_scheduler() == this;
}

void CurrentThreadScheduler::adopt(TaskHeader* task) noexcept {
    task->owned = true;
    task->prev_owned = nullptr;
    task->next_owned = owned_head_;
    if (owned_head_) {
        owned_head_->prev_owned = task;
    }
    owned_head_ = task;
    if (task->counted) {
        ++alive_;
        alive_snapshot_.store(alive_, std::memory_order_relaxed);
        bump(spawned_, std::uint64_t{1});
    }
}

void CurrentThreadScheduler::spawn(TaskHeader* task) {
    if (is_closed()) {
        task->cancel(); // runtime arrêté : annulée aussitôt, comme le fait tokio
        return;
    }
    if (on_runtime_thread()) {
        adopt(task);
        local_.push(task);
    } else {
        push_remote(task); // adoptée par le thread du runtime quand il ramènera la file
    }
}

void CurrentThreadScheduler::schedule(TaskHeader* task) {
    if (on_runtime_thread()) {
        local_.push(task);
    } else {
        push_remote(task);
    }
}

void CurrentThreadScheduler::push_remote(TaskHeader* task) {
    bool wake_driver = false;
    bool refused = false;
    {
        std::lock_guard lock(remote_mutex_);
        if (closed_.load(std::memory_order_relaxed)) {
            refused = true;
        } else {
            remote_.push(task);
            remote_pending_.store(true, std::memory_order_release);
            wake_driver = sleeping_;
            sleeping_ = false; // un seul réveil suffit
        }
    }
    if (refused) {
        // Runtime arrêté : une tâche neuve est annulée tout de suite (hors du verrou : ses
        // destructeurs peuvent rappeler le runtime) ; un réveil est ignoré, la tâche a déjà
        // été détruite par shutdown.
        if (!task->owned && !task->is_complete()) {
            task->cancel();
        }
        return;
    }
    remote_schedules_.fetch_add(1, std::memory_order_relaxed);
    if (wake_driver) {
        driver_.unpark();
    }
}

void CurrentThreadScheduler::drain_remote() {
    if (!remote_pending_.load(std::memory_order_acquire)) {
        return;
    }
    TaskQueue arrived;
    {
        std::lock_guard lock(remote_mutex_);
        arrived.append(remote_);
        remote_pending_.store(false, std::memory_order_relaxed);
    }
    while (TaskHeader* task = arrived.pop()) {
        if (!task->owned) {
            adopt(task);
        }
        local_.push(task);
    }
}

void CurrentThreadScheduler::park() {
    {
        std::lock_guard lock(remote_mutex_);
        if (!remote_.empty()) {
            return; // quelque chose est arrivé : pas question de dormir
        }
        sleeping_ = true;
    }
    driver_.park(/*may_block=*/true);
    std::lock_guard lock(remote_mutex_);
    sleeping_ = false;
}

void CurrentThreadScheduler::on_complete(TaskHeader* task) noexcept {
    if (task->owned) {
        if (task->prev_owned) {
            task->prev_owned->next_owned = task->next_owned;
        } else {
            owned_head_ = task->next_owned;
        }
        if (task->next_owned) {
            task->next_owned->prev_owned = task->prev_owned;
        }
        task->owned = false;
        if (task->counted) {
            --alive_;
            alive_snapshot_.store(alive_, std::memory_order_relaxed);
        }
    }
    task->release(); // la référence du runtime
}

void CurrentThreadScheduler::block_on(TaskHeader* main) {
    std::optional<ContextGuard> context;
    try {
        context.emplace(this);
    } catch (...) {
        main->cancel(); // refusée (block_on imbriqué) : la tâche principale ne doit pas fuir
        throw;
    }
    spawn(main); // le contexte est installé : elle va directement dans la file locale
    drain_remote();
    while (!main->is_complete()) {
        // 1. Exécuter un lot de tâches prêtes.
        int budget = EVENT_INTERVAL;
        while (budget-- > 0) {
            TaskHeader* task = local_.pop();
            if (!task) {
                break;
            }
            bump(polls_, std::uint64_t{1});
            task->run();
            if (main->is_complete()) {
                break;
            }
        }
        if (main->is_complete()) {
            break;
        }
        // 2. Ce qui vient des autres threads, puis les minuteries (en dormant si rien à faire).
        drain_remote();
        if (local_.empty()) {
            park();
            drain_remote();
        } else {
            driver_.park(/*may_block=*/false);
        }
        local_depth_.store(local_.size(), std::memory_order_relaxed);
    }
    local_depth_.store(local_.size(), std::memory_order_relaxed);
}

void CurrentThreadScheduler::shutdown() noexcept {
    {
        std::lock_guard lock(remote_mutex_);
        if (closed_.exchange(true)) {
            return;
        }
    }
    // Le contexte du runtime reste en place pendant la destruction des tâches : leurs
    // destructeurs peuvent appeler spawn (annulé aussitôt), abort, désinscrire des minuteries...
    ContextGuard context(this, /*allow_nested=*/true);
    TaskQueue arrived;
    {
        std::lock_guard lock(remote_mutex_);
        arrived.append(remote_);
    }
    while (TaskHeader* task = arrived.pop()) {
        if (!task->owned) {
            adopt(task);
        }
    }
    // La file ne possède pas de référence : l'oublier suffit. Chaque tâche vivante est ensuite
    // détruite à son point de suspension ; `cancel` la retire de la liste (on_complete).
    local_.clear();
    while (owned_head_) {
        owned_head_->cancel();
    }
    local_.clear();
    local_depth_.store(0, std::memory_order_relaxed);
}

RuntimeMetrics CurrentThreadScheduler::metrics() const {
    RuntimeMetrics m;
    m.workers = 1;
    m.alive_tasks = alive_snapshot_.load(std::memory_order_relaxed);
    m.spawned_tasks = spawned_.load(std::memory_order_relaxed);
    m.polls = polls_.load(std::memory_order_relaxed);
    m.unhandled_panics = unhandled_panics_.load(std::memory_order_relaxed);
    m.remote_schedules = remote_schedules_.load(std::memory_order_relaxed);
    m.local_queue_depth = local_depth_.load(std::memory_order_relaxed);
    {
        std::lock_guard lock(remote_mutex_);
        m.remote_queue_depth = remote_.size();
    }
    if (on_runtime_thread()) {
        m.local_queue_depth = local_.size();
        m.timers = driver_.timer_count();
    }
    return m;
}

} // namespace rt::detail
