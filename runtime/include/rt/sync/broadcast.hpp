#pragma once
/// \file
/// \brief `rt::sync::broadcast` : un canal où chaque message est reçu par tous les abonnés
/// (comme `tokio::sync::broadcast`).

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rt/detail/coop.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/wait_list.hpp"
#include "rt/detail/wake_list.hpp"
#include "rt/result.hpp"

namespace rt::sync::broadcast {

/// \brief Pourquoi `recv` n'a pas rendu de message.
class RecvError : public std::runtime_error {
public:
    /// \brief Tous les émetteurs sont détruits et il n'y a plus rien à lire.
    static RecvError closed() { return RecvError(0); }
    /// \brief Le récepteur a pris trop de retard : `skipped` messages ont été écrasés.
    static RecvError lagged(std::uint64_t skipped) { return RecvError(skipped); }

    /// \brief Vrai si le canal est fermé (le `RecvError::Closed` de tokio).
    [[nodiscard]] bool is_closed() const noexcept { return skipped_ == 0; }
    /// \brief Vrai si des messages ont été perdus (le `RecvError::Lagged(n)` de tokio).
    [[nodiscard]] bool is_lagged() const noexcept { return skipped_ != 0; }
    /// \brief Combien de messages ont été perdus (0 si fermé).
    [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }

    RecvError() : RecvError(0) {}

private:
    explicit RecvError(std::uint64_t skipped)
        : std::runtime_error(skipped == 0 ? std::string("canal broadcast fermé")
                                          : "récepteur en retard : " + std::to_string(skipped) +
                                                " message(s) perdu(s)"),
          skipped_(skipped) {}
    std::uint64_t skipped_;
};

/// \brief L'erreur de `send` : aucun récepteur n'existe, le message est perdu.
class SendError : public std::runtime_error {
public:
    SendError() : std::runtime_error("broadcast : aucun récepteur, message perdu") {}
};

template <class T>
class Sender;
template <class T>
class Receiver;

namespace detail {

/// \brief L'état partagé : un anneau des `capacity` derniers messages.
///
/// Chaque message a un numéro (0, 1, 2...) ; il vit dans la case `numéro % capacité`
/// jusqu'à ce qu'un message plus récent l'écrase. Un récepteur retient seulement le numéro
/// du prochain message qu'il veut lire : s'il a été écrasé, le récepteur est « en retard »
/// et saute au plus ancien message encore présent. Un lecteur lent ne retarde donc jamais
/// les autres, ni l'émetteur : c'est lui qui perd des messages, et il le sait.
template <class T>
struct Shared {
    explicit Shared(std::size_t cap) : slots(cap) {}

    std::mutex mutex;
    std::vector<std::optional<T>> slots; ///< l'anneau
    std::uint64_t next_position = 0;     ///< numéro du prochain message envoyé
    std::size_t senders = 1;
    std::size_t receivers = 1;
    rt::detail::WaitList waiting; ///< récepteurs qui attendent un message

    [[nodiscard]] std::uint64_t oldest() const noexcept {
        return next_position > slots.size() ? next_position - slots.size() : 0;
    }
    /// \brief Sort les réveils de tous ceux qui attendent (verrou tenu) ; on les réveillera
    /// après l'avoir relâché (voir `WakeList`).
    void take_waiting(rt::detail::WakeList& out) {
        while (auto* node = waiting.pop_front()) {
            out.push(std::move(node->waker));
        }
    }
};

} // namespace detail

/// \brief Le côté émetteur ; copiable (chaque copie compte comme un émetteur).
template <class T>
class Sender {
public:
    /// \brief Un émetteur de plus sur le même canal.
    Sender(const Sender& other) : shared_(other.shared_) {
        std::lock_guard lock(shared_->mutex);
        ++shared_->senders;
    }
    /// \brief Transfère l'émetteur (le nombre d'émetteurs ne change pas).
    Sender(Sender&&) noexcept = default;
    Sender& operator=(const Sender&) = delete;
    Sender& operator=(Sender&&) = delete;
    /// \brief Le dernier émetteur détruit ferme le canal : les récepteurs finiront par
    /// recevoir `RecvError::closed()`.
    ~Sender() {
        if (!shared_) {
            return;
        }
        rt::detail::WakeList to_wake; // réveillés hors du verrou, à la destruction
        std::lock_guard lock(shared_->mutex);
        if (--shared_->senders == 0) {
            shared_->take_waiting(to_wake);
        }
    }

    /// \brief Envoie `value` à tous les récepteurs actuels ; rend leur nombre, ou
    /// `SendError` s'il n'y en a aucun (le message est alors perdu). Ne bloque jamais.
    Result<std::size_t, SendError> send(T value) {
        rt::detail::WakeList to_wake; // détruit après le verrou : réveils hors du verrou
        std::lock_guard lock(shared_->mutex);
        if (shared_->receivers == 0) {
            return SendError();
        }
        auto& slot = shared_->slots[shared_->next_position % shared_->slots.size()];
        slot.emplace(std::move(value));
        ++shared_->next_position;
        shared_->take_waiting(to_wake);
        return shared_->receivers;
    }
    /// \brief Un nouveau récepteur, qui recevra les messages envoyés à partir de maintenant.
    Receiver<T> subscribe() const {
        std::lock_guard lock(shared_->mutex);
        ++shared_->receivers;
        return Receiver<T>(shared_, shared_->next_position);
    }
    /// \brief Nombre de récepteurs vivants.
    [[nodiscard]] std::size_t receiver_count() const {
        std::lock_guard lock(shared_->mutex);
        return shared_->receivers;
    }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t);
    explicit Sender(std::shared_ptr<detail::Shared<T>> shared) noexcept
        : shared_(std::move(shared)) {}
    std::shared_ptr<detail::Shared<T>> shared_;
};

/// \brief Le côté récepteur : chacun lit tous les messages, à son rythme.
template <class T>
class Receiver {
public:
    /// \brief Transfère l'abonnement.
    Receiver(Receiver&&) noexcept = default;
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    Receiver& operator=(Receiver&&) = delete;
    /// \brief Se désabonne.
    ~Receiver() {
        if (shared_) {
            std::lock_guard lock(shared_->mutex);
            --shared_->receivers;
        }
    }

    /// \brief L'awaitable de `recv`.
    class RecvAwaiter {
    public:
        /// \brief L'attente du prochain message de `receiver`.
        explicit RecvAwaiter(Receiver& receiver) noexcept : receiver_(receiver) {}
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select`).
        RecvAwaiter(RecvAwaiter&& other) noexcept
            : receiver_(other.receiver_), result_(std::move(other.result_)) {}
        RecvAwaiter(const RecvAwaiter&) = delete;
        RecvAwaiter& operator=(const RecvAwaiter&) = delete;
        /// \brief Annulé pendant l'attente : quitter la liste d'attente.
        ~RecvAwaiter() {
            if (registered_) {
                std::lock_guard lock(receiver_.shared_->mutex);
                if (node_.linked) {
                    receiver_.shared_->waiting.remove(node_);
                }
            }
        }
        /// \brief Vrai si un message (ou une erreur) est déjà disponible. Budget épuisé : on
        /// cède d'abord la main **sans rien prendre** (abandonnée là, la réception n'a rien
        /// perdu) ; au retour, ce qui était disponible l'est encore (ou a été écrasé : retard).
        bool await_ready() {
            std::lock_guard lock(receiver_.shared_->mutex);
            if (!receiver_.ready_locked()) {
                return false;
            }
            if (!rt::detail::coop::poll_proceed()) {
                yield_ = true;
                return false;
            }
            return receiver_.try_take_locked(result_);
        }
        /// \brief S'inscrit pour le prochain message (sauf s'il vient d'arriver).
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                rt::detail::coop::yield_for_budget(caller);
                return true;
            }
            auto& me = rt::detail::require_current_task("broadcast::Receiver::recv");
            std::lock_guard lock(receiver_.shared_->mutex);
            if (receiver_.try_take_locked(result_)) {
                return false;
            }
            node_.waker = me.suspend_at(caller);
            receiver_.shared_->waiting.push_back(node_);
            registered_ = true;
            return true;
        }
        /// \brief Le message, `RecvError::lagged(n)` ou `RecvError::closed()`.
        Result<T, RecvError> await_resume() {
            if (!result_) {
                std::lock_guard lock(receiver_.shared_->mutex);
                receiver_.try_take_locked(result_);
            }
            return std::move(*result_);
        }

    private:
        Receiver& receiver_;
        rt::detail::WaitNode node_;
        bool registered_ = false; ///< inscrit dans la liste d'attente (à vérifier sous verrou)
        bool yield_ = false;      ///< disponible, mais le budget est épuisé : céder d'abord
        std::optional<Result<T, RecvError>> result_;
    };

    /// \brief Attend le prochain message : `auto r = co_await rx.recv();`
    [[nodiscard]] RecvAwaiter recv() noexcept { return RecvAwaiter(*this); }

private:
    friend class Sender<T>;
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t);
    Receiver(std::shared_ptr<detail::Shared<T>> shared, std::uint64_t next) noexcept
        : shared_(std::move(shared)), next_(next) {}

    /// Vrai s'il y a quelque chose à rendre (verrou tenu) : un message, un retard, la fin.
    [[nodiscard]] bool ready_locked() const noexcept {
        return next_ < shared_->next_position || shared_->senders == 0;
    }
    /// Le prochain message ou une erreur, s'il y a quelque chose à rendre (verrou tenu).
    bool try_take_locked(std::optional<Result<T, RecvError>>& out) {
        auto& s = *shared_;
        if (next_ < s.oldest()) {
            const std::uint64_t skipped = s.oldest() - next_;
            next_ = s.oldest(); // on saute au plus ancien message encore présent
            out.emplace(RecvError::lagged(skipped));
            return true;
        }
        if (next_ < s.next_position) {
            out.emplace(*s.slots[next_ % s.slots.size()]); // une copie par récepteur
            ++next_;
            return true;
        }
        if (s.senders == 0) {
            out.emplace(RecvError::closed());
            return true;
        }
        return false;
    }

    std::shared_ptr<detail::Shared<T>> shared_;
    std::uint64_t next_; ///< numéro du prochain message à lire
};

/// \brief Un canal broadcast de capacité `capacity` (> 0) : rend l'émetteur et un premier
/// récepteur. Les autres récepteurs s'obtiennent par `sender.subscribe()`.
/// \see La leçon du \chapitre{07}.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
    if (capacity == 0) {
        throw std::invalid_argument("broadcast::channel : la capacité doit être positive");
    }
    auto shared = std::make_shared<detail::Shared<T>>(capacity);
    Receiver<T> receiver(shared, 0);
    return {Sender<T>(std::move(shared)), std::move(receiver)};
}

} // namespace rt::sync::broadcast
