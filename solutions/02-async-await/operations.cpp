// Chapitre 02, exercice « utiliser » : SOLUTION.
#include "operations.hpp"

#include <utility>

namespace ch02 {

// Le paramètre est pris par valeur (CP.53) : la coroutine est paresseuse, elle peut démarrer
// bien après le retour de l'appel ; une référence pourrait alors désigner un objet disparu.
rt::Task<int> operation_longue(std::chrono::milliseconds attente) {
    // co_await suspend la tâche : le thread du runtime est libre pendant l'attente.
    co_await rt::time::sleep(attente);
    co_return 42;
}

rt::Task<int> deux_operations_en_sequence(std::chrono::milliseconds attente) {
    // Chaque co_await attend la fin de l'opération avant de passer à la ligne suivante :
    // c'est séquentiel, comme deux `.await` de suite en Rust. Pour de la concurrence, il
    // faudra spawn (chapitre 03).
    int premier = co_await operation_longue(attente);
    int second = co_await operation_longue(attente);
    co_return premier + second;
}

rt::Task<std::vector<std::string>> programme(std::chrono::milliseconds attente) {
    std::vector<std::string> lignes;
    lignes.push_back("Début du programme");
    int resultat = co_await operation_longue(attente);
    lignes.push_back("Résultat : " + std::to_string(resultat));
    lignes.push_back("Fin du programme");
    co_return lignes;
}

} // namespace ch02
