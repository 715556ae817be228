#pragma once
/// \file
/// \brief `rt::sync::Mutex<T>` : un verrou asynchrone équitable (comme `tokio::sync::Mutex`).

#include <coroutine>
#include <mutex>
#include <optional>
#include <utility>

#include "rt/detail/coop.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/wait_list.hpp"

namespace rt::sync {

template <class T>
class Mutex;

/// \brief La preuve qu'on tient le verrou : accès à la valeur, et déverrouillage à la
/// destruction (RAII). Déplaçable, non copiable.
template <class T>
class MutexGuard {
public:
    /// \brief Transfère la garde (et donc le verrou) ; `other` ne déverrouillera plus rien.
    MutexGuard(MutexGuard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;
    MutexGuard& operator=(MutexGuard&&) = delete;
    /// \brief Rend le verrou (au premier qui attend, s'il y en a un).
    ~MutexGuard() {
        if (mutex_) {
            mutex_->unlock();
        }
    }
    /// \brief La valeur protégée.
    T& operator*() const noexcept { return mutex_->value_; }
    /// \brief Accès aux membres de la valeur protégée.
    T* operator->() const noexcept { return &mutex_->value_; }

private:
    friend class Mutex<T>;
    explicit MutexGuard(Mutex<T>& mutex) noexcept : mutex_(&mutex) {}
    Mutex<T>* mutex_;
};

/// \brief Un verrou qu'on **attend** sans bloquer le thread : `auto g = co_await m.lock();`.
///
/// Équitable : les tâches obtiennent le verrou dans l'ordre où elles l'ont demandé (le
/// verrou est *passé* au premier en attente, personne ne peut le lui prendre entre-temps).
/// Une tâche annulée pendant qu'elle attend quitte la file ; si le verrou venait de lui être
/// passé, elle le passe au suivant.
///
/// Pourquoi pas `std::mutex` ? On peut garder ce verrou-ci pendant un `co_await` : les autres
/// tâches attendent sans bloquer le thread. Garder un `std::mutex` pendant un `co_await`
/// (CP.52) bloquerait le thread entier, et sur `current_thread` ce serait l'interblocage.
/// \see La leçon du \chapitre{07}.
template <class T>
class Mutex {
public:
    /// \brief Un verrou libre qui protège `value`.
    explicit Mutex(T value = T()) : value_(std::move(value)) {}
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    /// \brief L'awaitable de `lock()`.
    class LockAwaiter : detail::coop::Retryable {
    public:
        /// \brief L'attente du verrou de `mutex`.
        explicit LockAwaiter(Mutex& mutex) noexcept : mutex_(mutex) {}
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select` ou un `timeout`).
        LockAwaiter(LockAwaiter&& other) noexcept : mutex_(other.mutex_) {}
        LockAwaiter(const LockAwaiter&) = delete;
        LockAwaiter& operator=(const LockAwaiter&) = delete;
        /// \brief Annulé pendant l'attente : quitter la file, ou rendre un verrou reçu.
        ~LockAwaiter() {
            if (!waiting_) {
                return;
            }
            detail::Waker next;
            {
                std::lock_guard lock(mutex_.state_);
                if (node_.linked) {
                    mutex_.waiters_.remove(node_);
                } else if (node_.notified) {
                    next = mutex_.unlock_locked(); // on nous l'avait passé : au suivant
                }
            }
            next.wake();
        }
        /// \brief Vrai si le verrou est libre et que personne n'attend : on le prend.
        ///
        /// Budget épuisé : on ne prend rien, la tâche cède la main puis réessaie
        /// (`coop::YieldThenRetry`) ; garder le verrou pendant ce temps ferait attendre tous
        /// les autres derrière une tâche qui ne s'en sert pas.
        bool await_ready() noexcept {
            if (!detail::coop::has_budget_remaining()) {
                yield_ = true;
                return false;
            }
            std::lock_guard lock(mutex_.state_);
            if (!mutex_.try_take_locked()) {
                return false;
            }
            (void)detail::coop::poll_proceed(); // une opération prête : une unité de budget
            return true;
        }
        /// \brief Se met dans la file (ou prend le verrou s'il vient d'être libéré).
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                retry_.start(*this, caller);
                return true;
            }
            return take_or_queue(caller);
        }
        /// \brief Le garde : le verrou est à nous.
        MutexGuard<T> await_resume() noexcept {
            waiting_ = false;
            return MutexGuard<T>(mutex_);
        }

    private:
        /// Prend le verrou s'il est libre, sinon se met en file ; vrai si la tâche suspend.
        bool take_or_queue(std::coroutine_handle<> caller) {
            auto& me = detail::require_current_task("Mutex::lock");
            std::lock_guard lock(mutex_.state_);
            if (mutex_.try_take_locked()) {
                return false;
            }
            node_.waker = me.suspend_at(caller);
            mutex_.waiters_.push_back(node_);
            waiting_ = true;
            return true;
        }
        /// Budget épuisé, après avoir cédé la main : une nouvelle tentative.
        bool retry(std::coroutine_handle<> caller) noexcept override {
            if (take_or_queue(caller)) {
                return false; // en file : le réveil nous reprendra
            }
            (void)detail::coop::poll_proceed();
            return true;
        }

        Mutex& mutex_;
        detail::WaitNode node_;
        detail::coop::YieldThenRetry retry_;
        bool waiting_ = false; ///< dans la file, ou verrou reçu mais pas encore rendu
        bool yield_ = false;   ///< budget épuisé : céder la main, puis réessayer
    };

    /// \brief Attend le verrou : `auto garde = co_await mutex.lock();`
    [[nodiscard]] LockAwaiter lock() noexcept { return LockAwaiter(*this); }

    /// \brief Prend le verrou s'il est libre, sans attendre (nullopt sinon).
    std::optional<MutexGuard<T>> try_lock() {
        std::lock_guard lock(state_);
        if (!try_take_locked()) {
            return std::nullopt;
        }
        return MutexGuard<T>(*this);
    }

private:
    friend class MutexGuard<T>;

    /// Prend le verrou s'il est libre et que personne n'attend (verrou d'état tenu).
    bool try_take_locked() noexcept {
        if (locked_ || !waiters_.empty()) {
            return false;
        }
        locked_ = true;
        return true;
    }
    /// Rend le verrou : passé au premier en attente, ou libéré (verrou d'état tenu). Rend le
    /// réveil du nouveau détenteur, à exécuter **après** avoir relâché le verrou d'état : le
    /// `Waker` est sorti de son maillon (dans la trame du réveillé, qui peut disparaître dès
    /// que le réveil l'a rendu prêt ; voir `WakeList`).
    [[nodiscard]] detail::Waker unlock_locked() noexcept {
        if (detail::WaitNode* next = waiters_.pop_front()) {
            return std::move(next->waker); // le verrou reste pris : il est à `next` désormais
        }
        locked_ = false;
        return {};
    }
    void unlock() noexcept {
        detail::Waker next;
        {
            std::lock_guard lock(state_);
            next = unlock_locked();
        }
        next.wake();
    }

    T value_;
    std::mutex state_; ///< protège locked_ et waiters_ (courte section, jamais pendant un co_await)
    bool locked_ = false;
    detail::WaitList waiters_;
};

} // namespace rt::sync
