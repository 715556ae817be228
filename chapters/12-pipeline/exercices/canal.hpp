// Chapitre 12 — exercice « construire » : un canal mpsc borné, avec contre-pression.
//
// À compléter : les TODO 1 à 7. Le reste (l'anneau, l'état, les types, les constructeurs)
// est fourni. Vérifiez-vous avec « ./cours verifier 12 canal » ; indices : « ./cours indice 12 canal ».
//
// Une version autonome et simplifiée de rt::sync::mpsc::channel (runtime/include/rt/sync/
// mpsc.hpp et rt/detail/mpsc_chan.hpp). Elle garde le cœur :
//   - un anneau de capacité fixe (la file des messages) ;
//   - des émetteurs qui ATTENDENT quand l'anneau est plein (la contre-pression), dans
//     l'ordre d'arrivée ; chaque place libérée par le récepteur est RÉSERVÉE au premier
//     d'entre eux, qui est réveillé et y dépose son message à sa reprise (personne ne peut
//     la lui prendre entre-temps) ;
//   - un seul récepteur, qui attend quand l'anneau est vide ;
//   - la fermeture : quand le dernier Sender est détruit, recv() rend ce qui reste, puis
//     std::nullopt ; quand le Receiver est détruit, tout envoi échoue et rend son message ;
//   - l'annulation : un envoi abandonné quitte la file, ou rend la place qui lui était
//     réservée, et son message n'est jamais reçu ; une réception abandonnée ne perd rien (le
//     message n'est pris de l'anneau qu'à la reprise).
//
// Ce qu'elle laisse de côté (le runtime, lui, l'a) :
//   - reserve() et Permit (réserver une place avant de préparer le message) ;
//   - try_send / try_recv (essayer sans attendre), close() côté récepteur, is_closed() ;
//   - unbounded_channel (le canal sans borne : send n'attend jamais) ;
//   - le budget coopératif (une boucle d'envois toujours prêts ne cède jamais la main) ;
//   - le compte d'émetteurs atomique (ici, copier un Sender prend le verrou) et
//     l'allocateur de trames (ici, un std::shared_ptr).
//
// Les briques du runtime utilisées (les mêmes que mpsc.hpp) :
//   - rt::detail::require_current_task(quoi) : la tâche qui exécute le co_await ;
//   - TaskHeader::suspend_at(caller) : ouvre une suspension et rend son Waker ;
//   - rt::detail::Waker : wake() termine cette suspension-là (légal depuis tout thread) ;
//   - rt::detail::WaitNode / WaitList : une file FIFO intrusive de maillons d'attente, logés
//     dans les awaiters (donc dans les trames des coroutines suspendues) ;
//   - rt::detail::WakeList : des réveils ramassés sous le verrou, exécutés après l'avoir rendu.
#pragma once

#include <rt/rt.hpp>

#include <coroutine>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace construire {

/// Envoi refusé : le récepteur est parti. Le message est rendu dans `value` (comme le
/// SendError(T) de tokio).
template <class T>
class SendError : public std::runtime_error {
public:
    explicit SendError(T message)
        : std::runtime_error("canal : le récepteur est parti, le message n'a pas été envoyé"),
          value(std::move(message)) {}
    T value; ///< le message refusé
};

template <class T>
class Sender;
template <class T>
class Receiver;

namespace detail {

/// Un anneau de capacité fixe : `size()` messages rangés à partir de `head_`. (Fourni.)
template <class T>
class Ring {
public:
    explicit Ring(std::size_t capacity) : slots_(capacity) {}

    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] bool full() const noexcept { return size_ == slots_.size(); }

    /// Range `message` après le plus récent. Précondition : !full().
    void push_back(T message) {
        slots_[(head_ + size_) % slots_.size()].emplace(std::move(message));
        ++size_;
    }
    /// Retire et rend le plus ancien. Précondition : !empty().
    T pop_front() {
        T message = std::move(*slots_[head_]);
        slots_[head_].reset();
        head_ = (head_ + 1) % slots_.size();
        --size_;
        return message;
    }

private:
    std::vector<std::optional<T>> slots_;
    std::size_t head_ = 0; ///< la case du plus ancien message
    std::size_t size_ = 0; ///< le nombre de messages
};

/// Un émetteur qui attend une place : un maillon de la file `waiting_senders`, logé dans
/// l'awaiter de son `send` (donc dans la trame de la coroutine suspendue).
struct WaitingSender : rt::detail::WaitNode {
    /// Réveillé parce que le récepteur est parti (sinon : une place lui est réservée).
    bool closed = false;
};

/// L'état partagé : un verrou, et sous lui tout le reste. (Fourni, sauf serve_waiters_locked.)
template <class T>
struct State {
    explicit State(std::size_t capacity) : queue(capacity) {}

    std::mutex lock;
    Ring<T> queue;            ///< les messages
    std::size_t reserved = 0; ///< places réservées à des émetteurs réveillés, pas encore repris
    std::size_t senders = 1;    ///< Sender vivants
    bool receiver_alive = true; ///< faux quand le Receiver est détruit
    rt::detail::WaitList
        waiting_senders;        ///< les émetteurs en attente, du plus ancien au plus récent
    rt::detail::Waker receiver; ///< le réveil du récepteur, s'il attend un message

    /// Vrai s'il reste une place pour un nouvel envoi, sans doubler personne.
    [[nodiscard]] bool has_room_locked() const noexcept {
        return waiting_senders.empty() && queue.size() + reserved < queue.capacity();
    }

    /// Réserve les places libres aux émetteurs en attente, dans l'ordre d'arrivée ; leurs
    /// réveils vont dans `wakes` (exécutés plus tard, verrou rendu). Appelé sous le verrou,
    /// chaque fois qu'une place se libère.
    void serve_waiters_locked(rt::detail::WakeList& wakes) {
        // TODO 1 : tant qu'un émetteur attend ET qu'il reste une place (queue.size() +
        // reserved < queue.capacity()) :
        //   - retirer le PREMIER arrivé (waiting_senders.pop_front()) ;
        //   - lui RÉSERVER la place (++reserved) : il y déposera son message lui-même, à sa
        //     reprise (voir Send::await_resume) ;
        //   - ranger son réveil dans `wakes` (wakes.push(std::move(waiter->waker))).
        (void)wakes;
    }
};

} // namespace detail

/// Le côté émetteur. Copiable : chaque copie est un émetteur de plus ; le canal se ferme pour
/// le récepteur quand le dernier est détruit.
template <class T>
class Sender {
public:
    Sender(const Sender& other) : state_(other.state_) {
        std::lock_guard lock(state_->lock);
        ++state_->senders;
    }
    Sender(Sender&& other) noexcept = default; // l'original devient vide (state_ nul)
    Sender& operator=(const Sender&) = delete;
    Sender& operator=(Sender&&) = delete;

    /// Le dernier émetteur parti réveille le récepteur : plus rien ne viendra.
    ~Sender() {
        if (!state_) {
            return; // déplacé
        }
        std::lock_guard lock(state_->lock);
        --state_->senders;
        // TODO 2 : si c'était le DERNIER émetteur, le récepteur qui attend un message n'en
        // recevra jamais : il faut le réveiller (son await_resume trouvera l'anneau vide et
        // rendra std::nullopt). Sortez le Waker de l'état (state_->receiver) sous le verrou, et
        // appelez wake() APRÈS avoir rendu le verrou (un bloc { } autour du lock_guard).
    }

    /// L'attente d'une place pour un message : `co_await tx.send(v)`.
    class Send {
    public:
        /// Déplaçable tant qu'il n'attend pas (pour un select ou un timeout).
        Send(Send&& other) noexcept : state_(other.state_), message_(std::move(other.message_)) {}
        Send(const Send&) = delete;
        Send& operator=(const Send&) = delete;
        Send& operator=(Send&&) = delete;

        /// Abandonné avant d'avoir envoyé (abort, select, timeout) : s'il est encore en file,
        /// on l'en retire (sinon elle garderait un maillon qui pointe dans une trame
        /// détruite) ; s'il a été réveillé avec une place réservée, on la rend au suivant.
        /// Dans les deux cas le message est détruit avec nous : il n'a jamais été envoyé.
        ~Send() {
            // TODO 3 : rien à faire si l'envoi n'est pas (ou plus) en attente
            // (stage_ != Stage::Queued). Sinon, sous le verrou (et avec une WakeList déclarée
            // AVANT le verrou) :
            //   - s'il est encore en file (node_.linked) : l'en retirer ;
            //   - sinon, s'il a été réveillé avec une place réservée (!node_.closed) : rendre
            //     la place (--reserved) et la donner au suivant (serve_waiters_locked).
        }

        bool await_ready() const noexcept { return false; } // tout se décide sous le verrou

        /// Dépose le message s'il y a de la place, sinon attend en file avec lui.
        bool await_suspend(std::coroutine_handle<> caller) {
            // TODO 4 : sous le verrou, trois cas.
            //   a. le récepteur est parti : stage_ = Stage::Closed, ne pas suspendre ;
            //   b. pas de place pour un nouvel envoi (state_.has_room_locked() est faux) :
            //      attendre en file. node_.closed = false, node_.waker =
            //      rt::detail::require_current_task("construire::Sender::send").suspend_at(caller),
            //      ajouter node_ EN QUEUE de waiting_senders, stage_ = Stage::Queued, suspendre ;
            //   c. sinon : le message entre dans l'anneau (vider message_ ensuite),
            //      stage_ = Stage::Sent, et le récepteur, s'il attendait (state_.receiver), doit
            //      être réveillé — APRÈS avoir rendu le verrou.
            (void)caller;
            stage_ = Stage::Closed;
            return false;
        }

        /// Succès, ou SendError avec le message si le récepteur est parti.
        rt::Result<void, SendError<T>> await_resume() {
            // Réveillé en file : node_.closed a été écrit sous le verrou avant le réveil, que
            // la reprise de la tâche nous fait voir. Sinon, une place nous est réservée.
            if (stage_ == Stage::Queued && !node_.closed) {
                send_in_reserved_slot();
            } else if (stage_ == Stage::Queued) {
                stage_ = Stage::Closed;
            }
            const bool closed = stage_ == Stage::Closed;
            stage_ = Stage::Done;
            if (closed) {
                return SendError<T>(std::move(*message_));
            }
            return {};
        }

    private:
        friend class Sender;
        Send(detail::State<T>& state, T message) : state_(state), message_(std::move(message)) {}

        /// À la reprise : dépose le message dans la place réservée (ou, si le récepteur est
        /// parti entre-temps, rend la place et garde le message pour l'erreur).
        void send_in_reserved_slot() {
            // TODO 5 : sous le verrou, la place réservée est consommée (--reserved) ; si le
            // récepteur est parti entre-temps, stage_ = Stage::Closed (le message sera rendu) ;
            // sinon, déposer le message dans l'anneau, stage_ = Stage::Sent, et réveiller le
            // récepteur s'il attendait (hors du verrou).
        }

        /// Où en est l'envoi : Queued tant qu'il est en file, ou réveillé sans avoir repris.
        enum class Stage { Start, Sent, Queued, Closed, Done };
        detail::State<T>& state_;
        std::optional<T> message_; ///< vidé quand le message entre dans l'anneau
        Stage stage_ = Stage::Start;
        detail::WaitingSender node_;
    };

    /// Attend une place, puis envoie. Le message est rendu dans l'erreur si le récepteur est
    /// parti.
    [[nodiscard]] Send send(T message) const { return Send(*state_, std::move(message)); }

    /// Le nombre d'émetteurs en attente d'une place (pour les tests et les mesures). (Fourni.)
    [[nodiscard]] std::size_t waiting_senders() const {
        std::lock_guard lock(state_->lock);
        return state_->waiting_senders.size();
    }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
    explicit Sender(std::shared_ptr<detail::State<T>> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::State<T>> state_;
};

/// Le côté récepteur (un seul). Déplaçable.
template <class T>
class Receiver {
public:
    Receiver(Receiver&& other) noexcept = default;
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;

    /// Ferme le canal : les émetteurs en attente sont réveillés (leur envoi échoue et leur
    /// rend le message), les envois suivants échouent tout de suite.
    ~Receiver() {
        if (!state_) {
            return; // déplacé
        }
        std::vector<T> rest; // détruits hors du verrou (leur destructeur peut tout faire)
        {
            rt::detail::WakeList wakes; // déclarée AVANT le verrou : réveils verrou rendu
            std::lock_guard lock(state_->lock);
            state_->receiver_alive = false;
            // TODO 7 : réveiller TOUS les émetteurs en attente (pop_front jusqu'à vide), en
            // marquant chacun closed = true (static_cast<detail::WaitingSender*>) : leur envoi
            // échouera et leur rendra le message.
            while (!state_->queue.empty()) {
                rest.push_back(state_->queue.pop_front());
            }
        }
    }

    /// L'attente du message suivant : `co_await rx.recv()`.
    class Recv {
    public:
        Recv(Recv&& other) noexcept : state_(other.state_) {}
        Recv(const Recv&) = delete;
        Recv& operator=(const Recv&) = delete;
        Recv& operator=(Recv&&) = delete;

        /// Abandonné pendant l'attente : on retire notre réveil. Aucun message n'est perdu,
        /// puisqu'il n'est pris de l'anneau qu'à la reprise (await_resume).
        ~Recv() {
            if (waiting_) {
                rt::detail::Waker stale; // rendu hors du verrou
                std::lock_guard lock(state_.lock);
                stale = std::move(state_.receiver);
            }
        }

        bool await_ready() const noexcept { return false; }

        /// Ne suspend pas s'il y a un message, ou si plus rien ne viendra ; sinon inscrit le
        /// réveil du récepteur.
        bool await_suspend(std::coroutine_handle<> caller) {
            // TODO 6a : sous le verrou : si l'anneau est vide et qu'il reste des émetteurs,
            // inscrire le réveil du récepteur (state_.receiver =
            // rt::detail::require_current_task("construire::Receiver::recv").suspend_at(caller)),
            // waiting_ = true, et suspendre (return true). Sinon, ne pas suspendre.
            (void)caller;
            return false;
        }

        /// Le message suivant, ou std::nullopt si l'anneau est vide et qu'aucun émetteur ne
        /// reste. Le message est pris ICI, à la reprise : c'est ce qui rend recv sûr face à
        /// l'annulation.
        std::optional<T> await_resume() {
            waiting_ = false;
            std::optional<T> message;
            rt::detail::WakeList wakes; // avant le verrou : réveils verrou rendu
            std::lock_guard lock(state_.lock);
            // TODO 6b : s'il y a un message, le retirer de l'anneau (pop_front), puis donner la
            // place libérée aux émetteurs en attente (state_.serve_waiters_locked(wakes)).
            // Sinon, std::nullopt : plus rien ne viendra.
            return message;
        }

    private:
        friend class Receiver;
        explicit Recv(detail::State<T>& state) noexcept : state_(state) {}

        detail::State<T>& state_;
        bool waiting_ = false;
    };

    /// Attend le message suivant : `while (auto m = co_await rx.recv()) { ... }`.
    [[nodiscard]] Recv recv() noexcept { return Recv(*state_); }

    /// Le nombre de messages dans l'anneau (pour les tests et les mesures). (Fourni.)
    [[nodiscard]] std::size_t len() const {
        std::lock_guard lock(state_->lock);
        return state_->queue.size();
    }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
    explicit Receiver(std::shared_ptr<detail::State<T>> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::State<T>> state_;
};

/// Un canal borné à `capacity` messages (capacity > 0) : `auto [tx, rx] = channel<int>(8);`.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
    if (capacity == 0) {
        throw std::invalid_argument("channel : la capacité doit être positive");
    }
    auto state = std::make_shared<detail::State<T>>(capacity);
    return {Sender<T>(state), Receiver<T>(state)};
}

} // namespace construire
