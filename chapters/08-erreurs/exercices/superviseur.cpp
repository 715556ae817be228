// Chapitre 08 — exercice « utiliser » : le superviseur (interface dans superviseur.hpp, à lire
// d'abord : elle dit exactement ce qui est attendu). À compléter : les TODO (6) et (7).
#include "superviseur.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace utiliser {

rt::Task<Report> supervise(MakeWorker make_worker, int max_restarts, OnSpawn on_spawn) {
    Report report;
    // TODO (6) : la boucle de supervision.
    //  - max_restarts négatif : std::invalid_argument ;
    //  - chaque tentative est lancée par rt::spawn(make_worker()) ; on_spawn (s'il n'est pas
    //    vide) reçoit son handle ; on l'attend avec co_await : un rt::Result<int, JoinError> ;
    //  - ne rattrapez pas l'exception dans la tâche (try/catch autour de co_await
    //    make_worker()) : c'est le runtime qui la transforme en JoinError ;
    //  - au plus 1 + max_restarts tentatives ; une annulation n'est jamais relancée ;
    //  - si le superviseur est annulé pendant qu'il attend, la tentative en cours doit être
    //    annulée aussi (détruire un JoinHandle ne l'annule pas : il faut un abort()).
    (void)make_worker;
    (void)max_restarts;
    (void)on_spawn;
    co_return report;
}

std::string describe(const Report& report) {
    // TODO (7) : la phrase du rapport, aux formats donnés dans superviseur.hpp.
    (void)report;
    return "";
}

} // namespace utiliser
