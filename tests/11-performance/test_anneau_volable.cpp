// Tests notés du chapitre 11, exercice « construire » : l'anneau volable par moitié de
// exercices/anneau_volable.hpp.
//
// Deux familles :
//   - des tests SÉQUENTIELS, d'un seul thread : l'ordre FIFO, la capacité, la moitié arrondie
//     au-dessus, un vol arrêté au milieu (reserver_moitie sans liberer) pendant lequel le
//     propriétaire et un second voleur agissent, le passage des compteurs par 2^32 ;
//   - des tests CONCURRENTS : un propriétaire et des voleurs sur des threads différents, des
//     centaines de milliers d'opérations, puis on vérifie qu'aucun élément n'est perdu ni vu
//     deux fois.
//
// Cet exécutable est compilé avec ThreadSanitizer quand le compilateur le permet (voir
// tests/11-performance/CMakeLists.txt), y compris contre vos exercices (preset « etudiant ») :
// un indice non atomique ou un ordre mémoire trop faible est une course de données, signalée
// même si, sur votre machine, les valeurs lues ont l'air justes. Le rapport de TSan est suivi
// d'une explication en français (plus bas, « ThreadSanitizer »).
//
// Aucun test ne dort : les threads tournent jusqu'à ce que tout soit consommé. Un chien de
// garde transforme une boucle sans fin (un CAS qui échoue toujours) en échec expliqué.
#define BOOST_TEST_MODULE "Chapitre 11 : l'anneau volable par moitié"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "anneau_volable.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// --- ThreadSanitizer : arrêter au premier rapport, et l'expliquer en français ----------------

#if defined(__SANITIZE_THREAD__)
#define COURS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define COURS_TSAN 1
#endif
#endif

namespace {
/// Le nom du test en cours (écrit par le thread principal avant de lancer les autres).
std::string g_test_en_cours = "(avant les tests)";

struct NoterLeTest : boost::unit_test::test_observer {
    void test_unit_start(const boost::unit_test::test_unit& t) override {
        g_test_en_cours = t.p_name;
    }
};
NoterLeTest g_noter;
} // namespace

#ifdef COURS_TSAN
#include <sanitizer/common_interface_defs.h>

/// Options par défaut de ThreadSanitizer : s'arrêter au premier rapport (sinon le test
/// continuerait et pourrait même « passer »). report_signal_unsafe=0 : Boost.Test transforme
/// un abort (un assert qui échoue) en échec de test depuis son gestionnaire de signal, ce que
/// TSan prendrait sinon pour une erreur à lui.
extern "C" const char* __tsan_default_options() {
    return "halt_on_error=1:report_signal_unsafe=0:second_deadlock_stack=1";
}

namespace {
void expliquer_la_course() {
    // La ligne « error: in "…" » est celle que « ./cours verifier » affiche.
    std::fprintf(stderr,
                 "\nanneau_volable.hpp: error: in \"%s\": ThreadSanitizer a trouvé une course "
                 "de données dans l'anneau (rapport ci-dessus).\n"
                 "    Deux threads ont touché la même mémoire, au moins l'un en écriture, sans "
                 "qu'un ordre\n"
                 "    mémoire ne les sépare. Les deux lignes d'anneau_volable.hpp citées par le "
                 "rapport\n"
                 "    (« Write of size … by thread T… », « Previous read … ») sont les deux "
                 "accès. Causes\n"
                 "    fréquentes : une case écrite puis `queue_` publiée en relaxed (il faut "
                 "release), `queue_`\n"
                 "    lue en relaxed par le voleur (il faut acquire), la tête lue en relaxed par "
                 "push avant de\n"
                 "    réécrire une case rendue par un voleur (acquire), ou un compteur qui "
                 "n'est pas atomique.\n",
                 g_test_en_cours.c_str());
    std::fflush(stderr);
}

struct InstallerExplication {
    InstallerExplication() {
        boost::unit_test::framework::register_observer(g_noter);
        __sanitizer_set_death_callback(expliquer_la_course);
    }
};
BOOST_TEST_GLOBAL_FIXTURE(InstallerExplication);
} // namespace
#else
namespace {
struct InstallerObservateur {
    InstallerObservateur() { boost::unit_test::framework::register_observer(g_noter); }
};
BOOST_TEST_GLOBAL_FIXTURE(InstallerObservateur);
} // namespace
#endif

namespace {

using namespace std::chrono_literals;
using Anneau = construire::AnneauVolable<std::uint64_t, 256>;
constexpr std::uint32_t CAPACITE = 256;

std::string texte(const std::optional<std::uint64_t>& v) {
    return v ? std::to_string(*v) : std::string("rien");
}

std::string texte(const std::vector<std::uint64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i == 12 && v.size() > 14) {
            s += " … (" + std::to_string(v.size()) + " en tout)";
            break;
        }
        s += (i ? " " : "") + std::to_string(v[i]);
    }
    return s + "]";
}

/// Vide `a` par pop et rend ce qui en sort, dans l'ordre (au plus `borne` éléments : un pop
/// qui ne s'arrête jamais de rendre quelque chose ne fait pas boucler le test).
std::vector<std::uint64_t> vider(Anneau& a, std::size_t borne = 4 * CAPACITE) {
    std::vector<std::uint64_t> sortis;
    while (sortis.size() < borne) {
        auto v = a.pop();
        if (!v) {
            break;
        }
        sortis.push_back(*v);
    }
    return sortis;
}

std::vector<std::uint64_t> de_a(std::uint64_t premier, std::uint64_t dernier) {
    std::vector<std::uint64_t> v;
    for (std::uint64_t x = premier; x <= dernier; ++x) {
        v.push_back(x);
    }
    return v;
}

/// Remplit `a` avec premier..dernier ; vrai si chaque push a réussi.
bool remplir(Anneau& a, std::uint64_t premier, std::uint64_t dernier) {
    bool ok = true;
    for (std::uint64_t x = premier; x <= dernier; ++x) {
        ok = a.push(x) && ok;
    }
    return ok;
}

/// Remplit `a`, ou arrête le test : la suite n'a pas de sens si push refuse.
#define EXIGER_REMPLIR(a, premier, dernier)                                                           \
    BOOST_TEST_REQUIRE(remplir(a, premier, dernier),                                                  \
                       "push a refusé un élément alors que l'anneau avait de la place (TODO 1) : " \
                       "ce test en a besoin pour préparer son anneau")

support::ChienDeGarde garde(std::chrono::seconds delai = 20s,
                            std::string message = "l'anneau ne rend pas la main : une boucle de "
                                                  "CAS qui ne relit pas la tête après un échec "
                                                  "(compare_exchange la met à jour), ou un pop "
                                                  "ou un vol qui ne s'arrête jamais ?") {
    return support::ChienDeGarde(delai, std::move(message));
}

} // namespace

// --- Séquentiel : le propriétaire seul ---------------------------------------------------------

// Un anneau neuf est vide : vérifié ici, au début d'un test qui remplit l'anneau, et non dans
// un test à part, qui passerait avec l'exercice non fait (un squelette vaut zéro).
BOOST_AUTO_TEST_CASE(push_puis_pop_dans_l_ordre_fifo) {
    auto g = garde();
    Anneau a;
    BOOST_TEST(a.taille() == 0u, "un anneau neuf est vide");
    BOOST_TEST(texte(a.pop()) == "rien", "pop sur un anneau vide ne rend rien");
    Anneau vide;
    BOOST_TEST(vide.voler_moitie(a) == 0u, "voler dans un anneau vide ne prend rien");
    BOOST_TEST(a.taille() == 0u);
    BOOST_TEST(remplir(a, 1, 10), "push doit réussir sur un anneau qui a de la place");
    BOOST_TEST(a.taille() == 10u, "10 push : taille() doit valoir 10, obtenu " << a.taille());
    const auto sortis = vider(a);
    BOOST_TEST((sortis == de_a(1, 10)),
               "pop rend le plus ANCIEN d'abord (FIFO, comme la file d'un worker) ; obtenu "
                   << texte(sortis));
    BOOST_TEST(texte(a.pop()) == "rien", "tout est sorti : pop ne rend plus rien");
    // Encore un tour : les compteurs ont avancé, les cases sont réutilisées.
    BOOST_TEST(remplir(a, 11, 15), "push doit réussir à nouveau une fois l'anneau vidé");
    BOOST_TEST((vider(a) == de_a(11, 15)), "deuxième remplissage : 11 à 15 dans l'ordre");
}

BOOST_AUTO_TEST_CASE(anneau_plein_refuse_push) {
    auto g = garde();
    Anneau a;
    BOOST_TEST(remplir(a, 1, CAPACITE), "les 256 premiers push doivent réussir");
    BOOST_TEST(a.taille() == CAPACITE);
    BOOST_TEST(!a.push(999), "le 257e push doit être refusé (rendre false) : l'anneau est "
                             "plein, et écrire écraserait le plus ancien élément");
    BOOST_TEST(texte(a.pop()) == "1", "après un push refusé, le plus ancien est toujours 1");
    BOOST_TEST(a.push(257), "un pop libère une case : push doit réussir à nouveau");
    BOOST_TEST(!a.push(258), "et l'anneau est de nouveau plein");
    const auto sortis = vider(a);
    BOOST_TEST((sortis == de_a(2, 257)),
               "l'anneau doit rendre 2 à 257, dans l'ordre (un push refusé ne laisse aucune "
               "trace) ; obtenu "
                   << texte(sortis));
}

// --- Séquentiel : le vol -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(vol_de_la_moitie_arrondie_au_dessus) {
    auto g = garde();
    for (std::uint32_t n : {1u, 2u, 3u, 7u, 10u, 255u, 256u}) {
        Anneau victime;
        Anneau voleur;
        EXIGER_REMPLIR(victime, 1, n);
        const std::uint32_t attendu = n - n / 2;
        const std::uint32_t vole = victime.voler_moitie(voleur);
        BOOST_TEST(vole == attendu, "sur " << n << " éléments, voler_moitie doit en prendre "
                                           << attendu
                                           << " (la moitié arrondie au-dessus : un "
                                              "élément seul se vole aussi), obtenu "
                                           << vole);
        const auto pris = vider(voleur);
        const auto restes = vider(victime);
        BOOST_TEST((pris == de_a(1, attendu)),
                   "sur " << n << " éléments : le voleur reçoit les PLUS ANCIENS, dans l'ordre "
                          << texte(de_a(1, attendu)) << " ; il a reçu " << texte(pris));
        BOOST_TEST((restes == de_a(attendu + 1, n)),
                   "sur " << n << " éléments : la victime garde les plus récents "
                          << texte(de_a(attendu + 1, n)) << " ; il lui reste " << texte(restes));
    }
}

BOOST_AUTO_TEST_CASE(vol_ajoute_en_queue_de_la_destination) {
    auto g = garde();
    Anneau victime;
    Anneau voleur;
    EXIGER_REMPLIR(victime, 100, 109); // 10 éléments
    EXIGER_REMPLIR(voleur, 1, 3);
    BOOST_TEST(victime.voler_moitie(voleur) == 5u);
    BOOST_TEST(voleur.taille() == 8u, "3 éléments + 5 volés : taille() du voleur doit valoir 8");
    const auto sortis = vider(voleur);
    BOOST_TEST((sortis == std::vector<std::uint64_t>{1, 2, 3, 100, 101, 102, 103, 104}),
               "les éléments volés vont APRÈS ceux que le voleur avait déjà ; obtenu "
                   << texte(sortis));
}

BOOST_AUTO_TEST_CASE(destination_sans_place_pas_de_vol) {
    auto g = garde();
    Anneau victime;
    EXIGER_REMPLIR(victime, 1, CAPACITE);
    Anneau encombre;
    EXIGER_REMPLIR(encombre, 1000, 1000 + CAPACITE / 2); // 129 éléments
    BOOST_TEST(victime.voler_moitie(encombre) == 0u,
               "la destination contient 129 éléments : elle ne peut pas accueillir une moitié "
               "(128), voler_moitie doit rendre 0 sans rien prendre");
    BOOST_TEST(victime.taille() == CAPACITE, "rien ne doit avoir quitté la victime");
    BOOST_TEST(encombre.taille() == CAPACITE / 2 + 1, "ni être arrivé dans la destination");

    Anneau juste;
    EXIGER_REMPLIR(juste, 1000, 1000 + CAPACITE / 2 - 1); // 128 éléments
    BOOST_TEST(victime.voler_moitie(juste) == CAPACITE / 2,
               "avec 128 éléments, la destination a la place d'une moitié : 128 volés");
    BOOST_TEST(juste.taille() == CAPACITE, "la destination est alors pleine (256)");
    BOOST_TEST(!juste.push(1), "et refuse un push de plus");
}

BOOST_AUTO_TEST_CASE(vols_successifs_jusqu_au_dernier) {
    auto g = garde();
    Anneau victime;
    Anneau voleur;
    EXIGER_REMPLIR(victime, 1, 100);
    std::vector<std::uint32_t> tailles;
    while (const std::uint32_t n = victime.voler_moitie(voleur)) {
        tailles.push_back(n);
        vider(voleur);
        if (tailles.size() > 20) {
            break;
        }
    }
    const std::vector<std::uint32_t> attendu{50, 25, 13, 6, 3, 2, 1};
    BOOST_TEST((tailles == attendu), "100 éléments volés jusqu'au dernier : 50, 25, 13, 6, 3, "
                                     "2, 1 (la moitié de ce qui reste, arrondie au-dessus)");
    BOOST_TEST(victime.taille() == 0u);
}

// --- Séquentiel : un vol arrêté au milieu (réservé, pas encore libéré) -----------------------

BOOST_AUTO_TEST_CASE(reserver_prend_la_plus_ancienne_moitie) {
    auto g = garde();
    Anneau a(1000);
    EXIGER_REMPLIR(a, 1, 5);
    const construire::Reservation r = a.reserver_moitie();
    BOOST_TEST(r.nombre == 3u, "5 éléments : la réservation porte sur 3 (arrondi au-dessus), "
                               "obtenu "
                                   << r.nombre);
    BOOST_TEST(r.premier == 1000u,
               "elle commence à la tête (compteur 1000 ici), obtenu " << r.premier);
    BOOST_TEST(a.taille() == 2u, "pour le propriétaire, il ne reste que les 2 plus récents");
    a.liberer(r);
}

BOOST_AUTO_TEST_CASE(second_voleur_renonce_pendant_un_vol) {
    auto g = garde();
    Anneau a;
    EXIGER_REMPLIR(a, 1, 10);
    const construire::Reservation r = a.reserver_moitie(); // un voleur est « au milieu »
    BOOST_TEST_REQUIRE(r.nombre == 5u);
    Anneau autre;
    BOOST_TEST(a.voler_moitie(autre) == 0u,
               "un vol est en cours (vol != reelle) : un second voleur doit renoncer (rendre 0)."
               " S'il volait, il prendrait pour une tête libre des cases encore en copie, et le "
               "premier voleur, en libérant, effacerait sa trace");
    BOOST_TEST(autre.taille() == 0u);
    BOOST_TEST(a.reserver_moitie().nombre == 0u,
               "reserver_moitie pendant un autre vol : réservation vide");
    a.liberer(r);
    BOOST_TEST(a.voler_moitie(autre) == 3u,
               "vol fini (liberer) : un nouveau voleur prend la moitié des 5 qui restent (3)");
    BOOST_TEST((vider(autre) == de_a(6, 8)));
}

BOOST_AUTO_TEST_CASE(proprietaire_continue_pendant_un_vol) {
    auto g = garde();
    Anneau a;
    EXIGER_REMPLIR(a, 1, 5);
    const construire::Reservation r = a.reserver_moitie(); // 1, 2, 3 en cours de copie
    BOOST_TEST_REQUIRE(r.nombre == 3u);
    BOOST_TEST(texte(a.pop()) == "4", "pendant le vol, pop rend le premier élément NON réservé");
    BOOST_TEST(texte(a.pop()) == "5");
    BOOST_TEST(texte(a.pop()) == "rien",
               "les éléments réservés appartiennent au voleur : pop ne les rend pas");
    BOOST_TEST(a.push(6), "il reste de la place : push réussit pendant le vol");
    a.liberer(r);
    BOOST_TEST(texte(a.pop()) == "6",
               "liberer ne doit pas défaire les pop du propriétaire faits pendant le vol : "
               "la tête reste après 5");
    BOOST_TEST(texte(a.pop()) == "rien");
}

BOOST_AUTO_TEST_CASE(cases_en_copie_jamais_reecrites) {
    auto g = garde();
    Anneau a;
    EXIGER_REMPLIR(a, 1, CAPACITE);
    const construire::Reservation r = a.reserver_moitie(); // 1..128 en cours de copie
    BOOST_TEST_REQUIRE(r.nombre == CAPACITE / 2);
    const auto sortis = vider(a); // 129..256
    BOOST_TEST((sortis == de_a(CAPACITE / 2 + 1, CAPACITE)));
    BOOST_TEST(a.taille() == 0u, "pour le propriétaire, l'anneau est vide");
    BOOST_TEST(!a.push(1000),
               "mais les 128 cases réservées sont encore en train d'être lues par le voleur : "
               "push doit les compter (queue - vol, pas queue - reelle) et refuser");
    a.liberer(r);
    BOOST_TEST(remplir(a, 1000, 1000 + CAPACITE - 1),
               "après liberer, les 256 cases sont libres : 256 push réussissent");
    BOOST_TEST(!a.push(1), "et pas un de plus");
}

// --- Séquentiel : les compteurs repassent par 0 --------------------------------------------------

BOOST_AUTO_TEST_CASE(compteurs_qui_repassent_par_zero) {
    auto g = garde();
    const std::uint32_t depart = 0xFFFFFFFFu - 4; // cinq pas avant le retour à 0
    Anneau a(depart);
    EXIGER_REMPLIR(a, 1, 10);
    BOOST_TEST(a.taille() == 10u,
               "compteurs partis de 2^32 - 5 : taille() = 10 après 10 push, obtenu "
                   << a.taille()
                   << " (une différence de compteurs se calcule en non signé "
                      "32 bits : queue - reelle, jamais « si queue < reelle »)");
    Anneau voleur(depart + 7);
    BOOST_TEST(a.voler_moitie(voleur) == 5u,
               "vol à cheval sur le passage par 0 : 5 éléments sur 10");
    BOOST_TEST((vider(voleur) == de_a(1, 5)));
    BOOST_TEST((vider(a) == de_a(6, 10)));
    // Un anneau plein à cheval sur le passage.
    Anneau plein(0xFFFFFFFFu - 100);
    BOOST_TEST(remplir(plein, 1, CAPACITE), "256 push sur un anneau à cheval sur 2^32");
    BOOST_TEST(!plein.push(0), "puis plein");
    BOOST_TEST(texte(plein.pop()) == "1");
    BOOST_TEST(plein.push(CAPACITE + 1));
    BOOST_TEST((vider(plein) == de_a(2, CAPACITE + 1)),
               "après le passage par 0, l'ordre FIFO est intact");
}

// --- Concurrent -----------------------------------------------------------------------------------

namespace {

/// Le message du chien de garde des tests à plusieurs threads.
const char* const GARDE_CONCURRENCE =
    "les threads ne finissent pas en 45 s : une boucle de CAS qui ne relit pas la tête après "
    "un échec, ou des compteurs devenus incohérents (un pop sans CAS qui écrase la réservation "
    "d'un voleur : la tête dépasse la queue, et un vol croit alors avoir des milliards "
    "d'éléments à copier)";

/// Les tests de concurrence supposent les opérations de base justes : sinon un propriétaire
/// qui pousse jusqu'à réussir tournerait pour toujours.
void exiger_les_bases() {
    Anneau a;
    Anneau b;
    const bool ok = a.push(1) && a.push(2) && a.push(3) &&
                    a.pop() == std::optional<std::uint64_t>(1) && a.voler_moitie(b) == 1u &&
                    b.pop() == std::optional<std::uint64_t>(2) &&
                    a.pop() == std::optional<std::uint64_t>(3) && !a.pop();
    BOOST_TEST_REQUIRE(ok, "ce test lance plusieurs threads sur l'anneau ; il suppose push, pop "
                           "et voler_moitie déjà justes sur un seul thread. Faites d'abord "
                           "passer les tests séquentiels");
}

/// Vérifie que `vus` (tout ce qui est sorti, de tous les threads) contient chaque valeur de
/// `attendues` exactement une fois.
void verifier_ni_perte_ni_double(std::vector<std::uint64_t> vus,
                                 std::vector<std::uint64_t> attendues) {
    std::sort(vus.begin(), vus.end());
    std::sort(attendues.begin(), attendues.end());
    const auto double_ = std::adjacent_find(vus.begin(), vus.end());
    BOOST_TEST((double_ == vus.end()),
               "la valeur " << (double_ == vus.end() ? 0 : *double_)
                            << " est sortie deux fois : deux threads ont pris la même case (un "
                               "pop ou une réservation sans CAS, ou un liberer qui écrase la "
                               "tête du propriétaire ?)");
    std::vector<std::uint64_t> perdues;
    std::set_difference(attendues.begin(), attendues.end(), vus.begin(), vus.end(),
                        std::back_inserter(perdues));
    BOOST_TEST(perdues.empty(), perdues.size()
                                    << " valeur(s) perdue(s), par exemple " << texte(perdues)
                                    << " : une case écrasée avant d'être lue (push qui ne "
                                       "compte pas les cases en copie ?), ou une tête avancée "
                                       "sans rendre ses éléments");
    BOOST_TEST(vus.size() == attendues.size(),
               vus.size() << " valeurs sorties pour " << attendues.size() << " poussées");
}

} // namespace

BOOST_AUTO_TEST_CASE(concurrence_un_proprietaire_trois_voleurs) {
    exiger_les_bases();
    auto g = garde(45s, GARDE_CONCURRENCE);
    constexpr std::uint64_t M = 200'000;
    constexpr int VOLEURS = 3;
    Anneau source;
    auto destinations = std::make_unique<Anneau[]>(VOLEURS);
    std::atomic<bool> fini{false};
    std::vector<std::vector<std::uint64_t>> vus(VOLEURS + 1);

    std::atomic<bool> incoherent{false};

    std::thread proprietaire([&] {
        auto& mes = vus[0];
        for (std::uint64_t v = 1; v <= M && !incoherent; ++v) {
            for (long essais = 0; !source.push(v); ++essais) {
                if (auto x = source.pop()) { // plein : on consomme soi-même
                    mes.push_back(*x);
                }
                if (essais > 1'000'000 || mes.size() > 2 * M) {
                    incoherent = true; // l'anneau n'est plus cohérent : on arrête tout
                    break;
                }
            }
            if (v % 7 == 0) { // des pop mêlés aux vols
                if (auto x = source.pop()) {
                    mes.push_back(*x);
                }
            }
        }
        while (auto x = source.pop()) {
            mes.push_back(*x);
        }
        fini.store(true, std::memory_order_release);
    });
    std::vector<std::thread> voleurs;
    for (int j = 0; j < VOLEURS; ++j) {
        voleurs.emplace_back([&, j] {
            auto& mes = vus[j + 1];
            Anneau& a_moi = destinations[j];
            for (;;) {
                const bool etait_fini = fini.load(std::memory_order_acquire);
                const std::uint32_t n = source.voler_moitie(a_moi);
                while (auto x = a_moi.pop()) {
                    mes.push_back(*x);
                }
                if (n == 0 && etait_fini) {
                    return;
                }
            }
        });
    }
    proprietaire.join();
    for (auto& t : voleurs) {
        t.join();
    }
    BOOST_TEST_REQUIRE(!incoherent,
                       "le propriétaire n'arrive plus à pousser (push refuse, pop rend sans fin "
                       "des éléments qui ne sont pas les siens) : les compteurs de l'anneau sont "
                       "devenus incohérents, la tête a dépassé la queue. Un pop sans CAS, qui "
                       "écrase la réservation d'un voleur ? Un liberer qui réécrit une tête "
                       "calculée d'avance ?");

    // Chacun a vu des valeurs croissantes : le propriétaire prend en tête, un voleur prend
    // les plus anciennes, dans l'ordre, et ses vols successifs sont de plus en plus récents.
    for (std::size_t k = 0; k < vus.size(); ++k) {
        BOOST_TEST(std::is_sorted(vus[k].begin(), vus[k].end()),
                   (k == 0 ? std::string("le propriétaire") : "le voleur " + std::to_string(k))
                       << " a vu des valeurs dans le désordre : l'ordre FIFO n'est pas tenu (un "
                          "vol qui copie à l'envers, ou qui prend les plus récentes ?)");
    }
    std::size_t voles = 0;
    std::vector<std::uint64_t> tous;
    for (std::size_t k = 0; k < vus.size(); ++k) {
        voles += k == 0 ? 0 : vus[k].size();
        tous.insert(tous.end(), vus[k].begin(), vus[k].end());
    }
    BOOST_TEST_MESSAGE("propriétaire : " << vus[0].size() << " éléments, voleurs : " << voles);
    verifier_ni_perte_ni_double(std::move(tous), de_a(1, M));
}

BOOST_AUTO_TEST_CASE(concurrence_vols_en_chaine) {
    // Chaque élément passe par trois anneaux : le propriétaire le pousse dans `source`, le
    // voleur A le vole dans `relais` (son anneau, qu'il ne vide jamais lui-même), le voleur B
    // le vole dans `arrivee`, puis le sort. Toutes les cases que B lit dans `relais` ont été
    // écrites par A pendant un vol : c'est la publication de la queue de la DESTINATION (après
    // la copie, en release) qui est éprouvée ici.
    exiger_les_bases();
    auto g = garde(45s, GARDE_CONCURRENCE);
    constexpr std::uint64_t M = 100'000;
    Anneau source;
    Anneau relais;
    Anneau arrivee;
    std::atomic<bool> source_finie{false};
    std::atomic<bool> relais_fini{false};
    std::vector<std::uint64_t> vus_proprietaire;
    std::vector<std::uint64_t> vus_b;

    std::thread proprietaire([&] {
        // Pas de pop : tout doit passer par la chaîne. Anneau plein : on laisse la main à A
        // (sans borne, une chaîne cassée ferait tourner ce thread pour toujours).
        for (std::uint64_t v = 1; v <= M; ++v) {
            for (long essais = 0; !source.push(v) && essais < 10'000'000; ++essais) {
                std::this_thread::yield();
            }
        }
        while (auto x = source.pop()) {
            vus_proprietaire.push_back(*x);
        }
        source_finie.store(true, std::memory_order_release);
    });
    std::thread voleur_a([&] {
        for (;;) {
            const bool etait_finie = source_finie.load(std::memory_order_acquire);
            const std::uint32_t n = source.voler_moitie(relais);
            if (n == 0 && etait_finie) {
                relais_fini.store(true, std::memory_order_release);
                return;
            }
        }
    });
    std::thread voleur_b([&] {
        for (;;) {
            const bool etait_fini = relais_fini.load(std::memory_order_acquire);
            const std::uint32_t n = relais.voler_moitie(arrivee);
            while (auto x = arrivee.pop()) {
                vus_b.push_back(*x);
            }
            if (n == 0 && etait_fini && relais.taille() == 0) {
                return;
            }
        }
    });
    proprietaire.join();
    voleur_a.join();
    voleur_b.join();
    BOOST_TEST(std::is_sorted(vus_b.begin(), vus_b.end()),
               "les éléments arrivés au bout de la chaîne sont dans le désordre");
    BOOST_TEST_MESSAGE("propriétaire : " << vus_proprietaire.size()
                                         << " éléments, bout de la chaîne : " << vus_b.size());
    std::vector<std::uint64_t> tous = vus_proprietaire;
    tous.insert(tous.end(), vus_b.begin(), vus_b.end());
    verifier_ni_perte_ni_double(std::move(tous), de_a(1, M));
}

BOOST_AUTO_TEST_CASE(concurrence_quatre_workers_qui_se_volent) {
    exiger_les_bases();
    auto g = garde(45s, "les quatre workers n'ont pas tout consommé en 45 s : des éléments ont "
                        "été perdus (jamais rendus par pop ni par un vol : une case écrasée, une "
                        "tête avancée sans rendre ses éléments), ou une boucle de CAS ne s'arrête "
                        "pas");
    constexpr int N = 4;
    constexpr std::uint64_t M = 60'000; // éléments poussés par chacun
    auto anneaux = std::make_unique<Anneau[]>(N);
    std::atomic<std::uint64_t> consommes{0};
    std::vector<std::vector<std::uint64_t>> vus(N);

    std::vector<std::thread> workers;
    for (int k = 0; k < N; ++k) {
        workers.emplace_back([&, k] {
            Anneau& a_moi = anneaux[k];
            auto& mes = vus[k];
            std::uint64_t prochain = 0;
            std::uint32_t alea = 2463534242u * static_cast<std::uint32_t>(k + 1);
            while (consommes.load(std::memory_order_relaxed) < N * M) {
                // Une rafale de travail neuf (comme des tâches lancées), tant qu'il en reste.
                for (int r = 0; r < 7 && prochain < M; ++r) {
                    if (!a_moi.push(static_cast<std::uint64_t>(k) * M + prochain)) {
                        break;
                    }
                    ++prochain;
                }
                // Exécuter un peu de sa file.
                for (int r = 0; r < 3; ++r) {
                    if (auto x = a_moi.pop()) {
                        mes.push_back(*x);
                        consommes.fetch_add(1, std::memory_order_relaxed);
                    }
                }
                // File vide : voler chez un autre, au hasard (comme Worker::steal_work).
                if (a_moi.taille() == 0) {
                    alea ^= alea << 13;
                    alea ^= alea >> 17;
                    alea ^= alea << 5;
                    const int victime = static_cast<int>((k + 1 + alea % (N - 1)) % N);
                    anneaux[victime].voler_moitie(a_moi);
                }
            }
        });
    }
    for (auto& t : workers) {
        t.join();
    }
    std::vector<std::uint64_t> tous;
    for (auto& v : vus) {
        tous.insert(tous.end(), v.begin(), v.end());
    }
    verifier_ni_perte_ni_double(std::move(tous), de_a(0, N * M - 1));
}
