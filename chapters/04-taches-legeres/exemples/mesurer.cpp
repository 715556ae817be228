/// \file
/// \brief Chapitre 04 — combien coûte une tâche qui dort ? Et un thread qui attend ?
///
/// Pour 10 000, 100 000 et 1 000 000 de tâches : la mémoire résidente ajoutée par tâche
/// (VmRSS de /proc/self/status, différence avec la mesure d'avant le lancement) pendant que
/// toutes dorment en même temps, et le temps d'un `rt::spawn`. Même chose avec `std::thread`
/// (des threads qui attendent une variable de condition), jusqu'à un plafond.
///
/// Chaque mesure a lieu dans un **processus neuf** (fork) : le cache d'allocation du runtime
/// garde ses blocs pour les réutiliser, une deuxième mesure dans le même processus
/// recyclerait la mémoire de la première et paraîtrait gratuite.
///
/// Usage : `ch04_mesurer [--max N] [--threads-max M]`
///   --max N          plus grand nombre de tâches essayé (défaut 1000000 ; 10000, 100000, puis N)
///   --threads-max M  plus grand nombre de threads essayé (défaut 10000)
#include <rt/rt.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
/// L'horloge monotone : celle de rt::time (jamais reculée par un réglage de l'heure).
using Horloge = std::chrono::steady_clock;

namespace {

/// Ce qu'un processus enfant renvoie à son parent par un tube (un bloc d'octets fixe).
struct Mesure {
    bool ok = false;
    std::size_t crees = 0;      ///< tâches ou threads réellement créés
    double octets_par = 0;      ///< mémoire résidente ajoutée, par tâche ou thread
    double ns_par_creation = 0; ///< temps moyen d'un spawn ou d'une création de thread
    char erreur[200] = {};      ///< pourquoi la mesure s'est arrêtée avant la fin
};

/// VmRSS : les pages du processus présentes en mémoire physique, en octets.
long long rss_octets() {
    std::ifstream f("/proc/self/status");
    std::string ligne;
    while (std::getline(f, ligne)) {
        if (ligne.rfind("VmRSS:", 0) == 0) {
            std::istringstream champs(ligne.substr(6));
            long long kio = 0;
            champs >> kio;
            return kio * 1024;
        }
    }
    return 0;
}

double ns_par(Horloge::duration d, std::size_t n) {
    return n == 0 ? 0.0
                  : std::chrono::duration<double, std::nano>(d).count() / static_cast<double>(n);
}

// --- Dans l'enfant : n tâches qui dorment ---------------------------------------------------

rt::Task<void> remplir_de_taches(std::size_t n, Mesure* m) {
    const long long avant = rss_octets();
    // Les JoinHandle font partie du coût (8 octets chacun) : le vecteur est compté.
    std::vector<rt::JoinHandle<void>> handles;
    handles.reserve(n);
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        handles.push_back(rt::spawn([]() -> rt::Task<void> { co_await rt::time::sleep(1h); }));
    }
    m->ns_par_creation = ns_par(Horloge::now() - debut, n);
    // Céder la main une fois : chaque tâche tourne jusqu'à son sleep et inscrit sa minuterie.
    // Quand main_async reprend, les n tâches dorment toutes en même temps.
    co_await rt::task::yield_now();
    m->octets_par = static_cast<double>(rss_octets() - avant) / static_cast<double>(n);
    m->crees = rt::Handle::current().metrics().num_timers;
    m->ok = m->crees == n;
    if (!m->ok) {
        std::snprintf(m->erreur, sizeof m->erreur, "%zu minuteries au lieu de %zu", m->crees, n);
    }
}

void mesurer_taches(std::size_t n, Mesure* m) {
    rt::block_on(remplir_de_taches(n, m));
}

// --- Dans l'enfant : n threads qui attendent ------------------------------------------------

void mesurer_threads(std::size_t n, Mesure* m) {
    std::mutex verrou;
    std::condition_variable cv;
    bool partir = false;
    std::atomic<std::size_t> demarres{0};
    std::vector<std::thread> threads;
    threads.reserve(n);

    const long long avant = rss_octets();
    const auto debut = Horloge::now();
    try {
        for (std::size_t i = 0; i < n; ++i) {
            threads.emplace_back([&] {
                demarres.fetch_add(1, std::memory_order_relaxed);
                std::unique_lock l(verrou);
                cv.wait(l,
                        [&] { return partir; }); // l'équivalent du sleep : bloqué, sans rien faire
            });
        }
    } catch (const std::system_error& e) {
        std::snprintf(m->erreur, sizeof m->erreur, "création refusée après %zu threads : %s",
                      threads.size(), e.what());
    }
    m->ns_par_creation = ns_par(Horloge::now() - debut, threads.size());
    // Attendre que chaque thread ait vraiment démarré (sa pile a servi) avant de mesurer.
    while (demarres.load(std::memory_order_relaxed) < threads.size()) {
        std::this_thread::sleep_for(1ms);
    }
    m->crees = threads.size();
    m->octets_par = threads.empty() ? 0.0
                                    : static_cast<double>(rss_octets() - avant) /
                                          static_cast<double>(threads.size());
    m->ok = m->crees == n;
    {
        std::lock_guard l(verrou);
        partir = true;
    }
    cv.notify_all();
    for (auto& t : threads) {
        t.join();
    }
}

// --- Dans le parent : un processus neuf par mesure ------------------------------------------

template <class F>
Mesure dans_un_enfant(F&& mesurer) {
    Mesure m;
    int tube[2];
    if (::pipe(tube) != 0) {
        std::snprintf(m.erreur, sizeof m.erreur, "pipe : %s", std::strerror(errno));
        return m;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(tube[0]);
        Mesure resultat;
        mesurer(&resultat);
        [[maybe_unused]] auto ecrits = ::write(tube[1], &resultat, sizeof resultat);
        // Sortie immédiate : inutile de détruire un million de tâches une à une, le noyau
        // reprend toute la mémoire de l'enfant d'un coup.
        std::_Exit(0);
    }
    ::close(tube[1]);
    if (pid < 0) {
        std::snprintf(m.erreur, sizeof m.erreur, "fork : %s", std::strerror(errno));
    } else if (::read(tube[0], &m, sizeof m) != static_cast<ssize_t>(sizeof m)) {
        std::snprintf(m.erreur, sizeof m.erreur,
                      "le processus de mesure s'est arrêté sans rien dire");
    }
    ::close(tube[0]);
    if (pid > 0) {
        int statut = 0;
        ::waitpid(pid, &statut, 0);
    }
    return m;
}

std::string lire_ligne(const char* chemin) {
    std::ifstream f(chemin);
    std::string s;
    std::getline(f, s);
    return s.empty() ? "?" : s;
}

std::string avec_espaces(std::size_t n) {
    // On recopie chiffre par chiffre plutôt que d'insérer dans la chaîne : g++ 12 signale à
    // tort un chevauchement (-Wrestrict) sur std::string::insert en -O2.
    const std::string chiffres = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < chiffres.size(); ++i) {
        if (i > 0 && (chiffres.size() - i) % 3 == 0) {
            s += ' ';
        }
        s += chiffres[i];
    }
    return s;
}

std::size_t lire_nombre(const char* texte) {
    return static_cast<std::size_t>(std::strtoull(texte, nullptr, 10));
}

} // namespace

int main(int argc, char** argv) {
    std::size_t max = 1'000'000;
    std::size_t threads_max = 10'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--max") == 0) {
            max = lire_nombre(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--threads-max") == 0) {
            threads_max = lire_nombre(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage : ch04_mesurer [--max N] [--threads-max M]\n");
            return 2;
        }
    }
    std::vector<std::size_t> tailles;
    for (std::size_t n : {std::size_t{10'000}, std::size_t{100'000}, std::size_t{1'000'000}}) {
        if (n <= max) {
            tailles.push_back(n);
        }
    }
    if (tailles.empty() || tailles.back() < max) {
        tailles.push_back(max);
    }

    std::printf(
        "Tâches qui dorment contre threads qui attendent (mesuré sur cette machine,\n"
        "un processus neuf par mesure ; mémoire = VmRSS ajoutée, divisée par le nombre)\n\n");
    std::printf("%11s | %-28s | %-30s\n", "", "rt::spawn + sleep(1 h)", "std::thread + attente");
    std::printf("%11s | %13s %14s | %13s %16s\n", "nombre", "octets/tâche", "ns/spawn",
                "octets/thread", "µs/création");
    std::printf("------------+------------------------------+-------------------------------\n");
    bool threads_sautes = false;
    std::string echecs;
    for (std::size_t n : tailles) {
        const Mesure t = dans_un_enfant([n](Mesure* m) { mesurer_taches(n, m); });
        std::printf("%11s | ", avec_espaces(n).c_str());
        if (t.ok) {
            std::printf("%13.0f %14.0f | ", t.octets_par, t.ns_par_creation);
        } else {
            std::printf("%28s | ", "échec (voir plus bas)");
            echecs += std::string("rt, ") + avec_espaces(n) + " : " + t.erreur + "\n";
        }
        if (n > threads_max) {
            std::printf("%30s\n", "non mesuré (plafond)");
            threads_sautes = true;
            continue;
        }
        const Mesure th = dans_un_enfant([n](Mesure* m) { mesurer_threads(n, m); });
        if (th.ok) {
            std::printf("%13.0f %16.1f\n", th.octets_par, th.ns_par_creation / 1000.0);
        } else {
            std::printf("%30s\n", "échec (voir plus bas)");
            echecs += std::string("std::thread, ") + avec_espaces(n) + " : " + th.erreur + "\n";
        }
    }

    std::printf("\nL'article annonce : « quelques KB » (~2 KB) et ~100 ns par tâche ; ~8 MB et "
                "~100 µs par thread.\n");
    if (!echecs.empty()) {
        std::printf("\nMesures interrompues :\n%s", echecs.c_str());
    }
    if (threads_sautes) {
        rlimit nproc{};
        ::getrlimit(RLIMIT_NPROC, &nproc);
        std::printf(
            "\nstd::thread n'est pas essayé au-delà de %s (--threads-max) : chaque thread "
            "prend un PID\n(pid_max = %s, threads-max = %s, ulimit -u = %s) et deux "
            "zones de mémoire\n(vm.max_map_count = %s). Essayez --threads-max 30000 pour "
            "chercher la limite.\n",
            avec_espaces(threads_max).c_str(), lire_ligne("/proc/sys/kernel/pid_max").c_str(),
            lire_ligne("/proc/sys/kernel/threads-max").c_str(),
            nproc.rlim_cur == RLIM_INFINITY ? "illimité" : std::to_string(nproc.rlim_cur).c_str(),
            lire_ligne("/proc/sys/vm/max_map_count").c_str());
    }
    std::printf("\nVmRSS ne compte pas ce que le noyau garde pour chaque thread (sa pile noyau de\n"
                "16 Kio, ses structures) : un thread coûte plus que la colonne ne le dit. Une\n"
                "tâche, elle, n'existe que dans la mémoire du processus : tout est compté.\n");
}
