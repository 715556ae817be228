#pragma once
/// \file
/// \brief `rt::sync::oneshot` : un canal pour **une** valeur, d'une tâche à une autre (comme
/// `tokio::sync::oneshot`).

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/ref_counted.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/waker.hpp"
#include "rt/result.hpp"

/// \brief Le canal d'une seule valeur, d'une tâche à une autre (comme `tokio::sync::oneshot`).
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

/// \brief L'état partagé : un mot atomique, la place de la valeur, la place du réveil.
///
/// Pas de verrou : un seul émetteur, un seul récepteur, et quatre drapeaux qui disent à qui
/// appartient chaque place à chaque instant (comme le `oneshot` de tokio).
///
/// | drapeau | levé par | signifie |
/// |---------|----------|----------|
/// | `VALUE` | l'émetteur | la valeur est dans sa place ; elle appartient désormais au récepteur |
/// | `TX_CLOSED` | l'émetteur | il ne fera plus rien (valeur envoyée, ou détruit sans envoyer) |
/// | `RX_CLOSED` | le récepteur | il est détruit : envoyer ne sert plus à rien |
/// | `RX_WAKER` | le récepteur | son réveil est dans sa place ; qui **baisse** ce drapeau (compare-and-swap) prend la place |
template <class T>
class Shared final : public rt::detail::RefCounted {
public:
    static constexpr std::uint32_t VALUE = 1, TX_CLOSED = 2, RX_CLOSED = 4, RX_WAKER = 8;

    Shared() noexcept : RefCounted(2) {} // l'émetteur et le récepteur

    std::atomic<std::uint32_t> state{0};
    alignas(T) unsigned char value[sizeof(T)]; ///< la valeur (si VALUE)
    rt::detail::Waker receiver;                ///< le réveil du récepteur (si RX_WAKER)

    T& stored() noexcept { return *std::launder(reinterpret_cast<T*>(value)); }

    /// \brief Prend la place du réveil si `RX_WAKER` est encore levé ; rend le `Waker` pris
    /// (vide si l'autre côté l'a pris avant nous).
    rt::detail::Waker take_receiver() noexcept {
        // acquire : voir le Waker que le récepteur a rangé avant de lever RX_WAKER (release).
        std::uint32_t s = state.load(std::memory_order_acquire);
        while (s & RX_WAKER) {
            if (state.compare_exchange_weak(s, s & ~RX_WAKER, std::memory_order_acquire)) {
                return std::move(receiver);
            }
        }
        return {};
    }

    /// \brief Les états passent par le cache d'allocation des trames.
    static void* operator new(std::size_t size) { return rt::detail::frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept {
        rt::detail::frame_deallocate(p, size);
    }

private:
    ~Shared() override {
        // Le dernier côté détruit : ce mot ne change plus, relaxed suffit (la dernière
        // référence a été rendue en acq_rel).
        if (state.load(std::memory_order_relaxed) & VALUE) {
            stored().~T(); // envoyée, jamais reçue
        }
    }
};

} // namespace detail

/// \brief Le côté émetteur : envoie une valeur, une seule fois.
template <class T>
class Sender {
public:
    /// \brief Transfère l'émetteur.
    Sender(Sender&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    Sender& operator=(Sender&&) = delete;
    /// \brief Détruit sans avoir envoyé : le récepteur reçoit `RecvError`.
    ~Sender() {
        if (auto* shared = std::exchange(shared_, nullptr)) {
            finish(*shared, Shared::TX_CLOSED);
            shared->release();
        }
    }

    /// \brief Envoie `value` et consomme l'émetteur. Si le récepteur n'existe plus, la valeur
    /// est rendue dans l'erreur (comme tokio) ; un second envoi lève `std::logic_error`.
    Result<void, T> send(T value) {
        Shared* shared = std::exchange(shared_, nullptr);
        if (shared == nullptr) {
            throw std::logic_error("oneshot::Sender::send : valeur déjà envoyée");
        }
        ::new (static_cast<void*>(shared->value)) T(std::move(value)); // la place est à nous
        const std::uint32_t before = finish(*shared, Shared::VALUE | Shared::TX_CLOSED);
        if (before & Shared::RX_CLOSED) {
            // Le récepteur était déjà parti : il ne touchera jamais la valeur, on la reprend.
            // relaxed : personne d'autre ne lit plus ce mot qu'à la libération.
            shared->state.fetch_and(~Shared::VALUE, std::memory_order_relaxed);
            T back = std::move(shared->stored());
            shared->stored().~T();
            shared->release();
            return Result<void, T>(std::move(back));
        }
        shared->release();
        return {};
    }
    /// \brief Vrai si le récepteur a été détruit (envoyer ne servirait plus à rien).
    [[nodiscard]] bool is_closed() const noexcept {
        // acquire : une mesure qu'on lit comme une publication (rien d'autre à voir).
        return shared_ == nullptr ||
               (shared_->state.load(std::memory_order_acquire) & Shared::RX_CLOSED);
    }

private:
    using Shared = detail::Shared<T>;
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel();
    explicit Sender(Shared* shared) noexcept : shared_(shared) {}

    /// Lève `flags` (l'émetteur a fini) et réveille le récepteur s'il attend ; rend le mot
    /// d'avant.
    static std::uint32_t finish(Shared& shared, std::uint32_t flags) noexcept {
        // acq_rel : release publie la valeur au récepteur ; acquire fait voir son réveil.
        const std::uint32_t before = shared.state.fetch_or(flags, std::memory_order_acq_rel);
        if (before & Shared::RX_WAKER) {
            rt::detail::Waker waker = shared.take_receiver();
            waker.wake(); // un Waker à nous : la tâche reste vivante pendant le réveil
        }
        return before;
    }

    Shared* shared_;
};

/// \brief Le côté récepteur : `co_await rx` rend la valeur, ou `RecvError`.
template <class T>
class Receiver {
    using Shared = detail::Shared<T>;

public:
    /// \brief Transfère le récepteur.
    Receiver(Receiver&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;
    /// \brief L'émetteur saura que personne ne recevra plus (`is_closed`).
    ~Receiver() {
        if (auto* shared = std::exchange(shared_, nullptr)) {
            // release : l'émetteur qui voit RX_CLOSED ne touchera plus notre réveil.
            shared->state.fetch_or(Shared::RX_CLOSED, std::memory_order_release);
            shared->release();
        }
    }

    /// \brief L'awaiter de `co_await rx`.
    class Awaiter {
    public:
        /// \brief L'attente de la valeur de `shared`.
        explicit Awaiter(Shared& shared) noexcept : shared_(shared) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        /// \brief Abandonné pendant l'attente (`select`, `timeout`, annulation) : le réveil
        /// inscrit est retiré, la valeur éventuelle reste pour une prochaine attente.
        ~Awaiter() {
            if (registered_) {
                (void)shared_.take_receiver(); // vide si l'émetteur l'a pris : réveil périmé
            }
        }
        /// \brief Vrai si la valeur est là, ou si l'émetteur est parti (sauf budget épuisé :
        /// on cède d'abord la main, la valeur reste dans le canal).
        bool await_ready() noexcept {
            if (!finished()) {
                return false;
            }
            yield_ = !rt::detail::coop::poll_proceed();
            return !yield_;
        }
        /// \brief Inscrit le réveil, sauf si l'émetteur a fini entre-temps.
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                rt::detail::coop::yield_for_budget(caller);
                return true;
            }
            auto& me = rt::detail::require_current_task("co_await sur un oneshot::Receiver");
            const std::uint64_t epoch = me.begin_suspend(caller);
            shared_.receiver = rt::detail::Waker(&me, epoch); // la place est à nous
            // acq_rel : release publie le Waker à l'émetteur ; acquire fait voir sa valeur.
            const std::uint32_t before =
                shared_.state.fetch_or(Shared::RX_WAKER, std::memory_order_acq_rel);
            if (!(before & Shared::TX_CLOSED)) {
                registered_ = true;
                return true; // l'émetteur nous réveillera
            }
            // L'émetteur a fini avant notre inscription : personne ne nous réveillera.
            (void)shared_.take_receiver();
            return !me.abandon_suspend(epoch);
        }
        /// \brief La valeur, ou `RecvError` si l'émetteur est parti sans envoyer.
        Result<T, RecvError> await_resume() {
            if (registered_) {
                registered_ = false;
                (void)shared_.take_receiver(); // normalement déjà pris par l'émetteur
            }
            // acquire : voir la valeur publiée par l'émetteur (release).
            if (shared_.state.load(std::memory_order_acquire) & Shared::VALUE) {
                T value = std::move(shared_.stored());
                shared_.stored().~T();
                // relaxed : l'émetteur a fini, personne d'autre n'écrit plus VALUE.
                shared_.state.fetch_and(~Shared::VALUE, std::memory_order_relaxed);
                return value;
            }
            return RecvError();
        }

    private:
        bool finished() const noexcept {
            // acquire : si l'émetteur a fini, voir sa valeur.
            return shared_.state.load(std::memory_order_acquire) & Shared::TX_CLOSED;
        }

        Shared& shared_;
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
    explicit Receiver(Shared* shared) noexcept : shared_(shared) {}

    Shared* shared_;
};

/// \brief Un canal pour une valeur : `auto [tx, rx] = rt::sync::oneshot::channel<int>();`
template <class T>
std::pair<Sender<T>, Receiver<T>> channel() {
    auto* shared = new detail::Shared<T>(); // deux références : une par côté
    return {Sender<T>(shared), Receiver<T>(shared)};
}

} // namespace rt::sync::oneshot

namespace rt::detail {
/// \brief Attendre un `oneshot::Receiver` par lvalue puis abandonner l'attente est sûr :
/// l'inscription vit dans l'awaiter temporaire, la valeur reste dans le canal.
template <class T>
struct abandonable_lvalue<rt::sync::oneshot::Receiver<T>> : std::true_type {};
} // namespace rt::detail
