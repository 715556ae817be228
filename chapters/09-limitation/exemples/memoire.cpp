/// \file
/// \brief Chapitre 09 — ce que le sémaphore de l'article limite vraiment : le travail, pas les
/// tâches. Mesuré.
///
/// Trois façons de traiter N travaux (10 000 par défaut) avec au plus 10 au travail :
///   1. comme l'article : tout lancer, chaque tâche attend son autorisation (`acquire` dans la
///      tâche) ;
///   2. autorisation prise AVANT `spawn` (`acquire_owned`), déplacée dans la tâche ; les
///      `JoinHandle` sont gardés pour attendre la fin, comme dans l'article ;
///   3. pareil, sans garder les `JoinHandle` : la fin s'attend en reprenant les 10
///      autorisations (`acquire_many_owned(10)` : elles ne reviennent que quand la dernière
///      tâche est finie).
///
/// Pour chacune : le plus grand nombre de tâches vivantes (`metrics().num_alive_tasks`, relevé
/// après chaque `spawn`), la mémoire des trames (morceaux de 256 Kio découpés par le cache
/// d'allocation du runtime), et le pic de mémoire résidente ajoutée (`/proc/self/statm`,
/// relevée après chaque `spawn`, moins celle du départ). Chaque tâche emporte une « charge » (la
/// requête qu'elle traite : un tampon de `--charge` octets, 0 puis 4 096 par défaut).
///
/// Chaque mesure a lieu dans un **processus neuf** (fork), comme au chapitre 04 : le cache
/// d'allocation garde ses blocs, une deuxième mesure dans le même processus recyclerait la
/// mémoire de la première.
///
/// Usage : `ch09_memoire [--court] [--taches N] [--charge OCTETS] [--svg FICHIER]`
///   --court          2 000 travaux (la visite guidée) ; le dit en première ligne
///   --taches N       nombre de travaux (défaut 10 000)
///   --charge OCTETS  une seule taille de charge au lieu de 0 puis 4 096
///   --svg FICHIER    où écrire le graphique (défaut : memoire.svg dans le dossier courant)
#include <rt/rt.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using rt::sync::Semaphore;

namespace {

constexpr std::size_t LIMITE = 10;
constexpr std::size_t MORCEAU = 256 * 1024; // un morceau du cache d'allocation des trames

struct Parametres {
    std::size_t taches = 10'000;
    std::size_t charge = 0; ///< octets emportés par chaque tâche
    rt::time::Duration travail = 1ms;
};

/// Ce que le processus enfant renvoie à son parent par un tube.
struct Mesure {
    bool ok = false;
    std::size_t max_vivantes = 0; ///< metrics().num_alive_tasks, au plus fort
    std::size_t max_au_travail = 0;
    std::size_t morceaux = 0; ///< morceaux de 256 Kio découpés pour les trames
    long long rss_depart = 0; ///< mémoire résidente au départ
    long long rss_pic = 0;    ///< la plus grande relevée après un spawn
    double millisecondes = 0;
};

/// La mémoire résidente actuelle (VmRSS), en octets.
long long rss_octets() {
    std::ifstream f("/proc/self/statm");
    long long pages_totales = 0;
    long long pages_residentes = 0;
    f >> pages_totales >> pages_residentes;
    return pages_residentes * sysconf(_SC_PAGESIZE);
}

/// La requête d'un travail : un tampon rempli (donc réellement résident).
std::vector<char> nouvelle_charge(std::size_t octets) {
    return std::vector<char>(octets, 'x');
}

/// Relevé après chaque spawn : c'est là que le nombre de tâches et la mémoire augmentent.
void noter_les_vivantes(Mesure* m) {
    m->max_vivantes = std::max(m->max_vivantes, rt::Handle::current().metrics().num_alive_tasks);
    m->rss_pic = std::max(m->rss_pic, rss_octets());
}

/// Le travail, autorisation tenue : compte ceux qui travaillent, dort, rend la taille traitée.
rt::Task<std::size_t> travailler(std::vector<char> charge, rt::time::Duration duree,
                                 std::size_t* au_travail, Mesure* m) {
    m->max_au_travail = std::max(m->max_au_travail, ++*au_travail);
    co_await rt::time::sleep(duree);
    --*au_travail;
    co_return charge.size();
}

// --- 1. Comme l'article : tout lancer, l'autorisation se prend dans la tâche ---------------

rt::Task<void> version_article(Parametres p, Mesure* m) {
    auto semaphore = std::make_shared<Semaphore>(LIMITE);
    std::size_t au_travail = 0;
    std::vector<rt::JoinHandle<std::size_t>> handles;
    for (std::size_t i = 0; i < p.taches; ++i) {
        handles.push_back(
            rt::spawn([semaphore, charge = nouvelle_charge(p.charge), p, au_travail = &au_travail,
                       m]() mutable -> rt::Task<std::size_t> {
                // La tâche existe déjà (trame, charge) ; elle attend ici son tour.
                auto permit = (co_await semaphore->acquire()).value();
                co_return co_await travailler(std::move(charge), p.travail, au_travail, m);
            }));
        noter_les_vivantes(m);
    }
    for (auto& handle : handles) {
        (void)co_await handle;
    }
}

// --- 2. L'autorisation d'abord, puis spawn ; les JoinHandle sont gardés ---------------------

rt::Task<void> version_avant_spawn(Parametres p, Mesure* m) {
    auto semaphore = std::make_shared<Semaphore>(LIMITE);
    std::size_t au_travail = 0;
    std::vector<rt::JoinHandle<std::size_t>> handles;
    for (std::size_t i = 0; i < p.taches; ++i) {
        auto permit = (co_await semaphore->acquire_owned()).value(); // on attend ICI
        handles.push_back(
            rt::spawn([permit = std::move(permit), charge = nouvelle_charge(p.charge), p,
                       au_travail = &au_travail, m]() mutable -> rt::Task<std::size_t> {
                co_return co_await travailler(std::move(charge), p.travail, au_travail, m);
            })); // le permis meurt avec la tâche : l'autorisation revient à la boucle
        noter_les_vivantes(m);
    }
    for (auto& handle : handles) {
        (void)co_await handle;
    }
}

// --- 3. Pareil, sans garder les JoinHandle ----------------------------------------------------

rt::Task<void> version_sans_handles(Parametres p, Mesure* m) {
    auto semaphore = std::make_shared<Semaphore>(LIMITE);
    std::size_t au_travail = 0;
    for (std::size_t i = 0; i < p.taches; ++i) {
        auto permit = (co_await semaphore->acquire_owned()).value();
        (void)rt::spawn([permit = std::move(permit), charge = nouvelle_charge(p.charge), p,
                         au_travail = &au_travail, m]() mutable -> rt::Task<std::size_t> {
            co_return co_await travailler(std::move(charge), p.travail, au_travail, m);
        }); // détachée : sa cellule est libérée dès sa fin
        noter_les_vivantes(m);
    }
    // Toutes les autorisations reviennent quand la dernière tâche est finie.
    auto toutes = (co_await semaphore->acquire_many_owned(LIMITE)).value();
}

using Version = rt::Task<void> (*)(Parametres, Mesure*);

/// Mesure une version dans un processus neuf.
Mesure mesurer(Version version, Parametres p) {
    int tube[2];
    if (pipe(tube) != 0) {
        std::perror("pipe");
        std::exit(1);
    }
    const pid_t enfant = fork();
    if (enfant == 0) {
        close(tube[0]);
        Mesure m;
        m.rss_depart = rss_octets();
        m.rss_pic = m.rss_depart;
        const std::size_t morceaux_avant = rt::detail::frame_allocator_chunks();
        const auto debut = std::chrono::steady_clock::now();
        rt::Runtime runtime = rt::Builder::current_thread().build();
        runtime.block_on(version(p, &m));
        m.millisecondes =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - debut)
                .count();
        m.morceaux = rt::detail::frame_allocator_chunks() - morceaux_avant;
        m.ok = true;
        const auto ecrits = write(tube[1], &m, sizeof m);
        _exit(ecrits == static_cast<ssize_t>(sizeof m) ? 0 : 1);
    }
    close(tube[1]);
    Mesure m;
    if (read(tube[0], &m, sizeof m) != static_cast<ssize_t>(sizeof m)) {
        m.ok = false;
    }
    close(tube[0]);
    int statut = 0;
    waitpid(enfant, &statut, 0);
    return m;
}

std::string mio(long long octets) {
    char texte[32];
    std::snprintf(texte, sizeof texte, "%.2f Mio", static_cast<double>(octets) / (1024.0 * 1024.0));
    return texte;
}

/// Une ligne mesurée, gardée pour le graphique.
struct Resultat {
    std::size_t charge;
    int version; ///< 0, 1, 2
    Mesure mesure;
};

void tableau(Parametres p, std::vector<Resultat>& resultats) {
    std::printf("\n%zu travaux, au plus %zu au travail, charge de %zu octets par tâche\n", p.taches,
                LIMITE, p.charge);
    std::printf("%-40s %10s %8s %14s %16s %14s %8s\n", "version", "vivantes", "travail", "trames",
                "RSS ajoutée", "RSS / tâche", "durée");
    struct Ligne {
        const char* nom;
        Version version;
    };
    const Ligne lignes[] = {
        {"1. article : acquire dans la tâche", version_article},
        {"2. acquire_owned avant spawn", version_avant_spawn},
        {"3. avant spawn, sans garder les handles", version_sans_handles},
    };
    for (int v = 0; v < 3; ++v) {
        const Ligne& l = lignes[v];
        const Mesure m = mesurer(l.version, p);
        resultats.push_back({p.charge, v, m});
        if (!m.ok) {
            std::printf("%-40s mesure impossible\n", l.nom);
            continue;
        }
        const long long ajoutee = m.rss_pic - m.rss_depart;
        std::printf("%-40s %10zu %8zu %14s %16s %12.0f o %6.0f ms\n", l.nom, m.max_vivantes,
                    m.max_au_travail, mio(static_cast<long long>(m.morceaux * MORCEAU)).c_str(),
                    mio(ajoutee).c_str(),
                    static_cast<double>(ajoutee) / static_cast<double>(p.taches), m.millisecondes);
    }
}

/// Le graphique : la mémoire résidente ajoutée, une barre par version et par charge (SVG écrit
/// à la main, sans dépendance).
void ecrire_svg(const std::string& chemin, const std::vector<Resultat>& resultats,
                std::size_t taches) {
    const char* noms[] = {"article : acquire dans la tâche", "acquire_owned avant spawn",
                          "avant spawn, sans garder les handles"};
    const char* couleurs[] = {"#c0392b", "#e67e22", "#27ae60"};
    double max = 1;
    for (const Resultat& r : resultats) {
        max = std::max(max, static_cast<double>(r.mesure.rss_pic - r.mesure.rss_depart));
    }
    const int gauche = 290, largeur_barres = 330, ligne = 24, largeur = 900;
    int y = 60;
    std::string corps;
    std::size_t charge_courante = static_cast<std::size_t>(-1);
    for (const Resultat& r : resultats) {
        if (r.charge != charge_courante) {
            charge_courante = r.charge;
            y += 14;
            corps += "<text x=\"10\" y=\"" + std::to_string(y) +
                     "\" font-weight=\"bold\">charge de " + std::to_string(r.charge) +
                     " octets par tâche</text>\n";
            y += 10;
        }
        const long long ajoutee = r.mesure.rss_pic - r.mesure.rss_depart;
        const int l =
            std::max(1, static_cast<int>(largeur_barres * static_cast<double>(ajoutee) / max));
        corps +=
            "<text x=\"20\" y=\"" + std::to_string(y + 16) + "\">" + noms[r.version] + "</text>\n";
        corps += "<rect x=\"" + std::to_string(gauche) + "\" y=\"" + std::to_string(y + 3) +
                 "\" width=\"" + std::to_string(l) + "\" height=\"18\" fill=\"" +
                 couleurs[r.version] + "\"/>\n";
        corps += "<text x=\"" + std::to_string(gauche + l + 8) + "\" y=\"" +
                 std::to_string(y + 16) + "\">" + mio(ajoutee) + " · " +
                 std::to_string(r.mesure.max_vivantes) + " tâches vivantes</text>\n";
        y += ligne;
    }
    std::ofstream f(chemin);
    f << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << largeur << "\" height=\"" << y + 30
      << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Mémoire résidente "
         "ajoutée (pic) : "
      << taches << " travaux, au plus " << LIMITE << " au travail</text>\n"
      << "<text x=\"10\" y=\"44\" fill=\"#555\">même travail, même durée : seule change la "
         "mémoire des tâches qui attendent</text>\n"
      << corps << "<text x=\"10\" y=\"" << y + 20
      << "\" fill=\"#555\" font-size=\"11\">ch09_memoire : un processus neuf par mesure, "
         "/proc/self/statm relevé après chaque spawn</text>\n"
      << "</svg>\n";
    if (!f) {
        std::fprintf(stderr, "impossible d'écrire %s\n", chemin.c_str());
        return;
    }
    std::printf("\nGraphique écrit dans %s\n", chemin.c_str());
}

} // namespace

int main(int argc, char** argv) {
    Parametres p;
    std::vector<std::size_t> charges{0, 4096};
    std::string chemin_svg = "memoire.svg";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--court") {
            p.taches = 2000;
            std::printf("(version courte : 2 000 travaux ; sans --court : 10 000)\n");
        } else if (arg == "--taches" && i + 1 < argc) {
            p.taches = std::strtoul(argv[++i], nullptr, 10);
        } else if (arg == "--svg" && i + 1 < argc) {
            chemin_svg = argv[++i];
        } else if (arg == "--charge" && i + 1 < argc) {
            charges = {static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10))};
        } else {
            std::fprintf(stderr,
                         "usage : %s [--court] [--taches N] [--charge OCTETS] [--svg FICHIER]\n",
                         argv[0]);
            return 2;
        }
    }
    std::printf("vivantes : plus grand nombre de tâches vivantes (metrics().num_alive_tasks)\n"
                "travail  : plus grand nombre de tâches au travail (autorisation tenue)\n"
                "trames   : mémoire découpée par le cache d'allocation des trames (256 Kio "
                "par morceau)\n"
                "RSS      : pic de mémoire résidente ajoutée (/proc/self/statm, relevée après "
                "chaque spawn),\n           un processus neuf par mesure\n");
#if defined(__SANITIZE_ADDRESS__)
    std::printf("\n(compilé avec AddressSanitizer : les trames ne passent plus par le cache et "
                "la mémoire\n résidente compte l'ombre du sanitizer ; ces mesures n'ont pas de "
                "sens ici)\n");
#endif
    std::vector<Resultat> resultats;
    for (std::size_t charge : charges) {
        p.charge = charge;
        tableau(p, resultats);
    }
    ecrire_svg(chemin_svg, resultats, p.taches);
    return 0;
}
