// Chapitre 01 — exercice « utiliser » : le serveur d'écho « un thread par connexion ».
//
// Complétez les quatre TODO ci-dessous, dans l'ordre. Vérifiez-vous avec :
//   ./cours verifier 01 serveur_echo        (ou : cmake --preset etudiant && ctest --preset etudiant -L ch01)
// Des indices gradués sont dans ../indices.md. La partie « Fourni » est déjà écrite.
#include "serveur_echo.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace ch01 {

namespace {

[[noreturn]] void erreur_systeme(const char* quoi) {
    throw std::system_error(errno, std::generic_category(), quoi);
}

} // namespace

// --- Fourni -------------------------------------------------------------------------------

int ouvrir_ecoute(const std::string& adresse, std::uint16_t& port_choisi) {
    const auto deux_points = adresse.rfind(':');
    if (deux_points == std::string::npos)
        throw std::invalid_argument("adresse sans port (attendu « IPv4:port ») : " + adresse);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    const std::string hote = adresse.substr(0, deux_points);
    if (::inet_pton(AF_INET, hote.c_str(), &sa.sin_addr) != 1)
        throw std::invalid_argument("adresse IPv4 invalide : " + hote);
    const int port = std::stoi(adresse.substr(deux_points + 1));
    if (port < 0 || port > 65535)
        throw std::invalid_argument("port hors limites : " + adresse);
    sa.sin_port = htons(static_cast<std::uint16_t>(port));

    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        erreur_systeme("socket");
    // SO_REUSEADDR : relancer le serveur tout de suite après l'avoir arrêté, sans attendre la
    // fin des connexions en TIME_WAIT.
    const int un = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &un, sizeof un);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
        ::listen(fd, SOMAXCONN) < 0) {
        const int e = errno;
        ::close(fd);
        throw std::system_error(e, std::generic_category(), "bind/listen sur " + adresse);
    }
    socklen_t taille = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &taille);
    port_choisi = ntohs(sa.sin_port);
    return fd;
}

ServeurEcho::ServeurEcho(const std::string& adresse) {
    // Dans le corps et non dans la liste d'initialisation : port_ est déclaré après
    // ecoute_fd_, son initialiseur « = 0 » écraserait le port choisi.
    ecoute_fd_ = ouvrir_ecoute(adresse, port_);
}

ServeurEcho::~ServeurEcho() {
    arreter();
}

void ServeurEcho::demarrer() {
    accepteur_ = std::thread([this] { boucle_acceptation(); });
}

std::size_t ServeurEcho::connexions_acceptees() const {
    std::lock_guard verrou(mutex_);
    return acceptees_;
}

std::size_t ServeurEcho::connexions_actives() const {
    std::lock_guard verrou(mutex_);
    return static_cast<std::size_t>(std::count_if(connexions_.begin(), connexions_.end(),
                                                  [](const Connexion& c) { return !c.terminee; }));
}

std::size_t ServeurEcho::pic_connexions() const {
    std::lock_guard verrou(mutex_);
    return pic_;
}

void ServeurEcho::nettoyer_terminees() {
    // Un std::thread fini doit quand même être joint (sinon son destructeur appelle
    // std::terminate) : c'est le « ramassage » que tout serveur à threads doit faire.
    for (auto it = connexions_.begin(); it != connexions_.end();) {
        if (it->terminee) {
            it->thread.join(); // immédiat : le thread a fini son travail
            it = connexions_.erase(it);
        } else {
            ++it;
        }
    }
}

// --- À vous ! ------------------------------------------------------------------------------

std::size_t echo_connexion(int fd) {
    // TODO 1 : renvoyer sur fd tout ce qui y est lu, jusqu'à la fin de flux.
    //  - read() renvoie 0 à la fin de flux (le client a fermé) : rendre alors le total ;
    //  - send() peut n'écrire qu'une partie du tampon : boucler jusqu'à tout avoir envoyé ;
    //  - un signal peut interrompre read() ou send() (-1 et errno == EINTR) : recommencer ;
    //  - toute autre erreur : erreur_systeme("read") ou erreur_systeme("send") ;
    //  - utilisez send(..., MSG_NOSIGNAL) plutôt que write() : pourquoi ? (voir la leçon)
    (void)fd;
    throw std::logic_error("TODO : echo_connexion n'est pas encore écrite");
}

void ServeurEcho::boucle_acceptation() {
    // TODO 2 : accepter les clients en boucle, un thread par client.
    //  - accept4(ecoute_fd_, nullptr, nullptr, SOCK_CLOEXEC) bloque jusqu'au client suivant ;
    //  - s'il échoue et que arret_ est vrai (lu sous mutex_) : arreter() nous réveille, sortir ;
    //    EINTR ou ECONNABORTED : continuer ;
    //    autre erreur (EMFILE : plus de descripteur libre ; ENFILE, ENOBUFS, ENOMEM) : ne pas
    //    sortir (le serveur doit survivre), l'afficher, puis *patienter* (10 ms) avant de
    //    réessayer : le client reste dans la file et accept4() échouerait aussitôt de nouveau,
    //    la boucle tournerait à vide à 100 % d'un cœur (voir la leçon, « Les pièges ») ;
    //  - sous mutex_ : nettoyer_terminees(), ajouter une Connexion à connexions_, lancer son
    //    thread avec [this, it] { servir(it); }, mettre à jour acceptees_ et pic_.
    // Tant que ce TODO n'est pas fait, la fonction rend la main tout de suite : le noyau
    // accepte les connexions dans sa file, mais personne ne les sert.
}

void ServeurEcho::servir([[maybe_unused]] Iterateur connexion) {
    // TODO 3 : le corps du thread d'une connexion.
    //  - appeler echo_connexion(connexion->fd) ; aucune exception ne doit s'échapper d'un
    //    std::thread (sinon std::terminate tue tout le serveur) : attrapez et affichez ;
    //  - puis, sous mutex_ : fermer la socket, mettre fd à -1 et terminee à true.
}

void ServeurEcho::arreter() {
    {
        std::lock_guard verrou(mutex_);
        if (arret_)
            return;
        arret_ = true;
    }
    // Fourni : accept() bloquant ne se réveille pas tout seul ; sous Linux, shutdown() sur la
    // socket d'écoute le fait revenir avec une erreur, et la boucle voit arret_.
    ::shutdown(ecoute_fd_, SHUT_RDWR);
    if (accepteur_.joinable())
        accepteur_.join();
    ::close(ecoute_fd_);
    ecoute_fd_ = -1;

    // TODO 4 : arrêter les connexions en cours et joindre leurs threads.
    //  - ils dorment dans read() : shutdown(fd, SHUT_RDWR) (sous mutex_) les réveille avec
    //    une fin de flux ; ne touchez qu'aux connexions non terminées ;
    //  - joignez ensuite chaque thread *sans* tenir mutex_ (servir() en a besoin pour finir) :
    //    déplacez d'abord la liste hors de connexions_ avec splice.
}

} // namespace ch01
