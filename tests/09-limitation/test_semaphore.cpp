// Tests notés du chapitre 09, exercice « construire » : le sémaphore équitable
// (semaphore.hpp, espace de noms construire).
//
// Chaque test vérifie une règle, et chacun échoue sur une erreur courante : réveiller dans le
// désordre (le dernier arrivé d'abord), laisser une petite demande doubler une grosse déjà en
// file, perdre des autorisations quand une attente est annulée (en file, ou servie mais pas
// encore reprise), rendre deux fois les autorisations d'un permis déplacé, laisser try_acquire
// doubler la file.
//
// Les tests d'ordre tournent sur un runtime current_thread explicite : un yield_now y laisse
// chaque tâche prête aller jusqu'à sa prochaine suspension, on observe donc « B attend
// derrière A » sans aucune pause. Les deux derniers tests chargent le sémaphore depuis quatre
// workers ; cet exécutable est compilé avec ThreadSanitizer quand c'est possible (voir
// CMakeLists.txt) : une course de données y est signalée même si les valeurs semblent justes.
#define BOOST_TEST_MODULE "Chapitre 09 : le sémaphore équitable (construire)"
#include <boost/test/unit_test.hpp>

#include <semaphore.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using construire::Semaphore;
using construire::SemaphorePermit;

namespace {

/// Un runtime à un seul thread, où l'ordre des passages est celui de la file.
rt::Runtime un_seul_thread() {
    return rt::Builder::current_thread().build();
}

/// Cède la main quelques fois : chaque tâche prête va jusqu'à sa prochaine suspension.
rt::Task<void> laisser_passer() {
    for (int i = 0; i < 4; ++i) {
        co_await rt::task::yield_now();
    }
}

/// Qui a été servi, dans quel ordre (écrit par les tâches, lu par le scénario : un seul
/// thread).
struct Journal {
    std::vector<int> servis;
};

/// Une tâche qui prend `n` autorisations, note son numéro, puis les garde jusqu'à
/// `relacher()`.
struct Tenant {
    rt::JoinHandle<void> handle;
    std::optional<rt::sync::oneshot::Sender<int>> signal;
    /// Fait rendre ses autorisations à la tâche (le canal fermé la réveille).
    void relacher() { signal.reset(); }
};

Tenant tenir(Semaphore* s, std::size_t n, int numero, Journal* journal) {
    auto [tx, rx] = rt::sync::oneshot::channel<int>();
    Tenant t;
    t.signal.emplace(std::move(tx));
    t.handle = rt::spawn([s, n, numero, journal, rx = std::move(rx)]() mutable -> rt::Task<void> {
        auto permit = co_await s->acquire(n);
        journal->servis.push_back(numero);
        (void)co_await rx; // garde le permis jusqu'au signal
    });
    return t;
}

/// Avant une charge : acquire(n) prend bien les n autorisations (sinon, rien à charger).
void verifier_que_acquire_prend_tout(Semaphore& s, std::size_t n) {
    rt::Runtime runtime = un_seul_thread();
    const std::size_t restantes =
        runtime.block_on([](Semaphore* s, std::size_t n) -> rt::Task<std::size_t> {
            auto tout = co_await s->acquire(n);
            co_return s->available_permits();
        }(&s, n));
    BOOST_TEST_REQUIRE(restantes == 0u, "acquire(" << n << ") doit prendre les " << n
                                                   << " autorisations du sémaphore");
    BOOST_TEST_REQUIRE(s.available_permits() == n, "le permis détruit doit les rendre");
}

std::string liste(const std::vector<int>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(v[i]);
    }
    return s + "]";
}

} // namespace

BOOST_AUTO_TEST_CASE(acquire_prend_les_autorisations_disponibles) {
    support::ChienDeGarde garde(10s, "co_await s.acquire(2) sur un sémaphore à 3 autorisations "
                                     "ne rend pas la main : il y en avait assez");
    Semaphore s(3);
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s) -> rt::Task<void> {
        {
            SemaphorePermit p = co_await s->acquire(2);
            BOOST_TEST(p.num_permits() == 2u, "le permis doit tenir les 2 autorisations prises");
            BOOST_TEST(s->available_permits() == 1u,
                       "après acquire(2) sur 3 autorisations, il doit en rester 1 de disponible");
        }
        BOOST_TEST(s->available_permits() == 3u,
                   "le permis détruit doit rendre ses autorisations (RAII) : 3 disponibles");
    }(&s));
}

BOOST_AUTO_TEST_CASE(try_acquire_prend_ou_refuse) {
    Semaphore s(3);
    std::optional<SemaphorePermit> a = s.try_acquire(2);
    BOOST_TEST_REQUIRE(a.has_value(), "try_acquire(2) avec 3 autorisations disponibles doit "
                                      "réussir");
    BOOST_TEST(a->num_permits() == 2u, "le permis doit tenir les 2 autorisations prises");
    BOOST_TEST(s.available_permits() == 1u, "try_acquire(2) réussi : il en reste 1");
    BOOST_TEST(!s.try_acquire(2).has_value(),
               "try_acquire(2) avec 1 seule autorisation disponible doit échouer (std::nullopt)");
    BOOST_TEST(s.available_permits() == 1u, "un try_acquire refusé ne prend rien");
    a.reset();
    BOOST_TEST(s.available_permits() == 3u, "le permis détruit rend ses 2 autorisations");
}

BOOST_AUTO_TEST_CASE(acquire_attend_puis_est_servi) {
    support::ChienDeGarde garde(10s, "l'attente n'est jamais servie : rendre une autorisation "
                                     "doit réveiller la tâche qui attend");
    Semaphore s(1);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant a = tenir(s, 1, 0, j);
        co_await laisser_passer();
        Tenant b = tenir(s, 1, 1, j);
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0}),
                   "la tâche 1 devait attendre (la seule autorisation est tenue par la tâche "
                   "0) ; servis : "
                       << liste(j->servis));
        BOOST_TEST(s->available_permits() == 0u, "la seule autorisation est tenue : 0 disponible");
        a.relacher();
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0, 1}),
                   "l'autorisation rendue par la tâche 0 devait réveiller la tâche 1 ; servis : "
                       << liste(j->servis));
        b.relacher();
        co_await a.handle;
        co_await b.handle;
        BOOST_TEST(s->available_permits() == 1u, "à la fin, l'autorisation est de retour");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(file_servie_dans_l_ordre_d_arrivee) {
    support::ChienDeGarde garde(10s, "les attentes ne sont pas toutes servies");
    Semaphore s(0);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        std::vector<Tenant> tenants;
        for (int i = 0; i < 5; ++i) {
            tenants.push_back(tenir(s, 1, i, j)); // arrivées dans l'ordre 0, 1, 2, 3, 4
            co_await laisser_passer();
        }
        BOOST_TEST(j->servis.empty(), "sans autorisation, personne ne doit être servi ; servis : "
                                          << liste(j->servis));
        for (int k = 0; k < 5; ++k) {
            s->add_permits(1);
            co_await laisser_passer();
        }
        BOOST_TEST(j->servis == (std::vector<int>{0, 1, 2, 3, 4}),
                   "les attentes doivent être servies dans leur ordre d'arrivée (FIFO) ; servis : "
                       << liste(j->servis)
                       << " (une pile servirait le dernier arrivé d'abord : ce n'est pas "
                          "équitable)");
        for (auto& t : tenants) {
            t.relacher();
            co_await t.handle;
        }
        BOOST_TEST(s->available_permits() == 5u,
                   "les 5 autorisations ajoutées doivent être de retour à la fin");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(grosse_demande_jamais_doublee) {
    support::ChienDeGarde garde(10s, "la grosse demande n'est jamais servie");
    Semaphore s(2);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant a = tenir(s, 2, 0, j); // tient tout
        co_await laisser_passer();
        Tenant b = tenir(s, 3, 1, j); // la grosse demande, en tête de file
        co_await laisser_passer();
        Tenant c = tenir(s, 1, 2, j); // une petite, arrivée après
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0}), "servis : " << liste(j->servis));

        a.relacher(); // 2 autorisations rendues : pour la tête (3 demandées), pas pour la tâche 2
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0}),
                   "la petite demande (tâche 2) arrivée APRÈS la grosse (tâche 1, 3 "
                   "autorisations) ne doit pas la doubler : les 2 autorisations rendues vont à "
                   "la tête de file ; servis : "
                       << liste(j->servis));
        BOOST_TEST(s->available_permits() == 0u,
                   "la tête de file garde les 2 autorisations reçues en attendant la 3e : "
                   "aucune n'est disponible");

        s->add_permits(1); // la 3e : la tête est servie
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0, 1}),
                   "avec la 3e autorisation, la grosse demande doit être servie (elle a reçu "
                   "les 2 premières en attendant) ; servis : "
                       << liste(j->servis));

        b.relacher();
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0, 1, 2}), "servis : " << liste(j->servis));
        BOOST_TEST(s->available_permits() == 2u, "3 rendues, 1 prise par la tâche 2");
        c.relacher();
        co_await a.handle;
        co_await b.handle;
        co_await c.handle;
        BOOST_TEST(s->available_permits() == 3u, "à la fin, les 3 autorisations sont de retour");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(try_acquire_ne_double_pas_la_file) {
    support::ChienDeGarde garde(10s, "l'attente n'est jamais servie");
    Semaphore s(1);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant a = tenir(s, 1, 0, j);
        co_await laisser_passer();
        Tenant b = tenir(s, 2, 1, j); // attend 2 autorisations
        co_await laisser_passer();
        s->add_permits(1); // la tête en a 1 sur 2
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0}), "servis : " << liste(j->servis));
        BOOST_TEST(s->available_permits() == 0u,
                   "quand quelqu'un attend, aucune autorisation n'est disponible : "
                   "l'autorisation ajoutée revient à la tête de file");
        auto vole = s->try_acquire(1);
        BOOST_TEST(!vole.has_value(), "try_acquire a doublé la file : l'autorisation ajoutée "
                                      "revenait à la tâche qui attendait");
        vole.reset();
        a.relacher();
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0, 1}), "servis : " << liste(j->servis));
        b.relacher();
        co_await a.handle;
        co_await b.handle;
        BOOST_TEST(s->available_permits() == 2u, "à la fin, les 2 autorisations sont de retour");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(attente_annulee_en_file_rend_ce_qu_elle_avait_recu) {
    support::ChienDeGarde garde(10s, "après l'annulation de la tête de file, la suivante n'est "
                                     "jamais servie : l'autorisation reçue a été perdue");
    Semaphore s(1);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant a = tenir(s, 1, 0, j);
        co_await laisser_passer();
        Tenant b = tenir(s, 3, 1, j); // tête de file, 3 demandées
        co_await laisser_passer();
        s->add_permits(1);            // la tête en reçoit 1 sur 3
        Tenant c = tenir(s, 1, 2, j); // derrière elle
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0}), "servis : " << liste(j->servis));

        b.handle.abort(); // la tête est annulée : sa trame (et son attente) est détruite
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{0, 2}),
                   "l'attente annulée avait déjà reçu 1 autorisation : elle doit la rendre, "
                   "et la tâche 2 qui attendait derrière elle doit être servie ; servis : "
                       << liste(j->servis));
        auto fin_b = co_await b.handle;
        BOOST_TEST((!fin_b && fin_b.error().is_cancelled()), "la tâche 1 devait être annulée");

        a.relacher();
        c.relacher();
        co_await a.handle;
        co_await c.handle;
        BOOST_TEST(s->available_permits() == 2u,
                   "à la fin, les 2 autorisations (1 + 1 ajoutée) doivent être disponibles : "
                   "aucune perdue par l'annulation");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(attente_annulee_sans_rien_recu_quitte_la_file) {
    support::ChienDeGarde garde(10s, "une attente annulée bloque la file");
    Semaphore s(0);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant b = tenir(s, 1, 1, j);
        co_await laisser_passer();
        b.handle.abort();
        (void)co_await b.handle;
        s->add_permits(1);
        BOOST_TEST(s->available_permits() == 1u,
                   "l'attente annulée doit avoir quitté la file : l'autorisation ajoutée est "
                   "disponible, elle n'est pas donnée à une tâche morte");
        Tenant d = tenir(s, 1, 2, j);
        co_await laisser_passer();
        BOOST_TEST(j->servis == (std::vector<int>{2}),
                   "une nouvelle demande doit être servie ; servis : " << liste(j->servis));
        d.relacher();
        co_await d.handle;
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(attente_servie_puis_annulee_rend_tout) {
    support::ChienDeGarde garde(10s, "l'annulation ne se termine pas");
    Semaphore s(0);
    Journal journal;
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s, Journal* j) -> rt::Task<void> {
        Tenant b = tenir(s, 2, 1, j);
        co_await laisser_passer();
        s->add_permits(2); // la tête est servie : retirée de la file, réveillée...
        b.handle.abort();  // ... mais annulée avant d'avoir repris
        auto fin = co_await b.handle;
        BOOST_TEST((!fin && fin.error().is_cancelled()), "la tâche devait être annulée");
        BOOST_TEST(j->servis.empty(), "la tâche annulée ne reprend jamais");
        BOOST_TEST(s->available_permits() == 2u,
                   "servie puis annulée avant de reprendre, l'attente doit rendre les 2 "
                   "autorisations qu'on lui avait données (sinon elles sont perdues pour "
                   "toujours)");
    }(&s, &journal));
}

BOOST_AUTO_TEST_CASE(exception_rend_les_autorisations) {
    support::ChienDeGarde garde(10s, "la tâche ne se termine pas");
    Semaphore s(2);
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s) -> rt::Task<void> {
        auto pendant = std::make_shared<std::size_t>(99);
        auto h = rt::spawn([s, pendant]() -> rt::Task<int> {
            auto permit = co_await s->acquire(2);
            *pendant = s->available_permits();
            throw std::runtime_error("le travail échoue en tenant les autorisations");
        });
        auto r = co_await h;
        BOOST_TEST((!r && r.error().is_panic()), "la tâche devait échouer (exception)");
        BOOST_TEST(*pendant == 0u, "pendant le travail, les 2 autorisations sont prises");
        BOOST_TEST(s->available_permits() == 2u,
                   "l'exception détruit le permis (RAII) : les 2 autorisations reviennent");
    }(&s));
}

BOOST_AUTO_TEST_CASE(permis_deplace_rendu_une_seule_fois) {
    support::ChienDeGarde garde(10s, "acquire ne rend pas la main");
    Semaphore s(3);
    rt::Runtime runtime = un_seul_thread();
    runtime.block_on([](Semaphore* s) -> rt::Task<void> {
        {
            SemaphorePermit p = co_await s->acquire(2);
            SemaphorePermit q(std::move(p));
            BOOST_TEST(q.num_permits() == 2u, "le permis déplacé emporte les 2 autorisations");
            BOOST_TEST(p.num_permits() == 0u, "le permis d'origine, vidé, ne tient plus rien");
            BOOST_TEST(s->available_permits() == 1u, "2 prises sur 3 : 1 disponible");
        }
        BOOST_TEST(s->available_permits() == 3u,
                   "un permis déplacé puis détruit rend ses autorisations UNE fois : 3 "
                   "disponibles (plus de 3 : le permis d'origine les a rendues aussi)");
        {
            SemaphorePermit p = co_await s->acquire(1);
            p.forget();
        }
        BOOST_TEST(s->available_permits() == 2u,
                   "forget() : l'autorisation n'est jamais rendue, le sémaphore en a une de "
                   "moins");
    }(&s));
}

BOOST_AUTO_TEST_CASE(charge_sur_plusieurs_workers) {
    support::ChienDeGarde garde(60s, "la charge sur quatre workers ne se termine pas : une "
                                     "attente n'a jamais été servie (réveil perdu ?)");
    constexpr std::size_t PERMIS = 3;
    Semaphore s(PERMIS);
    std::atomic<std::size_t> tenues{0};
    verifier_que_acquire_prend_tout(s, PERMIS);
    std::atomic<std::size_t> max_tenues{0};
    std::atomic<int> echecs{0};
    {
        rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(4).build();
        runtime.block_on([](Semaphore* s, std::atomic<std::size_t>* tenues,
                            std::atomic<std::size_t>* max_tenues,
                            std::atomic<int>* echecs) -> rt::Task<void> {
            std::vector<rt::JoinHandle<void>> handles;
            for (std::size_t t = 0; t < 32; ++t) {
                handles.push_back(rt::spawn([=]() -> rt::Task<void> {
                    for (std::size_t k = 0; k < 100; ++k) {
                        const std::size_t n = 1 + (t + k) % PERMIS;
                        auto permit = co_await s->acquire(n);
                        const std::size_t maintenant = tenues->fetch_add(n) + n;
                        std::size_t vu = max_tenues->load();
                        while (maintenant > vu &&
                               !max_tenues->compare_exchange_weak(vu, maintenant)) {
                        }
                        co_await rt::task::yield_now();
                        tenues->fetch_sub(n);
                    }
                }));
            }
            for (auto& h : handles) {
                if (!co_await h) {
                    ++*echecs;
                }
            }
        }(&s, &tenues, &max_tenues, &echecs));
    }
    BOOST_TEST(echecs.load() == 0, "des tâches ont échoué");
    BOOST_TEST(max_tenues.load() <= PERMIS,
               "à un moment, " << max_tenues.load() << " autorisations étaient tenues à la fois "
                               << "sur un sémaphore qui n'en a que " << PERMIS);
    BOOST_TEST(max_tenues.load() >= 2u, "le sémaphore n'a jamais laissé travailler deux tâches "
                                        "à la fois");
    BOOST_TEST(s.available_permits() == PERMIS,
               "à la fin, les " << PERMIS << " autorisations doivent être de retour");
}

BOOST_AUTO_TEST_CASE(annulations_sur_plusieurs_workers) {
    support::ChienDeGarde garde(60s, "les annulations sur quatre workers ne se terminent pas");
    constexpr std::size_t PERMIS = 4;
    Semaphore s(PERMIS);
    std::atomic<int> servis{0};
    verifier_que_acquire_prend_tout(s, PERMIS);
    {
        rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(4).build();
        runtime.block_on([](Semaphore* s, std::atomic<int>* servis) -> rt::Task<void> {
            for (int tour = 0; tour < 50; ++tour) {
                // Des demandes de 1 à 3 autorisations, dont la moitié sont annulées pendant
                // qu'elles attendent, sont servies, ou viennent de l'être (sur d'autres
                // workers) : dans tous les cas, rien ne doit se perdre.
                std::vector<rt::JoinHandle<void>> handles;
                for (int i = 0; i < 12; ++i) {
                    const std::size_t n = 1 + static_cast<std::size_t>(i + tour) % 3;
                    handles.push_back(rt::spawn([s, n, servis]() -> rt::Task<void> {
                        auto permit = co_await s->acquire(n);
                        ++*servis;
                        co_await rt::task::yield_now();
                    }));
                }
                co_await rt::task::yield_now();
                for (std::size_t i = 0; i < handles.size(); i += 2) {
                    handles[i].abort();
                }
                for (auto& h : handles) {
                    (void)co_await h;
                }
            }
        }(&s, &servis));
    }
    BOOST_TEST(servis.load() >= 300, "les demandes non annulées doivent toutes être servies");
    BOOST_TEST(s.available_permits() == PERMIS, "après 300 annulations concurrentes, les "
                                                    << PERMIS
                                                    << " autorisations doivent être de "
                                                       "retour : aucune perdue, aucune "
                                                       "rendue deux fois");
}
