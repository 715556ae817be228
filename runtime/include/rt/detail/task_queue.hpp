#pragma once
/// \file
/// \brief `TaskQueue` : une file FIFO de tâches prêtes, sans allocation.

#include <cstddef>

#include "rt/detail/task_header.hpp"

namespace rt::detail {

/// \brief Une file FIFO intrusive de tâches : le chaînage est dans l'en-tête, rien à allouer.
///
/// Une tâche n'est jamais deux fois en file (le drapeau NOTIFIED l'empêche) : un seul pointeur
/// `next_in_queue` par tâche suffit.
class TaskQueue {
public:
    /// \brief Ajoute `task` en queue.
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
    /// \brief Retire et rend la tâche de tête (nullptr si vide).
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
    void append(TaskQueue& other) noexcept {
        if (other.empty()) {
            return;
        }
        (tail_ ? tail_->next_in_queue : head_) = other.head_;
        tail_ = other.tail_;
        size_ += other.size_;
        other.clear();
    }
    /// \brief Oublie le contenu sans toucher aux tâches.
    void clear() noexcept { head_ = tail_ = nullptr, size_ = 0; }
    /// \brief Vrai si la file est vide.
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    /// \brief Nombre de tâches en file.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    TaskHeader* head_ = nullptr;
    TaskHeader* tail_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace rt::detail
