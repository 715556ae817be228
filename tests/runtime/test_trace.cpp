// Les traces de tâches (RT_TRACE, Builder::trace) : le fichier écrit est du JSON au format
// « Chrome trace event », avec une ligne par worker et par thread de block_on, les lancements
// (et leurs noms), les passages, les réveils venus d'un autre thread, et l'issue de chaque
// tâche (valeur, exception, annulation).
//
// Une seule trace par processus : chaque cas de test tourne dans son propre processus (CTest
// lance le binaire une fois par cas), et lit le fichier qu'il a lui-même demandé.
#define BOOST_TEST_MODULE rt_trace
#include <boost/test/unit_test.hpp>

#include <boost/json/src.hpp>

#include <rt/rt.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

namespace json = boost::json;

namespace {

/// Un chemin de fichier propre à ce processus.
std::string chemin_temporaire(const char* nom) {
    return "/tmp/rt-trace-" + std::to_string(::getpid()) + "-" + nom + ".json";
}

json::object lire(const std::string& chemin) {
    std::ifstream in(chemin);
    std::stringstream texte;
    texte << in.rdbuf();
    return json::parse(texte.str()).as_object();
}

/// Les noms des lignes (thread_name), par tid.
std::map<std::int64_t, std::string> lignes(const json::array& evenements) {
    std::map<std::int64_t, std::string> noms;
    for (const auto& e : evenements) {
        const auto& o = e.as_object();
        if (o.at("ph") == "M" && o.at("name") == "thread_name") {
            noms[o.at("tid").as_int64()] = json::value_to<std::string>(o.at("args").at("name"));
        }
    }
    return noms;
}

/// Lance des tâches de toutes les sortes : nommées, qui lèvent, annulées, réveillées depuis
/// un autre thread.
rt::Task<void> programme() {
    auto ok = rt::spawn_named("calcul", []() -> rt::Task<int> {
        co_await rt::task::yield_now();
        co_return 42;
    });
    auto echec = rt::spawn_named("fragile", []() -> rt::Task<int> {
        co_await rt::task::yield_now();
        throw std::runtime_error("boum");
    });
    auto annulee = rt::spawn_named(
        "dormeuse", []() -> rt::Task<void> { co_await rt::time::sleep(std::chrono::hours(1)); });
    auto [tx, rx] = rt::sync::oneshot::channel<int>();
    auto reveillee =
        rt::spawn_named("attend_un_thread", [rx = std::move(rx)]() mutable -> rt::Task<int> {
            co_return (co_await rx).value();
        });
    co_await rt::task::yield_now();
    std::thread autre([tx = std::move(tx)]() mutable { (void)tx.send(7); });
    autre.join();
    annulee.abort();
    (void)co_await ok;
    (void)co_await echec;
    (void)co_await annulee;
    (void)co_await reveillee;
}

} // namespace

BOOST_AUTO_TEST_CASE(chemin_impossible_refuse_en_francais) {
    try {
        (void)rt::Builder::current_thread().trace("/dossier/qui/n/existe/pas/trace.json").build();
        BOOST_FAIL("une trace impossible à écrire doit être refusée à la construction");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("impossible de créer") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(trace_d_un_programme_sur_les_deux_planificateurs) {
    const std::string chemin = chemin_temporaire("deux");
    {
        rt::Runtime runtime = rt::Builder::current_thread().trace(chemin).build();
        runtime.block_on(programme());
    } // le dernier runtime parti écrit le fichier
    {
        auto trace = lire(chemin);
        const auto& evenements = trace.at("traceEvents").as_array();
        const auto noms = lignes(evenements);
        BOOST_TEST_REQUIRE(noms.size() >= 1u);
        BOOST_TEST(noms.at(0) == "block_on", "current_thread : la ligne 0 est celle de block_on");
        BOOST_TEST(trace.at("otherData").at("flavor") == "current_thread");
    }
    {
        rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
        runtime.block_on(programme());
    }
    auto trace = lire(chemin);
    const auto& evenements = trace.at("traceEvents").as_array();
    const auto noms = lignes(evenements);
    std::set<std::string> valeurs;
    for (const auto& [tid, nom] : noms) {
        valeurs.insert(nom);
    }
    BOOST_TEST(valeurs.count("rt2 · worker 0") == 1u, "une ligne par worker du second runtime");
    BOOST_TEST(valeurs.count("rt2 · worker 1") == 1u);
    BOOST_TEST(valeurs.count("rt2 · block_on") == 1u);

    std::map<std::string, int> lances; // nom → lancements
    std::map<std::string, int> issues; // issue → nombre
    std::set<std::int64_t> taches_lancees;
    int passages = 0;
    int reveils = 0;
    double precedent = -1;
    bool dans_l_ordre = true;
    for (const auto& e : evenements) {
        const auto& o = e.as_object();
        if (o.at("ph") == "M") {
            continue;
        }
        const double ts = o.at("ts").to_number<double>();
        dans_l_ordre = dans_l_ordre && ts >= precedent;
        precedent = ts;
        const auto cat = json::value_to<std::string>(o.at("cat"));
        if (cat == "spawn") {
            ++lances[json::value_to<std::string>(o.at("args").at("name"))];
            taches_lancees.insert(o.at("args").at("task").as_int64());
        } else if (cat == "poll") {
            ++passages;
            BOOST_TEST(o.at("dur").to_number<double>() >= 0.0);
            BOOST_TEST(taches_lancees.count(o.at("args").at("task").as_int64()) == 1u,
                       "un passage d'une tâche jamais lancée");
        } else if (cat == "wake") {
            ++reveils;
        } else if (cat == "task") {
            ++issues[json::value_to<std::string>(o.at("args").at("outcome"))];
        }
    }
    BOOST_TEST(dans_l_ordre, "les événements sont écrits dans l'ordre du temps");
    for (const char* nom : {"calcul", "fragile", "dormeuse", "attend_un_thread"}) {
        BOOST_TEST(lances[nom] == 2, nom << " : une fois par runtime");
    }
    BOOST_TEST(lances["block_on"] == 2);
    BOOST_TEST(issues["panic"] == 2, "la tâche qui lève, une fois par runtime");
    BOOST_TEST(issues["cancelled"] == 2, "la tâche annulée, une fois par runtime");
    BOOST_TEST(issues["ok"] == 6, "calcul, attend_un_thread et block_on, deux fois");
    BOOST_TEST(passages >= 12);
    BOOST_TEST(reveils >= 2, "le réveil venu de l'autre thread, une fois par runtime");
    BOOST_TEST(trace.at("otherData").at("dropped").as_int64() == 0);
    std::remove(chemin.c_str());
}

BOOST_AUTO_TEST_CASE(branches_de_select_sans_ligne_a_elles) {
    // Les branches d'un select passent dans le passage de leur parente : elles ne sont ni
    // lancées ni terminées dans la trace (sinon la frise montrerait des passages imbriqués).
    const std::string chemin = chemin_temporaire("select");
    {
        rt::Runtime runtime = rt::Builder::current_thread().trace(chemin).build();
        runtime.block_on([]() -> rt::Task<void> {
            auto r =
                co_await rt::select(rt::time::sleep(std::chrono::hours(1)), rt::task::yield_now());
            (void)r;
        }());
    }
    auto trace = lire(chemin);
    int lancements = 0;
    for (const auto& e : trace.at("traceEvents").as_array()) {
        const auto& o = e.as_object();
        if (o.at("ph") != "M" && o.at("cat") == "spawn") {
            ++lancements;
        }
    }
    BOOST_TEST(lancements == 1, "seule la tâche de block_on est lancée");
    std::remove(chemin.c_str());
}
