// Charge : lancer, réveiller, annuler et lâcher des tâches depuis plusieurs threads OS à la
// fois. Aucune tâche perdue, aucune terminée deux fois, chaque destructeur une fois.
#define BOOST_TEST_MODULE stress_lancer_reveiller
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/runtime_sur_un_thread.hpp>

#include "commun.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int PRODUCTEURS = 4;
constexpr int TACHES_PAR_PRODUCTEUR = 4000;

/// Une tâche lancée depuis un thread étranger, qui attend d'être réveillée (par un envoi sur
/// son canal) depuis un thread étranger aussi.
struct EnVol {
    std::optional<rt::sync::broadcast::Sender<int>> reveil;
    std::optional<rt::JoinHandle<void>> handle;
};

} // namespace

BOOST_AUTO_TEST_CASE(lancer_reveiller_annuler_lacher_depuis_quatre_threads) {
    support::ChienDeGarde garde(120s, "les tâches lancées depuis quatre threads ne finissent pas");
    support::RuntimeSurUnThread runtime;
    auto vivantes = std::make_shared<std::atomic<int>>(0);
    std::atomic<int> finies{0};
    std::atomic<int> annulees{0};

    std::vector<std::thread> producteurs;
    for (int p = 0; p < PRODUCTEURS; ++p) {
        producteurs.emplace_back([&, p] {
            auto alea = stress::generateur("producteur");
            rt::Handle handle = runtime.handle();
            std::vector<std::unique_ptr<EnVol>> en_vol;
            auto liberer = [&](std::size_t garder) {
                while (en_vol.size() > garder) {
                    const std::size_t i = alea() % en_vol.size();
                    std::unique_ptr<EnVol> t = std::move(en_vol[i]);
                    en_vol[i] = std::move(en_vol.back());
                    en_vol.pop_back();
                    switch (alea() % 3) {
                    case 0: // annulée : avant, pendant ou après son passage
                        t->handle->abort();
                        break;
                    case 1: // réveillée, handle lâché avant la fin (détachée)
                        (void)t->reveil->send(1);
                        break;
                    default: // réveillée, puis annulée : l'abort arrive trop tard, ou pas
                        (void)t->reveil->send(1);
                        t->handle->abort();
                        break;
                    }
                }
            };
            for (int i = 0; i < TACHES_PAR_PRODUCTEUR; ++i) {
                auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
                auto t = std::make_unique<EnVol>();
                t->reveil.emplace(std::move(tx));
                t->handle.emplace(handle.spawn([v = stress::Vivante(vivantes),
                                                fin = stress::Issue(&finies, &annulees),
                                                rx = std::move(rx)]() mutable -> rt::Task<void> {
                    (void)co_await rx.recv();
                    fin.atteinte = true;
                }));
                en_vol.push_back(std::move(t));
                if (en_vol.size() >= 64) {
                    liberer(static_cast<std::size_t>(alea() % 32));
                }
            }
            liberer(0);
            (void)p;
        });
    }
    for (auto& t : producteurs) {
        t.join();
    }
    // Toutes les tâches ont été réveillées ou annulées : elles finissent sans nous.
    while (finies.load() + annulees.load() < PRODUCTEURS * TACHES_PAR_PRODUCTEUR) {
        std::this_thread::yield();
    }
    runtime.arreter();
    BOOST_TEST(finies.load() + annulees.load() == PRODUCTEURS * TACHES_PAR_PRODUCTEUR);
    BOOST_TEST(vivantes->load() == 0);
    BOOST_TEST(annulees.load() > 0);
    BOOST_TEST(finies.load() > 0);
}
