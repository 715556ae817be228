// Chapitre 03 — exercice « utiliser » : rt::spawn et JoinHandle (SOLUTION).
//
// Deux fonctions à écrire avec le runtime du cours, exactement comme on les écrirait avec
// tokio. Elles sont appelées depuis une tâche du runtime (les tests utilisent rt::block_on).
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace utiliser {

/// Le programme de l'article, qui rend ses lignes au lieu de les afficher. Le journal attendu :
///   1. « Lancement d'une tâche... »       (écrit par cette fonction, avant spawn)
///   2. « Tâche lancée, continuons... »    (écrit par cette fonction, juste après spawn)
///   3. « la tâche démarre »               (écrit par la tâche lancée, au tout début)
///   4. « Tâche terminée ! »               (la valeur rendue par la tâche après avoir dormi
///                                          `attente`, ajoutée par cette fonction)
/// La ligne 3 vient après la ligne 2 sans qu'on ait rien à faire : spawn met la tâche en
/// file, elle ne démarre que lorsque cette fonction se suspend (co_await handle).
inline rt::Task<std::vector<std::string>> programme_spawn(std::chrono::milliseconds attente) {
    std::vector<std::string> journal;
    journal.push_back("Lancement d'une tâche...");
    // La lambda capture `attente` par valeur et le journal par pointeur : rt::spawn déplace
    // la lambda dans la tâche, les captures vivent donc aussi longtemps qu'elle. Le pointeur
    // reste valable parce que nous attendons la tâche avant de rendre le journal.
    auto handle = rt::spawn([attente, j = &journal]() -> rt::Task<std::string> {
        j->push_back("la tâche démarre");
        co_await rt::time::sleep(attente);
        co_return "Tâche terminée !";
    });
    journal.push_back("Tâche lancée, continuons...");
    // value() : l'équivalent de unwrap() ; lève la JoinError si la tâche a échoué.
    journal.push_back((co_await handle).value());
    co_return journal;
}

/// Lance `n` tâches avec rt::spawn — la i-ième dort (n - i) ms puis rend i * i — et rend
/// leurs résultats DANS L'ORDRE DE LANCEMENT (même si la dernière finit la première).
inline rt::Task<std::vector<int>> lancer_et_collecter(int n) {
    std::vector<rt::JoinHandle<int>> handles;
    handles.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        handles.push_back(rt::spawn([i, n]() -> rt::Task<int> {
            co_await rt::time::sleep(std::chrono::milliseconds(n - i));
            co_return i* i;
        }));
    }
    // Toutes les tâches sont lancées avant qu'on n'en attende une seule : elles dorment en
    // même temps. Les attendre dans l'ordre des handles donne l'ordre de lancement.
    std::vector<int> resultats;
    resultats.reserve(handles.size());
    for (auto& handle : handles) {
        resultats.push_back((co_await handle).value());
    }
    co_return resultats;
}

} // namespace utiliser
