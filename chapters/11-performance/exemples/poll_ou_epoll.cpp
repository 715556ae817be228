/// \file
/// \brief Chapitre 11 — `poll(2)` contre `epoll` : ce que coûte un réveil quand des milliers de
/// connexions inactives attendent à côté de quelques connexions actives.
///
/// Pour 100, 1 000 et 10 000 connexions **inactives** (une tâche suspendue dans `read` sur
/// chacune : le réacteur doit les surveiller, mais elles ne disent jamais rien) et 64
/// connexions **actives** (64 paires de tâches qui se renvoient un octet), on mesure le temps
/// par réveil avec chaque réacteur du runtime, sur un runtime `current_thread`. Un « réveil »,
/// c'est une tâche qui attendait un socket et que le réacteur remet en file : chaque aller-retour
/// en compte deux.
///
/// Ce que l'on s'attend à voir : avec `poll(2)`, chaque tour de réacteur reconstruit et passe au
/// noyau la liste de TOUS les fds attendus, inactifs compris ; son coût croît avec leur nombre.
/// Avec `epoll`, le noyau garde les inscriptions et ne rend que les fds prêts : le coût d'un
/// réveil ne dépend presque pas des inactifs.
///
/// Les connexions sont des paires de sockets locales (`socketpair`). L'autre bout de chaque
/// connexion inactive est confié à un processus « gardien » (passage de descripteurs par
/// SCM_RIGHTS) : la limite RLIMIT_NOFILE compte les descripteurs par processus, et 10 000
/// connexions dont on garderait les deux bouts en demanderaient 20 000 ici.
///
/// Usage : `ch11_poll_ou_epoll [--complet] [--svg FICHIER] [--inactives 100,1000,10000]
///                            [--actives N] [--allers-retours N]`
///   (défaut)   rapide (une mesure de 100 allers-retours par point) ; écrit poll_ou_epoll.svg
///              dans le dossier courant
///   --complet  1 000 allers-retours par point, médiane de 5 mesures
///   --svg F    où écrire le graphique (SVG écrit à la main, sans dépendance)
#include <rt/rt.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Horloge = std::chrono::steady_clock;

// --- Le gardien : un processus qui tient l'autre bout des connexions inactives ------------------

/// Un processus enfant à qui l'on confie des descripteurs (SCM_RIGHTS) ; il les garde ouverts
/// jusqu'à ce qu'on lui demande de tout fermer. Lancé avant tout thread du programme.
class Gardien {
public:
    static constexpr std::size_t LOT = 200; // au plus 253 descripteurs par message

    /// Lance le gardien ; faux si c'est impossible (on gardera alors les deux bouts ici).
    bool demarrer() {
        int paire[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, paire) != 0) {
            return false;
        }
        std::fflush(stdout);
        pid_ = ::fork();
        if (pid_ < 0) {
            ::close(paire[0]);
            ::close(paire[1]);
            return false;
        }
        if (pid_ == 0) {
            ::close(paire[0]);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL); // mourir avec le parent, quoi qu'il arrive
            garder(paire[1]);
            ::_exit(0);
        }
        ::close(paire[1]);
        controle_ = paire[0];
        return true;
    }

    [[nodiscard]] bool actif() const noexcept { return controle_ >= 0; }

    /// Confie `fds` au gardien et les ferme ici.
    bool confier(const std::vector<int>& fds) {
        for (std::size_t debut = 0; debut < fds.size(); debut += LOT) {
            const std::size_t n = std::min(LOT, fds.size() - debut);
            char octet = 'D';
            iovec iov{&octet, 1};
            std::vector<char> controle(CMSG_SPACE(sizeof(int) * LOT), 0);
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = controle.data();
            msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * n);
            std::memcpy(CMSG_DATA(c), fds.data() + debut, sizeof(int) * n);
            if (::sendmsg(controle_, &msg, 0) != 1 || !accuse('D')) {
                return false;
            }
            for (std::size_t i = 0; i < n; ++i) {
                ::close(fds[debut + i]);
            }
        }
        return true;
    }

    /// Le gardien ferme tout ce qu'on lui a confié (et attend qu'il l'ait fait).
    void tout_fermer() {
        const char octet = 'F';
        if (::send(controle_, &octet, 1, 0) == 1) {
            accuse('F');
        }
    }

    ~Gardien() {
        if (controle_ >= 0) {
            ::close(controle_); // fin de flux : le gardien s'arrête
            ::waitpid(pid_, nullptr, 0);
        }
    }

private:
    bool accuse(char attendu) {
        char octet = 0;
        return ::recv(controle_, &octet, 1, 0) == 1 && octet == attendu;
    }

    /// La boucle du gardien : recevoir des lots de descripteurs, les garder, tout fermer sur
    /// demande. Chaque message reçoit un accusé : on n'a jamais plus d'un lot « en vol ».
    static void garder(int controle) {
        std::vector<int> gardes;
        std::vector<char> tampon(CMSG_SPACE(sizeof(int) * LOT));
        for (;;) {
            char octet = 0;
            iovec iov{&octet, 1};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = tampon.data();
            msg.msg_controllen = tampon.size();
            if (::recvmsg(controle, &msg, MSG_CMSG_CLOEXEC) <= 0) {
                return; // le parent a fermé (ou est mort)
            }
            for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    const auto* recus = reinterpret_cast<const int*>(CMSG_DATA(c));
                    gardes.insert(gardes.end(), recus, recus + n);
                }
            }
            if (octet == 'F') {
                for (int fd : gardes) {
                    ::close(fd);
                }
                gardes.clear();
            }
            if (::send(controle, &octet, 1, 0) != 1) {
                return;
            }
        }
    }

    pid_t pid_ = -1;
    int controle_ = -1;
};

// --- Une mesure ----------------------------------------------------------------------------------

struct Point {
    std::size_t inactives = 0;
    double us_par_reveil = 0; ///< la médiane des mesures
};

/// Une connexion inactive : une tâche attend, pour toujours, un octet qui ne viendra pas.
rt::Task<void> inactive(int fd) {
    rt::net::TcpStream socket(fd);
    std::array<char, 1> octet{};
    (void)co_await socket.read(octet); // détruite ici, suspendue, à l'arrêt du runtime
}

/// Le côté écho d'une connexion active : renvoie chaque octet reçu.
rt::Task<void> echo(int fd) {
    rt::net::TcpStream socket(fd);
    std::array<char, 1> octet{};
    while (co_await socket.read(octet) == 1) {
        co_await socket.write_all(std::string_view(octet.data(), 1));
    }
}

/// Le côté client : `n` allers-retours d'un octet.
rt::Task<void> client(int fd, std::size_t n) {
    rt::net::TcpStream socket(fd);
    std::array<char, 1> octet{'x'};
    for (std::size_t i = 0; i < n; ++i) {
        co_await socket.write_all(std::string_view(octet.data(), 1));
        if (co_await socket.read(octet) != 1) {
            throw std::runtime_error("l'écho a fermé la connexion");
        }
    }
}

rt::Task<double> mesurer_dans_le_runtime(std::vector<int> proches, std::vector<int> echos,
                                         std::vector<int> clients, std::size_t allers_retours) {
    for (int fd : proches) {
        (void)rt::spawn(inactive(fd));
    }
    for (int fd : echos) {
        (void)rt::spawn(echo(fd));
    }
    // Tout le monde atteint son premier read et s'inscrit auprès du réacteur.
    co_await rt::task::yield_now();
    const auto debut = Horloge::now();
    std::vector<rt::JoinHandle<void>> handles;
    for (int fd : clients) {
        handles.push_back(rt::spawn(client(fd, allers_retours)));
    }
    for (auto& h : handles) {
        (co_await h).value();
    }
    const std::chrono::duration<double> duree = Horloge::now() - debut;
    co_return duree.count();
}

Point mesurer(rt::ReactorKind reacteur, std::size_t inactives, std::size_t actives,
              std::size_t allers_retours, int fois, Gardien& gardien) {
    std::vector<double> us;
    for (int f = 0; f < fois; ++f) {
        std::vector<int> proches, lointains, echos, clients;
        auto paire = [](std::vector<int>& a, std::vector<int>& b) {
            int p[2];
            if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) != 0) {
                throw std::system_error(errno, std::generic_category(), "socketpair");
            }
            a.push_back(p[0]);
            b.push_back(p[1]);
        };
        for (std::size_t i = 0; i < inactives; ++i) {
            paire(proches, lointains);
            if (gardien.actif() && lointains.size() == Gardien::LOT) {
                if (!gardien.confier(lointains)) {
                    throw std::runtime_error("le gardien ne répond plus");
                }
                lointains.clear();
            }
        }
        if (gardien.actif() && !gardien.confier(lointains)) {
            throw std::runtime_error("le gardien ne répond plus");
        }
        if (gardien.actif()) {
            lointains.clear();
        }
        for (std::size_t i = 0; i < actives; ++i) {
            paire(echos, clients);
        }
        double secondes = 0;
        {
            rt::Runtime runtime = rt::Builder::current_thread().reactor(reacteur).build();
            secondes = runtime.block_on(mesurer_dans_le_runtime(
                std::move(proches), std::move(echos), std::move(clients), allers_retours));
        } // arrêt du runtime : les tâches inactives et les échos sont détruits, fds fermés
        for (int fd : lointains) {
            ::close(fd);
        }
        if (gardien.actif()) {
            gardien.tout_fermer();
        }
        const double reveils = 2.0 * static_cast<double>(actives * allers_retours);
        us.push_back(secondes * 1e6 / reveils);
    }
    std::sort(us.begin(), us.end());
    return Point{inactives, us[us.size() / 2]};
}

// --- Le graphique ---------------------------------------------------------------------------------

std::string nombre(double v, int decimales) {
    char t[64];
    std::snprintf(t, sizeof t, "%.*f", decimales, v);
    std::string s = t;
    if (const auto p = s.find('.'); p != std::string::npos) {
        s[p] = ','; // virgule décimale
    }
    return s;
}

std::string milliers(std::size_t n) {
    const std::string chiffres = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < chiffres.size(); ++i) {
        if (i > 0 && (chiffres.size() - i) % 3 == 0) {
            s += " ";
        }
        s += chiffres[i];
    }
    return s;
}

/// Le graphique en SVG, écrit à la main : axes, grille, une courbe par réacteur.
std::string graphique(const std::vector<Point>& poll, const std::vector<Point>& epoll,
                      std::size_t actives, const std::string& machine) {
    const double L = 760, H = 460, g = 80, d = 30, h = 70, b = 70; // marges
    const double largeur = L - g - d, hauteur = H - h - b;
    double xmin = 1e300, xmax = 0, ymax = 0;
    for (const auto* serie : {&poll, &epoll}) {
        for (const Point& p : *serie) {
            xmin = std::min(xmin, static_cast<double>(p.inactives));
            xmax = std::max(xmax, static_cast<double>(p.inactives));
            ymax = std::max(ymax, p.us_par_reveil);
        }
    }
    // Abscisses logarithmiques, un peu de marge de chaque côté ; ordonnées « rondes ».
    const double lx0 = std::log10(std::max(xmin, 1.0)) - 0.25;
    const double lx1 = std::log10(std::max(xmax, 1.0)) + 0.25;
    double pas = std::pow(10.0, std::floor(std::log10(std::max(ymax, 1e-3))));
    for (double f : {1.0, 2.0, 5.0, 10.0}) {
        if (ymax / (pas * f) <= 6) {
            pas *= f;
            break;
        }
    }
    const double ytop = pas * std::ceil(ymax / pas * 1.05);
    auto X = [&](double n) { return g + (std::log10(n) - lx0) / (lx1 - lx0) * largeur; };
    auto Y = [&](double v) { return h + hauteur - v / ytop * hauteur; };

    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << L << "\" height=\"" << H
      << "\" viewBox=\"0 0 " << L << ' ' << H << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << L / 2 << "\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" "
      << "font-weight=\"bold\">Temps par réveil : poll(2) contre epoll</text>\n"
      << "<text x=\"" << L / 2 << "\" y=\"50\" text-anchor=\"middle\" fill=\"#555\">" << actives
      << " connexions actives, N connexions inactives attendues ; " << machine << "</text>\n";
    // Grille et graduations.
    for (double v = 0; v <= ytop + pas / 2; v += pas) {
        s << "<line x1=\"" << g << "\" x2=\"" << g + largeur << "\" y1=\"" << Y(v) << "\" y2=\""
          << Y(v) << "\" stroke=\"#ddd\"/>\n"
          << "<text x=\"" << g - 8 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">"
          << nombre(v, pas < 1 ? 1 : 0) << "</text>\n";
    }
    for (const Point& p : poll) {
        const double x = X(static_cast<double>(p.inactives));
        s << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << h << "\" y2=\"" << h + hauteur
          << "\" stroke=\"#eee\"/>\n"
          << "<text x=\"" << x << "\" y=\"" << h + hauteur + 20 << "\" text-anchor=\"middle\">"
          << milliers(p.inactives) << "</text>\n";
    }
    s << "<line x1=\"" << g << "\" x2=\"" << g << "\" y1=\"" << h << "\" y2=\"" << h + hauteur
      << "\" stroke=\"black\"/>\n"
      << "<line x1=\"" << g << "\" x2=\"" << g + largeur << "\" y1=\"" << h + hauteur << "\" y2=\""
      << h + hauteur << "\" stroke=\"black\"/>\n"
      << "<text x=\"" << g + largeur / 2 << "\" y=\"" << H - 22
      << "\" text-anchor=\"middle\">connexions inactives (échelle logarithmique)</text>\n"
      << "<text transform=\"translate(24 " << h + hauteur / 2
      << ") rotate(-90)\" text-anchor=\"middle\">µs par réveil</text>\n";
    // Les deux courbes.
    // Les étiquettes de valeur : au-dessus de chaque point ; quand les deux points d'une même
    // abscisse sont proches, celle de poll monte d'un cran pour ne pas chevaucher l'autre.
    auto proches = [&](std::size_t i) {
        return i < poll.size() && i < epoll.size() &&
               std::abs(Y(poll[i].us_par_reveil) - Y(epoll[i].us_par_reveil)) < 18;
    };
    auto courbe = [&](const std::vector<Point>& serie, const char* couleur, const char* nom,
                      double legende_y, bool monter_si_proches) {
        s << "<polyline fill=\"none\" stroke=\"" << couleur << "\" stroke-width=\"2.5\" points=\"";
        for (const Point& p : serie) {
            s << X(static_cast<double>(p.inactives)) << ',' << Y(p.us_par_reveil) << ' ';
        }
        s << "\"/>\n";
        for (std::size_t i = 0; i < serie.size(); ++i) {
            const Point& p = serie[i];
            const double x = X(static_cast<double>(p.inactives)), y = Y(p.us_par_reveil);
            const double y_etiquette = monter_si_proches && proches(i) ? y - 24 : y - 7;
            s << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"4\" fill=\"" << couleur
              << "\"/>\n"
              << "<text x=\"" << x + 7 << "\" y=\"" << y_etiquette << "\" fill=\"" << couleur
              << "\">" << nombre(p.us_par_reveil, p.us_par_reveil < 10 ? 2 : 1) << "</text>\n";
        }
        s << "<line x1=\"" << g + 20 << "\" x2=\"" << g + 50 << "\" y1=\"" << legende_y
          << "\" y2=\"" << legende_y << "\" stroke=\"" << couleur << "\" stroke-width=\"2.5\"/>\n"
          << "<text x=\"" << g + 58 << "\" y=\"" << legende_y + 4 << "\">" << nom << "</text>\n";
    };
    courbe(poll, "#d62728", "poll(2) : la liste entière à chaque tour", h + 18, true);
    courbe(epoll, "#1f77b4", "epoll : seulement les fds prêts", h + 38, false);
    s << "</svg>\n";
    return s.str();
}

std::vector<std::size_t> lire_liste(const char* texte) {
    std::vector<std::size_t> v;
    std::istringstream flux(texte);
    std::string morceau;
    while (std::getline(flux, morceau, ',')) {
        if (!morceau.empty()) {
            v.push_back(std::strtoull(morceau.c_str(), nullptr, 10));
        }
    }
    return v;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> inactives{100, 1'000, 10'000};
    std::size_t actives = 64;
    std::size_t allers_retours = 100;
    int fois = 1;
    std::string chemin_svg = "poll_ou_epoll.svg";
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool suivant = i + 1 < argc;
        if (a == "--complet") {
            allers_retours = 1'000;
            fois = 5;
        } else if (a == "--svg" && suivant) {
            chemin_svg = argv[++i];
        } else if (a == "--inactives" && suivant) {
            inactives = lire_liste(argv[++i]);
        } else if (a == "--actives" && suivant) {
            actives = std::max<std::size_t>(1, std::strtoull(argv[++i], nullptr, 10));
        } else if (a == "--allers-retours" && suivant) {
            allers_retours = std::max<std::size_t>(1, std::strtoull(argv[++i], nullptr, 10));
        } else {
            std::fprintf(stderr, "usage : ch11_poll_ou_epoll [--complet] [--svg FICHIER] "
                                 "[--inactives 100,1000,10000] [--actives N] "
                                 "[--allers-retours N]\n");
            return 2;
        }
    }
    if (inactives.empty()) {
        std::fprintf(stderr, "--inactives : au moins un nombre\n");
        return 2;
    }

    // 1. Autant de descripteurs que le système le permet (la limite « dure »).
    rlimit fichiers{};
    ::getrlimit(RLIMIT_NOFILE, &fichiers);
    const rlim_t avant = fichiers.rlim_cur;
    fichiers.rlim_cur = fichiers.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &fichiers);
    ::getrlimit(RLIMIT_NOFILE, &fichiers);

    // 2. Le gardien, avant tout thread.
    Gardien gardien;
    if (!gardien.demarrer()) {
        std::printf("(pas de processus gardien : les deux bouts des connexions restent ici)\n");
    }
    // Par connexion inactive : un descripteur ici (deux sans gardien) ; par active : deux ;
    // plus une marge pour le réacteur, l'eventfd, la sortie standard...
    const std::size_t par_inactive = gardien.actif() ? 1 : 2;
    const std::size_t marge = 2 * actives + 64;
    const std::size_t place =
        fichiers.rlim_cur > marge ? (fichiers.rlim_cur - marge) / par_inactive : 0;
    for (auto& n : inactives) {
        if (n > place) {
            std::printf("(RLIMIT_NOFILE = %llu : %zu connexions inactives au lieu de %zu ; "
                        "montez la limite avec « ulimit -n » pour la mesure entière)\n",
                        static_cast<unsigned long long>(fichiers.rlim_cur), place, n);
            n = place;
        }
    }
    std::printf("Limite de descripteurs : %llu (relevée de %llu à la limite dure)\n",
                static_cast<unsigned long long>(fichiers.rlim_cur),
                static_cast<unsigned long long>(avant));

    // 3. Les mesures.
    std::printf("%zu connexions actives, %zu allers-retours chacune%s, runtime current_thread\n\n",
                actives, allers_retours, fois > 1 ? ", médiane de 5 mesures" : "");
    std::printf("| Connexions inactives | poll(2) : µs par réveil | epoll : µs par réveil | "
                "poll ÷ epoll |\n");
    std::printf("|---:|---:|---:|---:|\n");
    std::vector<Point> points_poll, points_epoll;
    for (std::size_t n : inactives) {
        const Point p = mesurer(rt::ReactorKind::Poll, n, actives, allers_retours, fois, gardien);
        const Point e = mesurer(rt::ReactorKind::Epoll, n, actives, allers_retours, fois, gardien);
        points_poll.push_back(p);
        points_epoll.push_back(e);
        std::printf("| %s | %s | %s | %s× |\n", milliers(n).c_str(),
                    nombre(p.us_par_reveil, 2).c_str(), nombre(e.us_par_reveil, 2).c_str(),
                    nombre(p.us_par_reveil / e.us_par_reveil, 1).c_str());
        std::fflush(stdout);
    }

    // 4. Le graphique.
    utsname u{};
    ::uname(&u);
    const std::string machine =
        std::to_string(std::thread::hardware_concurrency()) + " cœurs, Linux " + u.release;
    std::ofstream fichier(chemin_svg);
    fichier << graphique(points_poll, points_epoll, actives, machine);
    if (!fichier) {
        std::fprintf(stderr, "impossible d'écrire %s\n", chemin_svg.c_str());
        return 1;
    }
    std::printf("\nGraphique écrit dans %s\n", chemin_svg.c_str());
    return 0;
}
