// Chapitre 03 — exercice « utiliser » : rt::spawn et JoinHandle (SOLUTION).
//
// Deux fonctions à écrire avec le runtime du cours, exactement comme on les écrirait avec
// tokio. Elles sont appelées depuis une tâche du runtime (les tests utilisent rt::block_on).
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <memory>
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
    // Le journal est partagé par cette fonction et la tâche lancée : un std::shared_ptr (l'Arc
    // de Rust), que la lambda capture PAR VALEUR. La tâche possède sa copie du pointeur : le
    // journal vit tant que l'une des deux s'en sert, quoi qu'il arrive à cette fonction
    // (annulée, ou qui oublierait d'attendre la tâche). Capturer `&journal` marcherait ici
    // parce que nous attendons la tâche avant de rendre, mais c'est la capture qui pend de la
    // leçon (piège 1) dès qu'on cesse de l'attendre. Un seul thread : pas besoin de verrou ;
    // sur un runtime multi-thread, il faudrait un std::mutex autour du vecteur.
    auto journal = std::make_shared<std::vector<std::string>>();
    journal->push_back("Lancement d'une tâche...");
    // rt::spawn déplace la lambda (et ses copies de `attente` et `journal`) dans la tâche :
    // le `async move` de l'article.
    auto handle = rt::spawn([attente, journal]() -> rt::Task<std::string> {
        journal->push_back("la tâche démarre");
        co_await rt::time::sleep(attente);
        co_return "Tâche terminée !";
    });
    journal->push_back("Tâche lancée, continuons...");
    // Un co_await seul dans son instruction (la règle du chapitre 02), puis value() :
    // l'équivalent de unwrap(), qui lève la JoinError si la tâche a échoué.
    auto fin = co_await handle;
    journal->push_back(std::move(fin).value());
    co_return *journal;
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
        auto fin = co_await handle; // seul dans son instruction (règle du chapitre 02)
        resultats.push_back(fin.value());
    }
    co_return resultats;
}

} // namespace utiliser
