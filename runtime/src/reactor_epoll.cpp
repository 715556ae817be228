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

std::unique_ptr<Reactor> make_epoll_reactor(int wake_fd) {
    return std::make_unique<EpollReactor>(wake_fd);
}

} // namespace rt::detail
