// Charge sur les primitives de synchronisation (Semaphore, mpsc, Notify, watch) depuis
// plusieurs threads OS à la fois, avec des attentes annulées au hasard (abort depuis un autre
// thread, timeout) : rien de perdu, rien de créé, rien de bloqué. Sous TSan et ASan+UBSan en
// intégration continue, sur current_thread et multi_thread.
#define BOOST_TEST_MODULE stress_synchro
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/runtime_sur_un_thread.hpp>

#include "commun.hpp"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {
constexpr int THREADS = 4;
} // namespace

BOOST_AUTO_TEST_CASE(semaphore_pris_rendu_annule_depuis_plusieurs_threads) {
    // Quatre threads lancent chacun 500 tâches sur le runtime ; chaque tâche prend 1 à 3
    // autorisations (parfois sous timeout), les garde un tour, les rend. Un autre thread
    // annule des tâches au hasard. À la fin : toutes les autorisations sont revenues, et
    // jamais plus de 4 n'ont été tenues ensemble.
    support::ChienDeGarde garde(120s, "des tâches du sémaphore ne finissent pas");
    constexpr std::size_t PERMIS = 4;
    auto s = std::make_shared<rt::sync::Semaphore>(PERMIS);
    auto tenues = std::make_shared<std::atomic<int>>(0);
    auto depassements = std::make_shared<std::atomic<int>>(0);
    support::RuntimeSurUnThread runtime;
    std::vector<std::thread> threads;
    std::vector<std::vector<rt::JoinHandle<void>>> handles(THREADS);
    std::atomic<int> lancees{0};
    for (int t = 0; t < THREADS; ++t) {
        threads.emplace_back([&, t] {
            auto alea = stress::generateur("semaphore");
            for (int i = 0; i < 500; ++i) {
                const std::size_t n = 1 + alea() % 3;
                const bool avec_delai = alea() % 4 == 0;
                handles[static_cast<std::size_t>(t)].push_back(runtime.handle().spawn(
                    [s, tenues, depassements, n, avec_delai]() -> rt::Task<void> {
                        std::optional<rt::sync::SemaphorePermit> p;
                        if (avec_delai) {
                            auto r = co_await rt::time::timeout(1ms, s->acquire_many(n));
                            if (!r) {
                                co_return; // le délai a gagné : rien pris
                            }
                            p.emplace(std::move(*r).value());
                        } else {
                            p.emplace((co_await s->acquire_many(n)).value());
                        }
                        struct Tenue {
                            std::atomic<int>& compte;
                            int n;
                            ~Tenue() { compte.fetch_sub(n); }
                        } tenue{*tenues, static_cast<int>(n)};
                        if (tenues->fetch_add(tenue.n) + tenue.n > static_cast<int>(PERMIS)) {
                            depassements->fetch_add(1);
                        }
                        co_await rt::task::yield_now();
                    }));
                lancees.fetch_add(1);
            }
        });
    }
    std::thread annuleur([&] {
        auto alea = stress::generateur("annuleur");
        while (lancees.load() < THREADS * 500) {
            std::this_thread::yield();
        }
        for (int k = 0; k < 300; ++k) {
            auto& v = handles[alea() % THREADS];
            v[alea() % v.size()].abort();
        }
    });
    for (auto& t : threads) {
        t.join();
    }
    annuleur.join();
    // Tout attendre depuis le runtime : chaque tâche finit (servie, délai écoulé ou annulée).
    rt::block_on([&]() -> rt::Task<void> {
        for (auto& v : handles) {
            for (auto& h : v) {
                (void)co_await h;
            }
        }
    }());
    BOOST_TEST(depassements->load() == 0);
    BOOST_TEST(s->available_permits() == PERMIS, "des autorisations ont été perdues ou créées");
}

BOOST_AUTO_TEST_CASE(mpsc_producteurs_sur_des_threads_recepteur_annule_parfois) {
    // Quatre threads OS envoient chacun 3 000 messages numérotés dans un canal de 8 places, en
    // abandonnant parfois un envoi (timeout) ; un récepteur sur le runtime les compte. Chaque
    // message confirmé arrive exactement une fois ; un envoi abandonné n'arrive jamais.
    support::ChienDeGarde garde(120s, "les producteurs ou le récepteur ne finissent pas");
    constexpr int PAR_THREAD = 3000;
    auto [tx, rx] = rt::sync::mpsc::channel<int>(8);
    std::vector<std::thread> threads;
    std::atomic<int> confirmes{0};
    std::vector<std::vector<int>> abandonnes(THREADS);
    for (int t = 0; t < THREADS; ++t) {
        threads.emplace_back([&, t, tx = tx] {
            auto alea = stress::generateur("producteur");
            rt::block_on([&]() -> rt::Task<void> {
                for (int i = 0; i < PAR_THREAD; ++i) {
                    const int message = t * PAR_THREAD + i;
                    if (alea() % 8 == 0) {
                        auto r = co_await rt::time::timeout(100us, tx.send(message));
                        if (!r) {
                            abandonnes[static_cast<std::size_t>(t)].push_back(message);
                            continue;
                        }
                        (*r).value();
                    } else {
                        (co_await tx.send(message)).value();
                    }
                    confirmes.fetch_add(1);
                }
            }());
        });
    }
    { auto fin = std::move(tx); }
    std::multiset<int> recus;
    rt::block_on([&]() -> rt::Task<void> {
        while (auto m = co_await rx.recv()) {
            recus.insert(*m);
        }
    }());
    for (auto& t : threads) {
        t.join();
    }
    BOOST_TEST(static_cast<int>(recus.size()) == confirmes.load(),
               "chaque envoi confirmé arrive, et rien d'autre");
    int doubles = 0;
    for (int m : recus) {
        doubles += recus.count(m) > 1 ? 1 : 0;
    }
    BOOST_TEST(doubles == 0);
    int fantomes = 0;
    for (const auto& v : abandonnes) {
        for (int m : v) {
            fantomes += recus.count(m) > 0 ? 1 : 0;
        }
    }
    BOOST_TEST(fantomes == 0, "un envoi abandonné est arrivé quand même");
}

BOOST_AUTO_TEST_CASE(notify_un_jeton_passe_entre_threads) {
    // Un jeton circule : un thread OS le pose (drapeau) puis notifie ; la tâche le reprend.
    // Des attentes abandonnées (select contre un délai très court) se mêlent au jeu. Aucun
    // jeton n'est perdu : la tâche voit les 3 000.
    support::ChienDeGarde garde(120s, "un réveil de Notify a été perdu");
    constexpr int JETONS = 3000;
    rt::sync::Notify notify;
    std::atomic<int> poses{0};
    std::atomic<int> pris{0};
    std::thread poseur([&] {
        for (int i = 1; i <= JETONS; ++i) {
            while (pris.load() != i - 1) {
                std::this_thread::yield();
            }
            poses.store(i);
            notify.notify_one();
        }
    });
    rt::block_on([&]() -> rt::Task<void> {
        for (int i = 1; i <= JETONS; ++i) {
            while (poses.load() < i) {
                if (i % 3 == 0) {
                    (void)co_await rt::select(notify.notified(), rt::time::sleep(50us));
                } else {
                    co_await notify.notified();
                }
            }
            pris.store(i);
        }
    }());
    poseur.join();
    BOOST_TEST(pris.load() == JETONS);
}

BOOST_AUTO_TEST_CASE(watch_valeurs_croissantes_vues_depuis_plusieurs_runtimes) {
    // Un thread publie 5 000 valeurs croissantes ; quatre threads OS, chacun avec son runtime,
    // les regardent. Chacun voit la dernière, et jamais une valeur reculer.
    support::ChienDeGarde garde(120s, "un observateur de watch ne voit jamais la dernière valeur");
    auto [tx, rx] = rt::sync::watch::channel(0);
    std::atomic<int> reculs{0};
    std::atomic<int> ont_vu_la_fin{0};
    std::vector<std::thread> observateurs;
    for (int t = 0; t < THREADS; ++t) {
        observateurs.emplace_back([&, rx = rx]() mutable {
            rt::block_on([&]() -> rt::Task<void> {
                int derniere = 0;
                while ((co_await rx.changed()).has_value()) {
                    const int v = *rx.borrow_and_update();
                    reculs.fetch_add(v < derniere ? 1 : 0);
                    derniere = v;
                }
                ont_vu_la_fin.fetch_add(derniere == 5000 ? 1 : 0);
            }());
        });
    }
    { auto parti = std::move(rx); }
    for (int i = 1; i <= 5000; ++i) {
        (void)tx.send(i);
    }
    { auto parti = std::move(tx); }
    for (auto& t : observateurs) {
        t.join();
    }
    BOOST_TEST(reculs.load() == 0);
    BOOST_TEST(ont_vu_la_fin.load() == THREADS);
}
