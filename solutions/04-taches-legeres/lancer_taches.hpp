// Chapitre 04 — exercice « utiliser » : le programme des 10 000 tâches (SOLUTION).
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
    std::vector<rt::JoinHandle<int>> handles;
    handles.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        // La lambda (et ses copies de i et delai) est déplacée dans la tâche : le
        // `async move` de l'article.
        handles.push_back(rt::spawn([i, delai]() -> rt::Task<int> {
            co_await rt::time::sleep(delai);
            co_return i * 2;
        }));
    }
    // Toutes sont lancées avant la première attente : elles dorment ensemble, chacune avec sa
    // minuterie dans le tas du pilote.
    std::vector<int> resultats;
    resultats.reserve(handles.size());
    for (auto& handle : handles) {
        resultats.push_back((co_await handle).value());
    }
    co_return resultats;
}

} // namespace utiliser
