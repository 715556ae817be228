#pragma once
/// \file
/// \brief `InjectQueue` : la file globale d'un runtime `multi_thread` (chapitre 11).

#include <atomic>
#include <cstddef>
#include <mutex>

#include "rt/detail/adaptive_mutex.hpp"
#include "rt/detail/task_queue.hpp"

namespace rt::detail {

/// \brief La file d'injection : ce qui arrive de l'extérieur des workers (un `spawn` depuis
/// un autre thread, un réveil venu d'ailleurs) et ce qui déborde d'une file locale pleine.
///
/// Un verrou et une file intrusive : simple, et peu sollicitée, car un worker y regarde
/// seulement quand sa file locale est vide ou toutes les 61 tâches. Sa longueur est aussi
/// tenue dans un atomique pour qu'un worker sache, sans prendre le verrou, qu'elle est vide.
/// Fermée à l'arrêt du runtime : ce qu'on y pousse ensuite est refusé (la tâche est de
/// toute façon dans la liste des tâches vivantes, que l'arrêt annule).
class InjectQueue {
public:
    /// \brief Ajoute `task` ; faux si la file est fermée (rien n'est ajouté).
    bool push(TaskHeader* task) noexcept {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
        queue_.push(task);
        publish_len();
        return true;
    }
    /// \brief Ajoute toutes les tâches de `batch` (qui est vidée) ; ignorées si fermée.
    void push_batch(TaskQueue& batch) noexcept {
        std::lock_guard lock(mutex_);
        if (!closed_) {
            queue_.append(batch);
            publish_len();
        }
        batch.clear();
    }
    /// \brief Retire la tâche de tête, ou nullptr.
    TaskHeader* pop() noexcept {
        if (is_empty()) {
            return nullptr; // sans verrou : le cas courant
        }
        std::lock_guard lock(mutex_);
        TaskHeader* task = queue_.pop();
        publish_len();
        return task;
    }
    /// \brief Retire au plus `n` tâches, dans l'ordre, dans `out`.
    void pop_n(std::size_t n, TaskQueue& out) noexcept {
        std::lock_guard lock(mutex_);
        queue_.move_front_to(n, out);
        publish_len();
    }
    /// \brief Nombre de tâches (une mesure : peut avoir un temps de retard).
    [[nodiscard]] std::size_t len() const noexcept {
        // relaxed : une indication ; qui veut une tâche prend ensuite le verrou.
        return len_.load(std::memory_order_relaxed);
    }
    /// \brief Vrai si la file semble vide.
    [[nodiscard]] bool is_empty() const noexcept { return len() == 0; }
    /// \brief Ferme la file et oublie son contenu (sans toucher aux tâches).
    void close() noexcept {
        std::lock_guard lock(mutex_);
        closed_ = true;
        queue_.clear();
        publish_len();
    }

private:
    void publish_len() noexcept {
        // relaxed : écrit sous le verrou ; les lecteurs sans verrou n'en tirent qu'un indice.
        len_.store(queue_.size(), std::memory_order_relaxed);
    }

    AdaptiveMutex mutex_; ///< tenu quelques dizaines de nanosecondes : tourner avant de dormir
    TaskQueue queue_;     ///< protégée par mutex_
    bool closed_ = false; ///< protégé par mutex_
    std::atomic<std::size_t> len_{0};
};

} // namespace rt::detail
