// Le réacteur : poll(2) (celui que construit la leçon 06) et epoll (comparé au chapitre 11).

#include "rt/detail/reactor.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "rt/detail/driver.hpp"
#include "rt/detail/scheduler.hpp"

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
                         std::uint32_t epoch) {
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

namespace {

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// --- poll(2) ---------------------------------------------------------------------------------

/// Le réacteur de la leçon : à chaque attente, on construit la liste des fds qui ont une
/// tâche en attente (et seulement eux : un fd prêt que personne n'attend ne doit pas
/// réveiller le thread en boucle), puis un seul appel à poll(2).
class PollReactor final : public Reactor {
public:
    explicit PollReactor(int wake_fd) : Reactor(wake_fd) {}

    void add(IoSource& source) override { track(source); }
    void remove(IoSource& source) noexcept override { untrack(source); }
    const char* name() const noexcept override { return "poll"; }

    void wait(int timeout_ms) override {
        fds_.clear();
        watched_.clear();
        fds_.push_back(pollfd{wake_fd_, POLLIN, 0});
        for (IoSource* source : sources_) {
            short events = 0;
            events |= source->reader ? POLLIN : 0;
            events |= source->writer ? POLLOUT : 0;
            if (events != 0) {
                fds_.push_back(pollfd{source->fd, events, 0});
                watched_.push_back(source);
            }
        }
        int ready = ::poll(fds_.data(), fds_.size(), timeout_ms);
        if (ready < 0) {
            if (errno == EINTR) {
                return; // un signal : le planificateur reviendra
            }
            throw_errno("rt : poll(2) a échoué");
        }
        if (fds_[0].revents & POLLIN) {
            drain_wake_fd();
        }
        for (std::size_t i = 1; i < fds_.size() && ready > 0; ++i) {
            const short revents = fds_[i].revents;
            if (revents == 0) {
                continue;
            }
            // Une erreur ou une fermeture réveille les deux sens : l'appel système dira quoi.
            const bool broken = revents & (POLLERR | POLLHUP | POLLNVAL);
            if (revents & POLLIN || broken) {
                wake(*watched_[i - 1], Direction::Read);
            }
            if (revents & POLLOUT || broken) {
                wake(*watched_[i - 1], Direction::Write);
            }
        }
    }

private:
    std::vector<pollfd> fds_;        // réutilisés d'une attente à l'autre : pas d'allocation
    std::vector<IoSource*> watched_; // watched_[i] correspond à fds_[i + 1]
};

// --- epoll(7) --------------------------------------------------------------------------------

/// Le réacteur de production : chaque fd est inscrit une fois, pour la lecture et l'écriture,
/// en mode « front » (EPOLLET) : le noyau ne signale un fd qu'au moment où il *devient* prêt.
/// Pas de liste à reconstruire, un coût qui ne dépend que du nombre de fds prêts. Aucun front
/// n'est perdu : la tâche a reçu EAGAIN avant de s'inscrire, sur le thread même du réacteur,
/// donc toute donnée arrivée ensuite produira un nouveau front.
class EpollReactor final : public Reactor {
public:
    explicit EpollReactor(int wake_fd)
        : Reactor(wake_fd), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
        if (epoll_fd_ < 0) {
            throw_errno("rt : epoll_create1 a échoué");
        }
        epoll_event ev{};
        ev.events = EPOLLIN; // l'eventfd, en mode niveau : on le vide à chaque réveil
        ev.data.ptr = nullptr;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) < 0) {
            throw_errno("rt : impossible d'inscrire l'eventfd dans epoll");
        }
    }
    ~EpollReactor() override { ::close(epoll_fd_); }

    void add(IoSource& source) override {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = &source;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, source.fd, &ev) < 0) {
            throw_errno("rt : impossible d'inscrire le socket dans epoll");
        }
        track(source);
    }
    void remove(IoSource& source) noexcept override {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, source.fd, nullptr);
        untrack(source);
    }
    const char* name() const noexcept override { return "epoll"; }

    void wait(int timeout_ms) override {
        int n =
            ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
        if (n < 0) {
            if (errno == EINTR) {
                return;
            }
            throw_errno("rt : epoll_wait a échoué");
        }
        for (int i = 0; i < n; ++i) {
            auto* source = static_cast<IoSource*>(events_[i].data.ptr);
            if (source == nullptr) {
                drain_wake_fd();
                continue;
            }
            const std::uint32_t ev = events_[i].events;
            const bool broken = ev & (EPOLLERR | EPOLLHUP);
            if (ev & (EPOLLIN | EPOLLRDHUP) || broken) {
                wake(*source, Direction::Read);
            }
            if (ev & EPOLLOUT || broken) {
                wake(*source, Direction::Write);
            }
        }
    }

private:
    int epoll_fd_;
    std::array<epoll_event, 256> events_{};
};

} // namespace

std::unique_ptr<Reactor> Reactor::create(ReactorKind kind, int wake_fd) {
    if (kind == ReactorKind::Epoll) {
        return std::make_unique<EpollReactor>(wake_fd);
    }
    return std::make_unique<PollReactor>(wake_fd);
}

} // namespace rt::detail
