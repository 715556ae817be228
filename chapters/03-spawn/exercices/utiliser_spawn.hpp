// Chapitre 03 — exercice « utiliser » : rt::spawn et JoinHandle.
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
    // Le journal est partagé avec la tâche lancée : un std::shared_ptr (l'Arc de Rust).
    auto journal = std::make_shared<std::vector<std::string>>();
    // TODO (1) : le programme de l'article (chapters/03-spawn/exemples/spawn.cpp), mais en
    // ajoutant les lignes au journal au lieu de les afficher. La tâche lancée ajoute elle-même
    // « la tâche démarre » en commençant, dort `attente`, puis rend « Tâche terminée ! ».
    // La lambda capture `journal` PAR VALEUR (une copie du shared_ptr), jamais `&journal` ni
    // une référence à une variable locale de cette fonction (piège 1 de la leçon).
    (void)attente;
    co_return *journal;
}

/// Lance `n` tâches avec rt::spawn — la i-ième dort (n - i) ms puis rend i * i — et rend
/// leurs résultats DANS L'ORDRE DE LANCEMENT (même si la dernière finit la première).
inline rt::Task<std::vector<int>> lancer_et_collecter(int n) {
    std::vector<int> resultats;
    // TODO (2) : lancer les n tâches AVANT d'en attendre une seule (gardez leurs JoinHandle
    // dans un std::vector), puis attendre les handles dans l'ordre.
    (void)n;
    co_return resultats;
}

} // namespace utiliser
