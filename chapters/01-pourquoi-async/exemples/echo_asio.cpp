// Chapitre 01 — En production : le serveur d'écho avec Boost.Asio et les coroutines C++20.
//
// Le même service que ch01_serveur_threads, mais chaque connexion est une coroutine lancée
// par asio::co_spawn (l'équivalent le plus proche de tokio::spawn dans l'écosystème C++),
// et toutes tournent sur un seul thread. Le reste du cours construit, pièce par pièce, un
// runtime qui fait la même chose : il est plus petit qu'Asio, mais on le comprend en entier.
//
// Usage : ch01_echo_asio [adresse] [--auto N]
//   adresse   « IPv4:port », défaut 127.0.0.1:8080 ; port 0 = un port libre, affiché
//   --auto N  démonstration autonome : N clients (eux aussi des coroutines, sur le même
//             thread) se connectent en même temps, vérifient l'écho, puis tout s'arrête
#include <boost/asio.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace asio = boost::asio;
using asio::ip::tcp;

// Une connexion : lire ce qui arrive, le renvoyer, jusqu'à la fin de flux.
// Chaque co_await suspend la coroutine au lieu de bloquer le thread.
asio::awaitable<void> echo(tcp::socket socket) {
    char tampon[4096];
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = co_await socket.async_read_some(
            asio::buffer(tampon), asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return; // eof : le client a fermé ; autre erreur : on abandonne ce client
        co_await asio::async_write(socket, asio::buffer(tampon, n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
    }
}

// La boucle d'acceptation : une coroutine par client, pas un thread.
asio::awaitable<void> ecouter(tcp::acceptor acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
    }
}

namespace {

// État partagé des clients de démonstration. Il vit dans main() et survit à io.run() :
// les coroutines peuvent donc le recevoir par pointeur sans risque.
struct Demo {
    std::size_t attendus = 0;
    std::size_t servis = 0;   // clients qui ont reçu leur écho
    std::size_t corrects = 0; // ... et dont l'écho est exact
    long threads_pendant = 0;
    long residente_pendant_kio = 0;
    asio::steady_timer tous_servis; // « annulé » quand le dernier client est servi
    explicit Demo(asio::io_context& io) : tous_servis(io, asio::steady_timer::time_point::max()) {}
};

struct Status {
    long residente_kio = 0, threads = 0;
};

Status lire_status() {
    Status s;
    std::ifstream f("/proc/self/status");
    std::string ligne;
    while (std::getline(f, ligne)) {
        std::istringstream champs(ligne);
        std::string cle;
        long v = 0;
        champs >> cle >> v;
        if (cle == "VmRSS:")
            s.residente_kio = v;
        else if (cle == "Threads:")
            s.threads = v;
    }
    return s;
}

// Un client de démonstration : se connecte, envoie, vérifie l'écho, puis attend que tous les
// autres aient été servis avant de raccrocher (pour que toutes les connexions coexistent).
asio::awaitable<void> client(tcp::endpoint serveur, std::size_t numero, Demo* demo) {
    tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(serveur, asio::use_awaitable);
    const std::string message = "client " + std::to_string(numero) + "\n";
    co_await asio::async_write(socket, asio::buffer(message), asio::use_awaitable);
    std::string recu(message.size(), '\0');
    co_await asio::async_read(socket, asio::buffer(recu), asio::use_awaitable);
    demo->corrects += recu == message;
    if (++demo->servis == demo->attendus) {
        const Status s = lire_status();
        demo->threads_pendant = s.threads;
        demo->residente_pendant_kio = s.residente_kio;
        demo->tous_servis.cancel(); // réveille tous les clients qui attendent
    } else {
        boost::system::error_code ec; // operation_aborted attendu : c'est le signal
        co_await demo->tous_servis.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void assez_de_descripteurs(std::size_t n) {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    if (r.rlim_cur < 2 * n + 64) {
        r.rlim_cur = std::min<rlim_t>(r.rlim_max, 2 * n + 64);
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8080";
    std::size_t automatique = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--auto" && i + 1 < argc)
            automatique = std::strtoull(argv[++i], nullptr, 10);
        else
            adresse = arg;
    }
    const auto deux_points = adresse.rfind(':');
    if (deux_points == std::string::npos) {
        std::fprintf(stderr, "adresse invalide : %s (attendu IPv4:port)\n", adresse.c_str());
        return 2;
    }
    assez_de_descripteurs(automatique);

    try {
        asio::io_context io; // un seul thread : celui qui appelle io.run()
        const tcp::endpoint point(
            asio::ip::make_address(adresse.substr(0, deux_points)),
            static_cast<unsigned short>(std::atoi(adresse.c_str() + deux_points + 1)));
        tcp::acceptor acceptor(io, point);
        const tcp::endpoint local = acceptor.local_endpoint();
        std::printf("Serveur d'écho (Boost.Asio, coroutines) en écoute sur %s:%u\n",
                    local.address().to_string().c_str(), local.port());
        std::fflush(stdout);
        asio::co_spawn(io, ecouter(std::move(acceptor)), asio::detached);

        if (automatique == 0) {
            io.run(); // ne revient pas : arrêtez avec Ctrl-C
            return 0;
        }

        const long residente_avant = lire_status().residente_kio;
        Demo demo(io);
        demo.attendus = automatique;
        std::size_t termines = 0;
        for (std::size_t i = 0; i < automatique; ++i)
            asio::co_spawn(io, client(local, i, &demo), [&](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& x) {
                        std::fprintf(stderr, "client %zu : %s\n", i, x.what());
                    }
                }
                if (++termines == automatique)
                    io.stop(); // l'acceptation et les échos restants sont détruits avec io
            });
        io.run();

        std::printf("%zu clients connectés en même temps, %zu échos corrects\n", automatique,
                    demo.corrects);
        std::printf("  threads du processus : %ld (un seul : serveur et clients sont des "
                    "coroutines)\n",
                    demo.threads_pendant);
        std::printf("  mémoire résidente : +%ld kio pour serveur et clients\n",
                    demo.residente_pendant_kio - residente_avant);
        return demo.corrects == automatique ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "erreur : %s\n", e.what());
        return 1;
    }
}
