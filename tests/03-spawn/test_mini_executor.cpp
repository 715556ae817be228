// Tests notés du chapitre 03 — exercice « construire » : le mini-exécuteur (mini_executor.hpp
// et mini_executor.cpp de votre dossier d'exercices).
//
// Chaque test lance des tâches, appelle run() une fois, puis vérifie ce qui s'est passé.
// Un chien de garde transforme une boucle run() qui ne rend jamais la main en échec expliqué.
#define BOOST_TEST_MODULE "Chapitre 03 : spawn (mini-exécuteur et rt)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "mini_executor.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

/// Lance run() sous surveillance : 20 s sans rendre la main, c'est une boucle infinie.
std::size_t run_surveille(mini::Executor& ex) {
    support::ChienDeGarde garde(20s, "Executor::run() ne rend pas la main : la boucle doit "
                                     "s'arrêter quand la file des tâches prêtes est vide");
    return ex.run();
}

// Des coroutines libres, paramètres par valeur : aucune capture de lambda qui pourrait
// pendre (CP.51), aucune référence vers un temporaire (CP.53). Les pointeurs désignent des
// variables des tests, qui vivent plus longtemps que l'exécuteur.

mini::Task<void> noter(std::vector<int>* journal, int valeur) {
    journal->push_back(valeur);
    co_return;
}

mini::Task<void> noter_en_deux_temps(std::vector<std::string>* journal, std::string nom) {
    journal->push_back(nom + "1");
    co_await mini::yield_now();
    journal->push_back(nom + "2");
}

mini::Task<int> calculer_lentement(int valeur, int pauses) {
    for (int i = 0; i < pauses; ++i) {
        co_await mini::yield_now();
    }
    co_return valeur;
}

mini::Task<int> echouer_lentement(std::string message) {
    co_await mini::yield_now();
    throw std::runtime_error(message);
}

mini::Task<void> attendre_valeur(mini::Executor* ex, int* recu) {
    auto h = ex->spawn(calculer_lentement(42, 3));
    *recu = co_await h; // pas encore finie : on se suspend, finish() nous réveillera
}

mini::Task<void> attendre_echec(mini::Executor* ex, std::string* message) {
    auto h = ex->spawn(echouer_lentement("boum"));
    try {
        co_await h;
        *message = "aucune exception";
    } catch (const std::runtime_error& e) {
        *message = e.what();
    }
}

mini::Task<void> attendre_tache_finie(mini::Executor* ex, int* recu, bool* finie_avant,
                                      std::size_t* reprises_pendant) {
    auto h = ex->spawn(calculer_lentement(7, 0));
    co_await mini::yield_now(); // la tâche lancée passe et se termine pendant ce temps
    *finie_avant = h.is_finished();
    const std::size_t avant = ex->resumes();
    *recu = co_await h; // déjà terminée : ne doit pas se suspendre du tout
    *reprises_pendant = ex->resumes() - avant;
}

/// Attend une tâche qui finit à sa première reprise, puis note qu'elle a été réveillée.
mini::Task<void> attendre_puis_noter(mini::Executor* ex, std::vector<std::string>* journal) {
    auto h = ex->spawn(calculer_lentement(1, 0));
    co_await h;
    journal->push_back("attendeur");
}

mini::Task<int> etage(mini::Executor* ex, int profondeur) {
    if (profondeur == 0) {
        co_await mini::yield_now();
        co_return 1;
    }
    auto h = ex->spawn(etage(ex, profondeur - 1));
    const int dessous = co_await h;
    co_return 1 + dessous;
}

mini::Task<void> racine(mini::Executor* ex, int* recu) {
    auto h = ex->spawn(etage(ex, 9));
    *recu = co_await h;
}

mini::Task<int> incrementer(long* somme, int i) {
    *somme += i;
    co_return i;
}

/// Les paramètres d'une coroutine sont copiés dans sa trame et ne sont détruits qu'avec elle
/// (les variables locales, elles, meurent dès la fin du corps) : un jeton passé par valeur
/// dit si la trame a vraiment été libérée.
mini::Task<int> garder_jeton(std::shared_ptr<int> jeton, int pauses) {
    for (int i = 0; i < pauses; ++i) {
        co_await mini::yield_now();
    }
    co_return *jeton;
}

/// Un objet dont on observe la destruction : la trame d'une tâche détachée doit être libérée.
struct Temoin {
    int* detruits;
    explicit Temoin(int* d) : detruits(d) {}
    Temoin(const Temoin&) = delete;
    Temoin& operator=(const Temoin&) = delete;
    ~Temoin() { ++*detruits; }
};

mini::Task<int> detachee(std::vector<int>* journal, int* detruits) {
    Temoin temoin(detruits);
    journal->push_back(1);
    co_await mini::yield_now();
    journal->push_back(2);
    co_return 99;
}

} // namespace

BOOST_AUTO_TEST_CASE(mini_spawn_ne_lance_pas_la_tache) {
    std::vector<int> journal;
    mini::Executor ex;
    auto h = ex.spawn(noter(&journal, 1));
    BOOST_TEST_MESSAGE("spawn met la tâche en file ; elle ne doit s'exécuter que dans run()");
    BOOST_TEST(journal.empty(), "spawn ne doit PAS exécuter la tâche tout de suite");
    BOOST_TEST(!h.is_finished());
    run_surveille(ex);
    BOOST_TEST(
        journal == std::vector<int>{1},
        "après run(), la tâche lancée doit avoir été exécutée (run() parcourt-il la file ?)");
    BOOST_TEST(h.is_finished(), "après run(), le JoinHandle doit voir la tâche terminée "
                                "(JoinState::finish() met-il finished à vrai ?)");
}

BOOST_AUTO_TEST_CASE(mini_ordre_fifo) {
    std::vector<int> journal;
    mini::Executor ex;
    for (int i = 1; i <= 5; ++i) {
        (void)ex.spawn(noter(&journal, i));
    }
    run_surveille(ex);
    BOOST_TEST(journal == (std::vector<int>{1, 2, 3, 4, 5}),
               "les tâches doivent s'exécuter dans l'ordre de spawn (file FIFO : on prend en tête, "
               "on ajoute en queue)");
}

BOOST_AUTO_TEST_CASE(mini_yield_entrelace) {
    std::vector<std::string> journal;
    mini::Executor ex;
    (void)ex.spawn(noter_en_deux_temps(&journal, "a"));
    (void)ex.spawn(noter_en_deux_temps(&journal, "b"));
    run_surveille(ex);
    BOOST_TEST(journal == (std::vector<std::string>{"a1", "b1", "a2", "b2"}),
               "yield_now doit remettre la tâche en FIN de file : attendu a1 b1 a2 b2");
    BOOST_TEST(ex.alive() == 0u, "toutes les tâches sont finies : run() doit avoir détruit "
                                 "leurs trames (live_.erase puis destroy quand done())");
}

BOOST_AUTO_TEST_CASE(mini_join_rend_la_valeur) {
    mini::Executor ex;
    int recu = -1;
    (void)ex.spawn(attendre_valeur(&ex, &recu));
    run_surveille(ex);
    BOOST_TEST(recu == 42, "co_await handle doit rendre la valeur de la tâche attendue ; "
                           "vérifiez await_suspend (s'inscrire comme waiter), finish() (remettre "
                           "le waiter en file) et await_resume / take() (rendre la valeur)");
    BOOST_TEST(ex.alive() == 0u,
               "les deux tâches doivent être terminées et leurs trames détruites");
}

BOOST_AUTO_TEST_CASE(mini_join_reveil_par_la_file) {
    // File : attendeur, b. L'attendeur lance c (file : b, c) et se suspend ; b note b1 et cède
    // (file : c, b) ; c se termine et réveille l'attendeur. Réveillé PAR LA FILE, il passe
    // après b (b1 b2 attendeur) ; repris sur-le-champ dans finish(), il doublerait b.
    mini::Executor ex;
    std::vector<std::string> journal;
    (void)ex.spawn(attendre_puis_noter(&ex, &journal));
    (void)ex.spawn(noter_en_deux_temps(&journal, "b"));
    const std::size_t reprises = run_surveille(ex);
    BOOST_TEST(journal == (std::vector<std::string>{"b1", "b2", "attendeur"}),
               "JoinState::finish() doit remettre l'attendeur en FIN de file (executor->schedule), "
               "pas le reprendre tout de suite : attendu b1 b2 attendeur");
    BOOST_TEST(reprises == 5u, "5 reprises attendues (attendeur 2, b 2, c 1), run() en rend "
                                   << reprises << " : chaque reprise doit passer par la file");
    BOOST_TEST(ex.alive() == 0u, "les trois tâches sont finies : trames détruites par run()");
}

BOOST_AUTO_TEST_CASE(mini_join_exception_devient_erreur) {
    mini::Executor ex;
    std::string message;
    (void)ex.spawn(attendre_echec(&ex, &message));
    run_surveille(ex);
    BOOST_TEST(message == "boum",
               "l'exception levée par la tâche lancée doit être relancée chez celui qui fait "
               "co_await handle (take() : std::rethrow_exception) ; obtenu : « " +
                   message + " »");
}

BOOST_AUTO_TEST_CASE(mini_join_tache_deja_finie_ne_suspend_pas) {
    mini::Executor ex;
    int recu = -1;
    bool finie_avant = false;
    std::size_t reprises = 12345;
    (void)ex.spawn(attendre_tache_finie(&ex, &recu, &finie_avant, &reprises));
    run_surveille(ex);
    BOOST_TEST(finie_avant, "après un yield_now, la tâche lancée plus tôt doit être finie");
    BOOST_TEST(recu == 7, "co_await sur une tâche déjà finie doit rendre sa valeur");
    BOOST_TEST(reprises == 0u, "co_await sur une tâche déjà finie ne doit pas suspendre : "
                               "await_ready() doit rendre vrai quand finished est vrai");
}

BOOST_AUTO_TEST_CASE(mini_join_en_chaine) {
    // racine attend l'étage 9, qui attend l'étage 8... : chaque fin réveille l'étage au-dessus.
    mini::Executor ex;
    int recu = -1;
    (void)ex.spawn(racine(&ex, &recu));
    run_surveille(ex);
    BOOST_TEST(recu == 10, "une chaîne de 10 tâches qui s'attendent l'une l'autre doit rendre 10");
    BOOST_TEST(ex.alive() == 0u);
}

BOOST_AUTO_TEST_CASE(mini_cent_mille_taches) {
    constexpr int N = 100'000;
    mini::Executor ex;
    long somme = 0;
    std::vector<mini::JoinHandle<int>> handles;
    handles.reserve(N);
    for (int i = 0; i < N; ++i) {
        handles.push_back(ex.spawn(incrementer(&somme, i)));
    }
    const std::size_t reprises = run_surveille(ex);
    BOOST_TEST(somme == static_cast<long>(N) * (N - 1) / 2,
               "les 100 000 tâches lancées doivent toutes s'exécuter une fois");
    BOOST_TEST(reprises == static_cast<std::size_t>(N),
               "une tâche sans suspension ne demande qu'une reprise : run() doit rendre N");
    BOOST_TEST(ex.alive() == 0u, "les trames terminées doivent être détruites par run()");
    int finies = 0;
    for (const auto& h : handles) {
        finies += h.is_finished() ? 1 : 0;
    }
    BOOST_TEST(finies == N, "chaque JoinHandle doit voir sa tâche terminée");
}

BOOST_AUTO_TEST_CASE(mini_trames_finies_liberees) {
    // 10 000 tâches qui gardent chacune une copie du jeton dans leur trame. Une fois run()
    // terminé, toutes les trames doivent être détruites : il ne reste que notre copie.
    // (Le test d'alive() ne suffit pas : une trame oubliée sans destroy() fuit sans bruit.)
    auto jeton = std::make_shared<int>(3);
    mini::Executor ex;
    std::vector<mini::JoinHandle<int>> handles;
    for (int i = 0; i < 10'000; ++i) {
        handles.push_back(ex.spawn(garder_jeton(jeton, i % 3)));
    }
    run_surveille(ex);
    BOOST_TEST(ex.alive() == 0u);
    BOOST_TEST(
        jeton.use_count() == 1,
        "après run(), " << jeton.use_count() - 1
                        << " trames terminées gardent encore leur copie du jeton : run() doit "
                           "détruire (destroy()) chaque trame arrivée au bout, pas seulement "
                           "l'oublier");
}

BOOST_AUTO_TEST_CASE(mini_handle_detruit_detache_la_tache) {
    std::vector<int> journal;
    int detruits = 0;
    {
        mini::Executor ex;
        {
            auto h = ex.spawn(detachee(&journal, &detruits));
        } // le JoinHandle est détruit ici : la tâche est détachée, pas annulée
        run_surveille(ex);
        BOOST_TEST(journal == (std::vector<int>{1, 2}),
                   "une tâche dont le JoinHandle a été détruit doit quand même s'exécuter "
                   "jusqu'au bout (détacher n'est pas annuler)");
        BOOST_TEST(detruits == 1, "la trame de la tâche détachée doit être détruite par run() "
                                  "une fois la tâche terminée");
    }
    BOOST_TEST(detruits == 1, "les variables locales de la tâche sont détruites une seule fois");
}
