// rt::sync : Mutex asynchrone équitable et canal broadcast.
#define BOOST_TEST_MODULE rt_sync
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(mutex_garde_pendant_un_co_await) {
    rt::sync::Mutex<std::vector<int>> journal;
    rt::block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 3; ++i) {
            hs.push_back(rt::spawn([&journal, i]() -> rt::Task<void> {
                auto garde = co_await journal.lock();
                garde->push_back(i);
                co_await rt::time::sleep(1ms); // on garde le verrou en dormant : légal ici
                garde->push_back(i);
            }));
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    auto garde = journal.try_lock();
    BOOST_TEST_REQUIRE(garde.has_value());
    // Chaque tâche garde le verrou de bout en bout : ses deux entrées sont côte à côte.
    // L'ordre d'arrivée, lui, dépend du planificateur (0, 1, 2 sur current_thread).
    const std::vector<int>& j = **garde;
    BOOST_TEST_REQUIRE(j.size() == 6u);
    std::vector<int> premiers;
    for (std::size_t k = 0; k < 6; k += 2) {
        BOOST_TEST(j[k] == j[k + 1], "une autre tâche a pris le verrou pendant le sommeil");
        premiers.push_back(j[k]);
    }
    std::sort(premiers.begin(), premiers.end());
    BOOST_TEST((premiers == std::vector<int>{0, 1, 2}));
}

BOOST_AUTO_TEST_CASE(mutex_equitable_fifo) {
    // L'ordre des demandes est fixé par celui des passages : current_thread (une file FIFO).
    std::vector<int> ordre;
    rt::sync::Mutex<int> m;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto premier = co_await m.lock();
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 5; ++i) {
            hs.push_back(rt::spawn([&, i]() -> rt::Task<void> {
                auto g = co_await m.lock();
                ordre.push_back(i);
            }));
            co_await rt::task::yield_now(); // la tâche i se met dans la file
        }
        { auto libere = std::move(premier); }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(mutex_attente_annulee_passe_le_verrou) {
    // Un seul thread : après yield_now, les deux tâches sont en file, dans l'ordre. Sur
    // multi_thread, rien ne le garantit (voir le cas suivant).
    rt::sync::Mutex<int> m(0);
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto garde = co_await m.lock();
        auto annulee = rt::spawn([&]() -> rt::Task<void> {
            auto g = co_await m.lock();
            *g += 100;
        });
        auto suivante = rt::spawn([&]() -> rt::Task<void> {
            auto g = co_await m.lock();
            *g += 1;
        });
        co_await rt::task::yield_now(); // les deux attendent, dans l'ordre
        annulee.abort();
        co_await rt::task::yield_now();
        { auto libere = std::move(garde); }
        co_await suivante;
        BOOST_TEST((co_await annulee).error().is_cancelled());
    }());
    BOOST_TEST(**m.try_lock() == 1, "la tâche annulée n'a pas eu le verrou, la suivante oui");
}

BOOST_AUTO_TEST_CASE(mutex_attente_annulee_sous_concurrence) {
    // Le même scénario sur le planificateur de RT_FLAVOR, répété : sur multi_thread, la tâche
    // annulée peut être en plein passage quand abort() arrive (un worker l'a prise avant que
    // le verrou soit rendu) ; elle va alors jusqu'à sa prochaine suspension, et si le verrou
    // est libre d'ici là, elle le prend et termine normalement (comme avec tokio). Ce qui ne
    // doit jamais arriver : une annulée qui ajoute 100, un verrou perdu (blocage), un ajout
    // de la suivante manquant.
    support::ChienDeGarde chien(60s, "un verrou passé à une tâche annulée a été perdu");
    rt::sync::Mutex<int> m(0);
    int annulees = 0;
    rt::block_on([&]() -> rt::Task<void> {
        for (int tour = 0; tour < 200; ++tour) {
            auto garde = co_await m.lock();
            *garde = 0;
            auto annulee = rt::spawn([&]() -> rt::Task<void> {
                auto g = co_await m.lock();
                *g += 100;
            });
            auto suivante = rt::spawn([&]() -> rt::Task<void> {
                auto g = co_await m.lock();
                *g += 1;
            });
            co_await rt::task::yield_now();
            annulee.abort();
            { auto libere = std::move(garde); }
            co_await suivante;
            const bool annulee_annulee = !(co_await annulee).has_value();
            annulees += annulee_annulee ? 1 : 0;
            auto fin = co_await m.lock();
            BOOST_TEST_REQUIRE(*fin == (annulee_annulee ? 1 : 101),
                               "tour " << tour << " : la valeur ne correspond pas aux issues");
        }
    }());
    BOOST_TEST_MESSAGE(annulees << " tâches sur 200 annulées en file (les autres ont fini)");
}

BOOST_AUTO_TEST_CASE(broadcast_tous_les_abonnes_recoivent_tout) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx1] = rt::sync::broadcast::channel<std::string>(16);
        auto rx2 = tx.subscribe();
        // Pas de BOOST_TEST dans les tâches lancées : Boost.Test n'accepte les vérifications que
        // d'un thread à la fois, et sur multi_thread elles tourneraient sur des workers.
        auto lire = [](rt::sync::broadcast::Receiver<std::string> rx) -> rt::Task<std::string> {
            std::string tout;
            for (;;) {
                auto r = co_await rx.recv();
                if (!r) {
                    co_return r.error().is_closed() ? tout : "(erreur inattendue)";
                }
                tout += *r;
            }
        };
        auto h1 = rt::spawn(lire(std::move(rx1)));
        auto h2 = rt::spawn(lire(std::move(rx2)));
        co_await rt::task::yield_now(); // les deux attendent
        for (const char* m : {"a", "b", "c"}) {
            BOOST_TEST(tx.send(m).value() == 2u);
        }
        { auto ferme = std::move(tx); } // dernier émetteur : canal fermé
        BOOST_TEST((co_await h1).value() == "abc");
        BOOST_TEST((co_await h2).value() == "abc");
    }());
}

BOOST_AUTO_TEST_CASE(broadcast_lecteur_lent_prend_du_retard) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::broadcast::channel<int>(4);
        for (int i = 0; i < 10; ++i) {
            (void)tx.send(i); // l'émetteur n'attend jamais le lecteur
        }
        auto r = co_await rx.recv();
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is_lagged());
        BOOST_TEST(r.error().skipped() == 6u);
        for (int attendu = 6; attendu < 10; ++attendu) {
            BOOST_TEST((co_await rx.recv()).value() == attendu);
        }
    }());
}

BOOST_AUTO_TEST_CASE(broadcast_sans_recepteur_send_echoue) {
    auto [tx, rx] = rt::sync::broadcast::channel<int>(2);
    { auto parti = std::move(rx); }
    auto r = tx.send(1);
    BOOST_TEST(!r.has_value());
    BOOST_TEST(tx.receiver_count() == 0u);
}

BOOST_AUTO_TEST_CASE(broadcast_recv_abandonne_par_select) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::broadcast::channel<int>(4);
        auto r = co_await rt::select(rx.recv(), rt::time::sleep(1ms));
        BOOST_TEST(r.index() == 1u);
        (void)tx.send(7); // l'attente abandonnée ne doit pas être réveillée (ni planter)
        BOOST_TEST((co_await rx.recv()).value() == 7); // le message n'a pas été perdu
    }());
}

BOOST_AUTO_TEST_CASE(broadcast_envoi_depuis_un_autre_thread) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::broadcast::channel<int>(1024);
        std::thread emetteur([tx = std::move(tx)]() mutable {
            for (int i = 0; i < 1000; ++i) {
                (void)tx.send(i);
            }
        });
        long long somme = 0;
        for (;;) {
            auto r = co_await rx.recv();
            if (!r) {
                BOOST_TEST(r.error().is_closed());
                break;
            }
            somme += *r;
        }
        emetteur.join();
        BOOST_TEST(somme == 999LL * 1000 / 2);
    }());
}
