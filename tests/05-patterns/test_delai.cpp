// Tests notés du chapitre 05 — exercice « construire » : delai.hpp (avec_delai,
// avec_delai_ou_annuler, premier_de), construits au-dessus de rt::select.
//
// Les scénarios sont des coroutines libres qui rendent ce qu'elles ont observé ; les
// vérifications se font ensuite, hors du runtime. Des sommeils courts font le travail des
// tâches ; aucune vérification ne porte sur une durée maximale (la machine peut être lente),
// seulement sur des durées minimales (« a attendu au moins le délai »).
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "delai.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;
using horloge = std::chrono::steady_clock;

/// Compte les objets vivants : détruit avec la trame d'une tâche annulée.
struct Sentinelle {
    std::shared_ptr<int> vivants;
    explicit Sentinelle(std::shared_ptr<int> v) : vivants(std::move(v)) { ++*vivants; }
    Sentinelle(const Sentinelle&) = delete;
    Sentinelle& operator=(const Sentinelle&) = delete;
    ~Sentinelle() { --*vivants; }
};

rt::Task<int> reussir(ms duree, int valeur) {
    co_await rt::time::sleep(duree);
    co_return valeur;
}

rt::Task<int> reussir_et_noter(ms duree, int valeur, std::shared_ptr<bool> fini) {
    co_await rt::time::sleep(duree);
    *fini = true;
    co_return valeur;
}

rt::Task<int> echouer(ms duree) {
    co_await rt::time::sleep(duree);
    throw std::runtime_error("échec de la tâche");
}

rt::Task<int> tres_longue(std::shared_ptr<int> vivants) {
    Sentinelle s(std::move(vivants));
    co_await rt::time::sleep(1h);
    co_return -1;
}

/// Ce qu'un scénario a vu.
struct Vu {
    std::optional<int> rendu;
    bool finie_au_retour = false;  ///< handle.is_finished() juste après la fonction testée
    int vivants_au_retour = -1;    ///< sentinelles vivantes juste après la fonction testée
    horloge::duration duree{};     ///< durée de la fonction testée
    std::optional<int> valeur_fin; ///< co_await handle ensuite : la valeur...
    bool annulee_fin = false;      ///< ... ou une annulation
    std::size_t minuteries = 99;   ///< minuteries inscrites à la fin du scénario
    std::size_t vivantes = 99;     ///< tâches vivantes à la fin du scénario
    bool erreur_panique = false;   ///< la fonction testée a levé une JoinError is_panic()
};

/// Note les compteurs du runtime ; si `attendre`, attend d'abord la fin du handle (dont le
/// résultat n'a pas encore été pris : un résultat ne se récupère qu'une fois).
rt::Task<void> conclure(rt::JoinHandle<int>* h, Vu* vu, bool attendre) {
    if (attendre) {
        auto fin = co_await *h;
        if (fin) {
            vu->valeur_fin = *fin;
        } else {
            vu->annulee_fin = fin.error().is_cancelled();
        }
    }
    const auto m = rt::Handle::current().metrics();
    vu->minuteries = m.num_timers;
    vu->vivantes = m.num_alive_tasks;
}

rt::Task<Vu> scenario_avec_delai(rt::Task<int> tache, ms delai, bool annuler_ensuite,
                                 std::shared_ptr<int> vivants) {
    Vu vu;
    auto h = rt::spawn(std::move(tache));
    const auto debut = horloge::now();
    try {
        vu.rendu = co_await construire::avec_delai(h, delai);
    } catch (const rt::JoinError& e) {
        vu.erreur_panique = e.is_panic();
    }
    vu.duree = horloge::now() - debut;
    vu.finie_au_retour = h.is_finished();
    vu.vivants_au_retour = vivants ? *vivants : -1;
    if (annuler_ensuite) {
        h.abort(); // la tâche d'une heure : on fait le ménage nous-mêmes
    }
    // Le résultat n'a pas été pris si avec_delai a abandonné l'attente.
    co_await conclure(&h, &vu, !vu.rendu.has_value() && !vu.erreur_panique);
    co_return vu;
}

rt::Task<Vu> scenario_ou_annuler(rt::Task<int> tache, ms delai, std::shared_ptr<int> vivants) {
    Vu vu;
    auto h = rt::spawn(std::move(tache));
    const auto debut = horloge::now();
    vu.rendu = co_await construire::avec_delai_ou_annuler(h, delai);
    vu.duree = horloge::now() - debut;
    vu.finie_au_retour = h.is_finished();
    vu.vivants_au_retour = vivants ? *vivants : -1;
    // avec_delai_ou_annuler a déjà pris le résultat (valeur, ou annulation attendue) : on
    // regarde seulement l'état du runtime. Si l'exercice n'est pas fait, on annule nous-mêmes.
    co_await conclure(&h, &vu, false);
    h.abort();
    co_return vu;
}

/// premier_de(a, b) : ce qu'il rend, et l'état des deux tâches juste après.
struct VuPremier {
    std::optional<int> rendu;
    bool a_finie = false;
    bool b_finie = false;
    int vivants = -1;
    std::size_t minuteries = 99;
    std::size_t vivantes = 99;
};

rt::Task<VuPremier> scenario_premier(rt::Task<int> ta, rt::Task<int> tb,
                                     std::shared_ptr<int> vivants) {
    VuPremier vu;
    auto a = rt::spawn(std::move(ta));
    auto b = rt::spawn(std::move(tb));
    try {
        vu.rendu = co_await construire::premier_de(a, b);
    } catch (const std::exception&) {
        vu.rendu.reset();
    }
    vu.a_finie = a.is_finished();
    vu.b_finie = b.is_finished();
    vu.vivants = *vivants;
    const auto m = rt::Handle::current().metrics();
    vu.minuteries = m.num_timers;
    vu.vivantes = m.num_alive_tasks;
    // Le ménage, si premier_de ne l'a pas fait (exercice inachevé) : rien ne doit bloquer.
    a.abort();
    b.abort();
    co_return vu;
}

std::string texte(const std::optional<int>& v) {
    return v ? std::to_string(*v) : std::string("std::nullopt");
}

} // namespace

// --- avec_delai : abandonner l'attente, pas la tâche ---------------------------------------

BOOST_AUTO_TEST_CASE(avec_delai_rend_la_valeur_a_temps) {
    support::ChienDeGarde garde(20s, "avec_delai ne rend pas la main");
    const Vu vu = rt::block_on(scenario_avec_delai(reussir(5ms, 42), 10s, false, nullptr));
    BOOST_TEST((vu.rendu == std::optional<int>(42)),
               "la tâche finit en 5 ms, bien avant le délai de 10 s : avec_delai doit rendre sa "
               "valeur (42) ; obtenu " +
                   texte(vu.rendu));
    BOOST_TEST(vu.finie_au_retour);
}

BOOST_AUTO_TEST_CASE(avec_delai_rend_nullopt_apres_le_delai) {
    support::ChienDeGarde garde(20s, "avec_delai ne rend pas la main à l'échéance");
    auto vivants = std::make_shared<int>(0);
    const Vu vu = rt::block_on(scenario_avec_delai(tres_longue(vivants), 20ms, true, vivants));
    BOOST_TEST(!vu.rendu.has_value(),
               "la tâche dure une heure : avec_delai doit rendre std::nullopt ; obtenu " +
                   texte(vu.rendu));
    BOOST_TEST(vu.duree >= horloge::duration(20ms),
               "avec_delai doit attendre le délai (20 ms) avant d'abandonner ; il a rendu la "
               "main au bout de " +
                   std::to_string(std::chrono::duration_cast<ms>(vu.duree).count()) + " ms");
    BOOST_TEST(vu.annulee_fin, "la tâche doit rester attendable après avec_delai (nous l'avons "
                               "annulée ensuite : co_await rend is_cancelled())");
}

BOOST_AUTO_TEST_CASE(avec_delai_n_annule_pas_la_tache) {
    support::ChienDeGarde garde(20s, "avec_delai ou l'attente de la tâche ne se termine pas");
    auto fini = std::make_shared<bool>(false);
    const Vu vu =
        rt::block_on(scenario_avec_delai(reussir_et_noter(40ms, 7, fini), 10ms, false, nullptr));
    BOOST_TEST(!vu.rendu.has_value(), "délai de 10 ms, tâche de 40 ms : std::nullopt attendu");
    BOOST_TEST(vu.duree >= horloge::duration(10ms),
               "avec_delai doit attendre le délai avant d'abandonner");
    BOOST_TEST(!vu.finie_au_retour,
               "à l'échéance, la tâche tourne encore : avec_delai ne doit pas l'annuler");
    BOOST_TEST((vu.valeur_fin == std::optional<int>(7)),
               "après avec_delai, la tâche doit toujours pouvoir finir et rendre 7 (seule "
               "l'ATTENTE est abandonnée, c'est ce que l'article ne dit pas)");
    BOOST_TEST(*fini, "la tâche doit avoir fini son travail");
}

BOOST_AUTO_TEST_CASE(avec_delai_propage_l_echec) {
    support::ChienDeGarde garde(20s, "avec_delai ne rend pas la main quand la tâche échoue");
    const Vu vu = rt::block_on(scenario_avec_delai(echouer(5ms), 10s, false, nullptr));
    BOOST_TEST(vu.erreur_panique,
               "la tâche lève une exception : avec_delai doit lever sa rt::JoinError "
               "(is_panic), comme Result::value() ; obtenu " +
                   texte(vu.rendu));
}

BOOST_AUTO_TEST_CASE(avec_delai_ne_laisse_pas_de_minuterie) {
    support::ChienDeGarde garde(20s, "avec_delai ne rend pas la main");
    const Vu vu = rt::block_on(scenario_avec_delai(reussir(5ms, 3), 10s, false, nullptr));
    BOOST_TEST((vu.rendu == std::optional<int>(3)), "obtenu " + texte(vu.rendu));
    BOOST_TEST(vu.minuteries == 0u,
               "la tâche a gagné : la minuterie du délai (10 s) doit être désinscrite, pas "
               "laissée au pilote (minuteries restantes : " +
                   std::to_string(vu.minuteries) + ")");
    BOOST_TEST(vu.vivantes == 0u, "aucune tâche auxiliaire ne doit survivre à avec_delai");
}

// --- avec_delai_ou_annuler : annuler pour de bon --------------------------------------------

BOOST_AUTO_TEST_CASE(avec_delai_ou_annuler_annule_la_tache) {
    support::ChienDeGarde garde(20s, "avec_delai_ou_annuler ne rend pas la main");
    auto vivants = std::make_shared<int>(0);
    const Vu vu = rt::block_on(scenario_ou_annuler(tres_longue(vivants), 20ms, vivants));
    BOOST_TEST(!vu.rendu.has_value(),
               "délai écoulé : std::nullopt attendu ; obtenu " + texte(vu.rendu));
    BOOST_TEST(vu.duree >= horloge::duration(20ms), "il faut attendre le délai avant d'annuler");
    BOOST_TEST(vu.finie_au_retour, "au retour d'avec_delai_ou_annuler, la tâche doit être "
                                   "terminée (annulée) : abort() puis co_await handle");
    BOOST_TEST(vu.vivants_au_retour == 0,
               "au retour, la trame de la tâche doit être détruite (ses destructeurs ont "
               "tourné) ; abort() seul ne suffit pas, l'annulation est asynchrone");
    BOOST_TEST(vu.minuteries == 0u, "plus aucune minuterie ne doit rester inscrite");
    BOOST_TEST(vu.vivantes == 0u, "plus aucune tâche ne doit tourner");
}

BOOST_AUTO_TEST_CASE(avec_delai_ou_annuler_valeur_a_temps) {
    support::ChienDeGarde garde(20s, "avec_delai_ou_annuler ne rend pas la main");
    const Vu vu = rt::block_on(scenario_ou_annuler(reussir(5ms, 9), 10s, nullptr));
    BOOST_TEST((vu.rendu == std::optional<int>(9)),
               "la tâche finit à temps : sa valeur (9) est attendue ; obtenu " + texte(vu.rendu));
    BOOST_TEST(vu.minuteries == 0u, "la minuterie du délai doit être désinscrite");
}

// --- premier_de : le premier de deux, l'autre annulé ----------------------------------------

BOOST_AUTO_TEST_CASE(premier_de_rend_le_plus_rapide_et_annule_l_autre) {
    support::ChienDeGarde garde(20s, "premier_de ne rend pas la main");
    auto vivants = std::make_shared<int>(0);
    const VuPremier vu =
        rt::block_on(scenario_premier(tres_longue(vivants), reussir(10ms, 2), vivants));
    BOOST_TEST((vu.rendu == std::optional<int>(2)),
               "b finit en 10 ms, a dure une heure : premier_de doit rendre 2 ; obtenu " +
                   texte(vu.rendu));
    BOOST_TEST(vu.a_finie, "la tâche perdante (a) doit être annulée avant que premier_de rende "
                           "la main (abort() puis co_await)");
    BOOST_TEST(vu.vivants == 0, "la trame de la tâche perdante doit être détruite");
    BOOST_TEST(vu.minuteries == 0u, "plus aucune minuterie ne doit rester inscrite");
    BOOST_TEST(vu.vivantes == 0u, "plus aucune tâche ne doit tourner");
}

BOOST_AUTO_TEST_CASE(premier_de_premier_argument_gagnant) {
    support::ChienDeGarde garde(20s, "premier_de ne rend pas la main");
    auto vivants = std::make_shared<int>(0);
    const VuPremier vu =
        rt::block_on(scenario_premier(reussir(5ms, 1), tres_longue(vivants), vivants));
    BOOST_TEST((vu.rendu == std::optional<int>(1)),
               "a finit en 5 ms : premier_de doit rendre 1 ; obtenu " + texte(vu.rendu));
    BOOST_TEST(vu.b_finie, "la tâche perdante (b) doit être annulée");
    BOOST_TEST(vu.vivants == 0, "la trame de la tâche perdante doit être détruite");
}
