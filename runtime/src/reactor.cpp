// Le réacteur : ce qui est commun à poll(2) (reactor_poll.cpp, la leçon 06) et à epoll
// (reactor_epoll.cpp, comparé au chapitre 11) : les sources, les attentes, les réveils.

#include "rt/detail/reactor.hpp"

#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <utility>

#include "rt/detail/driver.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

// --- IoSource et IoReady -------------------------------------------------------------------

IoSource::~IoSource() {
    deregister();
}

void IoSource::deregister() noexcept {
    if (driver) {
        driver->deregister_io(*this);
    }
}

IoReady::~IoReady() {
    if (task_ && source_.driver) {
        source_.driver->cancel_io(source_, direction_, *task_);
    }
}

bool IoReady::await_suspend(std::coroutine_handle<> caller) {
    auto& task = require_current_task("attente d'entrée-sortie");
    task_ = &task;
    if (!task.scheduler->driver().wait_io(source_, direction_, task, caller)) {
        task_ = nullptr;
        return false; // prêt entre l'EAGAIN et maintenant : l'appelant retente tout de suite
    }
    return true;
}

// --- Reactor (commun aux deux mécanismes) -------------------------------------------------------

Reactor::~Reactor() {
    // Les sources qui survivent au runtime (un socket rendu par block_on) oublient leur
    // pilote : leur destruction ne touchera pas à un objet détruit.
    for (IoSource* source : sources_) {
        if (source) {
            source->driver = nullptr;
            source->slot = IoSource::NOT_REGISTERED;
            source->reader = source->writer = nullptr;
        }
    }
}

void Reactor::track(IoSource& source) {
    if (free_slots_.empty()) {
        source.slot = static_cast<std::uint32_t>(sources_.size());
        sources_.push_back(&source);
        free_slots_.reserve(sources_.size()); // untrack n'aura jamais à allouer
    } else {
        source.slot = free_slots_.back();
        free_slots_.pop_back();
        sources_[source.slot] = &source;
    }
    // 0 est réservé (le jeton de l'eventfd d'epoll) ; 2^32 inscriptions avant de revoir un
    // numéro : bien plus qu'il n'en faut pour qu'un fd prêt d'avant ne soit pas confondu.
    if (++last_id_ == 0) {
        last_id_ = 1;
    }
    source.id = last_id_;
    source.ready = 0;
}

void Reactor::untrack(IoSource& source) noexcept {
    if (source.reader) {
        --waiting_;
    }
    if (source.writer) {
        --waiting_;
    }
    sources_[source.slot] = nullptr;
    free_slots_.push_back(source.slot); // sans allocation : capacité réservée par track
    source.slot = IoSource::NOT_REGISTERED;
    source.driver = nullptr;
    source.reader = source.writer = nullptr;
}

IoSource* Reactor::find(std::uint32_t slot, std::uint32_t id) const noexcept {
    if (slot >= sources_.size() || sources_[slot] == nullptr || sources_[slot]->id != id) {
        return nullptr;
    }
    return sources_[slot];
}

void Reactor::check_single_waiter(IoSource& source, Direction direction, TaskHeader& task) const {
    TaskHeader* waiter = direction == Direction::Read ? source.reader : source.writer;
    if (waiter != nullptr && waiter != &task) {
        throw std::logic_error(direction == Direction::Read
                                   ? "rt::net : deux tâches lisent le même socket en même temps"
                                   : "rt::net : deux tâches écrivent sur le même socket en même "
                                     "temps");
    }
}

bool Reactor::take_ready(IoSource& source, Direction direction) noexcept {
    const std::uint8_t bit = direction_bit(direction);
    const bool was_ready = source.ready & bit;
    source.ready &= static_cast<std::uint8_t>(~bit);
    return was_ready;
}

void Reactor::set_waiter(IoSource& source, Direction direction, TaskHeader& task,
                         std::uint64_t epoch) noexcept {
    TaskHeader*& waiter = direction == Direction::Read ? source.reader : source.writer;
    if (waiter == nullptr) {
        ++waiting_;
    }
    waiter = &task;
    (direction == Direction::Read ? source.reader_epoch : source.writer_epoch) = epoch;
}

void Reactor::clear_waiter(IoSource& source, Direction direction, TaskHeader& task) noexcept {
    TaskHeader*& waiter = direction == Direction::Read ? source.reader : source.writer;
    if (waiter == &task) {
        waiter = nullptr;
        --waiting_;
    }
}

void Reactor::wake(IoSource& source, Direction direction, WakeList& woken) {
    TaskHeader*& waiter = direction == Direction::Read ? source.reader : source.writer;
    if (TaskHeader* task = std::exchange(waiter, nullptr)) {
        --waiting_;
        // Un Waker prend une référence : inscrite, la tâche est vivante (son ~IoReady passerait
        // par ce verrou) ; le réveil, exécuté hors du verrou, la garde vivante jusqu'au bout.
        woken.push(
            Waker(task, direction == Direction::Read ? source.reader_epoch : source.writer_epoch));
    } else {
        // Personne n'attend (encore) : la tâche qui vient d'obtenir EAGAIN s'inscrira
        // peut-être dans un instant, sur un autre thread. Elle trouvera ce bit et retentera
        // au lieu de dormir : avec epoll en mode front, ce signal ne reviendrait pas.
        source.ready |= direction_bit(direction);
    }
}

void Reactor::drain_wake_fd() noexcept {
    std::uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
}

std::unique_ptr<Reactor> Reactor::create(ReactorKind kind, int wake_fd) {
    if (kind == ReactorKind::Epoll) {
        return make_epoll_reactor(wake_fd);
    }
    return make_poll_reactor(wake_fd);
}

} // namespace rt::detail
