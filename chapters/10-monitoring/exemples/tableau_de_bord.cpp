// Chapitre 10 — un tableau de bord : une tâche de surveillance qui lit les métriques du
// runtime (rt::Handle::current().metrics(), les noms de RuntimeMetrics de tokio) et affiche
// une ligne par période, pendant qu'un runtime multi_thread travaille.
//
//   ch10_tableau_de_bord [--workers N] [--duree MS] [--periode MS]
//
// La charge : une tâche « producteur » lance par vagues des tâches « calcul » (du calcul pur,
// qui cède la main toutes les 200 µs) et des tâches « minuterie » (qui dorment). Lancées
// depuis un worker, les tâches « calcul » arrivent dans SA file : les autres workers doivent
// les lui voler. Le tableau le montre (colonne vols), la frise aussi :
//   ./cours trace build/default/chapters/10-monitoring/ch10_tableau_de_bord
#include <rt/rt.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace std::chrono_literals;
using Horloge = std::chrono::steady_clock;

namespace {

struct Options {
    std::size_t workers = 2;
    std::chrono::milliseconds duree{400};
    std::chrono::milliseconds periode{50};
};

/// Occupe le thread pendant `d`, sans se suspendre (le « travail » d'une tâche de calcul).
void calculer_pendant(std::chrono::microseconds d) {
    const auto fin = Horloge::now() + d;
    while (Horloge::now() < fin) {
    }
}

rt::Task<void> calcul(int tranches) {
    for (int i = 0; i < tranches; ++i) {
        calculer_pendant(200us);
        co_await rt::task::yield_now(); // un passage de plus ; les autres tâches passent
    }
}

rt::Task<void> producteur(std::chrono::milliseconds duree) {
    const auto fin = Horloge::now() + duree;
    std::vector<rt::JoinHandle<void>> vague;
    while (Horloge::now() < fin) {
        for (int i = 0; i < 8; ++i) {
            vague.push_back(rt::spawn_named("calcul", calcul(20)));
        }
        for (int i = 0; i < 4; ++i) {
            vague.push_back(rt::spawn_named(
                "minuterie", []() -> rt::Task<void> { co_await rt::time::sleep(3ms); }));
        }
        for (auto& h : vague) {
            (void)co_await h;
        }
        vague.clear();
        co_await rt::time::sleep(10ms); // un creux : les workers se garent
    }
}

// --- Le tableau de bord ------------------------------------------------------------------

std::uint64_t somme_parks(const rt::RuntimeMetrics& m) {
    std::uint64_t total = 0;
    for (const auto& w : m.workers) {
        total += w.park_count;
    }
    return total;
}

/// Une ligne par période : ce qui s'est passé PENDANT la période (différences des compteurs
/// *_count), et l'état à la fin (num_alive_tasks, global_queue_depth).
rt::Task<void> tableau_de_bord(std::chrono::milliseconds periode) {
    const rt::Handle runtime = rt::Handle::current();
    rt::RuntimeMetrics avant = runtime.metrics();
    auto t_avant = Horloge::now();
    std::printf("%8s %8s %12s %6s %7s %18s %8s\n", "t (ms)", "vivantes", "passages/s", "vols",
                "sommeils", "le plus occupé", "globale");
    const auto depart = t_avant;
    auto ticks = rt::time::interval_at(t_avant + periode, periode);
    for (;;) {
        co_await ticks.tick();
        const rt::RuntimeMetrics apres = runtime.metrics();
        const auto maintenant = Horloge::now();
        const double secondes = std::chrono::duration<double>(maintenant - t_avant).count();

        const std::uint64_t passages = apres.total_poll_count() - avant.total_poll_count();
        std::size_t occupe = 0;
        std::uint64_t max = 0;
        for (std::size_t i = 0; i < apres.workers.size(); ++i) {
            const std::uint64_t p = apres.workers[i].poll_count - avant.workers[i].poll_count;
            if (p > max) {
                max = p;
                occupe = i;
            }
        }
        const std::string plus_occupe = "worker " + std::to_string(occupe) + " (" +
                                        std::to_string(passages ? 100 * max / passages : 0) + " %)";
        std::printf(
            "%8lld %8zu %12.0f %6llu %7llu %18s %8zu\n",
            static_cast<long long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(maintenant - depart).count()),
            apres.num_alive_tasks, static_cast<double>(passages) / secondes,
            static_cast<unsigned long long>(apres.total_steal_count() - avant.total_steal_count()),
            static_cast<unsigned long long>(somme_parks(apres) - somme_parks(avant)),
            plus_occupe.c_str(), apres.global_queue_depth);
        std::fflush(stdout);
        avant = apres;
        t_avant = maintenant;
    }
}

Options lire_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const long v = std::strtol(argv[i + 1], nullptr, 10);
        if (std::strcmp(argv[i], "--workers") == 0 && v > 0) {
            o.workers = static_cast<std::size_t>(v);
        } else if (std::strcmp(argv[i], "--duree") == 0 && v > 0) {
            o.duree = std::chrono::milliseconds(v);
        } else if (std::strcmp(argv[i], "--periode") == 0 && v > 0) {
            o.periode = std::chrono::milliseconds(v);
        } else {
            std::fprintf(stderr, "usage : %s [--workers N] [--duree MS] [--periode MS]\n", argv[0]);
            std::exit(2);
        }
    }
    return o;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = lire_options(argc, argv);
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(o.workers).build();
    runtime.block_on([](Options o) -> rt::Task<void> {
        auto moniteur = rt::spawn_named("tableau de bord", tableau_de_bord(o.periode));
        auto travail = rt::spawn_named("producteur", producteur(o.duree));
        (void)co_await travail;
        moniteur.abort(); // le tableau de bord n'a pas de fin : on l'annule
        (void)co_await moniteur;
    }(o));
    const rt::RuntimeMetrics m = runtime.metrics();
    std::printf("Au total : %llu tâches lancées, %llu passages, %llu tâches volées, %zu "
                "workers.\n",
                static_cast<unsigned long long>(m.spawned_tasks_count),
                static_cast<unsigned long long>(m.total_poll_count()),
                static_cast<unsigned long long>(m.total_steal_count()), m.num_workers);
}
