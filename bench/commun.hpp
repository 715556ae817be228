#pragma once
// Outils communs aux programmes de benchmark : options, machine, statistiques, tableau en
// français, mémoire résidente (/proc/self/status), sous-processus (tokio, processus enfants).
//
// Tout est dans ce seul en-tête (fonctions `inline`) : chaque benchmark est un programme
// autonome que `./cours bench` lance tel quel.

#include <malloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/version.hpp>

namespace bench {

using Horloge = std::chrono::steady_clock;

/// Nanosecondes écoulées entre deux instants.
inline double ns_entre(Horloge::time_point debut, Horloge::time_point fin) {
    return std::chrono::duration<double, std::nano>(fin - debut).count();
}

/// Vrai si `--rapide` figure parmi les arguments (comptes réduits, une seule mesure).
inline bool option_rapide(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--rapide") {
            return true;
        }
    }
    return false;
}

// --- Statistiques ----------------------------------------------------------------------------

/// Médiane et minimum d'une série de mesures.
struct Stats {
    double mediane = 0;
    double min = 0;
};

inline Stats statistiques(std::vector<double> v) {
    if (v.empty()) {
        return {};
    }
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    double mediane = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return {mediane, v.front()};
}

// --- Nombres et tableau en français ----------------------------------------------------------

/// `1234567.8` → « 1 234 567,8 » (espace pour les milliers, virgule décimale).
inline std::string nombre(double v, int decimales = 0) {
    char brut[64];
    std::snprintf(brut, sizeof brut, "%.*f", decimales, v);
    std::string s(brut);
    std::string signe;
    if (!s.empty() && s[0] == '-') {
        signe = "-";
        s.erase(0, 1);
    }
    auto point = s.find('.');
    std::string entier = s.substr(0, point);
    std::string fraction;
    if (point != std::string::npos) {
        fraction.append(",").append(
            s, point + 1); // (« "," + s.substr() » : faux avertissement -Wrestrict de g++ 12)
    }
    std::string groupe;
    for (std::size_t i = 0; i < entier.size(); ++i) {
        if (i > 0 && (entier.size() - i) % 3 == 0) {
            groupe += ' ';
        }
        groupe += entier[i];
    }
    return signe + groupe + fraction;
}

/// Un rapport « a / b » écrit « 0,21× ».
inline std::string rapport(double a, double b) {
    if (b <= 0) {
        return "—";
    }
    double r = a / b;
    return nombre(r, r < 10 ? 2 : 1) + "×";
}

/// Largeur affichée d'une chaîne UTF-8 (un caractère = un point de code).
inline std::size_t largeur(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        n += (c & 0xC0) != 0x80;
    }
    return n;
}

/// Un tableau aligné, au format Markdown (on peut le coller tel quel dans une note).
class Tableau {
public:
    explicit Tableau(std::vector<std::string> entetes) : entetes_(std::move(entetes)) {}
    void ligne(std::vector<std::string> cellules) {
        cellules.resize(entetes_.size());
        lignes_.push_back(std::move(cellules));
    }
    void afficher(std::ostream& out = std::cout) const {
        std::vector<std::size_t> l(entetes_.size());
        for (std::size_t c = 0; c < l.size(); ++c) {
            l[c] = largeur(entetes_[c]);
            for (const auto& ligne : lignes_) {
                l[c] = std::max(l[c], largeur(ligne[c]));
            }
        }
        auto ecrire = [&](const std::vector<std::string>& cellules) {
            out << '|';
            for (std::size_t c = 0; c < l.size(); ++c) {
                // Colonne 0 à gauche (les noms), les autres à droite (les nombres).
                std::string marge(l[c] - largeur(cellules[c]), ' ');
                out << ' ' << (c == 0 ? cellules[c] + marge : marge + cellules[c]) << " |";
            }
            out << '\n';
        };
        ecrire(entetes_);
        out << '|';
        for (std::size_t c = 0; c < l.size(); ++c) {
            out << (c == 0 ? " :" : " ") << std::string(l[c] - 1, '-') << (c == 0 ? " |" : ": |");
        }
        out << '\n';
        for (const auto& ligne : lignes_) {
            ecrire(ligne);
        }
    }

private:
    std::vector<std::string> entetes_;
    std::vector<std::vector<std::string>> lignes_;
};

// --- La machine ----------------------------------------------------------------------------

/// Le modèle du processeur, lu dans /proc/cpuinfo (« inconnu » sinon).
inline std::string modele_cpu() {
    std::ifstream in("/proc/cpuinfo");
    std::string ligne;
    while (std::getline(in, ligne)) {
        if (ligne.rfind("model name", 0) == 0) {
            auto deux_points = ligne.find(':');
            if (deux_points != std::string::npos) {
                auto debut = ligne.find_first_not_of(" \t", deux_points + 1);
                return debut == std::string::npos ? "inconnu" : ligne.substr(debut);
            }
        }
    }
    return "inconnu";
}

/// Le compilateur qui a construit ce programme.
inline std::string compilateur() {
#if defined(__clang__)
    return "clang++ " __clang_version__;
#elif defined(__GNUC__)
    return "g++ " __VERSION__;
#else
    return "inconnu";
#endif
}

/// La part des cœurs occupée (0 à 1) pendant 300 ms, lue dans /proc/stat (ligne « cpu » :
/// temps cumulés par état ; inoccupé = idle + iowait).
inline std::optional<double> occupation_instantanee() {
    auto lire = []() -> std::optional<std::pair<double, double>> {
        std::ifstream in("/proc/stat");
        std::string cpu;
        double v[8] = {};
        if (!(in >> cpu) || cpu != "cpu") {
            return std::nullopt;
        }
        double total = 0;
        for (double& x : v) {
            if (!(in >> x)) {
                return std::nullopt;
            }
            total += x;
        }
        return std::pair{total, v[3] + v[4]};
    };
    const auto avant = lire();
    ::usleep(300'000);
    const auto apres = lire();
    if (!avant || !apres || apres->first <= avant->first) {
        return std::nullopt;
    }
    const double inoccupe = (apres->second - avant->second) / (apres->first - avant->first);
    return std::clamp(1.0 - inoccupe, 0.0, 1.0);
}

/// Affiche l'en-tête commun : machine, compilateur, versions.
inline void afficher_machine(std::string_view titre) {
    const long coeurs = ::sysconf(_SC_NPROCESSORS_ONLN);
    utsname systeme{};
    ::uname(&systeme);
    std::cout << "== " << titre << " ==\n"
              << "Machine      : " << coeurs << " cœur(s) (nproc), " << modele_cpu() << ", Linux "
              << systeme.release << "\n"
              << "Compilateur  : " << compilateur() << ", Boost " << BOOST_VERSION / 100000 << '.'
              << BOOST_VERSION / 100 % 1000 << " (Asio en-têtes seuls)\n";
#ifdef BENCH_RUSTC_VERSION
    std::cout << "Rust         : " << BENCH_RUSTC_VERSION << "\n";
#endif
    // Une machine occupée par d'autres programmes fausse les temps (le thread mesuré attend
    // son tour) : on le dit, et les minimums deviennent plus parlants que les médianes. La
    // moyenne sur 1 min garde la trace du benchmark précédent (`./cours bench` les enchaîne) :
    // on regarde donc aussi l'occupation des cœurs à l'instant, sur 300 ms.
    double charge = 0;
    if (std::ifstream in("/proc/loadavg"); in >> charge) {
        std::cout << "Charge       : " << nombre(charge, 2) << " (moyenne sur 1 min)";
        const auto occupation = occupation_instantanee();
        if (occupation) {
            std::cout << ", cœurs occupés à " << nombre(*occupation * 100) << " % à l'instant";
        }
        if (occupation ? *occupation > 0.25 : charge > 0.5 * static_cast<double>(coeurs)) {
            std::cout << " — ATTENTION : machine occupée, temps bruités ; fiez-vous aux minimums";
        }
        std::cout << "\n";
    }
}

// --- Allocateur -------------------------------------------------------------------------------

/// Par défaut, `free` de la glibc rend au noyau la mémoire libérée en haut du tas (au-delà de
/// 128 Kio) et sert les gros blocs par `mmap`. Entre deux répétitions, les dizaines de Mio des
/// tâches seraient rendues, puis redemandées : chaque mesure paierait alors des défauts de page
/// et la mise à zéro des pages par le noyau, un coût qui n'a rien à voir avec le runtime mesuré
/// (et qui frappe inégalement : rt garde ses blocs dans son propre cache, pas Asio). On garde
/// donc la mémoire, pour tous ; le programme tokio reçoit le même réglage (`REGLAGE_GLIBC`,
/// à mettre devant sa ligne de commande).
inline constexpr const char* REGLAGE_GLIBC =
    "GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432";

inline void garder_la_memoire() {
    ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
    ::mallopt(M_MMAP_THRESHOLD, 32 << 20); // le maximum permis sur 64 bits
}

// --- Mémoire --------------------------------------------------------------------------------

/// Une valeur de /proc/self/status en Kio (ex. "VmRSS", "VmHWM"), -1 si absente.
inline long statut_kio(std::string_view cle) {
    std::ifstream in("/proc/self/status");
    std::string ligne;
    while (std::getline(in, ligne)) {
        if (ligne.size() > cle.size() && ligne.compare(0, cle.size(), cle) == 0 &&
            ligne[cle.size()] == ':') {
            return std::strtol(ligne.c_str() + cle.size() + 1, nullptr, 10);
        }
    }
    return -1;
}

// --- Sous-processus -------------------------------------------------------------------------

/// Le chemin de ce programme (pour se relancer soi-même en processus enfant).
inline std::string ce_programme() {
    char chemin[4096];
    ssize_t n = ::readlink("/proc/self/exe", chemin, sizeof chemin - 1);
    if (n <= 0) {
        throw std::runtime_error("impossible de lire /proc/self/exe");
    }
    return std::string(chemin, static_cast<std::size_t>(n));
}

/// Met un argument entre apostrophes pour le shell.
inline std::string cite(std::string_view s) {
    std::string r = "'";
    for (char c : s) {
        r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return r + "'";
}

/// Lance `commande` (via le shell), rend sa sortie standard ; `code` reçoit le code de sortie.
inline std::string executer(const std::string& commande, int& code) {
    std::FILE* f = ::popen(commande.c_str(), "r");
    if (!f) {
        code = -1;
        return {};
    }
    std::string sortie;
    char tampon[4096];
    std::size_t n;
    while ((n = std::fread(tampon, 1, sizeof tampon, f)) > 0) {
        sortie.append(tampon, n);
    }
    int statut = ::pclose(f);
    code = WIFEXITED(statut) ? WEXITSTATUS(statut) : -1;
    return sortie;
}

/// La ligne de `sortie` qui commence par `prefixe` (sans le préfixe), si elle existe.
inline std::optional<std::string> ligne_apres(const std::string& sortie, std::string_view prefixe) {
    std::istringstream in(sortie);
    std::string ligne;
    while (std::getline(in, ligne)) {
        if (ligne.rfind(prefixe, 0) == 0) {
            return ligne.substr(prefixe.size());
        }
    }
    return std::nullopt;
}

/// Des nombres séparés par des espaces.
inline std::vector<double> nombres(const std::string& texte) {
    std::istringstream in(texte);
    std::vector<double> v;
    double x;
    while (in >> x) {
        v.push_back(x);
    }
    return v;
}

// --- tokio (facultatif) -----------------------------------------------------------------------

/// Le programme Rust de comparaison (bench/tokio/), s'il a pu être construit hors ligne.
/// Sinon, `raison` explique pourquoi (cargo absent, paquet Debian absent, échec de compilation).
inline std::optional<std::string> programme_tokio(std::string& raison) {
#ifdef BENCH_TOKIO_DIR
    std::string dossier = BENCH_TOKIO_DIR;
    std::string exe = dossier + "/target/release/tokio_bench";
    if (::access(exe.c_str(), X_OK) == 0) {
        return exe;
    }
    std::ifstream in(dossier + "/raison.txt");
    if (!std::getline(in, raison) || raison.empty()) {
        raison = "le programme Rust n'a pas été construit";
    }
#else
    raison = "désactivé à la configuration (COURS_BENCH_TOKIO=OFF)";
#endif
    return std::nullopt;
}

/// Lance le programme tokio avec `arguments` (et le réglage de malloc `REGLAGE_GLIBC`) ; rend
/// sa sortie, ou `std::nullopt` et `erreur` s'il échoue.
inline std::optional<std::string>
executer_tokio(const std::string& exe, const std::string& arguments, std::string& erreur) {
    int code = 0;
    std::string sortie =
        executer(std::string(REGLAGE_GLIBC) + " " + cite(exe) + " " + arguments, code);
    if (code != 0) {
        erreur = "le programme tokio a échoué (code " + std::to_string(code) + ")";
        return std::nullopt;
    }
    return sortie;
}

/// Vrai si `programme` se trouve dans le PATH (pour wrk, par exemple).
inline bool dans_le_path(const std::string& programme) {
    int code = 0;
    executer("command -v " + cite(programme) + " >/dev/null 2>&1", code);
    return code == 0;
}

} // namespace bench
