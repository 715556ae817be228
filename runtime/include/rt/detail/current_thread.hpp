#pragma once
/// \file
/// \brief Le planificateur `current_thread` : toutes les tâches sur le thread de `block_on`.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "rt/detail/driver.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

/// \brief Une file FIFO intrusive de tâches : le chaînage est dans l'en-tête, rien à allouer.
///
/// Une tâche n'est jamais deux fois en file (le bit SCHEDULED l'empêche) : un seul pointeur
/// `next_in_queue` par tâche suffit.
class TaskQueue {
public:
    void push(TaskHeader* task) noexcept {
        task->next_in_queue = nullptr;
        if (tail_) {
            tail_->next_in_queue = task;
        } else {
            head_ = task;
        }
        tail_ = task;
        ++size_;
    }
    TaskHeader* pop() noexcept {
        TaskHeader* task = head_;
        if (task) {
            head_ = task->next_in_queue;
            if (!head_) {
                tail_ = nullptr;
            }
            --size_;
        }
        return task;
    }
    /// \brief Ajoute toute la file `other` à la fin de celle-ci (et vide `other`).
    void append(TaskQueue& other) noexcept;
    /// \brief Oublie le contenu sans toucher aux tâches.
    void clear() noexcept { head_ = tail_ = nullptr, size_ = 0; }
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    TaskHeader* head_ = nullptr;
    TaskHeader* tail_ = nullptr;
    std::size_t size_ = 0;
};

/// \brief Le planificateur mono-thread, l'équivalent de `new_current_thread()` de tokio.
///
/// Tout se passe sur le thread qui appelle `block_on` :
/// 1. prendre une tâche dans la **file locale** et la reprendre, jusqu'à ce qu'elle se
///    suspende ou se termine ;
/// 2. toutes les `EVENT_INTERVAL` tâches, et dès que la file est vide, ramener la **file
///    distante** (tâches réveillées ou lancées depuis d'autres threads, protégée par un
///    mutex) et demander au **pilote** les minuteries échues ;
/// 3. quand il n'y a plus rien à faire, se garer dans le pilote jusqu'à la prochaine
///    échéance ou un réveil venu d'un autre thread.
class CurrentThreadScheduler final : public Scheduler {
public:
    /// Nombre de tâches exécutées entre deux passages par le pilote (61 chez tokio) : assez
    /// pour amortir, assez peu pour que les minuteries et les réveils ne prennent pas de retard.
    static constexpr int EVENT_INTERVAL = 61;

    /// \brief Un planificateur dont le pilote utilise le réacteur `kind`.
    explicit CurrentThreadScheduler(ReactorKind kind = ReactorKind::Poll) : driver_(kind) {}
    ~CurrentThreadScheduler() override;

    void spawn(TaskHeader* task) override;
    void schedule(TaskHeader* task) override;
    void on_complete(TaskHeader* task) noexcept override;
    void block_on(TaskHeader* main) override;
    void shutdown() noexcept override;
    [[nodiscard]] bool is_closed() const noexcept override {
        return closed_.load(std::memory_order_acquire);
    }
    Driver& driver() override { return driver_; }
    [[nodiscard]] RuntimeMetrics metrics() const override;
    void count_unhandled_panic() noexcept override {
        unhandled_panics_.fetch_add(1, std::memory_order_relaxed);
    }

private:
    /// Vrai si le thread courant exécute ce planificateur (dans `block_on`).
    [[nodiscard]] bool on_runtime_thread() const noexcept;
    /// Inscrit la tâche dans la liste des tâches vivantes (thread du runtime seulement).
    void adopt(TaskHeader* task) noexcept;
    /// Passe par la file distante (autre thread) et réveille le runtime s'il dort.
    void push_remote(TaskHeader* task);
    /// Ramène la file distante dans la file locale.
    void drain_remote();
    /// Se gare dans le pilote si rien n'est arrivé entre-temps.
    void park();

    Driver driver_;
    TaskQueue local_;
    TaskHeader* owned_head_ = nullptr; ///< liste doublement chaînée des tâches vivantes
    std::size_t alive_ = 0;

    mutable std::mutex remote_mutex_;
    TaskQueue remote_;      ///< protégée par remote_mutex_
    bool sleeping_ = false; ///< protégé par remote_mutex_ : le runtime dort dans poll
    std::atomic<bool> remote_pending_{false};
    std::atomic<bool> closed_{false};

    // Compteurs lus par metrics() depuis n'importe quel thread.
    std::atomic<std::uint64_t> spawned_{0};
    std::atomic<std::uint64_t> polls_{0};
    std::atomic<std::uint64_t> remote_schedules_{0};
    std::atomic<std::uint64_t> unhandled_panics_{0};
    std::atomic<std::size_t> alive_snapshot_{0};
    std::atomic<std::size_t> local_depth_{0};
};

} // namespace rt::detail
