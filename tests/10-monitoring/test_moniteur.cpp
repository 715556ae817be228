// Chapitre 10, exercice « utiliser » : le moniteur. D'abord faire_rapport, sur des métriques
// fabriquées (déterministe : on sait exactement ce qu'il faut trouver) ; puis surveiller, sur
// le vrai runtime : les rapports arrivent, disent le bon nombre de tâches vivantes, et la
// tâche s'arrête dès qu'on le lui demande ou que plus personne ne lit. Les périodes courtes
// sont ce qu'on teste, jamais une façon d'attendre : on attend un rapport (canal), une fin
// (JoinHandle) ou une minuterie inscrite (metrics().num_timers).
#include <boost/test/unit_test.hpp>

#include <support/attendre.hpp>
#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "moniteur.hpp"

namespace {

using namespace std::chrono_literals;
using utiliser::Rapport;

/// Des métriques fabriquées : un worker par élément de `polls`.
rt::RuntimeMetrics metriques(std::size_t vivantes, const std::vector<std::uint64_t>& polls,
                             const std::vector<std::uint64_t>& vols = {},
                             const std::vector<std::uint64_t>& sommeils = {}) {
    rt::RuntimeMetrics m;
    m.num_alive_tasks = vivantes;
    m.num_workers = polls.size();
    for (std::size_t i = 0; i < polls.size(); ++i) {
        rt::WorkerMetrics& w = m.workers.emplace_back();
        w.poll_count = polls[i];
        w.steal_count = i < vols.size() ? vols[i] : 0;
        w.park_count = i < sommeils.size() ? sommeils[i] : 0;
    }
    m.spawned_tasks_count = 10'000; // un total qui n'a rien à faire dans un rapport
    return m;
}

bool proche(double a, double b) {
    return std::fabs(a - b) <= 1e-6 * std::fabs(b) + 1e-9;
}

} // namespace

BOOST_AUTO_TEST_CASE(rapport_debit_sur_l_intervalle) {
    const auto avant = metriques(3, {1000, 500});
    const auto apres = metriques(7, {1300, 700});
    const Rapport r = utiliser::faire_rapport(avant, apres, 250ms);
    BOOST_TEST(proche(r.passages_par_seconde, 2000.0),
               "500 passages (1300 + 700 - 1000 - 500) en 250 ms font 2000 passages/s ; "
               "obtenu "
                   << r.passages_par_seconde
                   << (proche(r.passages_par_seconde, 8000.0)
                           ? " : c'est le TOTAL depuis le démarrage divisé par la période, il "
                             "faut la DIFFÉRENCE entre les deux lectures"
                           : ""));
    BOOST_TEST(r.taches_vivantes == 7u, "tâches vivantes : la valeur de la lecture la plus "
                                        "récente (7), obtenu "
                                            << r.taches_vivantes);
    const Rapport vide = utiliser::faire_rapport(apres, apres, 0ns);
    BOOST_TEST(vide.passages_par_seconde == 0.0,
               "une durée nulle doit donner 0 passage/s (pas une division par zéro), obtenu "
                   << vide.passages_par_seconde);
}

BOOST_AUTO_TEST_CASE(rapport_le_plus_occupe_par_passages_de_l_intervalle) {
    // Worker 0 : le plus gros total depuis le démarrage, mais 10 passages seulement pendant
    // l'intervalle. Worker 1 : 300 passages. Worker 2 : 150 passages et beaucoup de vols.
    const auto avant = metriques(1, {5000, 100, 100}, {0, 0, 0});
    const auto apres = metriques(1, {5010, 400, 250}, {0, 3, 50});
    const Rapport r = utiliser::faire_rapport(avant, apres, 1s);
    BOOST_TEST(r.worker_le_plus_occupe == 1u,
               "le plus occupé pendant l'intervalle est le worker 1 (300 passages) ; obtenu "
                   << r.worker_le_plus_occupe
                   << (r.worker_le_plus_occupe == 0 ? " : c'est le plus gros TOTAL, pas le plus "
                                                      "occupé pendant l'intervalle"
                       : r.worker_le_plus_occupe == 2
                           ? " : c'est le plus gros voleur (steal_count) ; un worker qui vole "
                             "manquait de travail, il faut comparer les poll_count"
                           : ""));
    BOOST_TEST(r.passages_du_plus_occupe == 300u,
               "ses passages pendant l'intervalle : 300, obtenu " << r.passages_du_plus_occupe);
}

BOOST_AUTO_TEST_CASE(rapport_vols_et_sommeils_de_l_intervalle) {
    const auto avant = metriques(2, {10, 10}, {4, 6}, {100, 200});
    const auto apres = metriques(2, {20, 20}, {5, 9}, {102, 205});
    const Rapport r = utiliser::faire_rapport(avant, apres, 1s);
    BOOST_TEST(r.vols == 4u,
               "tâches volées pendant l'intervalle : (5 - 4) + (9 - 6) = 4, obtenu " << r.vols);
    BOOST_TEST(r.sommeils == 7u,
               "mises en sommeil pendant l'intervalle : 2 + 5 = 7, obtenu " << r.sommeils);
    BOOST_TEST(proche(r.passages_par_seconde, 20.0));
}

BOOST_AUTO_TEST_CASE(moniteur_envoie_des_rapports_puis_s_arrete) {
    support::ChienDeGarde garde(20s, "surveiller n'envoie pas 3 rapports (période de 2 ms), ou "
                                     "ne s'arrête pas quand arret passe à true");
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::mpsc::channel<Rapport>(4);
        auto [arret_tx, arret_rx] = rt::sync::watch::channel(false);
        auto h = rt::spawn(utiliser::surveiller(2ms, std::move(tx), std::move(arret_rx)));
        std::size_t recus = 0;
        for (int i = 0; i < 3; ++i) {
            auto r = co_await rx.recv();
            BOOST_REQUIRE_MESSAGE(r.has_value(), "le canal des rapports s'est fermé après "
                                                     << recus
                                                     << " rapport(s) : surveiller a "
                                                        "rendu la main trop tôt");
            ++recus;
            BOOST_TEST(r->taches_vivantes >= 1u,
                       "le moniteur est lui-même une tâche vivante : au moins 1, obtenu "
                           << r->taches_vivantes);
            BOOST_TEST(r->passages_par_seconde >= 0.0);
        }
        (void)arret_tx.send(true);
        while (co_await rx.recv()) { // les rapports déjà envoyés, puis la fermeture
            ++recus;
        }
        auto fin = co_await h;
        BOOST_REQUIRE(fin.has_value());
        BOOST_TEST(*fin == recus, "surveiller doit rendre le nombre de rapports envoyés ("
                                      << recus << " reçus), il a rendu " << *fin);
    }());
}

BOOST_AUTO_TEST_CASE(moniteur_compte_les_taches_vivantes) {
    support::ChienDeGarde garde(20s, "surveiller n'envoie pas ses rapports (période de 2 ms)");
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::mpsc::channel<Rapport>(1);
        auto [arret_tx, arret_rx] = rt::sync::watch::channel(false);
        auto h = rt::spawn(utiliser::surveiller(2ms, std::move(tx), arret_rx));
        // 10 tâches qui attendent l'ordre d'arrêt : le nombre de tâches vivantes est stable.
        std::vector<rt::JoinHandle<void>> attente;
        for (int i = 0; i < 10; ++i) {
            attente.push_back(rt::spawn(
                [rx = arret_rx]() mutable -> rt::Task<void> { (void)co_await rx.changed(); }));
        }
        const auto lues = [] { return rt::Handle::current().metrics().num_alive_tasks; };
        co_await support::attendre_que([&] { return lues() >= 11; });
        const std::size_t attendu = lues();
        // Au plus deux rapports calculés avant cette lecture (un dans le canal, un en cours
        // d'envoi) ; le troisième reçu est forcément calculé après.
        std::optional<Rapport> r;
        for (int i = 0; i < 3; ++i) {
            r = co_await rx.recv();
            BOOST_REQUIRE_MESSAGE(r.has_value(), "le canal des rapports s'est fermé trop tôt");
        }
        BOOST_TEST(r->taches_vivantes == attendu,
                   "10 tâches en attente, le moniteur et les autres : metrics() dit "
                       << attendu << " tâches vivantes, le rapport en dit " << r->taches_vivantes
                       << " (num_alive_tasks de la lecture la plus récente)");
        (void)arret_tx.send(true);
        for (auto& t : attente) {
            (void)co_await t;
        }
        while (co_await rx.recv()) {
        }
        (void)co_await h;
    }());
}

BOOST_AUTO_TEST_CASE(moniteur_s_arrete_au_milieu_d_une_longue_periode) {
    support::ChienDeGarde garde(20s, "surveiller ne s'arrête pas");
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::mpsc::channel<Rapport>(4);
        auto [arret_tx, arret_rx] = rt::sync::watch::channel(false);
        const std::size_t minuteries = rt::Handle::current().metrics().num_timers;
        auto h = rt::spawn(utiliser::surveiller(1h, std::move(tx), std::move(arret_rx)));
        // Attendre que le moniteur soit installé : sa minuterie (la période) est inscrite.
        co_await support::attendre_que([&] {
            return h.is_finished() || rt::Handle::current().metrics().num_timers > minuteries;
        });
        BOOST_REQUIRE_MESSAGE(!h.is_finished(),
                              "surveiller a rendu la main avant qu'on lui demande de s'arrêter");
        (void)arret_tx.send(true);
        auto fin = co_await rt::time::timeout(2s, h);
        BOOST_REQUIRE_MESSAGE(fin.has_value(),
                              "arret est passé à true, mais surveiller (période d'une heure) ne "
                              "s'est pas arrêté en 2 s : il doit attendre la période OU l'ordre "
                              "d'arrêt (rt::select), pas seulement regarder à chaque tick");
        BOOST_TEST((fin->has_value() && **fin == 0u), "aucun rapport ne devait être envoyé");
        auto apres = co_await rx.recv();
        BOOST_TEST(!apres.has_value(),
                   "surveiller fini : son émetteur est détruit, le canal est fermé");
        BOOST_TEST(rt::Handle::current().metrics().num_timers == minuteries,
                   "surveiller fini : sa minuterie doit être désinscrite");
    }());
}

BOOST_AUTO_TEST_CASE(moniteur_s_arrete_quand_plus_personne_ne_lit) {
    support::ChienDeGarde garde(20s, "surveiller ne s'arrête pas quand le lecteur des rapports "
                                     "est parti : l'échec de send() doit terminer la boucle");
    rt::block_on([]() -> rt::Task<void> {
        auto [tx, rx] = rt::sync::mpsc::channel<Rapport>(1);
        auto [arret_tx, arret_rx] = rt::sync::watch::channel(false);
        auto h = rt::spawn(utiliser::surveiller(1ms, std::move(tx), std::move(arret_rx)));
        {
            auto lecteur = std::move(rx);
            auto r = co_await lecteur.recv();
            BOOST_REQUIRE_MESSAGE(r.has_value(), "aucun rapport reçu : le canal s'est fermé");
        }                      // le lecteur est détruit : plus personne ne lit
        auto fin = co_await h; // arret_tx reste vivant : seul l'échec d'envoi peut l'arrêter
        BOOST_TEST(fin.has_value());
        BOOST_TEST(!*arret_tx.borrow(), "personne n'a demandé l'arrêt : seul l'échec d'envoi a "
                                        "pu arrêter surveiller");
    }());
}
