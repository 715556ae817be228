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

namespace {

/// Une branche qui cède la main sans fin : la parente repasse sans cesse par le select et voit
/// le réveil d'une autre branche dès qu'il est publié (la fenêtre la plus étroite possible).
rt::Task<void> ceder_sans_fin() {
    for (;;) {
        co_await rt::task::yield_now();
    }
}

} // namespace

// Un réveil venu d'un autre worker (un verrou rendu, un message diffusé, un socket prêt)
// termine une branche de select ; la branche gagne, le select se termine et libère ses
// branches aussitôt. Le réveil ne doit jamais toucher une branche (ni l'état du select)
// libérée pendant qu'il est en cours : celui qui réveille tient sa propre référence sur la
// tâche (un Waker sorti de la liste d'attente, voir detail/wake_list.hpp). Sous ASan, ces tests
// échouaient à chaque fois quand le verrou, le canal ou le pilote réveillaient par le Waker
// rangé dans la trame de la branche.

BOOST_AUTO_TEST_CASE(reveil_par_un_verrou_pendant_que_le_select_finit) {
    support::ChienDeGarde garde(120s, "select réveillé par un verrou : bloqué");
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
    rt::sync::Mutex<int> verrou(0);
    runtime.block_on([&]() -> rt::Task<void> {
        int gagnes = 0;
        for (int tour = 0; tour < 20'000; ++tour) {
            auto tenu = rt::sync::oneshot::channel<int>();
            auto rendre = rt::sync::oneshot::channel<int>();
            auto detenteur = rt::spawn([&verrou, tx = std::move(tenu.first),
                                        rx = std::move(rendre.second)]() mutable -> rt::Task<void> {
                auto g = co_await verrou.lock();
                (void)tx.send(1);
                (void)co_await rx; // rendu sur ce worker-ci, pendant que la parente tourne
            });
            (void)co_await tenu.second;
            (void)rendre.first.send(1);
            auto r = co_await rt::select(verrou.lock(), ceder_sans_fin());
            gagnes += r.index() == 0 ? 1 : 0;
            co_await detenteur;
        }
        BOOST_TEST(gagnes == 20'000);
    }());
}

BOOST_AUTO_TEST_CASE(reveil_par_un_message_pendant_que_le_select_finit) {
    support::ChienDeGarde garde(120s, "select réveillé par un message : bloqué");
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
    runtime.block_on([&]() -> rt::Task<void> {
        int gagnes = 0;
        for (int tour = 0; tour < 20'000; ++tour) {
            auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
            auto emetteur = rt::spawn([tx = std::move(tx)]() mutable -> rt::Task<void> {
                co_await rt::task::yield_now();
                (void)tx.send(1);
            });
            auto r = co_await rt::select(rx.recv(), ceder_sans_fin());
            gagnes += r.index() == 0 ? 1 : 0;
            co_await emetteur;
        }
        BOOST_TEST(gagnes == 20'000);
    }());
}

BOOST_AUTO_TEST_CASE(reveil_par_le_reacteur_pendant_que_le_select_finit) {
    support::ChienDeGarde garde(120s, "select réveillé par un socket : bloqué");
    for (auto kind : {rt::ReactorKind::Poll, rt::ReactorKind::Epoll}) {
        rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).reactor(kind).build();
        runtime.block_on([&]() -> rt::Task<void> {
            auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
            auto client = co_await rt::net::TcpStream::connect(listener.local_addr().to_string());
            auto [serveur, addr] = co_await listener.accept();
            int gagnes = 0;
            for (int tour = 0; tour < 5'000; ++tour) {
                auto ecrivain = rt::spawn([&client]() -> rt::Task<void> {
                    co_await rt::task::yield_now();
                    co_await client.write_all("x");
                });
                char octet;
                auto r =
                    co_await rt::select(serveur.read(std::span<char>(&octet, 1)), ceder_sans_fin());
                gagnes += r.index() == 0 ? 1 : 0;
                co_await ecrivain;
            }
            BOOST_TEST(gagnes == 5'000);
        }());
    }
}
