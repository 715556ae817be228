// Benchmark du chapitre 06 : un serveur HTTP keep-alive « Hello, World! » sur rt
// (current_thread, réacteur poll puis epoll) et sur Boost.Asio (un thread), chacun chargé par
// `wrk -t1 -c64 -d5s` ; puis la mémoire résidente de chaque serveur portant 10 000
// connexions inactives.
//
// Chaque serveur tourne dans un processus enfant (ce programme relancé avec --serveur) : son
// RSS ne mélange rien d'autre, et wrk le charge de l'extérieur comme un vrai client.
// `--rapide` : wrk pendant 1 s, 1 000 connexions inactives.
#include "commun.hpp"

#include <rt/rt.hpp>

#include <boost/asio.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <array>
#include <cstring>
#include <thread>

namespace {

constexpr std::string_view REPONSE =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";

// --- Les serveurs (processus enfant) ---------------------------------------------------------

/// Keep-alive minimal : une réponse par tête reçue (« \r\n\r\n »), jusqu'à la fin de flux.
rt::Task<void> connexion_rt(rt::net::TcpStream socket) {
    socket.set_nodelay(true);
    std::string recu;
    std::array<char, 1024> morceau; // dans la trame : compté dans la mémoire par connexion
    for (;;) {
        std::size_t fin;
        while ((fin = recu.find("\r\n\r\n")) == std::string::npos) {
            const std::size_t n = co_await socket.read(morceau);
            if (n == 0 || recu.size() > 8192) {
                co_return;
            }
            recu.append(morceau.data(), n);
        }
        recu.erase(0, fin + 4);
        co_await socket.write_all(REPONSE);
    }
}

rt::Task<void> serveur_rt() {
    auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
    std::cout << "PORT " << listener.local_addr().port() << std::endl;
    for (;;) {
        try {
            auto [socket, addr] = co_await listener.accept();
            (void)rt::spawn([s = std::move(socket)]() mutable -> rt::Task<void> {
                try {
                    co_await connexion_rt(std::move(s));
                } catch (const std::exception&) {
                }
            });
        } catch (const std::system_error&) {
        }
    }
}

namespace asio = boost::asio;

asio::awaitable<void> connexion_asio(asio::ip::tcp::socket socket) {
    socket.set_option(asio::ip::tcp::no_delay(true));
    std::string recu;
    for (;;) {
        auto [erreur, fin] =
            co_await asio::async_read_until(socket, asio::dynamic_buffer(recu, 8192), "\r\n\r\n",
                                            asio::as_tuple(asio::use_awaitable));
        if (erreur) {
            co_return;
        }
        recu.erase(0, fin);
        auto [e2, n] = co_await asio::async_write(socket, asio::buffer(REPONSE),
                                                  asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (e2) {
            co_return;
        }
    }
}

asio::awaitable<void> accepter_asio(asio::ip::tcp::acceptor acceptor) {
    for (;;) {
        auto [erreur, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (!erreur) {
            asio::co_spawn(acceptor.get_executor(), connexion_asio(std::move(socket)),
                           asio::detached);
        }
    }
}

int serveur(std::string_view quoi) {
    rlimit l{};
    ::getrlimit(RLIMIT_NOFILE, &l);
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
    if (quoi == "asio") {
        asio::io_context io(1);
        asio::ip::tcp::acceptor acceptor(
            io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        std::cout << "PORT " << acceptor.local_endpoint().port() << std::endl;
        asio::co_spawn(io, accepter_asio(std::move(acceptor)), asio::detached);
        io.run();
        return 0;
    }
    const auto kind = quoi == "rt-epoll" ? rt::ReactorKind::Epoll : rt::ReactorKind::Poll;
    rt::Runtime runtime = rt::Builder::current_thread().reactor(kind).build();
    runtime.block_on(serveur_rt());
    return 0;
}

// --- Le parent : lancer un serveur, le charger, le mesurer -----------------------------------

struct Enfant {
    pid_t pid = -1;
    int port = 0;
};

Enfant lancer(std::string_view quoi) {
    int tube[2];
    if (::pipe(tube) != 0) {
        throw std::runtime_error("pipe impossible");
    }
    const std::string moi = bench::ce_programme();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(tube[1], 1);
        ::close(tube[0]);
        ::close(tube[1]);
        const std::string q(quoi);
        ::execl(moi.c_str(), moi.c_str(), "--serveur", q.c_str(), static_cast<char*>(nullptr));
        std::_Exit(127);
    }
    ::close(tube[1]);
    std::string ligne;
    char c;
    while (::read(tube[0], &c, 1) == 1 && c != '\n') {
        ligne += c;
    }
    ::close(tube[0]);
    if (ligne.rfind("PORT ", 0) != 0) {
        throw std::runtime_error("le serveur « " + std::string(quoi) + " » ne démarre pas");
    }
    return Enfant{pid, std::stoi(ligne.substr(5))};
}

void arreter(const Enfant& e) {
    ::kill(e.pid, SIGKILL);
    int statut = 0;
    ::waitpid(e.pid, &statut, 0);
}

long rss_kio(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string ligne;
    while (std::getline(in, ligne)) {
        if (ligne.rfind("VmRSS:", 0) == 0) {
            return std::strtol(ligne.c_str() + 6, nullptr, 10);
        }
    }
    return -1;
}

std::optional<double> charger(const Enfant& e, int secondes) {
    int code = 0;
    const std::string sortie =
        bench::executer("wrk -t1 -c64 -d" + std::to_string(secondes) +
                            "s http://127.0.0.1:" + std::to_string(e.port) + "/ 2>&1",
                        code);
    auto ligne = bench::ligne_apres(sortie, "Requests/sec:");
    if (code != 0 || !ligne) {
        return std::nullopt;
    }
    return std::strtod(ligne->c_str(), nullptr);
}

/// Ouvre `n` connexions inactives vers le serveur ; rend les octets de RSS ajoutés par
/// connexion (après que le serveur a accepté : on attend que son RSS se stabilise).
std::optional<double> memoire_par_connexion(const Enfant& e, int n) {
    const long avant = rss_kio(e.pid);
    std::vector<int> fds;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(e.port));
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    for (int i = 0; i < n; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            if (fd >= 0) {
                ::close(fd);
            }
            break;
        }
        fds.push_back(fd);
    }
    // Laisser le serveur accepter les dernières connexions de la file (RSS stable 3 fois).
    long apres = rss_kio(e.pid);
    for (int stable = 0, i = 0; stable < 3 && i < 100; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const long r = rss_kio(e.pid);
        stable = r == apres ? stable + 1 : 0;
        apres = r;
    }
    for (int fd : fds) {
        ::close(fd);
    }
    if (static_cast<int>(fds.size()) != n || avant < 0 || apres < 0) {
        return std::nullopt;
    }
    return static_cast<double>(apres - avant) * 1024.0 / n;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::string_view(argv[1]) == "--serveur") {
        return serveur(argv[2]);
    }
    const bool rapide = bench::option_rapide(argc, argv);
    const int secondes = rapide ? 1 : 5;
    const int inactives = rapide ? 1000 : 10'000;
    rlimit l{};
    ::getrlimit(RLIMIT_NOFILE, &l);
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);

    bench::afficher_machine("serveur HTTP keep-alive (article : « Serveur HTTP Simple »)");
    std::cout << "Méthode      : « Hello, World! » keep-alive, un processus par serveur, "
              << "wrk -t1 -c64 -d" << secondes << "s ; puis " << bench::nombre(inactives)
              << " connexions inactives (RSS du serveur)" << (rapide ? " ; mode --rapide" : "")
              << "\n\n"
              << std::flush;

    struct Ligne {
        std::string nom;
        std::optional<double> rps;
        std::optional<double> octets;
    };
    std::vector<Ligne> lignes;
    for (auto [quoi, nom] : {std::pair{"rt-poll", "rt current_thread, poll(2)"},
                             std::pair{"rt-epoll", "rt current_thread, epoll"},
                             std::pair{"asio", "Boost.Asio, un thread"}}) {
        Ligne ligne{nom, std::nullopt, std::nullopt};
        try {
            Enfant e = lancer(quoi);
            ligne.rps = charger(e, secondes);
            arreter(e);
            Enfant e2 = lancer(quoi);
            ligne.octets = memoire_par_connexion(e2, inactives);
            arreter(e2);
        } catch (const std::exception& ex) {
            std::cout << nom << " : " << ex.what() << "\n";
        }
        lignes.push_back(ligne);
    }

    bench::Tableau tableau(
        {"Serveur", "requêtes/s", "÷ Asio", "RSS par connexion inactive (octets)"});
    const auto& asio_r = lignes.back();
    for (const auto& l2 : lignes) {
        tableau.ligne({l2.nom, l2.rps ? bench::nombre(*l2.rps) : "échec",
                       l2.rps && asio_r.rps ? bench::rapport(*l2.rps, *asio_r.rps) : "—",
                       l2.octets ? bench::nombre(*l2.octets) : "échec"});
    }
    tableau.afficher();
    std::cout << "\nRSS par connexion : hausse de la mémoire résidente du processus serveur "
                 "(trames de coroutines, tampons, structures du réacteur) divisée par le nombre "
                 "de connexions ; les tampons des sockets, dans le noyau, n'y sont pas.\n";
    std::cout << "\nObjectif du cours : rt ≥ 1,0× les requêtes/s d'Asio"
              << (rapide ? " (mode --rapide : non significatif)" : "") << "\n";
    return 0;
}
