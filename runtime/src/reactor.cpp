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
    if (reactor) {
        reactor->remove(*this);
    }
}

IoReady::~IoReady() {
    if (task_ && source_.reactor) {
        source_.reactor->clear_waiter(source_, direction_, *task_);
    }
}

void IoReady::await_suspend(std::coroutine_handle<> caller) {
    auto& task = require_current_task("attente d'entrée-sortie");
    Reactor& reactor = task.scheduler->driver().reactor();
    if (source_.reactor == nullptr) {
        reactor.add(source_); // première attente : inscription auprès du réacteur du runtime
    } else if (source_.reactor != &reactor) {
        throw std::logic_error("rt::net : ce socket appartient à un autre runtime");
    }
    reactor.set_waiter(source_, direction_, task, task.begin_suspend(caller));
    task_ = &task;
}

// --- Reactor (commun aux deux mécanismes) -------------------------------------------------------

Reactor::~Reactor() {
    // Les sources qui survivent au runtime (un socket rendu par block_on) oublient leur
    // réacteur : leur destruction ne touchera pas à un objet détruit.
    for (IoSource* source : sources_) {
        source->reactor = nullptr;
        source->slot = IoSource::NOT_REGISTERED;
        source->reader = source->writer = nullptr;
    }
}

void Reactor::track(IoSource& source) {
    source.slot = static_cast<std::uint32_t>(sources_.size());
    source.reactor = this;
    sources_.push_back(&source);
}

void Reactor::untrack(IoSource& source) noexcept {
    if (source.reader) {
        --waiting_;
    }
    if (source.writer) {
        --waiting_;
    }
    // On bouche le trou avec la dernière source : O(1).
    IoSource* last = sources_.back();
    sources_[source.slot] = last;
    last->slot = source.slot;
    sources_.pop_back();
    source.slot = IoSource::NOT_REGISTERED;
    source.reactor = nullptr;
    source.reader = source.writer = nullptr;
}

void Reactor::set_waiter(IoSource& source, Direction direction, TaskHeader& task,
                         std::uint64_t epoch) {
    TaskHeader*& waiter = direction == Direction::Read ? source.reader : source.writer;
    if (waiter != nullptr && waiter != &task) {
        throw std::logic_error(direction == Direction::Read
                                   ? "rt::net : deux tâches lisent le même socket en même temps"
                                   : "rt::net : deux tâches écrivent sur le même socket en même "
                                     "temps");
    }
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

void Reactor::wake(IoSource& source, Direction direction) noexcept {
    TaskHeader*& waiter = direction == Direction::Read ? source.reader : source.writer;
    if (TaskHeader* task = std::exchange(waiter, nullptr)) {
        --waiting_;
        task->wake_at(direction == Direction::Read ? source.reader_epoch : source.writer_epoch);
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
