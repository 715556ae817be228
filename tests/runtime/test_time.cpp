// rt::time : sleep, timeout, interval.
#define BOOST_TEST_MODULE rt_time
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

#include <support/sentinelle.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

BOOST_AUTO_TEST_CASE(sleep_jamais_trop_court) {
    rt::block_on([]() -> rt::Task<void> {
        for (auto d : {1ms, 5ms, 12ms}) {
            auto debut = Clock::now();
            co_await rt::time::sleep(d);
            BOOST_TEST((Clock::now() - debut >= d),
                       "sleep(" << d.count() << " ms) a rendu trop tôt");
        }
    }());
}

BOOST_AUTO_TEST_CASE(reveils_dans_l_ordre_des_echeances) {
    // L'ordre des passages après les réveils : observable sur current_thread seulement.
    std::vector<int> ordre;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int ms : {30, 10, 20, 0, 25, 5}) {
            hs.push_back(rt::spawn([&ordre, ms]() -> rt::Task<void> {
                co_await rt::time::sleep(std::chrono::milliseconds(ms));
                ordre.push_back(ms);
            }));
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 5, 10, 20, 25, 30}));
}

BOOST_AUTO_TEST_CASE(echeances_egales_dans_l_ordre_d_inscription) {
    // Les réveils sont dans l'ordre d'inscription ; l'ordre des *passages* qui les suivent
    // n'est observable que sur current_thread (plusieurs workers les exécutent en parallèle).
    std::vector<int> ordre;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto echeance = Clock::now() + 5ms;
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 5; ++i) {
            hs.push_back(rt::spawn([&ordre, i, echeance]() -> rt::Task<void> {
                co_await rt::time::sleep_until(echeance);
                ordre.push_back(i);
            }));
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(sleep_until_passe_ne_suspend_pas) {
    rt::block_on([]() -> rt::Task<void> {
        co_await rt::time::sleep_until(Clock::now() - 1s);
        co_await rt::time::sleep(0ms);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(timeout_reussi_rend_la_valeur) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(1ms);
            co_return 5;
        });
        auto r = co_await rt::time::timeout(10s, h);
        BOOST_TEST(r.has_value());
        BOOST_TEST(r->has_value());
        BOOST_TEST(**r == 5);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u); // minuterie désinscrite
    }());
}

// L'article affiche « Timeout : tâche annulée ». C'est faux : le délai écoulé abandonne
// l'*attente*, pas la tâche. La tâche continue et finit son travail.
BOOST_AUTO_TEST_CASE(timeout_n_annule_pas_la_tache_attendue) {
    std::atomic<bool> tache_finie = false;
    rt::block_on([&]() -> rt::Task<void> {
        // La tâche attend un feu vert donné après le délai : le délai s'écoule forcément avant
        // qu'elle finisse, quelle que soit la vitesse de la machine.
        auto [feu_vert, attendre_feu] = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([&, rx = std::move(attendre_feu)]() mutable -> rt::Task<const char*> {
            (void)co_await rx;
            tache_finie = true;
            co_return "Tâche très longue terminée";
        });
        auto r = co_await rt::time::timeout(5ms, h);
        BOOST_TEST(!r.has_value(), "le délai aurait dû s'écouler");
        BOOST_TEST(!h.is_finished());
        // La tâche tourne toujours : on peut encore l'attendre, et elle réussit.
        (void)feu_vert.send(1);
        auto fin = co_await h;
        BOOST_TEST(fin.has_value());
        BOOST_TEST(std::string(*fin) == "Tâche très longue terminée");
    }());
    BOOST_TEST(tache_finie);
}

BOOST_AUTO_TEST_CASE(timeout_sur_handle_deplace_detache_la_tache) {
    rt::block_on([&]() -> rt::Task<void> {
        auto [feu_vert, attendre_feu] = rt::sync::oneshot::channel<int>();
        auto [fini, attendre_fin] = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn(
            [rx = std::move(attendre_feu), tx = std::move(fini)]() mutable -> rt::Task<void> {
                (void)co_await rx;
                (void)tx.send(1);
            });
        // Comme l'article : le handle est donné à timeout, puis abandonné. La tâche est
        // détachée, pas annulée : elle finit quand on lui donne le feu vert.
        auto r = co_await rt::time::timeout(2ms, std::move(h));
        BOOST_TEST(!r.has_value());
        (void)feu_vert.send(1);
        BOOST_TEST((co_await attendre_fin).has_value(), "une tâche annulée n'aurait rien envoyé");
    }());
}

BOOST_AUTO_TEST_CASE(timeout_puis_abort_annule_vraiment) {
    std::atomic<bool> tache_finie = false;
    rt::block_on([&]() -> rt::Task<void> {
        auto h = rt::spawn([&]() -> rt::Task<void> {
            co_await rt::time::sleep(1h);
            tache_finie = true;
        });
        auto r = co_await rt::time::timeout(2ms, h);
        BOOST_TEST(!r.has_value());
        h.abort();
        auto fin = co_await h;
        BOOST_TEST(fin.error().is_cancelled());
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u,
                   "le sommeil annulé est retiré");
    }());
    BOOST_TEST(!tache_finie);
}

BOOST_AUTO_TEST_CASE(timeout_detruit_l_operation_interieure) {
    // Sur une opération qui n'est pas une tâche lancée (ici une coroutine), le délai écoulé
    // la détruit à son point de suspension : ses destructeurs s'exécutent.
    auto vivants = support::nouveau_compteur();
    rt::block_on([&]() -> rt::Task<void> {
        auto longue = [](support::Compteur v) -> rt::Task<int> {
            ++*v;
            struct Garde {
                support::Compteur v;
                ~Garde() { --*v; }
            } garde{v};
            co_await rt::time::sleep(10s);
            co_return 1;
        };
        auto debut = Clock::now();
        auto r = co_await rt::time::timeout(5ms, longue(vivants));
        BOOST_TEST(!r.has_value());
        BOOST_TEST((Clock::now() - debut >= 5ms));
        BOOST_TEST(*vivants == 0);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(timeouts_imbriques) {
    rt::block_on([]() -> rt::Task<void> {
        auto interieur = []() -> rt::Task<int> {
            auto r = co_await rt::time::timeout(10s, rt::time::sleep(10s));
            co_return r ? 1 : 2;
        };
        auto r = co_await rt::time::timeout(3ms, interieur());
        BOOST_TEST(!r.has_value());
        auto r2 = co_await rt::time::timeout(10s, []() -> rt::Task<int> {
            auto x = co_await rt::time::timeout(1ms, rt::time::sleep(10s));
            co_return x ? 1 : 2;
        }());
        BOOST_TEST(r2.has_value());
        BOOST_TEST(*r2 == 2);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(timeout_propage_l_exception) {
    rt::block_on([]() -> rt::Task<void> {
        auto echoue = []() -> rt::Task<int> {
            co_await rt::time::sleep(1ms);
            throw std::runtime_error("raté");
        };
        BOOST_CHECK_THROW((void)co_await rt::time::timeout(1s, echoue()), std::runtime_error);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
    }());
}

BOOST_AUTO_TEST_CASE(interval_premier_tick_immediat_puis_periodique) {
    rt::block_on([]() -> rt::Task<void> {
        const auto avant = Clock::now();
        auto iv = rt::time::interval(5ms);
        const auto apres = Clock::now();
        std::vector<rt::time::Instant> ticks;
        for (int i = 0; i < 4; ++i) {
            ticks.push_back(co_await iv.tick());
        }
        // tick() rend l'échéance prévue, pas l'heure du réveil : des égalités exactes, même
        // sur une machine lente.
        BOOST_TEST((avant <= ticks[0] && ticks[0] <= apres),
                   "le premier tick doit être immédiat (l'instant de la création)");
        for (int i = 1; i < 4; ++i) {
            BOOST_TEST((ticks[i] - ticks[i - 1] == 5ms), "les échéances sont régulières");
        }
        BOOST_TEST((Clock::now() - avant >= 15ms));
    }());
}

BOOST_AUTO_TEST_CASE(interval_rattrape_les_ticks_manques) {
    rt::block_on([]() -> rt::Task<void> {
        auto iv = rt::time::interval(2ms);
        co_await iv.tick();
        co_await rt::time::sleep(9ms); // on prend du retard : 4 ticks manqués
        auto avant = Clock::now();
        for (int i = 0; i < 4; ++i) {
            co_await iv.tick();
        }
        // Rattrapés sans attendre (comportement Burst) : pas de borne haute de temps ici,
        // mais aucune minuterie n'a dû être inscrite.
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u);
        (void)avant;
    }());
}

BOOST_AUTO_TEST_CASE(interval_periode_nulle_refusee) {
    BOOST_CHECK_THROW(rt::time::interval(0ms), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(tick_abandonne_ne_saute_pas_d_echeance) {
    // Comme tokio : un tick perdant d'un select n'avance pas l'intervalle.
    rt::block_on([]() -> rt::Task<void> {
        // La branche gagnante finit au tour suivant (yield_now), après que le tick a inscrit
        // sa minuterie. Seule une machine arrêtée plus de 20 ms entre deux lignes verrait le
        // tick déjà échu : on recommence alors, l'ordre voulu n'ayant pas eu lieu.
        auto tour_suivant = []() -> rt::Task<void> { co_await rt::task::yield_now(); };
        for (;;) {
            const auto debut = Clock::now();
            auto iv = rt::time::interval_at(debut + 20ms, 20ms);
            auto r = co_await rt::select(tour_suivant(), iv.tick());
            if (r.index() == 1u) {
                BOOST_TEST_REQUIRE((Clock::now() >= debut + 20ms), "un tick rendu trop tôt");
                continue;
            }
            auto t = co_await iv.tick();
            BOOST_TEST((t == debut + 20ms),
                       "l'échéance abandonnée doit être rendue au tick suivant");
            auto t2 = co_await iv.tick();
            BOOST_TEST((t2 == debut + 40ms));
            break;
        }
    }());
}
