// Test de régression de l'exemple ch06_serveur_corrige (label « exemples », non noté) : le
// défaut tel qu'il a été signalé. Sous `ulimit -n 64`, cent clients qui se connectent sans
// rien envoyer prenaient tous les descripteurs du serveur, pour toujours : aucun nouveau
// client n'était plus jamais servi. Avec le délai d'inactivité, le serveur les déconnecte et
// sert le nouveau client.
//
// Le serveur est lancé comme un utilisateur le lancerait : fork, limite de descripteurs
// abaissée à 64 dans l'enfant, exec du programme avec des délais courts (300 ms). Il affiche
// son port sur sa sortie standard, que le test lit par un tube. Aucune pause ne sert de
// synchronisation : le test attend des octets (le port, la réponse), avec des délais.
#define BOOST_TEST_MODULE "Chapitre 06 : l'exemple ch06_serveur_corrige face aux clients muets"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

#ifndef CH06_SERVEUR_CORRIGE
#error "CH06_SERVEUR_CORRIGE (chemin de ch06_serveur_corrige) doit être défini par CMake"
#endif

namespace {

/// Un descripteur possédé : fermé à la destruction.
class Fd {
public:
    explicit Fd(int fd = -1) noexcept : fd_(fd) {}
    Fd(Fd&& autre) noexcept : fd_(autre.fd_) { autre.fd_ = -1; }
    Fd& operator=(Fd&& autre) noexcept {
        std::swap(fd_, autre.fd_); // l'ancien descripteur est fermé avec `autre`
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

/// Le serveur, lancé dans un processus enfant ; tué et attendu à la destruction (aussi quand
/// le test échoue).
class ProcessusServeur {
public:
    ProcessusServeur(std::vector<std::string> arguments, rlim_t limite_fds) {
        int tube[2];
        if (::pipe2(tube, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe2 impossible");
        }
        lecture_ = Fd(tube[0]);
        Fd ecriture(tube[1]);
        // Tout ce dont l'enfant a besoin est préparé avant fork : entre fork et exec, seuls
        // des appels système simples (le processus de test a plusieurs threads).
        std::vector<char*> argv;
        for (auto& a : arguments) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        const rlimit limite{limite_fds, limite_fds};
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork impossible");
        }
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);    // le test meurt (chien de garde) : lui aussi
            ::dup2(ecriture.get(), STDOUT_FILENO); // dup2 retire O_CLOEXEC de la copie
            ::setrlimit(RLIMIT_NOFILE, &limite);   // l'équivalent de « ulimit -n 64 »
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ProcessusServeur(const ProcessusServeur&) = delete;
    ProcessusServeur& operator=(const ProcessusServeur&) = delete;

    ~ProcessusServeur() {
        ::kill(pid_, SIGKILL);
        int statut = 0;
        while (::waitpid(pid_, &statut, 0) < 0 && errno == EINTR) {
        }
    }

    /// Lit la sortie du serveur jusqu'à la ligne « Serveur en écoute sur hôte:port » et rend
    /// le port ; lève si elle n'arrive pas dans le délai.
    std::uint16_t port(std::chrono::milliseconds delai) {
        std::string sortie;
        const auto fin = std::chrono::steady_clock::now() + delai;
        for (;;) {
            const auto debut = sortie.find("Serveur en écoute sur ");
            const auto fin_ligne = sortie.find('\n', debut == std::string::npos ? 0 : debut);
            if (debut != std::string::npos && fin_ligne != std::string::npos) {
                const auto deux_points = sortie.rfind(':', fin_ligne);
                return static_cast<std::uint16_t>(std::stoul(sortie.substr(deux_points + 1)));
            }
            const auto reste = std::chrono::duration_cast<std::chrono::milliseconds>(
                fin - std::chrono::steady_clock::now());
            pollfd p{lecture_.get(), POLLIN, 0};
            if (reste.count() <= 0 || ::poll(&p, 1, static_cast<int>(reste.count())) <= 0) {
                throw std::runtime_error("le serveur n'a pas affiché son port ; sortie : " +
                                         sortie);
            }
            char tampon[256];
            const ssize_t n = ::read(lecture_.get(), tampon, sizeof tampon);
            if (n <= 0) {
                throw std::runtime_error("le serveur s'est arrêté ; sortie : " + sortie);
            }
            sortie.append(tampon, static_cast<std::size_t>(n));
        }
    }

private:
    Fd lecture_; // gardé ouvert : le serveur écrit encore sur sa sortie (pas de SIGPIPE)
    pid_t pid_ = -1;
};

/// Un client TCP qui se connecte et n'envoie rien (socket bloquant ordinaire).
Fd client_muet(std::uint16_t port) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in adresse{};
    adresse.sin_family = AF_INET;
    adresse.sin_port = htons(port);
    adresse.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd.get() < 0 ||
        ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&adresse), sizeof adresse) != 0) {
        throw std::runtime_error("connexion d'un client muet impossible");
    }
    return fd;
}

} // namespace

BOOST_AUTO_TEST_CASE(cent_clients_muets_ne_bloquent_pas_le_serveur) {
    support::ChienDeGarde garde(30s, "le test des clients muets ne se termine pas");
    // Le processus de test ouvre plus de 100 descripteurs : sa limite souple monte à la dure.
    rlimit limite{};
    ::getrlimit(RLIMIT_NOFILE, &limite);
    limite.rlim_cur = limite.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limite);
    BOOST_TEST_REQUIRE(limite.rlim_cur >= 256, "il faut au moins 256 descripteurs au test");

    ProcessusServeur serveur(
        {CH06_SERVEUR_CORRIGE, "127.0.0.1:0", "--inactivite", "300", "--delai-requete", "300"}, 64);
    const std::uint16_t port = serveur.port(5s);

    // Cent clients muets : bien plus que les 64 descripteurs du serveur. Ceux qu'il ne peut
    // pas accepter attendent dans la file du noyau, devant le client suivant.
    std::vector<Fd> muets;
    for (int i = 0; i < 100; ++i) {
        muets.push_back(client_muet(port));
    }

    support::ClientTcp client(port, 5000ms);
    std::string ligne;
    try {
        client.envoyer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        ligne = client.lire_jusqu_a("\r\n");
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("avec 64 descripteurs et cent clients muets, un nouveau client n'est pas "
                   "servi en 5 s ("
                   << e.what()
                   << ") : le serveur doit fermer les connexions inactives (--inactivite)");
    }
    BOOST_TEST(ligne == "HTTP/1.1 200 OK\r\n", "réponse inattendue : " << ligne);
}
