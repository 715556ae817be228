// rt::net et rt::io : TCP non bloquant sur le réacteur, avec poll(2) puis avec epoll.
#define BOOST_TEST_MODULE rt_net
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// Exécute `programme` sur un runtime avec chacun des deux réacteurs.
template <class F>
void avec_chaque_reacteur(F programme) {
    for (auto kind : {rt::ReactorKind::Poll, rt::ReactorKind::Epoll}) {
        BOOST_TEST_CONTEXT("réacteur " << (kind == rt::ReactorKind::Poll ? "poll" : "epoll")) {
            rt::Runtime runtime = rt::Builder::from_env().reactor(kind).build();
            runtime.block_on(programme());
        }
    }
}

/// Un serveur d'écho : chaque connexion renvoie ce qu'elle reçoit jusqu'à la fin du flux.
rt::Task<void> servir_echo(std::shared_ptr<rt::net::TcpListener> listener, int connexions) {
    for (int i = 0; i < connexions; ++i) {
        auto [socket, addr] = co_await listener->accept();
        (void)rt::spawn([s = std::move(socket)]() mutable -> rt::Task<void> {
            std::array<char, 4096> tampon;
            for (;;) {
                std::size_t n = co_await s.read(tampon);
                if (n == 0) {
                    co_return;
                }
                co_await s.write_all(std::string_view(tampon.data(), n));
            }
        });
    }
}

rt::Task<std::string> lire_jusqu_a_la_fin(rt::net::TcpStream& s) {
    std::string tout;
    std::array<char, 4096> tampon;
    for (;;) {
        std::size_t n = co_await s.read(tampon);
        if (n == 0) {
            co_return tout;
        }
        tout.append(tampon.data(), n);
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(echo_aller_retour) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = std::make_shared<rt::net::TcpListener>(
            co_await rt::net::TcpListener::bind("127.0.0.1:0"));
        const auto port = listener->local_addr().port();
        BOOST_TEST(port != 0, "le port 0 doit donner un port libre réel");
        auto serveur = rt::spawn(servir_echo(listener, 1));
        auto client = co_await rt::net::TcpStream::connect("127.0.0.1:" + std::to_string(port));
        co_await client.write_all("bonjour\n");
        co_await client.shutdown(); // comme `shutdown().await` en Rust
        BOOST_TEST(co_await lire_jusqu_a_la_fin(client) == "bonjour\n");
        co_await serveur;
    });
}

BOOST_AUTO_TEST_CASE(deux_cents_clients_en_meme_temps) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = std::make_shared<rt::net::TcpListener>(
            co_await rt::net::TcpListener::bind("127.0.0.1:0"));
        const std::string adresse = listener->local_addr().to_string();
        auto serveur = rt::spawn(servir_echo(listener, 200));
        rt::JoinSet<bool> clients;
        for (int i = 0; i < 200; ++i) {
            clients.spawn([adresse, i]() -> rt::Task<bool> {
                auto s = co_await rt::net::TcpStream::connect(adresse);
                const std::string message = "client " + std::to_string(i) + "\n";
                co_await s.write_all(message);
                s.shutdown_write();
                co_return co_await lire_jusqu_a_la_fin(s) == message;
            });
        }
        int justes = 0;
        while (auto r = co_await clients.join_next()) {
            justes += r->value() ? 1 : 0;
        }
        BOOST_TEST(justes == 200);
        co_await serveur;
    });
}

BOOST_AUTO_TEST_CASE(gros_envoi_ecritures_partielles) {
    // 8 Mio d'un coup : bien plus que les tampons du noyau. write_all doit attendre que le
    // pair lise (EAGAIN puis réveil par le réacteur), sans rien perdre ni dupliquer.
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = std::make_shared<rt::net::TcpListener>(
            co_await rt::net::TcpListener::bind("127.0.0.1:0"));
        auto serveur = rt::spawn(servir_echo(listener, 1));
        auto client = co_await rt::net::TcpStream::connect(listener->local_addr().to_string());
        std::string gros(8 << 20, '\0');
        for (std::size_t i = 0; i < gros.size(); ++i) {
            gros[i] = static_cast<char>('a' + i % 26);
        }
        auto [lecture, ecriture] = std::move(client).into_split();
        auto lecteur = rt::spawn([l = std::move(lecture)]() mutable -> rt::Task<std::string> {
            std::string tout;
            std::array<char, 65536> tampon;
            for (;;) {
                std::size_t n = co_await l.read(tampon);
                if (n == 0) {
                    co_return tout;
                }
                tout.append(tampon.data(), n);
            }
        });
        co_await ecriture.write_all(gros);
        ecriture.shutdown_write();
        auto recu = (co_await lecteur).value();
        BOOST_TEST(recu.size() == gros.size());
        BOOST_TEST((recu == gros), "les octets renvoyés doivent être identiques");
        co_await serveur;
    });
}

BOOST_AUTO_TEST_CASE(buf_reader_lignes_en_morceaux) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        const std::string adresse = listener.local_addr().to_string();
        auto ecrivain = rt::spawn([adresse]() -> rt::Task<void> {
            auto s = co_await rt::net::TcpStream::connect(adresse);
            s.set_nodelay(true);
            const std::string texte = "première ligne\ndeuxième\nsans fin";
            for (char c : texte) { // octet par octet : chaque ligne arrive en morceaux
                co_await s.write_all(std::string_view(&c, 1));
                co_await rt::task::yield_now();
            }
        });
        auto [socket, addr] = co_await listener.accept();
        rt::io::BufReader lecteur(std::move(socket));
        std::string ligne;
        BOOST_TEST(co_await lecteur.read_line(ligne) == std::string("première ligne\n").size());
        BOOST_TEST(ligne == "première ligne\n");
        ligne.clear();
        co_await lecteur.read_line(ligne);
        BOOST_TEST(ligne == "deuxième\n");
        ligne.clear();
        co_await lecteur.read_line(ligne); // la dernière, sans \n, jusqu'à la fin du flux
        BOOST_TEST(ligne == "sans fin");
        ligne.clear();
        BOOST_TEST(co_await lecteur.read_line(ligne) == 0u, "fin de flux : 0");
        co_await ecrivain;
    });
}

BOOST_AUTO_TEST_CASE(ligne_trop_longue_refusee) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        auto ecrivain = rt::spawn([a = listener.local_addr().to_string()]() -> rt::Task<void> {
            auto s = co_await rt::net::TcpStream::connect(a);
            co_await s.write_all(std::string(10'000, 'x'));
        });
        auto [socket, addr] = co_await listener.accept();
        rt::io::BufReader lecteur(std::move(socket));
        std::string ligne;
        bool refusee = false;
        try {
            co_await lecteur.read_line(ligne, 1024);
        } catch (const std::length_error&) {
            refusee = true;
        }
        BOOST_TEST(refusee);
        co_await ecrivain;
    });
}

BOOST_AUTO_TEST_CASE(abort_d_une_lecture_en_attente) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        auto client = co_await rt::net::TcpStream::connect(listener.local_addr().to_string());
        auto [socket, addr] = co_await listener.accept();
        auto lecteur = rt::spawn([s = std::move(socket)]() mutable -> rt::Task<std::size_t> {
            std::array<char, 16> tampon;
            co_return co_await s.read(tampon); // personne n'écrit : attend pour toujours
        });
        co_await rt::task::yield_now();
        lecteur.abort();
        auto r = co_await lecteur;
        BOOST_TEST(r.error().is_cancelled());
        // Le socket de la tâche annulée est fermé : le client lit la fin du flux.
        BOOST_TEST(co_await lire_jusqu_a_la_fin(client) == "");
    });
}

BOOST_AUTO_TEST_CASE(lecture_abandonnee_par_select) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        auto client = co_await rt::net::TcpStream::connect(listener.local_addr().to_string());
        auto [socket, addr] = co_await listener.accept();
        std::array<char, 16> tampon;
        auto r = co_await rt::select(socket.read(tampon), rt::time::sleep(2ms));
        BOOST_TEST(r.index() == 1u); // rien à lire : le délai gagne, la lecture est abandonnée
        // Une nouvelle lecture s'inscrit à nouveau et reçoit bien les données.
        co_await client.write_all("ok");
        std::size_t n = co_await socket.read(tampon);
        BOOST_TEST(std::string(tampon.data(), n) == "ok");
    });
}

BOOST_AUTO_TEST_CASE(connexion_refusee_leve_system_error) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        std::string adresse;
        {
            auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
            adresse = listener.local_addr().to_string();
        } // fermé : plus personne n'écoute sur ce port
        bool refusee = false;
        try {
            (void)co_await rt::net::TcpStream::connect(adresse);
        } catch (const std::system_error& e) {
            refusee = e.code() == std::errc::connection_refused;
        }
        BOOST_TEST(refusee);
    });
}

BOOST_AUTO_TEST_CASE(adresses_lues_et_refusees_en_francais) {
    BOOST_TEST(rt::net::SocketAddr::parse("127.0.0.1:8080").to_string() == "127.0.0.1:8080");
    BOOST_TEST(rt::net::SocketAddr::parse("[::1]:80").to_string() == "[::1]:80");
    BOOST_TEST(rt::net::SocketAddr::parse("localhost:0").port() == 0);
    for (const char* faux : {"127.0.0.1", "127.0.0.1:99999", "a.b.c.d:80", "127.0.0.1:8o"}) {
        try {
            (void)rt::net::SocketAddr::parse(faux);
            BOOST_ERROR("adresse acceptée à tort : " << faux);
        } catch (const std::invalid_argument& e) {
            BOOST_TEST(std::string(e.what()).find("adresse invalide") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(read_line_abandonne_ne_relit_rien) {
    avec_chaque_reacteur([]() -> rt::Task<void> {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        auto client = co_await rt::net::TcpStream::connect(listener.local_addr().to_string());
        auto [socket, addr] = co_await listener.accept();
        rt::io::BufReader lecteur(std::move(socket));
        co_await client.write_all("un\n");
        std::string ligne;
        co_await lecteur.read_line(ligne);
        BOOST_TEST(ligne == "un\n");
        ligne.clear();
        // Rien à lire : la lecture suivante est abandonnée par le délai...
        auto r = co_await rt::time::timeout(2ms, lecteur.read_line(ligne));
        BOOST_TEST(!r.has_value());
        // ... et la ligne d'après arrive entière, sans que « un » soit relu.
        co_await client.write_all("deux\n");
        ligne.clear();
        co_await lecteur.read_line(ligne);
        BOOST_TEST(ligne == "deux\n");
    });
}
