// Chapitre 04 — exercice « construire » : la file des minuteries (SOLUTION).
//
// Le tas est rangé dans un tableau : les enfants de la place i sont 2i+1 et 2i+2, son parent
// (i-1)/2. La plus proche échéance est toujours en tas_[0]. Chaque déplacement passe par
// placer(), qui tient à jour la position notée dans l'entrée : c'est ce qui rend annuler()
// en O(log n) au lieu d'un parcours du tableau.
#include "file_minuteries.hpp"

#include <utility>

namespace minuteries {

bool FileMinuteries::avant(std::uint32_t a, std::uint32_t b) const noexcept {
    const Entree& x = cases_[a];
    const Entree& y = cases_[b];
    // Échéance d'abord ; à égalité, la première insérée : deux minuteries de même échéance
    // sonnent dans l'ordre où on les a posées (un tas seul ne garantit pas cet ordre).
    return x.echeance < y.echeance || (x.echeance == y.echeance && x.sequence < y.sequence);
}

void FileMinuteries::monter(std::size_t position) noexcept {
    const std::uint32_t c = tas_[position];
    while (position > 0) {
        const std::size_t parent = (position - 1) / 2;
        if (!avant(c, tas_[parent])) {
            break;
        }
        placer(position, tas_[parent]); // le parent descend d'un cran
        position = parent;
    }
    placer(position, c);
}

void FileMinuteries::descendre(std::size_t position) noexcept {
    const std::uint32_t c = tas_[position];
    const std::size_t n = tas_.size();
    for (;;) {
        std::size_t enfant = 2 * position + 1;
        if (enfant >= n) {
            break;
        }
        if (enfant + 1 < n && avant(tas_[enfant + 1], tas_[enfant])) {
            ++enfant; // le plus pressé des deux enfants
        }
        if (!avant(tas_[enfant], c)) {
            break;
        }
        placer(position, tas_[enfant]); // l'enfant remonte d'un cran
        position = enfant;
    }
    placer(position, c);
}

Poignee FileMinuteries::inserer(Instant echeance, Id id) {
    const std::uint32_t c = prendre_case();
    Entree& e = cases_[c];
    e.echeance = echeance;
    e.id = id;
    e.sequence = prochaine_sequence_++;
    // En bas du tas, puis remonter : O(log n) comparaisons au plus.
    tas_.push_back(c);
    placer(tas_.size() - 1, c);
    monter(tas_.size() - 1);
    return Poignee{c, e.generation};
}

void FileMinuteries::retirer_a(std::size_t position) noexcept {
    const std::uint32_t c = tas_[position];
    const std::uint32_t derniere = tas_.back();
    tas_.pop_back();
    if (derniere != c) {
        // Boucher le trou avec la dernière entrée, puis la remettre à sa place : vers le haut
        // si elle passe avant son nouveau parent (elle venait d'une autre branche), sinon
        // vers le bas.
        placer(position, derniere);
        if (position > 0 && avant(derniere, tas_[(position - 1) / 2])) {
            monter(position);
        } else {
            descendre(position);
        }
    }
    rendre_case(c);
}

bool FileMinuteries::annuler(Poignee p) {
    if (p.case_ >= cases_.size()) {
        return false; // poignée vide ou fausse
    }
    const Entree& e = cases_[p.case_];
    if (e.generation != p.generation || e.position == HORS_DU_TAS) {
        return false; // déjà sonnée ou déjà annulée : la case a changé de génération
    }
    retirer_a(e.position);
    return true;
}

std::optional<Instant> FileMinuteries::prochaine_echeance() const {
    if (tas_.empty()) {
        return std::nullopt;
    }
    return cases_[tas_[0]].echeance;
}

std::vector<Id> FileMinuteries::expirer(Instant maintenant) {
    std::vector<Id> echues;
    // La tête est toujours la plus proche : dès qu'elle est dans le futur, les autres aussi.
    while (!tas_.empty() && cases_[tas_[0]].echeance <= maintenant) {
        echues.push_back(cases_[tas_[0]].id);
        retirer_a(0);
    }
    return echues;
}

} // namespace minuteries
