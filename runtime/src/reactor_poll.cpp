// Le réacteur poll(2), celui que construit la leçon 06.

#include "rt/detail/reactor.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <vector>

namespace rt::detail {

namespace {

/// Le réacteur de la leçon : à chaque attente, on construit la liste des fds qui ont une
/// tâche en attente (et seulement eux : un fd prêt que personne n'attend ne doit pas
/// réveiller le thread en boucle), puis un seul appel à poll(2).
class PollReactor final : public Reactor {
public:
    explicit PollReactor(int wake_fd) : Reactor(wake_fd) {}

    void add(IoSource& source) override { track(source); }
    void remove(IoSource& source) noexcept override { untrack(source); }
    bool sees_new_waiters_late() const noexcept override { return true; }

    void prepare() override {
        fds_.clear();
        watched_.clear();
        fds_.push_back(pollfd{wake_fd_, POLLIN, 0});
        for (IoSource* source : sources_) {
            if (source == nullptr) {
                continue; // place libre
            }
            short events = 0;
            events |= source->reader ? POLLIN : 0;
            events |= source->writer ? POLLOUT : 0;
            if (events != 0) {
                fds_.push_back(pollfd{source->fd, events, 0});
                watched_.push_back(Watched{source->slot, source->id});
            }
        }
    }

    void block(int timeout_ms) override {
        ready_ = ::poll(fds_.data(), fds_.size(), timeout_ms);
        if (ready_ < 0) {
            ready_ = 0;
            if (errno != EINTR) { // un signal : le planificateur reviendra
                throw std::system_error(errno, std::generic_category(), "rt : poll(2) a échoué");
            }
        }
    }

    void dispatch(WakeList& woken) override {
        if (ready_ > 0 && fds_[0].revents & POLLIN) {
            drain_wake_fd();
        }
        for (std::size_t i = 1; i < fds_.size() && ready_ > 0; ++i) {
            const short revents = fds_[i].revents;
            if (revents == 0) {
                continue;
            }
            IoSource* source = find(watched_[i - 1].slot, watched_[i - 1].id);
            if (source == nullptr) {
                continue; // socket fermé par une autre tâche pendant l'attente
            }
            // Une erreur ou une fermeture réveille les deux sens : l'appel système dira quoi.
            const bool broken = revents & (POLLERR | POLLHUP | POLLNVAL);
            if (revents & POLLIN || broken) {
                wake(*source, Direction::Read, woken);
            }
            if (revents & POLLOUT || broken) {
                wake(*source, Direction::Write, woken);
            }
        }
        ready_ = 0;
    }

private:
    /// Une source surveillée, retrouvée après l'attente par sa place et son numéro.
    struct Watched {
        std::uint32_t slot;
        std::uint32_t id;
    };
    std::vector<pollfd> fds_;      // réutilisés d'une attente à l'autre : pas d'allocation
    std::vector<Watched> watched_; // watched_[i] correspond à fds_[i + 1]
    int ready_ = 0;                // ce qu'a rendu poll(2)
};

} // namespace

std::unique_ptr<Reactor> make_poll_reactor(int wake_fd) {
    return std::make_unique<PollReactor>(wake_fd);
}

} // namespace rt::detail
