#pragma once
/// \file
/// \brief `WakeList` : des réveils ramassés sous un verrou, exécutés après l'avoir relâché.

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "rt/detail/waker.hpp"

namespace rt::detail {

/// \brief Des `Waker` à réveiller plus tard (le `WakeList` de tokio) : les 32 premiers sans
/// allocation, les suivants dans un vecteur.
///
/// **La règle de tout réveil** : celui qui réveille tient lui-même une référence sur la tâche
/// pendant tout le réveil. Un `Waker` rangé dans la mémoire de la tâche réveillée (le maillon
/// d'une liste d'attente, dans sa trame) ne convient pas : dès que le réveil a marqué la
/// tâche prête, elle peut tourner sur un autre thread, finir, détruire sa trame... et le
/// `Waker` avec sa référence, pendant que le réveil est encore en cours. On **sort** donc le
/// `Waker` de la liste (sous son verrou), puis on réveille, verrou relâché : le réveil ne
/// tient aucun verrou de la primitive (il peut exécuter du code du planificateur) et garde la
/// tâche vivante jusqu'à ce qu'il ait fini.
class WakeList {
public:
    static constexpr std::size_t CAPACITY = 32;

    /// \brief Ajoute un réveil.
    void push(Waker waker) {
        if (size_ < CAPACITY) {
            wakers_[size_++] = std::move(waker);
        } else {
            overflow_.push_back(std::move(waker));
        }
    }
    /// \brief Réveille tout (hors de tout verrou), puis rend les références.
    void wake_all() noexcept {
        for (std::size_t i = 0; i < size_; ++i) {
            Waker waker = std::move(wakers_[i]);
            waker.wake();
        }
        size_ = 0;
        for (Waker& waker : overflow_) {
            Waker taken = std::move(waker);
            taken.wake();
        }
        overflow_.clear();
    }
    /// \brief Ce qui reste est réveillé à la destruction.
    ~WakeList() { wake_all(); }

    WakeList() = default;
    WakeList(const WakeList&) = delete;
    WakeList& operator=(const WakeList&) = delete;

private:
    std::array<Waker, CAPACITY> wakers_{};
    std::size_t size_ = 0;
    std::vector<Waker> overflow_;
};

} // namespace rt::detail
