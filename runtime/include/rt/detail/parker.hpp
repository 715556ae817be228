#pragma once
/// \file
/// \brief `Parker` : endormir un worker et le réveiller, dans le pilote ou sur une condition
/// (le `park.rs` de tokio, chapitre 11).

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "rt/detail/driver.hpp"

namespace rt::detail {

/// \brief Le lit d'un worker `multi_thread`.
///
/// Il n'y a qu'un pilote (minuteries et réacteur) pour tous les workers. Le premier worker
/// qui se gare le prend et dort **dans** le pilote (`poll`/`epoll_wait` jusqu'à la prochaine
/// échéance) : c'est lui qui réveillera les tâches des minuteries et des sockets. Les autres,
/// trouvant le pilote pris, dorment sur une variable de condition. Réveiller un worker, c'est
/// donc, selon l'endroit où il dort, écrire dans l'`eventfd` du pilote ou notifier sa
/// condition : l'état atomique dit lequel.
///
/// Un `unpark()` qui arrive avant le `park()` n'est pas perdu : l'état reste NOTIFIED et le
/// `park()` suivant le consomme sans dormir.
class Parker {
public:
    /// \brief Un lit pour un worker du pilote `driver`, dont `driver_owner` désigne l'occupant.
    Parker(Driver& driver, std::mutex& driver_owner) noexcept
        : driver_(driver), driver_owner_(driver_owner) {}
    Parker(const Parker&) = delete;
    Parker& operator=(const Parker&) = delete;

    /// \brief Dort jusqu'à un `unpark()` (ou un événement du pilote, si on y dort).
    void park();
    /// \brief Un tour de pilote sans dormir, si aucun autre worker ne l'occupe (l'entretien
    /// d'un worker occupé : minuteries et sockets ne doivent pas attendre qu'un worker dorme).
    void poll_driver();
    /// \brief Réveille le worker (depuis n'importe quel thread).
    void unpark() noexcept;

private:
    enum : int { EMPTY, PARKED_CONDVAR, PARKED_DRIVER, NOTIFIED };

    void park_driver();
    void park_condvar();

    Driver& driver_;
    std::mutex& driver_owner_; ///< tenu par le worker qui dort dans le pilote
    std::atomic<int> state_{EMPTY};
    std::mutex mutex_;
    std::condition_variable condvar_;
};

} // namespace rt::detail
