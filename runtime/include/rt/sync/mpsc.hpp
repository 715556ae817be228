#pragma once
/// \file
/// \brief `rt::sync::mpsc` : des canaux plusieurs-émetteurs / un-récepteur, bornés (avec
/// contre-pression) ou non (comme `tokio::sync::mpsc`).

#include <coroutine>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "rt/detail/coop.hpp"
#include "rt/detail/mpsc_chan.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/result.hpp"

/// \brief Les canaux plusieurs-émetteurs / un-récepteur (comme `tokio::sync::mpsc`) :
/// `channel` (borné, avec contre-pression) et `unbounded_channel`.
namespace rt::sync::mpsc {

// --- Les erreurs ---------------------------------------------------------------------------

/// \brief Envoi refusé : le récepteur est parti (ou a fermé le canal). Le message est rendu
/// dans `value`, comme le `SendError(T)` de tokio.
template <class T>
class SendError : public std::runtime_error {
public:
    /// \brief L'erreur qui rend `message`.
    explicit SendError(T message)
        : std::runtime_error("mpsc : le récepteur est parti, le message n'a pas été envoyé"),
          value(std::move(message)) {}
    T value; ///< le message refusé
};

/// \brief Réservation refusée (`Sender::reserve`) : le récepteur est parti.
template <>
class SendError<void> : public std::runtime_error {
public:
    SendError() : std::runtime_error("mpsc : le récepteur est parti, aucune place à réserver") {}
};

/// \brief Envoi immédiat refusé (`try_send`) : canal plein, ou récepteur parti. Le message
/// est rendu dans `value`.
template <class T>
class TrySendError : public std::runtime_error {
public:
    /// \brief L'erreur qui rend `message`.
    TrySendError(bool closed, T message)
        : std::runtime_error(closed ? "mpsc : le récepteur est parti, le message n'a pas été "
                                      "envoyé"
                                    : "mpsc : le canal est plein, le message n'a pas été envoyé"),
          value(std::move(message)), closed_(closed) {}
    /// \brief Vrai si le canal était plein (réessayer plus tard a un sens).
    [[nodiscard]] bool is_full() const noexcept { return !closed_; }
    /// \brief Vrai si le récepteur est parti (réessayer ne sert à rien).
    [[nodiscard]] bool is_closed() const noexcept { return closed_; }
    T value; ///< le message refusé

private:
    bool closed_;
};

/// \brief Réception immédiate impossible (`try_recv`) : rien pour l'instant, ou plus rien
/// jamais.
class TryRecvError : public std::runtime_error {
public:
    /// \brief `disconnected` : vide et plus aucun émetteur (ou canal fermé).
    explicit TryRecvError(bool disconnected)
        : std::runtime_error(disconnected ? "mpsc : canal vide et fermé, plus rien ne viendra"
                                          : "mpsc : canal vide pour l'instant"),
          disconnected_(disconnected) {}
    /// \brief Vrai si le canal est vide pour l'instant.
    [[nodiscard]] bool is_empty() const noexcept { return !disconnected_; }
    /// \brief Vrai si plus rien ne viendra.
    [[nodiscard]] bool is_disconnected() const noexcept { return disconnected_; }

private:
    bool disconnected_;
};

template <class T>
class Sender;
template <class T>
class Receiver;
template <class T>
class UnboundedSender;

namespace detail {

using rt::detail::WakeList;
using rt::detail::Waker;
using rt::detail::mpsc::Chan;

/// \brief Ce que partagent `Sender` et `UnboundedSender` : une référence sur le canal, et le
/// compte des émetteurs (le dernier parti ferme le canal pour le récepteur).
template <class T>
class SenderBase {
public:
    /// \brief Un émetteur de plus (le `clone()` de tokio).
    SenderBase(const SenderBase& other) noexcept : chan_(other.chan_) {
        chan_->add_ref();
        // relaxed : un émetteur naît d'un émetteur vivant, le compte ne peut pas être à 0.
        chan_->senders.fetch_add(1, std::memory_order_relaxed);
    }
    /// \brief Transfère l'émetteur.
    SenderBase(SenderBase&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
    SenderBase& operator=(const SenderBase&) = delete;
    SenderBase& operator=(SenderBase&&) = delete;
    /// \brief Le dernier émetteur parti réveille le récepteur : plus rien ne viendra.
    ~SenderBase() {
        if (chan_ == nullptr) {
            return;
        }
        // acq_rel : le dernier parti voit les envois des autres (acquire) ; chacun publie les
        // siens (release) au récepteur qui lira 0.
        if (chan_->senders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            Waker receiver;
            {
                // Sous le verrou : le récepteur qui regardait le compte avant notre
                // décrément a fini de s'inscrire ; on prend son réveil.
                std::lock_guard lock(chan_->lock);
                receiver = std::move(chan_->receiver);
            }
            receiver.wake();
        }
        chan_->release();
    }

    /// \brief Vrai si le récepteur est parti ou a fermé le canal : tout envoi échouera.
    [[nodiscard]] bool is_closed() const {
        std::lock_guard lock(chan_->lock);
        return chan_->rx_closed;
    }

protected:
    explicit SenderBase(Chan<T>* chan) noexcept : chan_(chan) {}
    Chan<T>* chan_;
};

} // namespace detail

// --- Le canal borné ------------------------------------------------------------------------

/// \brief Une place réservée dans un canal borné (`Sender::reserve`) : l'envoi qui la
/// consomme ne peut plus attendre ni échouer. Rendue au canal si elle n'est pas utilisée.
template <class T>
class Permit {
public:
    /// \brief Transfère la place.
    Permit(Permit&& other) noexcept : sender_(std::exchange(other.sender_, std::nullopt)) {}
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    Permit& operator=(Permit&&) = delete;
    /// \brief Place pas utilisée : rendue (au premier émetteur qui attend).
    ~Permit() {
        if (sender_) {
            detail::WakeList wakes; // après le verrou : réveils verrou relâché
            std::lock_guard lock(chan().lock);
            --chan().reserved;
            chan().fill_from_waiters_locked(wakes);
        }
    }
    /// \brief Envoie `message` dans la place réservée (sans attendre). Si le récepteur est
    /// parti entre-temps, le message est perdu, comme chez tokio.
    void send(T message) && {
        // La place est consommée quoi qu'il arrive : l'émetteur part avec cet appel.
        std::optional<Sender<T>> sender = std::exchange(sender_, std::nullopt);
        detail::Waker receiver;
        std::optional<T> dropped;
        {
            std::lock_guard lock(sender->chan_->lock);
            --sender->chan_->reserved;
            if (sender->chan_->rx_closed) {
                dropped.emplace(std::move(message)); // détruit hors du verrou
            } else {
                receiver = sender->chan_->push_locked(std::move(message));
            }
        }
        receiver.wake();
    }

private:
    friend class Sender<T>;
    explicit Permit(Sender<T> sender) : sender_(std::move(sender)) {}
    detail::Chan<T>& chan() { return *sender_->chan_; }

    std::optional<Sender<T>> sender_; ///< tient le canal ouvert tant que la place existe
};

/// \brief Le côté émetteur d'un canal borné. Copiable : chaque copie est un émetteur de
/// plus ; le canal se ferme pour le récepteur quand le dernier est détruit.
template <class T>
class Sender : public detail::SenderBase<T> {
    using Base = detail::SenderBase<T>;
    using Base::chan_;

public:
    /// \brief L'attente d'une place : celle de `send` (le message attend avec nous) ou de
    /// `reserve` (on ne demande que la place).
    class Send {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select` ou un `timeout`).
        Send(Send&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
            : chan_(other.chan_), message_(std::move(other.message_)) {}
        Send(const Send&) = delete;
        Send& operator=(const Send&) = delete;
        Send& operator=(Send&&) = delete;
        /// \brief Abandonné avant d'avoir envoyé (en file, ou réveillé avec une place gardée
        /// mais pas encore repris) : on sort de la file, ou l'on rend la place au suivant ; le
        /// message est détruit avec nous, il n'a jamais été envoyé.
        ~Send() {
            if (stage_ != Stage::Queued && stage_ != Stage::Yielding) {
                return;
            }
            detail::WakeList wakes; // après le verrou : réveils verrou relâché
            std::lock_guard lock(chan_.lock);
            if (stage_ == Stage::Queued && node_.linked) {
                chan_.send_waiters.remove(node_);
            } else if (!node_.closed) {
                --chan_.reserved; // la place gardée pour nous
                chan_.fill_from_waiters_locked(wakes);
            }
        }
        /// \brief Tout se décide sous le verrou, dans `await_suspend`.
        bool await_ready() const noexcept { return false; }
        /// \brief Dépose le message s'il y a de la place, sinon attend en file.
        bool await_suspend(std::coroutine_handle<> caller) {
            detail::Waker receiver;
            {
                std::lock_guard lock(chan_.lock);
                if (chan_.rx_closed) {
                    stage_ = Stage::Closed;
                    return false;
                }
                if (!chan_.has_room_locked()) {
                    node_.closed = false;
                    node_.waker =
                        rt::detail::require_current_task("mpsc::Sender::send").suspend_at(caller);
                    chan_.send_waiters.push_back(node_);
                    stage_ = Stage::Queued;
                    return true;
                }
                if (!rt::detail::coop::poll_proceed()) {
                    // Un envoi prêt consomme du budget. Épuisé : on cède la main **avant**
                    // d'envoyer, en gardant la place (comme un `reserve`). Le message ne part
                    // qu'à la reprise : abandonné entre-temps (select, timeout), l'envoi n'a
                    // pas eu lieu, comme le dit l'appelant. L'envoyer d'abord puis céder, ce
                    // serait un envoi « abandonné » que le récepteur reçoit quand même.
                    ++chan_.reserved;
                    stage_ = Stage::Yielding;
                    rt::detail::coop::yield_for_budget(caller);
                    return true;
                }
                receiver = chan_.push_locked(std::move(*message_));
                message_.reset();
                stage_ = Stage::Sent;
            }
            receiver.wake();
            return false;
        }
        /// \brief Succès, ou `SendError` avec le message si le récepteur est parti.
        Result<void, SendError<T>> await_resume() {
            // Réveillé en file : `node_.closed` a été écrit sous le verrou avant le réveil, que
            // la reprise de la tâche nous fait voir. Sinon une place nous est gardée.
            if (stage_ == Stage::Yielding || (stage_ == Stage::Queued && !node_.closed)) {
                send_in_reserved_slot();
            }
            const bool closed =
                stage_ == Stage::Closed || (stage_ == Stage::Queued && node_.closed);
            stage_ = Stage::Done;
            if (closed) {
                return SendError<T>(std::move(*message_));
            }
            return {};
        }

    private:
        friend class Sender;
        Send(detail::Chan<T>& chan, T message) : chan_(chan), message_(std::move(message)) {}

        /// Après avoir cédé la main : le message entre dans la place gardée (ou revient à
        /// l'appelant si le récepteur est parti entre-temps).
        void send_in_reserved_slot() {
            detail::Waker receiver;
            {
                std::lock_guard lock(chan_.lock);
                --chan_.reserved;
                if (chan_.rx_closed) {
                    stage_ = Stage::Closed;
                    return;
                }
                receiver = chan_.push_locked(std::move(*message_));
                message_.reset();
                stage_ = Stage::Sent;
            }
            receiver.wake();
        }

        enum class Stage { Start, Yielding, Sent, Queued, Closed, Done };
        detail::Chan<T>& chan_;
        std::optional<T> message_; ///< vidé quand le message entre dans la file
        Stage stage_ = Stage::Start;
        rt::detail::mpsc::SendWaiter node_;
    };

    /// \brief L'attente d'une place à réserver (`reserve`).
    class Reserve {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas.
        Reserve(Reserve&& other) noexcept : sender_(other.sender_) {}
        Reserve(const Reserve&) = delete;
        Reserve& operator=(const Reserve&) = delete;
        Reserve& operator=(Reserve&&) = delete;
        /// \brief Abandonné : on sort de la file, ou l'on rend la place reçue.
        ~Reserve() {
            if (stage_ == Stage::Got || stage_ == Stage::Queued) {
                detail::WakeList wakes;
                std::lock_guard lock(chan().lock);
                if (node_.linked) {
                    chan().send_waiters.remove(node_);
                } else if (!node_.closed) {
                    --chan().reserved; // la place nous avait été donnée
                    chan().fill_from_waiters_locked(wakes);
                }
            }
        }
        /// \brief Tout se décide sous le verrou, dans `await_suspend`.
        bool await_ready() const noexcept { return false; }
        /// \brief Prend une place libre, sinon attend en file.
        bool await_suspend(std::coroutine_handle<> caller) {
            std::lock_guard lock(chan().lock);
            if (chan().rx_closed) {
                stage_ = Stage::Closed;
                return false;
            }
            if (chan().has_room_locked()) {
                ++chan().reserved;
                stage_ = Stage::Got;
                return false;
            }
            node_.closed = false;
            node_.waker =
                rt::detail::require_current_task("mpsc::Sender::reserve").suspend_at(caller);
            chan().send_waiters.push_back(node_);
            stage_ = Stage::Queued;
            return true;
        }
        /// \brief La place, ou `SendError<void>` si le récepteur est parti.
        Result<Permit<T>, SendError<void>> await_resume() {
            const bool closed =
                stage_ == Stage::Closed || (stage_ == Stage::Queued && node_.closed);
            stage_ = Stage::Done;
            if (closed) {
                return SendError<void>();
            }
            return Permit<T>(sender_); // une copie : la place garde le canal ouvert
        }

    private:
        friend class Sender;
        explicit Reserve(const Sender& sender) noexcept : sender_(sender) {}
        detail::Chan<T>& chan() const noexcept { return *sender_.chan_; }

        enum class Stage { Start, Got, Queued, Closed, Done };
        const Sender& sender_;
        Stage stage_ = Stage::Start;
        rt::detail::mpsc::SendWaiter node_;
    };

    /// \brief Attend une place, puis envoie : `co_await tx.send(v)`. Le message est rendu
    /// dans l'erreur si le récepteur est parti.
    [[nodiscard]] Send send(T message) const { return Send(*chan_, std::move(message)); }
    /// \brief Envoie s'il y a de la place tout de suite ; sinon rend le message dans l'erreur
    /// (`is_full()` ou `is_closed()`).
    Result<void, TrySendError<T>> try_send(T message) const {
        detail::Waker receiver;
        {
            std::lock_guard lock(chan_->lock);
            if (chan_->rx_closed) {
                return TrySendError<T>(true, std::move(message));
            }
            if (!chan_->has_room_locked()) {
                return TrySendError<T>(false, std::move(message));
            }
            receiver = chan_->push_locked(std::move(message));
        }
        receiver.wake();
        return {};
    }
    /// \brief Attend une place et la garde (`Permit`) : l'envoi qui suivra ne pourra plus
    /// attendre. Utile pour ne préparer un message coûteux qu'une fois la place acquise.
    [[nodiscard]] Reserve reserve() const noexcept { return Reserve(*this); }
    /// \brief Les places libres à cet instant.
    [[nodiscard]] std::size_t capacity() const {
        std::lock_guard lock(chan_->lock);
        return chan_->capacity - chan_->queue.size() - chan_->reserved;
    }
    /// \brief La capacité donnée à la création.
    [[nodiscard]] std::size_t max_capacity() const noexcept { return chan_->capacity; }

private:
    friend class Permit<T>;
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
    explicit Sender(detail::Chan<T>* chan) noexcept : Base(chan) {}
};

// --- Le canal sans borne -------------------------------------------------------------------

/// \brief Le côté émetteur d'un canal sans borne : l'envoi n'attend jamais (la mémoire est
/// la seule limite : sans contre-pression, un récepteur lent laisse la file grandir).
template <class T>
class UnboundedSender : public detail::SenderBase<T> {
    using Base = detail::SenderBase<T>;
    using Base::chan_;

public:
    /// \brief Envoie `message` ; rendu dans l'erreur si le récepteur est parti.
    Result<void, SendError<T>> send(T message) const {
        detail::Waker receiver;
        {
            std::lock_guard lock(chan_->lock);
            if (chan_->rx_closed) {
                return SendError<T>(std::move(message));
            }
            receiver = chan_->push_locked(std::move(message));
        }
        receiver.wake();
        return {};
    }

private:
    template <class U>
    friend std::pair<UnboundedSender<U>, Receiver<U>> unbounded_channel();
    explicit UnboundedSender(detail::Chan<T>* chan) noexcept : Base(chan) {}
};

// --- Le récepteur --------------------------------------------------------------------------

/// \brief Le côté récepteur (un seul) : `co_await rx.recv()` rend le message suivant, ou
/// `std::nullopt` quand plus rien ne viendra (tous les émetteurs partis, file vide).
template <class T>
class Receiver {
public:
    /// \brief Transfère le récepteur.
    Receiver(Receiver&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;
    /// \brief Ferme le canal et détruit les messages restants ; les émetteurs en attente sont
    /// réveillés (leur envoi échoue et leur rend le message).
    ~Receiver() {
        if (chan_ == nullptr) {
            return;
        }
        std::deque<T> restants; // détruits hors du verrou (leur destructeur peut tout faire)
        {
            detail::WakeList wakes;
            std::lock_guard lock(chan_->lock);
            chan_->close_receiver_locked(wakes);
            restants.swap(chan_->queue);
        }
        chan_->release();
    }

    /// \brief L'attente du message suivant.
    class Recv {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas.
        Recv(Recv&& other) noexcept : chan_(other.chan_) {}
        Recv(const Recv&) = delete;
        Recv& operator=(const Recv&) = delete;
        Recv& operator=(Recv&&) = delete;
        /// \brief Abandonné pendant l'attente : on retire notre réveil ; aucun message n'est
        /// perdu (il n'est pris de la file qu'à la reprise).
        ~Recv() {
            if (stage_ == Stage::Waiting) {
                detail::Waker stale; // rendu hors du verrou
                std::lock_guard lock(chan_.lock);
                stale = std::move(chan_.receiver);
            }
        }
        /// \brief Tout se décide sous le verrou, dans `await_suspend`.
        bool await_ready() const noexcept { return false; }
        /// \brief Ne suspend pas s'il y a un message (ou plus rien à attendre) ; sinon
        /// inscrit le réveil.
        bool await_suspend(std::coroutine_handle<> caller) {
            {
                std::lock_guard lock(chan_.lock);
                if (chan_.queue.empty() && !chan_.drained_locked()) {
                    chan_.receiver =
                        rt::detail::require_current_task("mpsc::Receiver::recv").suspend_at(caller);
                    stage_ = Stage::Waiting;
                    return true;
                }
            }
            // Prêt : le message reste dans la file jusqu'à la reprise (un seul récepteur :
            // personne ne le prendra). Budget épuisé : on cède la main d'abord.
            stage_ = Stage::Ready;
            if (!rt::detail::coop::poll_proceed()) {
                rt::detail::coop::yield_for_budget(caller);
                return true;
            }
            return false;
        }
        /// \brief Le message suivant, ou `std::nullopt` si plus rien ne viendra.
        std::optional<T> await_resume() {
            stage_ = Stage::Done;
            std::optional<T> message;
            detail::WakeList wakes; // après le verrou : réveils verrou relâché
            std::lock_guard lock(chan_.lock);
            if (!chan_.queue.empty()) {
                message.emplace(std::move(chan_.queue.front()));
                chan_.queue.pop_front();
                chan_.fill_from_waiters_locked(wakes); // une place libre : au premier en file
            }
            return message;
        }

    private:
        friend class Receiver;
        explicit Recv(detail::Chan<T>& chan) noexcept : chan_(chan) {}

        enum class Stage { Start, Waiting, Ready, Done };
        detail::Chan<T>& chan_;
        Stage stage_ = Stage::Start;
    };

    /// \brief Attend le message suivant : `while (auto m = co_await rx.recv()) { ... }`.
    [[nodiscard]] Recv recv() noexcept { return Recv(*chan_); }
    /// \brief Le message suivant s'il est déjà là ; sinon `TryRecvError` (vide pour
    /// l'instant, ou plus rien ne viendra).
    Result<T, TryRecvError> try_recv() {
        detail::WakeList wakes;
        std::lock_guard lock(chan_->lock);
        if (chan_->queue.empty()) {
            return TryRecvError(chan_->drained_locked());
        }
        T message = std::move(chan_->queue.front());
        chan_->queue.pop_front();
        chan_->fill_from_waiters_locked(wakes);
        return message;
    }
    /// \brief Ferme le canal : plus aucun envoi n'est accepté (les émetteurs en attente
    /// échouent), mais les messages déjà dans la file restent à recevoir.
    void close() {
        detail::WakeList wakes;
        std::lock_guard lock(chan_->lock);
        chan_->close_receiver_locked(wakes);
    }
    /// \brief Vrai si plus aucun envoi ne sera accepté (`close()`, ou plus d'émetteur).
    [[nodiscard]] bool is_closed() const {
        std::lock_guard lock(chan_->lock);
        return chan_->rx_closed || chan_->senders.load(std::memory_order_acquire) == 0;
    }
    /// \brief Le nombre de messages dans la file.
    [[nodiscard]] std::size_t len() const {
        std::lock_guard lock(chan_->lock);
        return chan_->queue.size();
    }
    /// \brief Vrai si la file est vide.
    [[nodiscard]] bool is_empty() const { return len() == 0; }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
    template <class U>
    friend std::pair<UnboundedSender<U>, Receiver<U>> unbounded_channel();
    explicit Receiver(detail::Chan<T>* chan) noexcept : chan_(chan) {}

    detail::Chan<T>* chan_;
};

/// \brief Le récepteur d'un canal sans borne (le même type : seul l'émetteur diffère).
template <class T>
using UnboundedReceiver = Receiver<T>;

/// \brief Un canal borné à `capacity` messages : `auto [tx, rx] = mpsc::channel<int>(32);`.
/// Quand il est plein, `co_await tx.send(v)` attend qu'une place se libère (la
/// contre-pression). `std::invalid_argument` si `capacity` vaut 0.
/// \see La leçon du \chapitre{12}.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
    if (capacity == 0 || capacity == rt::detail::mpsc::UNBOUNDED) {
        throw std::invalid_argument("mpsc::channel : la capacité doit être comprise entre 1 et "
                                    "SIZE_MAX - 1 (unbounded_channel pour un canal sans borne)");
    }
    auto* chan = new detail::Chan<T>(capacity); // deux références : une par côté
    return {Sender<T>(chan), Receiver<T>(chan)};
}

/// \brief Un canal sans borne : `send` n'attend jamais.
template <class T>
std::pair<UnboundedSender<T>, Receiver<T>> unbounded_channel() {
    auto* chan = new detail::Chan<T>(rt::detail::mpsc::UNBOUNDED);
    return {UnboundedSender<T>(chan), Receiver<T>(chan)};
}

} // namespace rt::sync::mpsc
