// Chapitre 04 — exercice « utiliser » : le programme des 10 000 tâches.
//
// À écrire avec le runtime du cours, exactement comme l'article l'écrit avec tokio. La
// fonction est appelée depuis une tâche du runtime (les tests utilisent rt::block_on).
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace utiliser {

/// Lance `n` tâches avec rt::spawn — la i-ième dort `delai` puis rend i * 2 — et rend leurs
/// résultats dans l'ordre de lancement. Les n tâches doivent dormir EN MÊME TEMPS : la
/// fonction dure à peine plus que `delai`, pas n × `delai`.
inline rt::Task<std::vector<int>> lancer_taches(int n, std::chrono::milliseconds delai) {
    std::vector<int> resultats;
    // TODO (9) : le programme de l'article (chapters/04-taches-legeres/exemples/
    // dix_mille_taches.cpp). Lancer les n tâches d'abord (gardez leurs JoinHandle dans un
    // std::vector), puis les attendre dans l'ordre et ranger leurs valeurs dans `resultats`.
    (void)n;
    (void)delai;
    co_return resultats;
}

} // namespace utiliser
