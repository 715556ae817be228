// Benchmark du planificateur multi_thread (chapitre 11), en deux parties.
//
// 1. Les quatre benchmarks du planificateur multi-thread de tokio (`benches/rt_multi_threaded.rs`
//    du dépôt de tokio), écrits une fois pour rt (ici) et une fois pour tokio (bench/tokio/,
//    `tokio_bench ordonnanceur`), avec la même logique ligne à ligne :
//      - spawn_many    : la tâche principale lance 10 000 tâches ; chacune décrémente un
//                        compteur atomique, la dernière envoie un signal ; on attend le signal ;
//      - yield_many    : 200 tâches lancées de l'extérieur du runtime cèdent chacune 1 000 fois
//                        la main (`yield_now`), puis envoient un signal ; on attend les 200 ;
//      - ping_pong     : une tâche lance 1 000 tâches ; chacune lance une partenaire et échange
//                        avec elle un aller-retour par deux canaux oneshot ; la dernière paire
//                        finie envoie le signal ;
//      - chained_spawn : une chaîne de 1 000 tâches, chacune lance la suivante ; la dernière
//                        envoie le signal.
//    Le « signal » est, comme dans l'original, un canal *synchrone* (std::sync::mpsc chez tokio,
//    un verrou et une condition ici) : le thread qui attend s'y bloque vraiment, hors runtime.
//    Mêmes règles pour les deux : 2 workers, runtime créé une fois par benchmark (hors
//    chronomètre), chaque itération chronométrée à part, échauffement puis mesures, médiane et
//    minimum. Le rapport rt ÷ tokio compare les médianes ; objectif du cours : ≤ 0,6×.
//
// 2. Le calcul pur : 2 000 tâches d'environ 50 µs d'arithmétique chacune (le nombre de tours
//    est étalonné sur la machine au démarrage), lancées depuis la tâche principale puis
//    attendues handle par handle, sur 1 puis 2 workers. Le rapport « 2 workers ÷ 1 worker »
//    dit combien le deuxième worker apporte (0,5× serait parfait) ; objectif : ≤ 0,55×.
//    tokio fait la même chose, pour comparaison.
//
// `--rapide` : moins de mesures (essai) ; `--seul MOT` : seulement les benchmarks dont le nom
// contient MOT (« ping_pong », « calcul »...) ; `--sans-tokio` : rt seulement (pour profiler
// rt avec perf ou valgrind sans le processus tokio) ; `--metriques` : ce que le runtime rt a
// fait pendant chaque benchmark (passages par worker, vols, mises en sommeil).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rt/rt.hpp>

#include "commun.hpp"

using bench::Horloge;

namespace {

constexpr std::size_t WORKERS = 2;

struct Plan {
    int echauffements;
    int mesures;
};

/// Appelle `iteration` `echauffements + mesures` fois ; rend les durées (ns) des mesures.
template <class F>
std::vector<double> repeter(Plan plan, F&& iteration) {
    std::vector<double> echantillons;
    for (int i = 0; i < plan.echauffements + plan.mesures; ++i) {
        auto debut = Horloge::now();
        iteration();
        auto fin = Horloge::now();
        if (i >= plan.echauffements) {
            echantillons.push_back(bench::ns_entre(debut, fin));
        }
    }
    return echantillons;
}

rt::Runtime runtime_multi(std::size_t workers) {
    return rt::Builder::multi_thread().worker_threads(workers).build();
}

/// Ce que le runtime a fait pendant une série (`--metriques`) : les compteurs de chaque
/// worker, cumulés sur toutes les séries d'un benchmark.
struct Activite {
    int iterations = 0;
    std::vector<rt::WorkerMetrics> workers;
    std::uint64_t distants = 0; ///< lancements ou réveils venus de l'extérieur des workers
};
Activite activite; // celle du benchmark en cours

/// Comme `repeter`, et ajoute à `activite` les compteurs du runtime à la fin de la série.
template <class F>
std::vector<double> repeter_rt(rt::Runtime& runtime, Plan plan, F&& iteration) {
    auto v = repeter(plan, std::forward<F>(iteration));
    const rt::RuntimeMetrics m = runtime.metrics();
    activite.iterations += plan.echauffements + plan.mesures;
    activite.workers.resize(m.workers.size());
    for (std::size_t i = 0; i < m.workers.size(); ++i) {
        activite.workers[i].poll_count += m.workers[i].poll_count;
        activite.workers[i].steal_count += m.workers[i].steal_count;
        activite.workers[i].steal_operations += m.workers[i].steal_operations;
        activite.workers[i].park_count += m.workers[i].park_count;
        activite.workers[i].overflow_count += m.workers[i].overflow_count;
    }
    activite.distants += m.remote_schedule_count;
    return v;
}

/// Le `std::sync::mpsc::sync_channel` des benchmarks de tokio, réduit à ce qu'ils en font :
/// `send` (release) depuis une tâche, `recv` (acquire) qui **bloque** le thread qui attend.
///
/// Un verrou, une condition et un compte, pas `std::counting_semaphore` : celui de libstdc++ 12
/// fait tourner le thread qui attend (sched_yield en boucle) avant de dormir ; réveillé
/// 200 fois par itération dans yield_many, il prenait un cœur aux workers et doublait le temps
/// mesuré (de ~6 à ~16 ms sur la machine du cours), ce qui n'a rien à voir avec rt.
class Signal {
public:
    explicit Signal(long initial) : disponibles_(initial) {}
    /// `send` : un message de plus, réveille celui qui attend.
    void release() {
        {
            std::lock_guard verrou(mutex_);
            ++disponibles_;
        }
        condition_.notify_one();
    }
    /// `recv` : dort jusqu'à ce qu'un message soit là, puis le prend.
    void acquire() {
        std::unique_lock verrou(mutex_);
        condition_.wait(verrou, [this] { return disponibles_ > 0; });
        --disponibles_;
    }

private:
    std::mutex mutex_;
    std::condition_variable condition_;
    long disponibles_; ///< protégé par mutex_
};
using Compteur = std::atomic<std::size_t>;

// --- spawn_many ------------------------------------------------------------------------------

constexpr std::size_t NUM_SPAWN = 10'000;

rt::Task<void> spawn_many_iteration(std::shared_ptr<Signal> tx, std::shared_ptr<Compteur> rem) {
    for (std::size_t i = 0; i < NUM_SPAWN; ++i) {
        // Chaque tâche emporte ses copies des pointeurs partagés (les `clone()` de l'original).
        (void)rt::spawn([tx, rem]() -> rt::Task<void> {
            if (rem->fetch_sub(1, std::memory_order_relaxed) == 1) {
                tx->release();
            }
            co_return;
        });
    }
    tx->acquire(); // bloque le thread de block_on, comme `rx.recv()` dans l'original
    co_return;
}

std::vector<double> spawn_many(Plan plan) {
    rt::Runtime runtime = runtime_multi(WORKERS);
    auto tx = std::make_shared<Signal>(0);
    auto rem = std::make_shared<Compteur>(0);
    return repeter_rt(runtime, plan, [&] {
        rem->store(NUM_SPAWN, std::memory_order_relaxed);
        runtime.block_on(spawn_many_iteration(tx, rem));
    });
}

// --- yield_many ------------------------------------------------------------------------------

constexpr std::size_t NUM_YIELD = 1'000;
constexpr std::size_t TASKS = 200;

std::vector<double> yield_many(Plan plan) {
    rt::Runtime runtime = runtime_multi(WORKERS);
    rt::Handle handle = runtime.handle();
    auto tx = std::make_shared<Signal>(0);
    return repeter_rt(runtime, plan, [&] {
        // Lancées depuis ce thread, hors du runtime (`rt.spawn` de l'original).
        for (std::size_t i = 0; i < TASKS; ++i) {
            (void)handle.spawn([tx]() -> rt::Task<void> {
                for (std::size_t j = 0; j < NUM_YIELD; ++j) {
                    co_await rt::task::yield_now();
                }
                tx->release();
            });
        }
        for (std::size_t i = 0; i < TASKS; ++i) {
            tx->acquire();
        }
    });
}

// --- ping_pong -------------------------------------------------------------------------------

constexpr std::size_t NUM_PINGS = 1'000;

/// Le `()` de Rust : un message sans contenu.
struct Rien {};

rt::Task<void> une_paire(std::shared_ptr<Signal> done_tx, std::shared_ptr<Compteur> rem) {
    auto canal1 = rt::sync::oneshot::channel<Rien>();
    auto canal2 = rt::sync::oneshot::channel<Rien>();
    (void)rt::spawn([rx1 = std::move(canal1.second),
                     tx2 = std::move(canal2.first)]() mutable -> rt::Task<void> {
        if (!co_await rx1 || !tx2.send(Rien{}).has_value()) {
            throw std::runtime_error("ping_pong : canal fermé"); // les unwrap() de l'original
        }
    });
    if (!canal1.first.send(Rien{}).has_value() || !co_await canal2.second) {
        throw std::runtime_error("ping_pong : canal fermé");
    }
    if (rem->fetch_sub(1, std::memory_order_relaxed) == 1) {
        done_tx->release();
    }
}

rt::Task<void> ping_pong_iteration(std::shared_ptr<Signal> done_tx, std::shared_ptr<Compteur> rem) {
    (void)rt::spawn([done_tx, rem]() -> rt::Task<void> {
        for (std::size_t i = 0; i < NUM_PINGS; ++i) {
            (void)rt::spawn(une_paire(done_tx, rem));
        }
        co_return;
    });
    done_tx->acquire();
    co_return;
}

std::vector<double> ping_pong(Plan plan) {
    rt::Runtime runtime = runtime_multi(WORKERS);
    auto done_tx = std::make_shared<Signal>(0);
    auto rem = std::make_shared<Compteur>(0);
    return repeter_rt(runtime, plan, [&] {
        rem->store(NUM_PINGS, std::memory_order_relaxed);
        runtime.block_on(ping_pong_iteration(done_tx, rem));
    });
}

// --- chained_spawn ---------------------------------------------------------------------------

constexpr std::size_t ITER = 1'000;

void chainon(std::shared_ptr<Signal> done_tx, std::size_t n) {
    if (n == 0) {
        done_tx->release();
    } else {
        (void)rt::spawn([done_tx = std::move(done_tx), n]() mutable -> rt::Task<void> {
            chainon(std::move(done_tx), n - 1);
            co_return;
        });
    }
}

rt::Task<void> chained_spawn_iteration(std::shared_ptr<Signal> done_tx) {
    (void)rt::spawn([done_tx]() mutable -> rt::Task<void> {
        chainon(std::move(done_tx), ITER);
        co_return;
    });
    done_tx->acquire();
    co_return;
}

std::vector<double> chained_spawn(Plan plan) {
    rt::Runtime runtime = runtime_multi(WORKERS);
    auto done_tx = std::make_shared<Signal>(0);
    return repeter_rt(runtime, plan, [&] { runtime.block_on(chained_spawn_iteration(done_tx)); });
}

// --- Calcul pur ------------------------------------------------------------------------------

constexpr std::size_t TACHES_CALCUL = 2'000;
constexpr double CIBLE_NS = 50'000; // ~50 µs de calcul par tâche

/// Le travail d'une tâche : un xorshift dont chaque tour dépend du précédent (pas de
/// parallélisme caché, pas de forme close). `tours` n'est connu qu'à l'exécution et le
/// résultat est additionné puis comparé au calcul séquentiel : le compilateur ne peut ni le
/// précalculer ni le supprimer. Le même code est dans bench/tokio/src/ordonnanceur.rs.
[[gnu::noinline]] std::uint64_t travail(std::uint64_t graine, std::uint64_t tours) {
    std::uint64_t x = graine | 1;
    for (std::uint64_t i = 0; i < tours; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x += i;
    }
    return x;
}

/// Où l'étalonnage range ses résultats : une écriture `volatile` ne peut pas être supprimée,
/// donc les appels de `travail` non plus.
volatile std::uint64_t puits = 0;

/// Le nombre de tours qui fait ~50 µs sur cette machine (meilleur de 5 essais d'un million).
std::uint64_t etalonner() {
    constexpr std::uint64_t ESSAI = 1'000'000;
    double meilleur = 0;
    for (int i = 0; i < 5; ++i) {
        auto debut = Horloge::now();
        puits = travail(static_cast<std::uint64_t>(i), ESSAI);
        double ns = bench::ns_entre(debut, Horloge::now());
        meilleur = i == 0 ? ns : std::min(meilleur, ns);
    }
    return static_cast<std::uint64_t>(CIBLE_NS / (meilleur / static_cast<double>(ESSAI)));
}

std::uint64_t calcul_sequentiel(std::uint64_t tours) {
    std::uint64_t somme = 0;
    for (std::size_t i = 0; i < TACHES_CALCUL; ++i) {
        somme += travail(i, tours);
    }
    return somme;
}

rt::Task<std::uint64_t> calcul_iteration(std::uint64_t tours) {
    std::vector<rt::JoinHandle<std::uint64_t>> handles;
    handles.reserve(TACHES_CALCUL);
    for (std::size_t i = 0; i < TACHES_CALCUL; ++i) {
        handles.push_back(
            rt::spawn([i, tours]() -> rt::Task<std::uint64_t> { co_return travail(i, tours); }));
    }
    std::uint64_t somme = 0;
    for (auto& h : handles) {
        rt::JoinHandle<std::uint64_t> handle = std::move(h);
        somme += (co_await handle).value();
    }
    co_return somme;
}

struct Serie {
    std::optional<bench::Stats> stats;
    std::string erreur;
};

Serie calcul_rt(std::size_t workers, std::uint64_t tours, std::uint64_t attendu, Plan plan) {
    rt::Runtime runtime = runtime_multi(workers);
    std::uint64_t somme = 0;
    auto v = repeter(plan, [&] { somme = runtime.block_on(calcul_iteration(tours)); });
    if (somme != attendu) {
        return {std::nullopt, "somme fausse"};
    }
    return {bench::statistiques(std::move(v)), {}};
}

// --- tokio -----------------------------------------------------------------------------------

/// Les échantillons du programme tokio (« ECHANTILLONS ns ns ... »), ou `std::nullopt` et
/// `erreur`.
std::optional<std::vector<double>>
echantillons_tokio(const std::string& exe, const std::string& arguments, std::string& erreur,
                   std::optional<std::uint64_t> somme_attendue = std::nullopt) {
    auto sortie = bench::executer_tokio(exe, arguments, erreur);
    if (!sortie) {
        return std::nullopt;
    }
    auto ligne = bench::ligne_apres(*sortie, "ECHANTILLONS ");
    if (!ligne) {
        erreur = "sortie du programme tokio illisible";
        return std::nullopt;
    }
    if (somme_attendue) {
        auto somme = bench::ligne_apres(*sortie, "SOMME ");
        if (!somme || std::stoull(*somme) != *somme_attendue) {
            erreur = "somme fausse";
            return std::nullopt;
        }
    }
    return bench::nombres(*ligne);
}

Serie serie_tokio(const std::string& exe, const std::string& arguments,
                  std::optional<std::uint64_t> somme_attendue) {
    Serie s;
    if (auto v = echantillons_tokio(exe, arguments, s.erreur, somme_attendue)) {
        s.stats = bench::statistiques(std::move(*v));
    }
    return s;
}

std::string cellule(const Serie& s, double diviseur, int decimales) {
    if (!s.stats) {
        return s.erreur.empty() ? "—" : "échec";
    }
    return bench::nombre(s.stats->mediane / diviseur, decimales) + " (" +
           bench::nombre(s.stats->min / diviseur, decimales) + ")";
}

std::string rapport(const Serie& a, const Serie& b) {
    return a.stats && b.stats ? bench::rapport(a.stats->mediane, b.stats->mediane) : "—";
}

} // namespace

int main(int argc, char** argv) {
    bench::garder_la_memoire();
    const bool rapide = bench::option_rapide(argc, argv);
    const Plan plan = rapide ? Plan{2, 5} : Plan{10, 51};
    const int rondes = rapide ? 1 : 3;
    const Plan plan_calcul = rapide ? Plan{1, 3} : Plan{2, 11};
    std::string seul;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string_view(argv[i]) == "--seul") {
            seul = argv[i + 1];
        }
    }
    auto retenu = [&](std::string_view nom) {
        return seul.empty() || nom.find(seul) != std::string_view::npos;
    };

    bench::afficher_machine("planificateur multi_thread (chapitre 11) : rt contre tokio");
    std::string raison_tokio;
    auto tokio = bench::programme_tokio(raison_tokio);
    bool metriques = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--metriques") {
            metriques = true;
        }
        if (std::string_view(argv[i]) == "--sans-tokio") {
            tokio.reset();
            raison_tokio = "écarté par --sans-tokio";
        }
    }
    bool erreur = false;

    // --- 1. Les quatre benchmarks de tokio ---------------------------------------------------
    std::cout << "\n=== Les benchmarks du planificateur de tokio (benches/rt_multi_threaded.rs), "
              << WORKERS << " workers ===\n"
              << "Méthode      : " << rondes
              << " ronde(s) alternées rt puis tokio ; à chaque ronde, un runtime neuf, "
              << plan.echauffements << " itérations d'échauffement puis " << plan.mesures
              << " chronométrées une à une ; médiane (minimum) de toutes les mesures, en µs par "
                 "itération"
              << (rapide ? " ; mode --rapide" : "") << "\n\n"
              << std::flush;

    struct Bench {
        const char* nom;
        const char* quoi;
        std::vector<double> (*rt)(Plan);
    };
    const Bench benchs[] = {
        {"spawn_many", "10 000 tâches lancées par la tâche principale", spawn_many},
        {"yield_many", "200 tâches × 1 000 yield_now, lancées de l'extérieur", yield_many},
        {"ping_pong", "1 000 paires de tâches, un aller-retour par deux oneshot", ping_pong},
        {"chained_spawn", "chaîne de 1 000 tâches, chacune lance la suivante", chained_spawn},
    };
    for (const auto& b : benchs) {
        if (retenu(b.nom)) {
            std::cout << "  " << b.nom << std::string(15 - std::string_view(b.nom).size(), ' ')
                      << b.quoi << "\n";
        }
    }
    std::cout << "\n";
    bench::Tableau tableau({"Benchmark", "rt : µs", "tokio : µs", "rt ÷ tokio", "objectif ≤ 0,6×"});
    bench::Tableau tableau_activite({"Benchmark", "passages (worker 0 / 1)", "tâches volées",
                                     "vols", "mises en sommeil", "venues de l'extérieur"});
    for (const auto& b : benchs) {
        if (!retenu(b.nom)) {
            continue;
        }
        // Plusieurs rondes alternées rt, tokio, rt, tokio... : si la machine change d'allure
        // en cours de route (autre programme, cœurs virtuels déplacés par l'hyperviseur), les
        // deux en profitent ou en pâtissent autant. Les échantillons des rondes sont réunis.
        activite = {};
        Serie serie_rt;
        Serie serie_tk;
        std::vector<double> tous_rt;
        std::vector<double> tous_tk;
        for (int ronde = 0; ronde < rondes; ++ronde) {
            try {
                auto v = b.rt(plan);
                tous_rt.insert(tous_rt.end(), v.begin(), v.end());
            } catch (const std::exception& e) {
                serie_rt.erreur = e.what();
            }
            if (tokio) {
                auto v = echantillons_tokio(
                    *tokio,
                    "ordonnanceur " + std::string(b.nom) + " " + std::to_string(WORKERS) + " " +
                        std::to_string(plan.echauffements) + " " + std::to_string(plan.mesures),
                    serie_tk.erreur);
                if (v) {
                    tous_tk.insert(tous_tk.end(), v->begin(), v->end());
                }
            }
        }
        if (serie_rt.erreur.empty() && !tous_rt.empty()) {
            serie_rt.stats = bench::statistiques(std::move(tous_rt));
        }
        if (serie_tk.erreur.empty() && !tous_tk.empty()) {
            serie_tk.stats = bench::statistiques(std::move(tous_tk));
        }
        std::string objectif = "—";
        if (serie_rt.stats && serie_tk.stats) {
            objectif = serie_rt.stats->mediane <= 0.6 * serie_tk.stats->mediane ? "atteint"
                                                                                : "NON atteint";
        }
        tableau.ligne({b.nom, cellule(serie_rt, 1e3, 1), cellule(serie_tk, 1e3, 1),
                       rapport(serie_rt, serie_tk), objectif});
        if (activite.iterations > 0) {
            const double n = activite.iterations;
            std::string passages;
            std::uint64_t volees = 0, vols = 0, sommeils = 0;
            for (const auto& w : activite.workers) {
                passages += (passages.empty() ? "" : " / ") +
                            bench::nombre(static_cast<double>(w.poll_count) / n);
                volees += w.steal_count;
                vols += w.steal_operations;
                sommeils += w.park_count;
            }
            tableau_activite.ligne({b.nom, passages,
                                    bench::nombre(static_cast<double>(volees) / n, 1),
                                    bench::nombre(static_cast<double>(vols) / n, 1),
                                    bench::nombre(static_cast<double>(sommeils) / n, 1),
                                    bench::nombre(static_cast<double>(activite.distants) / n)});
        }
        for (const auto* s : {&serie_rt, &serie_tk}) {
            if (!s->erreur.empty()) {
                std::cout << "Erreur pour « " << b.nom << " » ("
                          << (s == &serie_rt ? "rt" : "tokio") << ") : " << s->erreur << "\n";
                erreur = true;
            }
        }
    }
    tableau.afficher();
    if (!tokio) {
        std::cout << "\ntokio : non disponible (" << raison_tokio << ")\n";
    }
    std::cout << "(rt ÷ tokio compare les médianes : 0,5× veut dire que rt met deux fois moins "
                 "de temps.)\n";
    if (metriques) {
        std::cout << "\nCe que rt a fait, en moyenne par itération (compteurs du runtime, "
                     "échauffements compris) :\n\n";
        tableau_activite.afficher();
    }

    // --- 2. Calcul pur : 1 puis 2 workers ---------------------------------------------------
    if (retenu("calcul")) {
        const std::uint64_t tours = etalonner();
        auto debut = Horloge::now();
        const std::uint64_t attendu = calcul_sequentiel(tours);
        const double sequentiel_ns = bench::ns_entre(debut, Horloge::now());
        std::cout << "\n=== Calcul pur : " << bench::nombre(TACHES_CALCUL)
                  << " tâches d'environ 50 µs, sur 1 puis " << WORKERS << " workers ===\n"
                  << "Méthode      : travail étalonné à " << bench::nombre(tours) << " tours (≈ "
                  << bench::nombre(sequentiel_ns / TACHES_CALCUL / 1e3, 1)
                  << " µs par tâche mesurés en séquentiel) ; les tâches sont lancées par la "
                     "tâche principale puis attendues handle par handle ; "
                  << plan_calcul.echauffements << " échauffement(s) + " << plan_calcul.mesures
                  << " mesures ; médiane (minimum) en ms ; la somme des résultats est vérifiée\n\n"
                  << std::flush;

        bench::Tableau t({"Exécution", "temps total : ms", "÷ 1 worker"});
        t.ligne(
            {"séquentiel, sans runtime (une boucle)", bench::nombre(sequentiel_ns / 1e6, 1), "—"});
        auto ligne = [&](std::string nom, const Serie& un, const Serie& deux) {
            t.ligne({nom + ", 1 worker", cellule(un, 1e6, 1), "1×"});
            t.ligne({nom + ", " + std::to_string(WORKERS) + " workers", cellule(deux, 1e6, 1),
                     rapport(deux, un)});
            for (const auto* s : {&un, &deux}) {
                if (!s->erreur.empty()) {
                    std::cout << "Erreur pour « " << nom << " » : " << s->erreur << "\n";
                    erreur = true;
                }
            }
        };
        const Serie rt1 = calcul_rt(1, tours, attendu, plan_calcul);
        const Serie rt2 = calcul_rt(WORKERS, tours, attendu, plan_calcul);
        ligne("rt multi_thread", rt1, rt2);
        if (tokio) {
            auto arguments = [&](std::size_t workers) {
                return "calcul " + std::to_string(workers) + " " + std::to_string(TACHES_CALCUL) +
                       " " + std::to_string(tours) + " " +
                       std::to_string(plan_calcul.echauffements) + " " +
                       std::to_string(plan_calcul.mesures);
            };
            ligne("tokio multi_thread", serie_tokio(*tokio, arguments(1), attendu),
                  serie_tokio(*tokio, arguments(WORKERS), attendu));
        }
        t.afficher();
        if (rt1.stats && rt2.stats) {
            bool ok = rt2.stats->mediane <= 0.55 * rt1.stats->mediane;
            std::cout << "\nObjectif : rt " << WORKERS << " workers ÷ 1 worker ≤ 0,55× → "
                      << rapport(rt2, rt1) << (ok ? " : atteint" : " : NON atteint") << "\n";
        }
        if (!tokio) {
            std::cout << "tokio : non disponible (" << raison_tokio << ")\n";
        }
    }

    // Le code de sortie ne dépend pas des objectifs : un benchmark mesure, il ne juge pas.
    return erreur ? 1 : 0;
}
