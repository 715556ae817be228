#pragma once
// Chapitre 02, exercice « utiliser » : écrire des async fn avec rt::Task.
//
// Le programme de l'article, découpé en fonctions que les tests peuvent appeler : au lieu
// d'afficher, `programme` rend les lignes qu'il aurait affichées.
//
// Rien à modifier ici : ce fichier déclare ce que vous écrivez ; les TODO sont dans
// operations.cpp.

#include <chrono>
#include <string>
#include <vector>

#include <rt/rt.hpp>

namespace ch02 {

/// L'`operation_longue` de l'article : attend `attente` sans bloquer le thread, puis rend 42.
rt::Task<int> operation_longue(std::chrono::milliseconds attente);

/// Attend deux `operation_longue` **l'une après l'autre** et rend la somme de leurs résultats.
rt::Task<int> deux_operations_en_sequence(std::chrono::milliseconds attente);

/// Le `main` de l'article : rend les trois lignes qu'il affiche, dans l'ordre
/// (« Début du programme », « Résultat : 42 », « Fin du programme »).
rt::Task<std::vector<std::string>> programme(std::chrono::milliseconds attente);

} // namespace ch02
