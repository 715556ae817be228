// Arrêt du runtime : toutes les tâches encore vivantes sont détruites, rien ne fuit.
#define BOOST_TEST_MODULE rt_shutdown
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/attendre.hpp>
#include <support/sentinelle.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>

using namespace std::chrono_literals;

using support::Sentinelle;

BOOST_AUTO_TEST_CASE(taches_en_attente_detruites_a_l_arret) {
    auto vivants = support::nouveau_compteur();
    std::atomic<int> nettoyages = 0;
    {
        rt::Runtime runtime = rt::Builder::from_env().build();
        runtime.block_on([&]() -> rt::Task<void> {
            // Le « nettoyage périodique » de l'article : une boucle infinie détachée.
            (void)rt::spawn([&, s = Sentinelle(vivants)]() -> rt::Task<void> {
                for (;;) {
                    co_await rt::time::sleep(1ms);
                    ++nettoyages;
                }
            });
            for (int i = 0; i < 100; ++i) {
                (void)rt::spawn([s = Sentinelle(vivants)]() -> rt::Task<void> {
                    co_await rt::time::sleep(1h);
                });
            }
            // Le nettoyage a tourné au moins une fois (sur un worker, peut-être) : on le
            // regarde plutôt que de supposer le temps qu'il lui faut.
            co_await support::attendre_que([&] { return nettoyages.load() >= 1; });
        }());
        BOOST_TEST(*vivants == 101);
        BOOST_TEST(runtime.metrics().num_alive_tasks == 101u);
    } // ~Runtime : arrêt
    BOOST_TEST(*vivants == 0, "l'arrêt doit détruire toutes les tâches");
    int apres = nettoyages;
    BOOST_TEST(apres >= 1);
}

BOOST_AUTO_TEST_CASE(block_on_gratuit_arrete_son_runtime) {
    auto vivants = support::nouveau_compteur();
    rt::block_on([&]() -> rt::Task<void> {
        (void)rt::spawn(
            [s = Sentinelle(vivants)]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
        co_await rt::task::yield_now();
    }());
    BOOST_TEST(*vivants == 0);
}

BOOST_AUTO_TEST_CASE(handle_survit_au_runtime) {
    rt::JoinHandle<int> garde;
    {
        rt::Runtime runtime = rt::Builder::from_env().build();
        garde = runtime.block_on([]() -> rt::Task<rt::JoinHandle<int>> {
            co_return rt::spawn([]() -> rt::Task<int> {
                co_await rt::time::sleep(1h);
                co_return 1;
            });
        }());
        BOOST_TEST(!garde.is_finished());
    }
    // Le runtime est arrêté : la tâche a été annulée, le handle le sait.
    BOOST_TEST(garde.is_finished());
}

BOOST_AUTO_TEST_CASE(spawn_apres_arret_annule_aussitot) {
    rt::Runtime runtime = rt::Builder::from_env().build();
    rt::Handle handle = runtime.handle();
    runtime.shutdown();
    auto vivants = support::nouveau_compteur();
    auto h = handle.spawn([s = Sentinelle(vivants)]() -> rt::Task<int> { co_return 1; });
    BOOST_TEST(h.is_finished());
    BOOST_TEST(*vivants == 0);
}

BOOST_AUTO_TEST_CASE(tache_qui_attend_une_autre_a_l_arret) {
    auto vivants = support::nouveau_compteur();
    {
        rt::Runtime runtime = rt::Builder::from_env().build();
        runtime.block_on([&]() -> rt::Task<void> {
            auto dormeuse = rt::spawn(
                [s = Sentinelle(vivants)]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
            (void)rt::spawn([h = std::move(dormeuse), s = Sentinelle(vivants)]() -> rt::Task<void> {
                co_await h;
            });
            co_await rt::task::yield_now();
        }());
    }
    BOOST_TEST(*vivants == 0);
}

namespace {
/// Un objet dont le destructeur lève une exception (déconseillé, mais il faut y survivre).
struct DestructeurQuiLeve {
    ~DestructeurQuiLeve() noexcept(false) { throw std::runtime_error("destructeur en échec"); }
};
} // namespace

BOOST_AUTO_TEST_CASE(exception_d_un_destructeur_pendant_l_annulation_signalee) {
    // abort() détruit la trame à son point de suspension ; une exception levée par un
    // destructeur ne doit pas disparaître en silence : elle est signalée et comptée.
    rt::block_on([]() -> rt::Task<void> {
        auto demarree = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([tx = std::move(demarree.first)]() mutable -> rt::Task<void> {
            DestructeurQuiLeve d;
            (void)tx.send(1); // démarrée : elle va s'endormir
            co_await rt::time::sleep(1h);
        });
        (void)co_await demarree.second;
        h.abort();
        auto r = co_await h;
        BOOST_TEST(!r.has_value());
        BOOST_TEST(r.error().is_cancelled());
        BOOST_TEST(rt::Handle::current().metrics().unhandled_panic_count == 1u);
    }());
}
