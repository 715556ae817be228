// Charge sur rt::signal::ctrl_c : des threads OS lèvent SIGINT en rafale pendant que des
// tâches créent des écouteurs, les attendent, les abandonnent (timeout, select, abort). Rien
// de bloqué (chaque écouteur qui attend sans limite finit par voir un signal levé après sa
// création), rien de libéré trop tôt (ASan), aucune course (TSan).
#define BOOST_TEST_MODULE stress_signal
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(rafales_de_sigint_pendant_attentes_et_abandons) {
    support::ChienDeGarde garde(120s, "un écouteur de Ctrl-C n'a jamais été réveillé");
    constexpr int TACHES = 200;
    constexpr int LEVEURS = 3;
    std::atomic<bool> fini{false};
    std::atomic<int> vus{0};
    (void)rt::signal::ctrl_c(); // installe le gestionnaire avant tout SIGINT
    std::vector<std::thread> leveurs;
    for (int t = 0; t < LEVEURS; ++t) {
        leveurs.emplace_back([&fini] {
            while (!fini.load()) {
                ::kill(::getpid(), SIGINT);
                std::this_thread::sleep_for(50us); // cadence des rafales, pas une synchronisation
            }
        });
    }
    constexpr int TOURS = 20;
    rt::block_on([&]() -> rt::Task<void> {
        for (int tour = 0; tour < TOURS; ++tour) {
            std::vector<rt::JoinHandle<void>> hs;
            for (int i = 0; i < TACHES; ++i) {
                hs.push_back(rt::spawn([&vus, i]() -> rt::Task<void> {
                    auto arret = rt::signal::ctrl_c();
                    switch (i % 3) {
                    case 0: // abandons répétés, puis une attente sans limite
                        for (int k = 0; k < 5; ++k) {
                            (void)co_await rt::time::timeout(0ms, arret);
                        }
                        break;
                    case 1: // select contre une minuterie
                        (void)co_await rt::select(rt::time::sleep(100us), arret);
                        break;
                    default:
                        break;
                    }
                    co_await arret;
                    vus.fetch_add(1);
                }));
            }
            // Des tâches qui attendent signal après signal, annulées en route : leur maillon doit
            // quitter la liste avant que leur trame ne disparaisse (ASan le verrait).
            std::vector<rt::JoinHandle<void>> sans_fin;
            for (int i = 0; i < TACHES / 4; ++i) {
                sans_fin.push_back(rt::spawn([]() -> rt::Task<void> {
                    auto arret = rt::signal::ctrl_c();
                    for (;;) {
                        co_await arret;
                    }
                }));
            }
            co_await rt::task::yield_now();
            for (auto& h : sans_fin) {
                h.abort();
            }
            for (auto& h : hs) {
                co_await h;
            }
        }
    }());
    fini.store(true);
    for (auto& t : leveurs) {
        t.join();
    }
    BOOST_TEST(vus.load() == TACHES * TOURS);
}
