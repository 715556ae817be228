#pragma once
/// \file
/// \brief `WakeList` : des réveils ramassés sous un verrou, exécutés après l'avoir relâché.

#include <cstddef>
#include <new>
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
            ::new (static_cast<void*>(storage_ + size_ * sizeof(Waker))) Waker(std::move(waker));
            ++size_;
        } else {
            overflow_.push_back(std::move(waker));
        }
    }
    /// \brief Réveille tout (hors de tout verrou), puis rend les références.
    void wake_all() noexcept {
        for (std::size_t i = 0; i < size_; ++i) {
            Waker* waker = slot(i);
            Waker taken = std::move(*waker);
            waker->~Waker();
            taken.wake();
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

    /// \brief Une liste vide. Les 32 places ne sont pas construites d'avance : une liste
    /// vide ne coûte presque rien (les primitives en créent une à chaque opération, et le
    /// plus souvent n'y mettent rien).
    WakeList() noexcept {}
    WakeList(const WakeList&) = delete;
    WakeList& operator=(const WakeList&) = delete;

private:
    /// La place `i`, déjà construite.
    Waker* slot(std::size_t i) noexcept {
        return std::launder(reinterpret_cast<Waker*>(storage_ + i * sizeof(Waker)));
    }

    alignas(Waker) unsigned char storage_[CAPACITY * sizeof(Waker)];
    std::size_t size_ = 0;
    std::vector<Waker> overflow_;
};

} // namespace rt::detail
