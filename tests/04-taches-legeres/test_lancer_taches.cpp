// Tests notés du chapitre 04 — exercice « utiliser » : lancer_taches.hpp, écrit avec rt.
//
// On vérifie le résultat ET la manière : une tâche espionne relève les métriques du runtime
// pendant que les tâches dorment. Si elles dorment en même temps, l'espionne en voit n
// vivantes d'un coup ; si on les attend une par une, elle n'en voit jamais plus d'une.
// La durée n'a qu'une borne inférieure (elles doivent vraiment dormir) : une borne supérieure
// ferait échouer le test sur une machine chargée.
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "lancer_taches.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Bilan {
    std::vector<int> resultats;
    std::uint64_t lancees = 0;      ///< tâches lancées par lancer_taches
    std::size_t max_vivantes = 0;   ///< le plus de tâches vivantes vues par l'espionne
    std::size_t max_minuteries = 0; ///< le plus de minuteries vues par l'espionne
    std::chrono::steady_clock::duration duree{};
};

rt::Task<Bilan> observer(int n, std::chrono::milliseconds delai) {
    Bilan b;
    bool fini = false;
    // L'espionne est lancée avant : elle tourne dès que lancer_taches se suspend. Elle vit
    // moins longtemps que `b` et `fini` (on l'attend plus bas) : les références sont sûres.
    auto espionne = rt::spawn([&b, &fini]() -> rt::Task<void> {
        while (!fini) {
            const auto m = rt::Handle::current().metrics();
            b.max_vivantes = std::max(b.max_vivantes, m.num_alive_tasks - 1); // sans elle-même
            b.max_minuteries = std::max(b.max_minuteries, m.num_timers);
            co_await rt::time::sleep(1ms);
        }
    });
    const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
    const auto debut = std::chrono::steady_clock::now();
    b.resultats = co_await utiliser::lancer_taches(n, delai);
    b.duree = std::chrono::steady_clock::now() - debut;
    b.lancees = rt::Handle::current().metrics().spawned_tasks_count - avant;
    fini = true;
    co_await espionne;
    co_return b;
}

std::vector<int> doubles(int n) {
    std::vector<int> v;
    for (int i = 0; i < n; ++i) {
        v.push_back(i * 2);
    }
    return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(lancer_taches_rend_les_doubles_dans_l_ordre) {
    support::ChienDeGarde garde(20s, "lancer_taches(100, 5 ms) ne se termine pas");
    const Bilan b = rt::block_on(observer(100, 5ms));
    BOOST_TEST(b.resultats == doubles(100),
               "lancer_taches doit rendre i * 2 pour i = 0..n-1, dans l'ordre de lancement ; "
               "obtenu "
                   << b.resultats.size() << " valeurs");
    BOOST_TEST(b.lancees == 100u, "il faut lancer une tâche par valeur avec rt::spawn ; tâches "
                                  "lancées : "
                                      << b.lancees);
}

BOOST_AUTO_TEST_CASE(lancer_taches_dorment_en_meme_temps) {
    support::ChienDeGarde garde(30s, "lancer_taches(10000, 100 ms) ne se termine pas (10 000 "
                                     "sommeils de 100 ms l'un après l'autre durent 17 minutes)");
    const Bilan b = rt::block_on(observer(10'000, 100ms));
    BOOST_TEST(b.resultats == doubles(10'000), "10 000 tâches : résultats faux ou manquants");
    BOOST_TEST(b.max_vivantes >= 10'000u,
               "les 10 000 tâches doivent être vivantes en même temps (lancez-les toutes avant "
               "d'en attendre une) ; au plus "
                   << b.max_vivantes << " vues à la fois");
    BOOST_TEST(b.max_minuteries >= 10'000u,
               "les 10 000 tâches doivent dormir en même temps, chacune avec sa minuterie "
               "(co_await rt::time::sleep) ; au plus "
                   << b.max_minuteries << " minuteries vues");
}

BOOST_AUTO_TEST_CASE(lancer_taches_dort_vraiment) {
    support::ChienDeGarde garde(20s, "lancer_taches(10, 50 ms) ne se termine pas");
    const Bilan b = rt::block_on(observer(10, 50ms));
    BOOST_TEST(b.duree >= std::chrono::steady_clock::duration(50ms),
               "chaque tâche doit dormir `delai` (co_await rt::time::sleep(delai)) avant de "
               "rendre sa valeur, et lancer_taches doit les attendre toutes");
    BOOST_TEST(b.resultats == doubles(10));
}

BOOST_AUTO_TEST_CASE(lancer_taches_zero_tache) {
    support::ChienDeGarde garde(20s, "lancer_taches(0) ne se termine pas");
    const Bilan b = rt::block_on(observer(0, 1ms));
    BOOST_TEST(b.resultats.empty(), "lancer_taches(0, ...) doit rendre un vecteur vide");
    BOOST_TEST(b.lancees == 0u);
}
