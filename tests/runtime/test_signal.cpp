// rt::signal::ctrl_c : un SIGINT réveille les tâches qui l'écoutent, sans tuer le processus.
// Chaque test crée son écouteur AVANT de lever SIGINT : le premier ctrl_c() installe le
// gestionnaire ; lever SIGINT avant tuerait le processus de test.
#define BOOST_TEST_MODULE rt_signal
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <unistd.h>

#include <csignal>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(signal_leve_apres_la_creation_est_vu) {
    support::ChienDeGarde chien(20s, "le SIGINT levé après ctrl_c() n'a pas été vu");
    rt::block_on([]() -> rt::Task<void> {
        auto arret = rt::signal::ctrl_c();
        ::raise(SIGINT); // entre la création et l'attente : l'écoute a déjà commencé
        co_await arret;
    }());
}

BOOST_AUTO_TEST_CASE(taches_en_attente_toutes_reveillees) {
    support::ChienDeGarde chien(20s, "une tâche qui attendait Ctrl-C n'a pas été réveillée");
    int reveillees = rt::block_on([]() -> rt::Task<int> {
        std::vector<rt::JoinHandle<int>> hs;
        std::vector<rt::signal::CtrlC> ecouteurs;
        for (int i = 0; i < 4; ++i) {
            ecouteurs.push_back(rt::signal::ctrl_c());
        }
        for (auto& e : ecouteurs) {
            hs.push_back(rt::spawn([e = std::move(e)]() mutable -> rt::Task<int> {
                co_await e;
                co_return 1;
            }));
        }
        co_await rt::task::yield_now();
        ::raise(SIGINT); // un seul signal : chaque écouteur le voit
        int n = 0;
        for (auto& h : hs) {
            n += (co_await h).value();
        }
        co_return n;
    }());
    BOOST_TEST(reveillees == 4);
}

BOOST_AUTO_TEST_CASE(signal_d_avant_la_creation_ne_compte_pas) {
    support::ChienDeGarde chien(20s, "ctrl_c bloqué");
    rt::block_on([]() -> rt::Task<void> {
        auto premier = rt::signal::ctrl_c();
        ::raise(SIGINT);
        co_await premier; // le signal est compté (le gestionnaire l'a fait dans raise)
        auto second = rt::signal::ctrl_c();
        auto r = co_await rt::time::timeout(20ms, second);
        BOOST_TEST(!r.has_value(), "un signal d'avant la création a réveillé le nouvel écouteur");
    }());
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_garde_le_signal_pour_la_suivante) {
    // Le motif du serveur : un écouteur créé avant la boucle, attendu par lvalue dans un
    // select à chaque tour. Un tour perdu par l'écouteur ne lui fait rien perdre.
    support::ChienDeGarde chien(20s, "le signal arrivé pendant un tour perdu a été oublié");
    rt::block_on([]() -> rt::Task<void> {
        auto arret = rt::signal::ctrl_c();
        auto r = co_await rt::time::timeout(1ms, arret); // abandonné : désinscrit
        BOOST_TEST(!r.has_value());
        auto tour = co_await rt::select(rt::time::sleep(1ms), arret);
        BOOST_TEST(tour.index() == 0u);
        ::raise(SIGINT);
        auto fin = co_await rt::select(rt::time::sleep(1h), arret);
        BOOST_TEST(fin.index() == 1u, "l'écouteur n'a pas vu le signal");
        auto apres = co_await rt::time::timeout(20ms, arret);
        BOOST_TEST(!apres.has_value(), "un signal vu une fois l'est une seule fois");
    }());
}

BOOST_AUTO_TEST_CASE(signal_envoye_depuis_un_autre_thread) {
    support::ChienDeGarde chien(20s, "le SIGINT d'un autre thread n'a pas réveillé la tâche");
    rt::block_on([]() -> rt::Task<void> {
        auto arret = rt::signal::ctrl_c();
        auto h = rt::spawn([&arret]() -> rt::Task<void> { co_await arret; });
        co_await rt::task::yield_now();
        std::thread t([] { ::kill(::getpid(), SIGINT); }); // signal de processus
        co_await h;
        t.join();
    }());
}
