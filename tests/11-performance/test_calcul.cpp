// Tests notés du chapitre 11, exercice « utiliser » : somme_par_morceaux et compter_premiers
// (calcul.cpp de votre dossier d'exercices).
//
// Aucun test ne mesure de temps : on vérifie le résultat, le nombre de tâches lancées (les
// métriques du runtime), que deux workers ont bien travaillé en même temps (un rendez-vous
// entre deux morceaux), et qu'une autre tâche avance pendant le calcul sur un runtime à un
// seul thread. Un chien de garde transforme une attente sans fin en échec expliqué.
#define BOOST_TEST_MODULE "Chapitre 11 : un calcul découpé en tâches"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "calcul.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using namespace std::chrono_literals;

rt::Runtime multi_thread(std::size_t workers) {
    return rt::Builder::multi_thread().worker_threads(workers).build();
}

rt::Runtime current_thread() {
    return rt::Builder::current_thread().build();
}

support::ChienDeGarde garde(std::string message) {
    return support::ChienDeGarde(60s, std::move(message));
}

/// La somme attendue, calculée ici sans tâche ni morceau.
std::uint64_t somme_directe(std::uint64_t n, const utiliser::Travail& f) {
    std::uint64_t s = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        s += f(i);
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(compter_premiers_exact) {
    auto g = garde("compter_premiers ne rend pas la main sur un runtime à 2 workers");
    auto runtime = multi_thread(2);
    // (n, morceau, nombre de premiers < n)
    const std::tuple<std::uint64_t, std::uint64_t, std::uint64_t> cas[] = {
        {100, 10, 25}, {100, 7, 25}, {1000, 1, 168}, {1000, 1000, 168},   {1000, 5000, 168},
        {2, 1, 0},     {3, 1, 1},    {4, 3, 2},      {100000, 997, 9592}, {200000, 50000, 17984}};
    for (const auto& [n, morceau, attendu] : cas) {
        const std::uint64_t obtenu = runtime.block_on(utiliser::compter_premiers(n, morceau));
        BOOST_TEST(obtenu == attendu, "compter_premiers(" << n << ", morceau " << morceau
                                                          << ") : " << attendu << " premiers < "
                                                          << n << ", obtenu " << obtenu);
    }
}

BOOST_AUTO_TEST_CASE(somme_exacte_sur_64_bits) {
    auto g = garde("somme_par_morceaux ne rend pas la main sur un runtime à 2 workers");
    auto runtime = multi_thread(2);
    // Des valeurs qui ne tiennent pas sur 32 bits, et un dernier morceau plus court.
    const utiliser::Travail gros = [](std::uint64_t) -> std::uint64_t { return 4'000'000'000u; };
    const std::uint64_t a = runtime.block_on(utiliser::somme_par_morceaux(7, 3, gros));
    BOOST_TEST(a == 28'000'000'000u, "7 × 4 000 000 000 = 28 000 000 000, obtenu "
                                         << a << " (une somme sur 32 bits déborde)");
    // La somme des carrés jusqu'à 3 millions approche 2^63.
    const utiliser::Travail carre = [](std::uint64_t i) { return i * i; };
    const std::uint64_t n = 3'000'000;
    const std::uint64_t attendu = somme_directe(n, carre);
    const std::uint64_t b = runtime.block_on(utiliser::somme_par_morceaux(n, 100'003, carre));
    BOOST_TEST(b == attendu, "somme des i² pour i < 3 000 000, morceaux de 100 003 : "
                                 << attendu << " attendu, obtenu " << b);
}

BOOST_AUTO_TEST_CASE(une_tache_par_morceau) {
    auto g = garde("somme_par_morceaux ne rend pas la main sur un runtime current_thread : "
                   "attend-elle ses tâches autrement que par co_await ?");
    auto runtime = current_thread();
    const utiliser::Travail f = [](std::uint64_t i) { return i + 1; };
    // (n, morceau, tâches attendues)
    const std::tuple<std::uint64_t, std::uint64_t, std::uint64_t> cas[] = {
        {10, 3, 4}, {9, 3, 3}, {1, 5, 1}, {5, 1, 5}, {0, 4, 0}, {1000, 100, 10}};
    for (const auto& [n, morceau, taches] : cas) {
        const auto [somme, lancees] = runtime.block_on(
            [](std::uint64_t n, std::uint64_t morceau,
               utiliser::Travail f) -> rt::Task<std::pair<std::uint64_t, std::uint64_t>> {
                const auto avant = rt::Handle::current().metrics().spawned_tasks_count;
                const std::uint64_t s = co_await utiliser::somme_par_morceaux(n, morceau, f);
                const auto apres = rt::Handle::current().metrics().spawned_tasks_count;
                co_return std::pair{s, apres - avant};
            }(n, morceau, f));
        BOOST_TEST(lancees == taches, "somme_par_morceaux("
                                          << n << ", morceau " << morceau << ") doit lancer "
                                          << taches
                                          << " tâche(s), une par morceau ; elle en a "
                                             "lancé "
                                          << lancees
                                          << (lancees == 0 ? " : le calcul ne passe pas par "
                                                             "rt::spawn"
                                                           : ""));
        BOOST_TEST(somme == somme_directe(n, f),
                   "somme_par_morceaux(" << n << ", morceau " << morceau << ") avec f(i) = i + 1 : "
                                         << somme_directe(n, f) << " attendu, obtenu " << somme);
    }
}

namespace {

/// Le rendez-vous : le premier appel de f attend qu'un AUTRE thread appelle f à son tour.
/// Si les morceaux s'exécutent l'un après l'autre, personne ne vient.
struct RendezVous {
    std::mutex mutex;
    std::condition_variable cv;
    std::set<std::thread::id> threads; ///< protégé par mutex
    bool premier_passe = false;        ///< protégé par mutex
    bool personne_n_est_venu = false;  ///< protégé par mutex
};

} // namespace

BOOST_AUTO_TEST_CASE(morceaux_en_parallele_sur_deux_workers) {
    auto g = garde("somme_par_morceaux ne rend pas la main sur un runtime à 2 workers");
    auto runtime = multi_thread(2);
    auto rv = std::make_shared<RendezVous>();
    const utiliser::Travail f = [rv](std::uint64_t i) -> std::uint64_t {
        std::unique_lock lock(rv->mutex);
        rv->threads.insert(std::this_thread::get_id());
        rv->cv.notify_all();
        if (!rv->premier_passe) {
            rv->premier_passe = true;
            // Une attente bornée (un garde-fou, pas une synchronisation par le temps) : avec
            // deux workers et plusieurs morceaux en file, l'autre worker arrive tout de suite.
            if (!rv->cv.wait_for(lock, 10s, [&] { return rv->threads.size() >= 2; })) {
                rv->personne_n_est_venu = true;
            }
        }
        return i;
    };
    const std::uint64_t s = runtime.block_on(utiliser::somme_par_morceaux(64, 8, f));
    BOOST_TEST(s == 64u * 63u / 2u, "somme des i pour i < 64 : 2016, obtenu " << s);
    std::lock_guard lock(rv->mutex);
    BOOST_TEST(!rv->personne_n_est_venu,
               "pendant que le premier morceau calculait, aucun autre thread n'a commencé un "
               "morceau en 10 s : les morceaux s'exécutent l'un après l'autre. Lancez-les tous "
               "(rt::spawn) AVANT d'attendre le premier handle");
    BOOST_TEST(rv->threads.size() >= 2u,
               "8 morceaux sur un runtime à 2 workers : ils doivent s'exécuter sur 2 threads, ils "
               "l'ont fait sur "
                   << rv->threads.size());
}

BOOST_AUTO_TEST_CASE(ne_bloque_pas_les_autres_taches) {
    auto g = garde("somme_par_morceaux ne rend pas la main sur un runtime current_thread : "
                   "attend-elle ses tâches autrement que par co_await (boucle active, "
                   "std::this_thread::sleep_for...) ? Sur un seul thread, les morceaux ne "
                   "peuvent avancer que si la tâche appelante se suspend");
    auto runtime = current_thread();
    const auto [somme, passages] =
        runtime.block_on([]() -> rt::Task<std::pair<std::uint64_t, int>> {
            // Une voisine qui compte ses passages tant que le calcul n'est pas fini.
            auto passages = std::make_shared<std::atomic<int>>(0);
            auto fini = std::make_shared<std::atomic<bool>>(false);
            auto voisine = rt::spawn([passages, fini]() -> rt::Task<void> {
                while (!fini->load()) {
                    passages->fetch_add(1);
                    co_await rt::task::yield_now();
                }
            });
            const std::uint64_t s = co_await utiliser::compter_premiers(10'000, 500);
            const int vus = passages->load();
            fini->store(true);
            co_await voisine;
            co_return std::pair{s, vus};
        }());
    BOOST_TEST(somme == 1229u, "compter_premiers(10 000, morceau 500) sur current_thread : 1229, "
                               "obtenu "
                                   << somme);
    BOOST_TEST(passages >= 1, "sur un runtime à un seul thread, une autre tâche n'a pas pu "
                              "s'exécuter pendant le calcul : il s'est fait d'une traite, sans "
                              "jamais rendre la main (un calcul dans la tâche appelante, sans "
                              "rt::spawn ni co_await ?)");
}

BOOST_AUTO_TEST_CASE(bords) {
    auto g = garde("somme_par_morceaux ne rend pas la main");
    auto runtime = multi_thread(2);
    const utiliser::Travail f = [](std::uint64_t i) { return i + 7; };
    BOOST_TEST(runtime.block_on(utiliser::somme_par_morceaux(0, 4, f)) == 0u,
               "n = 0 : aucune valeur, la somme est 0");
    BOOST_TEST(runtime.block_on(utiliser::somme_par_morceaux(1, 4, f)) == 7u,
               "n = 1 : seulement f(0) = 7");
    BOOST_TEST(runtime.block_on(utiliser::somme_par_morceaux(10, 3, f)) == 115u,
               "n = 10, morceaux de 3 (le dernier n'a qu'un élément) : 45 + 70 = 115");
    BOOST_TEST(runtime.block_on(utiliser::somme_par_morceaux(10, 1000, f)) == 115u,
               "un morceau plus grand que n : un seul morceau, [0, 10)");
}

namespace {

/// VmRSS du processus, en kio (0 si illisible).
long memoire_residente_kio() {
    std::ifstream f("/proc/self/status");
    for (std::string ligne; std::getline(f, ligne);) {
        if (ligne.rfind("VmRSS:", 0) == 0) {
            return std::atol(ligne.c_str() + 6);
        }
    }
    return 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(morceau_nul_refuse) {
    // Une boucle qui avance de 0 lancerait des tâches sans fin, jusqu'à épuiser la mémoire :
    // l'essai a lieu dans un processus enfant, arrêté s'il dépasse 10 s ou 1 Gio résident. (Pas
    // de RLIMIT_AS : les sanitizers réservent des téraoctets d'adresses et ne démarreraient
    // plus.)
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0, "fork a échoué");
    if (pid == 0) {
        // L'enfant meurt de ses signaux : les gestionnaires de Boost.Test le feraient
        // continuer la suite des tests à la place du parent.
        for (int signal : {SIGALRM, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) {
            std::signal(signal, SIG_DFL);
        }
        ::alarm(10);
        // Un garde-fou, pas une synchronisation : on regarde la mémoire toutes les 20 ms.
        std::thread([] {
            for (;;) {
                if (memoire_residente_kio() > (1L << 20)) {
                    ::_exit(4);
                }
                std::this_thread::sleep_for(20ms);
            }
        }).detach();
        int code = 1; // rendu sans lever
        try {
            auto runtime = current_thread();
            const utiliser::Travail f = [](std::uint64_t i) { return i; };
            (void)runtime.block_on(utiliser::somme_par_morceaux(10, 0, f));
        } catch (const std::invalid_argument&) {
            code = 0;
        } catch (...) {
            code = 2; // une autre exception (std::bad_alloc...)
        }
        ::_exit(code);
    }
    int statut = 0;
    ::waitpid(pid, &statut, 0);
    const int code = WIFEXITED(statut) ? WEXITSTATUS(statut) : -1;
    const int signal = WIFSIGNALED(statut) ? WTERMSIG(statut) : 0;
    std::string pourquoi;
    if (code == 1) {
        pourquoi = "Elle a rendu une valeur sans rien lever.";
    } else if (code == 2) {
        pourquoi = "Elle a levé autre chose.";
    } else if (code == 4) {
        pourquoi = "Elle a occupé plus de 1 Gio : une boucle qui avance de 0 et lance des tâches "
                   "sans fin ?";
    } else if (signal == SIGALRM) {
        pourquoi = "Elle n'a pas rendu la main en 10 s : une boucle qui avance de 0 ?";
    } else if (signal != 0) {
        pourquoi = std::string("Le processus est mort du signal ") + ::strsignal(signal) +
                   (signal == SIGFPE ? " (une division par zéro : n / morceau ?)" : "") + ".";
    }
    BOOST_TEST(code == 0, "somme_par_morceaux(10, morceau 0) doit lever std::invalid_argument : "
                          "un morceau vide ne découpe rien. "
                              << pourquoi);
}
