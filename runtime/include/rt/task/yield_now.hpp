#pragma once
/// \file
/// \brief `rt::task::yield_now()` : rendre la main au planificateur.

#include <coroutine>

#include "rt/detail/task_header.hpp"

namespace rt::task {

/// \brief L'awaitable de `yield_now` : la tâche se remet en fin de file et rend la main.
struct YieldNow {
    /// \brief Toujours faux : céder la place, c'est justement suspendre.
    bool await_ready() const noexcept { return false; }
    /// \brief Se remet en file (réveil de soi-même), puis rend la main au planificateur.
    void await_suspend(std::coroutine_handle<> caller) {
        auto& task = detail::require_current_task("rt::task::yield_now");
        // Se marquer à remettre en file : à la fin du passage, transition_to_idle lui donne une
        // époque neuve (aucun réveil ancien ne peut la reprendre) et le planificateur la remet
        // en fin de file.
        task.yield_at(caller);
    }
    /// \brief Rien à rendre : la tâche reprend simplement après les autres tâches prêtes.
    void await_resume() const noexcept {}
};

/// \brief Laisse passer les autres tâches prêtes : `co_await rt::task::yield_now();`
///
/// Utile dans une boucle de calcul qui ne se suspend jamais : sans cela, une tâche du
/// runtime `current_thread` monopoliserait le thread (le planificateur est coopératif).
inline YieldNow yield_now() noexcept {
    return {};
}

} // namespace rt::task
