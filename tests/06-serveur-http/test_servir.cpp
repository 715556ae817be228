// Tests notés du chapitre 06 — exercice « utiliser », (8) : servir, la boucle d'acceptation
// (http.cpp).
//
// Le serveur tourne sur un runtime rt dans un thread à part (port 0, boucle locale) : ici,
// c'est VOTRE servir qui accepte les connexions. Le test provoque une pénurie de descripteurs
// (EMFILE) sans dépendre de la machine : il abaisse la limite RLIMIT_NOFILE du processus
// juste au-dessus des fds ouverts, occupe toutes les places libres avec dup(), connecte un
// client préparé d'avance (son socket existe déjà : il ne demande pas de nouveau fd), puis
// libère tout et vérifie que ce client est servi. Pendant la pénurie, il mesure le temps
// processeur consommé : une boucle qui réessaie sans pause le dépense entier.
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>

#include "http.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

const std::string REQUETE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// Un runtime rt (current-thread) dans son propre thread, qui exécute utiliser::servir.
class ServeurComplet {
public:
    explicit ServeurComplet(utiliser::Delais delais = {}) {
        std::promise<std::uint16_t> port_promis;
        auto port_futur = port_promis.get_future();
        thread_ = std::thread([this, delais, p = std::move(port_promis)]() mutable {
            try {
                rt::Runtime runtime = rt::Builder::current_thread().build();
                runtime.block_on(principal(p, delais));
            } catch (const std::exception& e) {
                erreur_ = e.what();
            }
        });
        if (port_futur.wait_for(5s) != std::future_status::ready) {
            std::fprintf(stderr, "*** le serveur de test ne démarre pas en 5 s\n");
            std::_Exit(3);
        }
        port_ = port_futur.get();
    }
    ServeurComplet(const ServeurComplet&) = delete;
    ServeurComplet& operator=(const ServeurComplet&) = delete;

    ~ServeurComplet() {
        support::ChienDeGarde g(10s, "le serveur de test ne s'arrête pas : servir ne rend-il "
                                     "jamais la main au planificateur (une boucle sans "
                                     "co_await qui se suspend) ?");
        arreter_ = true;
        thread_.join();
    }

    std::uint16_t port() const { return port_; }
    int echecs_journalises() const { return echecs_; }

private:
    rt::Task<void> principal(std::promise<std::uint16_t>& port_promis, utiliser::Delais delais) {
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        port_promis.set_value(listener.local_addr().port());
        auto serveur = rt::spawn(utiliser::servir(std::move(listener), delais,
                                                  [this](const std::system_error&) { ++echecs_; }));
        // L'arrêt : le test lève un drapeau, qu'on regarde de temps en temps ; puis on annule
        // la tâche de servir (l'arrêt du runtime détruit les connexions restantes).
        while (!arreter_) {
            co_await rt::time::sleep(10ms);
        }
        serveur.abort();
        (void)co_await serveur;
    }

    std::thread thread_;
    std::atomic<bool> arreter_{false};
    std::atomic<int> echecs_{0};
    std::uint16_t port_ = 0;
    std::string erreur_;
};

/// Un client TCP en appels système directs : son socket est créé d'avance, et connect() ne
/// demande aucun nouveau descripteur (contrairement au client Asio, qui en ouvre plusieurs).
class ClientBrut {
public:
    ClientBrut() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) {
            throw std::runtime_error("socket() a échoué");
        }
    }
    ClientBrut(const ClientBrut&) = delete;
    ClientBrut& operator=(const ClientBrut&) = delete;
    ~ClientBrut() { ::close(fd_); }

    /// La connexion est établie par le noyau (file d'attente du listener), que le serveur
    /// l'accepte ou non.
    bool connecter(std::uint16_t port) {
        sockaddr_in adresse{};
        adresse.sin_family = AF_INET;
        adresse.sin_port = htons(port);
        adresse.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return ::connect(fd_, reinterpret_cast<const sockaddr*>(&adresse), sizeof adresse) == 0;
    }

    bool envoyer(const std::string& s) {
        return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
    }

    /// Lit `n` octets en au plus `delai` ; rend ce qui est arrivé (moins si délai ou fin).
    std::string lire(std::size_t n, std::chrono::milliseconds delai) {
        std::string recu;
        const auto fin = std::chrono::steady_clock::now() + delai;
        while (recu.size() < n) {
            const auto reste = std::chrono::duration_cast<std::chrono::milliseconds>(
                fin - std::chrono::steady_clock::now());
            if (reste <= 0ms) {
                break;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(reste.count())) <= 0) {
                break;
            }
            char tampon[512];
            const ssize_t k = ::recv(fd_, tampon, std::min(sizeof tampon, n - recu.size()), 0);
            if (k <= 0) {
                break;
            }
            recu.append(tampon, static_cast<std::size_t>(k));
        }
        return recu;
    }

private:
    int fd_;
};

/// Le plus grand numéro de descripteur ouvert dans le processus.
int plus_grand_fd() {
    int maximum = 2;
    for (const auto& entree : std::filesystem::directory_iterator("/proc/self/fd")) {
        maximum = std::max(maximum, std::stoi(entree.path().filename().string()));
    }
    return maximum;
}

/// Temps processeur consommé par tout le processus (tous ses threads).
std::chrono::nanoseconds temps_processeur() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

/// Une pénurie de descripteurs : limite abaissée, places libres occupées. Le destructeur
/// rend tout (fds et limite), même si le test échoue.
class Penurie {
public:
    Penurie() {
        ::getrlimit(RLIMIT_NOFILE, &avant_);
        rlimit basse = avant_;
        basse.rlim_cur = static_cast<rlim_t>(plus_grand_fd() + 8);
        ::setrlimit(RLIMIT_NOFILE, &basse);
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
            occupes_.push_back(fd);
        }
    }
    Penurie(const Penurie&) = delete;
    Penurie& operator=(const Penurie&) = delete;
    ~Penurie() { liberer(); }

    void liberer() {
        for (int fd : occupes_) {
            ::close(fd);
        }
        occupes_.clear();
        ::setrlimit(RLIMIT_NOFILE, &avant_);
    }
    /// Vrai si plus aucun descripteur ne peut être ouvert.
    bool complete() const {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ::close(fd);
            return false;
        }
        return errno == EMFILE;
    }

private:
    rlimit avant_{};
    std::vector<int> occupes_;
};

} // namespace

BOOST_AUTO_TEST_CASE(servir_sert_deux_clients_en_meme_temps) {
    support::ChienDeGarde g(20s, "le test ne se termine pas");
    ServeurComplet serveur;
    support::ClientTcp premier(serveur.port());
    try {
        premier.envoyer(REQUETE);
        BOOST_TEST_REQUIRE(premier.lire(utiliser::REPONSE_OK.size()) == utiliser::REPONSE_OK);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("servir ne sert pas un premier client : " << e.what());
    }
    // Le premier client garde sa connexion (keep-alive) ; le second doit être servi pendant
    // ce temps.
    try {
        support::ClientTcp second(serveur.port());
        second.envoyer(REQUETE);
        BOOST_TEST(second.lire(utiliser::REPONSE_OK.size()) == utiliser::REPONSE_OK);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("un second client n'est pas servi tant que le premier garde sa connexion ("
                   << e.what()
                   << ") : servir doit lancer une tâche par connexion (rt::spawn), pas "
                      "attendre traiter_connexion avant d'accepter la suivante");
    }
    // Puis le premier, toujours connecté, envoie sa deuxième requête.
    try {
        premier.envoyer(REQUETE);
        BOOST_TEST(premier.lire(utiliser::REPONSE_OK.size()) == utiliser::REPONSE_OK);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("la connexion gardée du premier client ne répond plus : " << e.what());
    }
}

BOOST_AUTO_TEST_CASE(servir_survit_a_emfile) {
    support::ChienDeGarde g(30s, "le test ne se termine pas");
    ServeurComplet serveur;
    {
        support::ClientTcp avant(serveur.port());
        avant.envoyer(REQUETE);
        BOOST_TEST_REQUIRE(avant.lire(utiliser::REPONSE_OK.size()) == utiliser::REPONSE_OK,
                           "servir doit servir un client ordinaire");
    }
    ClientBrut patient; // son socket existe avant la pénurie
    std::chrono::nanoseconds processeur{};
    std::chrono::nanoseconds fenetre{};
    int echecs_dans_la_fenetre = 0;
    {
        Penurie penurie;
        BOOST_TEST_REQUIRE(penurie.complete(), "le test n'a pas réussi à épuiser les fds");
        BOOST_TEST_REQUIRE(patient.connecter(serveur.port()));
        // Le serveur voit le listener prêt, mais accept échoue (EMFILE) : on attend le
        // premier échec journalisé (au plus 5 s).
        const auto limite = std::chrono::steady_clock::now() + 5s;
        while (serveur.echecs_journalises() == 0 && std::chrono::steady_clock::now() < limite) {
            std::this_thread::sleep_for(1ms);
        }
        BOOST_TEST_REQUIRE(serveur.echecs_journalises() > 0,
                           "accept échoue (EMFILE) mais journal n'a pas été appelé en 5 s : "
                           "servir doit attraper std::system_error et appeler journal(erreur)");
        // Une fenêtre d'observation : la pénurie dure, que fait le serveur ?
        const int echecs_avant = serveur.echecs_journalises();
        const auto debut = std::chrono::steady_clock::now();
        const auto cpu_debut = temps_processeur();
        std::this_thread::sleep_for(300ms);
        processeur = temps_processeur() - cpu_debut;
        fenetre = std::chrono::steady_clock::now() - debut;
        echecs_dans_la_fenetre = serveur.echecs_journalises() - echecs_avant;
    } // la pénurie se termine : fds libérés, limite rendue
    const auto ms = [](auto d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    const long long essais_permis = ms(fenetre) / utiliser::PAUSE_APRES_ECHEC_ACCEPT.count() + 3;
    BOOST_TEST(echecs_dans_la_fenetre <= essais_permis,
               echecs_dans_la_fenetre
                   << " échecs d'accept journalisés en " << ms(fenetre)
                   << " ms de pénurie : attendez PAUSE_APRES_ECHEC_ACCEPT entre deux essais "
                      "(au plus "
                   << essais_permis << " essais ici)");
    BOOST_TEST(processeur < fenetre / 10,
               "pendant " << ms(fenetre) << " ms de pénurie, le processus a consommé "
                          << ms(processeur)
                          << " ms de processeur : servir réessaie sans pause (rt::time::sleep "
                             "de PAUSE_APRES_ECHEC_ACCEPT, pas yield_now ni rien)");
    // Les fds sont revenus : le client qui attendait dans la file doit être servi.
    BOOST_TEST_REQUIRE(patient.envoyer(REQUETE));
    const std::string reponse = patient.lire(utiliser::REPONSE_OK.size(), 3000ms);
    BOOST_TEST(reponse == utiliser::REPONSE_OK,
               "après la pénurie, le client en attente doit être servi ; reçu « "
                   << reponse
                   << " ». Servir s'est-il arrêté au premier échec d'accept (le accept()? de "
                      "l'article) ?");
    try {
        support::ClientTcp apres(serveur.port());
        apres.envoyer(REQUETE);
        BOOST_TEST(apres.lire(utiliser::REPONSE_OK.size()) == utiliser::REPONSE_OK);
    } catch (const support::ErreurClient& e) {
        BOOST_FAIL("après la pénurie, un nouveau client n'est pas servi : " << e.what());
    }
}
