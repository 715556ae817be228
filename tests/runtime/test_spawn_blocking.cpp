// spawn_blocking : des fonctions bloquantes sur un pool de threads à part, jamais sur le
// thread qui exécute les tâches.
#define BOOST_TEST_MODULE rt_spawn_blocking
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(fonction_bloquante_sur_un_autre_thread) {
    rt::block_on([]() -> rt::Task<void> {
        const auto ici = std::this_thread::get_id();
        auto h = rt::spawn_blocking([] { return std::this_thread::get_id(); });
        const auto la_bas = (co_await h).value();
        BOOST_TEST((la_bas != ici), "la fonction bloquante a tourné sur le thread de la tâche");
    }());
}

BOOST_AUTO_TEST_CASE(valeur_rendue_et_exception_en_join_error) {
    rt::block_on([]() -> rt::Task<void> {
        BOOST_TEST((co_await rt::spawn_blocking([] { return 6 * 7; })).value() == 42);
        auto r = co_await rt::spawn_blocking([]() -> int { throw std::runtime_error("raté"); });
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is_panic());
        BOOST_CHECK_THROW(r.error().resume_panic(), std::runtime_error);
        bool appelee = false;
        (void)(co_await rt::spawn_blocking([&appelee] { appelee = true; })).value();
        BOOST_TEST(appelee);
    }());
}

BOOST_AUTO_TEST_CASE(quatre_fonctions_bloquantes_en_meme_temps) {
    // Chacune attend les trois autres : elles ne finissent que si quatre threads les
    // exécutent en même temps (aucune pause, aucune mesure de temps).
    support::ChienDeGarde garde(30s, "les fonctions bloquantes ne tournent pas en parallèle");
    rt::block_on([]() -> rt::Task<void> {
        std::latch toutes(4);
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 4; ++i) {
            hs.push_back(rt::spawn_blocking([&toutes] { toutes.arrive_and_wait(); }));
        }
        for (auto& h : hs) {
            BOOST_TEST((co_await h).has_value());
        }
    }());
}

BOOST_AUTO_TEST_CASE(le_runtime_avance_pendant_une_fonction_bloquante) {
    // La fonction bloque jusqu'à ce qu'une tâche ordinaire la libère : possible seulement si
    // le thread des tâches n'est pas celui de la fonction.
    support::ChienDeGarde garde(30s, "la fonction bloquante a bloqué le runtime");
    rt::block_on([]() -> rt::Task<void> {
        std::promise<int> promesse;
        auto bloquante =
            rt::spawn_blocking([f = promesse.get_future()]() mutable { return f.get(); });
        auto liberatrice = rt::spawn([&promesse]() -> rt::Task<void> {
            co_await rt::time::sleep(1ms); // une minuterie : le pilote tourne
            promesse.set_value(7);
        });
        co_await liberatrice;
        BOOST_TEST((co_await bloquante).value() == 7);
    }());
}

BOOST_AUTO_TEST_CASE(handle_current_dans_une_fonction_bloquante) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn_blocking([] {
            // Le contexte du runtime est là : on peut lancer une tâche depuis le pool.
            return rt::Handle::current().spawn([]() -> rt::Task<int> { co_return 5; });
        });
        auto tache = (co_await h).value();
        BOOST_TEST((co_await tache).value() == 5);
    }());
}

BOOST_AUTO_TEST_CASE(annulee_avant_de_demarrer) {
    support::ChienDeGarde garde(30s, "le pool bloquant ne rend pas la main");
    rt::Runtime runtime = rt::Builder::from_env().max_blocking_threads(1).build();
    runtime.block_on([]() -> rt::Task<void> {
        std::promise<void> liberer;
        std::atomic<bool> seconde_executee = false;
        // La première occupe l'unique thread ; la seconde attend en file.
        auto premiere = rt::spawn_blocking([f = liberer.get_future()]() mutable { f.get(); });
        auto seconde = rt::spawn_blocking([&seconde_executee] { seconde_executee = true; });
        BOOST_TEST(rt::Handle::current().metrics().num_blocking_threads == 1u);
        seconde.abort();
        liberer.set_value();
        BOOST_TEST((co_await premiere).has_value());
        auto r = co_await seconde;
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is_cancelled());
        BOOST_TEST(!seconde_executee);
    }());
}

BOOST_AUTO_TEST_CASE(arret_annule_celles_en_file_et_attend_celle_qui_tourne) {
    support::ChienDeGarde garde(30s, "l'arrêt du runtime n'attend pas correctement le pool");
    std::promise<void> liberer;
    std::atomic<bool> seconde_executee = false;
    rt::JoinHandle<int> premiere;
    rt::JoinHandle<void> seconde;
    std::thread liberateur;
    {
        rt::Runtime runtime = rt::Builder::from_env().max_blocking_threads(1).build();
        runtime.block_on([&]() -> rt::Task<void> {
            premiere = rt::spawn_blocking([f = liberer.get_future()]() mutable {
                f.get();
                return 1;
            });
            seconde = rt::spawn_blocking([&seconde_executee] { seconde_executee = true; });
            co_return;
        }());
        // Pendant l'arrêt, quand la seconde aura été annulée, on libère la première.
        liberateur = std::thread([&] {
            while (!seconde.is_finished()) {
                std::this_thread::yield();
            }
            liberer.set_value();
        });
    } // ~Runtime : la seconde est annulée, la première attendue
    liberateur.join();
    BOOST_TEST(premiere.is_finished());
    BOOST_TEST(seconde.is_finished());
    BOOST_TEST(!seconde_executee);
}

BOOST_AUTO_TEST_CASE(thread_inactif_s_arrete) {
    support::ChienDeGarde garde(30s, "le thread inactif du pool ne s'arrête pas");
    rt::Runtime runtime = rt::Builder::from_env().thread_keep_alive(20ms).build();
    runtime.block_on([]() -> rt::Task<void> {
        (void)(co_await rt::spawn_blocking([] {})).value();
        BOOST_TEST(rt::Handle::current().metrics().num_blocking_threads <= 1u);
        // On regarde, sans rien supposer du temps qu'il faut : il finit par s'arrêter.
        while (rt::Handle::current().metrics().num_blocking_threads != 0) {
            co_await rt::time::sleep(5ms);
        }
    }());
}
