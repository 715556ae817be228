/// \file
/// \brief Chapitre 04 — le programme de l'article : 10 000 tâches qui dorment 100 ms.
///
/// Chaque tâche dort 100 ms puis rend `i * 2` ; `main_async` les lance toutes, puis les
/// attend une à une. Elles dorment **en même temps** : le tout dure un peu plus de 100 ms,
/// pas 10 000 × 100 ms. Deux lignes de plus que l'article (la somme des résultats, la durée
/// et le nombre de tâches vivantes) rendent ce point visible.
///
/// Usage : `ch04_dix_mille_taches [N]` (défaut : 10000 tâches).
#include <rt/rt.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace std::chrono_literals;

namespace {

rt::Task<void> main_async(int n) {
    const auto debut = std::chrono::steady_clock::now();
    std::vector<rt::JoinHandle<int>> handles;
    handles.reserve(static_cast<std::size_t>(n));

    // Créer n tâches concurrentes. La lambda est déplacée dans la tâche avec sa capture `i`
    // (le `async move` de Rust) : chaque tâche a sa propre copie.
    for (int i = 0; i < n; ++i) {
        auto handle = rt::spawn([i]() -> rt::Task<int> {
            co_await rt::time::sleep(100ms);
            co_return i * 2;
        });
        handles.push_back(std::move(handle));
    }
    // Aucune n'a encore tourné (spawn met en file) ; toutes sont vivantes.
    const std::size_t vivantes = rt::Handle::current().metrics().num_alive_tasks;

    // Attendre toutes les tâches, dans l'ordre de lancement.
    std::int64_t somme = 0;
    for (auto& handle : handles) {
        auto fin = co_await handle; // un co_await seul dans son instruction (chapitre 02)
        const int resultat = fin.value();
        somme += resultat; // Traiter le résultat...
    }

    const auto duree = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    std::printf("(%d tâches vivantes à la fois ; somme des résultats : %lld ; "
                "durée totale : %lld ms)\n",
                static_cast<int>(vivantes), static_cast<long long>(somme),
                static_cast<long long>(duree.count()));
    std::printf("Toutes les tâches terminées !\n");
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 10'000;
    if (n < 0) {
        std::fprintf(stderr, "usage : ch04_dix_mille_taches [N], N >= 0\n");
        return 2;
    }
    rt::block_on(main_async(n));
}
