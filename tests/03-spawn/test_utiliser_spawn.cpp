// Tests notés du chapitre 03 — exercice « utiliser » : utiliser_spawn.hpp, écrit avec rt.
//
// On vérifie le résultat ET la manière : les métriques du runtime disent combien de tâches
// ont été lancées, donc un calcul fait « à la main » sans rt::spawn ne passe pas. Une tâche
// espionne, lancée avant l'appel, relève le nombre de tâches vivantes pendant qu'elles
// dorment : si on attend chaque tâche aussitôt après l'avoir lancée (le bon résultat, sans
// aucune concurrence), elle n'en voit jamais plus d'une à la fois. Ce n'est pas une mesure de
// temps : l'espionne passe dès que lancer_et_collecter se suspend pour la première fois, et
// compte ce qui a été lancé jusque-là.
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "utiliser_spawn.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Bilan {
    std::vector<std::string> journal;
    std::uint64_t lancees = 0;
    std::chrono::steady_clock::duration duree{};
};

rt::Task<Bilan> observer_programme(std::chrono::milliseconds attente) {
    Bilan bilan;
    const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
    const auto debut = std::chrono::steady_clock::now();
    bilan.journal = co_await utiliser::programme_spawn(attente);
    bilan.duree = std::chrono::steady_clock::now() - debut;
    bilan.lancees = rt::Handle::current().metrics().spawned_tasks_count - avant;
    co_return bilan;
}

struct Collecte {
    std::vector<int> resultats;
    std::uint64_t lancees = 0;
    std::size_t max_vivantes = 0; ///< le plus de tâches lancées vivantes vues à la fois
};

/// Ce que l'espionne et le test partagent : un shared_ptr capturé par valeur, comme le
/// journal de programme_spawn (aucune référence vers une variable locale du test).
struct Espion {
    bool fini = false;
    std::size_t max_vivantes = 0;
};

rt::Task<Collecte> observer_collecte(int n) {
    auto espion = std::make_shared<Espion>();
    auto espionne = rt::spawn([espion]() -> rt::Task<void> {
        while (!espion->fini) {
            const auto m = rt::Handle::current().metrics();
            // Sans elle-même (la tâche principale de block_on n'est pas comptée).
            espion->max_vivantes = std::max(espion->max_vivantes, m.num_alive_tasks - 1);
            co_await rt::time::sleep(1ms);
        }
    });
    Collecte c;
    const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
    c.resultats = co_await utiliser::lancer_et_collecter(n);
    c.lancees = rt::Handle::current().metrics().spawned_tasks_count - avant;
    espion->fini = true;
    co_await espionne;
    c.max_vivantes = espion->max_vivantes;
    co_return c;
}

std::string joindre(const std::vector<std::string>& lignes) {
    std::string s;
    for (const auto& l : lignes) {
        s += "[" + l + "] ";
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(programme_spawn_journal_dans_l_ordre) {
    support::ChienDeGarde garde(20s, "programme_spawn ne se termine pas (tâche jamais attendue ?)");
    const Bilan b = rt::block_on(observer_programme(20ms));
    const std::vector<std::string> attendu{"Lancement d'une tâche...",
                                           "Tâche lancée, continuons...", "la tâche démarre",
                                           "Tâche terminée !"};
    BOOST_TEST(b.journal == attendu,
               "journal attendu : " + joindre(attendu) + "; obtenu : " + joindre(b.journal) +
                   " (la tâche lancée ne démarre qu'une fois la fonction suspendue sur co_await)");
}

BOOST_AUTO_TEST_CASE(programme_spawn_lance_une_vraie_tache) {
    support::ChienDeGarde garde(20s, "programme_spawn ne se termine pas (tâche jamais attendue ?)");
    const Bilan b = rt::block_on(observer_programme(30ms));
    BOOST_TEST(b.lancees == 1u, "programme_spawn doit lancer exactement une tâche avec rt::spawn ; "
                                "tâches lancées : " +
                                    std::to_string(b.lancees));
    BOOST_TEST(b.duree >= std::chrono::steady_clock::duration(30ms),
               "la tâche doit dormir `attente` (rt::time::sleep) avant de rendre son texte, et "
               "programme_spawn doit l'attendre (co_await handle)");
}

BOOST_AUTO_TEST_CASE(lancer_et_collecter_ordre_de_lancement) {
    support::ChienDeGarde garde(20s, "lancer_et_collecter ne se termine pas");
    const Collecte c = rt::block_on(observer_collecte(5));
    BOOST_TEST(c.resultats == (std::vector<int>{0, 1, 4, 9, 16}),
               "les résultats doivent être i * i dans l'ordre de LANCEMENT (attendez les "
               "JoinHandle dans l'ordre où vous les avez créés)");
    BOOST_TEST(c.lancees == 5u, "il faut lancer une tâche par valeur avec rt::spawn ; tâches "
                                "lancées : " +
                                    std::to_string(c.lancees));
}

BOOST_AUTO_TEST_CASE(lancer_et_collecter_taches_simultanees) {
    support::ChienDeGarde garde(20s, "lancer_et_collecter ne se termine pas");
    const Collecte c = rt::block_on(observer_collecte(20));
    BOOST_TEST(c.max_vivantes >= 20u,
               "les 20 tâches doivent être lancées AVANT d'en attendre une seule (elles dorment "
               "alors en même temps) ; au plus " +
                   std::to_string(c.max_vivantes) +
                   " vivantes à la fois : attendez-vous chaque handle aussitôt après spawn ?");
}

BOOST_AUTO_TEST_CASE(lancer_et_collecter_cinquante_puis_zero_tache) {
    support::ChienDeGarde garde(20s, "lancer_et_collecter ne se termine pas");
    const Collecte z = rt::block_on(observer_collecte(0));
    BOOST_TEST(z.resultats.empty(), "lancer_et_collecter(0) doit rendre un vecteur vide");
    BOOST_TEST(z.lancees == 0u, "lancer_et_collecter(0) ne lance aucune tâche");
    const Collecte c = rt::block_on(observer_collecte(50));
    std::vector<int> attendu;
    for (int i = 0; i < 50; ++i) {
        attendu.push_back(i * i);
    }
    BOOST_TEST(c.resultats == attendu, "50 tâches : résultats faux ou dans le désordre");
    BOOST_TEST(c.lancees == 50u, "50 tâches doivent être lancées avec rt::spawn");
}
