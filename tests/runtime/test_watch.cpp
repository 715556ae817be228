// rt::sync::watch : la dernière valeur, les changements (plusieurs envois entre deux regards ne
// font qu'un changement), le départ de l'émetteur, les récepteurs copiés et abonnés, et
// l'attente abandonnée.
#define BOOST_TEST_MODULE rt_watch
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace watch = rt::sync::watch;

BOOST_AUTO_TEST_CASE(valeur_initiale_et_derniere_valeur) {
    auto [tx, rx] = watch::channel(std::string("démarrage"));
    BOOST_TEST(*rx.borrow() == "démarrage");
    BOOST_TEST(!rx.has_changed().value(), "la valeur initiale compte comme vue");
    BOOST_TEST(tx.send("prêt").has_value());
    BOOST_TEST(tx.send("en service").has_value());
    BOOST_TEST(rx.has_changed().value());
    BOOST_TEST(*rx.borrow_and_update() == "en service", "seule la dernière valeur compte");
    BOOST_TEST(!rx.has_changed().value());
    BOOST_TEST(tx.send_replace("arrêt") == "en service");
    tx.send_modify([](std::string& s) { s += " demandé"; });
    BOOST_TEST(*tx.borrow() == "arrêt demandé");
}

BOOST_AUTO_TEST_CASE(changed_attend_une_valeur_pas_encore_vue) {
    support::ChienDeGarde garde(20s, "changed() n'est jamais réveillé");
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = watch::channel(0);
        auto observateur = rt::spawn([rx]() mutable -> rt::Task<std::vector<int>> {
            std::vector<int> vues;
            while ((co_await rx.changed()).has_value()) {
                vues.push_back(*rx.borrow_and_update());
            }
            co_return vues; // l'émetteur est parti
        });
        for (int i = 1; i <= 50; ++i) {
            BOOST_TEST_REQUIRE(tx.send(i).has_value());
            co_await rt::task::yield_now();
        }
        { auto parti = std::move(tx); }
        auto vues = (co_await observateur).value();
        BOOST_TEST_REQUIRE(!vues.empty());
        BOOST_TEST(vues.back() == 50, "la dernière valeur est toujours vue");
        for (std::size_t i = 1; i < vues.size(); ++i) {
            BOOST_TEST(vues[i - 1] < vues[i], "jamais deux fois la même version");
        }
    }());
}

BOOST_AUTO_TEST_CASE(changed_deja_pret_et_emetteur_parti) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = watch::channel(1);
        (void)tx.send(2);
        { auto parti = std::move(tx); }
        // Une valeur pas encore vue passe avant la fermeture.
        BOOST_TEST((co_await rx.changed()).has_value());
        BOOST_TEST(*rx.borrow_and_update() == 2);
        auto r = co_await rx.changed();
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_CHECK_THROW(r.value(), watch::RecvError);
        BOOST_TEST(!rx.has_changed().has_value());
    }());
}

BOOST_AUTO_TEST_CASE(send_sans_recepteur_rend_la_valeur) {
    auto [tx, rx] = watch::channel(std::string("a"));
    auto abonne = tx.subscribe();
    BOOST_TEST(tx.receiver_count() == 2u);
    { auto parti = std::move(rx); }
    { auto parti = std::move(abonne); }
    BOOST_TEST(tx.is_closed());
    auto r = tx.send("perdue");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().value == "perdue");
    BOOST_TEST(tx.send_replace("gardée") == "a", "send_replace publie même sans récepteur");
}

BOOST_AUTO_TEST_CASE(abonne_et_copie_retiennent_ce_qu_ils_ont_vu) {
    auto [tx, rx] = watch::channel(0);
    (void)tx.send(1);
    auto abonne = tx.subscribe(); // a déjà vu la valeur 1
    BOOST_TEST(!abonne.has_changed().value());
    BOOST_TEST(rx.has_changed().value());
    auto copie = rx; // a vu ce que rx a vu : la version 0
    BOOST_TEST(copie.has_changed().value());
    (void)rx.borrow_and_update();
    BOOST_TEST(!rx.has_changed().value());
    BOOST_TEST(copie.has_changed().value(), "chaque copie a sa propre mémoire");
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_sort_de_la_file) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = watch::channel(0);
        auto r = co_await rt::select(rx.changed(), rt::time::sleep(1ms));
        BOOST_TEST(r.index() == 1u);
        (void)tx.send(1); // l'attente abandonnée ne doit pas être réveillée (ni planter)
        BOOST_TEST((co_await rx.changed()).has_value());
        BOOST_TEST(*rx.borrow() == 1);
    }());
}

BOOST_AUTO_TEST_CASE(plusieurs_observateurs_et_un_emetteur_sur_un_thread) {
    // Un thread OS publie 1 000 valeurs croissantes ; 4 tâches les regardent. Chacune finit par
    // voir la dernière, et ne voit jamais une valeur reculer.
    support::ChienDeGarde garde(60s, "un observateur ne voit jamais la dernière valeur");
    auto [tx, rx] = watch::channel(0);
    std::atomic<int> reculs{0};
    rt::block_on([&, rx = std::move(rx)]() mutable -> rt::Task<void> {
        std::vector<rt::JoinHandle<int>> hs;
        for (int k = 0; k < 4; ++k) {
            hs.push_back(rt::spawn([&reculs, rx]() mutable -> rt::Task<int> {
                int derniere = 0;
                while ((co_await rx.changed()).has_value()) {
                    const int v = *rx.borrow_and_update();
                    if (v < derniere) {
                        reculs.fetch_add(1);
                    }
                    derniere = v;
                }
                co_return derniere;
            }));
        }
        std::thread emetteur([tx = std::move(tx)]() mutable {
            for (int i = 1; i <= 1000; ++i) {
                (void)tx.send(i);
            }
        }); // tx détruit à la fin du thread : les observateurs finissent
        for (auto& h : hs) {
            BOOST_TEST((co_await h).value() == 1000);
        }
        emetteur.join();
    }());
    BOOST_TEST(reculs.load() == 0);
}
