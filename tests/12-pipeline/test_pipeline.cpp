// Tests notés du chapitre 12 — exercice « utiliser » : pipeline.cpp (lecture → 4 workers →
// agrégation).
//
// La source et la transformation sont écrites par les tests : elles comptent les lignes lues
// et les transformations en cours. Une « barrière » (un sémaphore à 0 autorisation) retient
// les transformations tant que le test veut observer le pipeline à l'arrêt ; l'observation se
// fait sur un runtime current_thread après un nombre fixe de yield_now (déterministe, sans
// sommeil). Tout ce qui pourrait rester bloqué est borné par un chien de garde.
#define BOOST_TEST_MODULE "Chapitre 12 : le pipeline (utiliser)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "pipeline.hpp"

#include <rt/rt.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

/// Ce que la source et la transformation observent (atomiques : multi_thread).
struct Compteurs {
    std::atomic<long> lues{0};    ///< lignes rendues par la source
    std::atomic<int> en_cours{0}; ///< transformations commencées et pas finies
    std::atomic<int> max_en_cours{0};
    std::atomic<long> transformees{0};
};

/// Une source de `n` lignes : "0", "1", ... ; lève une exception à la ligne `panne` (si >= 0).
utiliser::Source source_de(long n, std::shared_ptr<Compteurs> c, long panne = -1) {
    auto prochaine = std::make_shared<long>(0);
    return [n, c, prochaine, panne]() -> std::optional<std::string> {
        if (*prochaine == panne) {
            throw std::runtime_error("entrée illisible à la ligne " + std::to_string(panne));
        }
        if (*prochaine >= n) {
            return std::nullopt;
        }
        ++c->lues;
        return std::to_string((*prochaine)++);
    };
}

/// L'exception d'une ligne mal formée : les tests vérifient que c'est CET objet qui remonte.
class LigneMalFormee : public std::runtime_error {
public:
    explicit LigneMalFormee(long l)
        : std::runtime_error("ligne mal formée : " + std::to_string(l)), ligne(l) {}
    long ligne;
};

/// La transformation : n → n * n, après avoir cédé la main une fois (et attendu à la
/// barrière, s'il y en a une). Lève LigneMalFormee pour la ligne `panne` (si >= 0).
utiliser::Transformation transformation(std::shared_ptr<Compteurs> c,
                                        std::shared_ptr<rt::sync::Semaphore> barriere = nullptr,
                                        long panne = -1) {
    return [c, barriere, panne](std::string ligne) -> rt::Task<long> {
        const long n = std::stol(ligne);
        const int maintenant = ++c->en_cours;
        int max = c->max_en_cours.load();
        while (maintenant > max && !c->max_en_cours.compare_exchange_weak(max, maintenant)) {
        }
        co_await rt::task::yield_now();
        if (barriere) {
            auto permis = co_await barriere->acquire();
            (void)permis;
        }
        --c->en_cours;
        ++c->transformees;
        if (n == panne) {
            throw LigneMalFormee(n);
        }
        co_return n* n;
    };
}

std::vector<long> carres(long n) {
    std::vector<long> v;
    for (long i = 0; i < n; ++i) {
        v.push_back(i * i);
    }
    return v;
}

/// Compare les résultats (dans n'importe quel ordre) aux carrés de 0..n-1 ; message en
/// français sinon.
void verifier_resultats(std::vector<long> recus, long n) {
    std::sort(recus.begin(), recus.end());
    const auto attendus = carres(n);
    if (recus == attendus) {
        BOOST_TEST(true);
        return;
    }
    std::size_t doublons = 0;
    for (std::size_t i = 1; i < recus.size(); ++i) {
        doublons += recus[i] == recus[i - 1] ? 1 : 0;
    }
    BOOST_TEST(false, n << " lignes en entrée : " << recus.size() << " résultats reçus, dont "
                        << doublons
                        << " en double. Chaque ligne doit donner exactement UN résultat (rien de "
                           "perdu : attendez la fin de TOUS les workers ; rien de dupliqué).");
}

/// Laisse passer `n` fois toutes les tâches prêtes.
rt::Task<void> ceder(int n) {
    for (int i = 0; i < n; ++i) {
        co_await rt::task::yield_now();
    }
}

} // namespace

// --- Les résultats -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(chaque_ligne_donne_un_resultat) {
    support::ChienDeGarde garde(15s, "le pipeline (500 lignes, current_thread) ne se termine pas "
                                     "alors que l'entrée est finie");
    auto c = std::make_shared<Compteurs>();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto recus = runtime.block_on(utiliser::pipeline(source_de(500, c), transformation(c), 8));
    verifier_resultats(std::move(recus), 500);
}

BOOST_AUTO_TEST_CASE(chaque_ligne_donne_un_resultat_sur_multi_thread) {
    support::ChienDeGarde garde(20s, "le pipeline (5000 lignes, multi_thread à 4 workers) ne se "
                                     "termine pas alors que l'entrée est finie");
    auto c = std::make_shared<Compteurs>();
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(4).build();
    auto recus = runtime.block_on(utiliser::pipeline(source_de(5000, c), transformation(c), 8));
    verifier_resultats(std::move(recus), 5000);
    BOOST_TEST(c->max_en_cours.load() <= 4,
               c->max_en_cours.load()
                   << " transformations en même temps sur multi_thread : l'étage 2 doit avoir "
                      "exactement 4 workers");
}

// --- La fin --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(le_pipeline_se_termine_avec_l_entree) {
    support::ChienDeGarde garde(5s,
                                "le pipeline ne se termine pas alors que l'entrée est finie : un "
                                "Sender reste en vie quelque part (l'original gardé dans la "
                                "fonction pendant l'agrégation, une copie de trop...), et "
                                "l'étage suivant attend toujours la suite. Chaque étage doit "
                                "posséder ses Sender, et personne d'autre.");
    auto c = std::make_shared<Compteurs>();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto vide = runtime.block_on(utiliser::pipeline(source_de(0, c), transformation(c), 4));
    BOOST_TEST(vide.empty(), "entrée vide : " << vide.size() << " résultats au lieu de 0");
    auto trois = runtime.block_on(utiliser::pipeline(source_de(3, c), transformation(c), 4));
    verifier_resultats(std::move(trois), 3);
    BOOST_TEST(runtime.metrics().num_alive_tasks == 0u,
               runtime.metrics().num_alive_tasks
                   << " tâche(s) du pipeline encore vivante(s) après son retour : tous les "
                      "étages doivent être finis quand le pipeline rend ses résultats");
}

// --- Le fan-out et la contre-pression ------------------------------------------------------

BOOST_AUTO_TEST_CASE(quatre_workers_en_meme_temps) {
    support::ChienDeGarde garde(10s, "le pipeline ne se termine pas une fois la barrière ouverte");
    auto c = std::make_shared<Compteurs>();
    auto barriere = std::make_shared<rt::sync::Semaphore>(0);
    struct Vu {
        int en_cours = 0;
        int max = 0;
        std::vector<long> resultats;
    };
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto vu = runtime.block_on([](std::shared_ptr<Compteurs> c,
                                  std::shared_ptr<rt::sync::Semaphore> barriere) -> rt::Task<Vu> {
        Vu vu;
        auto p = rt::spawn(utiliser::pipeline(source_de(200, c), transformation(c, barriere), 4));
        co_await ceder(100); // les transformations commencent et s'arrêtent à la barrière
        vu.en_cours = c->en_cours.load();
        vu.max = c->max_en_cours.load();
        barriere->add_permits(1000);
        auto r = co_await p;
        if (r) {
            vu.resultats = std::move(*r);
        }
        co_return vu;
    }(c, barriere));
    BOOST_TEST(vu.max <= 4, vu.max << " transformations en même temps : l'étage 2 doit avoir "
                                      "EXACTEMENT 4 workers (pas une tâche par ligne, pas plus de "
                                      "WORKERS tâches)");
    BOOST_TEST(vu.en_cours == 4,
               "barrière fermée : " << vu.en_cours
                                    << " transformation(s) en cours au lieu de 4. Les 4 workers "
                                       "doivent transformer EN MÊME TEMPS (rendez le verrou du "
                                       "récepteur partagé avant de transformer ; n'attendez pas "
                                       "un résultat avant de lire la ligne suivante)");
    verifier_resultats(std::move(vu.resultats), 200);
}

BOOST_AUTO_TEST_CASE(la_memoire_reste_bornee) {
    support::ChienDeGarde garde(20s, "le pipeline ne se termine pas une fois la barrière ouverte");
    constexpr long LIGNES = 20000;
    auto c = std::make_shared<Compteurs>();
    auto barriere = std::make_shared<rt::sync::Semaphore>(0);
    struct Vu {
        long lues_barriere_fermee = 0;
        std::vector<long> resultats;
    };
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto vu = runtime.block_on([](std::shared_ptr<Compteurs> c,
                                  std::shared_ptr<rt::sync::Semaphore> barriere) -> rt::Task<Vu> {
        Vu vu;
        auto p =
            rt::spawn(utiliser::pipeline(source_de(LIGNES, c), transformation(c, barriere), 4));
        co_await ceder(100);
        vu.lues_barriere_fermee = c->lues.load();
        barriere->add_permits(1000);
        auto r = co_await p;
        if (r) {
            vu.resultats = std::move(*r);
        }
        co_return vu;
    }(c, barriere));
    BOOST_TEST(vu.lues_barriere_fermee <= 64,
               "les workers sont bloqués (barrière fermée), et pourtant la lecture a déjà pris "
                   << vu.lues_barriere_fermee << " lignes sur " << LIGNES
                   << ". Avec des canaux BORNÉS de capacité 4, elle doit attendre après une "
                      "vingtaine au plus : c'est la contre-pression. Un canal sans borne laisse "
                      "la mémoire grandir avec l'entrée.");
    verifier_resultats(std::move(vu.resultats), LIGNES);
}

// --- Les pannes ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(une_transformation_qui_echoue_arrete_le_pipeline) {
    support::ChienDeGarde garde(10s, "le pipeline ne se termine pas alors qu'un worker a levé une "
                                     "exception (à la ligne 13) : l'erreur doit remonter au lieu "
                                     "de tout bloquer");
    auto c = std::make_shared<Compteurs>();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    long ligne = -1;
    std::string autre;
    std::size_t resultats = 0;
    try {
        resultats =
            runtime
                .block_on(utiliser::pipeline(source_de(1000, c), transformation(c, nullptr, 13), 4))
                .size();
    } catch (const LigneMalFormee& e) {
        ligne = e.ligne;
    } catch (const std::exception& e) {
        autre = e.what();
    }
    BOOST_TEST(autre.empty(), "le pipeline a levé « " << autre
                                                      << " » au lieu de l'exception d'origine du "
                                                         "worker (LigneMalFormee) : relancez-la "
                                                         "telle quelle (rethrow_exception)");
    BOOST_TEST(ligne == 13, "la transformation de la ligne 13 a levé une exception, et le "
                            "pipeline a rendu "
                                << resultats
                                << " résultats sans rien dire : il doit relancer l'exception de "
                                   "l'étage qui a échoué");
}

BOOST_AUTO_TEST_CASE(une_lecture_qui_echoue_arrete_le_pipeline) {
    support::ChienDeGarde garde(10s, "le pipeline ne se termine pas alors que la lecture a levé "
                                     "une exception : l'erreur doit remonter au lieu de tout "
                                     "bloquer");
    auto c = std::make_shared<Compteurs>();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    std::string message;
    std::size_t resultats = 0;
    try {
        resultats =
            runtime.block_on(utiliser::pipeline(source_de(1000, c, 10), transformation(c), 4))
                .size();
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    BOOST_TEST(message == "entrée illisible à la ligne 10",
               "la source a levé « entrée illisible à la ligne 10 » ; le pipeline "
                   << (message.empty()
                           ? "a rendu " + std::to_string(resultats) + " résultats sans rien dire"
                           : "a levé « " + message + " »")
                   << " : il doit relancer l'exception de l'étage qui a échoué");
}
