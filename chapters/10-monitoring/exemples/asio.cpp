// Chapitre 10 — en production : Boost.Asio n'a pas de métriques intégrées.
//
// Un io_context ne dit ni combien de gestionnaires (handlers) sont en attente, ni combien il
// en a exécuté. Deux outils existent : BOOST_ASIO_ENABLE_HANDLER_TRACKING (un journal texte
// de chaque opération sur stderr, pour le débogage, pas pour un tableau de bord) et... ce
// qu'on écrit soi-même. Ici : envelopper chaque gestionnaire dans un objet qui se compte
// (le même garde RAII déplaçable que l'exercice « construire » : Asio DÉPLACE les
// gestionnaires, et DÉTRUIT sans les appeler ceux qui restent quand l'io_context meurt).
//
//   ch10_asio [--court]
#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// Les compteurs : gestionnaires en attente (vivants, pas encore appelés) et appelés.
struct Compteurs {
    std::atomic<long> en_attente{0};
    std::atomic<long> appeles{0};
};

/// Un gestionnaire compté : +1 à la création, -1 quand il est appelé OU détruit sans l'être.
template <class Handler>
class Compte {
public:
    Compte(std::shared_ptr<Compteurs> c, Handler h) : c_(std::move(c)), h_(std::move(h)) {
        c_->en_attente.fetch_add(1, std::memory_order_relaxed);
    }
    Compte(Compte&& autre) noexcept : c_(std::move(autre.c_)), h_(std::move(autre.h_)) {}
    Compte& operator=(Compte&&) = delete;
    Compte(const Compte&) = delete;
    ~Compte() { rendre(); }

    template <class... Args>
    void operator()(Args&&... args) {
        if (c_) {
            c_->appeles.fetch_add(1, std::memory_order_relaxed);
        }
        rendre(); // plus en attente ; le destructeur n'aura rien à rendre
        h_(std::forward<Args>(args)...);
    }

private:
    void rendre() noexcept {
        if (c_) {
            c_->en_attente.fetch_sub(1, std::memory_order_relaxed);
            c_.reset();
        }
    }
    std::shared_ptr<Compteurs> c_;
    Handler h_;
};

template <class Handler>
Compte<Handler> compte(std::shared_ptr<Compteurs> c, Handler h) {
    return Compte<Handler>(std::move(c), std::move(h));
}

} // namespace

int main(int argc, char** argv) {
    const bool court = argc > 1 && std::strcmp(argv[1], "--court") == 0;
    const auto unite = court ? 10ms : 100ms;
    auto c = std::make_shared<Compteurs>();
    {
        asio::io_context ctx;
        auto garde_travail = asio::make_work_guard(ctx);

        // 20 minuteries de 1 à 5 unités, comme les 20 tâches de l'article ; 5 seront annulées.
        std::vector<std::unique_ptr<asio::steady_timer>> minuteries;
        for (int i = 0; i < 20; ++i) {
            auto& t = minuteries.emplace_back(
                std::make_unique<asio::steady_timer>(ctx, (i % 5 + 1) * unite));
            t->async_wait(compte(c, [](boost::system::error_code) {}));
        }
        // Une minuterie qui ne sonnera jamais avant l'arrêt : son gestionnaire sera détruit
        // sans être appelé, à la destruction de l'io_context.
        asio::steady_timer lointaine(ctx, 1h);
        lointaine.async_wait(compte(c, [](boost::system::error_code) {}));

        // Le moniteur : une minuterie périodique, non comptée (comme le moniteur de l'article).
        asio::steady_timer tic(ctx);
        std::function<void()> surveiller = [&] {
            tic.expires_after(unite);
            tic.async_wait([&](boost::system::error_code e) {
                if (e) {
                    return;
                }
                std::cout << "gestionnaires en attente : " << c->en_attente.load()
                          << ", appelés : " << c->appeles.load() << std::endl;
                surveiller();
            });
        };
        surveiller();

        for (int i = 0; i < 20; i += 4) {
            minuteries[static_cast<std::size_t>(i)]->cancel(); // appelés avec operation_aborted
        }

        std::thread fil([&] { ctx.run(); }); // deux threads font tourner l'io_context
        asio::steady_timer fin(ctx, 6 * unite);
        fin.async_wait([&](boost::system::error_code) {
            tic.cancel();
            garde_travail.reset();
            ctx.stop(); // la minuterie « lointaine » reste en attente
        });
        ctx.run();
        fil.join();
        std::cout << "io_context arrêté : en attente = " << c->en_attente.load() << std::endl;
    } // destruction de l'io_context : le gestionnaire en attente est détruit sans être appelé
    std::cout << "io_context détruit : en attente = " << c->en_attente.load()
              << ", appelés = " << c->appeles.load()
              << " (20 minuteries, dont 5 annulées ; la lointaine a été détruite sans appel)"
              << std::endl;
    return c->en_attente.load() == 0 ? 0 : 1;
}
