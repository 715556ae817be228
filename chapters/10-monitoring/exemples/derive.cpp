// Chapitre 10 — le compteur de l'article face à l'annulation, et le garde RAII qui le répare.
//
// Deux compteurs de tâches actives, tenus par les mêmes tâches :
//   - « à la main », comme l'article : +1 au début de la tâche, -1 à la fin ;
//   - « RAII » : un GardeCompteur dans la trame (exemples/garde_compteur.hpp).
// Puis on annule des tâches de trois façons : abort(), branche perdante d'un select (ce que
// fait aussi timeout), arrêt du runtime. Le compteur à la main dérive à chaque fois.
#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <vector>

#include "garde_compteur.hpp"

using namespace std::chrono_literals;

namespace {

std::atomic<std::size_t> a_la_main{0};
std::atomic<std::size_t> raii{0};

// Une tâche qui « travaille » `duree`, comptée des deux façons.
rt::Task<void> travail(std::chrono::milliseconds duree) {
    lecon::GardeCompteur garde(raii); // -1 dans le destructeur : fin, exception, annulation
    a_la_main.fetch_add(1, std::memory_order_relaxed);

    co_await rt::time::sleep(duree); // <- point de suspension : une annulation arrive ici

    a_la_main.fetch_sub(1, std::memory_order_relaxed); // sauté si la tâche est annulée
}

void afficher(const char* quand) {
    std::cout << quand << " : à la main = " << a_la_main.load() << ", RAII = " << raii.load()
              << std::endl;
}

rt::Task<void> main_async() {
    // 1. abort() : 10 tâches de 10 ms, dont 5 annulées pendant leur sommeil.
    std::vector<rt::JoinHandle<void>> handles;
    for (int i = 0; i < 10; ++i) {
        handles.push_back(rt::spawn(travail(10ms)));
    }
    co_await rt::task::yield_now(); // elles démarrent et s'endorment
    afficher("10 tâches lancées          ");
    for (int i = 0; i < 10; i += 2) {
        handles[i].abort();
    }
    for (auto& h : handles) {
        (void)co_await h;
    }
    afficher("fini, dont 5 abort()       ");

    // 2. select (et donc timeout) : la branche perdante est détruite.
    (void)co_await rt::select(travail(1h), rt::time::sleep(5ms));
    afficher("+ un select perdu          ");

    // 3. Ce qui reste quand main se termine est détruit à l'arrêt du runtime.
    for (int i = 0; i < 3; ++i) {
        (void)rt::spawn(travail(1h));
    }
    co_await rt::task::yield_now();
    afficher("+ 3 tâches détachées       ");
}

} // namespace

int main() {
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        runtime.block_on(main_async());
    } // arrêt du runtime : les 3 tâches détachées sont détruites à leur point de suspension
    afficher("après l'arrêt du runtime   ");
    std::cout << "Le vrai nombre de tâches actives est 0. Le compteur à la main a dérivé de "
              << a_la_main.load() << " : une tâche annulée ne passe jamais par son fetch_sub."
              << std::endl;
    return raii.load() == 0 ? 0 : 1;
}
