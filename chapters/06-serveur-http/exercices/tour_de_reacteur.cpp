// Chapitre 06 — exercice « construire » : un tour de réacteur au-dessus de poll(2).
//
// Le contrat exact est dans tour_de_reacteur.hpp ; le modèle est PollReactor::wait
// (runtime/src/reactor.cpp), cité dans la leçon.
//
// Vérifiez-vous avec `./cours verifier 06 tour_de_reacteur` ; indices : `./cours indice 06 tour_de_reacteur`.
#include "tour_de_reacteur.hpp"

#include <cerrno>
#include <cstddef>
#include <system_error>

namespace construire {

std::vector<pollfd> preparer(const std::vector<Source>& sources) {
    // TODO (4) : un pollfd {fd, events, 0} par source qui a au moins une attente, dans
    // l'ordre ; events = POLLIN si lecteur, | POLLOUT si écrivain. Les sources sans attente
    // ne sont pas surveillées.
    (void)sources;
    return {};
}

std::vector<std::uint64_t> tour(std::vector<Source>& sources, int delai_ms) {
    // TODO (5) : preparer(sources), puis ::poll(fds.data(), fds.size(), delai_ms).
    //   - résultat < 0 : EINTR -> rendre {} ; sinon lever std::system_error(errno, ...) ;
    //   - pour chaque pollfd dont revents != 0, retrouver SA source (attention : preparer a
    //     sauté les sources sans attente, fds[i] n'est pas forcément sources[i]) ;
    //   - POLLIN (ou POLLERR/POLLHUP/POLLNVAL) réveille le lecteur, POLLOUT (ou les mêmes
    //     erreurs) réveille l'écrivain : ajouter son numéro au résultat et effacer l'attente
    //     (reset de l'optional : une attente est à un coup).
    (void)sources;
    (void)delai_ms;
    return {};
}

} // namespace construire
