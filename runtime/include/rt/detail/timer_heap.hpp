#pragma once
/// \file
/// \brief Le tas de minuteries : les échéances en attente, la plus proche en tête.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rt::detail {

struct TaskHeader;

/// \brief Une minuterie inscrite : qui réveiller, et quand.
///
/// Elle vit **dans la trame de la coroutine** qui attend (dans l'objet `sleep`), pas sur le
/// tas : inscrire une minuterie n'alloue rien. En contrepartie, elle doit se désinscrire si
/// la coroutine est détruite avant l'échéance (annulation) ; c'est le rôle du destructeur de
/// `Sleep`, et c'est pourquoi le tas retient la position de chaque entrée (`heap_index`) :
/// retirer une entrée au milieu coûte O(log n).
struct TimerEntry {
    static constexpr std::uint32_t NOT_IN_HEAP = static_cast<std::uint32_t>(-1);

    std::chrono::steady_clock::time_point deadline{};
    TaskHeader* task = nullptr;             ///< la tâche à réveiller
    std::uint64_t epoch = 0;                ///< l'époque de sa suspension
    std::uint32_t heap_index = NOT_IN_HEAP; ///< position dans le tas (ou NOT_IN_HEAP)
    std::uint32_t sequence = 0;             ///< ordre d'inscription, départage les égalités
    bool in_fifo = false;                   ///< dans la file ordonnée de `TimerQueue`

    [[nodiscard]] bool registered() const noexcept { return in_fifo || heap_index != NOT_IN_HEAP; }
};

/// \brief Inscrit `entry` auprès du pilote du planificateur de `task` (thread du pilote).
void register_timer(TimerEntry& entry, TaskHeader& task);
/// \brief Désinscrit `entry` si elle l'est encore.
void deregister_timer(TimerEntry& entry) noexcept;

/// \brief Un tas binaire minimum d'entrées, ordonné par (échéance, ordre d'inscription).
///
/// Pourquoi un tas : le pilote n'a besoin que de deux choses, « quelle est la prochaine
/// échéance ? » (O(1)) et « retire les échéances passées » (O(log n) chacune). Tokio utilise
/// une roue hiérarchique (O(1) amorti, arrondi à la milliseconde) ; le tas est plus simple à
/// lire et suffit largement pour un million de minuteries.
class TimerHeap {
public:
    /// \brief Inscrit `entry` (qui ne doit pas déjà l'être).
    void push(TimerEntry& entry);
    /// \brief Désinscrit `entry` où qu'elle soit dans le tas.
    void remove(TimerEntry& entry) noexcept;
    /// \brief L'entrée la plus proche, ou nullptr si le tas est vide.
    [[nodiscard]] TimerEntry* top() const noexcept {
        return entries_.empty() ? nullptr : entries_[0];
    }
    /// \brief Retire et renvoie l'entrée la plus proche (précondition : non vide).
    TimerEntry& pop() noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

    /// \brief Un numéro d'ordre d'inscription (pour départager les échéances égales).
    std::uint32_t take_sequence() noexcept { return next_sequence_++; }

    /// \brief Vrai si `a` passe avant `b` : échéance plus proche, ou égale et inscrite avant.
    static bool before(const TimerEntry* a, const TimerEntry* b) noexcept {
        // À échéance égale, la première inscrite d'abord. La différence signée rend la
        // comparaison juste même quand le compteur 32 bits fait le tour.
        return a->deadline < b->deadline ||
               (a->deadline == b->deadline &&
                static_cast<std::int32_t>(a->sequence - b->sequence) < 0);
    }

private:
    void place(std::size_t index, TimerEntry* entry) noexcept {
        entries_[index] = entry;
        entry->heap_index = static_cast<std::uint32_t>(index);
    }
    void sift_up(std::size_t index) noexcept;
    void sift_down(std::size_t index) noexcept;

    std::vector<TimerEntry*> entries_;
    std::uint32_t next_sequence_ = 0;
};

} // namespace rt::detail
