// Le réacteur epoll(7), comparé à poll(2) au chapitre 11.

#include "rt/detail/reactor.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace rt::detail {

namespace {

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// Le jeton d'une source dans epoll : sa place et son numéro d'inscription (jamais son
/// adresse, qui pourrait désigner une source détruite pendant l'attente). 0 : l'eventfd.
std::uint64_t token_of(const IoSource& source) noexcept {
    return std::uint64_t{source.id} << 32 | source.slot;
}
constexpr std::uint64_t WAKE_TOKEN = 0;

/// Le réacteur de production : chaque fd est inscrit une fois, pour la lecture et l'écriture,
/// en mode « front » (EPOLLET) : le noyau ne signale un fd qu'au moment où il *devient* prêt.
/// Pas de liste à reconstruire, un coût qui ne dépend que du nombre de fds prêts. Aucun front
/// n'est perdu : une tâche ne s'inscrit qu'après un EAGAIN, et un front arrivé entre cet
/// EAGAIN et son inscription est noté dans la source (`IoSource::ready`) par `wake`.
class EpollReactor final : public Reactor {
public:
    explicit EpollReactor(int wake_fd)
        : Reactor(wake_fd), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
        if (epoll_fd_ < 0) {
            throw_errno("rt : epoll_create1 a échoué");
        }
        epoll_event ev{};
        ev.events = EPOLLIN; // l'eventfd, en mode niveau : on le vide à chaque réveil
        ev.data.u64 = WAKE_TOKEN;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) < 0) {
            const int error = errno;
            ::close(epoll_fd_);
            errno = error;
            throw_errno("rt : impossible d'inscrire l'eventfd dans epoll");
        }
    }
    ~EpollReactor() override { ::close(epoll_fd_); }

    void add(IoSource& source) override {
        track(source);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.u64 = token_of(source);
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, source.fd, &ev) < 0) {
            const int error = errno;
            untrack(source);
            errno = error;
            throw_errno("rt : impossible d'inscrire le socket dans epoll");
        }
    }
    void remove(IoSource& source) noexcept override {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, source.fd, nullptr);
        untrack(source);
    }
    bool sees_new_waiters_late() const noexcept override { return false; }

    void block(int timeout_ms) override {
        ready_ =
            ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
        if (ready_ < 0) {
            ready_ = 0;
            if (errno != EINTR) {
                throw_errno("rt : epoll_wait a échoué");
            }
        }
    }

    void dispatch(WakeList& woken) override {
        for (int i = 0; i < ready_; ++i) {
            const std::uint64_t token = events_[i].data.u64;
            if (token == WAKE_TOKEN) {
                drain_wake_fd();
                continue;
            }
            IoSource* source =
                find(static_cast<std::uint32_t>(token), static_cast<std::uint32_t>(token >> 32));
            if (source == nullptr) {
                continue; // socket fermé par une autre tâche pendant l'attente
            }
            const std::uint32_t ev = events_[i].events;
            const bool broken = ev & (EPOLLERR | EPOLLHUP);
            if (ev & (EPOLLIN | EPOLLRDHUP) || broken) {
                wake(*source, Direction::Read, woken);
            }
            if (ev & EPOLLOUT || broken) {
                wake(*source, Direction::Write, woken);
            }
        }
        ready_ = 0;
    }

private:
    int epoll_fd_;
    std::array<epoll_event, 256> events_{};
    int ready_ = 0; // ce qu'a rendu epoll_wait
};

} // namespace

std::unique_ptr<Reactor> make_epoll_reactor(int wake_fd) {
    return std::make_unique<EpollReactor>(wake_fd);
}

} // namespace rt::detail
