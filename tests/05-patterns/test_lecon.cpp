// Ce que la leçon du chapitre 05 affirme du runtime, vérifié (label « exemples », non noté).
//
// Chaque test est un fait de la leçon : la tâche de nettoyage détachée meurt à l'arrêt du
// runtime ; le timeout de l'article n'annule pas la tâche ; abort() détruit la trame à son
// point de suspension, de façon asynchrone ; JoinSet rend l'ordre de fin ; une branche
// perdante de select perd son travail en cours. Pas de sommeil pour synchroniser : les
// sommeils sont ceux des tâches observées, et l'ordre des minuteries est celui des échéances.
#define BOOST_TEST_MODULE "Chapitre 05 : ce que la leçon affirme"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

/// Compte les objets vivants : détruit avec la trame d'une tâche annulée.
struct Sentinelle {
    std::shared_ptr<int> vivants;
    explicit Sentinelle(std::shared_ptr<int> v) : vivants(std::move(v)) { ++*vivants; }
    Sentinelle(const Sentinelle&) = delete;
    Sentinelle& operator=(const Sentinelle&) = delete;
    ~Sentinelle() { --*vivants; }
};

// --- Fire and forget ---------------------------------------------------------------------

rt::Task<void> nettoyer_sans_fin(ms periode, std::shared_ptr<int> passages,
                                 std::shared_ptr<int> vivants) {
    Sentinelle s(std::move(vivants));
    for (;;) {
        co_await rt::time::sleep(periode);
        ++*passages;
    }
}

rt::Task<void> attendre(ms duree) {
    co_await rt::time::sleep(duree);
}

rt::Task<void> serveur(ms duree, std::shared_ptr<int> passages, std::shared_ptr<int> vivants) {
    (void)rt::spawn(nettoyer_sans_fin(1ms, std::move(passages), std::move(vivants)));
    co_await rt::time::sleep(duree);
}

// --- Timeout et annulation ---------------------------------------------------------------

rt::Task<const char*> longue(ms duree, std::shared_ptr<bool> finie) {
    co_await rt::time::sleep(duree);
    *finie = true;
    co_return "Tâche très longue terminée";
}

struct VuTimeout {
    bool delai_ecoule = false;
    bool finie_a_l_echeance = true;
    std::size_t vivantes_a_l_echeance = 0;
    bool finie_plus_tard = false;
};

/// Le programme de l'article : le handle est DONNÉ à timeout.
rt::Task<VuTimeout> timeout_de_l_article(std::shared_ptr<bool> finie) {
    VuTimeout vu;
    auto handle = rt::spawn(longue(30ms, finie));
    auto r = co_await rt::time::timeout(5ms, std::move(handle));
    vu.delai_ecoule = !r.has_value();
    vu.finie_a_l_echeance = *finie;
    vu.vivantes_a_l_echeance = rt::Handle::current().metrics().num_alive_tasks;
    // On dort jusqu'après l'échéance de la tâche : les minuteries sonnent dans l'ordre des
    // échéances, la tâche passe donc avant nous.
    co_await rt::time::sleep(60ms);
    vu.finie_plus_tard = *finie;
    co_return vu;
}

struct VuAbort {
    int vivants_avant_abort = 0;
    int vivants_juste_apres_abort = 0;
    bool finie_juste_apres_abort = true;
    bool annulee = false;
    int vivants_apres_attente = -1;
    bool suite_executee = true;
};

rt::Task<int> dormir_une_heure(std::shared_ptr<int> vivants, std::shared_ptr<bool> suite) {
    Sentinelle s(std::move(vivants));
    co_await rt::time::sleep(1h); // le point de suspension où la trame sera détruite
    *suite = true;
    co_return 1;
}

rt::Task<VuAbort> abort_puis_attendre(std::shared_ptr<int> vivants) {
    VuAbort vu;
    auto suite = std::make_shared<bool>(false);
    auto h = rt::spawn(dormir_une_heure(vivants, suite));
    co_await rt::task::yield_now(); // la tâche démarre et s'endort
    vu.vivants_avant_abort = *vivants;
    h.abort();
    vu.vivants_juste_apres_abort = *vivants; // asynchrone : rien n'a encore été détruit
    vu.finie_juste_apres_abort = h.is_finished();
    auto r = co_await h;
    vu.annulee = !r && r.error().is_cancelled();
    vu.vivants_apres_attente = *vivants;
    vu.suite_executee = *suite;
    co_return vu;
}

// --- JoinSet -----------------------------------------------------------------------------

rt::Task<int> calcul(ms duree, int valeur) {
    co_await rt::time::sleep(duree);
    if (valeur < 0) {
        throw std::runtime_error("valeur négative");
    }
    co_return valeur;
}

struct VuJoinSet {
    std::vector<int> ordre;
    int paniques = 0;
};

rt::Task<VuJoinSet> join_set_ordre() {
    VuJoinSet vu;
    rt::JoinSet<int> set;
    set.spawn(calcul(40ms, 1));
    set.spawn(calcul(30ms, 2));
    set.spawn(calcul(20ms, -3));
    set.spawn(calcul(10ms, 4));
    while (auto r = co_await set.join_next()) {
        if (*r) {
            vu.ordre.push_back(**r);
        } else if (r->error().is_panic()) {
            ++vu.paniques;
        }
    }
    co_return vu;
}

rt::Task<int> join_set_detruit(std::shared_ptr<int> vivants) {
    {
        rt::JoinSet<int> set;
        for (int i = 0; i < 3; ++i) {
            set.spawn(dormir_une_heure(vivants, std::make_shared<bool>(false)));
        }
        co_await rt::task::yield_now(); // elles démarrent et s'endorment
    }                                   // ~JoinSet : abort_all()
    co_await rt::task::yield_now();     // les tâches annulées passent avant nous dans la file
    co_return *vivants;
}

// --- select ------------------------------------------------------------------------------

/// Une branche qui prend un élément (travail partiel), puis se suspend de nouveau.
rt::Task<int> prendre_puis_attendre(std::deque<int>* source, std::shared_ptr<int> vivants) {
    Sentinelle s(std::move(vivants));
    int pris = source->front();
    source->pop_front(); // consommé...
    co_await rt::time::sleep(1h);
    co_return pris; // ... mais jamais rendu si la branche perd
}

struct VuSelect {
    std::size_t gagnante = 99;
    std::size_t restants = 0;
    int vivants_apres = -1;
    std::size_t minuteries_apres = 99;
};

rt::Task<VuSelect> select_perd_le_travail(std::shared_ptr<int> vivants) {
    VuSelect vu;
    std::deque<int> source{1, 2, 3};
    auto r = co_await rt::select(prendre_puis_attendre(&source, vivants), rt::time::sleep(5ms));
    vu.gagnante = r.index();
    vu.restants = source.size();
    vu.vivants_apres = *vivants;
    vu.minuteries_apres = rt::Handle::current().metrics().num_timers;
    co_return vu;
}

} // namespace

BOOST_AUTO_TEST_CASE(ch05_nettoyage_detache_detruit_a_l_arret) {
    support::ChienDeGarde garde(20s, "le runtime ne s'arrête pas");
    auto passages = std::make_shared<int>(0);
    auto vivants = std::make_shared<int>(0);
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(serveur(20ms, passages, vivants));
    BOOST_TEST(*passages >= 1, "le nettoyage a dû passer pendant les 20 ms du serveur");
    BOOST_TEST(*vivants == 1, "après block_on, la tâche détachée existe encore (en suspens)");
    BOOST_TEST(runtime.metrics().num_alive_tasks == 1u);

    runtime.shutdown();
    const int au_moment_de_l_arret = *passages;
    BOOST_TEST(*vivants == 0, "l'arrêt du runtime doit détruire la tâche détachée (destructeurs "
                              "exécutés à son point de suspension)");
    BOOST_TEST(runtime.metrics().num_alive_tasks == 0u);

    // Le temps passe, un autre runtime tourne : le nettoyage ne repasse jamais.
    rt::block_on(attendre(20ms));
    BOOST_TEST(*passages == au_moment_de_l_arret, "le nettoyage ne doit plus jamais passer");
}

BOOST_AUTO_TEST_CASE(ch05_fin_de_block_on_detruit_la_tache_detachee) {
    support::ChienDeGarde garde(20s, "block_on ne rend pas la main");
    auto passages = std::make_shared<int>(0);
    auto vivants = std::make_shared<int>(0);
    rt::block_on(serveur(10ms, passages, vivants)); // le raccourci de #[tokio::main]
    BOOST_TEST(*vivants == 0, "quand block_on rend la main, son runtime est arrêté : la tâche "
                              "de nettoyage détachée est déjà détruite");
}

BOOST_AUTO_TEST_CASE(ch05_timeout_de_l_article_n_annule_pas_la_tache) {
    support::ChienDeGarde garde(20s, "le programme de l'article ne se termine pas");
    auto finie = std::make_shared<bool>(false);
    const VuTimeout vu = rt::block_on(timeout_de_l_article(finie));
    BOOST_TEST(vu.delai_ecoule, "le délai de 5 ms devait s'écouler avant la fin de la tâche");
    BOOST_TEST(!vu.finie_a_l_echeance);
    BOOST_TEST(vu.vivantes_a_l_echeance == 1u,
               "au moment où l'article affiche « Timeout : tâche annulée », la tâche est "
               "toujours vivante");
    BOOST_TEST(vu.finie_plus_tard, "la tâche « annulée » finit son travail plus tard");
}

BOOST_AUTO_TEST_CASE(ch05_abort_asynchrone_detruit_la_trame) {
    support::ChienDeGarde garde(20s, "l'annulation ne se termine pas");
    auto vivants = std::make_shared<int>(0);
    const VuAbort vu = rt::block_on(abort_puis_attendre(vivants));
    BOOST_TEST(vu.vivants_avant_abort == 1);
    BOOST_TEST(vu.vivants_juste_apres_abort == 1,
               "abort() est asynchrone : la trame n'est pas encore détruite quand il rend la main");
    BOOST_TEST(!vu.finie_juste_apres_abort);
    BOOST_TEST(vu.annulee, "co_await handle après abort() : JoinError is_cancelled()");
    BOOST_TEST(vu.vivants_apres_attente == 0,
               "après co_await handle, les destructeurs de la tâche ont tourné");
    BOOST_TEST(!vu.suite_executee, "le code après le point de suspension ne s'exécute jamais");
}

BOOST_AUTO_TEST_CASE(ch05_join_set_ordre_de_fin_et_echec) {
    support::ChienDeGarde garde(20s, "join_next ne rend pas la main");
    const VuJoinSet vu = rt::block_on(join_set_ordre());
    BOOST_TEST(vu.ordre == (std::vector<int>{4, 2, 1}),
               "join_next rend les résultats dans l'ordre de fin, l'échec à sa place");
    BOOST_TEST(vu.paniques == 1);
}

BOOST_AUTO_TEST_CASE(ch05_join_set_detruit_annule_ses_taches) {
    support::ChienDeGarde garde(20s, "les tâches du JoinSet ne sont pas annulées");
    auto vivants = std::make_shared<int>(0);
    const int restants = rt::block_on(join_set_detruit(vivants));
    BOOST_TEST(restants == 0, "détruire un JoinSet annule ses tâches (contrairement à un "
                              "JoinHandle, qui détache)");
}

BOOST_AUTO_TEST_CASE(ch05_select_branche_perdante_perd_son_travail) {
    support::ChienDeGarde garde(20s, "select ne rend pas la main");
    auto vivants = std::make_shared<int>(0);
    const VuSelect vu = rt::block_on(select_perd_le_travail(vivants));
    BOOST_TEST(vu.gagnante == 1u, "le sommeil de 5 ms gagne contre l'attente d'une heure");
    BOOST_TEST(vu.restants == 2u, "la branche perdante a consommé un élément de la source...");
    BOOST_TEST(vu.vivants_apres == 0,
               "... et sa trame (avec l'élément) est détruite avant que select rende la main");
    BOOST_TEST(vu.minuteries_apres == 0u, "la minuterie de la branche perdante est désinscrite");
}
