// rt::sync::oneshot : une valeur, une fois, d'une tâche (ou d'un thread) à une autre.
#define BOOST_TEST_MODULE rt_oneshot
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/sentinelle.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(valeur_envoyee_puis_recue) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::oneshot::channel<std::string>();
        // Pas de BOOST_TEST dans la tâche lancée : elle tourne peut-être sur un worker.
        auto h = rt::spawn([tx = std::move(tx)]() mutable -> rt::Task<bool> {
            co_await rt::task::yield_now();
            co_return tx.send("bonjour").has_value();
        });
        auto r = co_await rx;
        BOOST_TEST(r.value() == "bonjour");
        BOOST_TEST((co_await h).value());
    }());
}

BOOST_AUTO_TEST_CASE(valeur_deja_la_avant_l_attente) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::oneshot::channel<int>();
        BOOST_TEST(tx.send(7).has_value());
        BOOST_TEST((co_await rx).value() == 7);
    }());
}

BOOST_AUTO_TEST_CASE(emetteur_detruit_sans_envoyer) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([tx = std::move(tx)]() mutable -> rt::Task<void> {
            co_await rt::task::yield_now();
            { auto parti = std::move(tx); }
        });
        auto r = co_await rx;
        BOOST_TEST(!r.has_value());
        BOOST_CHECK_THROW(r.value(), rt::sync::oneshot::RecvError);
        co_await h;
    }());
}

BOOST_AUTO_TEST_CASE(recepteur_parti_la_valeur_est_rendue) {
    auto vivants = support::nouveau_compteur();
    auto [tx, rx] = rt::sync::oneshot::channel<std::shared_ptr<support::Sentinelle>>();
    BOOST_TEST(!tx.is_closed());
    { auto parti = std::move(rx); }
    BOOST_TEST(tx.is_closed());
    auto r = tx.send(std::make_shared<support::Sentinelle>(vivants));
    BOOST_TEST_REQUIRE(!r.has_value(), "le récepteur est parti : l'envoi échoue");
    BOOST_TEST(*vivants == 1, "la valeur est rendue, pas détruite");
}

BOOST_AUTO_TEST_CASE(valeur_jamais_recue_detruite_une_fois) {
    auto vivants = support::nouveau_compteur();
    {
        auto [tx, rx] = rt::sync::oneshot::channel<support::Sentinelle>();
        BOOST_TEST(tx.send(support::Sentinelle(vivants)).has_value());
        BOOST_TEST(*vivants == 1);
    } // le récepteur ne l'a jamais prise
    BOOST_TEST(*vivants == 0);
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_la_valeur_reste) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::oneshot::channel<int>();
        auto r = co_await rt::select(rx, rt::time::sleep(1ms)); // rx par lvalue : abandonnable
        BOOST_TEST(r.index() == 1u);
        BOOST_TEST(tx.send(3).has_value());
        BOOST_TEST((co_await rx).value() == 3);
    }());
}

BOOST_AUTO_TEST_CASE(envoi_depuis_un_thread_etranger) {
    support::ChienDeGarde garde(60s, "un oneshot envoyé d'un autre thread n'est pas reçu");
    rt::block_on([]() -> rt::Task<void> {
        for (int i = 0; i < 2000; ++i) {
            auto [tx, rx] = rt::sync::oneshot::channel<int>();
            std::thread t([tx = std::move(tx), i]() mutable { (void)tx.send(i); });
            BOOST_TEST_REQUIRE((co_await rx).value() == i);
            t.join();
        }
    }());
}

BOOST_AUTO_TEST_CASE(second_envoi_refuse) {
    auto [tx, rx] = rt::sync::oneshot::channel<int>();
    BOOST_TEST(tx.send(1).has_value());
    BOOST_CHECK_THROW((void)tx.send(2), std::logic_error);
}
