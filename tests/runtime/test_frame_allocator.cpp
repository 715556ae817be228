// Le cache d'allocation des trames : un bloc libéré sur un autre thread retourne à son
// propriétaire, la mémoire ne grandit pas avec le nombre de tâches lancées.
#define BOOST_TEST_MODULE rt_frame_allocator
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(blocs_liberes_ailleurs_rendus_a_leur_proprietaire) {
    support::ChienDeGarde garde(60s, "le producteur de tâches ne termine pas");
    // Un thread étranger lance des tâches (il alloue leurs cellules et leurs trames) qui
    // s'exécutent et se libèrent sur le thread du runtime. Par lots : chaque lot attend la fin
    // du précédent, il n'y a donc jamais plus de 1 000 tâches vivantes à la fois.
    constexpr int LOTS = 200;
    constexpr int PAR_LOT = 1000;
    std::atomic<int> finies{0};
    std::size_t morceaux_apres_chauffe = 0;
    std::size_t morceaux_a_la_fin = 0;
    auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
    rt::block_on([&, rx = std::move(rx)]() mutable -> rt::Task<void> {
        rt::Handle handle = rt::Handle::current();
        std::thread producteur([&] {
            for (int lot = 0; lot < LOTS; ++lot) {
                for (int i = 0; i < PAR_LOT; ++i) {
                    (void)handle.spawn([&finies]() -> rt::Task<void> {
                        finies.fetch_add(1, std::memory_order_relaxed);
                        co_return;
                    });
                }
                while (finies.load(std::memory_order_relaxed) < (lot + 1) * PAR_LOT) {
                    std::this_thread::yield(); // le runtime exécute le lot
                }
                if (lot == 9) {
                    morceaux_apres_chauffe = rt::detail::frame_allocator_chunks();
                }
            }
            morceaux_a_la_fin = rt::detail::frame_allocator_chunks();
            (void)tx.send(1); // réveille la tâche principale (légal depuis tout thread)
        });
        co_await rx.recv();
        producteur.join();
    }());
    BOOST_TEST(finies.load() == LOTS * PAR_LOT);
    // Après la chauffe, le producteur réutilise ses blocs : au plus un ou deux morceaux de
    // plus (sous ASan, il n'y a pas de cache : 0 et 0).
    BOOST_TEST(morceaux_a_la_fin <= morceaux_apres_chauffe + 2,
               "morceaux de 256 Kio : " << morceaux_apres_chauffe << " après 10 lots, "
                                        << morceaux_a_la_fin << " après " << LOTS);
}
