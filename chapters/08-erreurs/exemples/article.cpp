/// \file
/// \brief Chapitre 08 — « Récupération des Erreurs de Tâches » : le programme de l'article.
/// Une tâche « panique » (une exception s'échappe de sa coroutine) ; celui qui l'attend
/// reçoit une `rt::JoinError` et demande laquelle des deux causes possibles l'a produite.
///
/// Usage : `ch08_article`. Sortie : « La tâche a paniqué ! ».
#include <rt/rt.hpp>

#include <iostream>
#include <stdexcept>

namespace {

// [programme]
rt::Task<void> main_async() {
    auto handle = rt::spawn([]() -> rt::Task<void> {
        // Cette tâche va paniquer : en C++, une exception qui s'échappe de la coroutine.
        throw std::runtime_error("Quelque chose s'est mal passé !");
        co_return; // une coroutine sans co_await ni co_return ne serait pas une coroutine
    });

    auto r = co_await handle; // rt::Result<void, rt::JoinError>
    if (r) {
        std::cout << "Succès : ()" << std::endl; // Ok(()) : une tâche sans valeur
    } else if (r.error().is_panic()) {
        std::cout << "La tâche a paniqué !" << std::endl;
    } else if (r.error().is_cancelled()) {
        std::cout << "La tâche a été annulée" << std::endl;
    }
}
// [programme]

} // namespace

int main() {
    rt::block_on(main_async());
}
