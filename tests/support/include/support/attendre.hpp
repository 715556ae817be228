#pragma once
/// \file
/// \brief `support::attendre_que` : attendre, sans pause, qu'une autre tâche ait fait quelque
/// chose (sur `multi_thread`, elle tourne peut-être sur un autre worker).

#include <rt/rt.hpp>

namespace support {

/// \brief Cède la main jusqu'à ce que `condition()` soit vraie.
///
/// Sur `current_thread`, un seul `yield_now` laisse passer toutes les tâches prêtes ; sur
/// `multi_thread`, elles tournent en parallèle et l'on ne sait pas quand elles auront fini :
/// on regarde à chaque tour. `condition` ne doit lire que des atomiques (ou l'état d'un
/// `JoinHandle`), jamais une variable qu'une autre tâche écrit sans synchronisation.
template <class Condition>
rt::Task<void> attendre_que(Condition condition) {
    while (!condition()) {
        co_await rt::task::yield_now();
    }
}

} // namespace support
