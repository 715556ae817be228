/// \file
/// \brief Chapitre 11 — le tableau « Thread OS contre Tâche Tokio » de l'article, mesuré ligne
/// par ligne sur votre machine : des `std::thread` contre des tâches `rt`.
///
/// | Ligne | Threads du système | Tâches rt |
/// |---|---|---|
/// | Mémoire | N threads endormis sur un futex : VmRSS (résident) et VmSize (réservé) | T tâches endormies (`sleep`) : VmRSS |
/// | Création | créer puis joindre un thread, un par un | le programme de l'article : `spawn` puis attente |
/// | Changement de contexte | deux threads qui se renvoient la main par un futex | deux tâches qui se la renvoient (`yield_now`, canaux) |
/// | Nombre max | créer des threads jusqu'à l'échec ou au plafond | lancer des tâches jusqu'au plafond |
///
/// Chaque expérience tourne dans un **processus neuf** (fork, avant tout thread) : la mémoire
/// d'une expérience ne profite pas à la suivante (le cache d'allocation du runtime garde ses
/// blocs), et une expérience qui atteint une limite du système ne gêne pas les autres.
///
/// Usage : `ch11_tableau [--complet] [--threads N] [--taches N] [--allers-retours N]`
///   (défaut)          rapide, quelques secondes : 2 000 threads, 100 000 tâches
///   --complet         10 000 threads, 1 000 000 de tâches, 10 fois plus d'allers-retours
///   --threads N       plafond de threads vivants (le programme ne dépasse jamais la moitié
///                     des limites du système ; pour aller jusqu'à l'échec, voyez
///                     ch01_mesures_threads --max N au chapitre 01)
///   --taches N        plafond de tâches vivantes
///   --allers-retours N  nombre d'allers-retours des changements de contexte
///
/// Linux seulement (/proc, futex, affinité des threads).
#include <rt/rt.hpp>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <latch>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;

namespace {

using Horloge = std::chrono::steady_clock;

// --- /proc ---------------------------------------------------------------------------------

/// Les lignes de /proc/self/status qui nous intéressent, en kio.
struct Status {
    long vm_size = 0; ///< espace d'adressage réservé
    long vm_rss = 0;  ///< pages présentes en mémoire physique (résident)
    long vm_hwm = 0;  ///< le plus haut VmRSS atteint
};

Status lire_status() {
    Status s;
    std::ifstream f("/proc/self/status");
    std::string ligne;
    while (std::getline(f, ligne)) {
        std::istringstream champs(ligne);
        std::string cle;
        long valeur = 0;
        champs >> cle >> valeur;
        if (cle == "VmSize:") {
            s.vm_size = valeur;
        } else if (cle == "VmRSS:") {
            s.vm_rss = valeur;
        } else if (cle == "VmHWM:") {
            s.vm_hwm = valeur;
        }
    }
    return s;
}

std::optional<long> lire_entier(const char* chemin) {
    std::ifstream f(chemin);
    long v = 0;
    if (f >> v) {
        return v;
    }
    return std::nullopt; // absent, ou « max » (pids.max sans limite)
}

/// MemAvailable de /proc/meminfo, en kio.
long memoire_disponible_kio() {
    std::ifstream f("/proc/meminfo");
    std::string cle;
    long valeur = 0;
    std::string unite;
    while (f >> cle >> valeur >> unite) {
        if (cle == "MemAvailable:") {
            return valeur;
        }
    }
    return 1L << 20; // inconnu : on suppose 1 Gio
}

/// Nombre de threads déjà vivants dans le système (les entrées de /proc/*/task coûtent cher :
/// on prend la ligne « procs_running » de /proc/loadavg, qui donne « courants/total »).
long threads_du_systeme() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c, courants;
    f >> a >> b >> c >> courants;
    const auto barre = courants.find('/');
    return barre == std::string::npos ? 0 : std::atol(courants.c_str() + barre + 1);
}

// --- Une expérience dans un processus neuf ----------------------------------------------------

/// Ce qu'un enfant renvoie à son parent par un tube : un bloc d'octets de taille fixe.
struct Resultat {
    bool ok = false;
    double valeurs[6] = {};
    std::size_t nombre = 0;
    int erreur = 0; ///< errno de l'échec qui a arrêté l'expérience (0 : plafond atteint)
    char note[160] = {};
};
static_assert(std::is_trivially_copyable_v<Resultat>);

template <class F>
Resultat dans_un_enfant(F experience) {
    int tube[2];
    if (::pipe(tube) != 0) {
        std::perror("pipe");
        std::exit(1);
    }
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("fork");
        std::exit(1);
    }
    if (pid == 0) {
        ::close(tube[0]);
        Resultat r;
        try {
            r = experience();
        } catch (const std::exception& e) {
            r = Resultat{};
            std::snprintf(r.note, sizeof r.note, "%s", e.what());
        }
        [[maybe_unused]] auto n = ::write(tube[1], &r, sizeof r);
        ::_exit(0); // sans détruire ce que le parent possède aussi
    }
    ::close(tube[1]);
    Resultat r;
    const ssize_t lu = ::read(tube[0], &r, sizeof r);
    ::close(tube[0]);
    int statut = 0;
    ::waitpid(pid, &statut, 0);
    if (lu != static_cast<ssize_t>(sizeof r)) {
        r = Resultat{};
        std::snprintf(r.note, sizeof r.note, "l'expérience s'est arrêtée (statut %d)", statut);
    }
    return r;
}

// --- Threads : mémoire et nombre (threads endormis sur un futex) ------------------------------

/// Crée jusqu'à `plafond` threads qui dorment (std::atomic::wait : un futex), tous vivants en
/// même temps. valeurs : [0] kio résidents par thread, [1] kio réservés par thread,
/// [2] µs par création (threads gardés vivants).
Resultat threads_endormis(std::size_t plafond) {
    Resultat r;
    std::atomic<bool> liberer{false};
    const Status avant = lire_status();
    std::vector<pthread_t> threads;
    threads.reserve(plafond);
    auto* partage = &liberer;
    const auto debut = Horloge::now();
    while (threads.size() < plafond) {
        pthread_t t;
        const int e = ::pthread_create(
            &t, nullptr,
            [](void* p) -> void* {
                static_cast<std::atomic<bool>*>(p)->wait(false); // dort dans le noyau
                return nullptr;
            },
            partage);
        if (e != 0) {
            r.erreur = e; // EAGAIN le plus souvent : une limite du système est atteinte
            break;
        }
        threads.push_back(t);
    }
    const std::chrono::duration<double, std::micro> duree = Horloge::now() - debut;
    const Status pendant = lire_status();
    liberer.store(true);
    liberer.notify_all();
    for (pthread_t t : threads) {
        ::pthread_join(t, nullptr);
    }
    const double n = static_cast<double>(std::max<std::size_t>(threads.size(), 1));
    r.nombre = threads.size();
    r.valeurs[0] = static_cast<double>(pendant.vm_rss - avant.vm_rss) / n;
    r.valeurs[1] = static_cast<double>(pendant.vm_size - avant.vm_size) / n;
    r.valeurs[2] = duree.count() / n;
    r.ok = true;
    return r;
}

/// Crée puis joint `n` threads vides, un par un : le coût complet d'un thread jetable.
/// valeurs : [0] µs par thread.
Resultat creer_joindre_threads(std::size_t n) {
    Resultat r;
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i) {
        std::thread([] {}).join();
    }
    const std::chrono::duration<double, std::micro> duree = Horloge::now() - debut;
    r.valeurs[0] = duree.count() / static_cast<double>(n);
    r.nombre = n;
    r.ok = true;
    return r;
}

// --- Threads : changement de contexte ---------------------------------------------------------

bool epingler(int coeur) {
    cpu_set_t ensemble;
    CPU_ZERO(&ensemble);
    CPU_SET(coeur, &ensemble);
    return ::pthread_setaffinity_np(::pthread_self(), sizeof ensemble, &ensemble) == 0;
}

/// Deux threads se renvoient la main `allers_retours` fois par un futex (std::atomic::wait et
/// notify_one) ; sur le même cœur si `meme_coeur` (chaque passage est alors un vrai changement
/// de contexte). valeurs : [0] ns par passage de main (aller ou retour).
Resultat ping_pong_threads(std::size_t allers_retours, bool meme_coeur) {
    Resultat r;
    const int coeur = ::sched_getcpu();
    bool epingle = false;
    if (meme_coeur) {
        epingle = epingler(coeur);
    }
    std::atomic<int> tour{0}; // 0 : au thread A ; 1 : au thread B
    std::thread b([&] {
        if (epingle) {
            epingler(coeur);
        }
        for (std::size_t i = 0; i < allers_retours; ++i) {
            while (tour.load() != 1) {
                tour.wait(0);
            }
            tour.store(0);
            tour.notify_one();
        }
    });
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < allers_retours; ++i) {
        tour.store(1);
        tour.notify_one();
        while (tour.load() != 0) {
            tour.wait(1);
        }
    }
    const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
    b.join();
    r.valeurs[0] = duree.count() / (2.0 * static_cast<double>(allers_retours));
    r.ok = !meme_coeur || epingle;
    if (!r.ok) {
        std::snprintf(r.note, sizeof r.note, "épinglage sur un cœur refusé");
    }
    return r;
}

// --- Tâches : mémoire et nombre ----------------------------------------------------------------

/// Lance `plafond` tâches qui dorment (une heure : elles seront détruites à l'arrêt du runtime),
/// laisse chacune atteindre son `sleep`, puis lit la mémoire. valeurs : [0] octets résidents
/// par tâche (VmRSS), [1] octets par tâche au plus haut (VmHWM), [2] ns par spawn.
Resultat taches_endormies(std::size_t plafond) {
    Resultat r;
    const Status avant = lire_status();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([](std::size_t plafond, Resultat& r) -> rt::Task<void> {
        const auto debut = Horloge::now();
        for (std::size_t i = 0; i < plafond; ++i) {
            (void)rt::spawn([]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
        }
        const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
        // Sur current_thread, la file est FIFO : en cédant la main, on passe derrière toutes
        // les tâches lancées, qui s'exécutent jusqu'à leur sleep (leur minuterie est inscrite).
        co_await rt::task::yield_now();
        r.nombre = rt::Handle::current().metrics().num_alive_tasks;
        r.valeurs[2] = duree.count() / static_cast<double>(plafond);
    }(plafond, r));
    const Status pendant = lire_status();
    const double n = static_cast<double>(std::max<std::size_t>(r.nombre, 1));
    r.valeurs[0] = 1024.0 * static_cast<double>(pendant.vm_rss - avant.vm_rss) / n;
    r.valeurs[1] = 1024.0 * static_cast<double>(pendant.vm_hwm - avant.vm_rss) / n;
    r.ok = r.nombre == plafond;
    return r; // le runtime est détruit ici : les tâches endormies sont annulées
}

/// Le programme de l'article : `n` tâches vides, lancées puis attendues, `fois` fois ; on
/// garde la meilleure mesure (la première paie l'échauffement de l'allocateur).
rt::Task<double> spawn_attendre(std::size_t n, int fois) {
    double meilleure = 1e300;
    for (int f = 0; f < fois; ++f) {
        std::vector<rt::JoinHandle<void>> handles;
        handles.reserve(n);
        const auto debut = Horloge::now();
        for (std::size_t i = 0; i < n; ++i) {
            handles.push_back(rt::spawn([]() -> rt::Task<void> { co_return; }));
        }
        for (auto& h : handles) {
            (void)co_await h;
        }
        const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
        meilleure = std::min(meilleure, duree.count() / static_cast<double>(n));
    }
    co_return meilleure;
}

/// valeurs : [0] ns par tâche sur current_thread, [1] sur multi_thread (depuis un worker).
Resultat creer_taches(std::size_t n) {
    Resultat r;
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        r.valeurs[0] = runtime.block_on(spawn_attendre(n, 5));
    }
    {
        rt::Runtime runtime = rt::Builder::multi_thread().build();
        r.valeurs[1] = runtime.block_on([](std::size_t n) -> rt::Task<double> {
            co_return (co_await rt::spawn(spawn_attendre(n, 5))).value();
        }(n));
        r.nombre = runtime.metrics().num_workers;
    }
    r.ok = true;
    return r;
}

// --- Tâches : changement de contexte ----------------------------------------------------------

/// Deux tâches qui se cèdent la main par yield_now, sur current_thread : A, B, A, B...
rt::Task<double> ping_pong_yield(std::size_t allers_retours) {
    auto tourner = [](std::size_t n) -> rt::Task<void> {
        for (std::size_t i = 0; i < n; ++i) {
            co_await rt::task::yield_now();
        }
    };
    const auto debut = Horloge::now();
    auto a = rt::spawn(tourner(allers_retours));
    auto b = rt::spawn(tourner(allers_retours));
    (void)co_await a;
    (void)co_await b;
    const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
    co_return duree.count() / (2.0 * static_cast<double>(allers_retours));
}

/// Deux tâches qui se renvoient un message par deux canaux broadcast : un vrai passage de
/// main, l'une attend ce que l'autre envoie.
rt::Task<double> ping_pong_canaux(std::size_t allers_retours) {
    auto [ping_tx, ping_rx] = rt::sync::broadcast::channel<std::size_t>(4);
    auto [pong_tx, pong_rx] = rt::sync::broadcast::channel<std::size_t>(4);
    auto b = rt::spawn([n = allers_retours, rx = std::move(ping_rx),
                        tx = std::move(pong_tx)]() mutable -> rt::Task<void> {
        for (std::size_t i = 0; i < n; ++i) {
            auto recu = co_await rx.recv();
            (void)tx.send(recu.has_value() ? *recu : 0);
        }
    });
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < allers_retours; ++i) {
        (void)ping_tx.send(i);
        (void)co_await pong_rx.recv();
    }
    const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
    (void)co_await b;
    co_return duree.count() / (2.0 * static_cast<double>(allers_retours));
}

/// valeurs : [0] yield_now sur current_thread, [1] canaux sur current_thread, [2] canaux sur
/// multi_thread (les deux tâches sur des workers), en ns par passage de main.
Resultat changements_taches(std::size_t allers_retours) {
    Resultat r;
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        r.valeurs[0] = runtime.block_on(ping_pong_yield(allers_retours));
        r.valeurs[1] = runtime.block_on(ping_pong_canaux(allers_retours));
    }
    {
        rt::Runtime runtime = rt::Builder::multi_thread().build();
        r.valeurs[2] = runtime.block_on([](std::size_t n) -> rt::Task<double> {
            co_return (co_await rt::spawn(ping_pong_canaux(n))).value();
        }(allers_retours));
    }
    r.ok = true;
    return r;
}

// --- Affichage ---------------------------------------------------------------------------------

std::string fmt(const char* format, double v) {
    char tampon[64];
    std::snprintf(tampon, sizeof tampon, format, v);
    std::string s = tampon;
    if (const auto point = s.find('.'); point != std::string::npos) {
        s[point] = ','; // virgule décimale à la française
    }
    return s;
}

std::string milliers(std::size_t n) {
    const std::string chiffres = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < chiffres.size(); ++i) {
        if (i > 0 && (chiffres.size() - i) % 3 == 0) {
            s += "\u202f"; // espace fine insécable
        }
        s += chiffres[i];
    }
    return s;
}

struct Options {
    std::size_t threads = 2'000;
    std::size_t taches = 100'000;
    std::size_t allers_retours = 20'000;
    bool complet = false;
};

Options lire_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto valeur = [&]() -> std::size_t {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s attend un nombre\n", argv[i]);
                std::exit(2);
            }
            return std::strtoull(argv[++i], nullptr, 10);
        };
        if (a == "--complet") {
            o.complet = true;
            o.threads = 10'000;
            o.taches = 1'000'000;
            o.allers_retours = 200'000;
        } else if (a == "--threads") {
            o.threads = valeur();
        } else if (a == "--taches") {
            o.taches = valeur();
        } else if (a == "--allers-retours") {
            o.allers_retours = valeur();
        } else {
            std::fprintf(stderr,
                         "option inconnue : %s\nusage : ch11_tableau [--complet] [--threads N] "
                         "[--taches N] [--allers-retours N]\n",
                         argv[i]);
            std::exit(2);
        }
    }
    o.threads = std::max<std::size_t>(o.threads, 2);
    o.taches = std::max<std::size_t>(o.taches, 1);
    o.allers_retours = std::max<std::size_t>(o.allers_retours, 1);
    return o;
}

} // namespace

int main(int argc, char** argv) {
    Options o = lire_options(argc, argv);

    // --- Les limites du système, et ce qu'on s'autorise ---
    rlimit nproc{};
    ::getrlimit(RLIMIT_NPROC, &nproc);
    const long threads_max = lire_entier("/proc/sys/kernel/threads-max").value_or(-1);
    const long pid_max = lire_entier("/proc/sys/kernel/pid_max").value_or(-1);
    const long max_map = lire_entier("/proc/sys/vm/max_map_count").value_or(-1);
    const auto pids_max = lire_entier("/sys/fs/cgroup/pids.max");
    const long dispo_kio = memoire_disponible_kio();
    const long deja = threads_du_systeme();
    // Jamais plus de la moitié de ce qui reste sous chaque limite : l'expérience ne doit pas
    // empêcher les autres programmes de la machine de créer leurs threads.
    std::size_t permis = o.threads;
    auto borner = [&](long limite, const char* nom) {
        if (limite <= 0) {
            return;
        }
        const long reste = std::max(0L, (limite - deja) / 2);
        if (static_cast<long>(permis) > reste) {
            std::printf("(plafond de threads ramené de %zu à %ld : la moitié de ce que laisse "
                        "%s)\n",
                        permis, reste, nom);
            permis = static_cast<std::size_t>(reste);
        }
    };
    borner(threads_max, "kernel.threads-max");
    borner(pid_max, "kernel.pid_max");
    if (pids_max) {
        borner(*pids_max, "le pids.max du cgroup");
    }
    if (nproc.rlim_cur != RLIM_INFINITY && ::geteuid() != 0) {
        borner(static_cast<long>(nproc.rlim_cur), "RLIMIT_NPROC");
    }
    if (max_map > 0) {
        borner(max_map / 2, "vm.max_map_count (deux zones par thread)");
    }
    borner(dispo_kio / 4 / 64, "un quart de la mémoire disponible (64 kio par thread)");
    o.threads = std::max<std::size_t>(permis, 2);
    // Les tâches : au plus un quart de la mémoire disponible, à 1 kio par tâche (large).
    if (static_cast<long>(o.taches) > dispo_kio / 4) {
        o.taches = static_cast<std::size_t>(dispo_kio / 4);
        std::printf("(plafond de tâches ramené à %zu : un quart de la mémoire disponible)\n",
                    o.taches);
    }

    std::printf("Le tableau de l'article, mesuré sur cette machine (%u cœurs, %s)\n\n",
                std::thread::hardware_concurrency(),
                o.complet ? "mesure complète" : "mesure rapide ; --complet pour la mesure entière");

    std::printf("1. Threads endormis (futex), jusqu'à %s ou jusqu'à l'échec...\n",
                milliers(o.threads).c_str());
    const Resultat te = dans_un_enfant([&] { return threads_endormis(o.threads); });
    std::printf("   %s threads vivants ; par thread : %s kio résidents, %s kio réservés%s%s\n",
                milliers(te.nombre).c_str(), fmt("%.1f", te.valeurs[0]).c_str(),
                fmt("%.0f", te.valeurs[1]).c_str(), te.erreur ? " ; arrêt : " : "",
                te.erreur ? std::strerror(te.erreur) : "");

    std::printf("2. Tâches endormies (sleep), %s...\n", milliers(o.taches).c_str());
    const Resultat ta = dans_un_enfant([&] { return taches_endormies(o.taches); });
    std::printf("   %s tâches vivantes ; par tâche : %s octets résidents (%s au plus haut)%s%s\n",
                milliers(ta.nombre).c_str(), fmt("%.0f", ta.valeurs[0]).c_str(),
                fmt("%.0f", ta.valeurs[1]).c_str(), ta.note[0] ? " ; " : "", ta.note);

    const std::size_t n_creation = std::min<std::size_t>(o.threads, o.complet ? 10'000 : 2'000);
    std::printf("3. Créer puis joindre %s threads, un par un...\n", milliers(n_creation).c_str());
    const Resultat tc = dans_un_enfant([&] { return creer_joindre_threads(n_creation); });
    std::printf("   %s µs par thread\n", fmt("%.1f", tc.valeurs[0]).c_str());

    std::printf("4. Le programme de l'article : %s tâches vides, spawn puis attente...\n",
                milliers(o.taches).c_str());
    const Resultat tk = dans_un_enfant([&] { return creer_taches(o.taches); });
    std::printf("   %s ns par tâche sur current_thread, %s ns sur multi_thread (%zu workers)\n",
                fmt("%.0f", tk.valeurs[0]).c_str(), fmt("%.0f", tk.valeurs[1]).c_str(), tk.nombre);

    std::printf("5. Deux threads qui se renvoient la main %s fois (futex)...\n",
                milliers(o.allers_retours).c_str());
    const Resultat cm = dans_un_enfant([&] { return ping_pong_threads(o.allers_retours, true); });
    const Resultat cl = dans_un_enfant([&] { return ping_pong_threads(o.allers_retours, false); });
    std::printf("   %s µs par passage sur le même cœur%s, %s µs sur deux cœurs libres\n",
                fmt("%.2f", cm.valeurs[0] / 1000).c_str(), cm.ok ? "" : " (épinglage refusé)",
                fmt("%.2f", cl.valeurs[0] / 1000).c_str());

    std::printf("6. Deux tâches qui se renvoient la main %s fois...\n",
                milliers(o.allers_retours * 5).c_str());
    const Resultat ck = dans_un_enfant([&] { return changements_taches(o.allers_retours * 5); });
    std::printf("   %s ns par passage (yield_now, current_thread), %s ns (canaux, current_thread),"
                " %s ns (canaux, multi_thread)\n\n",
                fmt("%.0f", ck.valeurs[0]).c_str(), fmt("%.0f", ck.valeurs[1]).c_str(),
                fmt("%.0f", ck.valeurs[2]).c_str());

    // --- Le tableau ---
    const std::string max_threads = te.erreur ? milliers(te.nombre) + " (limite atteinte)"
                                              : "≥ " + milliers(te.nombre) + " (plafond)";
    const std::string max_taches =
        (ta.ok ? "≥ " : "") + milliers(ta.nombre) + " (plafond), " +
        fmt("%.0f", ta.valeurs[0] * static_cast<double>(ta.nombre) / 1048576.0) + " Mio";
    std::printf("| Critère | Article : thread OS | Mesuré : std::thread | Article : tâche Tokio "
                "| Mesuré : tâche rt |\n");
    std::printf("|---|---|---|---|---|\n");
    std::printf("| Mémoire | ~8MB | %s kio résidents (%s kio réservés) | ~2KB | %s octets "
                "résidents |\n",
                fmt("%.1f", te.valeurs[0]).c_str(), fmt("%.0f", te.valeurs[1]).c_str(),
                fmt("%.0f", ta.valeurs[0]).c_str());
    std::printf("| Création | ~100µs | %s µs (créer + joindre) | ~100ns | %s ns (current_thread), "
                "%s ns (multi_thread) |\n",
                fmt("%.1f", tc.valeurs[0]).c_str(), fmt("%.0f", tk.valeurs[0]).c_str(),
                fmt("%.0f", tk.valeurs[1]).c_str());
    std::printf("| Changement contexte | ~1-10µs | %s µs (même cœur), %s µs (deux cœurs) | "
                "~10-100ns | %s ns (yield_now), %s ns (canal), %s ns (canal, multi_thread) |\n",
                fmt("%.2f", cm.valeurs[0] / 1000).c_str(),
                fmt("%.2f", cl.valeurs[0] / 1000).c_str(), fmt("%.0f", ck.valeurs[0]).c_str(),
                fmt("%.0f", ck.valeurs[1]).c_str(), fmt("%.0f", ck.valeurs[2]).c_str());
    std::printf("| Nombre max | ~1000 | %s | >100 000 | %s |\n\n", max_threads.c_str(),
                max_taches.c_str());

    std::printf("Limites du système pour les threads : kernel.threads-max = %ld, "
                "kernel.pid_max = %ld, vm.max_map_count = %ld (deux zones par thread), "
                "RLIMIT_NPROC = %s%s%s ; mémoire disponible : %ld Mio ; threads déjà vivants : "
                "%ld.\n",
                threads_max, pid_max, max_map,
                nproc.rlim_cur == RLIM_INFINITY ? "illimité"
                                                : std::to_string(nproc.rlim_cur).c_str(),
                pids_max ? ", pids.max du cgroup = " : "",
                pids_max ? std::to_string(*pids_max).c_str() : "", dispo_kio / 1024, deja);
    std::printf("Ce programme s'arrête à la moitié de ces limites ; pour aller jusqu'à l'échec de "
                "pthread_create : ch01_mesures_threads --max 100000 (chapitre 01).\n");
    const bool ok = te.ok && ta.ok && tc.ok && tk.ok && cl.ok && ck.ok;
    return ok ? 0 : 1;
}
