// Tests notés du chapitre 01 : le serveur d'écho « un thread par connexion ».
//
// echo_connexion est testée seule sur une paire de sockets locale (socketpair), puis le
// serveur complet est piloté par un client Boost.Asio indépendant (tests/support), avec des
// délais partout : un exercice inachevé échoue vite, il ne bloque pas.
#define BOOST_TEST_MODULE chapitre 01 - pourquoi l asynchronisme
#include <boost/test/unit_test.hpp>

#include "serveur_echo.hpp"

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>
#include <support/processus.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Deux extrémités d'une connexion locale, fermées à la destruction.
struct Paire {
    int test = -1;    // côté du test (le « client »)
    int serveur = -1; // côté passé à echo_connexion
    Paire() {
        int fds[2];
        BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        test = fds[0];
        serveur = fds[1];
    }
    ~Paire() {
        ::close(test);
        ::close(serveur);
    }
};

// Lit au plus `attendu` octets sur `fd` jusqu'à l'échéance, sans jamais bloquer au-delà.
// `arreter_si` permet d'abandonner plus tôt (par exemple si le serveur a déjà échoué).
template <typename Predicat>
std::string lire_avec_echeance(int fd, std::size_t attendu, std::chrono::milliseconds delai,
                               Predicat arreter_si) {
    std::string recu;
    const auto echeance = std::chrono::steady_clock::now() + delai;
    char tampon[8192];
    while (recu.size() < attendu && std::chrono::steady_clock::now() < echeance) {
        pollfd p{fd, POLLIN, 0};
        const int pret = ::poll(&p, 1, 50);
        if (pret < 0 && errno == EINTR)
            continue;
        if (pret == 0) {
            if (arreter_si())
                break;
            continue;
        }
        const ssize_t n = ::recv(fd, tampon, sizeof tampon, MSG_DONTWAIT);
        if (n > 0)
            recu.append(tampon, static_cast<std::size_t>(n));
        else if (n == 0)
            break; // fin de flux
        else if (errno != EAGAIN && errno != EINTR)
            break;
    }
    return recu;
}

// Motif reconnaissable et non périodique sur de courtes distances : un octet perdu ou
// dupliqué décale tout le reste et se voit à la comparaison.
std::string motif(std::size_t taille) {
    std::string s(taille, '\0');
    std::uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

// Attend (en interrogeant) que `condition` devienne vraie, au plus `delai`.
template <typename Condition>
bool attendre(Condition condition, std::chrono::milliseconds delai = 3000ms) {
    const auto echeance = std::chrono::steady_clock::now() + delai;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= echeance)
            return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// Un aller-retour : envoie `message` et vérifie que le même texte revient.
void verifier_echo(support::ClientTcp& client, const std::string& message,
                   const std::string& qui = "le client") {
    try {
        client.envoyer(message);
        const std::string recu = client.lire(message.size());
        BOOST_TEST_REQUIRE(recu == message, qui << " n'a pas reçu exactement ce qu'il a envoyé");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL(qui << " n'a pas reçu son écho : " << e.what()
                       << "\n  -> boucle_acceptation accepte-t-elle les connexions et lance-t-elle "
                          "un thread qui appelle echo_connexion ?");
    }
}

// Construit et démarre un serveur sur un port libre, en traduisant les exceptions.
std::unique_ptr<ch01::ServeurEcho> serveur_demarre() {
    std::unique_ptr<ch01::ServeurEcho> serveur;
    try {
        serveur = std::make_unique<ch01::ServeurEcho>("127.0.0.1:0");
        serveur->demarrer();
    } catch (const std::exception& e) {
        BOOST_FAIL("impossible de démarrer le serveur : " << e.what());
    }
    BOOST_TEST_REQUIRE(serveur->port() != 0, "le port 0 doit être remplacé par un port libre");
    return serveur;
}

// Compte les signaux reçus (une atomique sans verrou est utilisable dans un gestionnaire).
std::atomic<int> g_signaux{0};
extern "C" void signal_compte(int) {
    g_signaux.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

// --- echo_connexion seule -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(echo_renvoie_tout_et_rend_la_main_a_la_fin_de_flux) {
    Paire paire;
    std::string message;
    for (int i = 0; i < 20; ++i)
        message += "ligne " + std::to_string(i) + " : bonjour le monde\n";
    BOOST_TEST_REQUIRE(::send(paire.test, message.data(), message.size(), 0) ==
                       static_cast<ssize_t>(message.size()));
    ::shutdown(paire.test, SHUT_WR); // le « client » a fini d'écrire : fin de flux

    std::size_t renvoyes = 0;
    {
        support::ChienDeGarde garde(5s, "echo_connexion ne rend pas la main après la fin de "
                                        "flux : quand read() renvoie 0, le client a fermé, il "
                                        "faut sortir de la boucle.");
        try {
            renvoyes = ch01::echo_connexion(paire.serveur);
        } catch (const std::exception& e) {
            BOOST_FAIL("echo_connexion a levé une exception : " << e.what());
        }
    }
    const std::string recu =
        lire_avec_echeance(paire.test, message.size(), 2000ms, [] { return false; });
    BOOST_TEST(recu.size() == message.size(), "echo_connexion a renvoyé " << recu.size()
                                                                          << " octets au lieu de "
                                                                          << message.size());
    BOOST_TEST(recu == message, "les octets renvoyés diffèrent des octets reçus");
    BOOST_TEST(renvoyes == message.size(),
               "echo_connexion doit renvoyer le nombre d'octets renvoyés ("
                   << message.size() << "), pas " << renvoyes);
}

BOOST_AUTO_TEST_CASE(echo_gros_volume_ecritures_partielles_et_eintr) {
    BOOST_TEST_MESSAGE("1 Mio à travers un petit tampon d'envoi, et des signaux SIGUSR1 qui "
                       "interrompent read() et send() : écritures partielles et EINTR.");
    // Un gestionnaire sans SA_RESTART : un appel bloquant interrompu revient avec EINTR, ou
    // avec un nombre partiel d'octets s'il en avait déjà transféré.
    struct sigaction sa {};
    sa.sa_handler = signal_compte;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGUSR1, &sa, nullptr);

    Paire paire;
    // Petit tampon d'envoi côté serveur : send() bloque souvent, donc se fait interrompre.
    const int petit = 4096;
    ::setsockopt(paire.serveur, SOL_SOCKET, SO_SNDBUF, &petit, sizeof petit);

    const std::string donnees = motif(1024 * 1024);
    std::promise<std::size_t> resultat;
    auto futur = resultat.get_future();
    std::atomic<bool> serveur_fini{false};
    std::thread serveur([&] {
        try {
            resultat.set_value(ch01::echo_connexion(paire.serveur));
        } catch (...) {
            resultat.set_exception(std::current_exception());
        }
        serveur_fini = true;
    });
    std::atomic<bool> fini{false};
    std::thread perturbateur([&, cible = serveur.native_handle()] {
        // Injection de signaux pendant tout le transfert (ce n'est pas une synchronisation :
        // le résultat attendu ne dépend pas du moment où ils arrivent).
        while (!fini.load()) {
            ::pthread_kill(cible, SIGUSR1);
            std::this_thread::sleep_for(20us);
        }
    });
    std::thread ecrivain([&] {
        // D'abord laisser le serveur attendre dans read() pendant quelques signaux : c'est
        // là que read() revient avec EINTR. (On attend des signaux reçus, pas une durée.)
        const int depart = g_signaux.load();
        const auto limite = std::chrono::steady_clock::now() + 2s;
        while (g_signaux.load() < depart + 20 && !serveur_fini.load() &&
               std::chrono::steady_clock::now() < limite)
            std::this_thread::yield();
        std::size_t envoyes = 0;
        while (envoyes < donnees.size()) {
            const ssize_t n =
                ::send(paire.test, donnees.data() + envoyes,
                       std::min<std::size_t>(8192, donnees.size() - envoyes), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return; // le test a coupé la connexion
            }
            envoyes += static_cast<std::size_t>(n);
        }
        ::shutdown(paire.test, SHUT_WR);
    });

    const std::string recu = lire_avec_echeance(paire.test, donnees.size(), 10000ms, [&] {
        return futur.wait_for(0s) == std::future_status::ready;
    });
    // Quoi qu'il arrive, débloquer les threads du test avant de les joindre.
    const bool termine = futur.wait_for(3s) == std::future_status::ready;
    if (!termine)
        ::shutdown(paire.test, SHUT_RDWR);
    fini = true;
    perturbateur.join();
    ::shutdown(paire.test, SHUT_RDWR);
    ecrivain.join();
    {
        support::ChienDeGarde garde(5s, "echo_connexion ne se termine pas même quand la "
                                        "connexion est coupée (read() renvoie 0 ou une erreur).");
        serveur.join();
    }

    try {
        futur.get();
    } catch (const std::exception& e) {
        BOOST_FAIL("echo_connexion a levé : "
                   << e.what()
                   << "\n  -> si c'est « Interrupted system call » : un signal a interrompu "
                      "read() ou send() (errno == EINTR), il suffit de recommencer l'appel.");
    }
    BOOST_TEST(termine, "echo_connexion n'a pas rendu la main après la fin de flux");
    BOOST_TEST(recu.size() == donnees.size(),
               "seulement " << recu.size() << " octets renvoyés sur " << donnees.size()
                            << "\n  -> send() peut n'écrire qu'une partie du tampon : bouclez "
                               "jusqu'à ce que tout soit parti.");
    BOOST_TEST((recu == donnees.substr(0, recu.size())),
               "les octets renvoyés ne sont pas ceux reçus, dans le même ordre (octets perdus ou "
               "renvoyés deux fois après une écriture partielle ?)");
}

BOOST_AUTO_TEST_CASE(echo_vers_un_client_parti_sans_sigpipe) {
    BOOST_TEST_MESSAGE("Le client envoie une ligne puis disparaît. Si ce test meurt par "
                       "SIGPIPE : utilisez send(..., MSG_NOSIGNAL) plutôt que write().");
    // Le comportement par défaut d'un programme : SIGPIPE tue le processus. (Boost.Asio, dont
    // se servent les tests du serveur complet, l'ignore pour tout le processus : ce test-ci
    // n'en crée pas, et rétablit le comportement par défaut au cas où.)
    ::signal(SIGPIPE, SIG_DFL);
    Paire paire;
    const std::string message = "dernier message avant de partir\n";
    BOOST_TEST_REQUIRE(::send(paire.test, message.data(), message.size(), 0) ==
                       static_cast<ssize_t>(message.size()));
    ::close(paire.test); // le client est parti : renvoyer son message échouera (EPIPE)
    paire.test = -1;

    bool erreur_systeme = false;
    {
        support::ChienDeGarde garde(5s, "echo_connexion ne rend pas la main alors que le client "
                                        "est parti.");
        try {
            ch01::echo_connexion(paire.serveur);
        } catch (const std::system_error&) {
            erreur_systeme = true;
        } catch (const std::exception& e) {
            BOOST_FAIL("echo_connexion a levé : " << e.what());
        }
    }
    BOOST_TEST(erreur_systeme, "renvoyer des octets vers un client parti doit échouer (EPIPE) : "
                               "echo_connexion doit lever std::system_error");
}

// --- Le serveur complet -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(serveur_renvoie_l_echo) {
    auto serveur = serveur_demarre();
    support::ClientTcp client(serveur->port());
    verifier_echo(client, "bonjour\n");
    verifier_echo(client, "une deuxième ligne, sur la même connexion\n");
    client.fermer_ecriture();
    BOOST_TEST(client.attendre_fermeture(),
               "après la fin de flux du client, le serveur doit fermer la connexion");
}

BOOST_AUTO_TEST_CASE(serveur_un_thread_par_client_simultane) {
    const std::size_t threads_avant = support::nombre_threads();
    auto serveur = serveur_demarre();
    constexpr std::size_t n = 16;
    std::vector<std::unique_ptr<support::ClientTcp>> clients;
    // Tous les clients restent connectés en même temps : un serveur qui servirait un client
    // jusqu'à sa déconnexion avant de passer au suivant échouerait dès le deuxième.
    for (std::size_t i = 0; i < n; ++i) {
        clients.push_back(std::make_unique<support::ClientTcp>(serveur->port()));
        verifier_echo(*clients.back(), "je suis le client " + std::to_string(i) + "\n",
                      "le client " + std::to_string(i) + " (les précédents toujours connectés)");
    }
    const std::size_t threads_pendant = support::nombre_threads();
    BOOST_TEST_MESSAGE(n << " clients connectés : le processus a " << threads_pendant
                         << " threads (" << threads_avant << " avant le serveur)");
    BOOST_TEST(threads_pendant >= threads_avant + 1 + n,
               "un thread par connexion : on attendait au moins "
                   << threads_avant + 1 + n << " threads (1 d'acceptation + " << n
                   << "), il y en a " << threads_pendant);
    BOOST_TEST(serveur->connexions_actives() == n, "connexions_actives() devrait valoir " << n);
    BOOST_TEST(serveur->pic_connexions() >= n, "pic_connexions() devrait valoir au moins " << n);
    BOOST_TEST(serveur->connexions_acceptees() == n);

    for (auto& c : clients)
        c->fermer();
    BOOST_TEST(attendre([&] { return serveur->connexions_actives() == 0; }),
               "après la déconnexion des clients, connexions_actives() devrait revenir à 0 "
               "(chaque thread de connexion marque sa fin)");
}

BOOST_AUTO_TEST_CASE(serveur_messages_fragmentes_et_volumineux) {
    auto serveur = serveur_demarre();
    support::ClientTcp client(serveur->port());
    // Un message en trois morceaux : TCP n'a pas de notion de message, le serveur renvoie ce
    // qu'il reçoit quand il le reçoit.
    try {
        client.envoyer("bon");
        client.envoyer("jour");
        client.envoyer(" !\n");
        BOOST_TEST(client.lire_jusqu_a("\n") == "bonjour !\n");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("message envoyé en trois morceaux : " << e.what());
    }
    // 256 kio par blocs de 8 kio, chaque bloc relu avant d'envoyer le suivant.
    const std::string gros = motif(256 * 1024);
    for (std::size_t i = 0; i < gros.size(); i += 8192)
        verifier_echo(client, gros.substr(i, 8192), "le bloc à l'offset " + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(serveur_survit_a_un_client_brutal) {
    BOOST_TEST_MESSAGE("Si ce test meurt par SIGPIPE : utilisez send(..., MSG_NOSIGNAL). "
                       "S'il meurt par std::terminate : une exception s'échappe d'un thread.");
    auto serveur = serveur_demarre();
    {
        support::ClientTcp brutal(serveur->port());
        verifier_echo(brutal, "avant de disparaître\n", "le client brutal");
        // Beaucoup de données puis un RST, sans rien lire : le serveur écrit vers une
        // connexion qui n'existe plus (ECONNRESET ou EPIPE).
        brutal.envoyer(motif(64 * 1024));
        brutal.reinitialiser();
    }
    BOOST_TEST(attendre([&] { return serveur->connexions_actives() == 0; }),
               "le thread du client disparu ne s'est pas terminé");
    support::ClientTcp suivant(serveur->port());
    verifier_echo(suivant, "toujours là ?\n", "le client suivant");
    BOOST_TEST(serveur->connexions_acceptees() == 2u);
}

BOOST_AUTO_TEST_CASE(serveur_patiente_sur_emfile_sans_tourner_a_vide) {
    BOOST_TEST_MESSAGE("Plus aucun descripteur libre (EMFILE) pendant que trois clients "
                       "attendent : la boucle d'acceptation doit patienter sans brûler le CPU, "
                       "puis servir les trois clients quand des descripteurs se libèrent.");
    auto serveur = serveur_demarre();
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(serveur->port());
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Sous UBSan, la première vérification du vptr d'un type (au démarrage ou à la fin d'un
    // std::thread) ouvre un tube : pendant la pénurie, elle échouerait et signalerait une
    // fausse erreur. D'abord un client servi normalement : le thread d'acceptation a vraiment
    // démarré, et un thread de connexion est né puis mort ; on attend qu'il ait disparu.
    const std::size_t threads_serveur = support::nombre_threads();
    {
        const int premier = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_TEST_REQUIRE(premier >= 0);
        BOOST_TEST_REQUIRE(::connect(premier, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
        const std::string message = "avant EMFILE\n";
        ::send(premier, message.data(), message.size(), MSG_NOSIGNAL);
        const std::string recu =
            lire_avec_echeance(premier, message.size(), 3000ms, [] { return false; });
        ::close(premier);
        BOOST_TEST_REQUIRE(recu == message, "le premier client (avant EMFILE) n'a pas reçu son "
                                            "écho : boucle_acceptation sert-elle les clients ?");
    }
    BOOST_TEST_REQUIRE(attendre([&] { return support::nombre_threads() <= threads_serveur; }),
                       "le thread du premier client ne s'est pas terminé après sa déconnexion");
    const std::size_t acceptees_avant = serveur->connexions_acceptees();
    constexpr int n = 3;
    // Les sockets des clients sont créées avant d'épuiser les descripteurs (connect() n'en
    // consomme pas de nouveau).
    int clients[n];
    for (int& c : clients) {
        c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_TEST_REQUIRE(c >= 0);
    }
    // Épuiser les descripteurs du processus : limite basse, puis /dev/null jusqu'à EMFILE.
    rlimit origine{};
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &origine) == 0);
    const int sonde = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    BOOST_TEST_REQUIRE(sonde >= 0);
    ::close(sonde);
    rlimit basse = origine;
    basse.rlim_cur = static_cast<rlim_t>(sonde) + 32;
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &basse) == 0);
    std::vector<int> bouchons;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
        bouchons.push_back(fd);
    const bool emfile = errno == EMFILE;
    bool connectes = true;
    for (int c : clients) // la poignée de main se fait dans le noyau, sans accept()
        connectes = connectes && ::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;

    // Fenêtre d'observation (une mesure, pas une synchronisation) : le temps CPU consommé par
    // le processus pendant que le thread du test dort est celui de la boucle d'acceptation.
    const auto cpu = [] {
        timespec t{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
    };
    const auto fenetre = 400ms;
    const auto cpu_avant = cpu();
    std::this_thread::sleep_for(fenetre);
    const auto consomme = std::chrono::duration_cast<std::chrono::milliseconds>(cpu() - cpu_avant);
    const std::size_t acceptees_pendant = serveur->connexions_acceptees() - acceptees_avant;

    // La limite d'abord : descripteur par descripteur, le serveur pourrait accepter un client
    // alors que le suivant manque encore (à UBSan, par exemple).
    ::setrlimit(RLIMIT_NOFILE, &origine);
    for (int fd : bouchons)
        ::close(fd);
    BOOST_TEST_REQUIRE(emfile, "le test n'a pas pu épuiser les descripteurs");
    BOOST_TEST_REQUIRE(connectes, "les clients n'ont pas pu se connecter");
    BOOST_TEST_MESSAGE("pendant " << fenetre.count() << " ms d'EMFILE : " << consomme.count()
                                  << " ms de CPU consommés");
    // Un accept4() déjà bloqué avant que la limite ne baisse avait réservé son descripteur : il
    // a pu accepter un client (son thread est du même type que celui du premier client : UBSan
    // le connaît déjà). Pas les trois.
    BOOST_TEST_REQUIRE(acceptees_pendant < static_cast<std::size_t>(n),
                       "les trois clients ont été acceptés : le test n'a pas provoqué EMFILE");
    BOOST_TEST(consomme < fenetre / 4,
               "la boucle d'acceptation a consommé "
                   << consomme.count() << " ms de CPU en " << fenetre.count()
                   << " ms d'EMFILE : elle tourne à vide. Quand accept4() échoue avec EMFILE, le "
                      "client reste dans la file et l'appel suivant échoue aussitôt : patientez "
                      "(quelques ms) avant de réessayer.");

    // Des descripteurs sont de nouveau libres : les trois clients doivent être servis.
    for (int i = 0; i < n; ++i) {
        const std::string message = "après EMFILE " + std::to_string(i) + "\n";
        ::send(clients[i], message.data(), message.size(), MSG_NOSIGNAL);
        const std::string recu =
            lire_avec_echeance(clients[i], message.size(), 3000ms, [] { return false; });
        BOOST_TEST(recu == message, "le client " << i
                                                 << " n'a pas été servi après la fin d'EMFILE : la "
                                                    "boucle d'acceptation doit survivre à une "
                                                    "erreur d'accept4() et réessayer");
    }
    for (int c : clients)
        ::close(c);
}

BOOST_AUTO_TEST_CASE(serveur_arret_propre_avec_clients_connectes) {
    // Un premier thread jetable : les sanitizers (TSan) démarrent alors leur propre thread
    // de service, qui ne doit pas être compté comme un thread oublié par le serveur.
    std::thread([] {}).join();
    const std::size_t threads_avant = support::nombre_threads();
    auto serveur = serveur_demarre();
    const auto port = serveur->port();
    std::vector<std::unique_ptr<support::ClientTcp>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<support::ClientTcp>(port));
        verifier_echo(*clients.back(), "présent\n");
    }
    // Les quatre threads de connexion sont maintenant bloqués dans read().
    {
        support::ChienDeGarde garde(5s, "arreter() ne rend pas la main : les threads de "
                                        "connexion restent bloqués dans read(). Réveillez-les "
                                        "avec shutdown(fd, SHUT_RDWR) avant de les joindre.");
        serveur->arreter();
    }
    for (auto& c : clients)
        BOOST_TEST(c->attendre_fermeture(),
                   "après arreter(), chaque client doit voir sa connexion fermée");
    BOOST_TEST(attendre([&] { return support::nombre_threads() <= threads_avant; }),
               "après arreter(), tous les threads du serveur doivent avoir disparu ("
                   << support::nombre_threads() << " threads, " << threads_avant << " avant)");
    bool refuse = false;
    try {
        support::ClientTcp tardif(port, 500ms);
    } catch (const support::ErreurClient&) {
        refuse = true;
    }
    BOOST_TEST(refuse, "après arreter(), la socket d'écoute doit être fermée");
    serveur->arreter(); // idempotent : un second appel ne fait rien
}
