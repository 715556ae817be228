// rt::select : la première branche terminée gagne, les autres sont détruites.
#define BOOST_TEST_MODULE rt_select
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/attendre.hpp>
#include <support/chien_de_garde.hpp>
#include <support/sentinelle.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;

using support::Sentinelle;

namespace {

rt::Task<int> attendre_puis_rendre(std::chrono::milliseconds d, int v, support::Compteur vivants) {
    Sentinelle s(std::move(vivants));
    co_await rt::time::sleep(d);
    co_return v;
}
} // namespace

BOOST_AUTO_TEST_CASE(la_premiere_terminee_gagne) {
    auto vivants = support::nouveau_compteur();
    rt::block_on([&]() -> rt::Task<void> {
        auto r = co_await rt::select(attendre_puis_rendre(1h, 1, vivants),
                                     attendre_puis_rendre(2ms, 2, vivants));
        BOOST_TEST(r.index() == 1u);
        BOOST_TEST(std::get<1>(r) == 2);
        // La perdante a été détruite à son point de suspension, sa minuterie retirée.
        BOOST_TEST(*vivants == 0);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(branche_prete_tout_de_suite) {
    bool seconde_demarree = false;
    rt::block_on([&]() -> rt::Task<void> {
        auto immediate = []() -> rt::Task<int> { co_return 7; };
        auto seconde = [&]() -> rt::Task<void> {
            seconde_demarree = true;
            co_await rt::time::sleep(1h);
        };
        auto r = co_await rt::select(immediate(), seconde());
        BOOST_TEST(r.index() == 0u);
        BOOST_TEST(std::get<0>(r) == 7);
    }());
    // Branches démarrées dans l'ordre : la première a fini avant que la seconde démarre.
    BOOST_TEST(!seconde_demarree);
}

BOOST_AUTO_TEST_CASE(select_avec_sleep_comme_delai) {
    rt::block_on([]() -> rt::Task<void> {
        // La tâche attend un feu vert qui ne vient qu'après le select : le délai gagne
        // forcément, quelle que soit la vitesse de la machine.
        auto [feu_vert, attendre_feu] = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([rx = std::move(attendre_feu)]() mutable -> rt::Task<int> {
            co_return (co_await rx).value();
        });
        auto r = co_await rt::select(h, rt::time::sleep(2ms));
        BOOST_TEST(r.index() == 1u); // le délai gagne
        // h était une lvalue : seule l'attente a été abandonnée, la tâche continue.
        BOOST_TEST(!h.is_finished());
        (void)feu_vert.send(5);
        auto fin = co_await h;
        BOOST_TEST(fin.value() == 5);
    }());
}

BOOST_AUTO_TEST_CASE(exception_de_la_gagnante_propagee) {
    rt::block_on([]() -> rt::Task<void> {
        auto echoue = []() -> rt::Task<int> {
            co_await rt::time::sleep(1ms);
            throw std::runtime_error("branche en échec");
        };
        BOOST_CHECK_THROW((void)co_await rt::select(echoue(), rt::time::sleep(1h)),
                          std::runtime_error);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(branches_qui_cedent_la_main) {
    rt::block_on([]() -> rt::Task<void> {
        auto compte = [](int n) -> rt::Task<int> {
            for (int i = 0; i < n; ++i) {
                co_await rt::task::yield_now();
            }
            co_return n;
        };
        auto r = co_await rt::select(compte(50), compte(10), compte(30));
        BOOST_TEST(r.index() == 1u);
        BOOST_TEST(std::get<1>(r) == 10);
    }());
}

BOOST_AUTO_TEST_CASE(parent_annule_pendant_le_select) {
    auto vivants = support::nouveau_compteur();
    rt::block_on([&]() -> rt::Task<void> {
        auto h = rt::spawn([&]() -> rt::Task<void> {
            (void)co_await rt::select(attendre_puis_rendre(1h, 1, vivants),
                                      attendre_puis_rendre(1h, 2, vivants));
        });
        co_await support::attendre_que([&] { return *vivants == 2; }); // les deux branches dorment
        h.abort();
        auto r = co_await h;
        BOOST_TEST(r.error().is_cancelled());
        BOOST_TEST(*vivants == 0); // les deux branches ont été détruites avec le parent
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(branches_void_et_timeout_imbrique) {
    rt::block_on([]() -> rt::Task<void> {
        auto r =
            co_await rt::select(rt::time::sleep(1h), rt::time::timeout(1ms, rt::time::sleep(1h)));
        BOOST_TEST(r.index() == 1u);
        BOOST_TEST(!std::get<1>(r).has_value()); // le timeout intérieur a expiré
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(reveil_d_une_branche_depuis_un_autre_thread) {
    // La branche attend une tâche d'un autre runtime (autre thread) ; sa fin réveille la
    // branche, donc la tâche parente, garée dans poll(2).
    std::atomic<bool> arret{false};
    std::promise<rt::Handle> promesse;
    auto futur = promesse.get_future();
    std::thread autre([&] {
        rt::block_on([&]() -> rt::Task<void> {
            promesse.set_value(rt::Handle::current());
            while (!arret.load()) {
                co_await rt::time::sleep(1ms);
            }
        }());
    });
    rt::Handle distant = futur.get();
    rt::block_on([&]() -> rt::Task<void> {
        auto h = distant.spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(3ms);
            co_return 11;
        });
        auto r = co_await rt::select(h, rt::time::sleep(1h));
        BOOST_TEST(r.index() == 0u);
        BOOST_TEST(std::get<0>(r).value() == 11);
    }());
    arret = true;
    autre.join();
}

// --- Régressions : un réveil ne termine que la suspension pour laquelle il a été émis -------

BOOST_AUTO_TEST_CASE(reveil_de_branche_ne_reprend_pas_la_suspension_suivante) {
    // Une branche qui cède la main réveille la tâche parente pendant que celle-ci exécute les
    // branches. Ce réveil ne doit pas terminer la suspension suivante de la parente : le
    // sleep qui suit le select durerait 0 ms.
    rt::block_on([]() -> rt::Task<void> {
        auto cede_puis_rend = []() -> rt::Task<int> {
            co_await rt::task::yield_now();
            co_return 1;
        };
        auto r = co_await rt::select(cede_puis_rend(), rt::time::sleep(1h));
        BOOST_TEST(r.index() == 0u);
        const auto debut = std::chrono::steady_clock::now();
        co_await rt::time::sleep(30ms);
        BOOST_TEST((std::chrono::steady_clock::now() - debut >= 30ms));
    }());
}

BOOST_AUTO_TEST_CASE(branche_qui_cede_sans_fin_ne_bloque_pas_le_runtime) {
    // select(boucle de yield_now, autre branche) : la parente doit rendre la main au
    // planificateur entre deux tours, sinon ni les autres tâches ni les minuteries ne tournent.
    // L'autre branche attend justement les deux : une autre tâche, puis une minuterie. Elle ne
    // peut gagner que si elles ont tourné (et sans rien supposer de la durée d'un tour).
    support::ChienDeGarde garde(10s, "select(boucle de yield_now, sleep) ne rend jamais la main");
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> { co_return 3; });
        auto boucle = []() -> rt::Task<void> {
            for (;;) {
                co_await rt::task::yield_now();
            }
        };
        auto autre_tache_puis_minuterie = [&h]() -> rt::Task<int> {
            auto valeur = (co_await h).value();
            co_await rt::time::sleep(1ms);
            co_return valeur;
        };
        auto r = co_await rt::select(boucle(), autre_tache_puis_minuterie());
        BOOST_TEST_REQUIRE(r.index() == 1u);
        BOOST_TEST(std::get<1>(r) == 3);
    }());
}
