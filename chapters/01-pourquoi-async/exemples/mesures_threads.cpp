// Chapitre 01 — ce que coûte vraiment un thread du système, mesuré sur votre machine.
//
// L'article affirme, pour un thread OS : ~8 MB de mémoire, ~100 µs de création, 1 à 10 µs
// par changement de contexte, ~1000 threads au maximum. Plutôt que de le croire, ce
// programme mesure les quatre lignes et dit lesquelles tiennent.
//
// Usage : ch01_mesures_threads [--creation N] [--parques N] [--allers-retours N] [--max N]
//                              [--pile-kio K]
//   --creation N        threads créés puis joints un par un (défaut 10000)
//   --parques N         threads endormis pendant la mesure de mémoire (défaut 1000)
//   --allers-retours N  allers-retours entre deux threads sur un même cœur (défaut 100000)
//   --max N             plafond de l'expérience « combien de threads ? » (défaut 2000 ;
//                       essayez 30000 ou plus pour chercher la vraie limite)
//   --pile-kio K        taille de pile pour cette expérience (défaut : celle du système)
//
// Linux seulement (/proc, pthread, sched_setaffinity). Aucune dépendance au runtime rt :
// ce chapitre mesure le monde *avant* l'asynchronisme.
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

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
#include <thread>
#include <vector>

namespace {

using Horloge = std::chrono::steady_clock;

struct Options {
    std::size_t creation = 10000;
    std::size_t parques = 1000;
    std::size_t allers_retours = 100000;
    std::size_t max = 2000;
    std::size_t pile_kio = 0; // 0 : taille par défaut du système
};

Options lire_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string nom = argv[i];
        const std::size_t valeur = std::strtoull(argv[i + 1], nullptr, 10);
        if (nom == "--creation")
            o.creation = valeur;
        else if (nom == "--parques")
            o.parques = valeur;
        else if (nom == "--allers-retours")
            o.allers_retours = valeur;
        else if (nom == "--max")
            o.max = valeur;
        else if (nom == "--pile-kio")
            o.pile_kio = valeur;
        else {
            std::fprintf(stderr, "option inconnue : %s\n", nom.c_str());
            std::exit(2);
        }
    }
    return o;
}

// --- Lecture de /proc ---------------------------------------------------------------------

struct Status {
    long virtuelle_kio = 0; // VmSize : espace d'adressage réservé
    long residente_kio = 0; // VmRSS : pages réellement présentes en mémoire physique
    long threads = 0;
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
        if (cle == "VmSize:")
            s.virtuelle_kio = valeur;
        else if (cle == "VmRSS:")
            s.residente_kio = valeur;
        else if (cle == "Threads:")
            s.threads = valeur;
    }
    return s;
}

std::optional<long> lire_entier(const char* chemin) {
    std::ifstream f(chemin);
    long v = 0;
    if (f >> v)
        return v;
    return std::nullopt;
}

std::string limite_texte(rlim_t v) {
    return v == RLIM_INFINITY ? std::string("illimité") : std::to_string(v);
}

// Nombre de threads de tout le système : le quatrième champ de /proc/loadavg, « actifs/total ».
std::optional<long> threads_du_systeme() {
    std::ifstream f("/proc/loadavg");
    std::string charge1, charge5, charge15, actifs_total;
    if (!(f >> charge1 >> charge5 >> charge15 >> actifs_total))
        return std::nullopt;
    const auto barre = actifs_total.find('/');
    if (barre == std::string::npos)
        return std::nullopt;
    return std::strtol(actifs_total.c_str() + barre + 1, nullptr, 10);
}

// Nombre de zones mémoire du processus : une ligne de /proc/self/maps par zone.
long zones_memoire() {
    std::ifstream f("/proc/self/maps");
    long n = 0;
    for (std::string ligne; std::getline(f, ligne);)
        ++n;
    return n;
}

// --- 1. Création ----------------------------------------------------------------------------

// Crée puis joint n threads vides, un à la fois : le coût complet d'un thread « jetable ».
double ns_par_creation(std::size_t n) {
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < n; ++i)
        std::thread([] {}).join();
    const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
    return n ? duree.count() / static_cast<double>(n) : 0.0;
}

// --- 2. Mémoire de threads endormis ----------------------------------------------------------

struct Memoire {
    double virtuelle_kio_par_thread = 0;
    double residente_kio_par_thread = 0;
};

Memoire memoire_threads_parques(std::size_t n) {
    const Status avant = lire_status();
    std::latch tous_prets(static_cast<std::ptrdiff_t>(n));
    std::atomic<bool> liberer{false};
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        threads.emplace_back([&] {
            tous_prets.count_down();
            // std::atomic::wait (C++20) : le thread dort dans le noyau (futex) sans
            // consommer de CPU, comme un thread de serveur bloqué dans read().
            liberer.wait(false);
        });
    tous_prets.wait(); // la mesure n'a de sens que si tous sont vivants et endormis
    const Status pendant = lire_status();
    liberer = true;
    liberer.notify_all();
    for (auto& t : threads)
        t.join();
    const double d = n ? static_cast<double>(n) : 1.0;
    return {static_cast<double>(pendant.virtuelle_kio - avant.virtuelle_kio) / d,
            static_cast<double>(pendant.residente_kio - avant.residente_kio) / d};
}

// --- 3. Changement de contexte ---------------------------------------------------------------

// Épingle le thread appelant sur un seul cœur ; renvoie false si c'est interdit.
bool epingler(int coeur) {
    cpu_set_t ensemble;
    CPU_ZERO(&ensemble);
    CPU_SET(coeur, &ensemble);
    return pthread_setaffinity_np(pthread_self(), sizeof ensemble, &ensemble) == 0;
}

// Ping-pong par deux tubes entre deux threads épinglés sur le *même* cœur : chaque read()
// bloque, et le planificateur du noyau doit passer à l'autre thread. Un aller-retour = deux
// changements de contexte (plus deux write() et deux read(), inclus dans la mesure).
double ns_par_changement(std::size_t allers_retours, bool& epingle) {
    int ping[2], pong[2];
    if (::pipe(ping) != 0 || ::pipe(pong) != 0) {
        std::perror("pipe");
        std::exit(1);
    }
    cpu_set_t origine;
    pthread_getaffinity_np(pthread_self(), sizeof origine, &origine);
    const int coeur = sched_getcpu();
    epingle = epingler(coeur);

    std::thread partenaire([&] {
        if (epingle)
            epingler(coeur);
        char c;
        for (std::size_t i = 0; i < allers_retours; ++i) {
            if (::read(ping[0], &c, 1) != 1 || ::write(pong[1], &c, 1) != 1)
                return;
        }
    });
    char c = 'x';
    const auto debut = Horloge::now();
    for (std::size_t i = 0; i < allers_retours; ++i) {
        if (::write(ping[1], &c, 1) != 1 || ::read(pong[0], &c, 1) != 1)
            break;
    }
    const std::chrono::duration<double, std::nano> duree = Horloge::now() - debut;
    partenaire.join();
    pthread_setaffinity_np(pthread_self(), sizeof origine, &origine);
    for (int fd : {ping[0], ping[1], pong[0], pong[1]})
        ::close(fd);
    return allers_retours ? duree.count() / (2.0 * static_cast<double>(allers_retours)) : 0.0;
}

// --- 4. Combien de threads ? -----------------------------------------------------------------

struct Capacite {
    std::size_t crees = 0;
    int erreur = 0; // errno de l'échec de pthread_create, 0 si le plafond a été atteint
    double secondes = 0;
    long residente_kio = 0; // RSS ajoutée par ces threads
    // Relevés au moment de l'échec, pour dire quelle limite a cédé.
    std::optional<long> threads_systeme;
    long zones = 0;
};

std::atomic<bool> g_liberer{false};

extern "C" void* dormir(void*) {
    g_liberer.wait(false);
    return nullptr;
}

Capacite combien_de_threads(std::size_t max, std::size_t pile_kio) {
    Capacite c;
    const Status avant = lire_status();
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (pile_kio != 0)
        pthread_attr_setstacksize(&attr, pile_kio * 1024);
    std::vector<pthread_t> threads;
    threads.reserve(max);
    const auto debut = Horloge::now();
    while (threads.size() < max) {
        pthread_t t;
        const int e = pthread_create(&t, &attr, dormir, nullptr);
        if (e != 0) {
            // EAGAIN quelle que soit la limite atteinte (voir diagnostiquer) : on relève les
            // compteurs maintenant, pendant que tous les threads vivent encore.
            c.erreur = e;
            c.threads_systeme = threads_du_systeme();
            c.zones = zones_memoire();
            break;
        }
        threads.push_back(t);
    }
    c.secondes = std::chrono::duration<double>(Horloge::now() - debut).count();
    c.crees = threads.size();
    c.residente_kio = lire_status().residente_kio - avant.residente_kio;
    g_liberer = true;
    g_liberer.notify_all();
    for (pthread_t t : threads)
        pthread_join(t, nullptr);
    pthread_attr_destroy(&attr);
    return c;
}

// Les quatre limites du noyau sur le nombre de threads. Toutes font échouer pthread_create avec
// EAGAIN : seule la comparaison des compteurs relevés à l'échec dit laquelle a cédé.
void diagnostiquer(const Capacite& c, rlim_t nproc) {
    const auto pid_max = lire_entier("/proc/sys/kernel/pid_max");
    const auto threads_max = lire_entier("/proc/sys/kernel/threads-max");
    const auto max_map = lire_entier("/proc/sys/vm/max_map_count");
    const auto pids_max = lire_entier("/sys/fs/cgroup/pids.max");
    std::printf("   limites (toutes donnent EAGAIN) :\n");
    std::printf("     kernel.pid_max     = %-8ld tout le système : un numéro (TID) par thread "
                "(/proc/sys/kernel/pid_max)\n",
                pid_max.value_or(-1));
    std::printf("     kernel.threads-max = %-8ld tout le système : threads de tous les processus "
                "(/proc/sys/kernel/threads-max)\n",
                threads_max.value_or(-1));
    std::printf("     vm.max_map_count   = %-8ld ce processus : zones mémoire, deux par pile "
                "(/proc/sys/vm/max_map_count)\n",
                max_map.value_or(-1));
    std::printf("     RLIMIT_NPROC       = %-8s cet utilisateur : processus et threads, sauf root "
                "(getrlimit, ulimit -u)\n",
                limite_texte(nproc).c_str());
    if (pids_max)
        std::printf("     pids.max du cgroup = %ld (conteneur)\n", *pids_max);
    if (!c.erreur) {
        std::printf("\n");
        return;
    }
    // Une marge : d'autres programmes créent et terminent des threads pendant la mesure.
    const auto proche = [](long compte, std::optional<long> limite) {
        return limite && *limite > 0 && compte + 256 >= *limite;
    };
    const long systeme = c.threads_systeme.value_or(-1);
    std::printf("   à l'échec : %ld threads dans tout le système (/proc/loadavg), %ld zones "
                "mémoire dans ce processus (/proc/self/maps)\n",
                systeme, c.zones);
    const char* cause = "aucune des quatre : la mémoire (RLIMIT_AS, vm.overcommit_memory = 2) ou "
                        "un pids.max";
    if (proche(systeme, pid_max))
        cause = "kernel.pid_max (partagée par tout le système)";
    else if (proche(systeme, threads_max))
        cause = "kernel.threads-max";
    else if (proche(c.zones, max_map))
        cause = "vm.max_map_count";
    else if (::geteuid() != 0 && nproc != RLIM_INFINITY && c.crees + 256 >= nproc)
        cause = "RLIMIT_NPROC (probablement)";
    std::printf("   limite atteinte : %s\n\n", cause);
}

// --- Affichage ---------------------------------------------------------------------------------

// printf compte des octets, pas des caractères : on complète à la main pour que les accents
// (deux octets en UTF-8) n'abîment pas l'alignement du tableau.
std::string colonne(const std::string& s, std::size_t largeur) {
    std::size_t caracteres = 0;
    for (unsigned char c : s)
        caracteres += (c & 0xC0) != 0x80;
    return s + std::string(caracteres < largeur ? largeur - caracteres : 0, ' ');
}

std::string format(const char* f, double v) {
    char tampon[64];
    std::snprintf(tampon, sizeof tampon, f, v);
    return tampon;
}

void ligne(const std::string& critere, const std::string& article, const std::string& mesure,
           const std::string& verdict) {
    std::printf("| %s | %s | %s | %s |\n", colonne(critere, 22).c_str(),
                colonne(article, 9).c_str(), colonne(mesure, 34).c_str(),
                colonne(verdict, 38).c_str());
}

} // namespace

int main(int argc, char** argv) {
    const Options o = lire_options(argc, argv);

    rlimit pile{}, nproc{};
    getrlimit(RLIMIT_STACK, &pile);
    getrlimit(RLIMIT_NPROC, &nproc);
    pthread_attr_t defaut;
    std::size_t pile_defaut = 0;
    pthread_getattr_default_np(&defaut);
    pthread_attr_getstacksize(&defaut, &pile_defaut);
    pthread_attr_destroy(&defaut);

    std::printf("Ce que coûte un thread du système sur cette machine (%u cœurs)\n",
                std::thread::hardware_concurrency());
    std::printf(
        "  pile par défaut d'un thread : %zu kio (ulimit -s : %s kio)\n\n", pile_defaut / 1024,
        pile.rlim_cur == RLIM_INFINITY ? "illimité" : std::to_string(pile.rlim_cur / 1024).c_str());

    std::printf("1. Création + join de %zu threads, un par un...\n", o.creation);
    const double ns_creation = ns_par_creation(o.creation);
    std::printf("   %.1f µs par thread\n\n", ns_creation / 1000);

    std::printf("2. Mémoire de %zu threads endormis...\n", o.parques);
    const Memoire m = memoire_threads_parques(o.parques);
    std::printf("   par thread : %.0f kio réservés (VmSize), %.1f kio résidents (VmRSS)\n\n",
                m.virtuelle_kio_par_thread, m.residente_kio_par_thread);

    std::printf("3. Changement de contexte : %zu allers-retours entre deux threads...\n",
                o.allers_retours);
    bool epingle = false;
    const double ns_changement = ns_par_changement(o.allers_retours, epingle);
    std::printf("   %.2f µs par changement (%s, appels read/write inclus)\n\n",
                ns_changement / 1000,
                epingle ? "deux threads sur le même cœur" : "épinglage refusé : cœurs libres");

    std::printf("4. Combien de threads ? Création jusqu'à l'échec ou jusqu'à %zu...\n", o.max);
    const Capacite c = combien_de_threads(o.max, o.pile_kio);
    std::printf("   %zu threads vivants en même temps (%.2f s, +%ld kio résidents) : %s\n", c.crees,
                c.secondes, c.residente_kio,
                c.erreur ? std::strerror(c.erreur) : "plafond de l'expérience atteint");
    diagnostiquer(c, nproc.rlim_cur);

    // --- Le tableau de l'article, ligne par ligne ---
    std::printf("Le tableau de l'article face à vos mesures\n");
    ligne("Critère", "Article", "Votre machine", "Verdict");
    std::printf("|%s|%s|%s|%s|\n", std::string(24, '-').c_str(), std::string(11, '-').c_str(),
                std::string(36, '-').c_str(), std::string(40, '-').c_str());

    ligne("Mémoire par thread", "~8MB",
          format("%.0f kio réservés, ", m.virtuelle_kio_par_thread) +
              format("%.0f kio résidents", m.residente_kio_par_thread),
          m.residente_kio_par_thread < 1024 ? "trompeur : réservés, pas occupés" : "vrai");

    const double us_creation = ns_creation / 1000;
    ligne("Création", "~100µs", format("%.1f µs", us_creation),
          us_creation < 50    ? format("l'article surestime (÷%.0f)", 100 / us_creation)
          : us_creation < 200 ? "ordre de grandeur juste"
                              : "l'article sous-estime");

    const double us_changement = ns_changement / 1000;
    ligne("Changement contexte", "~1-10µs", format("%.2f µs", us_changement),
          us_changement >= 0.5 && us_changement <= 15 ? "ordre de grandeur juste"
          : us_changement < 0.5                       ? "l'article surestime"
                                                      : "l'article sous-estime");

    ligne("Nombre max", "~1000",
          c.erreur ? std::to_string(c.crees) + " (limite atteinte)"
                   : "≥ " + std::to_string(c.crees) + " (plafond --max)",
          c.crees > 1000 ? "faux : bien plus de 1000"
          : c.erreur     ? "vrai ici : voir les limites ci-dessus"
                         : "à vérifier avec --max plus grand");

    std::printf("\nÀ retenir : un thread réserve une grosse pile virtuelle mais n'en touche que "
                "quelques kio ;\nce qui limite le modèle « un thread par connexion », ce sont "
                "les limites du noyau, la\nmémoire réellement touchée et le coût des "
                "changements de contexte quand tout le monde travaille.\n");
    return 0;
}
