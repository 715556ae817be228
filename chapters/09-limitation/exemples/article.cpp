/// \file
/// \brief Chapitre 09 — le programme de l'article « Limitation du Nombre de Tâches », traduit
/// avec rt, plus ce qu'il ne montre pas : combien de tâches travaillent, et combien existent.
///
/// 100 tâches, un sémaphore de 10 autorisations, 100 ms de travail chacune : 10 vagues,
/// environ 1 s. Le programme relève, pendant qu'il tourne, le plus grand nombre de tâches au
/// travail (autorisation tenue) et le nombre de tâches vivantes juste après la boucle de
/// lancement (`metrics().num_alive_tasks`).
///
/// Usage : `ch09_article [--court]` (--court : 10 ms de travail au lieu de 100 ms)
#include <rt/rt.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// Ce que le programme observe (un seul thread : current_thread).
struct Observation {
    std::size_t au_travail = 0;
    std::size_t max_au_travail = 0;
};

rt::Task<void> traitement_avec_limite(rt::time::Duration travail, Observation* vu) {
    auto semaphore = std::make_shared<rt::sync::Semaphore>(10); // Max 10 tâches concurrentes
    std::vector<rt::JoinHandle<int>> handles;

    for (int i = 0; i < 100; ++i) {
        auto permit = semaphore; // le clone de l'Arc : une copie du shared_ptr
        auto handle = rt::spawn([permit, i, travail, vu]() -> rt::Task<int> {
            auto _guard = (co_await permit->acquire()).value();
            // Travail limité à 10 tâches simultanées
            vu->max_au_travail = std::max(vu->max_au_travail, ++vu->au_travail);
            co_await rt::time::sleep(travail);
            --vu->au_travail;
            co_return i;
        });
        handles.push_back(std::move(handle));
    }
    // Ce que l'article ne dit pas : à cet instant, aucune tâche n'a encore tourné...
    std::cout << "tâches vivantes après la boucle de lancement : "
              << rt::Handle::current().metrics().num_alive_tasks
              << " (toutes existent déjà, chacune avec sa trame)" << std::endl;

    // Attendre toutes les tâches
    for (auto& handle : handles) {
        (void)co_await handle;
    }
}

} // namespace

int main(int argc, char** argv) {
    rt::time::Duration travail = 100ms;
    if (argc > 1 && std::string_view(argv[1]) == "--court") {
        travail = 10ms;
        std::cout << "(version courte : 10 ms de travail par tâche au lieu de 100 ms)" << std::endl;
    }
    Observation vu;
    const auto debut = std::chrono::steady_clock::now();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(traitement_avec_limite(travail, &vu));
    const auto duree = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    std::cout << "au plus " << vu.max_au_travail << " tâches au travail à la fois" << std::endl;
    std::cout << "durée : " << duree.count() << " ms (10 vagues de "
              << std::chrono::duration_cast<std::chrono::milliseconds>(travail).count() << " ms)"
              << std::endl;
    return 0;
}
