// Chapitre 10, exercice « construire » : TacheComptee, le garde RAII qui compte une tâche
// active. Chaque test fait vivre le garde d'une façon différente (fin normale, annulation par
// abort, avant le premier passage, exception, branche perdante d'un select, arrêt du runtime,
// déplacements) et vérifie le compte PENDANT (il doit valoir le nombre de tâches actives) et
// APRÈS (il doit revenir à zéro). Pas de sommeil pour synchroniser : les tâches attendent un
// canal que le test ferme, ou une minuterie lointaine qu'on annule.
#define BOOST_TEST_MODULE "Chapitre 10 : TacheComptee et le moniteur"
#include <boost/test/unit_test.hpp>

#include <support/attendre.hpp>
#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tache_comptee.hpp"

namespace {

using namespace std::chrono_literals;
using construire::Compteur;
using construire::TacheComptee;

std::shared_ptr<Compteur> nouveau_compteur() {
    return std::make_shared<Compteur>(0);
}

std::size_t lire(const std::shared_ptr<Compteur>& c) {
    return c->load();
}

/// Une tâche qui se compte (garde en variable locale) puis attend une heure : on l'annulera.
rt::Task<void> longue_tache_comptee(std::shared_ptr<Compteur> c) {
    TacheComptee garde(std::move(c));
    co_await rt::time::sleep(1h);
}

} // namespace

BOOST_AUTO_TEST_CASE(compte_a_la_construction_decompte_a_la_destruction) {
    auto c = nouveau_compteur();
    {
        TacheComptee garde(c);
        BOOST_TEST(lire(c) == 1u,
                   "le constructeur doit compter une tâche de plus (compte : " << lire(c) << ")");
        BOOST_TEST(garde.actif(), "un garde qui vient d'être construit est actif");
        {
            TacheComptee autre(c);
            BOOST_TEST(lire(c) == 2u, "deux gardes vivants : le compte doit valoir 2");
        }
        BOOST_TEST(lire(c) == 1u, "le destructeur doit compter une tâche de moins");
    }
    BOOST_TEST(lire(c) == 0u,
               "tous les gardes détruits : le compte doit revenir à 0 (il vaut " << lire(c) << ")");
}

BOOST_AUTO_TEST_CASE(taches_qui_finissent_normalement) {
    support::ChienDeGarde garde_temps(10s, "des tâches comptées ne finissent pas");
    auto c = nouveau_compteur();
    rt::block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
        auto [tx, rx] = rt::sync::watch::channel(false);
        std::vector<rt::JoinHandle<void>> handles;
        for (int i = 0; i < 5; ++i) {
            handles.push_back(rt::spawn([c, rx = rx]() mutable -> rt::Task<void> {
                TacheComptee garde(c);
                while (!*rx.borrow()) {
                    (void)co_await rx.changed();
                }
            }));
        }
        co_await support::attendre_que([&] { return lire(c) == 5; });
        BOOST_TEST(lire(c) == 5u, "5 tâches en cours : le compte doit valoir 5");
        (void)tx.send(true);
        for (auto& h : handles) {
            auto r = co_await h;
            BOOST_TEST(r.has_value(), "la tâche devait finir normalement");
        }
        BOOST_TEST(lire(c) == 0u, "les 5 tâches sont finies : le compte doit revenir à 0 (il "
                                  "vaut "
                                      << lire(c) << ")");
    }(c));
}

BOOST_AUTO_TEST_CASE(tache_annulee_par_abort_decomptee) {
    support::ChienDeGarde garde_temps(10s, "l'annulation de tâches comptées ne finit pas");
    auto c = nouveau_compteur();
    rt::block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> handles;
        for (int i = 0; i < 4; ++i) {
            handles.push_back(rt::spawn(longue_tache_comptee(c)));
        }
        co_await support::attendre_que([&] { return lire(c) == 4; });
        BOOST_TEST(lire(c) == 4u, "4 tâches endormies : le compte doit valoir 4");
        for (auto& h : handles) {
            h.abort();
        }
        for (auto& h : handles) {
            auto r = co_await h;
            BOOST_TEST((!r && r.error().is_cancelled()), "la tâche devait être annulée");
        }
        BOOST_TEST(lire(c) == 0u,
                   "4 tâches annulées par abort() pendant leur sommeil : le compte doit revenir à "
                   "0 (il vaut "
                       << lire(c)
                       << "). Le décompte doit être dans le DESTRUCTEUR : c'est lui qui "
                          "s'exécute quand la trame est détruite à son point de suspension");
    }(c));
}

BOOST_AUTO_TEST_CASE(garde_capture_par_la_lambda) {
    support::ChienDeGarde garde_temps(10s, "l'annulation d'une tâche comptée ne finit pas");
    auto c = nouveau_compteur();
    rt::block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
        // Le garde est créé AVANT rt::spawn et capturé par la lambda (déplacé) : la tâche
        // compte dès son lancement, même si elle est annulée avant son premier passage.
        TacheComptee garde(c);
        auto h =
            rt::spawn([g = std::move(garde)]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
        BOOST_TEST(lire(c) == 1u, "le garde déplacé dans la lambda doit compter une seule tâche "
                                  "(compte : "
                                      << lire(c) << ")");
        BOOST_TEST(!garde.actif(), "le garde local a été vidé par le déplacement");
        h.abort();
        (void)co_await h;
        BOOST_TEST(lire(c) == 0u,
                   "tâche annulée : la lambda (et le garde capturé) est détruite avec elle, le "
                   "compte doit revenir à 0 (il vaut "
                       << lire(c) << ")");
    }(c));
}

BOOST_AUTO_TEST_CASE(tache_qui_leve_une_exception_decomptee) {
    support::ChienDeGarde garde_temps(10s, "une tâche comptée qui lève ne finit pas");
    auto c = nouveau_compteur();
    rt::block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
        auto h = rt::spawn([c]() -> rt::Task<int> {
            TacheComptee garde(c);
            co_await rt::task::yield_now();
            if (lire(c) == 1) {
                throw std::runtime_error("échec voulu");
            }
            co_return 0;
        });
        auto r = co_await h;
        BOOST_TEST((!r && r.error().is_panic()),
                   "la tâche devait lever (le compte valait-il 1 pendant qu'elle tournait ?)");
        BOOST_TEST(lire(c) == 0u, "tâche sortie par une exception : le compte doit revenir à 0 "
                                  "(il vaut "
                                      << lire(c) << ")");
    }(c));
}

BOOST_AUTO_TEST_CASE(branche_perdante_d_un_select_decomptee) {
    support::ChienDeGarde garde_temps(10s, "un select avec une branche comptée ne finit pas");
    auto c = nouveau_compteur();
    rt::block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
        std::size_t pendant = 0;
        auto observer = [&pendant, c]() -> rt::Task<void> {
            co_await support::attendre_que([&] { return lire(c) == 1; });
            pendant = lire(c);
        };
        auto r = co_await rt::select(longue_tache_comptee(c), observer());
        BOOST_TEST(r.index() == 1u);
        BOOST_TEST(pendant == 1u, "pendant que la branche attend, le compte doit valoir 1");
        BOOST_TEST(lire(c) == 0u, "la branche perdante d'un select est détruite à son point de "
                                  "suspension : le compte doit revenir à 0 (il vaut "
                                      << lire(c) << ")");
    }(c));
}

BOOST_AUTO_TEST_CASE(arret_du_runtime_decompte) {
    support::ChienDeGarde garde_temps(10s, "l'arrêt d'un runtime avec des tâches comptées bloque");
    auto c = nouveau_compteur();
    {
        rt::Runtime runtime = rt::Builder::from_env().build();
        runtime.block_on([](std::shared_ptr<Compteur> c) -> rt::Task<void> {
            for (int i = 0; i < 3; ++i) {
                (void)rt::spawn(longue_tache_comptee(c)); // détachées : l'arrêt les détruira
            }
            co_await support::attendre_que([&] { return lire(c) == 3; });
        }(c));
        BOOST_TEST(lire(c) == 3u, "3 tâches détachées endormies : le compte doit valoir 3");
    } // arrêt du runtime : les tâches restantes sont détruites
    BOOST_TEST(lire(c) == 0u, "à l'arrêt du runtime, les 3 tâches sont détruites : le compte "
                              "doit revenir à 0 (il vaut "
                                  << lire(c) << ")");
}

BOOST_AUTO_TEST_CASE(deplacer_ne_compte_qu_une_fois) {
    auto c = nouveau_compteur();
    {
        TacheComptee a(c);
        TacheComptee b(std::move(a));
        BOOST_TEST(lire(c) == 1u, "après un déplacement, toujours UNE tâche (compte : "
                                      << lire(c)
                                      << ") : le constructeur par déplacement ne "
                                         "doit pas compter");
        BOOST_TEST(b.actif(), "le garde qui a reçu l'unité est actif");
        BOOST_TEST(!a.actif(), "le garde dont on a déplacé le contenu n'est plus actif");
        {
            TacheComptee c2(std::move(b));
            BOOST_TEST(lire(c) == 1u);
        } // c2 détruit : la tâche est finie
        BOOST_TEST(lire(c) == 0u,
                   "le dernier détenteur détruit : compte 0 (il vaut " << lire(c) << ")");
    } // a et b, vides, ne doivent rien décompter (sinon : débordement vers une valeur énorme)
    BOOST_TEST(lire(c) == 0u, "les gardes vidés par un déplacement ne doivent rien décompter "
                              "(le compte vaut "
                                  << lire(c) << " : décompté deux fois ?)");
}

BOOST_AUTO_TEST_CASE(ranger_dans_un_vecteur) {
    auto c = nouveau_compteur();
    {
        std::vector<TacheComptee> gardes;
        for (int i = 0; i < 100; ++i) {
            gardes.emplace_back(c); // les réallocations déplacent les gardes déjà rangés
        }
        BOOST_TEST(lire(c) == 100u, "100 gardes dans un vecteur (déplacés à chaque "
                                    "réallocation) : le compte doit valoir 100 (il vaut "
                                        << lire(c) << ")");
        gardes.erase(gardes.begin(), gardes.begin() + 40); // détruit 40, en déplace 60
        BOOST_TEST(lire(c) == 60u, "après en avoir effacé 40 : le compte doit valoir 60 (il vaut "
                                       << lire(c) << ")");
    }
    BOOST_TEST(lire(c) == 0u);
}

BOOST_AUTO_TEST_CASE(affecter_par_deplacement) {
    auto c1 = nouveau_compteur();
    auto c2 = nouveau_compteur();
    {
        TacheComptee a(c1);
        TacheComptee b(c2);
        a = std::move(b);
        BOOST_TEST(lire(c1) == 0u, "a = std::move(b) : la tâche que `a` comptait est finie, son "
                                   "compteur doit revenir à 0 (il vaut "
                                       << lire(c1) << ")");
        BOOST_TEST(lire(c2) == 1u, "a = std::move(b) : l'unité de `b` passe à `a`, son compteur "
                                   "reste à 1 (il vaut "
                                       << lire(c2) << ")");
        BOOST_TEST(a.actif());
        BOOST_TEST(!b.actif(), "`b` a été vidé par l'affectation");
        auto& meme = a;
        a = std::move(meme); // auto-affectation : ne doit rien perdre
        BOOST_TEST(lire(c2) == 1u,
                   "a = std::move(a) ne doit pas décompter (compte : " << lire(c2) << ")");
        BOOST_TEST(a.actif(), "a = std::move(a) : `a` doit rester actif");
    }
    BOOST_TEST(lire(c1) == 0u);
    BOOST_TEST(lire(c2) == 0u, "tout est détruit : compte 0 (il vaut " << lire(c2) << ")");
}
