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
    /// \brief Déplace les `n` premières tâches (toutes s'il y en a moins) à la fin de `out`.
    ///
    /// Lit seulement les liens jusqu'à la n-ième tâche, puis coupe la chaîne en deux : aucune
    /// tâche n'est écrite, sauf le lien de la dernière déplacée.
    void move_front_to(std::size_t n, TaskQueue& out) noexcept {
        if (n == 0 || empty()) {
            return;
        }
        if (n >= size_) {
            out.append(*this);
            return;
        }
        TaskHeader* last = head_;
        for (std::size_t i = 1; i < n; ++i) {
            last = last->next_in_queue;
        }
        TaskQueue front;
        front.head_ = head_;
        front.tail_ = last;
        front.size_ = n;
        head_ = last->next_in_queue;
        last->next_in_queue = nullptr;
        size_ -= n;
        out.append(front);
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
