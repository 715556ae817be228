// Le lit d'un worker : dans le pilote, ou sur une condition.
//
// Ordres mémoire : seq_cst partout, pour la même raison que dans idle.cpp (un réveil ne doit
// jamais se perdre entre celui qui publie du travail puis réveille, et celui qui se couche
// puis regarde s'il a été réveillé) ; ces transitions sont rares, le coût n'a pas d'importance.

#include "rt/detail/parker.hpp"

namespace rt::detail {

void Parker::park() {
    int expected = NOTIFIED;
    if (state_.compare_exchange_strong(expected, EMPTY, std::memory_order_seq_cst)) {
        return; // réveillé avant même de se coucher
    }
    std::unique_lock owner(driver_owner_, std::try_to_lock);
    if (owner) {
        park_driver(); // personne dans le pilote : c'est nous qui y dormons
    } else {
        park_condvar(); // un autre worker y dort déjà
    }
}

void Parker::park_driver() {
    int expected = EMPTY;
    if (!state_.compare_exchange_strong(expected, PARKED_DRIVER, std::memory_order_seq_cst)) {
        state_.exchange(EMPTY, std::memory_order_seq_cst); // NOTIFIED entre-temps : consommé
        return;
    }
    try {
        driver_.park(/*may_block=*/true);
    } catch (...) {
        state_.exchange(EMPTY, std::memory_order_seq_cst);
        throw;
    }
    // NOTIFIED (on nous a réveillés) ou PARKED_DRIVER (un événement du pilote) : dans les
    // deux cas, le worker regardera ses files.
    state_.exchange(EMPTY, std::memory_order_seq_cst);
}

void Parker::park_condvar() {
    std::unique_lock lock(mutex_);
    int expected = EMPTY;
    if (!state_.compare_exchange_strong(expected, PARKED_CONDVAR, std::memory_order_seq_cst)) {
        state_.exchange(EMPTY, std::memory_order_seq_cst); // NOTIFIED entre-temps : consommé
        return;
    }
    for (;;) {
        condvar_.wait(lock);
        expected = NOTIFIED;
        if (state_.compare_exchange_strong(expected, EMPTY, std::memory_order_seq_cst)) {
            return;
        }
        // Réveil intempestif de la condition : on se rendort.
    }
}

void Parker::poll_driver() {
    std::unique_lock owner(driver_owner_, std::try_to_lock);
    if (owner) {
        driver_.park(/*may_block=*/false);
    }
}

void Parker::unpark() noexcept {
    switch (state_.exchange(NOTIFIED, std::memory_order_seq_cst)) {
    case PARKED_CONDVAR:
        // Prendre le verrou garantit que le worker est bien dans wait() (il l'a relâché en
        // s'endormant) : la notification ne peut pas tomber avant son attente.
        { std::lock_guard lock(mutex_); }
        condvar_.notify_one();
        return;
    case PARKED_DRIVER:
        driver_.unpark();
        return;
    default:
        return; // personne ne dormait (EMPTY), ou déjà réveillé (NOTIFIED)
    }
}

} // namespace rt::detail
