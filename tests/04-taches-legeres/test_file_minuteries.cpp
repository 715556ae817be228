// Tests notés du chapitre 04 — exercice « construire » : la file des minuteries
// (file_minuteries.hpp et file_minuteries.cpp de votre dossier d'exercices).
//
// Les échéances sont des dates fabriquées (base + n ms) : aucun test ne dort, aucun ne
// dépend de la vitesse de la machine. Un chien de garde transforme une boucle infinie (un
// monter() ou un descendre() qui ne s'arrête pas) en échec expliqué.
#define BOOST_TEST_MODULE "Chapitre 04 : tâches légères (file de minuteries et rt)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "file_minuteries.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using minuteries::FileMinuteries;
using minuteries::Id;
using minuteries::Instant;
using minuteries::Poignee;

const Instant base = minuteries::Horloge::now();

Instant a(int ms) {
    return base + std::chrono::milliseconds(ms);
}

std::string texte(const std::vector<Id>& ids) {
    std::string s = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        s += (i ? " " : "") + std::to_string(ids[i]);
    }
    return s + "]";
}

std::string texte(std::optional<Instant> t) {
    if (!t) {
        return "rien";
    }
    return std::to_string(
               std::chrono::duration_cast<std::chrono::milliseconds>(*t - base).count()) +
           " ms";
}

support::ChienDeGarde garde() {
    return support::ChienDeGarde(20s, "la file des minuteries ne rend pas la main : une boucle "
                                      "de monter(), descendre() ou expirer() ne s'arrête pas");
}

} // namespace

BOOST_AUTO_TEST_CASE(inserer_compte_et_donne_la_prochaine_echeance) {
    auto g = garde();
    FileMinuteries file;
    BOOST_TEST(file.vide(), "une file neuve doit être vide");
    BOOST_TEST(!file.prochaine_echeance().has_value(), "file vide : pas de prochaine échéance");
    file.inserer(a(30), 1);
    file.inserer(a(10), 2);
    file.inserer(a(20), 3);
    BOOST_TEST(file.taille() == 3u,
               "trois inserer() : taille() doit valoir 3, obtenu " << file.taille());
    BOOST_TEST(!file.vide());
    BOOST_TEST((file.prochaine_echeance() == a(10)),
               "prochaine_echeance() doit rendre la plus proche (10 ms), obtenu "
                   << texte(file.prochaine_echeance()));
}

BOOST_AUTO_TEST_CASE(expirer_dans_l_ordre_des_echeances) {
    auto g = garde();
    FileMinuteries file;
    const int echeances[] = {30, 10, 20, 0, 25, 5, 15};
    for (int i = 0; i < 7; ++i) {
        file.inserer(a(echeances[i]), static_cast<Id>(echeances[i]));
    }
    const auto ids = file.expirer(a(100));
    BOOST_TEST((ids == std::vector<Id>{0, 5, 10, 15, 20, 25, 30}),
               "expirer() doit rendre les numéros par échéance croissante ; obtenu " << texte(ids));
    BOOST_TEST(file.vide(), "tout était échu : la file doit être vide après expirer()");
}

BOOST_AUTO_TEST_CASE(echeances_egales_dans_l_ordre_d_insertion) {
    auto g = garde();
    FileMinuteries file;
    // Des égalités mêlées à d'autres échéances : un tas seul ne garde pas l'ordre d'arrivée.
    for (Id id = 1; id <= 12; ++id) {
        file.inserer(a(id % 3 == 0 ? 5 : 10), id);
    }
    const auto ids = file.expirer(a(10));
    BOOST_TEST((ids == std::vector<Id>{3, 6, 9, 12, 1, 2, 4, 5, 7, 8, 10, 11}),
               "à échéance égale, l'ordre d'insertion (FIFO) ; obtenu "
                   << texte(ids) << " (départagez avec `sequence` dans avant())");
}

BOOST_AUTO_TEST_CASE(expirer_ne_rend_que_les_echues) {
    auto g = garde();
    FileMinuteries file;
    for (int ms : {40, 10, 30, 20, 15}) {
        file.inserer(a(ms), static_cast<Id>(ms));
    }
    const auto ids = file.expirer(a(20));
    BOOST_TEST((ids == std::vector<Id>{10, 15, 20}),
               "expirer(20 ms) : les échéances <= 20 ms (20 comprise), obtenu " << texte(ids));
    BOOST_TEST(file.taille() == 2u, "il doit rester 2 minuteries, obtenu " << file.taille());
    BOOST_TEST((file.prochaine_echeance() == a(30)),
               "après expiration, la prochaine échéance est 30 ms ; obtenu "
                   << texte(file.prochaine_echeance()));
}

BOOST_AUTO_TEST_CASE(expirer_sans_rien_d_echu) {
    auto g = garde();
    FileMinuteries file;
    BOOST_TEST(file.expirer(a(1000)).empty(), "file vide : expirer() ne rend rien");
    file.inserer(a(50), 1);
    file.inserer(a(60), 2);
    const auto ids = file.expirer(a(49));
    BOOST_TEST(ids.empty(), "rien n'est échu à 49 ms : expirer() doit rendre une liste vide, "
                            "obtenu "
                                << texte(ids));
    BOOST_TEST(file.taille() == 2u,
               "expirer() sans échéance passée ne retire rien ; taille " << file.taille());
    BOOST_TEST((file.prochaine_echeance() == a(50)));
}

BOOST_AUTO_TEST_CASE(annuler_au_milieu) {
    auto g = garde();
    FileMinuteries file;
    std::vector<Poignee> poignees;
    for (int i = 0; i < 9; ++i) {
        poignees.push_back(file.inserer(a(10 * (9 - i)), static_cast<Id>(i)));
    }
    // Ni la tête ni la dernière case : des entrées au milieu du tableau.
    BOOST_TEST(file.annuler(poignees[4]), "annuler() d'une minuterie en attente doit rendre vrai");
    BOOST_TEST(file.annuler(poignees[6]));
    BOOST_TEST(file.annuler(poignees[1]));
    BOOST_TEST(file.taille() == 6u,
               "9 insérées, 3 annulées : taille() doit valoir 6, obtenu " << file.taille());
    const auto ids = file.expirer(a(1000));
    BOOST_TEST((ids == std::vector<Id>{8, 7, 5, 3, 2, 0}),
               "les annulées ne doivent plus sonner, les autres dans l'ordre ; obtenu "
                   << texte(ids));
}

BOOST_AUTO_TEST_CASE(annuler_deux_fois) {
    auto g = garde();
    FileMinuteries file;
    const Poignee p = file.inserer(a(10), 1);
    file.inserer(a(20), 2);
    BOOST_TEST(file.annuler(p), "la première annulation doit réussir");
    BOOST_TEST(!file.annuler(p), "la seconde annulation de la même poignée doit rendre faux");
    BOOST_TEST(file.taille() == 1u, "une seule minuterie a été annulée ; taille " << file.taille());
    BOOST_TEST(!file.annuler(Poignee{}), "une poignée vide n'annule rien");
}

BOOST_AUTO_TEST_CASE(annuler_une_minuterie_deja_sonnee) {
    auto g = garde();
    FileMinuteries file;
    const Poignee vieille = file.inserer(a(10), 1);
    BOOST_TEST((file.expirer(a(10)) == std::vector<Id>{1}));
    // La case de la minuterie 1 est libre : la suivante la réutilise.
    file.inserer(a(20), 2);
    BOOST_TEST(!file.annuler(vieille),
               "une poignée dont la minuterie a déjà sonné doit rendre faux (générations)");
    BOOST_TEST(file.taille() == 1u,
               "annuler une vieille poignée ne doit pas retirer la minuterie qui a pris sa case");
    BOOST_TEST((file.expirer(a(20)) == std::vector<Id>{2}));
}

BOOST_AUTO_TEST_CASE(prochaine_echeance_apres_annulations) {
    auto g = garde();
    FileMinuteries file;
    const Poignee p10 = file.inserer(a(10), 10);
    const Poignee p20 = file.inserer(a(20), 20);
    const Poignee p30 = file.inserer(a(30), 30);
    BOOST_TEST(file.annuler(p10));
    BOOST_TEST((file.prochaine_echeance() == a(20)),
               "la tête annulée, la prochaine échéance devient 20 ms ; obtenu "
                   << texte(file.prochaine_echeance()));
    BOOST_TEST(file.annuler(p30));
    BOOST_TEST((file.prochaine_echeance() == a(20)));
    BOOST_TEST(file.annuler(p20));
    BOOST_TEST(!file.prochaine_echeance().has_value(),
               "tout est annulé : plus de prochaine échéance ; obtenu "
                   << texte(file.prochaine_echeance()));
    BOOST_TEST(file.vide());
}

BOOST_AUTO_TEST_CASE(cent_mille_operations_contre_un_modele) {
    auto g = garde();
    // Le modèle : un std::map ordonné par (échéance, ordre d'insertion), évident mais lent.
    // 100 000 opérations tirées au hasard (graine fixe : le test est reproductible).
    std::mt19937 alea(2024);
    FileMinuteries file;
    std::map<std::pair<Instant, std::uint64_t>, Id> modele;
    std::vector<std::pair<Poignee, std::pair<Instant, std::uint64_t>>> vivantes;
    std::uint64_t ordre = 0;
    int maintenant = 0;
    int ecarts = 0;
    for (int pas = 0; pas < 100'000 && ecarts < 5; ++pas) {
        const unsigned choix = alea() % 10;
        if (choix < 5) {
            const Instant t = a(maintenant + static_cast<int>(alea() % 200)); // égalités fréquentes
            const Id id = ordre;
            const Poignee p = file.inserer(t, id);
            modele[{t, ordre}] = id;
            vivantes.push_back({p, {t, ordre}});
            ++ordre;
        } else if (choix < 8 && !vivantes.empty()) {
            const std::size_t k = alea() % vivantes.size();
            const auto [p, cle] = vivantes[k];
            const bool attendu = modele.erase(cle) == 1;
            const bool obtenu = file.annuler(p);
            if (obtenu != attendu) {
                ++ecarts;
                BOOST_TEST(obtenu == attendu, "pas " << pas << " : annuler() rend " << obtenu
                                                     << ", attendu " << attendu);
            }
            vivantes[k] = vivantes.back();
            vivantes.pop_back();
        } else {
            maintenant += static_cast<int>(alea() % 30);
            std::vector<Id> attendu;
            while (!modele.empty() && modele.begin()->first.first <= a(maintenant)) {
                attendu.push_back(modele.begin()->second);
                modele.erase(modele.begin());
            }
            const auto obtenu = file.expirer(a(maintenant));
            if (obtenu != attendu) {
                ++ecarts;
                BOOST_TEST(obtenu == attendu, "pas " << pas << " : expirer() rend " << texte(obtenu)
                                                     << ", attendu " << texte(attendu));
            }
        }
        const std::optional<Instant> prochaine =
            modele.empty() ? std::nullopt : std::optional<Instant>(modele.begin()->first.first);
        if (file.taille() != modele.size() || file.prochaine_echeance() != prochaine) {
            ++ecarts;
            BOOST_TEST(file.taille() == modele.size(), "pas " << pas << " : taille() "
                                                              << file.taille() << ", attendu "
                                                              << modele.size());
            BOOST_TEST((file.prochaine_echeance() == prochaine),
                       "pas " << pas << " : prochaine_echeance() "
                              << texte(file.prochaine_echeance()) << ", attendu "
                              << texte(prochaine));
        }
    }
    BOOST_TEST(ecarts == 0, "la file s'écarte du modèle (les premiers écarts sont listés "
                            "ci-dessus ; le test s'arrête au cinquième)");
}

BOOST_AUTO_TEST_CASE(annuler_ne_parcourt_pas_la_file) {
    // 200 000 minuteries annulées dans le désordre : en O(log n) chacune, c'est l'affaire de
    // quelques dizaines de millisecondes. Chercher chaque entrée dans le tableau (O(n)) en
    // demanderait des dizaines de milliards d'opérations : le chien de garde le dira.
    support::ChienDeGarde g(20s, "200 000 annulations prennent plus de 20 s : annuler() "
                                 "cherche-t-il l'entrée en parcourant le tas ? Utilisez sa "
                                 "`position`, tenue à jour par placer()");
    FileMinuteries file;
    std::mt19937 alea(7);
    std::vector<Poignee> poignees;
    const int n = 200'000;
    poignees.reserve(n);
    for (int i = 0; i < n; ++i) {
        poignees.push_back(file.inserer(a(static_cast<int>(alea() % 100'000)), static_cast<Id>(i)));
    }
    std::shuffle(poignees.begin(), poignees.end(), alea);
    int refusees = 0;
    for (std::size_t i = 0; i + 1 < poignees.size(); ++i) {
        refusees += file.annuler(poignees[i]) ? 0 : 1;
    }
    BOOST_TEST(refusees == 0, refusees << " annulations refusées sur " << n - 1);
    BOOST_TEST(file.taille() == 1u, "une seule minuterie doit rester ; taille " << file.taille());
}
