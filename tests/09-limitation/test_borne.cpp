// Tests notés du chapitre 09, exercice « utiliser » : traiter_borne (borne.hpp, espace de
// noms utiliser), 1 000 travaux, au plus 8 à la fois.
//
// Chacun échoue sur une erreur courante : plus de 8 travaux en cours (compteur atomique du
// maximum), résultats dans l'ordre de fin au lieu de l'ordre des travaux, autorisation prise
// DANS la tâche au lieu d'avant spawn (1 000 tâches vivantes d'un coup : on le voit dans
// metrics().num_alive_tasks), résultats perdus quand un travail lève une exception,
// traitement séquentiel (jamais plus d'un travail à la fois).
//
// Les tests qui comptent les tâches vivantes, ou vérifient que les 8 places servent, tournent
// sur un runtime current_thread explicite (l'ordre y est celui de la file : déterministe). Les
// autres tournent sur le planificateur de RT_FLAVOR : cet exécutable est aussi rejoué sur
// multi_thread à 2 et 4 workers (« ch09.mt2.* », « ch09.mt4.* »).
#define BOOST_TEST_MODULE "Chapitre 09 : traiter au plus 8 travaux à la fois (utiliser)"
#include <boost/test/unit_test.hpp>

#include <borne.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr std::size_t TRAVAUX = 1000;
constexpr std::size_t MAX_EN_VOL = 8;

std::vector<int> travaux(std::size_t n = TRAVAUX) {
    std::vector<int> v(n);
    std::iota(v.begin(), v.end(), 0);
    return v;
}

/// Ce que les travaux observent pendant qu'ils tournent (atomiques : multi_thread).
struct Observations {
    std::atomic<std::size_t> en_vol{0};
    std::atomic<std::size_t> max_en_vol{0};
    std::atomic<std::size_t> max_taches_vivantes{0};
    std::atomic<std::size_t> appels{0};
};

void garder_le_max(std::atomic<std::size_t>& max, std::size_t valeur) {
    std::size_t vu = max.load();
    while (valeur > vu && !max.compare_exchange_weak(vu, valeur)) {
    }
}

/// Le travail : compte les travaux en cours, cède la main un nombre de fois qui dépend du
/// numéro (les travaux finissent donc dans le désordre), et rend le double du numéro ; les
/// travaux 25, 75, 125... lèvent une exception. Paramètres par valeur (CP.53) : `obs` pointe
/// vers le test, qui survit à traiter_borne.
rt::Task<int> doubler(Observations* obs, bool compter_les_taches, int job) {
    ++obs->appels;
    garder_le_max(obs->max_en_vol, ++obs->en_vol);
    if (compter_les_taches) {
        garder_le_max(obs->max_taches_vivantes, rt::Handle::current().metrics().num_alive_tasks);
    }
    for (int i = 0; i < (job * 7) % 5 + 1; ++i) {
        co_await rt::task::yield_now();
    }
    --obs->en_vol;
    if (job % 50 == 25) {
        throw std::runtime_error("le travail " + std::to_string(job) + " échoue");
    }
    co_return job * 2;
}

/// La fonction passée à traiter_borne (copiable, comme une lambda qui capture un pointeur).
struct Doubler {
    Observations* obs;
    bool compter_les_taches = false;
    rt::Task<int> operator()(int job) const { return doubler(obs, compter_les_taches, job); }
};

using Issues = std::vector<rt::Result<int, rt::JoinError>>;

/// Lance traiter_borne ; si elle lève (au lieu de ranger l'échec à sa place), le dit.
template <class F>
rt::Task<Issues> lancer(std::vector<int> jobs, F f, std::size_t max, bool* a_leve,
                        std::string* message) {
    try {
        co_return co_await utiliser::traiter_borne(std::move(jobs), f, max);
    } catch (const std::exception& e) {
        *a_leve = true;
        *message = e.what();
    }
    co_return Issues{};
}

std::string message_de(const rt::JoinError& e) {
    try {
        std::rethrow_exception(e.panic());
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "?";
    }
}

/// Vérifie qu'il y a une issue par travail, et que chacune est la bonne (valeur ou échec).
void verifier_les_issues(const Issues& issues, std::size_t n) {
    BOOST_TEST_REQUIRE(issues.size() == n, "traiter_borne doit rendre une issue par travail : "
                                               << n << " attendues, " << issues.size()
                                               << " reçues");
    std::size_t fausses = 0;
    std::size_t premiere = n;
    for (std::size_t i = 0; i < n; ++i) {
        const bool doit_echouer = i % 50 == 25;
        const bool juste =
            doit_echouer
                ? (!issues[i] && issues[i].error().is_panic() &&
                   message_de(issues[i].error()) == "le travail " + std::to_string(i) + " échoue")
                : (issues[i] && *issues[i] == static_cast<int>(2 * i));
        if (!juste) {
            ++fausses;
            premiere = std::min(premiere, i);
        }
    }
    BOOST_TEST(fausses == 0u,
               fausses << " issues ne sont pas à leur place (la première : la case " << premiere
                       << "). La case i doit contenir le résultat du travail i (ordre des "
                          "travaux, pas ordre de fin), et les travaux 25, 75, 125... une "
                          "JoinError is_panic() avec le message de leur exception");
}

} // namespace

BOOST_AUTO_TEST_CASE(borne_rend_les_resultats_dans_l_ordre_des_travaux) {
    support::ChienDeGarde garde(30s, "traiter_borne ne rend pas la main : une autorisation "
                                     "n'est-elle jamais rendue ?");
    Observations obs;
    bool a_leve = false;
    std::string message;
    const Issues issues =
        rt::block_on(lancer(travaux(), Doubler{&obs}, MAX_EN_VOL, &a_leve, &message));
    BOOST_TEST_REQUIRE(!a_leve, "traiter_borne a levé « "
                                    << message
                                    << " » : l'exception d'un travail doit rester dans sa case "
                                       "(JoinError), les autres résultats ne doivent pas être "
                                       "perdus");
    BOOST_TEST(obs.appels.load() == TRAVAUX, "f doit être appelée une fois par travail");
    verifier_les_issues(issues, TRAVAUX);
}

BOOST_AUTO_TEST_CASE(borne_jamais_plus_de_8_en_vol) {
    support::ChienDeGarde garde(30s, "traiter_borne ne rend pas la main");
    Observations obs;
    bool a_leve = false;
    std::string message;
    const Issues issues =
        rt::block_on(lancer(travaux(), Doubler{&obs}, MAX_EN_VOL, &a_leve, &message));
    BOOST_TEST(obs.appels.load() == TRAVAUX,
               "f doit être appelée une fois par travail (" << obs.appels.load() << " appels)");
    BOOST_TEST(issues.size() == TRAVAUX,
               "une issue par travail attendue (" << issues.size() << " reçues)");
    BOOST_TEST(obs.max_en_vol.load() <= MAX_EN_VOL,
               obs.max_en_vol.load()
                   << " travaux étaient en cours en même temps ; au plus " << MAX_EN_VOL
                   << " sont permis (l'autorisation doit être tenue pendant tout le travail)");
}

BOOST_AUTO_TEST_CASE(borne_utilise_les_8_places) {
    support::ChienDeGarde garde(30s, "traiter_borne ne rend pas la main");
    Observations obs;
    bool a_leve = false;
    std::string message;
    rt::Runtime runtime = rt::Builder::current_thread().build();
    const Issues issues =
        runtime.block_on(lancer(travaux(), Doubler{&obs}, MAX_EN_VOL, &a_leve, &message));
    BOOST_TEST(issues.size() == TRAVAUX, "une issue par travail attendue");
    BOOST_TEST(obs.max_en_vol.load() == MAX_EN_VOL,
               "au plus fort, " << obs.max_en_vol.load() << " travail(s) en cours : les "
                                << MAX_EN_VOL
                                << " places doivent servir (lancer la tâche suivante sans "
                                   "attendre la fin de la précédente)");
}

BOOST_AUTO_TEST_CASE(borne_ne_cree_pas_plus_de_8_taches) {
    support::ChienDeGarde garde(30s, "traiter_borne ne rend pas la main");
    Observations obs;
    bool a_leve = false;
    std::string message;
    rt::Runtime runtime = rt::Builder::current_thread().build();
    const Issues issues =
        runtime.block_on(lancer(travaux(), Doubler{&obs, true}, MAX_EN_VOL, &a_leve, &message));
    BOOST_TEST(issues.size() == TRAVAUX, "une issue par travail attendue");
    BOOST_TEST(obs.appels.load() == TRAVAUX,
               "f doit être appelée une fois par travail (" << obs.appels.load() << " appels)");
    BOOST_TEST(obs.max_taches_vivantes.load() <= MAX_EN_VOL,
               "jusqu'à " << obs.max_taches_vivantes.load()
                          << " tâches vivantes à la fois (metrics().num_alive_tasks) : "
                             "l'autorisation doit être prise AVANT spawn (acquire_owned), pas "
                             "dans la tâche — sinon toutes les tâches existent d'un coup et "
                             "attendent en tenant leur trame, comme dans l'article");
    BOOST_TEST(obs.max_taches_vivantes.load() >= 1u,
               "aucun travail n'a tourné dans une tâche lancée par rt::spawn");
}

BOOST_AUTO_TEST_CASE(borne_une_exception_ne_perd_aucun_resultat) {
    // 20 travaux échouent, plus que les 8 places : une autorisation non rendue à chaque échec
    // bloquerait tout.
    support::ChienDeGarde garde(30s, "traiter_borne ne rend pas la main après des travaux en "
                                     "échec : une tâche qui lève doit rendre son autorisation "
                                     "(RAII : le permis déplacé dans la tâche meurt avec elle)");
    Observations obs;
    bool a_leve = false;
    std::string message;
    const Issues issues =
        rt::block_on(lancer(travaux(), Doubler{&obs}, MAX_EN_VOL, &a_leve, &message));
    BOOST_TEST_REQUIRE(!a_leve, "traiter_borne a levé « "
                                    << message
                                    << " » : un travail en échec ne doit pas faire perdre les "
                                       "autres résultats (pas de value() sur les issues)");
    verifier_les_issues(issues, TRAVAUX);
}

BOOST_AUTO_TEST_CASE(borne_max_en_vol_nul_refuse) {
    support::ChienDeGarde garde(10s, "traiter_borne avec max_en_vol = 0 ne rend pas la main : "
                                     "elle ne pourra jamais avancer, elle doit refuser");
    Observations obs;
    bool a_leve = false;
    std::string message;
    (void)rt::block_on(lancer(travaux(10), Doubler{&obs}, 0, &a_leve, &message));
    BOOST_TEST(a_leve, "max_en_vol = 0 : traiter_borne doit lever std::invalid_argument (aucun "
                       "travail ne pourrait jamais commencer)");
    BOOST_TEST(obs.appels.load() == 0u, "avec max_en_vol = 0, aucun travail ne doit être lancé");
}
