// Chapitre 02, exercice « utiliser » : le programme de l'article avec rt::Task.
//
// À COMPLÉTER : remplacez chaque « throw std::logic_error("TODO ...") » par le corps de la
// fonction. Ce sont déjà des coroutines (le co_return final le dit au compilateur) : vous
// pouvez y écrire co_await. Relisez la section « Le programme de l'article, en C++ » de la
// leçon, et vérifiez-vous avec « ./cours verifier 02 operations ».
#include "operations.hpp"

#include <stdexcept>

namespace ch02 {

rt::Task<int> operation_longue(std::chrono::milliseconds attente) {
    // TODO : attendre `attente` sans bloquer le thread (rt::time::sleep), puis rendre 42.
    // Pas de std::this_thread::sleep_for : il bloquerait tout le runtime.
    (void)attente;
    throw std::logic_error("TODO : operation_longue n'est pas encore écrite");
    co_return 0;
}

rt::Task<int> deux_operations_en_sequence(std::chrono::milliseconds attente) {
    // TODO : attendre une première operation_longue(attente), puis une seconde, et rendre la
    // somme des deux résultats.
    (void)attente;
    throw std::logic_error("TODO : deux_operations_en_sequence n'est pas encore écrite");
    co_return 0;
}

rt::Task<std::vector<std::string>> programme(std::chrono::milliseconds attente) {
    // TODO : le main de l'article. Au lieu d'afficher, ajoutez chaque ligne à un vecteur
    // (« Début du programme », puis « Résultat : <valeur d'operation_longue> », puis
    // « Fin du programme ») et rendez ce vecteur.
    (void)attente;
    throw std::logic_error("TODO : programme n'est pas encore écrit");
    co_return std::vector<std::string>{};
}

} // namespace ch02
