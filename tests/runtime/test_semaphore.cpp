// rt::sync::Semaphore : autorisations RAII, équité (FIFO, une grosse demande n'est pas
// doublée), attentes annulées qui rendent ce qu'elles avaient reçu, fermeture, autorisations
// possédées (acquire_owned) et charge depuis plusieurs workers.
//
// Les tests d'ordre tournent sur un runtime current_thread explicite : « B attend derrière
// A » n'est observable sans pause que là (un yield_now laisse chaque tâche prête aller
// jusqu'à sa suspension). Les autres tournent sur le planificateur de RT_FLAVOR, comme tout
// le reste de la suite.
#define BOOST_TEST_MODULE rt_semaphore
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using rt::sync::Semaphore;

namespace {

/// Un runtime à un seul thread, où l'ordre des passages est celui des files.
rt::Runtime un_seul_thread() {
    return rt::Builder::current_thread().build();
}

} // namespace

BOOST_AUTO_TEST_CASE(autorisations_prises_et_rendues) {
    Semaphore s(3);
    rt::block_on([&]() -> rt::Task<void> {
        auto a = (co_await s.acquire()).value();
        auto b = (co_await s.acquire_many(2)).value();
        BOOST_TEST(a.num_permits() == 1u);
        BOOST_TEST(b.num_permits() == 2u);
        BOOST_TEST(s.available_permits() == 0u);
        auto essai = s.try_acquire();
        BOOST_TEST_REQUIRE(!essai.has_value());
        BOOST_TEST(essai.error().is_no_permits());
        { auto rendue = std::move(b); }
        BOOST_TEST(s.available_permits() == 2u);
        a.merge(s.try_acquire().value());
        BOOST_TEST(a.num_permits() == 2u);
        a.forget(); // deux autorisations de moins, pour toujours
    }());
    BOOST_TEST(s.available_permits() == 1u);
}

BOOST_AUTO_TEST_CASE(acquire_many_zero_et_demandes_impossibles) {
    Semaphore s(0);
    rt::block_on([&]() -> rt::Task<void> {
        auto rien = (co_await s.acquire_many(0)).value(); // toujours prête, même à 0
        BOOST_TEST(rien.num_permits() == 0u);
    }());
    BOOST_CHECK_THROW((void)s.acquire_many(Semaphore::MAX_PERMITS + 1), std::invalid_argument);
    BOOST_CHECK_THROW(Semaphore(Semaphore::MAX_PERMITS + 1), std::invalid_argument);
    s.add_permits(Semaphore::MAX_PERMITS);
    BOOST_CHECK_THROW(s.add_permits(1), std::overflow_error);
    BOOST_TEST(s.available_permits() == Semaphore::MAX_PERMITS, "l'ajout refusé n'a rien ajouté");
}

BOOST_AUTO_TEST_CASE(une_grosse_demande_n_est_pas_doublee) {
    support::ChienDeGarde garde(20s, "une tâche en file n'est jamais servie");
    // Une autorisation tenue ; B demande 2, puis C en demande 1. Une autorisation rendue va à
    // B (la tête, qui n'a pas encore tout), pas à C, même si C serait satisfaite tout de suite.
    Semaphore s(1);
    std::vector<char> ordre;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto tenue = (co_await s.acquire()).value();
        auto b = rt::spawn([&]() -> rt::Task<void> {
            auto p = (co_await s.acquire_many(2)).value();
            ordre.push_back('B');
        });
        auto c = rt::spawn([&]() -> rt::Task<void> {
            auto p = (co_await s.acquire()).value();
            ordre.push_back('C');
        });
        co_await rt::task::yield_now(); // B puis C en file
        { auto rendue = std::move(tenue); }
        co_await rt::task::yield_now();
        BOOST_TEST(ordre.empty(), "C a doublé la grosse demande de B");
        BOOST_TEST(s.available_permits() == 0u, "l'autorisation rendue est réservée à B");
        BOOST_TEST(!s.try_acquire().has_value(), "try_acquire double la file");
        s.add_permits(1); // B a ses deux autorisations, les rend en finissant : C passe
        co_await b;
        co_await c;
        BOOST_TEST((ordre == std::vector<char>{'B', 'C'}));
    }());
    BOOST_TEST(s.available_permits() == 2u);
}

BOOST_AUTO_TEST_CASE(servies_dans_l_ordre_d_arrivee) {
    support::ChienDeGarde garde(20s, "une tâche en file n'est jamais servie");
    Semaphore s(0);
    std::vector<int> ordre;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 5; ++i) {
            hs.push_back(rt::spawn([&, i]() -> rt::Task<void> {
                auto p = (co_await s.acquire()).value();
                ordre.push_back(i);
                p.forget(); // une par tâche : la suivante attend le prochain ajout
            }));
            co_await rt::task::yield_now();
        }
        for (int i = 0; i < 5; ++i) {
            s.add_permits(1);
            co_await rt::task::yield_now();
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(attente_annulee_rend_ce_qu_elle_avait_recu) {
    support::ChienDeGarde garde(20s, "une tâche en file n'est jamais servie");
    // B demande 3 et en reçoit 2 ; C en demande 2 derrière elle. B annulée : ses 2 vont à C.
    Semaphore s(0);
    bool c_servie = false;
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto b = rt::spawn([&]() -> rt::Task<void> { (void)co_await s.acquire_many(3); });
        auto c = rt::spawn([&]() -> rt::Task<void> {
            auto p = (co_await s.acquire_many(2)).value();
            c_servie = true;
        });
        co_await rt::task::yield_now();
        s.add_permits(2); // à B, la tête : il lui en manque encore 1
        co_await rt::task::yield_now();
        BOOST_TEST(!c_servie);
        b.abort();
        BOOST_TEST((co_await b).error().is_cancelled());
        co_await c;
        BOOST_TEST(c_servie, "les autorisations reçues par B sont passées à C");
    }());
    BOOST_TEST(s.available_permits() == 2u, "rien de perdu, rien de créé");
}

BOOST_AUTO_TEST_CASE(servie_puis_annulee_avant_de_reprendre) {
    support::ChienDeGarde garde(20s, "une tâche en file n'est jamais servie");
    // B est servie (réveillée avec ses autorisations) puis annulée avant son passage : elle
    // doit les rendre, sinon elles sont perdues pour toujours.
    Semaphore s(0);
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto b = rt::spawn([&]() -> rt::Task<void> {
            auto p = (co_await s.acquire_many(2)).value();
            p.forget(); // si elle passait quand même, le test le verrait
        });
        co_await rt::task::yield_now();
        s.add_permits(2); // B servie et en file, pas encore passée (un seul thread : le nôtre)
        b.abort();
        BOOST_TEST((co_await b).error().is_cancelled());
    }());
    BOOST_TEST(s.available_permits() == 2u);
}

BOOST_AUTO_TEST_CASE(attente_abandonnee_par_timeout) {
    Semaphore s(0);
    rt::block_on([&]() -> rt::Task<void> {
        auto r = co_await rt::time::timeout(1ms, s.acquire());
        BOOST_TEST(!r.has_value(), "aucune autorisation : le délai gagne");
        s.add_permits(1); // personne en file : disponible
        BOOST_TEST(s.available_permits() == 1u);
        auto sel = co_await rt::select(s.acquire_many(2), rt::time::sleep(1ms));
        BOOST_TEST(sel.index() == 1u);
        BOOST_TEST(s.available_permits() == 1u,
                   "l'attente abandonnée a rendu ce qu'elle avait pris");
        BOOST_TEST(s.try_acquire().has_value());
    }());
}

BOOST_AUTO_TEST_CASE(fermeture) {
    Semaphore s(1);
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto tenue = (co_await s.acquire()).value();
        auto attente = rt::spawn([&]() -> rt::Task<std::string> {
            auto r = co_await s.acquire_many(2);
            co_return r.has_value() ? std::string("servie") : std::string(r.error().what());
        });
        co_await rt::task::yield_now(); // en file
        s.close();
        BOOST_TEST(s.is_closed());
        BOOST_TEST((co_await attente).value().find("fermé") != std::string::npos);
        auto apres = co_await s.acquire();
        BOOST_TEST(!apres.has_value());
        BOOST_CHECK_THROW(apres.value(), rt::sync::AcquireError);
        auto essai = s.try_acquire_many(0);
        BOOST_TEST_REQUIRE(!essai.has_value());
        BOOST_TEST(essai.error().is_closed());
    }()); // la garde tenue se rend normalement
    BOOST_TEST(s.available_permits() == 1u);
}

BOOST_AUTO_TEST_CASE(fermeture_rend_ce_que_la_file_avait_recu) {
    support::ChienDeGarde garde(20s, "une tâche en file n'est jamais réveillée");
    Semaphore s(0);
    un_seul_thread().block_on([&]() -> rt::Task<void> {
        auto b = rt::spawn(
            [&]() -> rt::Task<bool> { co_return (co_await s.acquire_many(5)).has_value(); });
        co_await rt::task::yield_now();
        s.add_permits(3); // à B, à qui il en manque encore 2
        s.close();
        BOOST_TEST(!(co_await b).value());
    }());
    BOOST_TEST(s.available_permits() == 3u);
}

BOOST_AUTO_TEST_CASE(autorisation_possedee_emportee_dans_une_tache) {
    auto s = std::make_shared<Semaphore>(2);
    std::weak_ptr<Semaphore> observe = s;
    rt::block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        std::atomic<int> en_cours{0};
        std::atomic<int> max_vu{0};
        for (int i = 0; i < 20; ++i) {
            // Limiter *avant* de lancer : jamais plus de 2 tâches n'existent en même temps.
            auto permis = (co_await s->acquire_owned()).value();
            hs.push_back(rt::spawn([&, permis = std::move(permis)]() -> rt::Task<void> {
                const int n = en_cours.fetch_add(1) + 1;
                int vu = max_vu.load();
                while (n > vu && !max_vu.compare_exchange_weak(vu, n)) {
                }
                co_await rt::task::yield_now();
                en_cours.fetch_sub(1);
            }));
        }
        for (auto& h : hs) {
            co_await h;
        }
        BOOST_TEST(max_vu.load() <= 2);
        auto essai = s->try_acquire_owned();
        BOOST_TEST_REQUIRE(essai.has_value());
        BOOST_TEST(essai->semaphore() == s);
    }());
    s.reset();
    BOOST_TEST(observe.expired(), "les autorisations ont lâché le sémaphore");
}

BOOST_AUTO_TEST_CASE(acquire_owned_sans_shared_ptr_refuse) {
    Semaphore s(1);
    try {
        (void)s.acquire_owned();
        BOOST_FAIL("acquire_owned sur un sémaphore qui n'est pas dans un shared_ptr");
    } catch (const std::logic_error& e) {
        BOOST_TEST(std::string(e.what()).find("std::shared_ptr") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(charge_depuis_plusieurs_workers) {
    // Des tâches prennent 1 à 3 autorisations, travaillent un peu, rendent ; d'autres sont
    // annulées au hasard pendant qu'elles attendent ou tiennent. À la fin, toutes les
    // autorisations sont revenues, et jamais plus de 4 n'ont été tenues à la fois.
    support::ChienDeGarde garde(60s, "les tâches du sémaphore ne finissent pas");
    constexpr std::size_t PERMIS = 4;
    auto s = std::make_shared<Semaphore>(PERMIS);
    auto tenues = std::make_shared<std::atomic<int>>(0);
    auto depassements = std::make_shared<std::atomic<int>>(0);
    std::mt19937 alea(12345);
    rt::block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int i = 0; i < 2000; ++i) {
            const std::size_t n = 1 + alea() % 3;
            hs.push_back(rt::spawn([s, tenues, depassements, n]() -> rt::Task<void> {
                auto p = (co_await s->acquire_many(n)).value();
                // Décomptée avant que p ne rende ses autorisations, même si la tâche est
                // annulée pendant qu'elle les tient (détruite après p : déclarée après).
                struct Tenue {
                    std::atomic<int>& compte;
                    int n;
                    ~Tenue() { compte.fetch_sub(n); }
                } tenue{*tenues, static_cast<int>(n)};
                if (tenues->fetch_add(tenue.n) + tenue.n > static_cast<int>(PERMIS)) {
                    depassements->fetch_add(1);
                }
                co_await rt::task::yield_now();
            }));
            if (alea() % 4 == 0) {
                hs[alea() % hs.size()].abort();
            }
        }
        for (auto& h : hs) {
            (void)co_await h;
        }
    }());
    BOOST_TEST(depassements->load() == 0);
    BOOST_TEST(s->available_permits() == PERMIS, "des autorisations ont été perdues ou créées");
}
