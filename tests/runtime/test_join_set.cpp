// rt::JoinSet : résultats dans l'ordre de fin, échecs, annulation.
#define BOOST_TEST_MODULE rt_join_set
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/sentinelle.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace std::chrono_literals;

using support::Sentinelle;

BOOST_AUTO_TEST_CASE(join_next_dans_l_ordre_de_fin) {
    std::vector<int> ordre;
    rt::block_on([&]() -> rt::Task<void> {
        rt::JoinSet<int> set;
        for (int ms : {30, 10, 20, 0}) {
            set.spawn([ms]() -> rt::Task<int> {
                co_await rt::time::sleep(std::chrono::milliseconds(ms));
                co_return ms;
            });
        }
        BOOST_TEST(set.len() == 4u);
        while (auto r = co_await set.join_next()) {
            ordre.push_back(r->value());
        }
        BOOST_TEST(set.is_empty());
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 10, 20, 30}));
}

BOOST_AUTO_TEST_CASE(ensemble_vide_rend_nullopt) {
    rt::block_on([]() -> rt::Task<void> {
        rt::JoinSet<void> set;
        auto r = co_await set.join_next();
        BOOST_TEST(!r.has_value());
    }());
}

BOOST_AUTO_TEST_CASE(une_tache_qui_echoue_ne_gache_pas_les_autres) {
    int succes = 0;
    int paniques = 0;
    rt::block_on([&]() -> rt::Task<void> {
        rt::JoinSet<int> set;
        for (int i = 0; i < 5; ++i) {
            set.spawn([i]() -> rt::Task<int> {
                co_await rt::time::sleep(std::chrono::milliseconds(i));
                if (i == 2) {
                    throw std::runtime_error("échec de la tâche 2");
                }
                co_return i;
            });
        }
        while (auto r = co_await set.join_next()) {
            if (r->has_value()) {
                ++succes;
            } else if (r->error().is_panic()) {
                ++paniques;
            }
        }
    }());
    BOOST_TEST(succes == 4);
    BOOST_TEST(paniques == 1);
}

BOOST_AUTO_TEST_CASE(abort_all_annule_tout) {
    auto vivants = support::nouveau_compteur();
    rt::block_on([&]() -> rt::Task<void> {
        rt::JoinSet<int> set;
        for (int i = 0; i < 10; ++i) {
            set.spawn([s = Sentinelle(vivants)]() -> rt::Task<int> {
                co_await rt::time::sleep(1h);
                co_return 1;
            });
        }
        co_await rt::task::yield_now(); // certaines ont démarré, d'autres non : peu importe
        set.abort_all();
        int annulees = 0;
        while (auto r = co_await set.join_next()) {
            annulees += (!r->has_value() && r->error().is_cancelled()) ? 1 : 0;
        }
        BOOST_TEST(annulees == 10);
        BOOST_TEST(*vivants == 0);
    }());
}

BOOST_AUTO_TEST_CASE(abort_avant_demarrage_ne_bloque_pas_join_next) {
    rt::block_on([]() -> rt::Task<void> {
        rt::JoinSet<void> set;
        set.spawn([]() -> rt::Task<void> { co_return; });
        set.abort_all(); // jamais exécutée : le notificateur vit dans la lambda
        auto r = co_await set.join_next();
        BOOST_TEST(r.has_value());
        // current_thread : jamais exécutée, donc annulée ; multi_thread : un worker a pu la
        // terminer avant l'abort. Dans les deux cas, join_next ne bloque pas.
        BOOST_TEST((r->has_value() || r->error().is_cancelled()));
    }());
}

BOOST_AUTO_TEST_CASE(detruire_l_ensemble_annule_ses_taches) {
    std::atomic<bool> finie = false;
    rt::block_on([&]() -> rt::Task<void> {
        // `detruite` se ferme quand la capture `tx` est détruite sans avoir rien envoyé :
        // c'est la preuve, sans pause, que la tâche a été détruite (sur n'importe quel worker).
        auto demarree = rt::sync::oneshot::channel<int>();
        auto detruite = rt::sync::oneshot::channel<int>();
        {
            rt::JoinSet<void> set;
            set.spawn([&, debut = std::move(demarree.first),
                       tx = std::move(detruite.first)]() mutable -> rt::Task<void> {
                (void)debut.send(1);
                co_await rt::time::sleep(1h); // ne finit que si l'abort est perdu
                finie = true;
            });
            (void)co_await demarree.second;
        } // ~JoinSet : abort
        auto r = co_await detruite.second;
        BOOST_TEST(!r.has_value(), "la tâche a été détruite sans finir");
    }());
    BOOST_TEST(!finie);
}

BOOST_AUTO_TEST_CASE(dix_mille_taches_dans_un_ensemble) {
    long long somme = rt::block_on([]() -> rt::Task<long long> {
        rt::JoinSet<int> set;
        for (int i = 0; i < 10'000; ++i) {
            set.spawn([i]() -> rt::Task<int> {
                co_await rt::task::yield_now();
                co_return i;
            });
        }
        long long s = 0;
        while (auto r = co_await set.join_next()) {
            s += r->value();
        }
        co_return s;
    }());
    BOOST_TEST(somme == 10'000LL * 9'999 / 2);
}

BOOST_AUTO_TEST_CASE(forme_task_acceptee_dans_un_ensemble) {
    auto calcul = [](int x) -> rt::Task<int> { co_return x* x; };
    rt::block_on([&]() -> rt::Task<void> {
        rt::JoinSet<int> set;
        set.spawn(calcul(7));
        auto r = co_await set.join_next();
        BOOST_TEST(r->value() == 49);
    }());
}
