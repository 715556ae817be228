// Ce que la leçon du chapitre 12 affirme de rt::sync::mpsc, vérifié (label « exemples », non
// noté).
//
// Chaque test est un fait de la leçon : un étage qui lève une exception ferme son aval (recv
// rend nullopt) et son amont (send échoue et rend le message) ; un canal borné retient la
// production, un canal sans borne non ; un envoi abandonné quitte la file ; une réception
// abandonnée ne perd rien ; une copie de Sender gardée par le consommateur l'empêche de finir ;
// un Permit gardé occupe une place. L'ordre est observé sur un runtime current_thread avec
// yield_now ; aucun sommeil ne sert à synchroniser.
#define BOOST_TEST_MODULE "Chapitre 12 : ce que la leçon affirme"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace mpsc = rt::sync::mpsc;

template <class F>
auto sur_un_thread(F scenario) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    return runtime.block_on(scenario());
}

rt::Task<void> ceder(int n) {
    for (int i = 0; i < n; ++i) {
        co_await rt::task::yield_now();
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(etage_qui_leve_ferme_l_aval_et_l_amont) {
    support::ChienDeGarde garde(5s, "un étage a levé une exception et le pipeline reste bloqué");
    struct Vu {
        std::vector<int> recus; // ce que l'aval a reçu avant nullopt
        int rendu = -1;         // le message rendu à l'amont par l'envoi refusé
        bool panique = false;   // la JoinError de l'étage est une panique...
        std::string message;    // ... avec l'exception d'origine
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx1, rx1] = mpsc::channel<int>(2);
        auto [tx2, rx2] = mpsc::channel<int>(2);
        auto amont = rt::spawn([tx = std::move(tx1)]() -> rt::Task<int> {
            for (int i = 1; i <= 20; ++i) {
                auto r = co_await tx.send(i);
                if (!r) {
                    co_return r.error().value;
                }
            }
            co_return -1;
        });
        auto etage =
            rt::spawn([rx = std::move(rx1), tx = std::move(tx2)]() mutable -> rt::Task<void> {
                while (auto n = co_await rx.recv()) {
                    if (*n == 3) {
                        throw std::runtime_error("panne à 3");
                    }
                    (void)co_await tx.send(*n * 10);
                }
            });
        while (auto m = co_await rx2.recv()) {
            vu.recus.push_back(*m);
        }
        vu.rendu = *co_await amont;
        auto fin = co_await etage;
        vu.panique = !fin && fin.error().is_panic();
        if (vu.panique) {
            try {
                std::rethrow_exception(fin.error().panic());
            } catch (const std::exception& e) {
                vu.message = e.what();
            }
        }
        co_return vu;
    });
    BOOST_TEST((vu.recus == std::vector<int>{10, 20}),
               "l'aval reçoit ce qui a été envoyé avant la panne, puis nullopt");
    BOOST_TEST(vu.rendu > 3,
               "l'envoi refusé rend son message à l'amont (rendu : " << vu.rendu << ")");
    BOOST_TEST(vu.panique);
    BOOST_TEST(vu.message == "panne à 3");
}

BOOST_AUTO_TEST_CASE(canal_borne_retient_la_production_sans_borne_non) {
    support::ChienDeGarde garde(5s, "le scénario de contre-pression ne se termine pas");
    struct Vu {
        int borne = 0;
        int sans_borne = 0;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto envoyes = std::make_shared<int>(0);
        auto [tx, rx] = mpsc::channel<int>(8);
        auto p = rt::spawn([tx = std::move(tx), envoyes]() -> rt::Task<void> {
            for (int i = 0; i < 1000; ++i) {
                if (!co_await tx.send(i)) {
                    co_return;
                }
                ++*envoyes;
            }
        });
        co_await ceder(10);
        vu.borne = *envoyes;
        { mpsc::Receiver<int> parti = std::move(rx); } // l'envoi en attente échoue
        (void)co_await p;

        auto [utx, urx] = mpsc::unbounded_channel<int>();
        *envoyes = 0;
        auto q = rt::spawn([tx = std::move(utx), envoyes]() -> rt::Task<void> {
            for (int i = 0; i < 1000; ++i) {
                if (!tx.send(i)) {
                    co_return;
                }
                ++*envoyes;
            }
            co_return;
        });
        co_await ceder(10);
        vu.sans_borne = *envoyes;
        BOOST_TEST(urx.len() == 1000u);
        (void)co_await q;
        co_return vu;
    });
    BOOST_TEST(vu.borne == 8, "canal borné à 8, personne ne lit : 8 envois, puis send attend");
    BOOST_TEST(vu.sans_borne == 1000, "canal sans borne : tout est envoyé d'avance");
}

BOOST_AUTO_TEST_CASE(envoi_abandonne_quitte_la_file) {
    support::ChienDeGarde garde(5s, "après un envoi abandonné, l'émetteur suivant n'est pas servi");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = mpsc::channel<int>(1);
        (void)co_await tx.send(0);
        auto a = rt::spawn([tx]() -> rt::Task<void> { (void)co_await tx.send(1); });
        co_await ceder(2);
        a.abort(); // détruit pendant son attente : son maillon quitte la file, 1 est détruit
        (void)co_await a;
        auto b = rt::spawn([tx]() -> rt::Task<void> { (void)co_await tx.send(2); });
        co_await ceder(2);
        std::vector<int> v;
        for (int i = 0; i < 2; ++i) {
            auto m = co_await rx.recv();
            v.push_back(m ? *m : -1);
        }
        (void)co_await b;
        co_return v;
    });
    BOOST_TEST((recus == std::vector<int>{0, 2}));
}

BOOST_AUTO_TEST_CASE(reception_abandonnee_ne_perd_rien) {
    support::ChienDeGarde garde(5s, "une réception abandonnée bloque le scénario");
    auto recu = sur_un_thread([]() -> rt::Task<int> {
        auto [tx, rx] = mpsc::channel<int>(4);
        auto [feu_tx, feu_rx] = rt::sync::oneshot::channel<int>();
        auto lecteur =
            rt::spawn([rx = std::move(rx), feu = std::move(feu_rx)]() mutable -> rt::Task<int> {
                auto r = co_await rt::select(std::move(feu), rx.recv());
                if (r.index() == 1) {
                    co_return -3;
                }
                auto m = co_await rx.recv();
                co_return m ? *m : -1;
            });
        co_await ceder(2);
        (void)co_await tx.send(42); // réveille la réception...
        (void)feu_tx.send(1);       // ... et le feu, qui gagne : la réception est abandonnée
        { mpsc::Sender<int> parti = std::move(tx); }
        auto r = co_await lecteur;
        co_return r ? *r : -2;
    });
    BOOST_TEST(recu == 42, "le message reste dans la file quand la réception est abandonnée");
}

BOOST_AUTO_TEST_CASE(copie_de_sender_gardee_empeche_la_fin) {
    support::ChienDeGarde garde(5s, "le scénario du Sender gardé ne se termine pas");
    struct Vu {
        int recus = 0;
        bool fin_vue = true;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = mpsc::channel<int>(4);
        mpsc::Sender<int> copie = tx; // le piège : le consommateur garde une copie
        (void)rt::spawn([tx = std::move(tx)]() -> rt::Task<void> {
            for (int i = 0; i < 3; ++i) {
                (void)co_await tx.send(i);
            }
        });
        for (;;) {
            // Sans la copie, le 4e recv rendrait nullopt ; avec elle, il attend toujours.
            auto r = co_await rt::time::timeout(20ms, rx.recv());
            if (!r) {
                vu.fin_vue = false; // délai écoulé : recv attendait encore
                break;
            }
            if (!*r) {
                break; // nullopt : fin vue
            }
            ++vu.recus;
        }
        co_return vu;
    });
    BOOST_TEST(vu.recus == 3);
    BOOST_TEST(!vu.fin_vue, "tant qu'une copie du Sender vit, recv ne rend jamais nullopt");
}

BOOST_AUTO_TEST_CASE(permit_garde_occupe_une_place) {
    support::ChienDeGarde garde(5s, "le scénario du Permit ne se termine pas");
    struct Vu {
        bool plein_avec_permit = false;
        bool libre_apres = false;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = mpsc::channel<int>(1);
        {
            auto permit = (co_await tx.reserve()).value(); // la seule place est réservée
            auto essai = tx.try_send(1);
            vu.plein_avec_permit = !essai && essai.error().is_full();
        } // Permit détruit sans servir : la place est rendue
        vu.libre_apres = tx.try_send(2).has_value();
        co_return vu;
    });
    BOOST_TEST(vu.plein_avec_permit, "un Permit non utilisé occupe sa place : le canal est plein");
    BOOST_TEST(vu.libre_apres, "le Permit détruit rend sa place");
}
