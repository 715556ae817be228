// Ce que la leçon du chapitre 10 affirme, vérifié (label « exemples », non noté).
//
// Le compteur de tâches actives de l'article (fetch_add au début, fetch_sub à la fin) dérive
// dès qu'une tâche est annulée : abort(), branche perdante d'un select / timeout, arrêt du
// runtime. Le garde RAII de la leçon reste juste dans les trois cas. Les métriques du runtime
// comptent lancements, tâches vivantes, passages et vols ; les traces nomment les tâches.
#define BOOST_TEST_MODULE "Chapitre 10 : ce que la leçon affirme"
#include <boost/test/unit_test.hpp>

#include <support/attendre.hpp>
#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "garde_compteur.hpp"

namespace {

using namespace std::chrono_literals;
using Compteur = std::atomic<std::size_t>;

/// La tâche de l'article : compte à la main.
rt::Task<void> a_la_main(Compteur& c, rt::time::Duration d) {
    c.fetch_add(1, std::memory_order_relaxed);
    co_await rt::time::sleep(d);
    c.fetch_sub(1, std::memory_order_relaxed);
}

/// La même, avec le garde RAII de la leçon.
rt::Task<void> avec_garde(Compteur& c, rt::time::Duration d) {
    lecon::GardeCompteur garde(c);
    co_await rt::time::sleep(d);
}

using Fabrique = rt::Task<void> (*)(Compteur&, rt::time::Duration);

/// 6 tâches d'une heure, 3 annulées par abort(), les 3 autres aussi ; rend le compteur final.
std::size_t apres_abort(Fabrique f) {
    Compteur c{0};
    rt::block_on([](Compteur& c, Fabrique f) -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 6; ++i) {
            hs.push_back(rt::spawn(f(c, 1h)));
        }
        co_await support::attendre_que([&] { return c.load() == 6; });
        for (auto& h : hs) {
            h.abort();
        }
        for (auto& h : hs) {
            (void)co_await h;
        }
    }(c, f));
    return c.load();
}

std::size_t apres_timeout(Fabrique f) {
    Compteur c{0};
    rt::block_on([](Compteur& c, Fabrique f) -> rt::Task<void> {
        auto r = co_await rt::time::timeout(1ms, f(c, 1h));
        BOOST_TEST(!r.has_value(), "le délai devait s'écouler");
    }(c, f));
    return c.load();
}

std::size_t apres_arret(Fabrique f) {
    Compteur c{0};
    {
        rt::Runtime runtime = rt::Builder::from_env().build();
        runtime.block_on([](Compteur& c, Fabrique f) -> rt::Task<void> {
            for (int i = 0; i < 4; ++i) {
                (void)rt::spawn(f(c, 1h));
            }
            co_await support::attendre_que([&] { return c.load() == 4; });
        }(c, f));
    }
    return c.load();
}

} // namespace

BOOST_AUTO_TEST_CASE(ch10_compteur_de_l_article_derive_sous_abort) {
    support::ChienDeGarde garde(20s, "abort() de tâches endormies ne rend pas la main");
    BOOST_TEST(apres_abort(a_la_main) == 6u,
               "les 6 tâches annulées n'ont jamais exécuté leur fetch_sub : le compteur reste à 6");
    BOOST_TEST(apres_abort(avec_garde) == 0u, "le garde RAII décompte à l'annulation");
}

BOOST_AUTO_TEST_CASE(ch10_compteur_de_l_article_derive_sous_timeout) {
    support::ChienDeGarde garde(20s, "timeout ne rend pas la main");
    BOOST_TEST(apres_timeout(a_la_main) == 1u,
               "la coroutine abandonnée par timeout est détruite avant son fetch_sub");
    BOOST_TEST(apres_timeout(avec_garde) == 0u);
}

BOOST_AUTO_TEST_CASE(ch10_compteur_de_l_article_derive_a_l_arret_du_runtime) {
    support::ChienDeGarde garde(20s, "l'arrêt du runtime ne rend pas la main");
    BOOST_TEST(apres_arret(a_la_main) == 4u,
               "les tâches détruites à l'arrêt du runtime n'ont pas décompté");
    BOOST_TEST(apres_arret(avec_garde) == 0u);
}

BOOST_AUTO_TEST_CASE(ch10_metriques_comptent_lancements_vivantes_et_passages) {
    support::ChienDeGarde garde(20s, "des tâches qui cèdent une fois ne finissent pas");
    rt::block_on([]() -> rt::Task<void> {
        const rt::RuntimeMetrics avant = rt::Handle::current().metrics();
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 50; ++i) {
            hs.push_back(rt::spawn([]() -> rt::Task<void> { co_await rt::task::yield_now(); }));
        }
        const rt::RuntimeMetrics pendant = rt::Handle::current().metrics();
        BOOST_TEST(pendant.spawned_tasks_count - avant.spawned_tasks_count == 50u);
        for (auto& h : hs) {
            (void)co_await h;
        }
        const rt::RuntimeMetrics apres = rt::Handle::current().metrics();
        BOOST_TEST(apres.num_alive_tasks == avant.num_alive_tasks,
                   "les 50 tâches sont finies : plus vivantes");
        // Chaque tâche passe au moins deux fois : avant et après son yield_now.
        BOOST_TEST(apres.total_poll_count() - avant.total_poll_count() >= 100u);
        BOOST_TEST(apres.workers.size() == apres.num_workers);
    }());
}

BOOST_AUTO_TEST_CASE(ch10_metriques_voient_les_vols_sur_multi_thread) {
    support::ChienDeGarde garde(30s, "aucun vol observé sur 2 workers en 30 s");
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
    runtime.block_on([]() -> rt::Task<void> {
        // Lancées depuis un worker, les tâches vont dans SA file : l'autre doit voler.
        auto vague = []() -> rt::Task<void> {
            std::vector<rt::JoinHandle<void>> hs;
            for (int i = 0; i < 64; ++i) {
                hs.push_back(rt::spawn([]() -> rt::Task<void> {
                    const auto fin = std::chrono::steady_clock::now() + 100us;
                    while (std::chrono::steady_clock::now() < fin) {
                    }
                    co_return;
                }));
            }
            for (auto& h : hs) {
                (void)co_await h;
            }
        };
        while (rt::Handle::current().metrics().total_steal_count() == 0) {
            (void)co_await rt::spawn(vague());
        }
        const rt::RuntimeMetrics m = rt::Handle::current().metrics();
        std::uint64_t operations = 0;
        for (const auto& w : m.workers) {
            operations += w.steal_operations;
        }
        BOOST_TEST(operations >= 1u);
        BOOST_TEST(m.total_steal_count() >= operations, "un vol prend au moins une tâche");
    }());
}

BOOST_AUTO_TEST_CASE(ch10_trace_nomme_les_taches) {
    support::ChienDeGarde garde(20s, "un runtime tracé ne s'arrête pas");
    const std::string chemin =
        "/tmp/ch10_trace_" + std::to_string(static_cast<long>(::getpid())) + ".json";
    {
        rt::Runtime runtime = rt::Builder::current_thread().trace(chemin).build();
        runtime.block_on([]() -> rt::Task<void> {
            auto h = rt::spawn_named("tâche de la leçon 10", []() -> rt::Task<int> {
                co_await rt::task::yield_now();
                co_return 10;
            });
            (void)co_await h;
        }());
    } // le dernier runtime détruit écrit le fichier
    std::ifstream f(chemin);
    BOOST_REQUIRE_MESSAGE(f.good(), "le fichier de trace n'a pas été écrit");
    std::stringstream contenu;
    contenu << f.rdbuf();
    const std::string texte = contenu.str();
    std::remove(chemin.c_str());
    BOOST_TEST(texte.find("traceEvents") != std::string::npos);
    BOOST_TEST(texte.find("tâche de la leçon 10") != std::string::npos,
               "spawn_named : le nom doit apparaître dans la trace");
    BOOST_TEST(texte.find("\"poll\"") != std::string::npos, "des passages sont enregistrés");
}
