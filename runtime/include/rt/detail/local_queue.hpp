#pragma once
/// \file
/// \brief `LocalQueue` : la file d'un worker, qu'il remplit et vide sans verrou et dont les
/// autres workers volent la moitié (le `queue.rs` de tokio, chapitre 11).

#include <array>
#include <atomic>
#include <cstdint>

#include "rt/detail/inject_queue.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

/// \brief Un anneau de 256 tâches : un seul thread (le propriétaire) ajoute en queue et
/// retire en tête ; n'importe quel autre thread peut **voler la moitié** des tâches d'un
/// coup.
///
/// Deux compteurs qui ne font que croître (on les prend modulo 256 pour trouver la case) :
/// - `tail_` : écrit par le propriétaire seul ; la prochaine case libre ;
/// - `head_` : deux compteurs de 32 bits dans un mot de 64, changés par compare-and-swap par
///   le propriétaire (`pop`) comme par les voleurs. `real` est la vraie tête ; `steal` est la
///   tête vue par un voleur **en cours** de vol. Tant que `steal != real`, les cases
///   `[steal, real)` sont en train d'être copiées par un voleur : le propriétaire ne doit pas
///   les réécrire, et un second voleur doit renoncer.
///
/// Pourquoi voler la moitié ? Un voleur qui ne prendrait qu'une tâche reviendrait aussitôt ;
/// en prendre la moitié équilibre la charge en O(log n) vols, et la moitié qui reste garde
/// le propriétaire occupé. Pourquoi un anneau fixe ? Pas d'allocation, et une file pleine
/// déborde la moitié de son contenu dans la file globale (`InjectQueue`).
///
/// Alignée sur une ligne de cache (64 octets) : `head_` change à chaque `pop`, et une donnée
/// d'un autre thread posée sur la même ligne (un autre worker, le planificateur) ferait
/// voyager cette ligne d'un cœur à l'autre à chaque tâche (le « faux partage »).
class alignas(64) LocalQueue {
public:
    /// \brief Nombre de cases (une puissance de deux).
    static constexpr std::uint32_t CAPACITY = 256;

    /// \brief Propriétaire : ajoute `task` en queue. Si l'anneau est plein, déplace la
    /// moitié de son contenu, et `task`, dans `overflow` ; rend vrai dans ce cas.
    bool push_back_or_overflow(TaskHeader* task, InjectQueue& overflow) noexcept;
    /// \brief Propriétaire : ajoute `task` en queue ; précondition : il reste de la place.
    void push_back(TaskHeader* task) noexcept;
    /// \brief Propriétaire : retire la tâche de tête, ou nullptr.
    TaskHeader* pop() noexcept;
    /// \brief Voleur : prend la moitié des tâches de cette file et les met dans `dst` (la file
    /// du voleur, vide ou presque) ; rend l'une d'elles à exécuter tout de suite, ou nullptr.
    /// `stolen` reçoit le nombre de tâches prises.
    TaskHeader* steal_into(LocalQueue& dst, std::uint32_t& stolen) noexcept;

    /// \brief Nombre de tâches (exact pour le propriétaire, indicatif pour les autres).
    [[nodiscard]] std::uint32_t len() const noexcept;
    /// \brief Place libre (propriétaire).
    [[nodiscard]] std::uint32_t remaining_slots() const noexcept;
    /// \brief Vrai s'il y a au moins une tâche.
    [[nodiscard]] bool has_tasks() const noexcept { return len() != 0; }

private:
    static constexpr std::uint32_t MASK = CAPACITY - 1;

    static std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
        return std::uint64_t{steal} << 32 | real;
    }
    static std::uint32_t steal_of(std::uint64_t head) noexcept {
        return static_cast<std::uint32_t>(head >> 32);
    }
    static std::uint32_t real_of(std::uint64_t head) noexcept {
        return static_cast<std::uint32_t>(head);
    }

    /// Le débordement : réserve la moitié la plus ancienne par un CAS sur la tête, puis la
    /// pousse (avec `task`) dans `overflow`. Faux si un voleur est passé entre-temps.
    bool push_overflow(TaskHeader* task, std::uint32_t head, std::uint32_t tail,
                       InjectQueue& overflow) noexcept;
    /// Le cœur du vol : réserve la moitié, copie les tâches dans `dst` à partir de
    /// `dst_tail`, puis libère les cases. Rend le nombre de tâches prises.
    std::uint32_t steal_into2(LocalQueue& dst, std::uint32_t dst_tail) noexcept;

    std::atomic<std::uint64_t> head_{0};
    std::atomic<std::uint32_t> tail_{0};
    /// Les cases. Atomiques (en relaxed) pour dire qu'elles sont partagées ; c'est `tail_`
    /// et `head_` qui publient leur contenu, voir local_queue.cpp.
    std::array<std::atomic<TaskHeader*>, CAPACITY> buffer_{};
};

} // namespace rt::detail
