// Le pool de spawn_blocking : une file sous verrou, des threads créés à la demande.

#include "rt/detail/blocking_pool.hpp"

#include <atomic>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "rt/detail/context.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/trace.hpp"

namespace rt::detail {

BlockingPool::BlockingPool(Scheduler& runtime, const BlockingConfig& config)
    : runtime_(&runtime), max_threads_(config.max_threads == 0 ? 1 : config.max_threads),
      keep_alive_(config.keep_alive) {}

void BlockingPool::spawn(TaskHeader* task) {
    bool start_thread = false;
    {
        std::lock_guard lock(mutex_);
        if (!closed_) {
            queue_.push(task);
            if (idle_ > 0) {
                work_.notify_one(); // un thread attend : il la prendra
            } else if (threads_ < max_threads_) {
                ++threads_;
                start_thread = true;
            } // sinon : elle attend qu'un thread se libère
        }
        if (closed_) {
            task = nullptr;
        }
    }
    if (task == nullptr) {
        return;
    }
    if (start_thread) {
        try {
            // Le thread tient une référence : le pool vit au moins jusqu'à sa fin.
            std::thread([self = Ref<BlockingPool>(this)] { self->run_thread(); }).detach();
        } catch (const std::system_error&) {
            std::lock_guard lock(mutex_);
            --threads_; // plus de thread possible : la tâche attendra qu'un autre se libère
            if (threads_ == 0) {
                finished_.notify_all();
            }
        }
    }
}

void BlockingPool::schedule(TaskHeader*) noexcept {
    // Une tâche du pool n'est mise en file qu'une fois, à son lancement (spawn). Elle ne
    // se suspend jamais ensuite : un abort pendant qu'elle tourne ou qu'elle attend en file
    // ne la remet pas en file (elle l'est déjà, ou tourne).
}

void BlockingPool::on_complete(TaskHeader* task) noexcept {
    task->release(); // la référence du planificateur
}

Driver& BlockingPool::driver() noexcept {
    // Une fonction bloquante ne s'inscrit jamais auprès du pilote (elle n'attend rien par
    // co_await) ; le pilote du runtime, par principe.
    return runtime_->driver();
}

void BlockingPool::run_thread() {
    Scheduler* runtime = nullptr;
    {
        std::lock_guard lock(mutex_);
        runtime = runtime_;
    }
    // Le contexte du runtime : Handle::current() et rt::spawn marchent dans la fonction.
    ContextGuard context(runtime, /*allow_nested=*/true);
    static std::atomic<std::size_t> numbering{0}; // relaxed : un numéro de ligne de frise
    trace::name_thread(runtime != nullptr ? runtime->trace_runtime : 0, trace::Role::Blocking,
                       numbering.fetch_add(1, std::memory_order_relaxed));
    std::unique_lock lock(mutex_);
    for (;;) {
        if (TaskHeader* task = queue_.pop()) {
            lock.unlock();
            task->run(); // la coroutine appelle la fonction, jusqu'au bout (ou l'annule)
            lock.lock();
            continue;
        }
        if (closed_) {
            break;
        }
        ++idle_;
        const bool woken =
            work_.wait_for(lock, keep_alive_, [this] { return !queue_.empty() || closed_; });
        --idle_;
        if (!woken) {
            break; // keep_alive sans travail : ce thread s'arrête
        }
    }
    if (--threads_ == 0) {
        finished_.notify_all();
    }
}

void BlockingPool::shutdown() noexcept {
    TaskQueue pending;
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return;
        }
        closed_ = true;
        pending.append(queue_);
        work_.notify_all();
    }
    // Pas encore démarrées : annulées ici (leurs JoinHandle rendront « annulée »).
    while (TaskHeader* task = pending.pop()) {
        task->shutdown();
    }
    // Celles qui tournent : on ne peut pas interrompre un thread, on attend leur fin.
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return threads_ == 0; });
    runtime_ = nullptr;
}

std::size_t BlockingPool::num_threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
}

std::size_t BlockingPool::queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

} // namespace rt::detail
