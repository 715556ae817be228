// Chapitre 10 — le programme de l'article « Monitoring et Observabilité », traduit.
//
// Un compteur de tâches actives partagé (std::atomic : l'article importe
// `tokio::sync::atomic`, qui n'existe pas ; c'est `std::sync::atomic`), une tâche de
// surveillance qui l'affiche toutes les 5 s, et 20 tâches qui s'y comptent le temps de leur
// travail (de 1 à 5 s). Le programme dure 30 s.
//
// --court : les secondes deviennent des dizaines de millisecondes (la visite guidée).
//
// À côté du compteur de l'article, on affiche ce que le runtime sait lui-même :
// metrics().num_alive_tasks. Ici ils sont d'accord (à la tâche de surveillance près) : aucune
// tâche n'est annulée. exemples/derive.cpp montre ce qui arrive quand il y en a.
#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>

using namespace std::chrono_literals;

namespace {

using Duree = std::chrono::milliseconds;

rt::Task<void> main_async(Duree seconde) {
    auto compteur_taches = std::make_shared<std::atomic<std::size_t>>(0);

    // Tâche de monitoring (détachée : elle mourra à l'arrêt du runtime, chapitre 05).
    (void)rt::spawn_named("monitoring", [compteur = compteur_taches, seconde]() -> rt::Task<void> {
        for (;;) {
            co_await rt::time::sleep(5 * seconde);
            const std::size_t nb_taches = compteur->load(std::memory_order_relaxed);
            std::cout << "Tâches actives : " << nb_taches << "   (le runtime, lui, en voit "
                      << rt::Handle::current().metrics().num_alive_tasks
                      << " vivantes, monitoring compris)" << std::endl;
        }
    });

    // Lancer plusieurs tâches
    for (int i = 0; i < 20; ++i) {
        (void)rt::spawn_named(
            "travail", [compteur = compteur_taches, i, seconde]() -> rt::Task<void> {
                compteur->fetch_add(1, std::memory_order_relaxed);

                // Simuler du travail
                co_await rt::time::sleep((i % 5 + 1) * seconde);

                compteur->fetch_sub(1, std::memory_order_relaxed); // jamais exécuté si annulée !
            });
    }

    // Attendre un peu pour voir le monitoring en action
    co_await rt::time::sleep(30 * seconde);
}

} // namespace

int main(int argc, char** argv) {
    const bool court = argc > 1 && std::strcmp(argv[1], "--court") == 0;
    if (court) {
        std::cout << "(version courte : 1 s de l'article = 10 ms)" << std::endl;
    }
    rt::block_on(main_async(court ? Duree(10) : Duree(1000)));
}
