// Tests notés du chapitre 08 — exercice « utiliser » : superviseur.cpp (supervise, describe).
//
// Les travailleurs sont des coroutines libres à paramètres par valeur (CP.53). Chaque
// tentative porte son numéro (1, 2, ...) et, si elle panique, le met dans son exception :
// on vérifie ainsi le nombre de tentatives, leur ordre, et que l'exception d'origine est
// arrivée intacte dans le rapport. Aucun sommeil ne sert de synchronisation : les tâches
// cèdent la main (yield_now) ; les attentes sont bornées (chien de garde, timeout).
#include <boost/test/unit_test.hpp>

#include <support/attendre.hpp>
#include <support/chien_de_garde.hpp>
#include <support/sentinelle.hpp>

#include "superviseur.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

using namespace std::chrono_literals;

/// Une exception qui n'est pas une std::exception : seul son type la reconnaît.
struct ErreurMetier {
    int tentative;
};

struct Compteurs {
    std::atomic<int> appels{0};     ///< appels de la fabrique (tentatives créées)
    std::atomic<int> demarrages{0}; ///< corps de travailleur effectivement démarrés
};
using PtrCompteurs = std::shared_ptr<Compteurs>;

/// La tentative n : panique avec ErreurMetier{n} si n < reussir_a (toujours si reussir_a
/// vaut 0), rend 42 sinon.
rt::Task<int> travailleur(PtrCompteurs c, int n, int reussir_a) {
    ++c->demarrages;
    co_await rt::task::yield_now(); // un vrai travail se suspend
    if (reussir_a == 0 || n < reussir_a) {
        throw ErreurMetier{n};
    }
    co_return 42;
}

/// La tentative n panique avec std::runtime_error("panne n°n").
rt::Task<int> travailleur_bavard(PtrCompteurs c, int n) {
    ++c->demarrages;
    co_await rt::task::yield_now();
    throw std::runtime_error("panne n°" + std::to_string(n));
}

/// Une tentative qui ne finit jamais d'elle-même (il faut l'annuler).
rt::Task<int> interminable(PtrCompteurs c, support::Sentinelle s) {
    ++c->demarrages;
    co_await rt::time::sleep(1h);
    (void)s;
    co_return -1;
}

utiliser::MakeWorker fabrique(PtrCompteurs c, int reussir_a) {
    return [c, reussir_a]() { return travailleur(c, ++c->appels, reussir_a); };
}

/// Exécute supervise sur un runtime neuf ; `lancees` reçoit le nombre de rt::spawn.
/// Le chien de garde dit `si_bloque` si supervise ne rend pas la main en 5 s.
utiliser::Report superviser(utiliser::MakeWorker f, int max_restarts, utiliser::OnSpawn on = {},
                            std::uint64_t* lancees = nullptr,
                            const char* si_bloque = "supervise() ne rend pas la main après 5 s : "
                                                    "une boucle sans fin ?") {
    support::ChienDeGarde garde(5s, si_bloque);
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto report = runtime.block_on(utiliser::supervise(std::move(f), max_restarts, std::move(on)));
    if (lancees) {
        *lancees = runtime.metrics().spawned_tasks_count;
    }
    return report;
}

/// Le numéro porté par l'exception d'origine d'une panique, ou -1 (et pourquoi) sinon.
int tentative_de(const rt::JoinError& e, std::string& probleme) {
    if (!e.is_panic()) {
        probleme = "ce n'est pas une panique";
        return -1;
    }
    try {
        e.resume_panic();
    } catch (const ErreurMetier& m) {
        return m.tentative;
    } catch (...) {
        probleme = "l'exception relancée n'est plus une ErreurMetier : le rapport doit garder "
                   "la JoinError telle que co_await handle l'a rendue (exception d'origine)";
    }
    return -1;
}

rt::JoinError panique(const std::string& message) {
    return rt::JoinError::from_panic(std::make_exception_ptr(std::runtime_error(message)));
}

} // namespace

BOOST_AUTO_TEST_CASE(superviseur_relance_au_plus_max_restarts_fois) {
    auto c = std::make_shared<Compteurs>();
    auto report = superviser(fabrique(c, 0), 3);
    BOOST_TEST(c->appels == 4, "max_restarts = 3 : 1 tentative + 3 relances = 4 tentatives "
                               "attendues ; la fabrique a été appelée "
                                   << c->appels << " fois");
    BOOST_TEST(report.attempts == 4, "report.attempts vaut " << report.attempts << " au lieu de 4");
    BOOST_TEST(report.failures.size() == 4u,
               "chaque tentative ratée doit laisser sa JoinError dans failures ("
                   << report.failures.size() << " au lieu de 4 : exception avalée ?)");
    BOOST_TEST(!report.succeeded(), "aucune tentative n'a réussi");
    BOOST_TEST(report.gave_up(), "le superviseur a abandonné : la dernière erreur est une panique");
}

BOOST_AUTO_TEST_CASE(superviseur_sans_relance) {
    auto c = std::make_shared<Compteurs>();
    auto report = superviser(fabrique(c, 0), 0);
    BOOST_TEST(c->appels == 1, "max_restarts = 0 : une seule tentative, aucune relance ("
                                   << c->appels << " tentatives)");
    BOOST_TEST(report.attempts == 1);
    BOOST_TEST_REQUIRE(report.failures.size() == 1u);
    BOOST_TEST(report.failures[0].is_panic());
}

BOOST_AUTO_TEST_CASE(superviseur_s_arrete_au_succes) {
    auto c = std::make_shared<Compteurs>();
    int vus = 0;
    auto report = superviser(fabrique(c, 3), 5, [&vus](const rt::JoinHandle<int>& h) {
        BOOST_TEST(h.valid());
        ++vus;
    });
    BOOST_TEST(c->appels == 3, "les tentatives 1 et 2 paniquent, la 3 réussit : il faut "
                               "s'arrêter là ("
                                   << c->appels << " tentatives)");
    BOOST_TEST(report.attempts == 3);
    BOOST_TEST_REQUIRE(report.succeeded(),
                       "la tentative 3 a réussi : report.value doit être plein");
    BOOST_TEST(*report.value == 42);
    BOOST_TEST(report.failures.size() == 2u, "deux tentatives ratées avant le succès");
    BOOST_TEST(!report.gave_up());
    BOOST_TEST(!report.cancelled());
    BOOST_TEST(vus == 3, "on_spawn doit être appelé une fois par tentative (" << vus << " fois)");
}

BOOST_AUTO_TEST_CASE(superviseur_garde_l_exception_d_origine) {
    auto c = std::make_shared<Compteurs>();
    auto report = superviser(fabrique(c, 0), 2);
    BOOST_TEST_REQUIRE(report.failures.size() == 3u, "3 tentatives ratées attendues, "
                                                         << report.failures.size()
                                                         << " rapportées");
    for (int i = 0; i < 3; ++i) {
        std::string probleme;
        const int n = tentative_de(report.failures[static_cast<std::size_t>(i)], probleme);
        BOOST_TEST(probleme.empty(), "failures[" << i << "] : " << probleme);
        BOOST_TEST(n == i + 1, "failures[" << i << "] doit venir de la tentative " << i + 1
                                           << " (dans l'ordre), elle vient de la tentative " << n);
    }
}

BOOST_AUTO_TEST_CASE(chaque_tentative_est_une_tache) {
    // Rattraper l'exception soi-même (try/catch autour de co_await make_worker()) fait
    // disparaître la panique : le runtime ne la voit jamais, is_panic non plus. Chaque
    // tentative doit être lancée par rt::spawn.
    auto c = std::make_shared<Compteurs>();
    std::uint64_t lancees = 0;
    auto report = superviser([c]() { return travailleur_bavard(c, ++c->appels); }, 1, {}, &lancees);
    BOOST_TEST(lancees == 2u,
               "2 tentatives, donc 2 rt::spawn attendus ; le runtime en a compté " << lancees);
    BOOST_TEST_REQUIRE(report.failures.size() == 2u);
    for (const auto& e : report.failures) {
        BOOST_TEST(e.is_panic(), "une exception échappée d'une tentative est une panique");
        BOOST_TEST(std::string(e.what()).find("panne n°") != std::string::npos,
                   "what() : « " << e.what() << " »");
    }
}

BOOST_AUTO_TEST_CASE(superviseur_ne_relance_pas_une_tache_annulee) {
    // La tentative 2 est annulée par quelqu'un d'autre (ici on_spawn, juste après son
    // lancement). Les suivantes paniqueraient aussitôt : les relancer serait une erreur.
    auto c = std::make_shared<Compteurs>();
    auto vivants = support::nouveau_compteur();
    utiliser::MakeWorker f = [c, vivants]() -> rt::Task<int> {
        const int n = ++c->appels;
        if (n == 2) {
            return interminable(c, support::Sentinelle(vivants));
        }
        return travailleur(c, n, 0);
    };
    auto report = superviser(
        f, 5,
        [c](const rt::JoinHandle<int>& h) {
            if (c->appels == 2) {
                h.abort();
            }
        },
        nullptr,
        "supervise() ne rend pas la main : la tentative 2, qui dort une heure, devait être "
        "annulée par on_spawn. Appelez-vous on_spawn avec le handle de chaque tentative ?");
    BOOST_TEST_REQUIRE(c->appels >= 2, "la tentative 1 a paniqué : il fallait la relancer ("
                                           << c->appels << " tentative(s))");
    BOOST_TEST(c->appels == 2, "la tentative 2 a été annulée : il ne fallait pas la relancer ("
                                   << c->appels << " tentatives)");
    BOOST_TEST(report.attempts == 2);
    BOOST_TEST_REQUIRE(report.failures.size() == 2u,
                       "deux tentatives ratées : une panique, puis une annulation ("
                           << report.failures.size() << " rapportées)");
    BOOST_TEST(report.failures[0].is_panic());
    BOOST_TEST(report.failures[1].is_cancelled(), "la tentative 2 a été annulée (is_cancelled)");
    BOOST_TEST(report.cancelled());
    BOOST_TEST(!report.gave_up(), "une annulation n'est pas un abandon");
    BOOST_TEST(*vivants == 0);
}

BOOST_AUTO_TEST_CASE(annuler_le_superviseur_annule_la_tentative_en_cours) {
    support::ChienDeGarde garde(10s, "le scénario d'annulation du superviseur ne finit pas");
    auto c = std::make_shared<Compteurs>();
    auto vivants = support::nouveau_compteur();
    bool demarree = false;
    bool annule = false;
    bool survit = true;
    rt::block_on([](PtrCompteurs c, support::Compteur vivants, bool& demarree, bool& annule,
                    bool& survit) -> rt::Task<void> {
        auto superviseur = rt::spawn(utiliser::supervise(
            [c, vivants]() { return interminable(c, support::Sentinelle(vivants)); }, 3));
        auto debut = co_await rt::time::timeout(
            2s, support::attendre_que([&c] { return c->demarrages.load() == 1; }));
        demarree = debut.has_value();
        if (!demarree) {
            superviseur.abort();
            co_return;
        }
        superviseur.abort();
        auto r = co_await superviseur;
        annule = !r.has_value() && r.error().is_cancelled();
        // abort() est asynchrone : la tentative est détruite au prochain passage du
        // planificateur. On lui laisse un temps borné pour disparaître.
        auto fin = co_await rt::time::timeout(
            2s, support::attendre_que([&vivants] { return vivants->load() == 0; }));
        survit = !fin.has_value();
    }(c, vivants, demarree, annule, survit));
    BOOST_TEST_REQUIRE(demarree,
                       "supervise() lancé comme une tâche n'a jamais démarré de tentative");
    BOOST_TEST(annule, "le superviseur annulé doit rendre une JoinError is_cancelled()");
    BOOST_TEST(!survit, "la tentative en cours survit à son superviseur annulé : détruire un "
                        "JoinHandle DÉTACHE la tâche, il faut l'annuler (abort()) quand la "
                        "trame du superviseur est détruite (un garde RAII)");
}

BOOST_AUTO_TEST_CASE(max_restarts_negatif_refuse) {
    auto c = std::make_shared<Compteurs>();
    BOOST_CHECK_THROW((void)superviser(fabrique(c, 0), -1), std::invalid_argument);
    BOOST_TEST(c->appels == 0, "rien ne doit être lancé avec un max_restarts négatif");
}

BOOST_AUTO_TEST_CASE(describe_un_succes) {
    utiliser::Report r;
    r.attempts = 3;
    r.value = 42;
    r.failures = {panique("a"), panique("b")};
    BOOST_TEST(utiliser::describe(r) == "succès à la tentative 3 : 42");
}

BOOST_AUTO_TEST_CASE(describe_un_abandon) {
    utiliser::Report r;
    r.attempts = 4;
    r.failures = {panique("panne n°1"), panique("panne n°2"), panique("panne n°3"),
                  panique("panne n°4")};
    const std::string d = utiliser::describe(r);
    BOOST_TEST(d.rfind("abandon après 4 tentatives : ", 0) == 0, "describe : « " << d << " »");
    BOOST_TEST(d.find("panne n°4") != std::string::npos,
               "describe doit dire pourquoi la DERNIÈRE tentative a échoué : « " << d << " »");
}

BOOST_AUTO_TEST_CASE(describe_une_annulation) {
    utiliser::Report r;
    r.attempts = 2;
    r.failures = {panique("x"), rt::JoinError::cancelled()};
    BOOST_TEST(utiliser::describe(r) == "tentative 2 annulée : pas de relance");
    BOOST_TEST(utiliser::describe(utiliser::Report{}) == "aucune tentative");
}
