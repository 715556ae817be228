// Tests notés du chapitre 07, exercice « utiliser » : gerer_client (exercices/chat.cpp).
//
// Le serveur tourne sur un runtime rt dans son propre thread, avec VOTRE gerer_client pour
// chaque connexion ; il est piloté par des clients Boost.Asio indépendants (tests/support).
// Port libre (127.0.0.1:0), boucle locale, aucune pause pour « laisser le temps » : on attend
// des événements observables (une ligne, une fermeture, un compteur), chacun avec un délai,
// et un chien de garde par test.
#include <boost/test/unit_test.hpp>

#include "chat.hpp"

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// Le serveur de chat de l'exercice, dans un thread à lui, arrêté à la destruction.
class ServeurDeTest {
public:
    explicit ServeurDeTest(std::size_t capacite = 128)
        : salon_(std::make_shared<utiliser::Salon>(capacite)) {
        auto [arret, attente] = rt::sync::broadcast::channel<int>(1);
        arret_.emplace(std::move(arret));
        auto port = port_promis_.get_future();
        thread_ = std::thread([this, attente = std::move(attente)]() mutable {
            try {
                rt::Runtime runtime = rt::Builder::current_thread().build();
                runtime.block_on(principal(std::move(attente)));
            } catch (...) {
                if (!port_donne_) {
                    port_promis_.set_exception(std::current_exception());
                }
            }
        });
        if (port.wait_for(5s) != std::future_status::ready) {
            BOOST_FAIL("le serveur de test ne démarre pas");
        }
        port_ = port.get();
    }
    ServeurDeTest(const ServeurDeTest&) = delete;
    ServeurDeTest& operator=(const ServeurDeTest&) = delete;

    /// Arrête le runtime : la boucle d'acceptation et toutes les tâches des clients meurent.
    ~ServeurDeTest() {
        (void)arret_->send(1); // légal depuis un autre thread : réveille le runtime
        thread_.join();
    }

    std::uint16_t port() const { return port_; }
    /// Clients présents dans le salon (abonnés au canal).
    std::size_t abonnes() const { return salon_->emetteur.receiver_count(); }
    /// Exceptions sorties de gerer_client (il ne doit jamais en laisser sortir).
    int exceptions() const { return exceptions_.load(); }

private:
    rt::Task<void> principal(rt::sync::broadcast::Receiver<int> attente) {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        port_donne_ = true;
        port_promis_.set_value(listener.local_addr().port());
        (void)co_await rt::select(accepter(std::move(listener)), attente.recv());
    }

    rt::Task<void> accepter(rt::net::TcpListener listener) {
        for (;;) {
            auto [socket, addr] = co_await listener.accept();
            (void)rt::spawn([this, s = std::move(socket)]() mutable -> rt::Task<void> {
                try {
                    co_await utiliser::gerer_client(std::move(s), salon_);
                } catch (...) {
                    ++exceptions_;
                }
            });
        }
    }

    std::shared_ptr<utiliser::Salon> salon_;
    std::optional<rt::sync::broadcast::Sender<int>> arret_;
    std::promise<std::uint16_t> port_promis_;
    bool port_donne_ = false;
    std::uint16_t port_ = 0;
    std::atomic<int> exceptions_{0};
    std::thread thread_;
};

/// Un client du chat : connecté, bienvenue lue, numéro connu.
struct Client {
    std::unique_ptr<support::ClientTcp> tcp;
    std::uint64_t id = 0;
};

std::string lire_ligne(Client& c, const std::string& qui) {
    try {
        return c.tcp->lire_jusqu_a("\n");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(qui << " attendait une ligne du serveur : " << e.what());
    }
    return {};
}

Client connecter(const ServeurDeTest& serveur, const std::string& qui) {
    Client c;
    try {
        c.tcp = std::make_unique<support::ClientTcp>(serveur.port());
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(qui << " : " << e.what());
    }
    const std::string ligne = lire_ligne(c, qui);
    const std::string prefixe = "bienvenue ";
    BOOST_TEST_REQUIRE(ligne.rfind(prefixe, 0) == 0u,
                       qui << " devait recevoir « bienvenue N » en premier, a reçu : « " << ligne
                           << " » (TODO 1 et 2 : s'abonner, puis ligne_bienvenue(id))");
    try {
        c.id = std::stoull(ligne.substr(prefixe.size()));
    } catch (const std::exception&) {
        BOOST_FAIL(qui << " : numéro illisible dans « " << ligne << " »");
    }
    return c;
}

void envoyer(Client& c, const std::string& texte, const std::string& qui) {
    try {
        c.tcp->envoyer(texte);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(qui << " n'a pas pu envoyer : " << e.what());
    }
}

std::string attendu(const Client& auteur, const std::string& texte) {
    return utiliser::ligne_message(utiliser::Message{auteur.id, texte});
}

/// Attend (en interrogeant) que `condition` devienne vraie, au plus `delai`.
template <typename Condition>
bool attendre(Condition condition, std::chrono::milliseconds delai = 3000ms) {
    const auto echeance = std::chrono::steady_clock::now() + delai;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= echeance) {
            return false;
        }
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

/// Descripteurs de fichiers ouverts par ce processus (le serveur de test en fait partie).
std::size_t descripteurs_ouverts() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entree :
         std::filesystem::directory_iterator("/proc/self/fd")) {
        ++n;
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(chat_accueille_chaque_client_avec_son_numero) {
    support::ChienDeGarde garde(20s, "chat_accueille_chaque_client_avec_son_numero bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "le client A");
    auto b = connecter(serveur, "le client B");
    BOOST_TEST(a.id != b.id, "deux clients doivent avoir deux numéros différents");
    BOOST_TEST(serveur.abonnes() == 2u,
               "après la bienvenue, chaque client doit être abonné au salon (subscribe)");
}

BOOST_AUTO_TEST_CASE(chat_diffuse_a_tous_les_autres_clients) {
    support::ChienDeGarde garde(20s, "chat_diffuse_a_tous_les_autres_clients bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    auto c = connecter(serveur, "C");
    envoyer(a, "bonjour\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "bonjour"), "B doit recevoir le message de A");
    BOOST_TEST(lire_ligne(c, "C") == attendu(a, "bonjour"), "C doit recevoir le message de A");
    envoyer(b, "salut\r\n", "B");
    BOOST_TEST(lire_ligne(c, "C") == attendu(b, "salut"),
               "C doit recevoir le message de B (sans le \\r\\n de fin)");
    BOOST_TEST(lire_ligne(a, "A") == attendu(b, "salut"),
               "A doit recevoir le message de B... et rien d'autre avant (pas son propre "
               "« bonjour »)");
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_pas_d_echo_a_l_expediteur) {
    support::ChienDeGarde garde(20s, "chat_pas_d_echo_a_l_expediteur bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    envoyer(a, "un\ndeux\n\ntrois\n", "A"); // la ligne vide n'est pas diffusée
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "un"));
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "deux"));
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "trois"),
               "une ligne vide ne doit pas être diffusée");
    envoyer(b, "fin\n", "B");
    // Si A recevait ses propres messages, « un », « deux » et « trois » arriveraient avant.
    BOOST_TEST(lire_ligne(a, "A") == attendu(b, "fin"),
               "l'expéditeur ne doit pas recevoir ses propres messages (Message::auteur)");
}

BOOST_AUTO_TEST_CASE(chat_rien_n_est_rejoue_apres_un_message_recu) {
    support::ChienDeGarde garde(20s, "chat_rien_n_est_rejoue_apres_un_message_recu bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    // Pendant que la tâche de A attend une ligne, un message de B arrive : la branche de
    // lecture perd le select et est annulée. Elle ne doit ni perdre ni rejouer d'octets.
    envoyer(a, "un\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "un"));
    for (int i = 0; i < 3; ++i) {
        envoyer(b, "x" + std::to_string(i) + "\n", "B");
        BOOST_TEST(lire_ligne(a, "A") == attendu(b, "x" + std::to_string(i)));
    }
    envoyer(a, "de", "A");
    envoyer(b, "interruption\n", "B");
    BOOST_TEST(lire_ligne(a, "A") == attendu(b, "interruption"));
    envoyer(a, "ux\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "deux"),
               "après un select perdu, la lecture doit reprendre où elle en était, sans "
               "rejouer « un » ni perdre « de » (une branche de select sûre face à "
               "l'annulation : LecteurDeLignes::prochaine)");
}

BOOST_AUTO_TEST_CASE(chat_depart_normal_retire_le_client) {
    support::ChienDeGarde garde(20s, "chat_depart_normal_retire_le_client bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    auto c = connecter(serveur, "C");
    c.tcp->fermer();
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 2u; }),
                       "après le départ de C, le salon doit compter 2 abonnés, il en compte "
                           << serveur.abonnes()
                           << " (la tâche de C doit se terminer à la fin de flux)");
    envoyer(a, "toujours là ?\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "toujours là ?"));
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_nettoyage_apres_deconnexion_brutale) {
    support::ChienDeGarde garde(20s, "chat_nettoyage_apres_deconnexion_brutale bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    auto c = connecter(serveur, "C");
    envoyer(a, "avant\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "avant"));
    c.tcp->reinitialiser(); // RST : comme un client qui plante, avec un message non lu
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 2u; }),
                       "après la déconnexion brutale de C, le salon compte encore "
                           << serveur.abonnes() << " abonnés au lieu de 2");
    envoyer(a, "après\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "après"), "les autres continuent de discuter");
    envoyer(b, "oui\n", "B");
    BOOST_TEST(lire_ligne(a, "A") == attendu(b, "oui"));
    BOOST_TEST(serveur.exceptions() == 0,
               "gerer_client ne doit pas laisser sortir l'erreur réseau d'un client parti");
}

BOOST_AUTO_TEST_CASE(chat_ligne_trop_longue_refusee_sans_gener_les_autres) {
    support::ChienDeGarde garde(20s, "chat_ligne_trop_longue_refusee_sans_gener_les_autres bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    auto x = connecter(serveur, "X");
    envoyer(x, std::string(3 * utiliser::LONGUEUR_MAX, 'x') + "\n", "X");
    BOOST_TEST(lire_ligne(x, "X") == std::string(utiliser::LIGNE_TROP_LONGUE),
               "une ligne trop longue doit être refusée avec LIGNE_TROP_LONGUE");
    BOOST_TEST(x.tcp->attendre_fermeture(), "puis la connexion de X doit être fermée");
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 2u; }),
                       "X refusé doit quitter le salon");
    envoyer(a, "rien vu ?\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, "rien vu ?"),
               "B ne doit rien recevoir de la ligne refusée, et continuer à discuter");
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_ligne_de_longueur_max_acceptee_un_octet_de_plus_refusee) {
    support::ChienDeGarde garde(20s, "chat_ligne_de_longueur_max_acceptee_un_octet_de_plus_"
                                     "refusee bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    // LONGUEUR_MAX octets, '\n' compris : c'est la limite, elle est permise.
    const std::string pile(utiliser::LONGUEUR_MAX - 1, 'p');
    envoyer(a, pile + "\n", "A");
    BOOST_TEST(lire_ligne(b, "B") == attendu(a, pile),
               "une ligne d'exactement LONGUEUR_MAX octets ('\\n' compris) est permise : elle "
               "doit être diffusée (une limite décalée d'un octet la refuse)");
    // Un octet de plus : refusée.
    envoyer(a, std::string(utiliser::LONGUEUR_MAX, 't') + "\n", "A");
    BOOST_TEST(lire_ligne(a, "A") == std::string(utiliser::LIGNE_TROP_LONGUE),
               "une ligne de LONGUEUR_MAX + 1 octets doit être refusée");
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_limite_porte_sur_la_ligne_entiere) {
    support::ChienDeGarde garde(20s, "chat_limite_porte_sur_la_ligne_entiere bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto x = connecter(serveur, "X");
    const std::size_t moitie = utiliser::LONGUEUR_MAX / 2 + 100;
    // X commence une longue ligne ; un message de A s'intercale (la lecture de X perd le
    // select, puis reprend) ; X finit sa ligne. Elle dépasse la limite : refusée.
    envoyer(x, std::string(moitie, 'x'), "X");
    envoyer(a, "coucou\n", "A");
    BOOST_TEST(lire_ligne(x, "X") == attendu(a, "coucou"),
               "X doit recevoir le message de A même au milieu de sa propre ligne");
    envoyer(x, std::string(moitie, 'y') + "\n", "X");
    BOOST_TEST(lire_ligne(x, "X") == std::string(utiliser::LIGNE_TROP_LONGUE),
               "la limite porte sur la ligne ENTIÈRE, même lue en plusieurs fois "
               "(reste = LONGUEUR_MAX - ligne.size())");
    envoyer(a, "encore\n", "A");
    x.tcp->fermer();
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 1u; }));
}

BOOST_AUTO_TEST_CASE(chat_lecteur_en_retard_est_prevenu) {
    support::ChienDeGarde garde(20s, "chat_lecteur_en_retard_est_prevenu bloque");
    ServeurDeTest serveur(8); // 8 messages de retard au plus
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    // 1000 lignes d'un coup : la tâche de A les diffuse plus vite que celle de B ne les écrit.
    std::string rafale;
    const int n = 1000;
    for (int i = 0; i < n; ++i) {
        rafale += "m" + std::to_string(i) + "\n";
    }
    rafale += "fin\n";
    envoyer(a, rafale, "A");
    std::uint64_t recus = 0;
    std::uint64_t perdus = 0;
    int dernier = -1;
    for (;;) {
        const std::string ligne = lire_ligne(b, "B");
        if (ligne == attendu(a, "fin")) {
            break;
        }
        if (ligne.rfind("*** ", 0) == 0) {
            BOOST_TEST_REQUIRE(ligne.find(" messages perdus") != std::string::npos,
                               "ligne inattendue : « " << ligne << " »");
            perdus += std::stoull(ligne.substr(4));
            continue;
        }
        const std::string prefixe = "[" + std::to_string(a.id) + "] m";
        BOOST_TEST_REQUIRE(ligne.rfind(prefixe, 0) == 0u, "ligne inattendue : « " << ligne << " »");
        const int numero = std::stoi(ligne.substr(prefixe.size()));
        BOOST_TEST_REQUIRE(numero > dernier, "les messages doivent arriver dans l'ordre");
        dernier = numero;
        ++recus;
    }
    BOOST_TEST(perdus > 0u, "avec 8 places et une rafale de 1000, B doit être prévenu d'un retard "
                            "(ligne_perdus, RecvError::is_lagged)");
    BOOST_TEST(recus + perdus == static_cast<std::uint64_t>(n),
               "reçus (" << recus << ") + perdus (" << perdus << ") doit faire exactement les " << n
                         << " messages envoyés");
}

BOOST_AUTO_TEST_CASE(chat_pendant_une_rafale_le_salon_reste_servi) {
    support::ChienDeGarde garde(20s, "chat_pendant_une_rafale_le_salon_reste_servi bloque");
    ServeurDeTest serveur(64); // 64 messages de retard au plus
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    // A envoie 2000 lignes d'un coup. Sa tâche les lit (branche « ligne » du select) ; si
    // elle ne sert pas aussi la branche « salon » entre deux lignes, le salon avance sans
    // elle, et elle prend du retard : un message d'un autre client, envoyé pendant la
    // rafale, serait perdu pour A. rt::select essaie ses branches dans l'ordre (comme
    // `biased;` chez tokio) : la réception doit venir en premier.
    const std::string bourre(95, 'r');
    std::string rafale;
    for (int i = 0; i < 2000; ++i) {
        rafale += bourre + std::to_string(i) + "\n";
    }
    rafale += "fin\n";
    a.tcp->changer_delai(10s);
    b.tcp->changer_delai(10s);
    envoyer(a, rafale, "A");
    for (int i = 0; i < 3000; ++i) {
        if (lire_ligne(b, "B") == attendu(a, "fin")) {
            break;
        }
    }
    envoyer(b, "à toi\n", "B");
    const std::string recu = lire_ligne(a, "A");
    BOOST_TEST(recu == attendu(b, "à toi"),
               "A, qui vient d'envoyer une rafale, ne doit pas avoir pris de retard sur le "
               "salon ; il a reçu « "
                   << recu
                   << " » (mettez rx.recv() en PREMIÈRE branche du select : sinon, tant que le "
                      "client envoie, le salon n'est jamais servi)");
}

BOOST_AUTO_TEST_CASE(chat_cent_connexions_ne_laissent_rien_derriere_elles) {
    support::ChienDeGarde garde(30s, "chat_cent_connexions_ne_laissent_rien_derriere_elles "
                                     "bloque");
    ServeurDeTest serveur;
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    const std::size_t avant = descripteurs_ouverts();
    for (int i = 0; i < 100; ++i) {
        auto c = connecter(serveur, "le client de passage " + std::to_string(i));
        if (i % 2 == 0) {
            envoyer(c, "de passage\n", "le client de passage");
            c.tcp->fermer(); // départ normal (FIN)
        } else {
            c.tcp->reinitialiser(); // départ brutal (RST)
        }
    }
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 2u; }, 5000ms),
                       "après 100 clients de passage, le salon doit compter 2 abonnés (A et B), "
                       "il en compte "
                           << serveur.abonnes() << " : chaque client parti doit quitter le salon");
    BOOST_TEST(attendre([&] { return descripteurs_ouverts() <= avant; }, 5000ms),
               "après 100 clients de passage, le processus a "
                   << descripteurs_ouverts() << " descripteurs ouverts au lieu de " << avant
                   << " au plus : la connexion d'un client parti doit être fermée (socket "
                      "détruit avec sa tâche)");
    // Les messages des clients de passage ont pu arriver à A ; on les saute.
    envoyer(b, "toujours là\n", "B");
    bool recu = false;
    for (int i = 0; i < 200 && !recu; ++i) {
        recu = lire_ligne(a, "A") == attendu(b, "toujours là");
    }
    BOOST_TEST(recu, "A et B doivent toujours pouvoir discuter");
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_lecteur_lent_ne_bloque_pas_les_autres) {
    support::ChienDeGarde garde(40s, "chat_lecteur_lent_ne_bloque_pas_les_autres bloque : un "
                                     "client qui ne lit pas retient-il les autres ?");
    ServeurDeTest serveur(16);
    auto lent = connecter(serveur, "le client lent");
    boost::system::error_code ec;
    lent.tcp->socket().set_option(boost::asio::socket_base::receive_buffer_size(4096), ec);
    auto a = connecter(serveur, "A");
    auto b = connecter(serveur, "B");
    // Environ 3 Mo diffusés : bien plus que ce que les tampons du client lent peuvent garder.
    // A écrit depuis un autre thread pendant que B lit ; le client lent ne lit jamais.
    const std::string bourre(900, 'z');
    a.tcp->changer_delai(20s);
    auto emission = std::async(std::launch::async, [&] {
        std::string paquet;
        for (int i = 0; i < 3500; ++i) {
            paquet += bourre + "\n";
            if (paquet.size() > 64 * 1024) {
                a.tcp->envoyer(paquet);
                paquet.clear();
            }
        }
        a.tcp->envoyer(paquet + "fin\n");
    });
    b.tcp->changer_delai(10s);
    bool fin = false;
    for (int i = 0; i < 5000 && !fin; ++i) {
        fin = lire_ligne(b, "B") == attendu(a, "fin");
    }
    BOOST_TEST(fin, "B doit recevoir tous les messages (ou des avis de retard) jusqu'à « fin »");
    try {
        emission.get();
    } catch (const std::exception& e) {
        BOOST_FAIL("A n'a pas pu tout envoyer : " << e.what());
    }
    lent.tcp->reinitialiser();
    BOOST_TEST_REQUIRE(attendre([&] { return serveur.abonnes() == 2u; }, 5000ms),
                       "le client lent, parti, doit quitter le salon");
    BOOST_TEST(serveur.exceptions() == 0);
}

BOOST_AUTO_TEST_CASE(chat_soixante_clients_simultanes) {
    support::ChienDeGarde garde(30s, "chat_soixante_clients_simultanes bloque");
    ServeurDeTest serveur;
    const int n = 60;
    std::vector<Client> clients;
    std::set<std::uint64_t> ids;
    for (int i = 0; i < n; ++i) {
        clients.push_back(connecter(serveur, "le client " + std::to_string(i)));
        ids.insert(clients.back().id);
    }
    BOOST_TEST_REQUIRE(ids.size() == static_cast<std::size_t>(n), "numéros en double");
    BOOST_TEST_REQUIRE(serveur.abonnes() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        envoyer(clients[i], "de " + std::to_string(i) + "\n", "le client " + std::to_string(i));
    }
    for (int i = 0; i < n; ++i) {
        std::set<std::string> recues;
        for (int j = 0; j < n - 1; ++j) {
            recues.insert(lire_ligne(clients[i], "le client " + std::to_string(i)));
        }
        std::set<std::string> attendues;
        for (int j = 0; j < n; ++j) {
            if (j != i) {
                attendues.insert(attendu(clients[j], "de " + std::to_string(j)));
            }
        }
        BOOST_TEST_REQUIRE((recues == attendues), "le client " << i
                                                               << " doit recevoir exactement un "
                                                                  "message de chacun des autres");
    }
    BOOST_TEST(serveur.exceptions() == 0);
}
