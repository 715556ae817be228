#pragma once
/// \file
/// \brief `rt::sync::watch` : la **dernière** valeur d'un état, que des tâches regardent et
/// attendent de voir changer (comme `tokio::sync::watch`).

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <utility>

#include "rt/detail/ref_counted.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/wait_list.hpp"
#include "rt/detail/wake_list.hpp"
#include "rt/result.hpp"

/// \brief La dernière valeur d'un état et ses changements (comme `tokio::sync::watch`).
namespace rt::sync::watch {

/// \brief `changed()` sans nouvelle valeur possible : l'émetteur est parti.
class RecvError : public std::runtime_error {
public:
    RecvError() : std::runtime_error("watch : l'émetteur est parti, la valeur ne changera plus") {}
};

/// \brief `send` refusé : plus aucun récepteur ne regarde. La valeur est rendue dans `value`.
template <class T>
class SendError : public std::runtime_error {
public:
    /// \brief L'erreur qui rend `v`.
    explicit SendError(T v)
        : std::runtime_error("watch : plus aucun récepteur, la valeur n'a pas été publiée"),
          value(std::move(v)) {}
    T value; ///< la valeur refusée
};

template <class T>
class Sender;
template <class T>
class Receiver;

namespace detail {

/// \brief L'état partagé : la valeur (sous un verrou lecteurs/rédacteur), sa version, les
/// tâches qui attendent un changement.
///
/// La version compte les envois ; chaque récepteur retient la dernière qu'il a vue. Un
/// changement, c'est « la version a bougé depuis ma dernière lecture » : plusieurs envois
/// entre deux regards ne font qu'un changement, et seule la dernière valeur compte. C'est
/// ce qui distingue `watch` d'une file : rien ne s'accumule.
template <class T>
class Shared final : public rt::detail::RefCounted {
public:
    explicit Shared(T initial) : RefCounted(2), value(std::move(initial)) {}

    std::shared_mutex value_lock; ///< lecteurs ensemble, l'émetteur seul
    T value;                      ///< la dernière valeur

    std::mutex lock;              ///< protège version, closed, waiters
    std::uint64_t version = 0;    ///< nombre d'envois
    bool closed = false;          ///< l'émetteur est parti
    rt::detail::WaitList waiters; ///< les `changed()` en attente
    std::atomic<std::size_t> receivers{1};

    /// \brief Une nouvelle version : tous ceux qui attendent sont réveillés (leurs réveils vont
    /// dans `wakes`, à exécuter verrous relâchés). Appelée **valeur tenue en écriture** : la
    /// version et la valeur changent ensemble pour qui lit les deux (`borrow_and_update`).
    /// Ordre des verrous, partout : `value_lock`, puis `lock`.
    void publish_locked(rt::detail::WakeList& wakes) {
        std::lock_guard guard(lock);
        ++version;
        while (rt::detail::WaitNode* node = waiters.pop_front()) {
            wakes.push(std::move(node->waker));
        }
    }
};

} // namespace detail

/// \brief Une lecture de la valeur : la tient verrouillée en lecture tant qu'elle vit.
/// Gardez-la courte, et jamais pendant un `co_await` (l'émetteur attendrait, bloqué).
template <class T>
class Ref {
public:
    /// \brief La valeur lue.
    const T& operator*() const noexcept { return *value_; }
    /// \brief Accès aux membres de la valeur lue.
    const T* operator->() const noexcept { return value_; }

private:
    friend class Sender<T>;
    friend class Receiver<T>;
    Ref(std::shared_mutex& lock, const T& value) : guard_(lock), value_(&value) {}
    std::shared_lock<std::shared_mutex> guard_;
    const T* value_;
};

/// \brief Le côté qui publie (un seul).
template <class T>
class Sender {
    using Shared = detail::Shared<T>;

public:
    /// \brief Transfère l'émetteur.
    Sender(Sender&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    Sender& operator=(Sender&&) = delete;
    /// \brief Parti : les `changed()` en attente, et à venir, échouent (`RecvError`) une fois
    /// la dernière valeur vue.
    ~Sender() {
        if (shared_ == nullptr) {
            return;
        }
        {
            rt::detail::WakeList wakes;
            std::lock_guard guard(shared_->lock);
            shared_->closed = true;
            while (rt::detail::WaitNode* node = shared_->waiters.pop_front()) {
                wakes.push(std::move(node->waker));
            }
        }
        shared_->release();
    }

    /// \brief Publie `value`, sauf si plus aucun récepteur ne regarde (elle est alors rendue).
    Result<void, SendError<T>> send(T value) {
        // acquire : voir les départs des récepteurs (mesure ; un récepteur peut partir juste
        // après, comme chez tokio).
        if (shared_->receivers.load(std::memory_order_acquire) == 0) {
            return SendError<T>(std::move(value));
        }
        (void)send_replace(std::move(value));
        return {};
    }
    /// \brief Publie `value` même sans récepteur ; rend l'ancienne valeur.
    T send_replace(T value) {
        rt::detail::WakeList wakes; // détruite après les verrous : réveils verrous relâchés
        std::unique_lock guard(shared_->value_lock);
        std::swap(shared_->value, value);
        shared_->publish_locked(wakes);
        return value;
    }
    /// \brief Modifie la valeur sur place (`modify(T&)`), puis publie.
    template <class F>
    void send_modify(F&& modify) {
        rt::detail::WakeList wakes;
        std::unique_lock guard(shared_->value_lock);
        std::forward<F>(modify)(shared_->value);
        shared_->publish_locked(wakes);
    }
    /// \brief Lit la valeur courante.
    [[nodiscard]] Ref<T> borrow() const { return Ref<T>(shared_->value_lock, shared_->value); }
    /// \brief Un récepteur de plus, qui a déjà « vu » la valeur courante.
    [[nodiscard]] Receiver<T> subscribe() const {
        shared_->add_ref();
        shared_->receivers.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard guard(shared_->lock);
        return Receiver<T>(shared_, shared_->version);
    }
    /// \brief Le nombre de récepteurs vivants.
    [[nodiscard]] std::size_t receiver_count() const noexcept {
        return shared_->receivers.load(std::memory_order_relaxed);
    }
    /// \brief Vrai si plus aucun récepteur ne regarde.
    [[nodiscard]] bool is_closed() const noexcept { return receiver_count() == 0; }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(U initial);
    explicit Sender(Shared* shared) noexcept : shared_(shared) {}
    Shared* shared_;
};

/// \brief Un côté qui regarde : copiable, chaque copie retient ce qu'elle a déjà vu.
template <class T>
class Receiver {
    using Shared = detail::Shared<T>;

public:
    /// \brief Un regard de plus, qui a vu ce que `other` a vu.
    Receiver(const Receiver& other) noexcept : shared_(other.shared_), seen_(other.seen_) {
        shared_->add_ref();
        // relaxed : un récepteur naît d'un récepteur vivant.
        shared_->receivers.fetch_add(1, std::memory_order_relaxed);
    }
    /// \brief Transfère le récepteur.
    Receiver(Receiver&& other) noexcept
        : shared_(std::exchange(other.shared_, nullptr)), seen_(other.seen_) {}
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;
    /// \brief Un regard de moins (l'émetteur le voit dans `receiver_count`).
    ~Receiver() {
        if (shared_ != nullptr) {
            // release : l'émetteur qui lit 0 (acquire) voit ce que nous avons fait avant.
            shared_->receivers.fetch_sub(1, std::memory_order_release);
            shared_->release();
        }
    }

    /// \brief L'attente d'une version pas encore vue.
    class Changed {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas.
        Changed(Changed&& other) noexcept : receiver_(other.receiver_) {}
        Changed(const Changed&) = delete;
        Changed& operator=(const Changed&) = delete;
        Changed& operator=(Changed&&) = delete;
        /// \brief Abandonné : on sort de la file.
        ~Changed() {
            if (waiting_) {
                std::lock_guard guard(receiver_.shared_->lock);
                if (node_.linked) {
                    receiver_.shared_->waiters.remove(node_);
                }
            }
        }
        /// \brief Tout se décide sous le verrou, dans `await_suspend`.
        bool await_ready() const noexcept { return false; }
        /// \brief Ne suspend pas si une version n'a pas été vue (ou si l'émetteur est parti).
        bool await_suspend(std::coroutine_handle<> caller) {
            Shared& shared = *receiver_.shared_;
            std::lock_guard guard(shared.lock);
            if (shared.version != receiver_.seen_ || shared.closed) {
                return false;
            }
            node_.waker =
                rt::detail::require_current_task("watch::Receiver::changed").suspend_at(caller);
            shared.waiters.push_back(node_);
            waiting_ = true;
            return true;
        }
        /// \brief Une nouvelle version est là (elle est désormais « vue ») ; `RecvError` si
        /// l'émetteur est parti sans rien publier de nouveau.
        Result<void, RecvError> await_resume() {
            waiting_ = false;
            Shared& shared = *receiver_.shared_;
            std::lock_guard guard(shared.lock);
            if (shared.version != receiver_.seen_) {
                receiver_.seen_ = shared.version;
                return {};
            }
            return RecvError();
        }

    private:
        friend class Receiver;
        explicit Changed(Receiver& receiver) noexcept : receiver_(receiver) {}
        Receiver& receiver_;
        rt::detail::WaitNode node_;
        bool waiting_ = false;
    };

    /// \brief Attend une valeur pas encore vue : `while ((co_await rx.changed()).has_value())`.
    [[nodiscard]] Changed changed() noexcept { return Changed(*this); }
    /// \brief Lit la valeur courante, sans la marquer vue.
    [[nodiscard]] Ref<T> borrow() const { return Ref<T>(shared_->value_lock, shared_->value); }
    /// \brief Lit la valeur courante et la marque vue.
    [[nodiscard]] Ref<T> borrow_and_update() {
        Ref<T> ref(shared_->value_lock, shared_->value); // la valeur tenue : pas d'envoi entre
        std::lock_guard guard(shared_->lock);
        seen_ = shared_->version;
        return ref;
    }
    /// \brief Vrai si une version n'a pas été vue ; `RecvError` si l'émetteur est parti.
    Result<bool, RecvError> has_changed() const {
        std::lock_guard guard(shared_->lock);
        if (shared_->closed) {
            return RecvError();
        }
        return shared_->version != seen_;
    }

private:
    friend class Sender<T>;
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(U initial);
    Receiver(Shared* shared, std::uint64_t seen) noexcept : shared_(shared), seen_(seen) {}

    Shared* shared_;
    std::uint64_t seen_; ///< la dernière version vue
};

/// \brief Un état surveillé, qui vaut `initial` : `auto [tx, rx] = watch::channel(0);`.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(T initial) {
    auto* shared = new detail::Shared<T>(std::move(initial)); // une référence par côté
    return {Sender<T>(shared), Receiver<T>(shared, 0)};
}

} // namespace rt::sync::watch
