#pragma once
/// \file
/// \brief `Waker` : le droit de terminer une suspension précise, l'équivalent du `Waker` de
/// Rust ; `Wakeable` : ce qu'un `Waker` réveille.

#include <cstdint>
#include <utility>

#include "rt/detail/ref_counted.hpp"

namespace rt::detail {

/// \brief Ce qu'un `Waker` sait réveiller : une tâche le plus souvent (`TaskHeader`), parfois
/// un autre objet qui attend une fin de tâche (une entrée de `JoinSet`).
///
/// Compté par références : un `Waker` garde sa cible en vie, si bien qu'un réveil venu d'un
/// autre thread ne touche jamais de la mémoire libérée, même si la cible a fini entre-temps.
class Wakeable : public RefCounted {
public:
    /// \brief Termine la suspension `epoch` si elle attend encore (sinon : ignoré).
    /// Légal depuis n'importe quel thread.
    virtual void wake_at(std::uint64_t epoch) noexcept = 0;

protected:
    using RefCounted::RefCounted;
};

/// \brief Une autorisation de terminer **une** suspension : une cible et une époque.
///
/// Une feuille (`sleep`, une attente de socket, un verrou...) en fabrique un juste avant de
/// suspendre la tâche et le confie à qui doit la réveiller (le pilote, une liste d'attente).
/// `wake()` termine la suspension si elle attend encore ; un second réveil, ou un réveil
/// d'une suspension plus ancienne, est ignoré : une coroutine C++ reprise à tort sortirait
/// de son `co_await` comme si l'événement avait eu lieu.
///
/// Copiable (chaque copie garde une référence). `wake()` est légal depuis n'importe quel
/// thread.
class Waker {
public:
    /// \brief Un `Waker` vide, qui ne réveille rien.
    Waker() noexcept = default;
    /// \brief Le réveil de la suspension `epoch` de `target` (prend une référence).
    Waker(Wakeable* target, std::uint64_t epoch) noexcept : target_(target), epoch_(epoch) {
        target_->add_ref();
    }
    /// \brief Une copie : une référence de plus sur la même cible.
    Waker(const Waker& other) noexcept : target_(other.target_), epoch_(other.epoch_) {
        if (target_) {
            target_->add_ref();
        }
    }
    /// \brief Transfère la référence ; `other` devient vide.
    Waker(Waker&& other) noexcept
        : target_(std::exchange(other.target_, nullptr)), epoch_(other.epoch_) {}
    /// \brief Remplace par `other` (l'ancienne référence est rendue).
    Waker& operator=(Waker other) noexcept {
        std::swap(target_, other.target_);
        std::swap(epoch_, other.epoch_);
        return *this;
    }
    /// \brief Rend la référence.
    ~Waker() {
        if (target_) {
            target_->release();
        }
    }

    /// \brief Termine la suspension si elle attend toujours.
    void wake() const noexcept {
        if (target_) {
            target_->wake_at(epoch_);
        }
    }
    /// \brief Vrai si ce `Waker` désigne une cible.
    explicit operator bool() const noexcept { return target_ != nullptr; }

private:
    Wakeable* target_ = nullptr;
    std::uint64_t epoch_ = 0;
};

} // namespace rt::detail
