#pragma once
/// \file
/// \brief La file des minuteries du pilote : un tas, plus un raccourci pour le cas courant.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "rt/detail/timer_heap.hpp"

namespace rt::detail {

/// \brief Toutes les minuteries en attente d'un pilote, la plus proche en tête.
///
/// Le cas le plus courant est aussi le plus simple : des tâches qui attendent **la même
/// durée** (un `sleep(1s)` dans une boucle, un délai de `timeout` fixe) s'inscrivent dans
/// l'ordre de leurs échéances. Pour elles, une simple file FIFO suffit : ajout en O(1),
/// retrait de la plus proche en O(1), sans parcourir le tas (dont les entrées sont
/// éparpillées dans les trames des coroutines : chaque niveau du tas est un défaut de cache).
///
/// Une entrée arrive-t-elle plus tôt que la dernière de la file ? Elle va dans le tas
/// (`TimerHeap`). La plus proche échéance est la plus petite des deux têtes. Une entrée
/// retirée de la file (annulation) y laisse un trou (`nullptr`), sauté plus tard.
class TimerQueue {
public:
    /// \brief Inscrit `entry` (qui ne doit pas déjà l'être).
    void push(TimerEntry& entry);
    /// \brief Désinscrit `entry`, qu'elle soit dans la file ou dans le tas.
    void remove(TimerEntry& entry) noexcept;
    /// \brief L'entrée la plus proche, ou nullptr s'il n'y en a aucune.
    [[nodiscard]] TimerEntry* top() const noexcept;
    /// \brief Retire et renvoie l'entrée la plus proche (précondition : il y en a une).
    TimerEntry& pop() noexcept;
    /// \brief Nombre d'entrées inscrites.
    [[nodiscard]] std::size_t size() const noexcept { return heap_.size() + fifo_count_; }
    /// \brief Vrai si aucune entrée n'est inscrite.
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }

private:
    /// Retire les trous en tête et en queue de la file.
    void trim() noexcept;

    TimerHeap heap_;
    std::deque<TimerEntry*> fifo_;                 ///< échéances croissantes ; nullptr = retirée
    std::uint32_t fifo_base_ = 0;                  ///< numéro absolu de fifo_.front()
    std::size_t fifo_count_ = 0;                   ///< entrées non nulles de la file
    std::chrono::steady_clock::time_point last_{}; ///< échéance du dernier ajout en file
};

} // namespace rt::detail
