// Benchmark des chapitres 06 et 11 : un serveur HTTP keep-alive « Hello, World! ».
//
// 1. Un thread : rt current_thread (réacteur poll puis epoll) et Boost.Asio (un thread),
//    chacun chargé par `wrk -t1 -c64 -d5s` ; puis la mémoire résidente de chaque serveur
//    portant 10 000 connexions inactives.
// 2. Deux threads : rt multi_thread à 2 workers (poll puis epoll), tokio multi_thread à 2
//    workers (bench/tokio/, `tokio_bench http 2` : mêmes octets, même keep-alive) et Boost.Asio
//    avec un io_context exécuté par 2 threads, chacun chargé par `wrk -t2 -c128 -d5s`.
//
// Chaque serveur tourne dans un processus enfant (ce programme relancé avec --serveur, ou le
// programme tokio) : son RSS ne mélange rien d'autre, et wrk le charge de l'extérieur comme un
// vrai client. `--rapide` : wrk pendant 1 s, 1 000 connexions inactives.
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

/// Nombre de threads des serveurs de la deuxième partie (workers de rt et de tokio, threads
/// qui exécutent l'io_context d'Asio).
constexpr int THREADS = 2;

/// Les serveurs : « rt-poll », « rt-epoll » (current_thread), « rt-mt-poll », « rt-mt-epoll »
/// (multi_thread, THREADS workers), « asio » (un thread), « asio-mt » (THREADS threads).
int serveur(std::string_view quoi) {
    rlimit l{};
    ::getrlimit(RLIMIT_NOFILE, &l);
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
    if (quoi == "asio" || quoi == "asio-mt") {
        const int threads = quoi == "asio" ? 1 : THREADS;
        asio::io_context io(threads); // indice de concurrence : le nombre de threads
        asio::ip::tcp::acceptor acceptor(
            io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        std::cout << "PORT " << acceptor.local_endpoint().port() << std::endl;
        asio::co_spawn(io, accepter_asio(std::move(acceptor)), asio::detached);
        // Chaque connexion est une coroutine dont les opérations se suivent : pas besoin de
        // strand, n'importe lequel des threads peut la reprendre.
        std::vector<std::thread> autres;
        for (int i = 1; i < threads; ++i) {
            autres.emplace_back([&io] { io.run(); });
        }
        io.run();
        for (auto& t : autres) {
            t.join();
        }
        return 0;
    }
    const bool epoll = quoi == "rt-epoll" || quoi == "rt-mt-epoll";
    const auto kind = epoll ? rt::ReactorKind::Epoll : rt::ReactorKind::Poll;
    // multi_thread : la boucle d'acceptation tourne dans block_on, sur ce thread (comme
    // `#[tokio::main]`) ; les connexions lancées par rt::spawn vont aux workers.
    rt::Runtime runtime =
        quoi.rfind("rt-mt-", 0) == 0
            ? rt::Builder::multi_thread().worker_threads(THREADS).reactor(kind).build()
            : rt::Builder::current_thread().reactor(kind).build();
    runtime.block_on(serveur_rt());
    return 0;
}

// --- Le parent : lancer un serveur, le charger, le mesurer -----------------------------------

struct Enfant {
    pid_t pid = -1;
    int port = 0;
};

/// Lance `commande` (le programme puis ses arguments) et lit sa ligne « PORT n ».
Enfant lancer(const std::vector<std::string>& commande) {
    int tube[2];
    if (::pipe(tube) != 0) {
        throw std::runtime_error("pipe impossible");
    }
    std::vector<char*> argv;
    for (const auto& a : commande) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(tube[1], 1);
        ::close(tube[0]);
        ::close(tube[1]);
        ::execv(argv[0], argv.data());
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
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error("le serveur « " + commande.back() + " » ne démarre pas");
    }
    return Enfant{pid, std::stoi(ligne.substr(5))};
}

/// Ce programme, relancé en serveur `quoi`.
Enfant lancer(std::string_view quoi) {
    return lancer({bench::ce_programme(), "--serveur", std::string(quoi)});
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

/// `wrk -t<threads> -c<connexions> -d<secondes>s` contre le serveur ; rend les requêtes/s.
std::optional<double> charger(const Enfant& e, int secondes, int threads, int connexions) {
    int code = 0;
    const std::string sortie = bench::executer(
        "wrk -t" + std::to_string(threads) + " -c" + std::to_string(connexions) + " -d" +
            std::to_string(secondes) + "s http://127.0.0.1:" + std::to_string(e.port) + "/ 2>&1",
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
    std::string seul; // `--seul MOT` : seulement les serveurs dont le nom contient MOT
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string_view(argv[i]) == "--seul") {
            seul = argv[i + 1];
        }
    }
    auto retenu = [&](const std::string& nom) {
        return seul.empty() || nom.find(seul) != std::string::npos;
    };
    rlimit l{};
    ::getrlimit(RLIMIT_NOFILE, &l);
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);

    bench::afficher_machine("serveur HTTP keep-alive (article : « Serveur HTTP Simple »)");
    const bool avec_wrk = bench::dans_le_path("wrk");
    if (!avec_wrk) {
        std::cout << "wrk : non disponible (sudo apt-get install wrk) ; seule la mémoire par "
                     "connexion est mesurée\n";
    }

    struct Ligne {
        std::string nom;
        std::optional<double> rps;
        std::optional<double> octets;
    };
    auto cellule_rps = [&](const Ligne& l2) -> std::string {
        return l2.rps ? bench::nombre(*l2.rps) : avec_wrk ? "échec" : "—";
    };

    // --- 1. Un thread ----------------------------------------------------------------------
    std::cout << "\n=== Un thread : wrk -t1 -c64 -d" << secondes << "s ===\n"
              << "Méthode      : « Hello, World! » keep-alive, un processus par serveur, "
              << "wrk -t1 -c64 -d" << secondes << "s ; puis " << bench::nombre(inactives)
              << " connexions inactives (RSS du serveur)" << (rapide ? " ; mode --rapide" : "")
              << "\n\n"
              << std::flush;

    std::vector<Ligne> lignes;
    for (auto [quoi, nom] : {std::pair{"rt-poll", "rt current_thread, poll(2)"},
                             std::pair{"rt-epoll", "rt current_thread, epoll"},
                             std::pair{"asio", "Boost.Asio, un thread"}}) {
        if (!retenu(nom)) {
            continue;
        }
        Ligne ligne{nom, std::nullopt, std::nullopt};
        try {
            if (avec_wrk) {
                Enfant e = lancer(quoi);
                ligne.rps = charger(e, secondes, 1, 64);
                arreter(e);
            }
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
    const Ligne* asio_r = nullptr;
    for (const auto& l2 : lignes) {
        if (l2.nom.find("Asio") != std::string::npos) {
            asio_r = &l2;
        }
    }
    for (const auto& l2 : lignes) {
        tableau.ligne(
            {l2.nom, cellule_rps(l2),
             l2.rps && asio_r && asio_r->rps ? bench::rapport(*l2.rps, *asio_r->rps) : "—",
             l2.octets ? bench::nombre(*l2.octets) : "échec"});
    }
    tableau.afficher();
    std::cout << "\nRSS par connexion : hausse de la mémoire résidente du processus serveur "
                 "(trames de coroutines, tampons, structures du réacteur) divisée par le nombre "
                 "de connexions ; les tampons des sockets, dans le noyau, n'y sont pas.\n";
    std::cout << "\nObjectif du cours : rt ≥ 1,0× les requêtes/s d'Asio"
              << (rapide ? " (mode --rapide : non significatif)" : "") << "\n";

    // --- 2. Deux threads -------------------------------------------------------------------
    if (!avec_wrk) {
        return 0;
    }
    const int connexions = 64 * THREADS;
    std::cout << "\n=== " << THREADS << " threads : wrk -t" << THREADS << " -c" << connexions
              << " -d" << secondes << "s ===\n"
              << "Méthode      : le même serveur sur " << THREADS
              << " threads (workers de rt et de tokio, threads qui exécutent l'io_context "
                 "d'Asio), un processus par serveur ; wrk -t"
              << THREADS << " -c" << connexions << " -d" << secondes << "s"
              << (rapide ? " ; mode --rapide" : "") << "\n\n"
              << std::flush;

    std::string raison_tokio;
    auto tokio = bench::programme_tokio(raison_tokio);
    const std::string nom_tokio = "tokio multi_thread, " + std::to_string(THREADS) + " workers";
    const std::string nom_asio = "Boost.Asio, io_context à " + std::to_string(THREADS) + " threads";
    struct Serveur {
        std::string nom;
        std::vector<std::string> commande;
    };
    std::vector<Serveur> serveurs = {
        {"rt multi_thread, " + std::to_string(THREADS) + " workers, poll(2)",
         {bench::ce_programme(), "--serveur", "rt-mt-poll"}},
        {"rt multi_thread, " + std::to_string(THREADS) + " workers, epoll",
         {bench::ce_programme(), "--serveur", "rt-mt-epoll"}},
        {nom_asio, {bench::ce_programme(), "--serveur", "asio-mt"}},
    };
    if (tokio) {
        serveurs.push_back({nom_tokio, {*tokio, "http", std::to_string(THREADS)}});
    }
    std::vector<Ligne> lignes_mt;
    for (const auto& s : serveurs) {
        if (!retenu(s.nom)) {
            continue;
        }
        Ligne ligne{s.nom, std::nullopt, std::nullopt};
        try {
            Enfant e = lancer(s.commande);
            ligne.rps = charger(e, secondes, THREADS, connexions);
            arreter(e);
        } catch (const std::exception& ex) {
            std::cout << s.nom << " : " << ex.what() << "\n";
        }
        lignes_mt.push_back(ligne);
    }
    // La référence : la meilleure des deux autres implémentations (tokio, Asio).
    const Ligne* meilleure = nullptr;
    for (const auto& l2 : lignes_mt) {
        if (l2.nom.rfind("rt ", 0) != 0 && l2.rps && (!meilleure || *l2.rps > *meilleure->rps)) {
            meilleure = &l2;
        }
    }
    bench::Tableau tableau_mt({"Serveur", "requêtes/s", "÷ meilleure référence"});
    for (const auto& l2 : lignes_mt) {
        tableau_mt.ligne({l2.nom, cellule_rps(l2),
                          l2.rps && meilleure ? bench::rapport(*l2.rps, *meilleure->rps) : "—"});
    }
    tableau_mt.afficher();
    if (!tokio) {
        std::cout << "\ntokio : non disponible (" << raison_tokio << ")\n";
    }
    if (meilleure) {
        std::cout << "\nRéférence : " << meilleure->nom << ". Objectif du cours : rt ≥ 1,0× la "
                  << "meilleure référence" << (rapide ? " (mode --rapide : non significatif)" : "")
                  << "\n";
        for (const auto& l2 : lignes_mt) {
            if (l2.nom.rfind("rt ", 0) == 0 && l2.rps) {
                std::cout << "  " << l2.nom << " : " << bench::rapport(*l2.rps, *meilleure->rps)
                          << (*l2.rps >= *meilleure->rps ? " : atteint" : " : NON atteint") << "\n";
            }
        }
    }
    return 0;
}
