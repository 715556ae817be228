// Chapitre 01 — solution du serveur d'écho « un thread par connexion ».
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

// --- Solution -----------------------------------------------------------------------------

std::size_t echo_connexion(int fd) {
    char tampon[16 * 1024];
    std::size_t total = 0;
    for (;;) {
        const ssize_t lus = ::read(fd, tampon, sizeof tampon);
        if (lus < 0) {
            // Un signal a interrompu l'appel bloquant avant toute lecture : on recommence.
            if (errno == EINTR)
                continue;
            erreur_systeme("read");
        }
        if (lus == 0)
            return total; // fin de flux : le client a fermé son côté écriture

        // send() peut n'écrire qu'une partie des octets (signal, tampon d'envoi plein) :
        // on boucle jusqu'à avoir tout renvoyé.
        std::size_t envoyes = 0;
        while (envoyes < static_cast<std::size_t>(lus)) {
            // MSG_NOSIGNAL : si le client est parti, send() renvoie EPIPE au lieu de tuer
            // tout le processus avec SIGPIPE.
            const ssize_t n =
                ::send(fd, tampon + envoyes, static_cast<std::size_t>(lus) - envoyes, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                erreur_systeme("send");
            }
            envoyes += static_cast<std::size_t>(n);
        }
        total += envoyes;
    }
}

void ServeurEcho::boucle_acceptation() {
    bool en_echec = false; // dans une série d'échecs d'accept() (EMFILE...) : déjà signalée
    for (;;) {
        const int fd = ::accept4(ecoute_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            const int e = errno;
            {
                std::lock_guard verrou(mutex_);
                if (arret_)
                    return; // arreter() a fermé la socket d'écoute pour nous réveiller
            }
            if (e == EINTR || e == ECONNABORTED)
                continue; // sans gravité : le client suivant
            // EMFILE (plus de descripteur libre dans le processus), ENFILE, ENOBUFS, ENOMEM :
            // le client reste dans la file du noyau et la socket d'écoute reste prête, donc un
            // nouvel accept4() échouerait aussitôt : sans pause, cette boucle tournerait à vide
            // à 100 % d'un cœur. Une erreur d'accept() ne doit pas non plus arrêter le serveur :
            // on signale (une fois par série d'échecs), on patiente, puis on réessaie ; un
            // descripteur se libère dès qu'une connexion se termine.
            if (!en_echec)
                std::fprintf(stderr, "accept : %s (on patiente et on réessaie)\n",
                             std::generic_category().message(e).c_str());
            en_echec = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        en_echec = false;

        std::lock_guard verrou(mutex_);
        if (arret_) {
            ::close(fd);
            return;
        }
        nettoyer_terminees();
        auto it = connexions_.emplace(connexions_.end(), fd);
        try {
            // Le cœur du modèle : un thread du système, avec sa pile, pour ce seul client.
            it->thread = std::thread([this, it] { servir(it); });
        } catch (const std::system_error& e) {
            // EAGAIN : plus de threads possibles (limite du noyau, RLIMIT_NPROC, mémoire).
            // C'est précisément la limite de ce modèle ; on refuse ce client.
            std::fprintf(stderr, "impossible de créer un thread : %s\n", e.what());
            ::close(fd);
            connexions_.erase(it);
            continue;
        }
        ++acceptees_;
        const auto actives =
            static_cast<std::size_t>(std::count_if(connexions_.begin(), connexions_.end(),
                                                   [](const Connexion& c) { return !c.terminee; }));
        pic_ = std::max(pic_, actives);
    }
}

void ServeurEcho::servir(Iterateur connexion) {
    try {
        echo_connexion(connexion->fd);
    } catch (const std::exception& e) {
        // Une exception qui s'échappe d'un std::thread appelle std::terminate : un seul client
        // fautif tuerait tout le serveur. (tokio::spawn, lui, la transforme en JoinError :
        // voir le chapitre 08.)
        std::fprintf(stderr, "connexion terminée sur erreur : %s\n", e.what());
    }
    // Fermer sous le verrou : arreter() appelle shutdown() sur les sockets encore ouvertes
    // sous ce même verrou ; il ne peut donc jamais viser un numéro de descripteur déjà
    // fermé ici puis réattribué à une autre connexion.
    std::lock_guard verrou(mutex_);
    ::close(connexion->fd);
    connexion->fd = -1;
    connexion->terminee = true;
}

void ServeurEcho::arreter() {
    {
        std::lock_guard verrou(mutex_);
        if (arret_)
            return;
        arret_ = true;
    }
    // accept() bloquant ne se réveille pas tout seul : sous Linux, shutdown() sur la socket
    // d'écoute le fait revenir avec une erreur, et la boucle voit arret_.
    ::shutdown(ecoute_fd_, SHUT_RDWR);
    if (accepteur_.joinable())
        accepteur_.join();
    ::close(ecoute_fd_);
    ecoute_fd_ = -1;

    // Même problème pour les threads de connexion bloqués dans read() : shutdown() leur fait
    // lire une fin de flux ; chacun ferme alors sa socket et se termine.
    std::list<Connexion> toutes;
    {
        std::lock_guard verrou(mutex_);
        for (auto& c : connexions_)
            if (!c.terminee)
                ::shutdown(c.fd, SHUT_RDWR);
        // splice déplace les nœuds sans les recopier : les itérateurs des threads restent
        // valides, ils pointent maintenant dans `toutes`.
        toutes.splice(toutes.end(), connexions_);
    }
    for (auto& c : toutes)
        c.thread.join();
}

} // namespace ch01
