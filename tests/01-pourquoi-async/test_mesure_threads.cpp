// Tests notés du chapitre 01 : mesurer ce que coûte un thread du système.
//
// On ne teste pas des durées précises (elles dépendent de la machine) : on vérifie que les
// mesures sont *honnêtes* (les threads ont vraiment existé, les champs lus sont les bons) et
// cohérentes avec ce que fait le noyau (pile réservée ≫ pile réellement touchée).
#include <boost/test/unit_test.hpp>

#include "mesure_threads.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// Extrait d'un vrai /proc/<pid>/status. Les champs voisins (VmPeak, VmHWM, RssAnon...) sont
// là pour piéger une recherche trop approximative.
const char* const exemple_status = "Name:\tserveur\n"
                                   "Umask:\t0022\n"
                                   "State:\tS (sleeping)\n"
                                   "Pid:\t4242\n"
                                   "VmPeak:\t  999999 kB\n"
                                   "VmSize:\t  843712 kB\n"
                                   "VmLck:\t       0 kB\n"
                                   "VmHWM:\t   77777 kB\n"
                                   "VmRSS:\t    5124 kB\n"
                                   "RssAnon:\t    1200 kB\n"
                                   "RssFile:\t    3924 kB\n"
                                   "VmStk:\t     132 kB\n"
                                   "Threads:\t101\n"
                                   "SigQ:\t0/62987\n";

ch01::MemoireProcessus analyser(const std::string& texte) {
    try {
        return ch01::analyser_status(texte);
    } catch (const std::logic_error& e) {
        BOOST_FAIL("analyser_status a levé : " << e.what());
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(status_champs_exacts) {
    const auto m = analyser(exemple_status);
    BOOST_TEST(m.virtuelle_kio == 843712u,
               "VmSize mal lu : " << m.virtuelle_kio << " (VmPeak est le maximum historique)");
    BOOST_TEST(m.residente_kio == 5124u,
               "VmRSS mal lu : " << m.residente_kio << " (ni VmHWM, ni RssAnon : la clé exacte)");
    BOOST_TEST(m.threads == 101u, "Threads mal lu : " << m.threads);
}

BOOST_AUTO_TEST_CASE(status_champ_absent_leve_runtime_error) {
    const std::string sans_rss = "VmSize:\t 100 kB\nThreads:\t1\n";
    bool leve = false;
    try {
        ch01::analyser_status(sans_rss);
    } catch (const std::logic_error& e) {
        BOOST_FAIL("analyser_status a levé : " << e.what());
    } catch (const std::runtime_error&) {
        leve = true;
    }
    BOOST_TEST(leve, "sans ligne VmRSS, analyser_status doit lever std::runtime_error plutôt "
                     "que renvoyer une valeur inventée");
}

BOOST_AUTO_TEST_CASE(status_du_processus_courant) {
    ch01::MemoireProcessus m;
    try {
        m = ch01::lire_memoire();
    } catch (const std::exception& e) {
        BOOST_FAIL("lire_memoire a levé : " << e.what());
    }
    BOOST_TEST(m.threads >= 1u, "un processus a au moins un thread");
    BOOST_TEST(m.residente_kio > 0u, "la mémoire résidente d'un processus vivant n'est pas nulle");
    BOOST_TEST(m.virtuelle_kio >= m.residente_kio,
               "l'espace réservé (VmSize) contient la mémoire résidente (VmRSS)");
}

BOOST_AUTO_TEST_CASE(creation_threads_execute_vraiment_n_threads) {
    constexpr std::size_t n = 200;
    std::mutex mutex;
    std::vector<std::thread::id> vus;
    ch01::MesureCreation mesure;
    try {
        mesure = ch01::mesurer_creation_threads(n, [&] {
            std::lock_guard verrou(mutex);
            vus.push_back(std::this_thread::get_id());
        });
    } catch (const std::exception& e) {
        BOOST_FAIL("mesurer_creation_threads a levé : " << e.what());
    }
    BOOST_TEST(vus.size() == n, "le corps doit être exécuté une fois par thread : "
                                    << vus.size() << " exécutions pour " << n << " threads");
    bool ailleurs = true;
    for (auto id : vus)
        ailleurs = ailleurs && id != std::this_thread::get_id();
    BOOST_TEST(ailleurs, "le corps doit tourner dans les threads créés, pas dans l'appelant");
    BOOST_TEST(mesure.threads == n, "MesureCreation::threads devrait valoir " << n);
    BOOST_TEST(mesure.duree.count() > 0, "la durée mesurée ne peut pas être nulle");
    // Créer, démarrer, terminer et joindre un thread prend toujours plus d'une microseconde
    // (10 à 100 µs en pratique) : une valeur plus petite trahit une erreur d'unité.
    BOOST_TEST(mesure.ns_par_thread() >= 1000.0,
               "création + join mesurés à " << mesure.ns_par_thread()
                                            << " ns par thread : c'est impossible. La durée "
                                               "doit être en nanosecondes (duration_cast<"
                                               "std::chrono::nanoseconds>), pas un nombre de "
                                               "microsecondes rangé tel quel.");
    BOOST_TEST_MESSAGE("création + join d'un thread : " << static_cast<long>(mesure.ns_par_thread())
                                                        << " ns");

    // Zéro thread : rien à exécuter, mais pas d'erreur.
    const auto vide = ch01::mesurer_creation_threads(0, [] {});
    BOOST_TEST(vide.threads == 0u);
}

BOOST_AUTO_TEST_CASE(creation_threads_un_a_la_fois) {
    // On mesure le cycle complet d'un thread « jetable » : chacun est joint avant que le
    // suivant soit créé. Chaque corps dure un peu (un travail simulé) : si les threads
    // étaient tous créés d'abord et joints ensuite, plusieurs corps se chevaucheraient.
    constexpr std::size_t n = 8;
    std::mutex mutex;
    std::size_t actifs = 0;
    std::size_t pic = 0;
    try {
        ch01::mesurer_creation_threads(n, [&] {
            {
                std::lock_guard verrou(mutex);
                ++actifs;
                pic = std::max(pic, actifs);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::lock_guard verrou(mutex);
            --actifs;
        });
    } catch (const std::exception& e) {
        BOOST_FAIL("mesurer_creation_threads a levé : " << e.what());
    }
    BOOST_TEST(pic == 1u, pic << " corps se sont exécutés en même temps : chaque thread doit être "
                                 "joint aussitôt après sa création, avant de créer le suivant");
}

BOOST_AUTO_TEST_CASE(threads_parques_pile_reservee_pas_residente) {
    constexpr std::size_t n = 64;
    const std::size_t pile_kio = ch01::taille_pile_par_defaut_kio();
    ch01::MesureParquage m;
    try {
        m = ch01::mesurer_threads_parques(n);
    } catch (const std::exception& e) {
        BOOST_FAIL("mesurer_threads_parques a levé : " << e.what());
    }
    BOOST_TEST(m.threads == n);
    BOOST_TEST(m.pendant.threads >= m.avant.threads + n,
               "pendant la mesure, les "
                   << n << " threads doivent tous être vivants : " << m.pendant.threads
                   << " threads contre " << m.avant.threads << " avant");
    const auto virtuelle = static_cast<long long>(m.pendant.virtuelle_kio) -
                           static_cast<long long>(m.avant.virtuelle_kio);
    const auto residente = static_cast<long long>(m.pendant.residente_kio) -
                           static_cast<long long>(m.avant.residente_kio);
    BOOST_TEST_MESSAGE(n << " threads endormis : +" << virtuelle / 1024 << " Mio réservés, +"
                         << residente << " kio résidents (pile par défaut : " << pile_kio
                         << " kio)");
    // La glibc garde quelques piles en cache (environ 40 Mio) : on tolère qu'une partie
    // des threads réutilise une pile déjà réservée.
    const long long reservee_min =
        static_cast<long long>(n - 8) * (static_cast<long long>(pile_kio) * 9 / 10);
    BOOST_TEST(virtuelle >= reservee_min, "chaque thread réserve sa pile ("
                                              << pile_kio << " kio) : on attendait au moins +"
                                              << reservee_min << " kio de VmSize, mesuré +"
                                              << virtuelle
                                              << " (la mesure a-t-elle été prise pendant "
                                                 "que les threads vivaient ?)");
    BOOST_TEST(residente < virtuelle / 4,
               "la mémoire résidente (+" << residente << " kio) devrait être bien plus petite "
                                         << "que la mémoire réservée (+" << virtuelle << " kio)");
}
