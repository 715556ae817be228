// Chapitre 04 — exercice « construire » : la file des minuteries.
//
// Huit fonctions à écrire, dans l'ordre des numéros : chacune s'appuie sur les précédentes.
// Le tas est rangé dans un tableau (tas_) : les enfants de la place i sont 2i+1 et 2i+2, son
// parent (i-1)/2, la plus proche échéance est en tas_[0]. Déplacez toujours une case avec
// placer(), qui note sa nouvelle position dans l'entrée : c'est ce qui permettra à annuler()
// de la retrouver sans parcourir le tableau.
#include "file_minuteries.hpp"

#include <utility>

namespace minuteries {

bool FileMinuteries::avant(std::uint32_t a, std::uint32_t b) const noexcept {
    // TODO (1) : vrai si la case a sonne avant la case b : échéance plus proche, ou échéance
    // égale et insérée avant (comparez les `sequence`).
    (void)a;
    (void)b;
    return false;
}

void FileMinuteries::monter(std::size_t position) noexcept {
    // TODO (2) : tant que l'entrée de `position` n'est pas à la racine et passe avant son
    // parent, échanger leurs places (avec placer()).
    (void)position;
}

void FileMinuteries::descendre(std::size_t position) noexcept {
    // TODO (3) : tant que l'entrée de `position` a un enfant qui passe avant elle, échanger
    // sa place avec celle du PLUS PRESSÉ de ses deux enfants (avec placer()).
    (void)position;
}

Poignee FileMinuteries::inserer(Instant echeance, Id id) {
    const std::uint32_t c = prendre_case();
    Entree& e = cases_[c];
    e.echeance = echeance;
    e.id = id;
    e.sequence = prochaine_sequence_++;
    // TODO (4) : ajouter la case c en bas du tas (tas_), noter sa position (placer), puis la
    // faire remonter à sa place.
    return Poignee{c, e.generation};
}

void FileMinuteries::retirer_a(std::size_t position) noexcept {
    // TODO (5) : retirer l'entrée de `position` en O(log n). Mettre la DERNIÈRE entrée du tas
    // à sa place (sauf si c'était elle), raccourcir le tas, puis remettre cette entrée à sa
    // place : elle peut devoir monter OU descendre. Enfin, rendre la case (rendre_case).
    (void)position;
}

bool FileMinuteries::annuler(Poignee p) {
    // TODO (6) : refuser (false) une poignée qui ne désigne pas une case existante, dont la
    // génération n'est plus celle de la case, ou dont l'entrée n'est plus dans le tas ;
    // sinon retirer l'entrée là où elle est (sa `position`) et rendre true.
    (void)p;
    return false;
}

std::optional<Instant> FileMinuteries::prochaine_echeance() const {
    // TODO (7) : l'échéance de la tête du tas, ou std::nullopt si le tas est vide.
    return std::nullopt;
}

std::vector<Id> FileMinuteries::expirer(Instant maintenant) {
    std::vector<Id> echues;
    // TODO (8) : tant que la tête du tas est échue (échéance <= maintenant), noter son id
    // et la retirer. La tête est toujours la plus proche : s'arrêter dès qu'elle est future.
    (void)maintenant;
    return echues;
}

} // namespace minuteries
