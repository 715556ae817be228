// Tests notés du chapitre 04 — exercice « utiliser » : limiteur.hpp (le limiteur de débit et
// la reprise avec recul exponentiel), écrit avec rt.
//
// Aucun test ne dort pour se synchroniser, et aucun ne borne une durée par le haut : une
// machine chargée ne les fait pas échouer. Ils vérifient des RÈGLES exactes :
//   - le limiteur attribue des places (des instants) calculées, que l'on compare à la règle
//     place(k) = max(maintenant, place(k - n) + intervalle), « maintenant » étant encadré par
//     deux lectures de l'horloge autour de l'appel ;
//   - la reprise suit un calendrier arithmétique (le nombre de tentatives n'en dépend pas
//     du temps réel) ; chaque tentative a lieu au plus tôt à sa date prévue (borne inférieure).
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "limiteur.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Instant = rt::time::Instant;
using Horloge = std::chrono::steady_clock;

/// Un appel à acquerir() : l'horloge juste avant et juste après, et la place rendue.
struct Appel {
    Instant avant;
    Instant apres;
    Instant place;
};

double ms(Horloge::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

/// Vérifie la règle du limiteur appel par appel ; rend la liste des écarts (vide si tout va).
std::string ecarts_a_la_regle(const std::vector<Appel>& appels, std::size_t n,
                              std::chrono::milliseconds intervalle) {
    std::ostringstream out;
    int ecarts = 0;
    const Instant origine = appels.empty() ? Instant{} : appels.front().avant;
    for (std::size_t k = 0; k < appels.size() && ecarts < 3; ++k) {
        Instant bas = appels[k].avant;
        Instant haut = appels[k].apres;
        if (k >= n) {
            const Instant libre = appels[k - n].place + intervalle;
            bas = std::max(bas, libre);
            haut = std::max(haut, libre);
        }
        const Instant p = appels[k].place;
        if (p < bas || p > haut) {
            ++ecarts;
            out << "appel " << k << " : place à " << ms(p - origine) << " ms, attendue entre "
                << ms(bas - origine) << " et " << ms(haut - origine) << " ms ; ";
        }
    }
    return out.str();
}

/// Réserve une place et note l'encadrement de l'horloge (sans attendre la place).
Appel reserver(utiliser::Limiteur& limiteur) {
    Appel a;
    a.avant = Horloge::now();
    const rt::time::Sleep s = limiteur.acquerir();
    a.apres = Horloge::now();
    a.place = s.deadline();
    return a;
}

// --- Le limiteur utilisé par de vraies tâches -----------------------------------------

struct Passage {
    Appel appel;
    Instant reveil; ///< l'instant où la tâche a repris après co_await
};

rt::Task<std::vector<Passage>> rafale(std::size_t n, std::chrono::milliseconds intervalle,
                                      int taches) {
    auto limiteur = std::make_shared<utiliser::Limiteur>(n, intervalle);
    auto passages = std::make_shared<std::vector<Passage>>();
    std::vector<rt::JoinHandle<void>> handles;
    for (int i = 0; i < taches; ++i) {
        // Captures par valeur (des shared_ptr) : la tâche possède ce dont elle se sert.
        handles.push_back(rt::spawn([limiteur, passages]() -> rt::Task<void> {
            Passage p;
            p.appel.avant = Horloge::now();
            rt::time::Sleep s = limiteur->acquerir();
            p.appel.apres = Horloge::now();
            p.appel.place = s.deadline();
            const std::size_t k = passages->size(); // l'ordre des réservations
            passages->push_back(p);
            co_await s;
            (*passages)[k].reveil = Horloge::now();
        }));
    }
    for (auto& h : handles) {
        auto fin = co_await h;
        fin.value();
    }
    co_return *passages;
}

} // namespace

BOOST_AUTO_TEST_CASE(limiteur_rafale_de_quinze_taches) {
    support::ChienDeGarde garde(20s, "la rafale de 15 tâches limitée ne se termine pas");
    const auto passages = rt::block_on(rafale(5, 200ms, 15));
    BOOST_TEST_REQUIRE(passages.size() == 15u);
    std::vector<Appel> appels;
    for (const auto& p : passages) {
        appels.push_back(p.appel);
    }
    const std::string ecarts = ecarts_a_la_regle(appels, 5, 200ms);
    BOOST_TEST(ecarts.empty(),
               "5 passages par 200 ms : les 5 premiers tout de suite (place = maintenant), le "
               "k-ième à place(k - 5) + 200 ms exactement — ni plus tôt (la limite), ni plus tard "
               "(attente inutile, ou calculée depuis maintenant). "
                   << ecarts);
    for (std::size_t k = 0; k < passages.size(); ++k) {
        BOOST_TEST((passages[k].reveil >= passages[k].appel.place),
                   "la tâche " << k << " a repris avant sa place");
    }
}

BOOST_AUTO_TEST_CASE(limiteur_fenetre_glissante_puis_repos) {
    support::ChienDeGarde garde(20s, "le scénario du limiteur ne se termine pas");
    // 3 passages par 200 ms. Un appel seul, puis six d'un coup 100 ms plus tard : une fenêtre
    // fixe (compteur remis à zéro toutes les 200 ms) en laisserait passer trop entre 100 et
    // 300 ms. Puis un long repos : les places suivantes sont « maintenant », pas dans le passé.
    const std::vector<Appel> appels = rt::block_on([]() -> rt::Task<std::vector<Appel>> {
        utiliser::Limiteur limiteur(3, 200ms);
        std::vector<Appel> v;
        v.push_back(reserver(limiteur));
        co_await rt::time::sleep_until(v.front().place + 100ms);
        for (int i = 0; i < 6; ++i) {
            v.push_back(reserver(limiteur));
        }
        co_await rt::time::sleep_until(v.back().place + 600ms); // repos : la fenêtre se vide
        for (int i = 0; i < 4; ++i) {
            v.push_back(reserver(limiteur));
        }
        co_return v;
    }());
    const std::string ecarts = ecarts_a_la_regle(appels, 3, 200ms);
    BOOST_TEST(ecarts.empty(), "3 passages dans TOUTE fenêtre de 200 ms (glissante, pas fixe), "
                               "et après un repos les places repartent de maintenant. "
                                   << ecarts);
}

// --- La reprise avec recul exponentiel ------------------------------------------------

namespace {

struct Essais {
    utiliser::Issue issue;
    Instant avant;
    std::vector<Instant> dates; ///< l'instant de chaque tentative
};

/// Lance reessayer avec une opération qui échoue `echecs` fois (puis réussit), et qui
/// dure `duree` à chaque tentative.
rt::Task<Essais> essayer(utiliser::Politique politique, int echecs,
                         std::chrono::milliseconds duree) {
    auto dates = std::make_shared<std::vector<Instant>>();
    auto operation = [dates, echecs, duree]() -> rt::Task<bool> {
        dates->push_back(Horloge::now());
        if (duree > 0ms) {
            co_await rt::time::sleep(duree);
        }
        co_return static_cast<int>(dates->size()) > echecs;
    };
    Essais e;
    e.avant = Horloge::now();
    e.issue = co_await utiliser::reessayer(operation, politique);
    e.dates = *dates;
    co_return e;
}

/// Vérifie que la tentative k n'a pas eu lieu avant avant + prevues[k].
std::string trop_tot(const Essais& e, const std::vector<int>& prevues_ms) {
    std::ostringstream out;
    for (std::size_t k = 0; k < e.dates.size() && k < prevues_ms.size(); ++k) {
        if (e.dates[k] < e.avant + std::chrono::milliseconds(prevues_ms[k])) {
            out << "tentative " << k << " à " << ms(e.dates[k] - e.avant) << " ms, prévue à "
                << prevues_ms[k] << " ms au plus tôt ; ";
        }
    }
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(reessayer_reussit_a_la_troisieme) {
    support::ChienDeGarde garde(20s, "reessayer ne se termine pas");
    const Essais e = rt::block_on(essayer({20ms, 1000ms, 1000ms}, 2, 0ms));
    BOOST_TEST(e.issue.reussi,
               "l'opération réussit à la 3e tentative : Issue::reussi doit être vrai");
    BOOST_TEST(e.issue.tentatives == 3,
               "3 tentatives attendues (échec, échec, succès), obtenu " << e.issue.tentatives);
    BOOST_TEST(e.dates.size() == 3u, "l'opération doit être appelée une fois par tentative");
    const std::string t = trop_tot(e, {0, 20, 60});
    BOOST_TEST(t.empty(), "attendre 20 ms après le 1er échec, 40 ms après le 2e : " << t);
}

BOOST_AUTO_TEST_CASE(reessayer_abandonne_a_l_echeance) {
    support::ChienDeGarde garde(20s, "reessayer ne se termine pas (échéance ignorée ?)");
    // Prévues : 0, 20, 60, 140 ; la suivante tomberait à 300 ms > 250 : abandon.
    const Essais e = rt::block_on(essayer({20ms, 1000ms, 250ms}, 1000, 0ms));
    BOOST_TEST(!e.issue.reussi, "l'opération échoue toujours : Issue::reussi doit être faux");
    BOOST_TEST(e.issue.tentatives == 4,
               "attentes 20, 40, 80 ms (le délai double) : tentatives prévues à 0, 20, 60 et "
               "140 ms ; la suivante (300 ms) dépasse le budget de 250 ms. 4 tentatives "
               "attendues, obtenu "
                   << e.issue.tentatives);
    const std::string t = trop_tot(e, {0, 20, 60, 140});
    BOOST_TEST(t.empty(), t);
}

BOOST_AUTO_TEST_CASE(reessayer_plafond_et_calendrier_fixe) {
    support::ChienDeGarde garde(20s, "reessayer ne se termine pas");
    // Chaque tentative dure 50 ms. Attentes 40 puis 80 ms (plafond) : prévues à 0, 40, 120,
    // 200, 280, 360 ; la suivante (440) dépasse 400. Le calendrier part du début : la durée
    // de l'opération ne le décale pas (on dort JUSQU'À la date prévue).
    const Essais e = rt::block_on(essayer({40ms, 80ms, 400ms}, 1000, 50ms));
    BOOST_TEST(e.issue.tentatives == 6,
               "6 tentatives attendues (prévues à 0, 40, 120, 200, 280, 360 ms : délai plafonné "
               "à 80 ms, dates prévues depuis le début, sleep_until) ; obtenu "
                   << e.issue.tentatives
                   << " (délai non plafonné ? attente comptée depuis la fin de la tentative ?)");
    const std::string t = trop_tot(e, {0, 40, 120, 200, 280, 360});
    BOOST_TEST(t.empty(), t);
}

BOOST_AUTO_TEST_CASE(reessayer_echeance_exacte_permise) {
    support::ChienDeGarde garde(20s, "reessayer ne se termine pas");
    // Attentes de 50 ms (plafond = premier délai) : prévues à 0, 50, 100, 150, 200 ; 200 est
    // égal au budget, donc permise ; 250 ne l'est pas.
    const Essais e = rt::block_on(essayer({50ms, 50ms, 200ms}, 1000, 0ms));
    BOOST_TEST(e.issue.tentatives == 5,
               "une tentative prévue exactement à debut + budget est permise (on abandonne "
               "seulement si la date prévue DÉPASSE l'échéance) : 5 tentatives attendues, obtenu "
                   << e.issue.tentatives);
    const std::string t = trop_tot(e, {0, 50, 100, 150, 200});
    BOOST_TEST(t.empty(), t);
}
