// Le budget coopératif : céder la main quand il est épuisé.

#include "rt/detail/coop.hpp"

#include <exception>

#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/task.hpp"

namespace rt::detail::coop {

void yield_for_budget(std::coroutine_handle<> caller) {
    auto& task = require_current_task("budget coopératif");
    task.scheduler->count_budget_forced_yield();
    // Comme yield_now : le planificateur remet la tâche en fin de file (reschedule) dès
    // qu'elle a rendu la main.
    task.yield_at(caller);
}

namespace {

/// La coroutine de reprise de `YieldThenRetry` : elle réessaie l'opération, puis désigne au
/// trampoline qui reprendre (l'attendeur si l'opération a abouti, personne sinon) et se
/// détruit elle-même.
struct RetryFrame {
    struct promise_type {
        std::coroutine_handle<> next;

        RetryFrame get_return_object() noexcept {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; } // au passage suivant
        struct Final {
            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<promise_type> self) const noexcept {
                tls_next_to_resume = self.promise().next; // repris par le trampoline
                self.destroy();                           // suspendue : on peut la détruire
            }
            void await_resume() const noexcept {}
        };
        Final final_suspend() const noexcept { return {}; }
        void return_value(std::coroutine_handle<> resume) noexcept { next = resume; }
        void unhandled_exception() const noexcept { std::terminate(); } // retry est noexcept

        static void* operator new(std::size_t size) { return frame_allocate(size); }
        static void operator delete(void* p, std::size_t size) noexcept {
            frame_deallocate(p, size);
        }
    };
    std::coroutine_handle<promise_type> handle;
};

RetryFrame retry_then_resume(Retryable& op, std::coroutine_handle<>& owner,
                             std::coroutine_handle<> caller) {
    owner = nullptr; // elle tourne : plus à détruire par YieldThenRetry
    co_return op.retry(caller) ? caller : std::coroutine_handle<>{};
}

} // namespace

YieldThenRetry::~YieldThenRetry() {
    if (frame_) {
        frame_.destroy(); // jamais reprise (tâche annulée) : suspendue à son début
    }
}

void YieldThenRetry::start(Retryable& op, std::coroutine_handle<> caller) {
    auto& task = require_current_task("budget coopératif");
    frame_ = retry_then_resume(op, frame_, caller).handle;
    task.scheduler->count_budget_forced_yield();
    task.yield_at(frame_); // le prochain passage reprendra la coroutine de reprise
}

} // namespace rt::detail::coop
