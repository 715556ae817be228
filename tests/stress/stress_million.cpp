// Charge : un million de tâches (au moins), vingt fois. Lancées depuis quatre threads OS et depuis
// l'intérieur d'autres tâches, chacune réveillée depuis un autre thread, un tiers annulées à
// un moment quelconque (avant de démarrer, en attente, après leur réveil). À chaque tour :
// aucune tâche perdue, aucune terminée deux fois, chaque destructeur exactement une fois.
//
// Taille réglable (pour les builds instrumentés, plus lents) : RT_STRESS_TACHES (1 000 000 par
// défaut) et RT_STRESS_TOURS (20 par défaut).
#define BOOST_TEST_MODULE stress_million
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/runtime_sur_un_thread.hpp>

#include "commun.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int PRODUCTEURS = 4;
constexpr int REVEILLEURS = 2;
constexpr int EN_VOL_MAX = 20'000; // tâches vivantes au plus : la mémoire reste bornée

long depuis_env(const char* nom, long defaut) {
    const char* texte = std::getenv(nom);
    return texte ? std::strtol(texte, nullptr, 10) : defaut;
}

/// Ce qu'un réveilleur doit faire d'une tâche : la réveiller, l'annuler, ou les deux.
struct Ordre {
    rt::sync::oneshot::Sender<int> reveil;
    rt::JoinHandle<void> handle;
};

/// La boîte aux lettres des réveilleurs (des threads OS, jamais des workers).
class Boite {
public:
    void deposer(Ordre ordre) {
        {
            std::lock_guard lock(mutex_);
            ordres_.push_back(std::move(ordre));
        }
        condition_.notify_one();
    }
    /// Un ordre, ou rien si la boîte est fermée et vide.
    std::optional<Ordre> prendre() {
        std::unique_lock lock(mutex_);
        condition_.wait(lock, [&] { return !ordres_.empty() || fermee_; });
        if (ordres_.empty()) {
            return std::nullopt;
        }
        Ordre o = std::move(ordres_.front());
        ordres_.pop_front();
        return o;
    }
    void fermer() {
        {
            std::lock_guard lock(mutex_);
            fermee_ = true;
        }
        condition_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable condition_;
    std::deque<Ordre> ordres_;
    bool fermee_ = false;
};

/// L'état partagé d'un tour.
struct Tour {
    std::shared_ptr<std::atomic<int>> vivantes = std::make_shared<std::atomic<int>>(0);
    std::atomic<int> finies{0};
    std::atomic<int> annulees{0};
    std::atomic<int> lancees{0};

    /// Lancées et pas encore finies ni annulées.
    int en_vol() const { return lancees.load() - finies.load() - annulees.load(); }
    Boite boite;
};

/// Le corps de chaque tâche : attendre son réveil. Avec `enfant`, elle lance d'abord une
/// autre tâche depuis l'intérieur du runtime (sur un worker avec multi_thread).
///
/// `fin` porte la `Vivante` de la tâche : quand elle compte la tâche, la `Vivante` est déjà
/// partie (voir `stress::Issue`).
rt::Task<void> corps(Tour& tour, stress::Issue fin, rt::sync::oneshot::Receiver<int> reveil,
                     bool enfant);

/// Lance une tâche (depuis un thread OS, ou depuis une tâche) et confie son réveil à la boîte.
template <class Lancer>
void lancer_une(Tour& tour, bool enfant, Lancer&& lancer) {
    tour.lancees.fetch_add(1, std::memory_order_relaxed);
    auto canal = rt::sync::oneshot::channel<int>();
    rt::JoinHandle<void> h = lancer(
        corps(tour, stress::Issue(&tour.finies, &tour.annulees, stress::Vivante(tour.vivantes)),
              std::move(canal.second), enfant));
    tour.boite.deposer(Ordre{std::move(canal.first), std::move(h)});
}

rt::Task<void> corps(Tour& tour, stress::Issue fin, rt::sync::oneshot::Receiver<int> reveil,
                     bool enfant) {
    if (enfant) {
        lancer_une(tour, false, [](rt::Task<void> t) { return rt::spawn(std::move(t)); });
    }
    (void)co_await reveil; // réveillée (valeur) ou émetteur détruit sans envoi : finie aussi
    fin.atteinte = true;
}

/// Un tour : `taches` tâches, la moitié lancées par les producteurs, l'autre moitié par elles.
void jouer_un_tour(rt::Handle handle, int taches, std::mt19937_64& graine) {
    Tour tour;
    std::vector<std::thread> reveilleurs;
    for (int r = 0; r < REVEILLEURS; ++r) {
        reveilleurs.emplace_back([&tour, s = graine()] {
            std::mt19937_64 alea(s);
            while (auto ordre = tour.boite.prendre()) {
                switch (alea() % 6) {
                case 0: // annulée, sans réveil (avant son premier passage, ou en attente)
                    ordre->handle.abort();
                    break;
                case 1: // réveillée puis annulée : l'abort arrive avant, pendant ou après
                    (void)ordre->reveil.send(1);
                    ordre->handle.abort();
                    break;
                default: // réveillée (deux sur trois)
                    (void)ordre->reveil.send(1);
                    break;
                }
                // Ordre détruit ici : le JoinHandle est lâché (tâche détachée).
            }
        });
    }
    // Les producteurs lancent des tâches « parentes » jusqu'à ce que le total (parentes et
    // enfants lancées de l'intérieur) atteigne `taches`. Une parente annulée avant son premier
    // passage ne lance pas d'enfant : le total exact se lit à la fin, dans `lancees`.
    std::vector<std::thread> producteurs;
    for (int p = 0; p < PRODUCTEURS; ++p) {
        producteurs.emplace_back([&tour, handle, taches] {
            while (tour.lancees.load(std::memory_order_relaxed) < taches) {
                while (tour.en_vol() > EN_VOL_MAX) {
                    // La mémoire reste bornée. (Une attente qui regarde une condition, pas une
                    // pause qui suppose qu'autre chose est arrivé.)
                    std::this_thread::sleep_for(100us);
                }
                lancer_une(tour, true,
                           [&handle](rt::Task<void> t) { return handle.spawn(std::move(t)); });
            }
        });
    }
    for (auto& t : producteurs) {
        t.join();
    }
    // Une parente lance son enfant avant de pouvoir finir : quand tout ce qui a été lancé est
    // fini ou annulé, plus rien ne sera lancé.
    while (tour.en_vol() > 0) {
        std::this_thread::sleep_for(100us);
    }
    const int attendues = tour.lancees.load();
    tour.boite.fermer();
    for (auto& t : reveilleurs) {
        t.join();
    }
    BOOST_TEST_REQUIRE(tour.finies.load() + tour.annulees.load() == attendues,
                       "tâche perdue ou terminée deux fois");
    BOOST_TEST_REQUIRE(tour.vivantes->load() == 0, "un destructeur n'a pas été exécuté");
    BOOST_TEST_MESSAGE(attendues << " tâches, " << tour.finies.load() << " finies, "
                                 << tour.annulees.load() << " annulées");
    BOOST_TEST(attendues >= taches);
    BOOST_TEST(tour.annulees.load() > 0);
    BOOST_TEST(tour.finies.load() > 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(un_million_de_taches_vingt_fois) {
    const int taches = static_cast<int>(depuis_env("RT_STRESS_TACHES", 1'000'000));
    const int tours = static_cast<int>(depuis_env("RT_STRESS_TOURS", 20));
    support::ChienDeGarde garde(600s, "un tour de la charge d'un million de tâches ne finit pas");
    auto graine = stress::generateur("un_million_de_taches_vingt_fois");
    support::RuntimeSurUnThread runtime;
    for (int t = 0; t < tours; ++t) {
        BOOST_TEST_CONTEXT("tour " << t) {
            jouer_un_tour(runtime.handle(), taches, graine);
        }
    }
    // Une tâche est comptée finie quand sa trame est détruite, un peu avant de quitter la liste
    // des tâches vivantes : on attend que la liste se vide (le chien de garde borne l'attente).
    while (runtime.handle().metrics().num_alive_tasks != 0) {
        std::this_thread::sleep_for(100us);
    }
}
