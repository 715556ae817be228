// Chapitre 11 — exercice « utiliser » : un calcul qui occupe le processeur, découpé en tâches.
//
// Ce fichier est fourni : il décrit le contrat. Les TODO sont dans calcul.cpp.
// Vérifiez-vous avec « ./cours verifier 11 calcul » ; indices : « ./cours indice 11 calcul ».
//
// Un runtime `multi_thread` à N workers n'accélère que ce qui est découpé en plusieurs
// tâches : une tâche s'exécute toujours d'un bout à l'autre de son passage sur UN worker. Un
// calcul d'une seule traite occupe un worker (et un seul) jusqu'à sa fin ; découpé en morceaux,
// chacun dans sa tâche, il se répartit : les workers inoccupés volent les morceaux en attente
// dans la file de celui qui les a lancés (section 3 de la leçon). Et entre deux morceaux, un
// worker rend la main au planificateur : les autres tâches (minuteries, sockets) avancent.
//
// Le programme d'exemple ch11_acceleration mesure votre somme_par_morceaux sur 1 puis
// 2 workers (build/etudiant/chapters/11-performance/ch11_acceleration avec vos exercices).
#pragma once

#include <cstdint>
#include <functional>

#include <rt/rt.hpp>

namespace utiliser {

/// Le travail d'un élément : une fonction pure, peut-être coûteuse, appelable depuis
/// n'importe quel thread (plusieurs morceaux l'appellent en même temps).
using Travail = std::function<std::uint64_t(std::uint64_t)>;

/// \brief La somme de `f(i)` pour `i` de 0 à `n - 1`, calculée par morceaux.
///
/// Contrat :
/// - les indices sont découpés en morceaux consécutifs de `morceau` éléments : [0, morceau),
///   [morceau, 2 × morceau)... ; le dernier est plus court si `n` n'est pas un multiple ;
/// - **chaque morceau est calculé dans sa propre tâche** (`rt::spawn`) : exactement
///   ⌈n / morceau⌉ tâches, toutes lancées avant d'en attendre une ;
/// - la somme est exacte sur 64 bits (modulo 2^64 si elle déborde, comme `std::uint64_t`) ;
/// - `n == 0` : rend 0 sans lancer de tâche ; `morceau == 0` : lève `std::invalid_argument`.
///
/// À appeler depuis une tâche d'un runtime (`current_thread` ou `multi_thread`).
rt::Task<std::uint64_t> somme_par_morceaux(std::uint64_t n, std::uint64_t morceau, Travail f);

/// \brief 1 si `i` est premier, 0 sinon (divisions par 2 puis par les impairs jusqu'à √i).
///
/// Fourni : c'est le « travail » de l'exemple, volontairement naïf pour coûter du temps.
std::uint64_t est_premier(std::uint64_t i) noexcept;

/// \brief Le nombre de nombres premiers strictement inférieurs à `n`, par morceaux de
/// `morceau` (voir `somme_par_morceaux`).
rt::Task<std::uint64_t> compter_premiers(std::uint64_t n, std::uint64_t morceau);

} // namespace utiliser
