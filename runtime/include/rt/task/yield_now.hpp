#pragma once
/// \file
/// \brief `rt::task::yield_now()` : rendre la main au planificateur.

#include <coroutine>

#include "rt/detail/task_header.hpp"

namespace rt::task {

/// \brief L'awaitable de `yield_now` : la tâche se remet en fin de file et rend la main.
struct YieldNow {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> caller) {
        auto& task = detail::require_current_task("rt::task::yield_now");
        // Se réveiller soi-même pendant qu'on tourne : la tâche est marquée NOTIFIED et le
        // planificateur la remet en fin de file dès qu'elle a rendu la main.
        task.suspend_at(caller).wake();
    }
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
