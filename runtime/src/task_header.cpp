// Un passage de tâche, son réveil, son annulation et sa fin. Chaque étape est une transition
// nommée du mot d'état (task_state.cpp) ; ce fichier ne fait qu'exécuter ce qu'elle dit.

#include "rt/detail/task_header.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "rt/join_error.hpp"
#include "rt/task.hpp"

namespace rt::detail {

// Chaque octet de l'en-tête se paie un million de fois avec un million de tâches : qu'un
// champ ajouté sans y penser fasse échouer la compilation (vptr 8, références 4, drapeaux
// du planificateur 2, état 8, planificateur 8, reprise 8, Waker 16, chaînages 24).
static_assert(sizeof(TaskHeader) <= 80, "TaskHeader a grossi : voir l'ordre de ses champs");

namespace {
thread_local TaskHeader* tls_current_task = nullptr;
} // namespace

TaskHeader* current_task() noexcept {
    return tls_current_task;
}

CurrentTaskGuard::CurrentTaskGuard(TaskHeader* task) noexcept : previous_(tls_current_task) {
    tls_current_task = task;
}

CurrentTaskGuard::~CurrentTaskGuard() {
    tls_current_task = previous_;
}

TaskHeader& require_current_task(const char* what) {
    if (tls_current_task == nullptr) {
        throw std::logic_error(std::string(what) +
                               " : il faut être dans une tâche du runtime (une coroutine "
                               "exécutée par rt::block_on ou lancée par rt::spawn)");
    }
    return *tls_current_task;
}

void report_unhandled(const char* why, const std::exception_ptr& error,
                      TaskScheduler* counter) noexcept {
    std::fprintf(stderr, "rt : %s : %s\n", why, describe_exception(error).c_str());
    if (counter == nullptr && tls_current_task != nullptr) {
        counter = tls_current_task->scheduler;
    }
    if (TaskScheduler* s = counter) {
        s->count_unhandled_panic();
    }
}

// --- Un passage ---------------------------------------------------------------------------

void TaskHeader::run() noexcept {
    CurrentTaskGuard current(this);
    trace::PollScope poll(*this); // la frise des traces (chapitre 10) ; rien si éteintes
    if (state.transition_to_running() == TaskState::ToRunning::Cancelled) {
        cancel_now();
        return;
    }
    if (resume_coroutine()) {
        store_output();
        complete();
        return;
    }
    // La coroutine s'est suspendue. Après transition_to_idle, un autre thread peut déjà la
    // réveiller, l'exécuter, la terminer : on ne touche plus à *this, sauf pour la remettre
    // en file quand la transition nous le demande (personne d'autre ne le fera).
    switch (state.transition_to_idle(std::exchange(yielded, false))) {
    case TaskState::ToIdle::Ok:
        return;
    case TaskState::ToIdle::OkNotified:
        scheduler->reschedule(this); // réveillée pendant son passage : en fin de file
        return;
    case TaskState::ToIdle::Cancelled:
        cancel_now();
        return;
    }
}

bool TaskHeader::shutdown() noexcept {
    if (!state.transition_to_shutdown()) {
        return false;
    }
    CurrentTaskGuard current(this);
    cancel_now();
    return true;
}

void TaskHeader::cancel_now() noexcept {
    destroy_coroutine(); // à son point de suspension : les destructeurs s'exécutent
    store_cancelled();
    complete();
}

void TaskHeader::complete() noexcept {
    trace::completed(*this); // avant la fin : ensuite, la tâche peut être libérée
    const TaskState::Snapshot after = state.transition_to_complete();
    if (!after.is_join_interested()) {
        // Tâche détachée : personne ne verra son exception. On la signale au lieu de la perdre.
        if (auto panic = panic_of_output()) {
            report_unhandled("une tâche détachée a levé une exception", panic, scheduler);
        }
    } else if (after.has_join_waker()) {
        // L'emplacement est à nous depuis COMPLETE : on en sort le Waker et on le réveille.
        Waker waiter = std::move(join_waker);
        waiter.wake();
    }
    scheduler->on_complete(this); // rend la référence du runtime : peut libérer *this
}

// --- Réveil et annulation --------------------------------------------------------------------

void TaskHeader::wake_at(std::uint64_t epoch) noexcept {
    if (state.transition_to_notified(epoch) == TaskState::ToNotified::Submit) {
        trace::woken(*this);
        scheduler->schedule(this);
    }
}

void TaskHeader::abort() noexcept {
    if (state.transition_to_notified_and_cancel() == TaskState::ToNotified::Submit) {
        scheduler->schedule(this); // le planificateur la détruira lors de son passage
    }
}

// --- JoinHandle ------------------------------------------------------------------------------

void TaskHeader::drop_join_interest() noexcept {
    if (state.unset_join_interest()) {
        return; // tâche détachée : elle continue sans nous
    }
    // Terminée avant qu'on la lâche : si elle a paniqué sans que personne ne regarde, le dire.
    if (auto panic = panic_of_output()) {
        report_unhandled("exception d'une tâche jamais attendue", panic, scheduler);
    }
}

bool TaskHeader::set_join_waker(Waker waker) noexcept {
    join_waker = std::move(waker); // JOIN_WAKER est bas : l'emplacement est à nous
    if (state.set_join_waker()) {
        return true;
    }
    join_waker = Waker(); // déjà terminée : l'emplacement nous reste, on le vide
    return false;
}

bool TaskHeader::unset_join_waker() noexcept {
    if (!state.unset_join_waker()) {
        return false; // la fin a eu lieu : l'emplacement est à elle
    }
    join_waker = Waker();
    return true;
}

// --- Destructeurs qui lèvent ------------------------------------------------------------------

void report_exception_during_destroy(const std::exception_ptr& error) noexcept {
    report_unhandled("un destructeur a levé une exception pendant la destruction d'une tâche "
                     "(exception ignorée)",
                     error);
}

} // namespace rt::detail
