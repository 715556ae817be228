// Charge : arrêter un runtime qui a des tâches dans tous les états, pendant que d'autres
// threads les annulent, en lancent de nouvelles et les réveillent. Rien ne fuit, rien ne
// plante, rien ne reste : chaque tâche est détruite exactement une fois.
#define BOOST_TEST_MODULE stress_arret
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include "commun.hpp"

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int REPRISES = 60;

/// Ce que le runtime confie au thread étranger : de quoi annuler, réveiller et lancer.
struct Prise {
    std::optional<rt::Handle> handle;
    std::vector<rt::JoinHandle<void>> handles;
    std::vector<rt::sync::broadcast::Sender<int>> reveils;
};

/// Lance des tâches dans tous les états : endormies, en file, en attente d'une autre tâche,
/// d'un verrou, dans un select, dans un JoinSet ; rend de quoi les toucher depuis ailleurs.
rt::Task<void> peupler(std::shared_ptr<std::atomic<int>> vivantes, Prise& prise,
                       std::shared_ptr<rt::sync::Mutex<int>> verrou) {
    auto v = [vivantes] { return stress::Vivante(vivantes); };
    prise.handle.emplace(rt::Handle::current());
    auto garde_verrou = co_await verrou->lock(); // pris par main : les autres attendent
    for (int i = 0; i < 8; ++i) {
        auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
        prise.reveils.push_back(std::move(tx));
        // Endormie longtemps, ou réveillée par le thread étranger.
        prise.handles.push_back(
            rt::spawn([s = v(), rx = std::move(rx)]() mutable -> rt::Task<void> {
                auto r = co_await rt::select(rx.recv(), rt::time::sleep(1h));
                (void)r;
                co_await rt::time::sleep(1h);
            }));
        // En attente d'une autre tâche.
        auto dormeuse = rt::spawn([s = v()]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
        prise.handles.push_back(rt::spawn(
            [s = v(), d = std::move(dormeuse)]() mutable -> rt::Task<void> { co_await d; }));
        // En attente du verrou.
        prise.handles.push_back(rt::spawn([s = v(), verrou]() -> rt::Task<void> {
            auto g = co_await rt::time::timeout(1h, verrou->lock());
            (void)g;
        }));
        // Un JoinSet qui attend ses tâches.
        prise.handles.push_back(rt::spawn([s = v(), v]() -> rt::Task<void> {
            rt::JoinSet<void> ensemble;
            for (int k = 0; k < 3; ++k) {
                ensemble.spawn([s = v()]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
            }
            while (co_await ensemble.join_next()) {
            }
        }));
    }
    co_await rt::task::yield_now(); // tout le monde s'inscrit quelque part
    // Et quelques-unes encore en file au moment de l'arrêt : jamais exécutées.
    for (int i = 0; i < 8; ++i) {
        prise.handles.push_back(rt::spawn([s = v()]() -> rt::Task<void> { co_return; }));
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(arret_pendant_que_d_autres_threads_annulent_lancent_reveillent) {
    support::ChienDeGarde garde(120s, "l'arrêt d'un runtime sous charge ne termine pas");
    auto alea = stress::generateur("arret");
    for (int reprise = 0; reprise < REPRISES; ++reprise) {
        auto vivantes = std::make_shared<std::atomic<int>>(0);
        std::promise<std::shared_ptr<Prise>> promesse;
        auto futur = promesse.get_future();
        std::atomic<bool> arrete{false};
        std::atomic<int> actions{0}; // ce que le thread étranger a déjà fait
        std::thread runtime_thread([&] {
            auto prise = std::make_shared<Prise>();
            auto verrou = std::make_shared<rt::sync::Mutex<int>>(0);
            {
                rt::Runtime runtime = rt::Builder::from_env().build();
                runtime.block_on(peupler(vivantes, *prise, verrou));
                promesse.set_value(prise);
                // Laisse le thread étranger commencer, puis s'arrête sous ses coups.
                while (actions.load() < 20) {
                    std::this_thread::yield();
                }
            } // ~Runtime : toutes les tâches détruites ici, pendant que l'autre thread agit
            arrete = true;
        });
        auto prise = futur.get();
        std::thread etranger([&, graine = alea()] {
            std::mt19937_64 hasard(graine);
            while (!arrete.load()) {
                const std::size_t i = hasard() % prise->handles.size();
                switch (hasard() % 3) {
                case 0:
                    prise->handles[i].abort();
                    break;
                case 1:
                    (void)prise->reveils[hasard() % prise->reveils.size()].send(1);
                    break;
                default:
                    (void)prise->handle->spawn(
                        [s = stress::Vivante(vivantes)]() -> rt::Task<void> { co_return; });
                    break;
                }
                actions.fetch_add(1);
            }
            // Après l'arrêt : tout est encore légal, et sans effet.
            prise->handles.front().abort();
            (void)prise->handle->spawn(
                [s = stress::Vivante(vivantes)]() -> rt::Task<void> { co_return; });
        });
        runtime_thread.join();
        etranger.join();
        BOOST_TEST_REQUIRE(vivantes->load() == 0);
        prise.reset(); // les handles et la poignée survivent au runtime : lâchés ici
    }
}
