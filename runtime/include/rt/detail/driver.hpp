#pragma once
/// \file
/// \brief Le pilote : là où le planificateur se gare quand il n'a plus de tâche prête.

#include <chrono>
#include <memory>

#include "rt/detail/reactor.hpp"
#include "rt/detail/timer_queue.hpp"

namespace rt::detail {

/// \brief Le pilote d'un planificateur : minuteries, réacteur et attente (« parking »).
///
/// Le planificateur l'appelle quand sa file est vide : `park()` bloque le thread dans le
/// réacteur (`poll(2)` ou `epoll`) jusqu'à la prochaine échéance, jusqu'à ce qu'un socket
/// attendu soit prêt, ou jusqu'à ce qu'un autre thread appelle `unpark()` (une écriture dans
/// un `eventfd` que le réacteur surveille). Au réveil, les sockets prêts et les minuteries
/// échues réveillent leurs tâches.
class Driver {
public:
    /// \brief Un pilote dont le réacteur utilise le mécanisme `kind`.
    explicit Driver(ReactorKind kind = ReactorKind::Poll);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    using Clock = std::chrono::steady_clock;

    /// \brief Inscrit une minuterie (thread du pilote seulement).
    void add_timer(TimerEntry& entry) { timers_.push(entry); }
    /// \brief Désinscrit une minuterie si elle l'est encore (thread du pilote seulement).
    void remove_timer(TimerEntry& entry) noexcept {
        if (entry.registered()) {
            timers_.remove(entry);
        }
    }
    /// \brief Nombre de minuteries en attente.
    [[nodiscard]] std::size_t timer_count() const noexcept { return timers_.size(); }

    /// \brief Attend un événement : au plus jusqu'à la prochaine échéance, sans attendre si
    /// `may_block` est faux. Réveille ensuite les tâches des minuteries échues.
    void park(bool may_block);
    /// \brief Réveille un `park()` en cours ou le prochain (depuis n'importe quel thread).
    void unpark() noexcept;
    /// \brief Le réacteur (sockets), sur le thread du pilote seulement.
    Reactor& reactor() noexcept { return *reactor_; }

private:
    /// Réveille les tâches dont l'échéance est passée ; renvoie combien.
    std::size_t fire_expired(Clock::time_point now) noexcept;
    /// Délai d'attente de poll(2) en millisecondes, arrondi au-dessus (-1 : infini).
    int poll_timeout_ms(Clock::time_point now) const noexcept;

    TimerQueue timers_;
    int wake_fd_ = -1;
    std::unique_ptr<Reactor> reactor_;
};

} // namespace rt::detail
