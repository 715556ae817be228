// Tests notés du chapitre 06 — exercice « utiliser » : http.cpp (juger et traiter_connexion).
//
// Le serveur tourne sur un runtime rt dans un thread à part (port 0 : un port libre, boucle
// locale) ; chaque connexion acceptée est servie par une tâche qui appelle votre
// traiter_connexion. Le test le pilote avec un client indépendant écrit avec Boost.Asio
// (tests/support/client_asio.hpp) : chaque opération a un délai, et un chien de garde borne
// chaque test. Aucune pause ne sert de synchronisation : le client attend des octets précis.
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>

#include "http.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

using utiliser::REPONSE_400;
using utiliser::REPONSE_431;
using utiliser::REPONSE_OK;
using utiliser::REPONSE_OK_FERMER;

const std::string REQUETE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const std::string REQUETE_FERMER =
    "GET /fin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

/// Un serveur rt (current-thread) dans son propre thread : accepte, lance une tâche par
/// connexion qui appelle utiliser::traiter_connexion.
class Serveur {
public:
    explicit Serveur(rt::ReactorKind reacteur = rt::ReactorKind::Poll) {
        std::promise<std::uint16_t> port_promis;
        auto port_futur = port_promis.get_future();
        thread_ = std::thread([this, reacteur, p = std::move(port_promis)]() mutable {
            try {
                rt::Runtime runtime = rt::Builder::current_thread().reactor(reacteur).build();
                runtime.block_on(boucle(p));
            } catch (const std::exception& e) {
                erreur_ = e.what();
            }
        });
        if (port_futur.wait_for(5s) != std::future_status::ready) {
            std::fprintf(stderr, "*** le serveur de test ne démarre pas en 5 s\n");
            std::_Exit(3);
        }
        try {
            port_ = port_futur.get();
        } catch (const std::exception&) {
            thread_.join();
            throw std::runtime_error("le serveur de test ne démarre pas : " + erreur_);
        }
    }
    Serveur(const Serveur&) = delete;
    Serveur& operator=(const Serveur&) = delete;

    ~Serveur() {
        support::ChienDeGarde g(10s, "le serveur de test ne s'arrête pas");
        arreter_ = true;
        try {
            support::ClientTcp reveil(port_); // tire accept() de son attente
        } catch (const std::exception&) {
        }
        thread_.join();
    }

    std::uint16_t port() const { return port_; }
    const std::string& erreur() const { return erreur_; }

private:
    rt::Task<void> boucle(std::promise<std::uint16_t>& port_promis) {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        port_promis.set_value(listener.local_addr().port());
        for (;;) {
            auto [socket, addr] = co_await listener.accept();
            if (arreter_) {
                co_return; // l'arrêt du runtime détruit les connexions restantes
            }
            // Une exception de traiter_connexion (ECONNRESET...) devient une JoinError de la
            // tâche détachée : elle est signalée sur stderr, le serveur continue.
            (void)rt::spawn(utiliser::traiter_connexion(std::move(socket)));
        }
    }

    std::thread thread_;
    std::atomic<bool> arreter_{false};
    std::uint16_t port_ = 0;
    std::string erreur_;
};

support::ChienDeGarde garde(std::chrono::milliseconds d = 20s) {
    return support::ChienDeGarde(d, "le test ne se termine pas : traiter_connexion reste-t-il "
                                    "bloqué (une lecture qui attend des octets qui ne viendront "
                                    "pas, une boucle sans fin) ?");
}

/// Lit une réponse complète (tête + corps) ; les réponses de ce serveur ont un Content-Length.
std::string lire_reponse(support::ClientTcp& client) {
    std::string tete = client.lire_jusqu_a("\r\n\r\n");
    const auto pos = tete.find("Content-Length: ");
    std::size_t longueur = 0;
    if (pos != std::string::npos) {
        longueur = std::stoul(tete.substr(pos + 16));
    }
    return tete + client.lire(longueur);
}

} // namespace

BOOST_AUTO_TEST_CASE(juger_requetes_valides) {
    using utiliser::Verdict;
    BOOST_TEST((utiliser::juger("GET / HTTP/1.1\r\nHost: x") == Verdict::Garder),
               "HTTP/1.1 sans en-tête Connection : la connexion est gardée");
    BOOST_TEST((utiliser::juger("GET /a HTTP/1.1") == Verdict::Garder),
               "une requête sans en-tête est valide");
    BOOST_TEST((utiliser::juger("GET / HTTP/1.1\r\nconnection:  Close ") == Verdict::Fermer),
               "« connection:  Close » : nom et valeur sans casse, espaces ignorées");
    BOOST_TEST((utiliser::juger("GET / HTTP/1.0") == Verdict::Fermer),
               "HTTP/1.0 sans keep-alive : fermer");
    BOOST_TEST((utiliser::juger("GET / HTTP/1.0\r\nConnection: keep-alive") == Verdict::Garder),
               "HTTP/1.0 avec « Connection: keep-alive » : garder");
}

BOOST_AUTO_TEST_CASE(juger_requetes_invalides) {
    using utiliser::Verdict;
    for (const char* tete : {"", "n'importe quoi", "GET /", "get / HTTP/1.1", "GET  HTTP/1.1",
                             "GET / HTTP/2.0", "GET / HTTP/1.1 en trop",
                             "GET / HTTP/1.1\r\nsans deux points", "GET / HTTP/1.1\r\n: vide"}) {
        BOOST_TEST((utiliser::juger(tete) == Verdict::Invalide),
                   "« " << tete << " » n'est pas une tête HTTP/1.x valide : Verdict::Invalide");
    }
}

BOOST_AUTO_TEST_CASE(une_requete_une_reponse) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(REQUETE);
    BOOST_TEST(lire_reponse(client) == REPONSE_OK);
}

BOOST_AUTO_TEST_CASE(requete_envoyee_octet_par_octet) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.socket().set_option(boost::asio::ip::tcp::no_delay(true));
    // Un octet par envoi (TCP_NODELAY) : le serveur voit la tête arriver en de nombreux read.
    for (char c : REQUETE) {
        try {
            client.envoyer(std::string(1, c));
        } catch (const support::ErreurClient& e) {
            BOOST_FAIL("le serveur a fermé la connexion au milieu de la tête ("
                       << e.what() << ") : lisez jusqu'à « \\r\\n\\r\\n »");
        }
    }
    std::string reponse;
    try {
        reponse = lire_reponse(client);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("pas de réponse complète : " << e.what());
    }
    BOOST_TEST(reponse == REPONSE_OK, "réponse inattendue : " << reponse);
    // Un serveur qui répondrait à chaque read aurait envoyé plusieurs réponses : la suivante
    // ne serait pas celle de cette seconde requête.
    try {
        client.envoyer(REQUETE_FERMER);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK_FERMER,
                   "une seule réponse par requête, quel que soit le nombre de read");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("pas de réponse à la seconde requête : " << e.what());
    }
}

BOOST_AUTO_TEST_CASE(deux_requetes_sur_une_connexion) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    try {
        client.envoyer(REQUETE);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK);
        client.envoyer(REQUETE_FERMER);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK_FERMER,
                   "« Connection: close » : la réponse doit le dire (REPONSE_OK_FERMER)");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("la seconde requête de la connexion n'a pas de réponse ("
                   << e.what() << ") : en HTTP/1.1 la connexion est gardée (keep-alive)");
    }
    BOOST_TEST(client.attendre_fermeture(),
               "après « Connection: close », le serveur doit fermer la connexion");
}

BOOST_AUTO_TEST_CASE(deux_requetes_dans_le_meme_envoi) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // Pipelining : les deux têtes arrivent probablement dans le même read. La seconde doit
    // rester dans le tampon, pas être jetée avec la première.
    client.envoyer(REQUETE + REQUETE_FERMER);
    try {
        BOOST_TEST(lire_reponse(client) == REPONSE_OK);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK_FERMER);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("deux requêtes envoyées d'un coup doivent recevoir deux réponses ("
                   << e.what() << ") : gardez les octets qui suivent la tête");
    }
}

BOOST_AUTO_TEST_CASE(octets_quelconques_donnent_400) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(std::string("\x16\x03\x01 ceci n'est pas du HTTP\r\n\r\n", 31));
    std::string reponse;
    try {
        reponse = lire_reponse(client);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("pas de réponse à une tête invalide : " << e.what());
    }
    BOOST_TEST(reponse == REPONSE_400, "une tête invalide doit recevoir REPONSE_400, pas :\n"
                                           << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 400, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(tete_trop_longue_donne_431) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    std::string tete = "GET / HTTP/1.1\r\nX-Long: " + std::string(utiliser::TAILLE_MAX_TETE, 'a');
    try {
        client.envoyer(tete); // pas de « \r\n\r\n » : le serveur doit s'arrêter de lire seul
    } catch (const support::ErreurClient&) {
        // le serveur a pu fermer avant de tout lire : la réponse doit être là quand même
    }
    std::string reponse;
    try {
        reponse = lire_reponse(client);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(
            "pas de réponse 431 à une tête de plus de TAILLE_MAX_TETE octets : " << e.what());
    }
    BOOST_TEST(reponse == REPONSE_431, "réponse inattendue :\n" << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 431, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(tete_a_la_limite_acceptee) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // Exactement TAILLE_MAX_TETE octets, « \r\n\r\n » compris : acceptée.
    std::string debut = "GET / HTTP/1.1\r\nX-Long: ";
    std::string tete =
        debut + std::string(utiliser::TAILLE_MAX_TETE - debut.size() - 4, 'a') + "\r\n\r\n";
    BOOST_TEST_REQUIRE(tete.size() == utiliser::TAILLE_MAX_TETE);
    client.envoyer(tete);
    try {
        BOOST_TEST(lire_reponse(client) == REPONSE_OK,
                   "une tête de TAILLE_MAX_TETE octets tout juste est acceptée");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("pas de réponse : " << e.what());
    }
}

BOOST_AUTO_TEST_CASE(deconnexion_brutale_sans_consequence) {
    auto g = garde();
    Serveur serveur;
    {
        support::ClientTcp brutal(serveur.port());
        brutal.envoyer("GET / HT");
        brutal.reinitialiser(); // RST au milieu d'une tête
    }
    {
        support::ClientTcp muet(serveur.port());
        muet.fermer(); // FIN sans rien envoyer
    }
    // Le serveur sert toujours les autres.
    support::ClientTcp client(serveur.port());
    try {
        client.envoyer(REQUETE);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("après des déconnexions brutales, le serveur ne répond plus : " << e.what());
    }
    BOOST_TEST(serveur.erreur().empty(), "le serveur s'est arrêté : " << serveur.erreur());
}

BOOST_AUTO_TEST_CASE(deux_cent_cinquante_clients_en_meme_temps) {
    auto g = garde(60s);
    // Chaque client Asio a son io_context (quelques fds) : on relève la limite de fds.
    rlimit limite{};
    ::getrlimit(RLIMIT_NOFILE, &limite);
    limite.rlim_cur = limite.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limite);
    // Environ 5 fds par client (socket, epoll, eventfd, timerfd, côté serveur) : sur une
    // machine à la limite basse, on réduit le nombre plutôt que d'échouer sur EMFILE.
    ::getrlimit(RLIMIT_NOFILE, &limite);
    const int N = static_cast<int>(std::min<rlim_t>(250, (limite.rlim_cur - 64) / 5));
    BOOST_TEST_MESSAGE(N << " clients en même temps");
    for (auto reacteur : {rt::ReactorKind::Poll, rt::ReactorKind::Epoll}) {
        BOOST_TEST_CONTEXT("réacteur " << (reacteur == rt::ReactorKind::Poll ? "poll" : "epoll")) {
            Serveur serveur(reacteur);
            std::vector<std::unique_ptr<support::ClientTcp>> clients;
            try {
                // Toutes les connexions sont ouvertes en même temps : le serveur en porte N.
                for (int i = 0; i < N; ++i) {
                    clients.push_back(std::make_unique<support::ClientTcp>(serveur.port()));
                }
                for (auto& c : clients) {
                    c->envoyer(REQUETE);
                }
                for (auto& c : clients) {
                    BOOST_TEST_REQUIRE(lire_reponse(*c) == REPONSE_OK);
                }
                // Seconde requête sur chaque connexion (keep-alive), en ordre inverse.
                for (auto it = clients.rbegin(); it != clients.rend(); ++it) {
                    (*it)->envoyer(REQUETE_FERMER);
                }
                for (auto& c : clients) {
                    BOOST_TEST_REQUIRE(lire_reponse(*c) == REPONSE_OK_FERMER);
                }
            } catch (const support::ErreurClient& e) {
                BOOST_FAIL(N << " clients connectés en même temps, deux requêtes chacun : "
                             << e.what());
            }
        }
    }
}
