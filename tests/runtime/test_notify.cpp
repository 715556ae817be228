// rt::sync::Notify : l'autorisation de notify_one (le réveil perdu n'a pas lieu), l'ordre
// FIFO, notify_waiters (y compris pour un Notified créé mais pas encore attendu), et l'attente
// abandonnée qui passe le réveil reçu à la suivante.
//
// Les tests d'ordre tournent sur un runtime current_thread explicite (voir test_semaphore.cpp) ;
// les autres sur le planificateur de RT_FLAVOR.
#define BOOST_TEST_MODULE rt_notify
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using rt::sync::Notify;

namespace {
rt::Runtime un_seul_thread() {
    return rt::Builder::current_thread().build();
}
} // namespace

BOOST_AUTO_TEST_CASE(notify_one_sans_attente_garde_une_autorisation) {
    // Le réveil perdu : la notification arrive avant l'attente. L'autorisation gardée fait que
    // l'attente ne suspend pas.
    support::ChienDeGarde garde(20s, "la notification arrivée avant l'attente a été perdue");
    Notify n;
    rt::block_on([&]() -> rt::Task<void> {
        n.notify_one();
        co_await n.notified(); // ne suspend pas
        // Une seule autorisation, même après deux notify_one.
        n.notify_one();
        n.notify_one();
        co_await n.notified();
        auto r = co_await rt::time::timeout(1ms, n.notified());
        BOOST_TEST(!r.has_value(), "les autorisations de notify_one ne s'additionnent pas");
    }());
}

BOOST_AUTO_TEST_CASE(notify_one_reveille_la_plus_ancienne) {
    support::ChienDeGarde garde(20s, "une tâche en attente n'est jamais réveillée");
    Notify n;
    std::vector<int> ordre;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 3; ++i) {
            hs.push_back(rt::spawn([&, i]() -> rt::Task<void> {
                co_await n.notified();
                ordre.push_back(i);
            }));
            co_await rt::task::yield_now(); // en file, dans l'ordre
        }
        for (int i = 0; i < 3; ++i) {
            n.notify_one();
            co_await rt::task::yield_now();
            BOOST_TEST(ordre.size() == static_cast<std::size_t>(i + 1), "un seul réveil par appel");
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 1, 2}));
}

BOOST_AUTO_TEST_CASE(notify_waiters_reveille_tout_et_ne_garde_rien) {
    support::ChienDeGarde garde(20s, "notify_waiters n'a pas réveillé toutes les tâches");
    Notify n;
    int reveillees = 0;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 4; ++i) {
            hs.push_back(rt::spawn([&]() -> rt::Task<void> {
                co_await n.notified();
                ++reveillees;
            }));
        }
        co_await rt::task::yield_now();
        n.notify_waiters();
        for (auto& h : hs) {
            co_await h;
        }
        BOOST_TEST(reveillees == 4);
        auto r = co_await rt::time::timeout(1ms, n.notified());
        BOOST_TEST(!r.has_value(), "notify_waiters ne garde pas d'autorisation");
    }());
}

BOOST_AUTO_TEST_CASE(notified_cree_avant_notify_waiters_est_notifie) {
    // Le motif sans réveil perdu pour notify_waiters : créer l'attente, regarder la condition,
    // puis attendre. Un notify_waiters entre la création et l'attente compte.
    support::ChienDeGarde garde(20s, "le notify_waiters d'avant l'attente a été perdu");
    Notify n;
    rt::block_on([&]() -> rt::Task<void> {
        auto attente = n.notified();
        n.notify_waiters();
        co_await std::move(attente); // ne suspend pas
        auto r = co_await rt::time::timeout(1ms, n.notified());
        BOOST_TEST(!r.has_value(), "une attente créée après l'appel n'est pas notifiée");
    }());
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_passe_le_reveil_a_la_suivante) {
    support::ChienDeGarde garde(20s, "le réveil de la tâche annulée a été perdu");
    Notify n;
    bool b_reveillee = false;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto a = rt::spawn([&]() -> rt::Task<void> { co_await n.notified(); });
        auto b = rt::spawn([&]() -> rt::Task<void> {
            co_await n.notified();
            b_reveillee = true;
        });
        co_await rt::task::yield_now(); // A puis B en file
        n.notify_one();                 // choisit A...
        a.abort();                      // ... qui est annulée avant d'avoir repris
        BOOST_TEST((co_await a).error().is_cancelled());
        co_await b;
        BOOST_TEST(b_reveillee);
    }());
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_sans_suivante_rend_l_autorisation) {
    Notify n;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto a = rt::spawn([&]() -> rt::Task<void> { co_await n.notified(); });
        co_await rt::task::yield_now();
        n.notify_one();
        a.abort();
        (void)co_await a;
        auto r = co_await rt::time::timeout(1h, n.notified());
        BOOST_TEST(r.has_value(), "la notification reçue par la tâche annulée est gardée");
    }());
}

BOOST_AUTO_TEST_CASE(select_abandonne_une_attente_en_file) {
    Notify n;
    rt::block_on([&]() -> rt::Task<void> {
        auto r = co_await rt::select(n.notified(), rt::time::sleep(1ms));
        BOOST_TEST(r.index() == 1u);
        n.notify_one(); // personne en file : l'attente abandonnée en est bien sortie
        auto ok = co_await rt::time::timeout(1h, n.notified());
        BOOST_TEST(ok.has_value());
    }());
}

BOOST_AUTO_TEST_CASE(drapeau_et_notify_one_depuis_un_autre_thread) {
    // Le motif de l'article de tokio : une tâche attend qu'un drapeau passe à vrai ; un thread
    // le lève puis notifie. Aucun tour ne doit rester bloqué (le réveil perdu).
    support::ChienDeGarde garde(60s, "un réveil a été perdu entre le drapeau et l'attente");
    constexpr int TOURS = 2000;
    Notify n;
    std::atomic<int> tour{0}; // levé par le thread
    std::atomic<int> vu{0};   // atteint par la tâche
    std::thread notifieur([&] {
        for (int i = 1; i <= TOURS; ++i) {
            while (vu.load() != i - 1) {
                std::this_thread::yield();
            }
            tour.store(i);
            n.notify_one();
        }
    });
    rt::block_on([&]() -> rt::Task<void> {
        for (int i = 1; i <= TOURS; ++i) {
            while (tour.load() < i) {
                co_await n.notified();
            }
            vu.store(i);
        }
    }());
    notifieur.join();
    BOOST_TEST(vu.load() == TOURS);
}
