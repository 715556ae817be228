// Tests notés du chapitre 06 — exercice « utiliser » : http.cpp (juger et traiter_connexion).
//
// Le serveur tourne sur un runtime rt dans un thread à part (port 0 : un port libre, boucle
// locale) ; chaque connexion acceptée est servie par une tâche qui appelle votre
// traiter_connexion. Le test le pilote avec un client indépendant écrit avec Boost.Asio
// (tests/support/client_asio.hpp) : chaque opération a un délai, et un chien de garde borne
// chaque test. Aucune pause ne sert de synchronisation : le client attend des octets précis,
// ou la fermeture. Les tests des délais donnent au serveur des Delais courts (300 ms) et
// attendent son action avec les délais du client, plus longs.
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
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

using utiliser::REPONSE_400;
using utiliser::REPONSE_408;
using utiliser::REPONSE_431;
using utiliser::REPONSE_501;
using utiliser::REPONSE_OK;
using utiliser::REPONSE_OK_FERMER;

const std::string REQUETE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const std::string REQUETE_FERMER =
    "GET /fin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

/// Un serveur rt (current-thread) dans son propre thread : accepte, lance une tâche par
/// connexion qui appelle utiliser::traiter_connexion avec les délais donnés.
class Serveur {
public:
    explicit Serveur(rt::ReactorKind reacteur = rt::ReactorKind::Poll, utiliser::Delais delais = {})
        : delais_(delais) {
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
    explicit Serveur(utiliser::Delais delais) : Serveur(rt::ReactorKind::Poll, delais) {}
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
            (void)rt::spawn(utiliser::traiter_connexion(std::move(socket), delais_));
        }
    }

    utiliser::Delais delais_;
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

/// Une tête lisible dans un message : « \r », « \n » et « \t » écrits comme dans le code.
std::string visible(std::string_view tete) {
    std::string r;
    for (char c : tete) {
        switch (c) {
        case '\r':
            r += "\\r";
            break;
        case '\n':
            r += "\\n";
            break;
        case '\t':
            r += "\\t";
            break;
        default:
            r += c;
        }
    }
    return r;
}

/// Lit une réponse complète ; si le client échoue (délai dépassé, connexion fermée), le
/// test échoue avec `indice`, une phrase qui dit ce que le serveur aurait dû faire.
std::string reponse_ou_echec(support::ClientTcp& client, const std::string& indice) {
    try {
        return lire_reponse(client);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(indice << " (" << e.what() << ")");
    }
    return {};
}

/// Une requête POST avec les en-têtes donnés (chacun suivi de « \r\n »), puis `corps`.
std::string post(const std::string& entetes, const std::string& corps = {}) {
    return "POST /formulaire HTTP/1.1\r\nHost: 127.0.0.1\r\n" + entetes + "\r\n" + corps;
}

/// Des délais courts pour les tests : l'un à 300 ms, l'autre assez long pour ne jamais
/// intervenir pendant le test (le client, lui, attend au plus 3 s).
constexpr utiliser::Delais INACTIVITE_COURTE{300ms, 30'000ms};
constexpr utiliser::Delais REQUETE_COURTE{30'000ms, 300ms};

using Horloge = std::chrono::steady_clock;

std::chrono::milliseconds depuis(Horloge::time_point debut) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Horloge::now() - debut);
}

} // namespace

BOOST_AUTO_TEST_CASE(juger_requetes_valides) {
    using utiliser::Verdict;
    BOOST_TEST((utiliser::juger("GET / HTTP/1.1\r\nHost: x").verdict == Verdict::Garder),
               "HTTP/1.1 sans en-tête Connection : la connexion est gardée");
    BOOST_TEST((utiliser::juger("GET /a HTTP/1.1").verdict == Verdict::Garder),
               "une requête sans en-tête est valide");
    BOOST_TEST(
        (utiliser::juger("GET / HTTP/1.1\r\nconnection:  Close ").verdict == Verdict::Fermer),
        "« connection:  Close » : nom et valeur sans casse, espaces ignorées");
    BOOST_TEST((utiliser::juger("GET / HTTP/1.0").verdict == Verdict::Fermer),
               "HTTP/1.0 sans keep-alive : fermer");
    BOOST_TEST(
        (utiliser::juger("GET / HTTP/1.0\r\nConnection: keep-alive").verdict == Verdict::Garder),
        "HTTP/1.0 avec « Connection: keep-alive » : garder");
}

BOOST_AUTO_TEST_CASE(juger_requetes_invalides) {
    using utiliser::Verdict;
    for (const char* tete :
         {"", "n'importe quoi", "GET /", "get / HTTP/1.1", "GET  HTTP/1.1", "GET / HTTP/2.0",
          "GET / HTTP/1.1 en trop", "GET / HTTP/1.1\r\nsans deux points",
          "GET / HTTP/1.1\r\n: vide", "GET / HTTP/1.1\nHost: x", "GET /a\rb HTTP/1.1",
          "GET / HTTP/1.1\r\nHost: x\nX: y"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Invalide),
                   "« " << visible(tete)
                        << " » n'est pas une tête HTTP/1.x valide : Verdict::Invalide (les "
                           "lignes finissent par \\r\\n, un \\n ou un \\r seul n'en "
                           "sépare pas deux)");
    }
}

BOOST_AUTO_TEST_CASE(juger_longueur_du_corps) {
    using utiliser::Verdict;
    const std::string maximum = std::to_string(std::numeric_limits<std::size_t>::max());
    struct Cas {
        std::string tete;
        Verdict verdict;
        std::size_t longueur;
    };
    const std::vector<Cas> cas = {
        {"POST / HTTP/1.1\r\nContent-Length: 5", Verdict::Garder, 5},
        {"POST / HTTP/1.1\r\ncontent-length: 12", Verdict::Garder, 12},
        {"POST / HTTP/1.1\r\nCONTENT-LENGTH:\t 42 \t", Verdict::Garder, 42},
        {"POST / HTTP/1.1\r\nContent-Length:7\r\nConnection: close", Verdict::Fermer, 7},
        {"POST / HTTP/1.0\r\nContent-Length: 3", Verdict::Fermer, 3},
        {"POST / HTTP/1.1\r\nContent-Length: 0", Verdict::Garder, 0},
        {"POST / HTTP/1.1\r\nContent-Length: 007", Verdict::Garder, 7},
        {"POST / HTTP/1.1\r\nContent-Length: " + maximum, Verdict::Garder,
         std::numeric_limits<std::size_t>::max()},
        {"GET / HTTP/1.1\r\nHost: x", Verdict::Garder, 0},
    };
    for (const auto& c : cas) {
        const utiliser::Jugement j = utiliser::juger(c.tete);
        BOOST_TEST((j.verdict == c.verdict && j.longueur_corps == c.longueur),
                   "« " << visible(c.tete) << " » : attendu verdict " << static_cast<int>(c.verdict)
                        << " et longueur_corps " << c.longueur << ", obtenu verdict "
                        << static_cast<int>(j.verdict) << " et longueur_corps " << j.longueur_corps
                        << " (Content-Length : nom sans casse, espaces autour de la valeur "
                           "ignorées ; sans cet en-tête, pas de corps)");
    }
}

BOOST_AUTO_TEST_CASE(juger_longueur_invalide) {
    using utiliser::Verdict;
    std::string plus_un = std::to_string(std::numeric_limits<std::size_t>::max());
    plus_un.back() = '6'; // le maximum finit par 5 (en 32 comme en 64 bits) : maximum + 1
    const std::vector<std::string> valeurs = {"",   " ",   "abc",   "-1",
                                              "+5", "5 5", "0x10",  "1,1",
                                              "5;", "1e3", plus_un, std::string(30, '9')};
    for (const auto& v : valeurs) {
        const std::string tete = "POST / HTTP/1.1\r\nContent-Length: " + v;
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Invalide),
                   "« Content-Length: " << v
                                        << " » : la valeur doit être faite de chiffres "
                                           "seulement et tenir dans un std::size_t ; sinon "
                                           "Verdict::Invalide");
    }
    for (const char* tete : {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5",
                             "POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 6"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Invalide),
                   "« " << visible(tete) << " » : Content-Length répété, Verdict::Invalide");
    }
}

BOOST_AUTO_TEST_CASE(juger_transfer_encoding) {
    using utiliser::Verdict;
    for (const char* tete : {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked",
                             "POST / HTTP/1.1\r\ntransfer-encoding: gzip, chunked",
                             "POST / HTTP/1.1\r\nTRANSFER-ENCODING: identity",
                             "POST / HTTP/1.0\r\nConnection: close\r\nTransfer-Encoding: x"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::NonImplemente),
                   "« " << visible(tete)
                        << " » : Transfer-Encoding (quelle que soit sa valeur), "
                           "Verdict::NonImplemente (ce serveur ne sait pas lire ce corps)");
    }
    for (const char* tete :
         {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked",
          "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5",
          "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: x"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Invalide),
                   "« " << visible(tete)
                        << " » : Content-Length ET Transfer-Encoding, deux façons de dire où "
                           "finit le corps : Verdict::Invalide");
    }
}

BOOST_AUTO_TEST_CASE(juger_nom_d_en_tete_sans_espace) {
    using utiliser::Verdict;
    for (const char* tete : {"POST / HTTP/1.1\r\nTransfer-Encoding : chunked",
                             "POST / HTTP/1.1\r\nContent-Length\t: 5", "GET / HTTP/1.1\r\nX Y: z",
                             "GET / HTTP/1.1\r\nHost: x\r\n Transfer-Encoding: chunked",
                             "GET / HTTP/1.1\r\nHost: x\r\n\tsuite: de Host",
                             "POST / HTTP/1.1\r\nContent-Length: 5\nTransfer-Encoding: chunked",
                             "POST / HTTP/1.1\r\nX: a\rTransfer-Encoding: chunked"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Invalide),
                   "« " << visible(tete)
                        << " » : un nom d'en-tête ne contient ni espace ni tabulation (une "
                           "ligne ne commence donc pas par une espace), et une ligne ne "
                           "contient pas de \\r ou \\n isolé : Verdict::Invalide");
    }
    for (const char* tete : {"GET / HTTP/1.1\r\nHost:x",
                             "GET / HTTP/1.1\r\nX-Vide:", "GET / HTTP/1.1\r\nX-Espaces: a b\tc"}) {
        BOOST_TEST((utiliser::juger(tete).verdict == Verdict::Garder),
                   "« " << visible(tete) << " » est valide (espaces permises dans la valeur)");
    }
}

BOOST_AUTO_TEST_CASE(une_requete_une_reponse) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(REQUETE_FERMER);
    const std::string reponse = reponse_ou_echec(client, "pas de réponse à une requête simple");
    BOOST_TEST(reponse == REPONSE_OK_FERMER,
               "une requête avec « Connection: close » reçoit REPONSE_OK_FERMER (la réponse "
               "annonce la fermeture), pas :\n"
                   << reponse);
    std::string reste;
    try {
        reste = client.lire_tout();
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(
            "après « Connection: close », le serveur doit fermer la connexion : " << e.what());
    }
    BOOST_TEST(reste.empty(), "une seule réponse, puis la fermeture ; reçu en plus :\n" << reste);
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
    const std::string reponse = reponse_ou_echec(client, "pas de réponse");
    BOOST_TEST(reponse == REPONSE_OK,
               "une tête de TAILLE_MAX_TETE octets tout juste, « \\r\\n\\r\\n » compris, "
               "est acceptée ; reçu :\n"
                   << reponse);
    // La connexion est gardée, et rien de la grande tête ne traîne dans le tampon.
    try {
        client.envoyer(REQUETE_FERMER);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("la connexion n'est pas gardée après la grande tête : " << e.what());
    }
    BOOST_TEST(reponse_ou_echec(client, "pas de réponse à la requête qui suit la grande tête") ==
               REPONSE_OK_FERMER);
}

BOOST_AUTO_TEST_CASE(tampon_plein_sans_fin_de_tete_donne_431) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // Exactement TAILLE_MAX_TETE octets, sans « \r\n\r\n » : la tête ne peut plus tenir dans
    // la limite, le serveur le sait sans lire un octet de plus. Le client n'envoie rien
    // d'autre et attend la réponse.
    const std::string debut = "GET / HTTP/1.1\r\nX-Long: ";
    const std::string tete = debut + std::string(utiliser::TAILLE_MAX_TETE - debut.size(), 'a');
    client.envoyer(tete);
    const std::string reponse = reponse_ou_echec(
        client, "TAILLE_MAX_TETE octets reçus sans fin de tête : REPONSE_431 attendue tout de "
                "suite, sans attendre d'octet de plus (limite comptée avec >=, pas >)");
    BOOST_TEST(reponse == REPONSE_431, "réponse inattendue :\n" << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 431, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(tete_d_un_octet_de_trop_donne_431) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // TAILLE_MAX_TETE + 1 octets, « \r\n\r\n » compris : refusée.
    const std::string debut = "GET / HTTP/1.1\r\nX-Long: ";
    const std::string tete =
        debut + std::string(utiliser::TAILLE_MAX_TETE + 1 - debut.size() - 4, 'a') + "\r\n\r\n";
    BOOST_TEST_REQUIRE(tete.size() == utiliser::TAILLE_MAX_TETE + 1);
    try {
        client.envoyer(tete);
    } catch (const support::ErreurClient&) {
        // le serveur a pu fermer avant de tout lire : la réponse doit être là quand même
    }
    const std::string reponse = reponse_ou_echec(client, "pas de réponse");
    BOOST_TEST(reponse == REPONSE_431, "une tête d'un octet de plus que TAILLE_MAX_TETE (le "
                                       "« \\r\\n\\r\\n » compte) reçoit REPONSE_431, pas :\n"
                                           << reponse);
}

BOOST_AUTO_TEST_CASE(fin_de_flux_au_milieu_d_une_tete) {
    auto g = garde();
    Serveur serveur; // délais par défaut (10 s) : ils ne doivent pas intervenir ici
    support::ClientTcp client(serveur.port());
    client.envoyer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // pas de ligne vide...
    client.fermer_ecriture();                                // ... et plus rien : FIN
    std::string recu;
    try {
        recu = client.lire_tout();
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("le client a fermé son sens d'écriture au milieu d'une tête : read rend 0 "
                   "(fin de flux), le serveur doit fermer aussitôt ; la connexion est restée "
                   "ouverte ("
                   << e.what()
                   << "). Une boucle qui relit après 0 ne reçoit plus jamais rien, et garde "
                      "le descripteur (et le processeur) jusqu'à l'échéance.");
    }
    BOOST_TEST(recu.empty(), "une tête incomplète ne reçoit pas de réponse ; reçu :\n" << recu);
}

BOOST_AUTO_TEST_CASE(corps_pas_pris_pour_une_requete) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // Le corps du POST ressemble à une requête : s'il est lu comme tel, il reçoit sa propre
    // réponse (une requête passée en contrebande).
    const std::string corps = "GET /smuggled HTTP/1.1\r\n\r\n";
    client.envoyer(post("Content-Length: " + std::to_string(corps.size()) + "\r\n", corps) +
                   REQUETE_FERMER);
    const std::string premiere = reponse_ou_echec(client, "pas de réponse au POST");
    BOOST_TEST(premiere == REPONSE_OK, "réponse au POST inattendue :\n" << premiere);
    const std::string seconde =
        reponse_ou_echec(client, "pas de réponse à la requête qui suit le POST");
    BOOST_TEST(seconde == REPONSE_OK_FERMER,
               "la deuxième réponse doit être celle du GET « Connection: close » qui suit le "
               "POST ; le corps du POST (Content-Length octets) a-t-il été pris pour une "
               "requête ? Reçu :\n"
                   << seconde);
    const std::string reste = client.lire_tout();
    BOOST_TEST(reste.empty(), "exactement deux réponses, puis la fermeture ; reçu en plus :\n"
                                  << reste);
}

BOOST_AUTO_TEST_CASE(gros_corps_en_plusieurs_envois) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    // 200 Kio : bien plus que n'importe quel tampon de lecture. Le serveur doit les lire et
    // les jeter en flux, puis servir la requête suivante.
    constexpr std::size_t taille = 200 * 1024;
    std::string corps;
    while (corps.size() < taille) {
        corps += "ligne de corps, pas une requete\r\n\r\n";
    }
    corps.resize(taille);
    try {
        client.envoyer(post("Content-Length: " + std::to_string(taille) + "\r\n"));
        for (std::size_t i = 0; i < taille; i += 20 * 1024) {
            client.envoyer(std::string_view(corps).substr(i, 20 * 1024));
        }
        client.envoyer(REQUETE_FERMER);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("le serveur n'a pas lu le corps de 200 Kio ("
                   << e.what() << ") : lisez et jetez exactement Content-Length octets");
    }
    BOOST_TEST(reponse_ou_echec(client, "pas de réponse au POST de 200 Kio") == REPONSE_OK);
    BOOST_TEST(reponse_ou_echec(client, "pas de réponse à la requête qui suit le corps") ==
                   REPONSE_OK_FERMER,
               "après le corps, la requête suivante reçoit sa réponse");
    BOOST_TEST(client.attendre_fermeture(), "après « Connection: close », fermeture attendue");
}

BOOST_AUTO_TEST_CASE(transfer_encoding_donne_501) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"));
    const std::string reponse =
        reponse_ou_echec(client, "pas de réponse à une requête en Transfer-Encoding");
    BOOST_TEST(reponse == REPONSE_501,
               "Transfer-Encoding : ce serveur ne sait pas lire ce corps, il doit répondre "
               "REPONSE_501 (et ne pas deviner où finit la requête), pas :\n"
                   << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 501, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(content_length_et_transfer_encoding_donnent_400) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG"));
    const std::string reponse = reponse_ou_echec(client, "pas de réponse");
    BOOST_TEST(reponse == REPONSE_400, "Content-Length ET Transfer-Encoding : REPONSE_400, pas :\n"
                                           << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 400, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(espace_avant_deux_points_donne_400) {
    auto g = garde();
    Serveur serveur;
    support::ClientTcp client(serveur.port());
    client.envoyer(post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"));
    const std::string reponse = reponse_ou_echec(client, "pas de réponse");
    BOOST_TEST(reponse == REPONSE_400, "« Transfer-Encoding : chunked » (espace avant « : ») "
                                       "doit être refusé par REPONSE_400, pas :\n"
                                           << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 400, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(client_muet_ferme_apres_le_delai_d_inactivite) {
    auto g = garde();
    Serveur serveur(INACTIVITE_COURTE);
    const auto debut = Horloge::now();
    support::ClientTcp client(serveur.port(), 3000ms);
    std::string recu;
    try {
        recu = client.lire_tout(); // rend à la fermeture par le serveur
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("un client qui n'envoie rien doit être déconnecté après delais.inactivite "
                   "(300 ms ici) : "
                   << e.what());
    }
    BOOST_TEST(recu.empty(), "un client muet est déconnecté sans réponse ; reçu :\n" << recu);
    BOOST_TEST(depuis(debut) >= 150ms, "connexion fermée au bout de "
                                           << depuis(debut).count()
                                           << " ms : attendez delais.inactivite (300 ms ici)");
}

BOOST_AUTO_TEST_CASE(connexion_gardee_inactive_fermee_apres_une_reponse) {
    auto g = garde();
    Serveur serveur(INACTIVITE_COURTE);
    support::ClientTcp client(serveur.port(), 3000ms);
    client.envoyer(REQUETE);
    BOOST_TEST(reponse_ou_echec(client, "pas de réponse à la première requête") == REPONSE_OK);
    // Mesuré avant l'envoi : le délai d'inactivité du serveur commence forcément après.
    const auto debut = Horloge::now();
    client.envoyer(REQUETE);
    BOOST_TEST(reponse_ou_echec(client, "la connexion doit rester ouverte entre deux requêtes "
                                        "(keep-alive)") == REPONSE_OK);
    std::string recu;
    try {
        recu = client.lire_tout();
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("une connexion gardée qui ne reçoit plus rien doit être fermée après "
                   "delais.inactivite (300 ms ici) : "
                   << e.what());
    }
    BOOST_TEST(recu.empty(), "fermeture sans réponse attendue ; reçu :\n" << recu);
    BOOST_TEST(depuis(debut) >= 150ms, "connexion fermée au bout de "
                                           << depuis(debut).count()
                                           << " ms : attendez delais.inactivite (300 ms ici)");
}

BOOST_AUTO_TEST_CASE(tete_jamais_finie_donne_408) {
    auto g = garde();
    Serveur serveur(REQUETE_COURTE);
    support::ClientTcp client(serveur.port(), 3000ms);
    client.envoyer("GET /sans-fin HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // pas de ligne vide
    const std::string reponse =
        reponse_ou_echec(client, "une tête commencée mais jamais finie doit recevoir "
                                 "REPONSE_408 après delais.requete (300 ms ici)");
    BOOST_TEST(reponse == REPONSE_408, "réponse inattendue :\n" << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 408, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(tete_envoyee_goutte_a_goutte_donne_408) {
    auto g = garde();
    Serveur serveur(REQUETE_COURTE);
    support::ClientTcp client(serveur.port(), 3000ms);
    client.socket().set_option(boost::asio::ip::tcp::no_delay(true));
    // Un slowloris : un octet d'en-tête toutes les 50 ms, jamais la ligne vide finale.
    // L'échéance de la requête court depuis son premier octet : elle ne recule pas à chaque
    // read. On avance au rythme du serveur : un octet, puis au plus 50 ms d'attente.
    const auto debut = Horloge::now();
    client.envoyer("GET / HTTP/1.1\r\n");
    const std::string goutte = "X-Goutte: a\r\n";
    bool repondu = false;
    for (std::size_t i = 0; i < 100 && !repondu; ++i) {
        try {
            client.envoyer(goutte.substr(i % goutte.size(), 1));
        } catch (const support::ErreurClient&) {
            break; // le serveur a fermé : sa réponse est peut-être déjà arrivée
        }
        repondu = client.attendre_lisible(50ms);
    }
    const std::string reponse = reponse_ou_echec(
        client, "un client qui envoie sa tête goutte à goutte doit recevoir REPONSE_408 "
                "delais.requete (300 ms ici) après le premier octet, même s'il envoie encore");
    BOOST_TEST(reponse == REPONSE_408, "réponse inattendue :\n" << reponse);
    BOOST_TEST(depuis(debut) < 2500ms,
               "408 au bout de " << depuis(debut).count()
                                 << " ms : l'échéance ne doit pas reculer à chaque octet reçu");
}

BOOST_AUTO_TEST_CASE(corps_jamais_fini_donne_408) {
    auto g = garde();
    Serveur serveur(REQUETE_COURTE);
    support::ClientTcp client(serveur.port(), 3000ms);
    client.envoyer(post("Content-Length: 100\r\n", "seulement 22 octets...")); // sur 100
    const std::string reponse =
        reponse_ou_echec(client, "un corps annoncé mais jamais fini doit recevoir REPONSE_408 "
                                 "après delais.requete (300 ms ici)");
    BOOST_TEST(reponse == REPONSE_408,
               "le corps n'est pas complet (22 octets sur 100) : pas de réponse avant lui, "
               "puis REPONSE_408 à l'échéance ; reçu :\n"
                   << reponse);
    BOOST_TEST(client.attendre_fermeture(), "après une réponse 408, la connexion est fermée");
}

BOOST_AUTO_TEST_CASE(requete_suivante_deja_commencee_donne_408) {
    auto g = garde();
    Serveur serveur(REQUETE_COURTE);
    support::ClientTcp client(serveur.port(), 3000ms);
    // Pipelining : une requête entière et le début de la suivante. Ses octets sont déjà là :
    // c'est son délai de requête (300 ms) qui court, pas celui d'inactivité (30 s).
    client.envoyer(REQUETE + "GET /suite HT");
    BOOST_TEST(reponse_ou_echec(client, "pas de réponse à la première requête") == REPONSE_OK);
    const std::string reponse = reponse_ou_echec(
        client, "le début de la requête suivante était déjà dans le tampon : son échéance "
                "(delais.requete, 300 ms ici) court aussitôt, puis REPONSE_408");
    BOOST_TEST(reponse == REPONSE_408, "réponse inattendue :\n" << reponse);
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
    // Le serveur sert toujours les autres, keep-alive compris.
    support::ClientTcp client(serveur.port());
    try {
        client.envoyer(REQUETE);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK);
        client.envoyer(REQUETE_FERMER);
        BOOST_TEST(lire_reponse(client) == REPONSE_OK_FERMER);
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
