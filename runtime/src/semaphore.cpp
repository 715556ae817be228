#include "rt/sync/semaphore.hpp"

#include <algorithm>
#include <string>

#include "rt/detail/coop.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::sync {

// --- Les autorisations --------------------------------------------------------------------

SemaphorePermit::~SemaphorePermit() {
    if (permits_ != 0) {
        semaphore_->release(permits_);
    }
}

void SemaphorePermit::merge(SemaphorePermit&& other) {
    if (other.semaphore_ != semaphore_) {
        throw std::invalid_argument(
            "SemaphorePermit::merge : les autorisations viennent de deux sémaphores différents");
    }
    permits_ += std::exchange(other.permits_, 0);
}

OwnedSemaphorePermit::~OwnedSemaphorePermit() {
    if (permits_ != 0) {
        semaphore_->release(permits_);
    }
}

// --- Le compteur et la file ---------------------------------------------------------------

Semaphore::Semaphore(std::size_t permits) : permits_(0) {
    if (permits > MAX_PERMITS) {
        throw std::invalid_argument("Semaphore : au plus Semaphore::MAX_PERMITS autorisations");
    }
    permits_.store(permits << PERMIT_SHIFT, std::memory_order_relaxed);
}

void Semaphore::check_request(std::size_t n, const char* what) {
    if (n > MAX_PERMITS) {
        throw std::invalid_argument(std::string(what) +
                                    " : plus de Semaphore::MAX_PERMITS autorisations demandées, "
                                    "une attente qui ne finirait jamais");
    }
}

Semaphore::Take Semaphore::try_take(std::size_t n) noexcept {
    // relaxed pour la lecture : seul le compare-and-swap réussi compte, et il est acquire
    // (voir ce qu'a fait celui qui a rendu les autorisations, avant de les rendre).
    std::size_t current = permits_.load(std::memory_order_relaxed);
    for (;;) {
        if (current & CLOSED) {
            return Take::Closed;
        }
        if ((current >> PERMIT_SHIFT) < n) {
            return Take::Missing;
        }
        if (permits_.compare_exchange_weak(current, current - (n << PERMIT_SHIFT),
                                           std::memory_order_acquire, std::memory_order_relaxed)) {
            return Take::Taken;
        }
    }
}

std::size_t Semaphore::take_up_to(std::size_t wanted, bool& closed) noexcept {
    // Même ordre que try_take. D'autres peuvent prendre ou rendre en même temps sans verrou
    // (tant que WAITERS est bas) : le compare-and-swap échoue alors, et l'on recommence.
    std::size_t current = permits_.load(std::memory_order_relaxed);
    for (;;) {
        closed = (current & CLOSED) != 0;
        if (closed) {
            return 0;
        }
        const std::size_t taken = std::min(wanted, current >> PERMIT_SHIFT);
        std::size_t next = current - (taken << PERMIT_SHIFT);
        if (taken < wanted) {
            next |= WAITERS; // on va se mettre en file : ceux qui rendent passeront par elle
        }
        if (next == current ||
            permits_.compare_exchange_weak(current, next, std::memory_order_acquire,
                                           std::memory_order_relaxed)) {
            return taken;
        }
    }
}

void Semaphore::release_locked(std::size_t n, detail::WakeList& wakes) noexcept {
    // La file d'abord, dans l'ordre : la tête reçoit ce qu'il lui manque, même en plusieurs
    // fois ; tant qu'elle n'a pas tout, personne derrière elle ne reçoit rien.
    while (n != 0 && !waiters_.empty()) {
        auto* head = static_cast<Waiter*>(waiters_.front());
        const std::size_t given = std::min(n, head->remaining);
        head->remaining -= given;
        n -= given;
        if (head->remaining == 0) {
            waiters_.pop_front(); // servie : marquée « notifiée »
            wakes.push(std::move(head->waker));
        }
    }
    if (!waiters_.empty()) {
        return; // tout est allé à la file, qui attend encore
    }
    // release : qui prendra ces autorisations (acquire) verra ce que nous avons fait avant de
    // les rendre. Puis la file est vide : on baisse WAITERS (on tient le verrou, seul endroit
    // où il change), et l'on pourra de nouveau rendre sans verrou.
    if (n != 0) {
        permits_.fetch_add(n << PERMIT_SHIFT, std::memory_order_release);
    }
    if ((permits_.load(std::memory_order_relaxed) & WAITERS) != 0) {
        permits_.fetch_and(~WAITERS, std::memory_order_release);
    }
}

void Semaphore::release(std::size_t n) noexcept {
    // Personne n'attend : un compare-and-swap suffit. Il échoue si quelqu'un se met en file
    // entre-temps (il lève WAITERS dans le même mot, sous le verrou de la file) : on passe
    // alors par la file, pour le servir. release : voir release_locked.
    std::size_t current = permits_.load(std::memory_order_relaxed);
    while ((current & WAITERS) == 0) {
        if (permits_.compare_exchange_weak(current, current + (n << PERMIT_SHIFT),
                                           std::memory_order_release, std::memory_order_relaxed)) {
            return;
        }
    }
    detail::WakeList wakes; // détruite après le verrou : les réveils se font verrou relâché
    std::lock_guard lock(waiters_lock_);
    release_locked(n, wakes);
}

// --- L'interface publique -----------------------------------------------------------------

void Semaphore::add_permits(std::size_t n) {
    if (n == 0) {
        return;
    }
    detail::WakeList wakes;
    std::lock_guard lock(waiters_lock_);
    // Sous le verrou, d'autres peuvent encore rendre sans verrou ce qu'ils avaient pris, pas
    // plus : la vérification reste vraie.
    const std::size_t available = permits_.load(std::memory_order_relaxed) >> PERMIT_SHIFT;
    if (n > MAX_PERMITS - available) {
        throw std::overflow_error("Semaphore::add_permits : plus de Semaphore::MAX_PERMITS "
                                  "autorisations");
    }
    release_locked(n, wakes);
}

void Semaphore::close() {
    detail::WakeList wakes;
    std::lock_guard lock(waiters_lock_);
    // release : comme un ajout (ceux qui verront CLOSED n'ont rien d'autre à voir, mais cela
    // ne coûte rien de plus).
    permits_.fetch_or(CLOSED, std::memory_order_release);
    std::size_t given_back = 0;
    while (detail::WaitNode* node = waiters_.pop_front()) {
        auto* waiter = static_cast<Waiter*>(node);
        waiter->closed = true;
        given_back += waiter->wanted - waiter->remaining; // ce qu'elle avait déjà reçu
        wakes.push(std::move(waiter->waker));
    }
    release_locked(given_back, wakes); // la file est vide : au compteur, et WAITERS baissé
}

bool Semaphore::is_closed() const noexcept {
    // acquire : une mesure lue comme une publication (rien d'autre à voir).
    return (permits_.load(std::memory_order_acquire) & CLOSED) != 0;
}

std::size_t Semaphore::available_permits() const noexcept {
    // relaxed : une mesure, périmée dès qu'on la lit.
    return permits_.load(std::memory_order_relaxed) >> PERMIT_SHIFT;
}

Result<SemaphorePermit, TryAcquireError> Semaphore::try_acquire_many(std::size_t n) {
    switch (try_take(n)) {
    case Take::Taken:
        return SemaphorePermit(*this, n);
    case Take::Closed:
        return TryAcquireError(TryAcquireError::Kind::Closed);
    case Take::Missing:
        break;
    }
    return TryAcquireError(TryAcquireError::Kind::NoPermits);
}

namespace {
std::shared_ptr<Semaphore> owner_of(Semaphore& semaphore, const char* what) {
    std::shared_ptr<Semaphore> owner = semaphore.weak_from_this().lock();
    if (!owner) {
        throw std::logic_error(std::string(what) +
                               " : le sémaphore doit appartenir à un std::shared_ptr (créez-le "
                               "avec std::make_shared<rt::sync::Semaphore>(n))");
    }
    return owner;
}
} // namespace

Semaphore::AcquireOwned Semaphore::acquire_many_owned(std::size_t n) {
    check_request(n, "Semaphore::acquire_many_owned");
    return AcquireOwned(owner_of(*this, "Semaphore::acquire_owned"), n);
}

Result<OwnedSemaphorePermit, TryAcquireError> Semaphore::try_acquire_many_owned(std::size_t n) {
    std::shared_ptr<Semaphore> owner = owner_of(*this, "Semaphore::try_acquire_owned");
    auto permit = try_acquire_many(n);
    if (!permit) {
        return permit.error();
    }
    permit->forget(); // les autorisations passent à la version qui tient le sémaphore
    return OwnedSemaphorePermit(std::move(owner), n);
}

// --- L'attente ----------------------------------------------------------------------------

bool Semaphore::Acquire::await_ready() noexcept {
    // Budget épuisé : on cède la main **sans rien prendre** (voir coop::YieldThenRetry ; garder
    // une autorisation pendant qu'on attend son tour mettrait les autres en file).
    if (!detail::coop::has_budget_remaining()) {
        stage_ = Stage::Yielding;
        return false;
    }
    return take_now();
}

bool Semaphore::Acquire::take_now() noexcept {
    switch (semaphore_.try_take(wanted_)) {
    case Take::Taken:
        (void)detail::coop::poll_proceed(); // une opération prête : une unité de budget
        stage_ = Stage::Ready;
        return true;
    case Take::Closed:
        stage_ = Stage::Closed;
        return true;
    case Take::Missing:
        return false;
    }
    return false;
}

bool Semaphore::Acquire::await_suspend(std::coroutine_handle<> caller) {
    if (stage_ == Stage::Yielding) {
        retry_.start(*this, caller);
        return true;
    }
    return take_or_queue(caller);
}

bool Semaphore::Acquire::retry(std::coroutine_handle<> caller) noexcept {
    // Dans la tâche, au passage suivant (budget neuf) : comme un co_await tout neuf.
    return take_now() || !take_or_queue(caller);
}

bool Semaphore::Acquire::take_or_queue(std::coroutine_handle<> caller) {
    auto& me = detail::require_current_task("Semaphore::acquire");
    std::lock_guard lock(semaphore_.waiters_lock_);
    // Sous le verrou, la file ne bouge pas. Ce qui est disponible maintenant est à nous ; s'il
    // en manque, take_up_to lève WAITERS dans le même compare-and-swap : tout ce qui sera
    // rendu passera par la file, qui nous servira le reste dans l'ordre.
    bool closed = false;
    const std::size_t taken = semaphore_.take_up_to(wanted_, closed);
    if (closed) {
        stage_ = Stage::Closed;
        return false;
    }
    if (taken == wanted_) {
        stage_ = Stage::Ready;
        return false;
    }
    node_.remaining = wanted_ - taken;
    node_.wanted = wanted_;
    node_.closed = false;
    node_.waker = me.suspend_at(caller);
    semaphore_.waiters_.push_back(node_);
    stage_ = Stage::Queued;
    return true;
}

Result<SemaphorePermit, AcquireError> Semaphore::Acquire::await_resume() {
    // Après un réveil, `node_.closed` a été écrit sous le verrou par `close()`, avant le
    // réveil : la reprise de la tâche (par son planificateur) nous le fait voir.
    const bool closed = stage_ == Stage::Closed || (stage_ == Stage::Queued && node_.closed);
    stage_ = Stage::Resumed;
    if (closed) {
        return AcquireError();
    }
    return SemaphorePermit(semaphore_, wanted_);
}

Semaphore::Acquire::~Acquire() {
    if (stage_ != Stage::Queued) {
        return; // rien pris (Start, Yielding), ou déjà à la tâche
    }
    detail::WakeList wakes;
    std::lock_guard lock(semaphore_.waiters_lock_);
    if (node_.linked) {
        // Encore en file : on en sort, et ce qu'on avait déjà reçu va aux suivants (la tête
        // qui part avec 3 autorisations sur 5 les donne à qui attendait derrière elle).
        semaphore_.waiters_.remove(node_);
        semaphore_.release_locked(node_.wanted - node_.remaining, wakes);
    } else if (!node_.closed) {
        semaphore_.release_locked(wanted_, wakes); // servie, mais annulée avant de reprendre
    }
}

Result<OwnedSemaphorePermit, AcquireError> Semaphore::AcquireOwned::await_resume() {
    auto result = inner_.await_resume();
    if (!result) {
        return result.error();
    }
    const std::size_t n = result->num_permits();
    result->forget();
    return OwnedSemaphorePermit(semaphore_, n);
}

} // namespace rt::sync
