// rt::sync::mpsc : ordre des messages, contre-pression (un émetteur attend quand c'est plein,
// dans l'ordre d'arrivée), fermeture par le dernier émetteur ou par le récepteur (messages
// rendus), reserve/Permit, try_send/try_recv, attentes abandonnées, canal sans borne, et
// charge depuis plusieurs workers et threads.
//
// Les tests d'ordre entre tâches tournent sur un runtime current_thread explicite (voir
// test_semaphore.cpp) ; les autres sur le planificateur de RT_FLAVOR.
#define BOOST_TEST_MODULE rt_mpsc
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/sentinelle.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace mpsc = rt::sync::mpsc;

namespace {
rt::Runtime un_seul_thread() {
    return rt::Builder::current_thread().build();
}
} // namespace

BOOST_AUTO_TEST_CASE(messages_recus_dans_l_ordre_puis_fin) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(4);
        auto producteur = rt::spawn([tx = std::move(tx)]() -> rt::Task<void> {
            for (int i = 0; i < 100; ++i) {
                (co_await tx.send(i)).value();
            }
        }); // tx détruit à la fin de la tâche : le canal se ferme
        std::vector<int> recus;
        while (auto m = co_await rx.recv()) {
            recus.push_back(*m);
        }
        co_await producteur;
        BOOST_TEST_REQUIRE(recus.size() == 100u);
        for (int i = 0; i < 100; ++i) {
            BOOST_TEST(recus[static_cast<std::size_t>(i)] == i);
        }
        BOOST_TEST(!(co_await rx.recv()).has_value(), "toujours fini après la fin");
    }());
}

BOOST_AUTO_TEST_CASE(capacite_nulle_refusee) {
    BOOST_CHECK_THROW((void)mpsc::channel<int>(0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(plein_l_emetteur_attend_puis_repart) {
    support::ChienDeGarde garde(20s, "un émetteur en attente de place n'est jamais réveillé");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(2);
        (co_await tx.send(1)).value();
        (co_await tx.send(2)).value();
        BOOST_TEST(tx.capacity() == 0u);
        BOOST_TEST(tx.try_send(3).error().is_full());
        bool envoye = false;
        auto h = rt::spawn([&, tx]() -> rt::Task<void> {
            (co_await tx.send(3)).value();
            envoye = true;
        });
        co_await rt::task::yield_now();
        BOOST_TEST(!envoye, "le canal est plein : l'émetteur attend");
        BOOST_TEST(*(co_await rx.recv()) == 1); // une place : le message 3 entre aussitôt
        co_await h;
        BOOST_TEST(envoye);
        BOOST_TEST(rx.len() == 2u);
        BOOST_TEST(*(co_await rx.recv()) == 2);
        BOOST_TEST(*(co_await rx.recv()) == 3);
    }());
}

BOOST_AUTO_TEST_CASE(emetteurs_en_attente_servis_dans_l_ordre) {
    support::ChienDeGarde garde(20s, "un émetteur en attente de place n'est jamais réveillé");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(1);
        (co_await tx.send(0)).value();
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 1; i <= 4; ++i) {
            hs.push_back(rt::spawn([tx, i]() -> rt::Task<void> { (co_await tx.send(i)).value(); }));
            co_await rt::task::yield_now(); // en file, dans l'ordre
        }
        { auto parti = std::move(tx); }
        for (int attendu = 0; attendu <= 4; ++attendu) {
            BOOST_TEST(*(co_await rx.recv()) == attendu);
        }
        for (auto& h : hs) {
            co_await h;
        }
        BOOST_TEST(!(co_await rx.recv()).has_value());
    }());
}

BOOST_AUTO_TEST_CASE(recepteur_parti_l_envoi_rend_le_message) {
    support::ChienDeGarde garde(20s, "un émetteur en attente n'est pas réveillé par la fermeture");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<std::unique_ptr<int>>(1);
        (co_await tx.send(std::make_unique<int>(1))).value();
        auto h = rt::spawn([&tx = tx]() -> rt::Task<int> {
            auto r = co_await tx.send(std::make_unique<int>(2)); // plein : attend
            co_return r.has_value() ? -1 : *r.error().value;
        });
        co_await rt::task::yield_now();
        { auto parti = std::move(rx); } // détruit le message 1, réveille l'émetteur
        BOOST_TEST((co_await h).value() == 2, "le message refusé est rendu à l'émetteur");
        BOOST_TEST(tx.is_closed());
        auto r = co_await tx.send(std::make_unique<int>(3));
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(*r.error().value == 3);
        auto essai = tx.try_send(std::make_unique<int>(4));
        BOOST_TEST(essai.error().is_closed());
    }());
}

BOOST_AUTO_TEST_CASE(recepteur_parti_detruit_les_messages_restants) {
    auto vivants = support::nouveau_compteur();
    {
        auto [tx, rx] = mpsc::channel<support::Sentinelle>(8);
        for (int i = 0; i < 5; ++i) {
            BOOST_TEST(tx.try_send(support::Sentinelle(vivants)).has_value());
        }
        BOOST_TEST(*vivants == 5);
        { auto parti = std::move(rx); }
        BOOST_TEST(*vivants == 0, "les messages non reçus sont détruits avec le récepteur");
    }
}

BOOST_AUTO_TEST_CASE(close_garde_les_messages_deja_envoyes) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(4);
        (co_await tx.send(1)).value();
        (co_await tx.send(2)).value();
        rx.close();
        BOOST_TEST(rx.is_closed());
        BOOST_TEST(!(co_await tx.send(3)).has_value(), "plus d'envoi après close()");
        BOOST_TEST(*(co_await rx.recv()) == 1);
        BOOST_TEST(rx.try_recv().value() == 2);
        // tx est encore vivant, mais le canal est fermé : recv ne l'attend pas.
        BOOST_TEST(!(co_await rx.recv()).has_value());
        BOOST_TEST(rx.try_recv().error().is_disconnected());
    }());
}

BOOST_AUTO_TEST_CASE(try_recv_vide_puis_deconnecte) {
    auto [tx, rx] = mpsc::channel<int>(1);
    BOOST_TEST(rx.try_recv().error().is_empty());
    BOOST_TEST(tx.try_send(5).has_value());
    BOOST_TEST(rx.try_recv().value() == 5);
    { auto parti = std::move(tx); }
    BOOST_TEST(rx.try_recv().error().is_disconnected());
}

BOOST_AUTO_TEST_CASE(reserve_garde_une_place) {
    support::ChienDeGarde garde(20s, "une réservation en attente n'est jamais servie");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<std::string>(1);
        auto place = (co_await tx.reserve()).value();
        BOOST_TEST(tx.capacity() == 0u, "la place réservée compte comme occupée");
        BOOST_TEST(tx.try_send("doublé").error().is_full());
        std::move(place).send("réservé");
        BOOST_TEST(*(co_await rx.recv()) == "réservé");
        { auto inutilisee = (co_await tx.reserve()).value(); } // rendue
        BOOST_TEST(tx.capacity() == 1u);
        // Une réservation en attente, servie quand une place se libère.
        (co_await tx.send("plein")).value();
        auto h = rt::spawn([&tx = tx]() -> rt::Task<void> {
            auto p = (co_await tx.reserve()).value();
            std::move(p).send("après attente");
        });
        co_await rt::task::yield_now();
        BOOST_TEST(*(co_await rx.recv()) == "plein");
        co_await h;
        BOOST_TEST(*(co_await rx.recv()) == "après attente");
    }());
}

BOOST_AUTO_TEST_CASE(une_place_reservee_garde_le_canal_ouvert) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(1);
        auto place = (co_await tx.reserve()).value();
        { auto parti = std::move(tx); } // le dernier Sender, mais la place reste
        BOOST_TEST(!rx.is_closed());
        std::move(place).send(9);
        BOOST_TEST(*(co_await rx.recv()) == 9);
        BOOST_TEST(!(co_await rx.recv()).has_value());
    }());
}

BOOST_AUTO_TEST_CASE(envoi_abandonne_ne_laisse_rien) {
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(1);
        (co_await tx.send(1)).value();
        auto r = co_await rt::time::timeout(1ms, tx.send(2));
        BOOST_TEST(!r.has_value(), "plein : le délai gagne");
        auto res = co_await rt::select(tx.reserve(), rt::time::sleep(1ms));
        BOOST_TEST(res.index() == 1u);
        BOOST_TEST(*(co_await rx.recv()) == 1);
        BOOST_TEST(tx.capacity() == 1u, "les attentes abandonnées ont quitté la file");
        BOOST_TEST(rx.try_recv().error().is_empty(), "le message abandonné n'est pas arrivé");
    }());
}

BOOST_AUTO_TEST_CASE(envoi_servi_puis_abandonne_n_arrive_pas) {
    // Régression (trouvée par stress_synchro sous TSan) : un émetteur en attente est servi
    // (une place se libère) et, avant qu'il ne reprenne, son attente est abandonnée (l'autre
    // branche de son select gagne). L'appelant voit « pas envoyé » : le récepteur ne doit donc
    // rien recevoir. Quand le message était déposé pour l'émetteur dès la place libérée, il
    // arrivait quand même.
    support::ChienDeGarde garde(20s, "l'émetteur abandonné bloque le canal");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(1);
        (co_await tx.send(1)).value(); // plein
        auto [stop_tx, stop_rx] = rt::sync::oneshot::channel<int>();
        auto emetteur =
            rt::spawn([&tx = tx, stop = std::move(stop_rx)]() mutable -> rt::Task<bool> {
                // La branche d'arrêt d'abord : si les deux sont prêtes, elle gagne.
                auto r = co_await rt::select(stop, tx.send(2));
                co_return r.index() == 1;
            });
        co_await rt::task::yield_now();         // l'émetteur attend une place
        BOOST_TEST(*(co_await rx.recv()) == 1); // une place, gardée pour l'émetteur...
        (void)stop_tx.send(0);                  // ... dont l'autre branche est prête aussi
        BOOST_TEST(!(co_await emetteur).value(), "la branche d'arrêt a gagné");
        BOOST_TEST(rx.try_recv().error().is_empty(), "l'envoi abandonné est arrivé quand même");
        BOOST_TEST(tx.capacity() == 1u, "la place gardée a été rendue");
    }());
}

BOOST_AUTO_TEST_CASE(reception_abandonnee_ne_perd_pas_de_message) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(4);
        auto r = co_await rt::select(rx.recv(), rt::time::sleep(1ms));
        BOOST_TEST(r.index() == 1u);
        (co_await tx.send(7)).value(); // l'attente abandonnée n'est pas réveillée
        BOOST_TEST(*(co_await rx.recv()) == 7);
    }());
}

BOOST_AUTO_TEST_CASE(emetteur_annule_en_attente_sort_de_la_file) {
    support::ChienDeGarde garde(20s, "l'émetteur suivant n'est jamais servi");
    un_seul_thread().block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(1);
        (co_await tx.send(0)).value();
        auto annule = rt::spawn([tx]() -> rt::Task<void> { (void)co_await tx.send(100); });
        auto suivant = rt::spawn([tx]() -> rt::Task<void> { (void)co_await tx.send(1); });
        co_await rt::task::yield_now();
        annule.abort();
        (void)co_await annule;
        BOOST_TEST(*(co_await rx.recv()) == 0);
        BOOST_TEST(*(co_await rx.recv()) == 1, "le message de l'émetteur annulé n'est pas envoyé");
        co_await suivant;
    }());
}

BOOST_AUTO_TEST_CASE(canal_sans_borne) {
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::unbounded_channel<int>();
        for (int i = 0; i < 10'000; ++i) {
            BOOST_TEST_REQUIRE(tx.send(i).has_value()); // n'attend jamais
        }
        BOOST_TEST(rx.len() == 10'000u);
        long long somme = 0;
        { auto parti = std::move(tx); }
        while (auto m = co_await rx.recv()) {
            somme += *m;
        }
        BOOST_TEST(somme == 10'000LL * 9'999 / 2);
    }());
    auto [tx, rx] = mpsc::unbounded_channel<std::string>();
    { auto parti = std::move(rx); }
    auto r = tx.send("perdu ?");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().value == "perdu ?", "le message est rendu");
}

BOOST_AUTO_TEST_CASE(plusieurs_producteurs_workers_et_threads) {
    // 8 tâches et 2 threads OS envoient chacun 2 000 messages dans un canal de 16 places : rien
    // de perdu, rien en double, l'ordre de chaque producteur respecté.
    support::ChienDeGarde garde(60s, "les producteurs ou le récepteur ne finissent pas");
    constexpr int PAR_PRODUCTEUR = 2000;
    constexpr int TACHES = 8;
    constexpr int THREADS = 2;
    auto [tx, rx] = mpsc::channel<std::pair<int, int>>(16);
    std::vector<std::thread> threads;
    std::vector<int> dernier(TACHES + THREADS, -1);
    int desordres = 0;
    long long total = 0;
    rt::block_on([&, tx = std::move(tx), rx = std::move(rx)]() mutable -> rt::Task<void> {
        for (int p = 0; p < TACHES; ++p) {
            (void)rt::spawn([tx, p]() -> rt::Task<void> {
                for (int i = 0; i < PAR_PRODUCTEUR; ++i) {
                    (co_await tx.send({p, i})).value();
                }
            });
        }
        // Des threads OS : ils envoient depuis une tâche de leur propre runtime.
        for (int t = 0; t < THREADS; ++t) {
            threads.emplace_back([tx, p = TACHES + t] {
                rt::block_on([&]() -> rt::Task<void> {
                    for (int i = 0; i < PAR_PRODUCTEUR; ++i) {
                        (co_await tx.send({p, i})).value();
                    }
                }());
            });
        }
        { auto parti = std::move(tx); }
        while (auto m = co_await rx.recv()) {
            auto [p, i] = *m;
            if (i != dernier[static_cast<std::size_t>(p)] + 1) {
                ++desordres;
            }
            dernier[static_cast<std::size_t>(p)] = i;
            ++total;
        }
    }());
    for (auto& t : threads) {
        t.join();
    }
    BOOST_TEST(total == static_cast<long long>(PAR_PRODUCTEUR) * (TACHES + THREADS));
    BOOST_TEST(desordres == 0);
}

BOOST_AUTO_TEST_CASE(recepteur_lent_borne_la_file) {
    // La contre-pression : un producteur rapide ne remplit jamais plus que la capacité.
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = mpsc::channel<int>(8);
        auto producteur = rt::spawn([tx = std::move(tx)]() -> rt::Task<void> {
            for (int i = 0; i < 1000; ++i) {
                (co_await tx.send(i)).value();
            }
        });
        std::size_t max_vu = 0;
        while (auto m = co_await rx.recv()) {
            max_vu = std::max(max_vu, rx.len());
            co_await rt::task::yield_now(); // un récepteur lent
        }
        co_await producteur;
        BOOST_TEST(max_vu <= 8u);
    }());
}
