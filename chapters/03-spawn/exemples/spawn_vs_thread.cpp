/// \file
/// \brief Chapitre 03 — ce que coûte un `rt::spawn` face à un `std::thread`, mesuré ici.
///
/// Trois mesures : la mémoire allouée par tâche lancée (on compte les octets demandés à
/// `operator new`), le temps d'un spawn + join de tâches vides, et le temps d'une création +
/// join de threads du système. Les chiffres dépendent de la machine : comparez-les entre eux.
///
/// Usage : `ch03_spawn_vs_thread [--taches N] [--threads M]` (défauts : 100000 et 2000).
#include <rt/rt.hpp>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

// Compteur d'octets demandés à operator new : remplacer l'opérateur global est le moyen le
// plus simple de voir ce qu'un spawn alloue vraiment (cellule + trame de la coroutine).
namespace {
std::atomic<std::size_t> octets_alloues{0};
}

/// Compte les octets demandés, puis alloue avec malloc.
void* operator new(std::size_t taille) {
    octets_alloues.fetch_add(taille, std::memory_order_relaxed);
    if (void* p = std::malloc(taille == 0 ? 1 : taille)) {
        return p;
    }
    throw std::bad_alloc();
}
/// Rend la mémoire à free (les octets ne sont pas décomptés : on mesure ce qui est demandé).
void operator delete(void* p) noexcept {
    std::free(p);
}
/// Variante avec taille de la libération : même chose.
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

using horloge = std::chrono::steady_clock;

double ns_par(horloge::duration d, std::size_t n) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) /
           static_cast<double>(n);
}

rt::Task<void> mesurer_taches(std::size_t n) {
    // 1. Mémoire : n tâches qui dorment, toutes vivantes en même temps.
    std::vector<rt::JoinHandle<void>> handles;
    handles.reserve(n);
    const std::size_t avant = octets_alloues.load();
    for (std::size_t i = 0; i < n; ++i) {
        handles.push_back(rt::spawn(
            []() -> rt::Task<void> { co_await rt::time::sleep(std::chrono::milliseconds(1)); }));
    }
    const std::size_t octets = octets_alloues.load() - avant;
    for (auto& h : handles) {
        co_await h;
    }
    handles.clear();
    std::printf("rt::spawn    : %8.0f octets alloués par tâche (cellule + trame), %zu tâches "
                "vivantes à la fois\n",
                static_cast<double>(octets) / static_cast<double>(n), n);

    // 2. Temps : spawn + join de n tâches vides (les blocs libérés sont réutilisés par le
    //    cache d'allocation du runtime : c'est le régime permanent d'un serveur).
    const auto debut = horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        handles.push_back(rt::spawn([]() -> rt::Task<void> { co_return; }));
    }
    for (auto& h : handles) {
        co_await h;
    }
    std::printf("rt::spawn    : %8.0f ns par spawn + join (%zu tâches vides)\n",
                ns_par(horloge::now() - debut, n), n);
}

void mesurer_threads(std::size_t m) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    std::size_t pile = 0;
    pthread_attr_getstacksize(&attr, &pile);
    pthread_attr_destroy(&attr);

    std::atomic<std::size_t> compteur{0};
    const auto debut = horloge::now();
    for (std::size_t i = 0; i < m; ++i) {
        std::thread t([&compteur] { compteur.fetch_add(1, std::memory_order_relaxed); });
        t.join();
    }
    std::printf("std::thread  : %8.0f ns par création + join (%zu threads, un à la fois)\n",
                ns_par(horloge::now() - debut, m), m);
    std::printf("std::thread  : pile réservée par défaut %zu Kio (mémoire virtuelle : seules les "
                "pages touchées deviennent résidentes, voir le chapitre 01)\n",
                pile / 1024);
}

std::size_t lire_nombre(const char* texte) {
    return static_cast<std::size_t>(std::strtoull(texte, nullptr, 10));
}

} // namespace

int main(int argc, char** argv) {
    std::size_t taches = 100'000;
    std::size_t threads = 2'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--taches") == 0) {
            taches = lire_nombre(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--threads") == 0) {
            threads = lire_nombre(argv[i + 1]);
        }
    }
    if (taches == 0 || threads == 0) {
        std::fprintf(stderr, "usage : ch03_spawn_vs_thread [--taches N] [--threads M], N, M > 0\n");
        return 2;
    }
    std::printf("Ce que coûte une tâche, ce que coûte un thread (mesuré sur cette machine)\n\n");
    rt::block_on(mesurer_taches(taches));
    mesurer_threads(threads);
    std::printf("\nUne tâche n'a pas de pile à elle : ses variables vivent dans sa trame, allouée\n"
                "à la taille exacte que le compilateur a calculée. Un thread a une pile entière\n"
                "et passe par le noyau pour naître, être planifié et mourir.\n");
}
