// L'automate d'état d'une tâche : réveil, exécution, annulation, fin.
//
// Tous les changements d'état passent par un compare-and-swap sur `state` : deux threads
// peuvent réveiller, annuler ou terminer la même tâche en même temps sans verrou.

#include "rt/detail/task_header.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "rt/detail/context.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/join_error.hpp"

namespace rt::detail {

namespace {
thread_local TaskHeader* tls_current_task = nullptr;

constexpr std::uint32_t epoch_of(std::uint32_t state) noexcept {
    return state & ~TaskHeader::FLAG_MASK;
}
} // namespace

TaskHeader* current_task() noexcept {
    return tls_current_task;
}
TaskHeader* set_current_task(TaskHeader* task) noexcept {
    TaskHeader* previous = tls_current_task;
    tls_current_task = task;
    return previous;
}

TaskHeader& require_current_task(const char* what) {
    if (tls_current_task == nullptr) {
        throw std::logic_error(std::string(what) +
                               " : il faut être dans une tâche du runtime (une coroutine "
                               "exécutée par rt::block_on ou lancée par rt::spawn)");
    }
    return *tls_current_task;
}

// --- Waker -----------------------------------------------------------------------------

Waker::Waker(TaskHeader* task, std::uint32_t epoch) noexcept : task_(task), epoch_(epoch) {
    task_->add_ref();
}
Waker::Waker(const Waker& other) noexcept : task_(other.task_), epoch_(other.epoch_) {
    if (task_) {
        task_->add_ref();
    }
}
Waker::Waker(Waker&& other) noexcept
    : task_(std::exchange(other.task_, nullptr)), epoch_(other.epoch_) {}
Waker& Waker::operator=(Waker other) noexcept {
    std::swap(task_, other.task_);
    std::swap(epoch_, other.epoch_);
    return *this;
}
Waker::~Waker() {
    if (task_) {
        task_->release();
    }
}
void Waker::wake() const noexcept {
    if (task_) {
        task_->wake_at(epoch_);
    }
}

// --- Réveil -----------------------------------------------------------------------------

std::uint32_t TaskHeader::begin_suspend(std::coroutine_handle<> where) noexcept {
    resume_point = where;
    // Nouvelle époque : les Wakers des suspensions précédentes deviennent périmés.
    return epoch_of(state.fetch_add(EPOCH_ONE, std::memory_order_acq_rel) + EPOCH_ONE);
}

void TaskHeader::wake_at(std::uint32_t epoch) noexcept {
    std::uint32_t s = state.load(std::memory_order_acquire);
    for (;;) {
        if (epoch_of(s) != epoch || (s & COMPLETE)) {
            return; // réveil périmé, ou tâche terminée : rien à faire
        }
        std::uint32_t next;
        if (s & RUNNING) {
            if (s & NOTIFIED) {
                return;
            }
            next = s | NOTIFIED; // le planificateur la remettra en file en fin d'exécution
        } else if (s & SCHEDULED) {
            return; // déjà en file
        } else {
            next = s | SCHEDULED;
        }
        if (state.compare_exchange_weak(s, next, std::memory_order_acq_rel)) {
            if (next & SCHEDULED) {
                scheduler->schedule(this);
            }
            return;
        }
    }
}

void TaskHeader::wake_forced() noexcept {
    wake_at(epoch_of(state.load(std::memory_order_acquire)));
}

void TaskHeader::abort() noexcept {
    std::uint32_t s = state.load(std::memory_order_acquire);
    for (;;) {
        if (s & (COMPLETE | CANCELLED)) {
            return;
        }
        std::uint32_t next = s | CANCELLED;
        if (s & RUNNING) {
            next |= NOTIFIED; // annulée au prochain passage, après sa suspension
        } else if (!(s & SCHEDULED)) {
            next |= SCHEDULED; // le planificateur la détruira sur son propre thread
        }
        if (state.compare_exchange_weak(s, next, std::memory_order_acq_rel)) {
            if ((next & SCHEDULED) && !(s & SCHEDULED)) {
                scheduler->schedule(this);
            }
            return;
        }
    }
}

// --- Exécution --------------------------------------------------------------------------

void TaskHeader::run() {
    std::uint32_t s = state.load(std::memory_order_relaxed);
    while (!state.compare_exchange_weak(s, (s & ~SCHEDULED) | RUNNING, std::memory_order_acq_rel)) {
    }
    TaskHeader* previous = set_current_task(this);
    if (s & CANCELLED) {
        destroy_coroutine();
        store_cancelled();
        complete();
    } else if (resume_coroutine()) {
        store_output();
        complete();
    } else {
        // La coroutine s'est suspendue : dormir, ou repartir en file si on l'a réveillée
        // pendant qu'elle tournait (NOTIFIED).
        s = state.load(std::memory_order_acquire);
        std::uint32_t next;
        do {
            next = (s & NOTIFIED) ? ((s & ~(RUNNING | NOTIFIED)) | SCHEDULED) : (s & ~RUNNING);
        } while (!state.compare_exchange_weak(s, next, std::memory_order_acq_rel));
        if (next & SCHEDULED) {
            scheduler->schedule(this);
        }
    }
    set_current_task(previous);
}

void TaskHeader::cancel() noexcept {
    if (is_complete()) {
        return;
    }
    TaskHeader* previous = set_current_task(this);
    destroy_coroutine();
    store_cancelled();
    complete();
    set_current_task(previous);
}

void TaskHeader::complete() noexcept {
    std::uint32_t s = state.load(std::memory_order_acquire);
    while (!state.compare_exchange_weak(s, (s & ~(RUNNING | SCHEDULED | NOTIFIED)) | COMPLETE,
                                        std::memory_order_acq_rel)) {
    }
    if (!(s & JOIN_INTEREST)) {
        // Tâche détachée : personne ne verra son exception. On la signale au lieu de la perdre.
        if (auto panic = panic_of_output()) {
            std::fprintf(stderr, "rt : une tâche détachée a levé une exception : %s\n",
                         describe_exception(panic).c_str());
            scheduler->count_unhandled_panic();
        }
    } else if (s & JOIN_WAKER) {
        join_task->wake_at(join_epoch);
    }
    scheduler->on_complete(this);
}

// --- JoinHandle --------------------------------------------------------------------------

void TaskHeader::release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        delete this;
    }
}

void TaskHeader::drop_join_interest() noexcept {
    std::uint32_t s = state.load(std::memory_order_acquire);
    while (!(s & COMPLETE)) {
        if (state.compare_exchange_weak(s, s & ~(JOIN_INTEREST | JOIN_WAKER),
                                        std::memory_order_acq_rel)) {
            return; // tâche détachée : elle continue sans nous
        }
    }
    // Terminée avant qu'on la lâche : si elle a paniqué sans que personne ne regarde, le dire.
    if (auto panic = panic_of_output()) {
        std::fprintf(stderr, "rt : exception d'une tâche jamais attendue : %s\n",
                     describe_exception(panic).c_str());
        // On ne compte que si le runtime est là (le handle peut lui survivre) : c'est sûr
        // quand on est sur son thread, dans une de ses tâches.
        if (current_scheduler() == scheduler) {
            scheduler->count_unhandled_panic();
        }
    }
}

TaskHeader::~TaskHeader() {
    clear_join_waker();
}

void TaskHeader::clear_join_waker() noexcept {
    if (TaskHeader* task = std::exchange(join_task, nullptr)) {
        task->release();
    }
}

bool TaskHeader::set_join_waker(Waker waker) noexcept {
    // JOIN_WAKER est à 0 : l'emplacement est à nous. On y range le Waker à plat (sa
    // référence sur la tâche est transférée, pas recopiée).
    clear_join_waker();
    join_task = std::exchange(waker.task_, nullptr);
    join_epoch = waker.epoch_;
    std::uint32_t s = state.load(std::memory_order_acquire);
    for (;;) {
        if (s & COMPLETE) {
            clear_join_waker();
            return false;
        }
        if (state.compare_exchange_weak(s, s | JOIN_WAKER, std::memory_order_acq_rel)) {
            return true;
        }
    }
}

bool TaskHeader::unset_join_waker() noexcept {
    std::uint32_t s = state.load(std::memory_order_acquire);
    for (;;) {
        if (s & COMPLETE) {
            return false; // la tâche a fini : l'emplacement lui appartient désormais
        }
        if (state.compare_exchange_weak(s, s & ~JOIN_WAKER, std::memory_order_acq_rel)) {
            clear_join_waker();
            return true;
        }
    }
}

} // namespace rt::detail
