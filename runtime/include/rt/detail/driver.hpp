#pragma once
/// \file
/// \brief Le pilote : là où le planificateur se gare quand il n'a plus de tâche prête.

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <memory>
#include <mutex>

#include "rt/detail/io_source.hpp"
#include "rt/detail/reactor.hpp"
#include "rt/detail/timer_queue.hpp"
#include "rt/detail/wake_list.hpp"

namespace rt::detail {

/// \brief Le pilote d'un planificateur : minuteries, réacteur et attente (« parking »).
///
/// Le planificateur l'appelle quand sa file est vide : `park()` bloque le thread dans le
/// réacteur (`poll(2)` ou `epoll`) jusqu'à la prochaine échéance, jusqu'à ce qu'un socket
/// attendu soit prêt, ou jusqu'à ce qu'un autre thread appelle `unpark()` (une écriture dans
/// un `eventfd` que le réacteur surveille). Au réveil, les sockets prêts et les minuteries
/// échues réveillent leurs tâches.
///
/// **Un verrou pour plusieurs threads.** Avec `current_thread`, un seul thread touche au
/// pilote et le verrou n'est jamais disputé. Avec `multi_thread` (chapitre 11), un seul
/// pilote sert tous les workers : l'un d'eux s'y gare pendant que les autres inscrivent des
/// minuteries et des attentes de sockets. Le verrou protège les minuteries et les tables du
/// réacteur ; il n'est **pas** tenu pendant l'appel système bloquant. Qui inscrit une
/// échéance plus proche, ou une attente que `poll` ne surveille pas encore, réveille le
/// thread garé pour qu'il recalcule son attente.
class Driver {
public:
    /// \brief Un pilote dont le réacteur utilise le mécanisme `kind`.
    explicit Driver(ReactorKind kind = ReactorKind::Poll);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    using Clock = std::chrono::steady_clock;

    /// \brief Inscrit une minuterie (tout thread).
    void add_timer(TimerEntry& entry);
    /// \brief Désinscrit une minuterie si elle l'est encore (tout thread).
    void remove_timer(TimerEntry& entry) noexcept;
    /// \brief Nombre de minuteries en attente.
    [[nodiscard]] std::size_t timer_count() const noexcept;

    /// \brief La tâche `task`, suspendue en `where`, attend que `source` soit prête dans ce
    /// sens (tout thread). Faux si la source a été signalée prête entre-temps : pas
    /// d'attente, l'appelant retente son appel système. Lève `std::logic_error` si une autre
    /// tâche attend déjà dans ce sens, ou si la source appartient à un autre runtime.
    bool wait_io(IoSource& source, Direction direction, TaskHeader& task,
                 std::coroutine_handle<> where);
    /// \brief Retire l'attente de `task` sur `source` si elle y est encore (annulation).
    void cancel_io(IoSource& source, Direction direction, TaskHeader& task) noexcept;
    /// \brief Retire `source` du réacteur (avant de fermer son fd).
    void deregister_io(IoSource& source) noexcept;

    /// \brief Attend un événement : au plus jusqu'à la prochaine échéance, sans attendre si
    /// `may_block` est faux. Réveille ensuite les tâches des minuteries échues et des sockets
    /// prêts. Un seul thread à la fois (le planificateur y veille).
    void park(bool may_block);
    /// \brief Réveille un `park()` en cours ou le prochain (depuis n'importe quel thread).
    void unpark() noexcept;

private:
    /// Ramasse les réveils des minuteries échues (verrou tenu) ; renvoie combien.
    std::size_t fire_expired(Clock::time_point now, WakeList& woken);
    /// Délai d'attente de poll(2) en millisecondes, arrondi au-dessus (-1 : infini).
    int poll_timeout_ms(Clock::time_point now) const noexcept;

    mutable std::mutex mutex_; ///< protège tout ce qui suit, sauf wake_fd_
    TimerQueue timers_;
    std::unique_ptr<Reactor> reactor_;
    bool parked_ = false;            ///< un thread dort dans le réacteur
    Clock::time_point parked_until_; ///< ... jusqu'à cette date au plus tard
    int wake_fd_ = -1;               ///< l'eventfd d'unpark() (écrit sans verrou)
};

} // namespace rt::detail
