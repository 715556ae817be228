// Chapitre 06 — exercice « construire » : un tour de réacteur au-dessus de poll(2).
//
// C'est, en autonome (sans rt), ce que fait PollReactor::wait dans runtime/src/reactor.cpp :
// chaque source est un fd non bloquant avec, au plus, une tâche qui attend d'y lire et une qui
// attend d'y écrire. Une « tâche » est ici un simple numéro (son waker) : réveiller, c'est
// rendre ce numéro à l'appelant, qui remettrait la tâche dans la file du planificateur.
//
// Ce fichier est fourni tel quel : vous complétez tour_de_reacteur.cpp.
// Vérifiez-vous avec `./cours verifier 06 tour_de_reacteur` ; indices : `./cours indice 06 tour_de_reacteur`.
#pragma once

#include <poll.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace construire {

/// Un fd inscrit auprès du réacteur, et les tâches (leurs numéros) qui attendent dessus.
/// Une attente est « à un coup » : une fois réveillée, elle est effacée ; la tâche retentera
/// son appel système et se réinscrira si elle obtient encore EAGAIN.
struct Source {
    int fd = -1;
    std::optional<std::uint64_t> lecteur;  ///< tâche qui attend de pouvoir lire
    std::optional<std::uint64_t> ecrivain; ///< tâche qui attend de pouvoir écrire
};

/// (1) Le tableau passé à poll(2) : un `pollfd` par source qui a AU MOINS une attente, dans
/// l'ordre des sources ; `events` vaut POLLIN s'il y a un lecteur, POLLOUT s'il y a un
/// écrivain, les deux s'il y a les deux ; `revents` vaut 0. Une source sans attente n'y est
/// pas : un fd prêt que personne n'attend réveillerait le thread pour rien, en boucle.
std::vector<pollfd> preparer(const std::vector<Source>& sources);

/// (2) Un tour de réacteur : préparer le tableau, appeler poll(2) avec `delai_ms` (−1 : sans
/// limite), puis réveiller les attentes des fds prêts. Rend les numéros réveillés, dans
/// l'ordre des sources (pour une même source : le lecteur, puis l'écrivain), et efface ces
/// attentes dans `sources`.
///
/// - POLLIN réveille le lecteur ; POLLOUT réveille l'écrivain ;
/// - POLLERR, POLLHUP ou POLLNVAL réveillent les DEUX : l'appel système qu'ils retenteront
///   leur dira quoi (fin de flux, EPIPE, ECONNRESET...) ;
/// - poll interrompu par un signal (EINTR) : rend un vecteur vide (l'appelant refera un
///   tour) ; toute autre erreur de poll lève std::system_error.
std::vector<std::uint64_t> tour(std::vector<Source>& sources, int delai_ms);

} // namespace construire
