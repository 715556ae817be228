#pragma once
/// \file
/// \brief Les tâches vivantes d'un runtime : `OwnedList` (une liste, sans verrou) et
/// `OwnedTasks` (plusieurs listes sous verrous, pour `multi_thread`).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "rt/detail/adaptive_mutex.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

/// \brief Une liste doublement chaînée, intrusive, des tâches vivantes d'un runtime.
///
/// C'est elle qui permet à l'arrêt du runtime de **détruire toutes les tâches** encore
/// vivantes : celles qui dorment ne sont dans aucune file, seulement ici. Le chaînage est
/// dans l'en-tête de la tâche (`prev_owned`, `next_owned`) : ni allocation ni recherche.
/// Pas de verrou : c'est à son propriétaire de la protéger (un seul thread pour
/// `current_thread`, un verrou par morceau pour `OwnedTasks`).
class OwnedList {
public:
    /// \brief Ajoute `task` (qui devient « possédée »).
    void push(TaskHeader* task) noexcept {
        task->owned = true;
        task->prev_owned = nullptr;
        task->next_owned = head_;
        if (head_) {
            head_->prev_owned = task;
        }
        head_ = task;
        ++size_;
    }
    /// \brief Retire `task`, qui doit être dans la liste.
    void remove(TaskHeader* task) noexcept {
        (task->prev_owned ? task->prev_owned->next_owned : head_) = task->next_owned;
        if (task->next_owned) {
            task->next_owned->prev_owned = task->prev_owned;
        }
        task->owned = false;
        --size_;
    }
    /// \brief Retire et rend une tâche, ou nullptr si la liste est vide.
    TaskHeader* pop() noexcept {
        TaskHeader* task = head_;
        if (task) {
            remove(task);
        }
        return task;
    }
    /// \brief Nombre de tâches.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    TaskHeader* head_ = nullptr;
    std::size_t size_ = 0;
};

/// \brief Les tâches vivantes d'un runtime `multi_thread` : plusieurs `OwnedList`, chacune
/// sous son verrou (le `OwnedTasks` de tokio).
///
/// Chaque `spawn` ajoute une tâche et chaque fin la retire, depuis tous les workers à la
/// fois : une seule liste sous un seul verrou serait disputée à chaque tâche. Une tâche va
/// toujours dans le même morceau, choisi d'après son adresse ; avec quatre morceaux par
/// worker, deux workers tombent rarement sur le même verrou.
class OwnedTasks {
public:
    /// \brief Des listes pour `workers` workers.
    explicit OwnedTasks(std::size_t workers);

    /// \brief Ajoute une tâche neuve ; faux si l'ensemble est fermé (runtime arrêté).
    bool bind(TaskHeader* task) noexcept;
    /// \brief Retire une tâche terminée (si elle est possédée).
    void remove(TaskHeader* task) noexcept;
    /// \brief Ferme l'ensemble : les `bind` suivants échouent.
    void close() noexcept;
    /// \brief Après `close` : annule (détruit) chaque tâche encore vivante, sur ce thread.
    void shutdown_all() noexcept;

    /// \brief Tâches vivantes (une mesure).
    [[nodiscard]] std::size_t alive() const noexcept;
    /// \brief Tâches ajoutées depuis le début (une mesure).
    [[nodiscard]] std::uint64_t spawned() const noexcept;

private:
    /// Un morceau, sur sa propre ligne de cache : deux verrous voisins ne se gênent pas.
    struct alignas(64) Shard {
        AdaptiveMutex mutex; ///< tenu le temps d'un chaînage : tourner avant de dormir
        OwnedList list;      ///< protégée par mutex
        bool closed = false; ///< protégé par mutex
        /// Écrits sous `mutex`, lus sans : des mesures.
        std::atomic<std::size_t> alive{0};
        std::atomic<std::uint64_t> spawned{0};
    };
    Shard& shard_of(const TaskHeader* task) const noexcept;

    std::size_t mask_;
    std::unique_ptr<Shard[]> shards_;
};

} // namespace rt::detail
