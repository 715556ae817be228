// Chapitre 12 — exercice « utiliser » : le pipeline lecture → 4 workers → agrégation.
// L'interface (et le contrat complet) est dans pipeline.hpp.
//
// Vérifiez-vous avec `./cours verifier 12 pipeline` ; indices : `./cours indice 12 pipeline`.
//
// Relisez avant de commencer exemples/article.cpp (un pipeline linéaire) et
// exemples/panne.cpp (ce qui arrive quand un étage lève une exception).
#include "pipeline.hpp"

#include <exception>
#include <memory>
#include <utility>
#include <variant>

namespace utiliser {

namespace mpsc = rt::sync::mpsc;

rt::Task<std::vector<long>> pipeline(Source source, Transformation transformer,
                                     std::size_t capacite) {
    std::vector<long> resultats;

    // TODO (1) : deux canaux BORNÉS de capacité `capacite` : les lignes (std::string) entre
    // la lecture et les workers, les résultats (long) entre les workers et l'agrégation.
    // (Un unbounded_channel ferait passer les tests de résultats... et échouer celui de la
    // mémoire : la lecture lirait toute l'entrée d'avance.)

    // TODO (2) : l'étage 1, la lecture, dans une tâche (un rt::JoinSet<void> garde toutes
    // les tâches du pipeline) : appeler source() jusqu'à std::nullopt, envoyer chaque ligne.
    // L'émetteur des lignes doit être DÉPLACÉ dans la tâche : quand elle finit, il meurt avec
    // elle, et c'est ainsi que les workers apprennent que l'entrée est finie.

    // TODO (3) : l'étage 2, exactement WORKERS tâches qui se partagent le récepteur des
    // lignes (un std::shared_ptr<rt::sync::Mutex<mpsc::Receiver<std::string>>> : prendre le
    // verrou, recevoir une ligne, RENDRE le verrou, puis transformer). Chacune envoie ses
    // résultats avec sa propre copie de l'émetteur des résultats. Attention : l'original ne
    // doit pas survivre à la création des workers, sinon l'agrégation ne verra jamais la fin.

    // TODO (4) : l'étage 3, l'agrégation : recevoir les résultats jusqu'à std::nullopt, puis
    // regarder comment les étages ont fini (join_next) ; si l'un a levé une exception,
    // la relancer (std::rethrow_exception(erreur.panic())). Mieux : mettre en course
    // rx.recv() et etages.join_next() dans un rt::select pour voir l'échec dès qu'il arrive.
    (void)source;
    (void)transformer;
    (void)capacite;
    co_return resultats;
}

} // namespace utiliser
