/// \file
/// \brief Chapitre 07 — en production : le salon de chat avec Boost.Asio (C++20, co_spawn).
///
/// Usage : ch07_asio [adresse] [--auto N]   (comme ch07_serveur ; 127.0.0.1:8081 par défaut)
///
/// Le schéma est celui de l'exemple « chat_server » de la documentation d'Asio : un ensemble
/// partagé de sessions, et pour chaque session DEUX coroutines — une qui lit les lignes du
/// client, une qui écrit sa file d'attente — et un steady_timer qui sert de sonnette entre
/// elles (il « expire » jamais ; on l'annule pour réveiller l'écrivain). Pas de canal
/// broadcast : diffuser, c'est ajouter le message à la file de chaque autre session. La file
/// est bornée : un lecteur lent perd les plus anciens messages (notre « lagged »).
/// Tout tourne sur un seul io_context, sur un seul thread : pas de verrou.

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t LONGUEUR_MAX = 1024;
constexpr std::size_t FILE_MAX = 128; // messages en attente par session, au plus

class Session;

/// L'état partagé : les sessions présentes. Une session s'y inscrit en démarrant et s'en
/// retire en s'arrêtant — c'est la liste de l'article, avec le retrait qu'elle n'avait pas.
struct Salon {
    std::set<std::shared_ptr<Session>> sessions;
    std::uint64_t prochain_id = 1;
    void diffuser(const Session* auteur, const std::string& ligne);
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Salon& salon)
        : socket_(std::move(socket)), sonnette_(socket_.get_executor()), salon_(salon),
          id_(salon.prochain_id++) {
        sonnette_.expires_at(std::chrono::steady_clock::time_point::max());
    }

    void demarrer() {
        salon_.sessions.insert(shared_from_this());
        deposer("bienvenue " + std::to_string(id_) + "\n");
        // Chaque coroutine garde la session en vie (shared_from_this) : l'équivalent du
        // `move` des captures de tokio::spawn.
        asio::co_spawn(
            socket_.get_executor(), [self = shared_from_this()] { return self->lire(); },
            asio::detached);
        asio::co_spawn(
            socket_.get_executor(), [self = shared_from_this()] { return self->ecrire(); },
            asio::detached);
    }

    /// Ajoute une ligne à la file d'écriture et réveille l'écrivain. Ne bloque jamais.
    void deposer(std::string ligne) {
        if (file_.size() >= FILE_MAX) {
            file_.pop_front(); // lecteur lent : on perd le plus ancien, pas les autres clients
            ++perdus_;
        }
        file_.push_back(std::move(ligne));
        sonnette_.cancel_one();
    }

    std::uint64_t id() const { return id_; }

private:
    asio::awaitable<void> lire() {
        try {
            std::string tampon;
            for (;;) {
                // dynamic_buffer borné : au-delà de LONGUEUR_MAX sans '\n', erreur not_found.
                const std::size_t n = co_await asio::async_read_until(
                    socket_, asio::dynamic_buffer(tampon, LONGUEUR_MAX), '\n', asio::use_awaitable);
                std::string texte = tampon.substr(0, n);
                tampon.erase(0, n);
                while (!texte.empty() && (texte.back() == '\n' || texte.back() == '\r')) {
                    texte.pop_back();
                }
                if (!texte.empty()) {
                    salon_.diffuser(this, "[" + std::to_string(id_) + "] " + texte + "\n");
                }
            }
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::not_found) {
                std::cout << "[serveur] client " << id_ << " : ligne trop longue" << std::endl;
            }
        }
        arreter();
    }

    asio::awaitable<void> ecrire() {
        try {
            while (socket_.is_open()) {
                if (file_.empty()) {
                    boost::system::error_code ec; // « annulé » = on nous a sonné
                    co_await sonnette_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    continue;
                }
                if (perdus_ > 0) {
                    const std::string avis =
                        "*** " + std::to_string(perdus_) + " messages perdus\n";
                    perdus_ = 0;
                    co_await asio::async_write(socket_, asio::buffer(avis), asio::use_awaitable);
                }
                const std::string ligne = std::move(file_.front());
                file_.pop_front();
                co_await asio::async_write(socket_, asio::buffer(ligne), asio::use_awaitable);
            }
        } catch (const boost::system::system_error&) {
            arreter();
        }
    }

    void arreter() {
        if (!socket_.is_open()) {
            return;
        }
        std::cout << "[serveur] client " << id_ << " parti" << std::endl;
        salon_.sessions.erase(shared_from_this()); // retiré de la liste
        boost::system::error_code ec;
        socket_.close(ec);
        sonnette_.cancel();
    }

    tcp::socket socket_;
    asio::steady_timer sonnette_;
    Salon& salon_;
    std::uint64_t id_;
    std::deque<std::string> file_;
    std::uint64_t perdus_ = 0;
};

void Salon::diffuser(const Session* auteur, const std::string& ligne) {
    for (const auto& s : sessions) {
        if (s.get() != auteur) { // pas d'écho
            s->deposer(ligne);
        }
    }
}

asio::awaitable<void> accepter(tcp::acceptor acceptor, Salon& salon) {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            continue; // une erreur d'accept ne termine pas le serveur
        }
        std::make_shared<Session>(std::move(socket), salon)->demarrer();
    }
}

// --- Mode --auto : des clients internes, écrits avec Asio aussi -----------------------------

/// Lit une ligne en au plus `delai` ; « (rien) » sinon.
asio::awaitable<std::string> lire_ou_rien(tcp::socket& s, std::string& tampon,
                                          std::chrono::milliseconds delai = 2s) {
    asio::steady_timer minuterie(s.get_executor(), delai);
    minuterie.async_wait([&s](boost::system::error_code ec) {
        if (!ec) {
            s.cancel(); // délai écoulé : la lecture en cours se termine par operation_aborted
        }
    });
    boost::system::error_code ec;
    const std::size_t n = co_await asio::async_read_until(
        s, asio::dynamic_buffer(tampon), '\n', asio::redirect_error(asio::use_awaitable, ec));
    minuterie.cancel();
    if (ec) {
        co_return "(rien)";
    }
    std::string ligne = tampon.substr(0, n - 1);
    tampon.erase(0, n);
    co_return ligne;
}

asio::awaitable<void> demonstration(tcp::endpoint cible, int n, Salon& salon, int& code) {
    auto ex = co_await asio::this_coro::executor;
    std::deque<tcp::socket> clients;
    std::deque<std::string> tampons(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        clients.emplace_back(ex);
        co_await clients.back().async_connect(cible, asio::use_awaitable);
        std::cout << "  client " << i + 1
                  << " reçoit : " << co_await lire_ou_rien(clients.back(), tampons[i]) << std::endl;
    }
    std::cout << "\n[auto] le client 1 envoie « bonjour »" << std::endl;
    co_await asio::async_write(clients[0], asio::buffer(std::string_view("bonjour\n")),
                               asio::use_awaitable);
    for (int i = 1; i < n; ++i) {
        std::cout << "  client " << i + 1
                  << " reçoit : " << co_await lire_ou_rien(clients[i], tampons[i]) << std::endl;
    }
    const std::string propre = co_await lire_ou_rien(clients[0], tampons[0], 100ms);
    std::cout << "  client 1 reçoit : " << propre << " (pas d'écho)" << std::endl;

    std::cout << "\n[auto] le client " << n << " se déconnecte" << std::endl;
    clients.back().close();
    asio::steady_timer t(ex);
    for (int i = 0; i < 500 && salon.sessions.size() != static_cast<std::size_t>(n - 1); ++i) {
        t.expires_after(2ms);
        co_await t.async_wait(asio::use_awaitable);
    }
    std::cout << "  sessions dans le salon : " << salon.sessions.size() << std::endl;
    code = (propre == "(rien)" && salon.sessions.size() == static_cast<std::size_t>(n - 1)) ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8081";
    int auto_clients = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--auto" && i + 1 < argc) {
            auto_clients = std::atoi(argv[++i]);
        } else {
            adresse = a;
        }
    }
    if (auto_clients != 0 && auto_clients < 2) {
        std::cerr << "--auto : il faut au moins 2 clients" << std::endl;
        return 2;
    }
    const auto deux_points = adresse.rfind(':');
    if (deux_points == std::string::npos) {
        std::cerr << "adresse attendue : hôte:port" << std::endl;
        return 2;
    }
    asio::io_context io;
    tcp::endpoint point(asio::ip::make_address(adresse.substr(0, deux_points)),
                        static_cast<unsigned short>(std::stoi(adresse.substr(deux_points + 1))));
    tcp::acceptor acceptor(io, point);
    const tcp::endpoint reel = acceptor.local_endpoint();
    std::cout << "Serveur de chat (Asio) en écoute sur " << reel << std::endl;

    Salon salon;
    asio::co_spawn(io, accepter(std::move(acceptor), salon), asio::detached);
    int code = 0;
    if (auto_clients > 0) {
        asio::co_spawn(io, demonstration(reel, auto_clients, salon, code),
                       [&io](std::exception_ptr e) {
                           if (e) {
                               std::cerr << "démonstration interrompue" << std::endl;
                           }
                           io.stop(); // sinon run() attendrait les sessions pour toujours
                       });
    }
    io.run();
    return code;
}
