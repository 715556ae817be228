/// \file
/// \brief Chapitre 11 — ce qui arrive quand une tâche ne rend pas la main : un calcul long ou
/// un appel bloquant dans une tâche, le remède (`rt::spawn_blocking`), et le budget coopératif.
///
/// Une tâche « battement » veut tourner toutes les 10 ms (`rt::time::interval`) et note son
/// plus grand retard. Pendant qu'elle bat, on lance, scénario après scénario, un travail de
/// 300 ms écrit de différentes façons :
///   1. un calcul de 300 ms dans une tâche, sur `current_thread` ;
///   2. un appel bloquant de 300 ms (`std::this_thread::sleep_for`, l'équivalent d'une lecture
///      de fichier ou d'une requête synchrone) dans une tâche, sur `current_thread` ;
///   3. le même appel par `rt::spawn_blocking` : il tourne sur un thread du pool bloquant ;
///   4. un appel bloquant sur `multi_thread` à 2 workers : l'autre worker continue ;
///   5. deux appels bloquants sur `multi_thread` à 2 workers : plus personne ;
///   6. une tâche dont les opérations sont toujours prêtes (un `Mutex` jamais disputé, pris et
///      rendu en boucle pendant 300 ms) : elle ne se suspend jamais, mais le budget coopératif
///      (128 opérations prêtes par passage) la force à céder la main.
///
/// Usage : `ch11_bloquer [--duree MS]` (défaut : 300 ms de travail par scénario).
#include <rt/rt.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

using namespace std::chrono_literals;

namespace {

using Horloge = std::chrono::steady_clock;
using ms = std::chrono::duration<double, std::milli>;

std::chrono::milliseconds g_duree{300};

/// Ce que note le battement.
struct Battement {
    std::atomic<bool> arret{false};
    std::atomic<double> retard_max_ms{0};
};

/// Toutes les 10 ms : noter l'écart entre l'échéance prévue et l'heure réelle du réveil.
rt::Task<void> battre(std::shared_ptr<Battement> b) {
    auto iv = rt::time::interval(10ms);
    while (!b->arret.load()) {
        const auto prevue = co_await iv.tick();
        const double retard = ms(Horloge::now() - prevue).count();
        if (retard > b->retard_max_ms.load()) {
            b->retard_max_ms.store(retard);
        }
    }
}

/// Un calcul qui occupe le processeur pendant `d` (sans jamais se suspendre).
std::uint64_t calculer_pendant(std::chrono::milliseconds d) {
    const auto fin = Horloge::now() + d;
    std::uint64_t x = 88172645463325252ull;
    while (Horloge::now() < fin) {
        for (int i = 0; i < 1000; ++i) { // xorshift : du travail que le compilateur garde
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
    }
    return x;
}

/// Un appel bloquant : le thread dort dans le noyau, comme dans un read() sur un fichier.
void appel_bloquant(std::chrono::milliseconds d) {
    std::this_thread::sleep_for(d);
}

// --- Le travail de 300 ms, de six façons -------------------------------------------------------

/// 1. Le calcul, dans une tâche : il occupe le worker qui l'exécute jusqu'au bout.
rt::Task<void> calculer_dans_une_tache() {
    co_await rt::spawn([]() -> rt::Task<std::uint64_t> { co_return calculer_pendant(g_duree); });
}

/// 2. et 4. L'appel bloquant, dans une tâche : même chose, le thread dort dans le noyau.
rt::Task<void> bloquer_dans_une_tache() {
    co_await rt::spawn([]() -> rt::Task<void> {
        appel_bloquant(g_duree);
        co_return;
    });
}

/// 3. Le même appel, sur un thread du pool bloquant : aucun worker n'attend.
rt::Task<void> bloquer_avec_spawn_blocking() {
    co_await rt::spawn_blocking([] { appel_bloquant(g_duree); });
}

/// 5. Deux appels bloquants en même temps, dans deux tâches.
rt::Task<void> bloquer_dans_deux_taches() {
    auto a = rt::spawn(bloquer_dans_une_tache());
    auto b = rt::spawn(bloquer_dans_une_tache());
    co_await a;
    co_await b;
}

/// 6. Des opérations toujours prêtes : un Mutex que personne d'autre ne prend.
rt::Task<void> verrouiller_en_boucle() {
    rt::sync::Mutex<std::uint64_t> compteur(0);
    const auto fin = Horloge::now() + g_duree;
    while (Horloge::now() < fin) {
        auto garde = co_await compteur.lock(); // toujours libre : prêt tout de suite
        ++*garde;
    }
}

/// Un scénario : le battement tourne, puis `travail` (une coroutine), puis encore un peu.
void scenario(const char* titre, rt::Runtime runtime, std::function<rt::Task<void>()> travail) {
    auto b = std::make_shared<Battement>();
    std::uint64_t cessions = 0;
    runtime.block_on([](std::shared_ptr<Battement> b, std::function<rt::Task<void>()> travail,
                        std::uint64_t& cessions) -> rt::Task<void> {
        auto battement = rt::spawn(battre(b));
        co_await rt::time::sleep(50ms); // le battement prend son rythme
        const auto avant = rt::Handle::current().metrics().budget_forced_yield_count;
        co_await travail();
        cessions = rt::Handle::current().metrics().budget_forced_yield_count - avant;
        co_await rt::time::sleep(50ms);
        b->arret.store(true);
        (void)co_await battement;
    }(b, std::move(travail), cessions));
    std::printf("| %s | %.0f ms | %llu |\n", titre, b->retard_max_ms.load(),
                static_cast<unsigned long long>(cessions));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--duree" && i + 1 < argc) {
            g_duree = std::chrono::milliseconds(std::max(1, std::atoi(argv[++i])));
        } else {
            std::fprintf(stderr, "usage : ch11_bloquer [--duree MS]\n");
            return 2;
        }
    }
    std::printf("Un battement toutes les 10 ms ; pendant ce temps, %lld ms de travail écrit de "
                "six façons.\n\n",
                static_cast<long long>(g_duree.count()));
    std::printf("| Scénario | Retard maximal du battement | Cessions forcées (budget) |\n"
                "|---|---:|---:|\n");

    auto current_thread = [] { return rt::Builder::current_thread().build(); };
    auto deux_workers = [] { return rt::Builder::multi_thread().worker_threads(2).build(); };

    scenario("1. calcul dans une tâche (current_thread)", current_thread(),
             calculer_dans_une_tache);
    scenario("2. appel bloquant dans une tâche (current_thread)", current_thread(),
             bloquer_dans_une_tache);
    scenario("3. le même appel par spawn_blocking (current_thread)", current_thread(),
             bloquer_avec_spawn_blocking);
    scenario("4. un appel bloquant dans une tâche (multi_thread, 2 workers)", deux_workers(),
             bloquer_dans_une_tache);
    scenario("5. deux appels bloquants dans deux tâches (multi_thread, 2 workers)", deux_workers(),
             bloquer_dans_deux_taches);
    scenario("6. Mutex jamais disputé, pris en boucle (current_thread)", current_thread(),
             verrouiller_en_boucle);

    std::printf("\nLecture : un retard de l'ordre de %lld ms veut dire que le battement n'a pas "
                "pu s'exécuter\npendant tout le travail : son thread était pris. Quelques "
                "millisecondes : il a battu normalement.\n",
                static_cast<long long>(g_duree.count()));
    return 0;
}
