// Chapitre 11 — exercice « utiliser » : un calcul découpé en tâches (solution commentée).
#include "calcul.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

namespace utiliser {

rt::Task<std::uint64_t> somme_par_morceaux(std::uint64_t n, std::uint64_t morceau, Travail f) {
    if (morceau == 0) {
        throw std::invalid_argument("somme_par_morceaux : un morceau doit compter au moins un "
                                    "élément");
    }
    // 1. Lancer TOUS les morceaux avant d'en attendre un seul : c'est ce qui leur permet de
    //    tourner en même temps. Chaque tâche reçoit ses bornes et sa copie de `f` PAR VALEUR
    //    (la lambda est déplacée dans la tâche) : une capture par référence de `debut`
    //    verrait la variable de la boucle, qui aura changé quand la tâche s'exécutera (CP.51).
    std::vector<rt::JoinHandle<std::uint64_t>> handles;
    handles.reserve(static_cast<std::size_t>(n / morceau + 1));
    for (std::uint64_t debut = 0; debut < n;) {
        // Le dernier morceau s'arrête à n (écrit sans calculer debut + morceau, qui pourrait
        // dépasser 2^64 si morceau est immense).
        const std::uint64_t fin = n - debut > morceau ? debut + morceau : n;
        handles.push_back(rt::spawn([debut, fin, f]() -> rt::Task<std::uint64_t> {
            std::uint64_t somme = 0;
            for (std::uint64_t i = debut; i < fin; ++i) {
                somme += f(i);
            }
            co_return somme;
        }));
        debut = fin;
    }
    // 2. Puis les attendre : pendant ce temps, la tâche appelante est suspendue, elle
    //    n'occupe aucun thread. `value()` relance l'exception d'un morceau qui a échoué.
    std::uint64_t total = 0;
    for (auto& handle : handles) {
        total += (co_await handle).value();
    }
    co_return total;
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
    // 3. Le même découpage, avec le test de primalité comme travail.
    co_return co_await somme_par_morceaux(n, morceau, est_premier);
}

} // namespace utiliser
