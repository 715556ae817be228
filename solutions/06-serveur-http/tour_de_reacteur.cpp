// Chapitre 06 — exercice « construire » : un tour de réacteur au-dessus de poll(2).
// Solution commentée. Comparez avec PollReactor::wait (runtime/src/reactor.cpp).
#include "tour_de_reacteur.hpp"

#include <cerrno>
#include <cstddef>
#include <system_error>

namespace construire {

std::vector<pollfd> preparer(const std::vector<Source>& sources) {
    std::vector<pollfd> fds;
    fds.reserve(sources.size());
    for (const Source& source : sources) {
        short events = 0;
        if (source.lecteur) {
            events |= POLLIN;
        }
        if (source.ecrivain) {
            events |= POLLOUT;
        }
        // Seulement les fds attendus : poll(2) est en mode « niveau » ; un fd lisible que
        // personne ne lit le resterait, et chaque tour rendrait la main aussitôt.
        if (events != 0) {
            fds.push_back(pollfd{source.fd, events, 0});
        }
    }
    return fds;
}

std::vector<std::uint64_t> tour(std::vector<Source>& sources, int delai_ms) {
    std::vector<pollfd> fds = preparer(sources);
    // La correspondance pollfd -> source : preparer saute les sources sans attente, on refait
    // le même parcours pour savoir à quelle source correspond fds[i].
    std::vector<Source*> surveillees;
    surveillees.reserve(fds.size());
    for (Source& source : sources) {
        if (source.lecteur || source.ecrivain) {
            surveillees.push_back(&source);
        }
    }

    // Le seul appel bloquant du runtime : le thread dort ici tant que rien n'est prêt.
    const int prets = ::poll(fds.data(), fds.size(), delai_ms);
    if (prets < 0) {
        if (errno == EINTR) {
            return {}; // un signal : rien n'est prêt, l'appelant refera un tour
        }
        throw std::system_error(errno, std::generic_category(), "poll(2) a échoué");
    }

    std::vector<std::uint64_t> reveilles;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        const short revents = fds[i].revents;
        if (revents == 0) {
            continue;
        }
        Source& source = *surveillees[i];
        // Erreur ou fermeture : on réveille les deux sens, l'appel système dira quoi.
        const bool casse = (revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        if (source.lecteur && ((revents & POLLIN) || casse)) {
            reveilles.push_back(*source.lecteur);
            source.lecteur.reset(); // à un coup
        }
        if (source.ecrivain && ((revents & POLLOUT) || casse)) {
            reveilles.push_back(*source.ecrivain);
            source.ecrivain.reset();
        }
    }
    return reveilles;
}

} // namespace construire
