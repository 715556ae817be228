// Charge : les perdantes d'un select ou d'un timeout réveillées depuis un autre thread, au
// moment même où l'attente se termine. Un réveil en retard ne doit jamais terminer la
// suspension suivante (sleep trop court, co_await handle avant la fin de la tâche, verrou
// rendu sans être passé), ni toucher une branche ou un select déjà détruit.
#define BOOST_TEST_MODULE stress_select_timeout
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/runtime_sur_un_thread.hpp>

#include "commun.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

using namespace std::chrono_literals;
using Horloge = std::chrono::steady_clock;

namespace {

constexpr int TOURS = 1500;

/// Une durée au hasard entre 0 et `max_us` microsecondes.
std::chrono::microseconds au_hasard(std::mt19937_64& alea, int max_us) {
    return std::chrono::microseconds(static_cast<long>(alea() % static_cast<unsigned>(max_us)));
}

/// Un sleep qui suit doit durer au moins ce qu'on lui a demandé.
rt::Task<void> verifier_sleep_pas_trop_court() {
    const auto debut = Horloge::now();
    co_await rt::time::sleep(300us);
    BOOST_TEST_REQUIRE((Horloge::now() - debut >= 300us));
}

} // namespace

BOOST_AUTO_TEST_CASE(select_sur_une_tache_d_un_autre_runtime) {
    support::ChienDeGarde garde(120s, "select contre une tâche d'un autre runtime bloqué");
    support::RuntimeSurUnThread autre;
    auto alea = stress::generateur("select_sur_une_tache_d_un_autre_runtime");
    rt::block_on([&]() -> rt::Task<void> {
        for (int tour = 0; tour < TOURS; ++tour) {
            const auto d = au_hasard(alea, 200);
            auto h = autre.handle().spawn([d]() -> rt::Task<int> {
                co_await rt::time::sleep(d);
                co_return 5;
            });
            // La tâche finit sur l'autre thread à peu près quand notre délai tombe : sa fin
            // réveille la branche perdante pendant que le select la détruit.
            auto r = co_await rt::select(h, rt::time::sleep(au_hasard(alea, 200)));
            if (r.index() == 0) {
                BOOST_TEST_REQUIRE(std::get<0>(r).value() == 5);
            }
            co_await verifier_sleep_pas_trop_court();
            if (r.index() == 1) {
                auto fin = co_await h; // attendre vraiment : la tâche n'a pas été annulée
                BOOST_TEST_REQUIRE(h.is_finished());
                BOOST_TEST_REQUIRE(fin.value() == 5);
            }
        }
    }());
}

BOOST_AUTO_TEST_CASE(timeout_sur_un_verrou_rendu_par_un_autre_runtime) {
    support::ChienDeGarde garde(120s, "timeout sur un verrou partagé entre runtimes bloqué");
    support::RuntimeSurUnThread autre;
    auto alea = stress::generateur("timeout_sur_un_verrou_rendu_par_un_autre_runtime");
    rt::sync::Mutex<int> verrou(0);
    std::atomic<int> detenteurs{0};
    std::atomic<bool> fin{false};
    std::atomic<int> violations{0}; // Boost.Test ne se lit que depuis le thread du test
    // Sur l'autre runtime : prendre le verrou, le garder un peu, le rendre, recommencer.
    auto rival = autre.handle().spawn([&]() -> rt::Task<int> {
        auto alea_rival = stress::generateur("rival");
        int tours = 0;
        while (!fin.load()) {
            auto garde_verrou = co_await verrou.lock();
            if (detenteurs.fetch_add(1) != 0) { // exclusion mutuelle
                violations.fetch_add(1);
            }
            co_await rt::time::sleep(au_hasard(alea_rival, 100));
            detenteurs.fetch_sub(1);
            ++tours;
        }
        co_return tours;
    });
    rt::block_on([&]() -> rt::Task<void> {
        int obtenus = 0;
        for (int tour = 0; tour < TOURS; ++tour) {
            auto r = co_await rt::time::timeout(au_hasard(alea, 150), verrou.lock());
            if (r) {
                BOOST_TEST_REQUIRE(detenteurs.fetch_add(1) == 0);
                ++**r;
                detenteurs.fetch_sub(1);
                ++obtenus;
            }
            co_await verifier_sleep_pas_trop_court();
        }
        BOOST_TEST(obtenus > 0);
    }());
    fin = true;
    // Le rival finit son tour et s'arrête ; son handle est lâché (la tâche se termine seule).
    while (!rival.is_finished()) {
        std::this_thread::yield();
    }
    BOOST_TEST(violations.load() == 0);
}

BOOST_AUTO_TEST_CASE(timeout_sur_un_join_handle_d_un_autre_runtime) {
    support::ChienDeGarde garde(120s, "timeout sur un JoinHandle d'un autre runtime bloqué");
    support::RuntimeSurUnThread autre;
    auto alea = stress::generateur("timeout_sur_un_join_handle_d_un_autre_runtime");
    rt::block_on([&]() -> rt::Task<void> {
        for (int tour = 0; tour < TOURS; ++tour) {
            const auto d = au_hasard(alea, 200);
            auto fini = std::make_shared<std::atomic<bool>>(false);
            auto h = autre.handle().spawn([d, fini]() -> rt::Task<int> {
                co_await rt::time::sleep(d);
                fini->store(true);
                co_return 9;
            });
            auto r = co_await rt::time::timeout(au_hasard(alea, 200), h);
            if (r) {
                BOOST_TEST_REQUIRE(fini->load()); // jamais repris avant la fin de la tâche
                BOOST_TEST_REQUIRE(r->value() == 9);
            }
            co_await verifier_sleep_pas_trop_court();
        }
    }());
}
