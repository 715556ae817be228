// Chapitre 11 — exercice « utiliser » : un calcul découpé en tâches.
//
// À VOUS : les TODO 6, 7 et 8 (les TODO 1 à 5 sont dans anneau_volable.hpp). Le contrat exact
// est dans calcul.hpp (fourni). Vérifiez-vous avec « ./cours verifier 11 calcul ».
#include "calcul.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

namespace utiliser {

rt::Task<std::uint64_t> somme_par_morceaux(std::uint64_t n, std::uint64_t morceau, Travail f) {
    // TODO (6) : refuser morceau == 0 (std::invalid_argument). Puis lancer une tâche par
    // morceau [debut, fin) avec rt::spawn, en gardant les JoinHandle dans un vecteur. Chaque
    // tâche additionne f(i) pour i de debut à fin - 1 et rend sa somme. Toutes les tâches
    // doivent être lancées AVANT d'en attendre une, sinon elles s'exécutent l'une après
    // l'autre. Attention aux captures de la lambda : que vaut `debut` quand la tâche démarre ?
    //
    // TODO (7) : attendre chaque handle (co_await) et additionner les résultats sur 64 bits.
    (void)n;
    (void)morceau;
    (void)f;
    co_return 0;
}

std::uint64_t est_premier(std::uint64_t i) noexcept {
    if (i < 2) {
        return 0;
    }
    if (i % 2 == 0) {
        return i == 2 ? 1 : 0;
    }
    for (std::uint64_t d = 3; d <= i / d; d += 2) {
        if (i % d == 0) {
            return 0;
        }
    }
    return 1;
}

rt::Task<std::uint64_t> compter_premiers(std::uint64_t n, std::uint64_t morceau) {
    // TODO (8) : le nombre de premiers < n, avec somme_par_morceaux et est_premier.
    (void)n;
    (void)morceau;
    co_return 0;
}

} // namespace utiliser
