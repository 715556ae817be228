// Tests notés du chapitre 05 — exercice « utiliser » : collecter.cpp (collecter et
// collecter_avant), écrit avec rt.
//
// Les tâches données à collecter sont des coroutines libres à paramètres par valeur (CP.53).
// On vérifie le résultat ET la manière : l'ordre des valeurs est l'ordre de FIN (donc les
// tâches ont tourné en même temps), les métriques disent combien de tâches ont été lancées,
// et une sentinelle dit si les tâches annulées ont bien été détruites.
#define BOOST_TEST_MODULE "Chapitre 05 : patterns (collecte, délais, annulation)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "collecter.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

rt::Task<int> reussir(ms duree, int valeur) {
    co_await rt::time::sleep(duree);
    co_return valeur;
}

rt::Task<int> echouer(ms duree, std::string message) {
    co_await rt::time::sleep(duree);
    throw std::runtime_error(message);
}

rt::Task<int> echouer_bizarrement(ms duree) {
    co_await rt::time::sleep(duree);
    throw 42; // pas une std::exception
}

/// Compte les objets vivants : détruit avec la trame d'une tâche annulée.
struct Sentinelle {
    std::shared_ptr<int> vivants;
    explicit Sentinelle(std::shared_ptr<int> v) : vivants(std::move(v)) { ++*vivants; }
    Sentinelle(const Sentinelle&) = delete;
    Sentinelle& operator=(const Sentinelle&) = delete;
    ~Sentinelle() { --*vivants; }
};

rt::Task<int> tres_longue(std::shared_ptr<int> vivants) {
    Sentinelle s(std::move(vivants));
    co_await rt::time::sleep(1h);
    co_return -1;
}

struct Observation {
    utiliser::Bilan bilan;
    std::uint64_t lancees = 0;
    std::size_t vivantes_apres = 0;
    std::size_t minuteries_apres = 0;
};

rt::Task<Observation> observer(std::vector<rt::Task<int>> taches) {
    Observation o;
    const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
    o.bilan = co_await utiliser::collecter(std::move(taches));
    const auto m = rt::Handle::current().metrics();
    o.lancees = m.spawned_tasks_count - avant;
    o.vivantes_apres = m.num_alive_tasks;
    co_return o;
}

rt::Task<Observation> observer_avant(std::vector<rt::Task<int>> taches, ms delai) {
    Observation o;
    const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
    o.bilan = co_await utiliser::collecter_avant(std::move(taches), delai);
    const auto m = rt::Handle::current().metrics();
    o.lancees = m.spawned_tasks_count - avant;
    o.vivantes_apres = m.num_alive_tasks;
    o.minuteries_apres = m.num_timers;
    co_return o;
}

template <class T>
std::string texte(const std::vector<T>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if constexpr (std::is_same_v<T, std::string>) {
            s += (i ? ", « " : "« ") + v[i] + " »";
        } else {
            s += (i ? ", " : "") + std::to_string(v[i]);
        }
    }
    return s + "]";
}

} // namespace

BOOST_AUTO_TEST_CASE(collecter_dans_l_ordre_de_fin) {
    support::ChienDeGarde garde(20s, "collecter ne se termine pas (une tâche jamais attendue ?)");
    std::vector<rt::Task<int>> v;
    v.push_back(reussir(40ms, 1));
    v.push_back(reussir(30ms, 2));
    v.push_back(reussir(20ms, 3));
    v.push_back(reussir(10ms, 4));
    const Observation o = rt::block_on(observer(std::move(v)));
    BOOST_TEST(o.bilan.valeurs == (std::vector<int>{4, 3, 2, 1}),
               "les valeurs doivent venir dans l'ordre où les tâches FINISSENT (JoinSet, "
               "join_next) ; attendu [4, 3, 2, 1], obtenu " +
                   texte(o.bilan.valeurs));
    BOOST_TEST(o.lancees == 4u, "chaque tâche doit être lancée (JoinSet::spawn ou rt::spawn) ; "
                                "tâches lancées : " +
                                    std::to_string(o.lancees));
    BOOST_TEST(o.bilan.erreurs.empty());
    BOOST_TEST(o.bilan.annulees == 0);
}

BOOST_AUTO_TEST_CASE(collecter_un_echec_n_empeche_pas_les_autres) {
    support::ChienDeGarde garde(20s, "collecter ne se termine pas après un échec");
    std::vector<rt::Task<int>> v;
    v.push_back(reussir(10ms, 1));
    v.push_back(echouer(5ms, "boum"));
    v.push_back(reussir(20ms, 3));
    const Observation o = rt::block_on(observer(std::move(v)));
    BOOST_TEST(o.bilan.valeurs == (std::vector<int>{1, 3}),
               "les tâches réussies doivent être collectées malgré l'échec d'une autre ; "
               "obtenu " +
                   texte(o.bilan.valeurs));
    BOOST_TEST(o.bilan.erreurs == (std::vector<std::string>{"boum"}),
               "une tâche en échec (JoinError::is_panic) doit donner le what() de son "
               "exception (panic, puis std::rethrow_exception) ; obtenu " +
                   texte(o.bilan.erreurs));
    BOOST_TEST(o.bilan.annulees == 0, "aucune tâche n'a été annulée");
}

BOOST_AUTO_TEST_CASE(collecter_exception_inconnue) {
    support::ChienDeGarde garde(20s, "collecter ne se termine pas");
    std::vector<rt::Task<int>> v;
    v.push_back(echouer_bizarrement(5ms));
    v.push_back(echouer(10ms, "panne"));
    v.push_back(reussir(1ms, 8));
    const Observation o = rt::block_on(observer(std::move(v)));
    BOOST_TEST(o.bilan.erreurs == (std::vector<std::string>{"exception inconnue", "panne"}),
               "une exception qui n'est pas une std::exception (throw 42) donne « exception "
               "inconnue » (catch (...)) ; les erreurs viennent dans l'ordre de fin ; obtenu " +
                   texte(o.bilan.erreurs));
    BOOST_TEST(o.bilan.valeurs == (std::vector<int>{8}));
}

BOOST_AUTO_TEST_CASE(collecter_avant_annule_les_retardataires) {
    support::ChienDeGarde garde(20s, "collecter_avant ne se termine pas (l'échéance n'est pas "
                                     "attendue avec rt::select ? les tâches annulées ne sont "
                                     "pas attendues ?)");
    auto vivants = std::make_shared<int>(0);
    std::vector<rt::Task<int>> v;
    v.push_back(reussir(20ms, 2));
    v.push_back(tres_longue(vivants));
    v.push_back(reussir(10ms, 1));
    v.push_back(tres_longue(vivants));
    const Observation o = rt::block_on(observer_avant(std::move(v), 100ms));
    BOOST_TEST(o.bilan.valeurs == (std::vector<int>{1, 2}),
               "les tâches finies avant l'échéance sont collectées, dans l'ordre de fin ; "
               "obtenu " +
                   texte(o.bilan.valeurs));
    BOOST_TEST(o.bilan.annulees == 2, "les 2 tâches d'une heure doivent être annulées à "
                                      "l'échéance (abort_all) et comptées ; annulées : " +
                                          std::to_string(o.bilan.annulees));
    BOOST_TEST(*vivants == 0, "quand collecter_avant rend la main, les tâches annulées doivent "
                              "être DÉTRUITES (abort est asynchrone : attendez leur JoinError) ; "
                              "trames encore vivantes : " +
                                  std::to_string(*vivants));
    BOOST_TEST(o.vivantes_apres == 0u, "plus aucune tâche ne doit tourner après collecter_avant");
    BOOST_TEST(o.lancees == 4u);
}

BOOST_AUTO_TEST_CASE(collecter_avant_tout_a_temps) {
    support::ChienDeGarde garde(20s, "collecter_avant ne se termine pas quand tout finit à temps");
    std::vector<rt::Task<int>> v;
    v.push_back(reussir(10ms, 5));
    v.push_back(echouer(5ms, "raté"));
    v.push_back(reussir(1ms, 6));
    const Observation o = rt::block_on(observer_avant(std::move(v), 10s));
    BOOST_TEST(o.bilan.valeurs == (std::vector<int>{6, 5}), "obtenu " + texte(o.bilan.valeurs));
    BOOST_TEST(o.bilan.erreurs == (std::vector<std::string>{"raté"}),
               "obtenu " + texte(o.bilan.erreurs));
    BOOST_TEST(o.bilan.annulees == 0, "rien ne doit être annulé quand tout finit à temps");
    BOOST_TEST(o.minuteries_apres == 0u,
               "une minuterie de 10 s reste inscrite après collecter_avant : l'attente de "
               "l'échéance doit être abandonnée (la branche perdante d'un rt::select l'est)");
}

BOOST_AUTO_TEST_CASE(collecter_avant_l_echeance_ne_recule_pas) {
    support::ChienDeGarde garde(20s, "collecter_avant ne se termine pas");
    // Une tâche finit toutes les 80 ms environ ; le délai est de 100 ms EN TOUT. Une échéance
    // recalculée à chaque résultat (un sleep(delai) par tour de boucle) reculerait de 100 ms
    // à chaque tâche finie, et attendrait tout le monde.
    std::vector<rt::Task<int>> v;
    v.push_back(reussir(60ms, 1));
    v.push_back(reussir(140ms, 2));
    v.push_back(reussir(220ms, 3));
    v.push_back(reussir(300ms, 4));
    const Observation o = rt::block_on(observer_avant(std::move(v), 100ms));
    const bool quatre =
        std::find(o.bilan.valeurs.begin(), o.bilan.valeurs.end(), 4) != o.bilan.valeurs.end();
    BOOST_TEST(!quatre, "la tâche de 300 ms finit bien après l'échéance (100 ms) et doit être "
                        "annulée ; elle a été attendue : l'échéance recule-t-elle à chaque "
                        "résultat ? Calculez-la UNE fois, avant la boucle (sleep_until). "
                        "Obtenu " +
                            texte(o.bilan.valeurs));
    BOOST_TEST(o.bilan.annulees >= 2, "au moins les tâches de 220 et 300 ms doivent être "
                                      "annulées à l'échéance ; annulées : " +
                                          std::to_string(o.bilan.annulees));
    BOOST_TEST(o.vivantes_apres == 0u, "plus aucune tâche ne doit tourner après collecter_avant");
}
