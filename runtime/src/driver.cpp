// Le pilote : tas de minuteries et attente dans poll(2).

#include "rt/detail/driver.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "rt/detail/scheduler.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

// --- TimerHeap ---------------------------------------------------------------------------

void TimerHeap::sift_up(std::size_t index) noexcept {
    TimerEntry* entry = entries_[index];
    while (index > 0) {
        std::size_t parent = (index - 1) / 2;
        if (!before(entry, entries_[parent])) {
            break;
        }
        place(index, entries_[parent]);
        index = parent;
    }
    place(index, entry);
}

void TimerHeap::sift_down(std::size_t index) noexcept {
    TimerEntry* entry = entries_[index];
    const std::size_t n = entries_.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= n) {
            break;
        }
        if (child + 1 < n && before(entries_[child + 1], entries_[child])) {
            ++child;
        }
        if (!before(entries_[child], entry)) {
            break;
        }
        place(index, entries_[child]);
        index = child;
    }
    place(index, entry);
}

void TimerHeap::push(TimerEntry& entry) {
    entry.sequence = take_sequence();
    entries_.push_back(&entry);
    sift_up(entries_.size() - 1);
}

void TimerHeap::remove(TimerEntry& entry) noexcept {
    const std::size_t index = entry.heap_index;
    TimerEntry* last = entries_.back();
    entries_.pop_back();
    entry.heap_index = TimerEntry::NOT_IN_HEAP;
    if (last == &entry) {
        return; // c'était la dernière case
    }
    // On bouche le trou avec la dernière entrée, puis on la remet à sa place (vers le haut
    // ou vers le bas selon son échéance).
    place(index, last);
    if (index > 0 && before(last, entries_[(index - 1) / 2])) {
        sift_up(index);
    } else {
        sift_down(index);
    }
}

TimerEntry& TimerHeap::pop() noexcept {
    TimerEntry& first = *entries_.front();
    remove(first);
    return first;
}

void register_timer(TimerEntry& entry, TaskHeader& task) {
    entry.task = &task;
    task.scheduler->driver().add_timer(entry);
}

void deregister_timer(TimerEntry& entry) noexcept {
    if (entry.registered()) {
        entry.task->scheduler->driver().remove_timer(entry);
    }
}

// --- Driver ------------------------------------------------------------------------------

Driver::Driver(ReactorKind kind) : wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (wake_fd_ < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "rt : impossible de créer l'eventfd de réveil du pilote");
    }
    try {
        reactor_ = Reactor::create(kind, wake_fd_);
    } catch (...) {
        ::close(wake_fd_);
        throw;
    }
}

Driver::~Driver() {
    reactor_.reset();
    ::close(wake_fd_);
}

void Driver::unpark() noexcept {
    std::uint64_t one = 1;
    // Un eventfd est un compteur : plusieurs écritures avant la lecture n'en font qu'un réveil.
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
}

int Driver::poll_timeout_ms(Clock::time_point now) const noexcept {
    const TimerEntry* next = timers_.top();
    if (next == nullptr) {
        return -1; // aucune échéance : dormir jusqu'à un réveil
    }
    if (next->deadline <= now) {
        return 0;
    }
    // poll(2) compte en millisecondes : on arrondit au-dessus pour ne jamais se réveiller
    // avant l'échéance (sinon on tournerait à vide jusqu'à elle).
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(next->deadline - now).count();
    return ms > 1'000'000 ? 1'000'000 : static_cast<int>(ms);
}

void Driver::park(bool may_block) {
    Clock::time_point now = Clock::now();
    const int timeout = may_block ? poll_timeout_ms(now) : 0;
    // Sans bloquer et sans socket attendu, inutile d'entrer dans le noyau : l'eventfd ne sert
    // qu'à sortir d'une attente, et la file distante est vérifiée par le planificateur.
    if (timeout != 0 || reactor_->waiting() > 0) {
        reactor_->wait(timeout);
        now = Clock::now();
    }
    fire_expired(now);
}

std::size_t Driver::fire_expired(Clock::time_point now) noexcept {
    std::size_t fired = 0;
    while (TimerEntry* next = timers_.top()) {
        if (next->deadline > now) {
            break;
        }
        TimerEntry& entry = timers_.pop();
        if (entry.redirect) {
            // timeout : reprendre l'attendeur, pas l'opération en cours. La tâche ne tourne
            // pas (le pilote n'est appelé qu'entre deux tâches) : on peut changer son point
            // de reprise sans course.
            entry.task->resume_point = entry.redirect;
            entry.task->wake_forced();
        } else {
            entry.task->wake_at(entry.epoch);
        }
        ++fired;
    }
    return fired;
}

} // namespace rt::detail
