#pragma once
/// \file
/// \brief L'état partagé d'un canal `mpsc` : la file des messages, les émetteurs en attente
/// de place, le réveil du récepteur ; tout sous un seul verrou.

#include <atomic>
#include <cstddef>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/ref_counted.hpp"
#include "rt/detail/wait_list.hpp"
#include "rt/detail/wake_list.hpp"
#include "rt/detail/waker.hpp"

namespace rt::detail::mpsc {

/// \brief Un émetteur en attente de place (`send` ou `reserve`).
struct SendWaiter : WaitNode {
    bool closed =
        false; ///< réveillé parce que le récepteur est parti (sinon : une place lui est réservée)
};

/// \brief Le canal : un verrou, et sous lui tout l'état.
///
/// Pourquoi un seul verrou ? Chaque opération touche à la fois la file et l'un des côtés en
/// attente (l'émetteur qui attend de la place, le récepteur qui attend un message) : les
/// garder cohérents ensemble est ce qui rend le canal facile à lire et à vérifier. La
/// section critique est courte (déplacer un message, décrocher un réveil) et ne contient
/// jamais de réveil : ceux-ci sont exécutés verrou relâché (`WakeList`).
///
/// Capacité bornée (`channel(n)`) : `queue.size() + reserved <= capacity`. Les places
/// réservées comptent comme des messages. Quand la file est pleine, les émetteurs attendent
/// **dans l'ordre d'arrivée** ; chaque message reçu libère une place, **réservée** au premier
/// d'entre eux, qui est réveillé et y dépose son message à sa reprise. Pourquoi pas déposer
/// le message pour lui, tout de suite ? Parce qu'entre le réveil et la reprise, son attente
/// peut être abandonnée (un `timeout` dont le délai expire au même moment) : l'appelant
/// croirait l'envoi raté alors que le récepteur l'aurait reçu. Une place réservée, elle, se
/// rend. Sans borne (`unbounded_channel`), la capacité est infinie et personne n'attend jamais.
template <class T>
class Chan final : public RefCounted {
public:
    /// \brief Un canal neuf de capacité `capacity`, tenu par un émetteur et un récepteur.
    explicit Chan(std::size_t capacity) noexcept : RefCounted(2), capacity(capacity) {}

    std::mutex lock;            ///< protège tout ce qui suit
    const std::size_t capacity; ///< places (infinie pour un canal sans borne)
    std::deque<T> queue;        ///< les messages, du plus ancien au plus récent
    std::size_t reserved = 0;   ///< places promises à des `Permit` pas encore utilisés
    /// Émetteurs vivants (un `Permit` en garde un). Atomique : copier un émetteur ne prend pas
    /// le verrou ; le dernier qui part le prend, pour réveiller le récepteur.
    std::atomic<std::size_t> senders{1};
    bool rx_closed = false; ///< récepteur parti, ou `close()` : plus d'envoi accepté
    WaitList send_waiters;  ///< émetteurs qui attendent une place, dans l'ordre
    Waker receiver;         ///< le réveil du récepteur, s'il attend un message

    /// \brief Vrai s'il reste une place pour un nouvel envoi, sans doubler personne.
    [[nodiscard]] bool has_room_locked() const noexcept {
        return send_waiters.empty() && queue.size() + reserved < capacity;
    }
    /// \brief Vrai si le récepteur n'a plus rien à attendre : vide, et plus d'émetteur (ou
    /// `close()` : les émetteurs restants ne peuvent plus rien envoyer).
    [[nodiscard]] bool drained_locked() const noexcept {
        // acquire : le dernier émetteur parti a publié ses messages (voir Sender).
        return queue.empty() && (rx_closed || senders.load(std::memory_order_acquire) == 0);
    }

    /// \brief Dépose `message` et rend le réveil du récepteur s'il attendait (à exécuter
    /// verrou relâché).
    [[nodiscard]] Waker push_locked(T&& message) {
        queue.push_back(std::move(message));
        return std::move(receiver);
    }

    /// \brief Réserve les places libres aux émetteurs en attente, dans l'ordre ; leurs
    /// réveils vont dans `wakes`.
    void fill_from_waiters_locked(WakeList& wakes) {
        while (!send_waiters.empty() && queue.size() + reserved < capacity) {
            WaitNode* waiter = send_waiters.pop_front();
            ++reserved;
            wakes.push(std::move(waiter->waker));
        }
    }

    /// \brief Le récepteur ne prendra plus rien : les émetteurs en attente sont réveillés
    /// (leur envoi échoue, le message leur est rendu).
    void close_receiver_locked(WakeList& wakes) {
        rx_closed = true;
        while (WaitNode* node = send_waiters.pop_front()) {
            static_cast<SendWaiter*>(node)->closed = true;
            wakes.push(std::move(node->waker));
        }
    }

    /// \brief Les états passent par le cache d'allocation des trames.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }
};

/// \brief La capacité d'un canal sans borne.
inline constexpr std::size_t UNBOUNDED = std::numeric_limits<std::size_t>::max();

} // namespace rt::detail::mpsc
