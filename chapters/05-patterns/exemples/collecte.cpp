/// \file
/// \brief Chapitre 05 — « Collecte de résultats » : le programme de l'article. Cinq tâches
/// lancées d'abord, attendues ensuite dans l'ordre de lancement ; chaque résultat est
/// examiné (valeur ou `JoinError`). Le programme Rust de l'article ne compile pas (il rend
/// un `Vec<i32>`, mais `from_millis(100 * i)` fait de `i` un `u64`) ; en C++, `100ms * i`
/// multiplie une durée par un `int`, et la question ne se pose pas.
///
/// Usage : `ch05_collecte`. Durée : 400 ms (la tâche la plus longue).
#include <rt/rt.hpp>

#include <chrono>
#include <cstddef>
#include <iostream>
#include <vector>

using namespace std::chrono_literals;

namespace {

// [programme]
rt::Task<std::vector<int>> traitement_parallele() {
    std::vector<rt::JoinHandle<int>> handles;

    // Lancer plusieurs tâches de calcul
    for (int i = 0; i < 5; ++i) {
        handles.push_back(rt::spawn([i]() -> rt::Task<int> {
            // Simuler un calcul complexe
            co_await rt::time::sleep(100ms * i);
            co_return (i * i);
        }));
    }

    // Collecter tous les résultats
    std::vector<int> resultats;
    for (auto& handle : handles) {
        auto r = co_await handle; // rt::Result<int, rt::JoinError>
        if (r) {
            resultats.push_back(*r);
        } else {
            std::cout << "Erreur dans une tâche : " << r.error().what() << std::endl;
        }
    }
    co_return resultats;
}
// [programme]

/// Affiche un vecteur comme le `{:?}` de Rust : `[0, 1, 4]`.
void afficher(const std::vector<int>& v) {
    std::cout << "Résultats : [";
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::cout << (i ? ", " : "") << v[i];
    }
    std::cout << "]" << std::endl;
}

} // namespace

int main() {
    const auto debut = std::chrono::steady_clock::now();
    const std::vector<int> resultats = rt::block_on(traitement_parallele());
    afficher(resultats);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    // Les tâches dorment en même temps : la durée totale est celle de la plus longue (400 ms),
    // pas la somme (1 s).
    std::cout << "(durée totale : " << ms.count() << " ms ; la somme des sommeils ferait 1000 ms)"
              << std::endl;
}
