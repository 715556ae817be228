// Chapitre 04 — exercice « construire » : la file des minuteries d'un pilote de temps.
//
// À VOUS : les endroits marqués TODO sont tous dans file_minuteries.cpp. Ce fichier-ci est
// fourni : lisez-le d'abord, il décrit la structure et le contrat de chaque fonction.
// Vérifier : ./cours verifier 04 file_minuteries   ·   Indices : ./cours indice 04 file_minuteries
//
// C'est la structure de runtime/include/rt/detail/timer_heap.hpp, sans le runtime autour :
// un tas binaire minimum d'échéances, dont chaque entrée connaît sa position dans le tas
// pour pouvoir être retirée en O(log n) quand on l'annule. Les raccourcis, nommés :
//   - raccourci 1 : on ne réveille personne. Une minuterie porte un simple numéro (`Id`) ;
//     `expirer` rend les numéros échus, à l'appelant de réveiller qui il veut ;
//   - raccourci 2 : les entrées vivent ici, dans un tableau de cases (`cases_`), et non dans
//     la trame de la coroutine qui dort comme dans rt. La poignée rendue par `inserer` est le
//     numéro de la case plus sa « génération » : une case réutilisée change de génération,
//     donc une vieille poignée (minuterie déjà échue ou déjà annulée) ne peut pas annuler la
//     minuterie de quelqu'un d'autre ;
//   - raccourci 3 : pas de file FIFO devant le tas (runtime/src/timer_queue.cpp) : c'est
//     une optimisation, pas une nécessité. Libre à vous de l'ajouter une fois les tests au vert.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace minuteries {

using Horloge = std::chrono::steady_clock;
using Instant = Horloge::time_point;
/// Ce que l'appelant veut retrouver quand la minuterie sonne (dans rt : la tâche à réveiller).
using Id = std::uint64_t;

/// Ce que rend `inserer` : de quoi désigner la minuterie pour l'annuler.
struct Poignee {
    std::uint32_t case_ = UINT32_MAX; ///< numéro de la case dans `cases_`
    std::uint32_t generation = 0;     ///< génération de la case au moment de l'insertion
};

/// Les minuteries en attente, la plus proche échéance en tête.
///
/// Ordre : par échéance croissante ; à échéance égale, dans l'ordre d'insertion (FIFO).
/// Complexités visées : `prochaine_echeance` O(1), `inserer` et `annuler` O(log n),
/// `expirer` O(k log n) pour k minuteries échues.
class FileMinuteries {
public:
    /// Inscrit une minuterie qui sonnera à `echeance` ; rend sa poignée.
    Poignee inserer(Instant echeance, Id id);
    /// Retire la minuterie désignée si elle attend encore ; vrai si elle a été retirée, faux
    /// si elle avait déjà sonné ou déjà été annulée (ou si la poignée est vide).
    bool annuler(Poignee p);
    /// L'échéance la plus proche, ou rien si la file est vide.
    [[nodiscard]] std::optional<Instant> prochaine_echeance() const;
    /// Retire toutes les minuteries dont l'échéance est passée (échéance <= maintenant) et
    /// rend leurs numéros dans l'ordre : échéance croissante, puis ordre d'insertion.
    std::vector<Id> expirer(Instant maintenant);
    /// Nombre de minuteries en attente.
    [[nodiscard]] std::size_t taille() const noexcept { return tas_.size(); }
    /// Vrai si aucune minuterie n'attend.
    [[nodiscard]] bool vide() const noexcept { return tas_.empty(); }

private:
    static constexpr std::uint32_t HORS_DU_TAS = UINT32_MAX;

    /// Une minuterie. `position` est sa place dans `tas_` (HORS_DU_TAS si elle n'y est
    /// pas) : c'est ce qui permet de la retirer sans la chercher. Le `heap_index` de rt.
    struct Entree {
        Instant echeance{};
        Id id = 0;
        std::uint64_t sequence = 0; ///< ordre d'insertion : départage les égalités
        std::uint32_t position = HORS_DU_TAS;
        std::uint32_t generation = 0; ///< augmente à chaque libération de la case
    };

    /// Vrai si la case `a` doit sonner avant la case `b`.
    [[nodiscard]] bool avant(std::uint32_t a, std::uint32_t b) const noexcept;
    /// Range la case `c` à la place `position` du tas et le note dans l'entrée (fourni).
    void placer(std::size_t position, std::uint32_t c) noexcept {
        tas_[position] = c;
        cases_[c].position = static_cast<std::uint32_t>(position);
    }
    /// Fait remonter l'entrée de la place `position` tant qu'elle passe avant son parent.
    void monter(std::size_t position) noexcept;
    /// Fait descendre l'entrée de la place `position` tant qu'un enfant passe avant elle.
    void descendre(std::size_t position) noexcept;
    /// Retire du tas l'entrée de la place `position` (et libère sa case).
    void retirer_a(std::size_t position) noexcept;

    /// Une case libre (réutilisée si possible) : fourni.
    std::uint32_t prendre_case() {
        if (!libres_.empty()) {
            const std::uint32_t c = libres_.back();
            libres_.pop_back();
            return c;
        }
        cases_.emplace_back();
        return static_cast<std::uint32_t>(cases_.size() - 1);
    }
    /// Rend une case : sa génération change, les vieilles poignées ne la désignent plus.
    void rendre_case(std::uint32_t c) noexcept {
        cases_[c].position = HORS_DU_TAS;
        ++cases_[c].generation;
        libres_.push_back(c);
    }

    std::vector<Entree> cases_;         ///< toutes les entrées, libres ou non
    std::vector<std::uint32_t> libres_; ///< numéros des cases libres
    std::vector<std::uint32_t> tas_;    ///< le tas : des numéros de cases, la plus proche en [0]
    std::uint64_t prochaine_sequence_ = 0;
};

} // namespace minuteries
