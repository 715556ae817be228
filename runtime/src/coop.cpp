// Le budget coopératif : céder la main quand il est épuisé.

#include "rt/detail/coop.hpp"

#include "rt/detail/task_header.hpp"

namespace rt::detail::coop {

void yield_for_budget(std::coroutine_handle<> caller) {
    auto& task = require_current_task("budget coopératif");
    task.scheduler->count_budget_forced_yield();
    // Comme yield_now : le planificateur remet la tâche en fin de file (reschedule) dès
    // qu'elle a rendu la main.
    task.yield_at(caller);
}

} // namespace rt::detail::coop
