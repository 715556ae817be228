/// \file
/// \brief Chapitre 11 — le programme « Mesurer les performances » de l'article, traduit, et
/// lancé sur les deux planificateurs.
///
/// L'article lance 10 000 tâches vides, garde leurs handles, les attend, et affiche la durée.
/// Ce programme fait exactement cela avec `rt`, trois fois de suite, sur un runtime
/// `current_thread` puis sur un runtime `multi_thread` (un worker par cœur). Sur
/// `multi_thread`, il le fait de deux endroits : depuis la tâche de `block_on`, qui tourne sur
/// le thread appelant (chaque `spawn` passe par la file globale, sous verrou), puis depuis une
/// tâche lancée sur un worker (chaque `spawn` va dans la file locale de ce worker, sans verrou,
/// et les autres workers viennent voler).
///
/// Usage : `ch11_benchmark_spawn [--taches N] [--repetitions R]` (défaut : 10 000 et 3).
/// Pour des mesures soignées (médiane, minimum, Asio et tokio à côté) : `bench/bench_spawn`.
#include <rt/rt.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Horloge = std::chrono::steady_clock;

/// Une durée écrite comme le `{:?}` de Rust : « 1.234567ms », « 850.2µs », « 2.5s ».
std::string comme_rust(std::chrono::nanoseconds d) {
    const double ns = static_cast<double>(d.count());
    const char* unite = "ns";
    double valeur = ns;
    if (ns >= 1e9) {
        valeur = ns / 1e9;
        unite = "s";
    } else if (ns >= 1e6) {
        valeur = ns / 1e6;
        unite = "ms";
    } else if (ns >= 1e3) {
        valeur = ns / 1e3;
        unite = "µs";
    }
    char tampon[64];
    std::snprintf(tampon, sizeof tampon, "%.6f", valeur);
    std::string texte = tampon;
    texte.erase(texte.find_last_not_of('0') + 1); // Rust n'écrit pas les zéros de fin
    if (texte.back() == '.') {
        texte.pop_back();
    }
    return texte + unite;
}

std::string milliers(std::size_t n) {
    const std::string chiffres = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < chiffres.size(); ++i) {
        if (i > 0 && (chiffres.size() - i) % 3 == 0) {
            s += " ";
        }
        s += chiffres[i];
    }
    return s;
}

/// Le programme de l'article : `taches` tâches vides, lancées, puis attendues une à une.
/// Rend la durée, pour le résumé.
rt::Task<std::chrono::nanoseconds> benchmark_spawn(std::size_t taches) {
    const auto start = Horloge::now();
    std::vector<rt::JoinHandle<void>> handles;

    for (std::size_t i = 0; i < taches; ++i) {
        auto handle = rt::spawn([]() -> rt::Task<void> {
            // Tâche minimale
            co_return;
        });
        handles.push_back(std::move(handle));
    }

    for (auto& handle : handles) {
        (void)co_await handle; // le `let _ = handle.await;` de Rust
    }

    const auto duree = Horloge::now() - start;
    std::cout << milliers(taches) << " tâches créées et exécutées en : " << comme_rust(duree)
              << std::endl;
    co_return duree;
}

/// La même chose, mais depuis une tâche lancée sur un worker.
rt::Task<std::chrono::nanoseconds> depuis_un_worker(std::size_t taches) {
    co_return (co_await rt::spawn(benchmark_spawn(taches))).value();
}

void resume(const char* quoi, std::chrono::nanoseconds meilleure, std::size_t taches) {
    std::printf("  → %s : au mieux %.0f ns par tâche (lancement, passage, fin, attente)\n\n", quoi,
                static_cast<double>(meilleure.count()) / static_cast<double>(taches));
}

} // namespace

int main(int argc, char** argv) {
    std::size_t taches = 10'000;
    int repetitions = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view option = argv[i];
        if (option == "--taches") {
            taches = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (option == "--repetitions") {
            repetitions = std::atoi(argv[i + 1]);
        } else {
            std::cerr << "option inconnue : " << option
                      << "\nusage : ch11_benchmark_spawn [--taches N] [--repetitions R]\n";
            return 2;
        }
    }
    if (taches == 0 || repetitions <= 0) {
        std::cerr << "--taches et --repetitions doivent être positifs\n";
        return 2;
    }

    // 1. current_thread : tout sur le thread de main, comme #[tokio::main(flavor = "current_thread")].
    std::cout << "Runtime current_thread (un seul thread) :\n";
    auto meilleure = std::chrono::nanoseconds::max();
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        for (int r = 0; r < repetitions; ++r) {
            meilleure = std::min(meilleure, runtime.block_on(benchmark_spawn(taches)));
        }
    }
    resume("current_thread", meilleure, taches);

    // 2. multi_thread : le #[tokio::main] par défaut, un worker par cœur.
    rt::Runtime runtime = rt::Builder::multi_thread().build();
    const std::size_t workers = runtime.metrics().num_workers;
    std::cout << "Runtime multi_thread (" << workers << " workers), depuis block_on :\n";
    meilleure = std::chrono::nanoseconds::max();
    for (int r = 0; r < repetitions; ++r) {
        meilleure = std::min(meilleure, runtime.block_on(benchmark_spawn(taches)));
    }
    resume("multi_thread depuis block_on (file globale)", meilleure, taches);

    std::cout << "Runtime multi_thread (" << workers << " workers), depuis une tâche :\n";
    meilleure = std::chrono::nanoseconds::max();
    for (int r = 0; r < repetitions; ++r) {
        meilleure = std::min(meilleure, runtime.block_on(depuis_un_worker(taches)));
    }
    resume("multi_thread depuis un worker (file locale, vols)", meilleure, taches);

    const rt::RuntimeMetrics m = runtime.metrics();
    std::cout << "Métriques du runtime multi_thread : " << m.spawned_tasks_count
              << " tâches lancées, " << m.remote_schedule_count
              << " mises en file depuis l'extérieur des workers, " << m.total_steal_count()
              << " volées ; débordements vers la file globale :";
    for (const auto& w : m.workers) {
        std::cout << ' ' << w.overflow_count;
    }
    std::cout << " (par worker)\n";
    return 0;
}
