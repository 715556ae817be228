// Benchmark « spawn + join » : le programme « Mesurer les performances » de l'article.
//
// Pour N tâches vides : lancer les N tâches en gardant leurs handles dans un vecteur, puis
// attendre chaque handle dans l'ordre. On divise le temps total par N : c'est le coût complet
// d'une tâche (allocation, mise en file, exécution, publication du résultat, réveil de
// l'attendeur, libération). Mêmes règles pour tous les concurrents :
//   - le chronomètre tourne *dans* la coroutine principale (la création du runtime n'est pas
//     comptée), le vecteur est réservé avant de démarrer le chronomètre ;
//   - chaque handle est déplacé hors du vecteur et détruit dans la boucle d'attente, comme le
//     `for handle in handles { handle.await }` de Rust qui consomme chaque handle ;
//   - un seul thread (runtime current_thread, io_context à un thread) ;
//   - un tour d'échauffement, puis plusieurs mesures : on publie la médiane (et le minimum) ;
//   - l'allocateur de la glibc est réglé pour garder la mémoire libérée (voir
//     `garder_la_memoire`) : on mesure le régime établi, pas le noyau qui remet à zéro des
//     pages rendues puis redemandées à chaque répétition.
//
// Concurrents :
//   - rt (ce cours) : `rt::spawn(lambda)` → `rt::JoinHandle<void>`, puis `co_await handle` ;
//   - Boost.Asio, `co_spawn(ex, tache(), experimental::use_promise)` : l'équivalent Asio le plus
//     fidèle d'un JoinHandle. La coroutine démarre aussitôt (postée sur l'io_context), la
//     `promise` rendue se garde dans un vecteur et s'attend plus tard avec
//     `co_await promesse(use_awaitable)`, qui rend le résultat ou relance l'exception ;
//   - Boost.Asio, `co_spawn` + compteur : sans handle par tâche ; le gestionnaire de fin
//     décrémente un compteur et le dernier réveille la coroutine principale (un steady_timer
//     « infini » annulé sert de signal, l'idiome Asio d'une condition asynchrone). C'est un
//     *join global*, pas un join par tâche : moins de travail que les autres, donc un minorant
//     du coût Asio, donné pour être honnête envers Asio ;
//   - tokio current_thread (si le programme Rust de bench/tokio/ a pu être construit hors ligne) ;
//   - std::thread : créer N threads qui ne font rien, puis `join` chacun (10 000 seulement).

#include <cstddef>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/promise.hpp>
#include <boost/asio/experimental/use_promise.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <rt/rt.hpp>

#include "commun.hpp"

namespace asio = boost::asio;
using bench::Horloge;

namespace {

// --- rt ---------------------------------------------------------------------------------------

/// Lance `n` tâches vides, attend chacune ; rend les nanosecondes par tâche.
rt::Task<double> spawn_join_rt(std::size_t n) {
    std::vector<rt::JoinHandle<void>> handles;
    handles.reserve(n);
    auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        handles.push_back(rt::spawn([]() -> rt::Task<void> { co_return; }));
    }
    std::size_t reussies = 0;
    for (auto& h : handles) {
        rt::JoinHandle<void> handle = std::move(h); // détruit à la fin du tour, comme en Rust
        auto resultat = co_await handle;
        reussies += resultat.has_value();
    }
    auto fin = Horloge::now();
    if (reussies != n) {
        throw std::runtime_error("rt : des tâches ont échoué");
    }
    co_return bench::ns_entre(debut, fin) / static_cast<double>(n);
}

double mesure_rt(std::size_t n) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    return runtime.block_on(spawn_join_rt(n));
}

// --- Boost.Asio -------------------------------------------------------------------------------

asio::awaitable<void> tache_vide() {
    co_return;
}

/// Le « JoinHandle » d'Asio : co_spawn + use_promise, puis co_await de chaque promesse.
asio::awaitable<double> spawn_join_asio_promise(std::size_t n) {
    auto ex = co_await asio::this_coro::executor;
    using Promesse = decltype(asio::co_spawn(ex, tache_vide(), asio::experimental::use_promise));
    std::vector<Promesse> promesses;
    promesses.reserve(n);
    auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        promesses.push_back(asio::co_spawn(ex, tache_vide(), asio::experimental::use_promise));
    }
    for (auto& p : promesses) {
        Promesse promesse = std::move(p);
        co_await promesse(asio::use_awaitable); // relancerait l'exception de la tâche
    }
    auto fin = Horloge::now();
    co_return bench::ns_entre(debut, fin) / static_cast<double>(n);
}

/// Sans handle : un compteur de tâches restantes, le dernier gestionnaire réveille l'attente.
asio::awaitable<double> spawn_join_asio_compteur(std::size_t n) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer signal(ex, asio::steady_timer::time_point::max());
    std::size_t restantes = n;
    std::size_t echecs = 0;
    auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        asio::co_spawn(ex, tache_vide(), [&](std::exception_ptr e) {
            echecs += e != nullptr;
            if (--restantes == 0) {
                signal.cancel(); // réveille la coroutine principale
            }
        });
    }
    if (restantes != 0) {
        co_await signal.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    auto fin = Horloge::now();
    if (echecs != 0) {
        throw std::runtime_error("Asio : des tâches ont échoué");
    }
    co_return bench::ns_entre(debut, fin) / static_cast<double>(n);
}

/// Exécute une coroutine Asio sur un io_context à un thread et rend sa valeur.
double executer_asio(asio::awaitable<double> principale) {
    asio::io_context contexte{1}; // indice de concurrence 1 : un seul thread
    double resultat = 0;
    std::exception_ptr erreur;
    asio::co_spawn(contexte, std::move(principale), [&](std::exception_ptr e, double v) {
        erreur = e;
        resultat = v;
    });
    contexte.run();
    if (erreur) {
        std::rethrow_exception(erreur);
    }
    return resultat;
}

double mesure_asio_promise(std::size_t n) {
    return executer_asio(spawn_join_asio_promise(n));
}
double mesure_asio_compteur(std::size_t n) {
    return executer_asio(spawn_join_asio_compteur(n));
}

// --- std::thread ------------------------------------------------------------------------------

double mesure_threads(std::size_t n) {
    std::vector<std::thread> threads;
    threads.reserve(n);
    auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        threads.emplace_back([] {});
    }
    for (auto& t : threads) {
        t.join();
    }
    auto fin = Horloge::now();
    return bench::ns_entre(debut, fin) / static_cast<double>(n);
}

// --- Répétitions ------------------------------------------------------------------------------

struct Plan {
    int echauffements;
    int mesures;
};

template <class F>
std::optional<bench::Stats> repeter(F mesure, std::size_t n, Plan plan, std::string& erreur) {
    try {
        for (int i = 0; i < plan.echauffements; ++i) {
            mesure(n);
        }
        std::vector<double> v;
        for (int i = 0; i < plan.mesures; ++i) {
            v.push_back(mesure(n));
        }
        return bench::statistiques(std::move(v));
    } catch (const std::exception& e) {
        erreur = e.what();
        return std::nullopt;
    }
}

/// tokio : le programme Rust fait lui-même les mesures et rend une ligne
/// « ECHANTILLONS ns ns ns ... » (ns par tâche, une valeur par mesure).
std::optional<bench::Stats> mesure_tokio(const std::string& exe, std::size_t n, Plan plan,
                                         std::string& erreur) {
    int code = 0;
    std::string sortie = bench::executer(
        std::string(bench::REGLAGE_GLIBC) + " " + bench::cite(exe) + " spawn " + std::to_string(n) +
            " " + std::to_string(plan.echauffements) + " " + std::to_string(plan.mesures),
        code);
    auto ligne = bench::ligne_apres(sortie, "ECHANTILLONS ");
    if (code != 0 || !ligne) {
        erreur = "le programme tokio a échoué (code " + std::to_string(code) + ")";
        return std::nullopt;
    }
    return bench::statistiques(bench::nombres(*ligne));
}

std::string cellule(const std::optional<bench::Stats>& s) {
    if (!s) {
        return "échec";
    }
    return bench::nombre(s->mediane, 1) + " (" + bench::nombre(s->min, 1) + ")";
}

} // namespace

int main(int argc, char** argv) {
    bench::garder_la_memoire();
    const bool rapide = bench::option_rapide(argc, argv);
    const std::size_t petit = rapide ? 1'000 : 10'000;
    const std::size_t grand = rapide ? 10'000 : 100'000;
    const Plan plan = rapide ? Plan{0, 1} : Plan{1, 9};
    const Plan plan_threads = rapide ? Plan{0, 1} : Plan{1, 5};

    bench::afficher_machine(
        "spawn + join de tâches vides (article : « Mesurer les performances »)");
    std::cout << "Méthode      : " << plan.echauffements << " échauffement(s) + " << plan.mesures
              << " mesure(s) (std::thread : " << plan_threads.mesures
              << ") ; médiane (minimum) en ns par tâche ; malloc sans restitution au noyau"
              << (rapide ? " ; mode --rapide" : "") << "\n\n"
              << std::flush;

    struct Ligne {
        std::string nom;
        std::optional<bench::Stats> petit, grand;
        std::string erreur;
    };
    std::vector<Ligne> lignes;

    // `--seul MOT` : ne mesurer que les lignes dont le nom contient MOT (pour profiler).
    std::string seul;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string_view(argv[i]) == "--seul") {
            seul = argv[i + 1];
        }
    }
    auto retenue = [&](const std::string& nom) {
        return seul.empty() || nom.find(seul) != std::string::npos;
    };
    auto mesurer = [&](std::string nom, auto fonction, bool avec_grand, Plan p) {
        if (!retenue(nom)) {
            return;
        }
        Ligne l{std::move(nom), {}, {}, {}};
        l.petit = repeter(fonction, petit, p, l.erreur);
        if (avec_grand) {
            l.grand = repeter(fonction, grand, p, l.erreur);
        }
        lignes.push_back(std::move(l));
    };

    mesurer("rt current_thread (ce cours)", mesure_rt, true, plan);
    mesurer("Asio co_spawn + use_promise (handle)", mesure_asio_promise, true, plan);
    mesurer("Asio co_spawn + compteur (join global)", mesure_asio_compteur, true, plan);

    std::string raison_tokio;
    auto tokio = bench::programme_tokio(raison_tokio);
    if (tokio && retenue("tokio current_thread")) {
        Ligne l{"tokio current_thread", {}, {}, {}};
        l.petit = mesure_tokio(*tokio, petit, plan, l.erreur);
        l.grand = mesure_tokio(*tokio, grand, plan, l.erreur);
        lignes.push_back(std::move(l));
    }

    mesurer("std::thread (créer + join)", mesure_threads, false, plan_threads);

    const std::string col_petit = bench::nombre(static_cast<double>(petit)) + " tâches";
    const std::string col_grand = bench::nombre(static_cast<double>(grand)) + " tâches";
    bench::Tableau tableau({"Implémentation", col_petit + " : ns/tâche", "rt ÷ ligne",
                            col_grand + " : ns/tâche", "rt ÷ ligne"});
    auto trouver = [&](std::string_view morceau) -> const Ligne* {
        for (const auto& l : lignes) {
            if (l.nom.find(morceau) != std::string::npos) {
                return &l;
            }
        }
        return nullptr;
    };
    const Ligne* rt_ligne = trouver("rt current_thread");
    for (const auto& l : lignes) {
        auto ratio = [&](std::optional<bench::Stats> Ligne::*colonne) -> std::string {
            if (&l == rt_ligne) {
                return "1×";
            }
            const auto& rt_s = rt_ligne ? rt_ligne->*colonne : std::nullopt;
            const auto& s = l.*colonne;
            return rt_s && s ? bench::rapport(rt_s->mediane, s->mediane) : "—";
        };
        tableau.ligne({l.nom, cellule(l.petit), ratio(&Ligne::petit),
                       l.grand ? cellule(l.grand) : "—", ratio(&Ligne::grand)});
    }
    tableau.afficher();
    if (!tokio) {
        std::cout << "\ntokio : non disponible (" << raison_tokio << ")\n";
    }
    for (const auto& l : lignes) {
        if (!l.erreur.empty()) {
            std::cout << "Erreur pour « " << l.nom << " » : " << l.erreur << "\n";
        }
    }

    // L'objectif du cours : rt au plus 0,25 × le temps d'Asio (handle par tâche) par tâche.
    const Ligne* asio_ligne = trouver("use_promise");
    if (rt_ligne && asio_ligne) {
        std::cout << "\nObjectif : rt ≤ 0,25 × Asio (use_promise) par tâche\n";
        for (auto colonne : {&Ligne::petit, &Ligne::grand}) {
            const auto& rt_s = rt_ligne->*colonne;
            const auto& asio_s = asio_ligne->*colonne;
            if (!rt_s || !asio_s) {
                continue;
            }
            bool ok = rt_s->mediane <= 0.25 * asio_s->mediane;
            std::size_t n = colonne == &Ligne::petit ? petit : grand;
            std::cout << "  " << bench::nombre(static_cast<double>(n))
                      << " tâches : " << bench::nombre(rt_s->mediane, 1) << " ns contre "
                      << bench::nombre(asio_s->mediane, 1) << " ns → "
                      << bench::rapport(rt_s->mediane, asio_s->mediane)
                      << (ok ? " : atteint" : " : NON atteint") << "\n";
        }
    }
    std::cout << "(Les rapports « rt ÷ ligne » comparent les médianes ; < 1× : rt est plus "
                 "rapide.)\n";
    // Le code de sortie ne dépend pas de l'objectif : un benchmark mesure, il ne juge pas.
    bool erreur = false;
    for (const auto& l : lignes) {
        erreur = erreur || !l.erreur.empty();
    }
    return erreur ? 1 : 0;
}
