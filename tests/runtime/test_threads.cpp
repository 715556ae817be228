// Réveils et lancements depuis d'autres threads OS : légaux à tout moment.
#define BOOST_TEST_MODULE rt_threads
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// Un runtime qui tourne sur son propre thread OS jusqu'à `arreter()`.
class RuntimeSurUnThread {
public:
    RuntimeSurUnThread() {
        std::promise<rt::Handle> handle;
        auto futur = handle.get_future();
        thread_ = std::thread([this, handle = std::move(handle)]() mutable {
            rt::block_on([&]() -> rt::Task<void> {
                handle.set_value(rt::Handle::current());
                // Attente active bornée : on vérifie le drapeau toutes les millisecondes.
                while (!stop_.load()) {
                    co_await rt::time::sleep(1ms);
                }
            }());
        });
        handle_.emplace(futur.get());
    }
    ~RuntimeSurUnThread() {
        stop_ = true;
        thread_.join();
    }
    rt::Handle& handle() { return *handle_; }

private:
    std::atomic<bool> stop_{false};
    std::optional<rt::Handle> handle_;
    std::thread thread_;
};

} // namespace

BOOST_AUTO_TEST_CASE(reveil_depuis_un_autre_runtime) {
    // Une tâche du runtime A attend des tâches du runtime B (autre thread) : chaque fin de
    // tâche sur B réveille A, garé dans poll(2), par la file distante et l'eventfd.
    RuntimeSurUnThread b;
    int somme = rt::block_on([&]() -> rt::Task<int> {
        int s = 0;
        for (int i = 0; i < 200; ++i) {
            auto h = b.handle().spawn([i]() -> rt::Task<int> {
                if (i % 2 == 0) {
                    co_await rt::time::sleep(100us);
                } else {
                    co_await rt::task::yield_now();
                }
                co_return i;
            });
            s += (co_await h).value();
        }
        co_return s;
    }());
    BOOST_TEST(somme == 199 * 200 / 2);
}

BOOST_AUTO_TEST_CASE(spawn_depuis_plusieurs_threads) {
    std::atomic<int> executees{0};
    constexpr int threads = 4;
    constexpr int par_thread = 2000;
    rt::block_on([&]() -> rt::Task<void> {
        rt::Handle handle = rt::Handle::current();
        std::vector<std::thread> lanceurs;
        for (int t = 0; t < threads; ++t) {
            lanceurs.emplace_back([&, handle] {
                for (int i = 0; i < par_thread; ++i) {
                    (void)handle.spawn([&]() -> rt::Task<void> {
                        executees.fetch_add(1);
                        co_return;
                    });
                }
            });
        }
        while (executees.load() < threads * par_thread) {
            co_await rt::time::sleep(1ms);
        }
        for (auto& l : lanceurs) {
            l.join();
        }
        BOOST_TEST(rt::Handle::current().metrics().remote_schedule_count >=
                   static_cast<std::uint64_t>(threads * par_thread));
    }());
    BOOST_TEST(executees.load() == threads * par_thread);
}

BOOST_AUTO_TEST_CASE(abort_depuis_un_autre_thread) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(1h);
            co_return 1;
        });
        co_await rt::task::yield_now();
        std::thread annuleur([&h] { h.abort(); });
        auto r = co_await h; // le runtime dort dans poll : l'abort doit le réveiller
        annuleur.join();
        BOOST_TEST(r.error().is_cancelled());
    }());
}

BOOST_AUTO_TEST_CASE(handle_current_emporte_dans_un_thread) {
    rt::block_on([]() -> rt::Task<void> {
        rt::Handle handle = rt::Handle::current();
        std::promise<rt::JoinHandle<int>> p;
        auto f = p.get_future();
        std::thread t([&] { p.set_value(handle.spawn([]() -> rt::Task<int> { co_return 42; })); });
        // Attendre le thread sans bloquer le runtime : on cède la main jusqu'à ce qu'il ait fini.
        while (f.wait_for(0s) != std::future_status::ready) {
            co_await rt::time::sleep(1ms);
        }
        t.join();
        auto h = f.get();
        BOOST_TEST((co_await h).value() == 42);
    }());
}
