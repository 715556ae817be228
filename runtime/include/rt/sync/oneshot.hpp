#pragma once
/// \file
/// \brief `rt::sync::oneshot` : un canal pour **une** valeur, d'une tâche à une autre (comme
/// `tokio::sync::oneshot`).

#include <coroutine>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/waker.hpp"
#include "rt/result.hpp"

namespace rt::sync::oneshot {

/// \brief L'erreur de la réception : l'émetteur a été détruit sans rien envoyer.
class RecvError : public std::runtime_error {
public:
    RecvError() : std::runtime_error("oneshot : l'émetteur a été détruit sans envoyer de valeur") {}
};

template <class T>
class Sender;
template <class T>
class Receiver;

namespace detail {

/// \brief L'état partagé : la valeur (une fois), qui est encore là, qui attend.
template <class T>
struct Shared {
    std::mutex mutex;
    std::optional<T> value;     ///< la valeur envoyée, pas encore reçue
    bool sender_alive = true;   ///< l'émetteur peut encore envoyer
    bool receiver_alive = true; ///< le récepteur existe
    rt::detail::Waker receiver; ///< la réception en attente, s'il y en a une
};

} // namespace detail

/// \brief Le côté émetteur : envoie une valeur, une seule fois.
template <class T>
class Sender {
public:
    /// \brief Transfère l'émetteur.
    Sender(Sender&&) noexcept = default;
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    Sender& operator=(Sender&&) = delete;
    /// \brief Détruit sans avoir envoyé : le récepteur reçoit `RecvError`.
    ~Sender() { close(); }

    /// \brief Envoie `value` et consomme l'émetteur. Si le récepteur n'existe plus, la valeur
    /// est rendue dans l'erreur (comme tokio) ; un second envoi lève `std::logic_error`.
    Result<void, T> send(T value) {
        if (!shared_) {
            throw std::logic_error("oneshot::Sender::send : valeur déjà envoyée");
        }
        auto shared = std::move(shared_);
        rt::detail::Waker to_wake;
        {
            std::lock_guard lock(shared->mutex);
            shared->sender_alive = false;
            if (!shared->receiver_alive) {
                return Result<void, T>(std::move(value));
            }
            shared->value.emplace(std::move(value));
            to_wake = std::move(shared->receiver);
        }
        to_wake.wake(); // hors du verrou : le réveil peut exécuter du code du planificateur
        return {};
    }
    /// \brief Vrai si le récepteur a été détruit (envoyer ne servirait plus à rien).
    [[nodiscard]] bool is_closed() const {
        if (!shared_) {
            return true;
        }
        std::lock_guard lock(shared_->mutex);
        return !shared_->receiver_alive;
    }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel();
    explicit Sender(std::shared_ptr<detail::Shared<T>> shared) noexcept
        : shared_(std::move(shared)) {}
    void close() noexcept {
        if (auto shared = std::move(shared_)) {
            rt::detail::Waker to_wake;
            {
                std::lock_guard lock(shared->mutex);
                shared->sender_alive = false;
                to_wake = std::move(shared->receiver);
            }
            to_wake.wake();
        }
    }

    std::shared_ptr<detail::Shared<T>> shared_;
};

/// \brief Le côté récepteur : `co_await rx` rend la valeur, ou `RecvError`.
template <class T>
class Receiver {
public:
    /// \brief Transfère le récepteur.
    Receiver(Receiver&&) noexcept = default;
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;
    /// \brief L'émetteur saura que personne ne recevra plus (`is_closed`).
    ~Receiver() {
        if (shared_) {
            std::lock_guard lock(shared_->mutex);
            shared_->receiver_alive = false;
        }
    }

    /// \brief L'awaiter de `co_await rx`.
    class Awaiter {
    public:
        /// \brief L'attente de la valeur de `shared`.
        explicit Awaiter(detail::Shared<T>& shared) noexcept : shared_(shared) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        /// \brief Abandonné pendant l'attente (`select`, `timeout`, annulation) : le
        /// réveil inscrit est retiré, la valeur éventuelle reste pour une prochaine attente.
        ~Awaiter() {
            if (registered_) {
                std::lock_guard lock(shared_.mutex);
                shared_.receiver = rt::detail::Waker();
            }
        }
        /// \brief Vrai si la valeur est là, ou si l'émetteur est parti (sauf budget épuisé :
        /// on cède d'abord la main, la valeur reste dans le canal).
        bool await_ready() {
            {
                std::lock_guard lock(shared_.mutex);
                if (!shared_.value && shared_.sender_alive) {
                    return false;
                }
            }
            yield_ = !rt::detail::coop::poll_proceed();
            return !yield_;
        }
        /// \brief Inscrit le réveil, sauf si la valeur vient d'arriver.
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                rt::detail::coop::yield_for_budget(caller);
                return true;
            }
            auto& me = rt::detail::require_current_task("co_await sur un oneshot::Receiver");
            std::lock_guard lock(shared_.mutex);
            if (shared_.value || !shared_.sender_alive) {
                return false;
            }
            shared_.receiver = me.suspend_at(caller);
            registered_ = true;
            return true;
        }
        /// \brief La valeur, ou `RecvError` si l'émetteur est parti sans envoyer.
        Result<T, RecvError> await_resume() {
            std::lock_guard lock(shared_.mutex);
            registered_ = false;
            if (shared_.value) {
                T value = std::move(*shared_.value);
                shared_.value.reset();
                return value;
            }
            return RecvError();
        }

    private:
        detail::Shared<T>& shared_;
        bool registered_ = false;
        bool yield_ = false; ///< valeur là, mais le budget est épuisé : céder d'abord
    };

    /// \brief `co_await rx` : attend la valeur.
    Awaiter operator co_await() & noexcept { return Awaiter(*shared_); }
    /// \brief `co_await std::move(rx)` (même effet).
    Awaiter operator co_await() && noexcept { return Awaiter(*shared_); }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel();
    explicit Receiver(std::shared_ptr<detail::Shared<T>> shared) noexcept
        : shared_(std::move(shared)) {}

    std::shared_ptr<detail::Shared<T>> shared_;
};

/// \brief Un canal pour une valeur : `auto [tx, rx] = rt::sync::oneshot::channel<int>();`
template <class T>
std::pair<Sender<T>, Receiver<T>> channel() {
    auto shared = std::make_shared<detail::Shared<T>>();
    return {Sender<T>(shared), Receiver<T>(shared)};
}

} // namespace rt::sync::oneshot

namespace rt::detail {
/// \brief Attendre un `oneshot::Receiver` par lvalue puis abandonner l'attente est sûr :
/// l'inscription vit dans l'awaiter temporaire, la valeur reste dans le canal.
template <class T>
struct abandonable_lvalue<rt::sync::oneshot::Receiver<T>> : std::true_type {};
} // namespace rt::detail
