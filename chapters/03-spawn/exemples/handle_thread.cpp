/// \file
/// \brief Chapitre 03 — `rt::Handle::current()` : lancer des tâches depuis un autre thread OS.
///
/// Un thread du système ne peut pas appeler `rt::spawn` (il n'exécute aucun runtime), mais il
/// peut utiliser une poignée (`rt::Handle`) prise dans une tâche. La tâche qu'il lance passe
/// par la file distante du runtime, qui est réveillé si besoin ; elle s'exécute ensuite sur le
/// thread du runtime, jamais sur celui qui l'a lancée.
#include <rt/rt.hpp>

#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

std::string nom_du_thread() {
    static const std::thread::id runtime = std::this_thread::get_id(); // premier appel : main
    return std::this_thread::get_id() == runtime ? "thread du runtime" : "autre thread";
}

rt::Task<void> principal() {
    nom_du_thread(); // fixe le thread du runtime (celui de block_on)
    rt::Handle handle = rt::Handle::current();
    std::vector<rt::JoinHandle<std::string>> resultats;
    const auto distants_avant = handle.metrics().remote_schedule_count;

    std::cout << "[" << nom_du_thread() << "] démarre un thread OS qui lancera 3 tâches"
              << std::endl;
    std::thread lanceur([handle, &resultats] {
        for (int i = 1; i <= 3; ++i) {
            // Légal depuis n'importe quel thread : la tâche part dans la file distante.
            resultats.push_back(handle.spawn([i]() -> rt::Task<std::string> {
                co_return "tâche " + std::to_string(i) + " exécutée sur le " + nom_du_thread();
            }));
            std::cout << "[" << nom_du_thread() << "] a lancé la tâche " << i << std::endl;
        }
    });
    // Bloquer le thread du runtime est d'ordinaire une faute (plus aucune tâche n'avance).
    // Ici c'est voulu et sans danger : le lanceur ne dépend pas du runtime, il a fini en
    // quelques microsecondes. Et cela montre que ses tâches n'ont pas pu tourner pendant ce
    // temps : elles attendent dans la file distante que ce thread rende la main.
    lanceur.join();
    std::cout << "[" << nom_du_thread() << "] le lanceur a fini ; terminées ? "
              << (resultats[0].is_finished() ? "oui" : "non, aucune n'a encore tourné")
              << std::endl;

    for (auto& r : resultats) {
        auto fin = co_await r; // un co_await seul dans son instruction (règle du chapitre 02)
        std::cout << "[" << nom_du_thread() << "] " << fin.value() << std::endl;
    }
    std::cout << "[" << nom_du_thread() << "] passages par la file distante pendant ce temps : "
              << handle.metrics().remote_schedule_count - distants_avant << std::endl;
}

} // namespace

int main() {
    rt::block_on(principal());
}
