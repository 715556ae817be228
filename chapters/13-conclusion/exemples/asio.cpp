/// \file
/// \brief Chapitre 13 — en production : l'arrêt propre au Ctrl-C avec Boost.Asio
/// (signal_set, co_spawn, opérateurs || des awaitables).
///
/// Usage : ch13_asio [adresse] [--demo]   (127.0.0.1:8014 par défaut ; 127.0.0.1:0 choisit un
/// port libre et l'affiche)
///
/// Un serveur réduit à l'essentiel de l'arrêt : chaque ligne « travail NOM DURÉE_MS »
/// lance un travail (un steady_timer) et reçoit « accepté N ». Au Ctrl-C, le même ordre que
/// dans l'exercice : l'acceptor est fermé (plus de clients), les travaux en cours ont un délai
/// de grâce, les retardataires sont annulés, les connexions fermées ; puis io_context::run
/// rend la main de lui-même, parce qu'il ne reste plus aucune opération en cours — c'est
/// l'équivalent Asio de « attendre chaque tâche lancée ». Ni file bornée ni limite ici : la
/// leçon les fait avec rt ; en Asio, ce serait une file à soi et un compteur (un seul thread,
/// donc sans verrou).
///
/// asio::signal_set est le ctrl_c de tokio et de rt : il installe son gestionnaire de SIGINT
/// dès sa construction, et un signal arrivé avant async_wait n'est pas perdu.

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <csignal>

#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

namespace {

/// L'état du serveur : un seul thread, donc aucun verrou.
struct Serveur {
    explicit Serveur(asio::io_context& io) : acceptor(io), tous_finis(io) {}

    tcp::acceptor acceptor;
    std::set<std::shared_ptr<tcp::socket>> clients;        ///< à fermer à l'arrêt
    std::set<std::shared_ptr<asio::steady_timer>> travaux; ///< en cours
    asio::steady_timer tous_finis; ///< « sonnette » : annulé quand le dernier travail finit
    std::uint64_t prochain = 1;
    std::uint64_t finis = 0;
    std::uint64_t interrompus = 0;
};

asio::awaitable<void> travail(Serveur& s, std::string nom, std::chrono::milliseconds duree) {
    auto minuterie = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    minuterie->expires_after(duree);
    s.travaux.insert(minuterie);
    boost::system::error_code ec;
    co_await minuterie->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    s.travaux.erase(minuterie);
    if (ec) {
        ++s.interrompus; // annulé à la fin du délai de grâce
    } else {
        ++s.finis;
        std::cout << "[serveur] travail « " << nom << " » fini" << std::endl;
    }
    if (s.travaux.empty()) {
        s.tous_finis.cancel(); // réveille l'arrêt s'il attendait
    }
}

asio::awaitable<void> session(Serveur& s, std::shared_ptr<tcp::socket> socket) {
    s.clients.insert(socket);
    try {
        std::string tampon;
        for (;;) {
            const std::size_t n = co_await asio::async_read_until(
                *socket, asio::dynamic_buffer(tampon, 256), '\n', asio::use_awaitable);
            std::istringstream ligne(tampon.substr(0, n));
            tampon.erase(0, n);
            std::string mot, nom;
            long ms = -1;
            std::string reponse = "erreur : commande inconnue\n";
            if (ligne >> mot >> nom >> ms && mot == "travail" && ms >= 0) {
                const std::uint64_t numero = s.prochain++;
                asio::co_spawn(socket->get_executor(),
                               travail(s, nom, std::chrono::milliseconds(ms)), asio::detached);
                reponse = "accepté " + std::to_string(numero) + "\n";
            }
            co_await asio::async_write(*socket, asio::buffer(reponse), asio::use_awaitable);
        }
    } catch (const std::exception&) {
        // fin de flux, ligne trop longue (dynamic_buffer borné), ou fermée à l'arrêt
    }
    s.clients.erase(socket);
}

asio::awaitable<void> accepter(Serveur& s) {
    for (;;) {
        auto socket = std::make_shared<tcp::socket>(co_await asio::this_coro::executor);
        boost::system::error_code ec;
        co_await s.acceptor.async_accept(*socket, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !s.acceptor.is_open()) {
            co_return; // acceptor fermé : l'arrêt a commencé
        }
        if (!ec) {
            asio::co_spawn(s.acceptor.get_executor(), session(s, socket), asio::detached);
        }
    }
}

/// L'arrêt propre, dans l'ordre de l'exercice.
asio::awaitable<void> arret(Serveur& s, asio::signal_set& signaux) {
    co_await signaux.async_wait(asio::use_awaitable);
    std::cout << "[serveur] Ctrl-C : plus de nouveaux clients, " << s.travaux.size()
              << " travail(aux) en cours, 1 s de grâce" << std::endl;
    s.acceptor.close(); // 1) plus de clients : accepter() rend la main
    if (!s.travaux.empty()) {
        // 2) la grâce : le premier des deux l'emporte, l'autre attente est annulée
        s.tous_finis.expires_at(asio::steady_timer::time_point::max());
        asio::steady_timer grace(co_await asio::this_coro::executor, 1s);
        boost::system::error_code ec;
        co_await (s.tous_finis.async_wait(asio::redirect_error(asio::use_awaitable, ec)) ||
                  grace.async_wait(asio::use_awaitable));
    }
    for (const auto& m : s.travaux) {
        m->cancel(); // 3) les retardataires sont annulés
    }
    for (const auto& c : s.clients) {
        boost::system::error_code ignore;
        c->close(ignore); // 4) les connexions sont fermées : leurs sessions finissent
    }
    // Plus rien n'est en cours : io_context::run() va rendre la main.
}

/// Le client de la démonstration : deux travaux (100 ms et 3 s), puis Ctrl-C.
asio::awaitable<void> demonstration(tcp::endpoint cible) {
    tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(cible, asio::use_awaitable);
    std::string tampon;
    for (std::string_view commande : {"travail court 100\n", "travail long 3000\n"}) {
        co_await asio::async_write(socket, asio::buffer(commande), asio::use_awaitable);
        const std::size_t n = co_await asio::async_read_until(socket, asio::dynamic_buffer(tampon),
                                                              '\n', asio::use_awaitable);
        std::cout << "  > " << commande.substr(0, commande.size() - 1) << "\n  < "
                  << tampon.substr(0, n - 1) << std::endl;
        tampon.erase(0, n);
    }
    asio::steady_timer pause(co_await asio::this_coro::executor, 200ms);
    co_await pause.async_wait(asio::use_awaitable); // le travail court a fini
    std::cout << "[démo] raise(SIGINT) : comme un Ctrl-C au clavier" << std::endl;
    std::raise(SIGINT);
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8014";
    bool demo = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--demo") {
            demo = true;
        } else {
            adresse = arg;
        }
    }
    try {
        const auto deux_points = adresse.rfind(':');
        const tcp::endpoint point(
            asio::ip::make_address(adresse.substr(0, deux_points)),
            static_cast<unsigned short>(std::stoul(adresse.substr(deux_points + 1))));
        asio::io_context io;
        asio::signal_set signaux(io, SIGINT); // le gestionnaire est installé ICI
        Serveur serveur(io);
        serveur.acceptor.open(point.protocol());
        serveur.acceptor.set_option(tcp::acceptor::reuse_address(true));
        serveur.acceptor.bind(point);
        serveur.acceptor.listen();
        const tcp::endpoint vrai = serveur.acceptor.local_endpoint();
        std::cout << "Serveur (Asio) en écoute sur " << vrai << " (Ctrl-C : arrêt propre)"
                  << std::endl;

        asio::co_spawn(io, accepter(serveur), asio::detached);
        asio::co_spawn(io, arret(serveur, signaux), asio::detached);
        if (demo) {
            asio::co_spawn(io, demonstration(vrai), asio::detached);
        }
        io.run(); // rend la main quand plus rien n'est en cours
        std::cout << "Bilan : " << serveur.finis << " fini(s), " << serveur.interrompus
                  << " interrompu(s)" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "erreur : " << e.what() << std::endl;
        return 1;
    }
}
