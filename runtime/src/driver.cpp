// Le pilote : l'attente dans le réacteur, puis les minuteries échues.

#include "rt/detail/driver.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

#include "rt/detail/task_header.hpp"

namespace rt::detail {

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

// --- Minuteries ----------------------------------------------------------------------------

void Driver::add_timer(TimerEntry& entry) {
    std::lock_guard lock(mutex_);
    timers_.push(entry);
    if (parked_ && entry.deadline < parked_until_) {
        unpark(); // le thread garé dort trop longtemps pour cette échéance
    }
}

void Driver::remove_timer(TimerEntry& entry) noexcept {
    std::lock_guard lock(mutex_);
    if (entry.registered()) { // lu sous le verrou : le pilote a pu l'échoir entre-temps
        timers_.remove(entry);
    }
}

std::size_t Driver::timer_count() const noexcept {
    std::lock_guard lock(mutex_);
    return timers_.size();
}

// --- Entrées-sorties -------------------------------------------------------------------------

bool Driver::wait_io(IoSource& source, Direction direction, TaskHeader& task,
                     std::coroutine_handle<> where) {
    std::lock_guard lock(mutex_);
    if (source.driver == nullptr) {
        reactor_->add(source); // première attente : inscription auprès du réacteur du runtime
        source.driver = this;
    } else if (source.driver != this) {
        throw std::logic_error("rt::net : ce socket appartient à un autre runtime");
    }
    reactor_->check_single_waiter(source, direction, task);
    if (reactor_->take_ready(source, direction)) {
        return false;
    }
    reactor_->set_waiter(source, direction, task, task.begin_suspend(where));
    if (parked_ && reactor_->sees_new_waiters_late()) {
        unpark(); // poll(2) dort avec une liste où ce fd manque
    }
    return true;
}

void Driver::cancel_io(IoSource& source, Direction direction, TaskHeader& task) noexcept {
    std::lock_guard lock(mutex_);
    if (source.driver == this) {
        reactor_->clear_waiter(source, direction, task);
    }
}

void Driver::deregister_io(IoSource& source) noexcept {
    std::lock_guard lock(mutex_);
    if (source.driver == this) {
        reactor_->remove(source);
    }
}

// --- L'attente -------------------------------------------------------------------------------

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
    // Les réveils sont ramassés sous le verrou et exécutés après (destruction de `woken`,
    // déclarée avant le verrou) : le verrou n'est jamais tenu pendant un réveil.
    WakeList woken;
    std::unique_lock lock(mutex_);
    Clock::time_point now = Clock::now();
    const int timeout = may_block ? poll_timeout_ms(now) : 0;
    // Sans bloquer et sans socket attendu, inutile d'entrer dans le noyau : l'eventfd ne sert
    // qu'à sortir d'une attente, et la file distante est vérifiée par le planificateur.
    if (timeout != 0 || reactor_->waiting() > 0) {
        reactor_->prepare();
        parked_ = true;
        parked_until_ =
            timeout < 0 ? Clock::time_point::max() : now + std::chrono::milliseconds(timeout);
        lock.unlock(); // les autres threads inscrivent leurs attentes pendant qu'on dort
        try {
            reactor_->block(timeout);
        } catch (...) {
            lock.lock();
            parked_ = false;
            throw;
        }
        lock.lock();
        parked_ = false;
        reactor_->dispatch(woken);
        now = Clock::now();
    }
    fire_expired(now, woken);
    lock.unlock();
    woken.wake_all();
}

std::size_t Driver::fire_expired(Clock::time_point now, WakeList& woken) {
    std::size_t fired = 0;
    while (TimerEntry* next = timers_.top()) {
        if (next->deadline > now) {
            break;
        }
        TimerEntry& entry = timers_.pop();
        // Inscrite, la tâche est vivante (son ~Sleep passerait par ce verrou) : le Waker la
        // garde vivante jusqu'à la fin du réveil, exécuté hors du verrou.
        woken.push(Waker(entry.task, entry.epoch));
        ++fired;
    }
    return fired;
}

} // namespace rt::detail
