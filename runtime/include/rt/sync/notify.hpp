#pragma once
/// \file
/// \brief `rt::sync::Notify` : réveiller une tâche qui attend, sans lui passer de donnée
/// (comme `tokio::sync::Notify`).

#include <coroutine>
#include <cstdint>
#include <mutex>

#include "rt/detail/wait_list.hpp"

namespace rt::sync {

/// \brief Un signal entre tâches : `co_await notify.notified()` attend, `notify_one()` réveille.
///
/// Deux façons de réveiller :
/// - `notify_one()` réveille **une** tâche en attente, la plus ancienne (FIFO). Si personne
///   n'attend, il **garde une autorisation** (une seule, elles ne s'additionnent pas) : le
///   prochain `notified()` la consomme et ne suspend pas. C'est ce qui empêche le réveil
///   perdu : « je regarde la condition, elle est fausse, j'attends » ne rate pas un
///   `notify_one()` arrivé entre le regard et l'attente.
/// - `notify_waiters()` réveille **toutes** les tâches en attente, et ne garde rien pour les
///   suivantes. Un `Notified` créé *avant* l'appel compte comme en attente, même s'il n'a pas
///   encore été attendu : créez-le, puis regardez la condition, puis attendez-le.
///
/// Une attente abandonnée (`abort`, `select`, `timeout`) quitte la file ; si un
/// `notify_one()` venait de la choisir, elle le passe à la suivante (ou le garde en
/// autorisation) : aucun réveil n'est perdu.
class Notify {
public:
    Notify() = default;
    Notify(const Notify&) = delete;
    Notify& operator=(const Notify&) = delete;

    /// \brief L'attente d'une notification (rendue par `notified()`).
    class Notified {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select` ou un `timeout`).
        Notified(Notified&& other) noexcept
            : notify_(other.notify_), waiters_calls_(other.waiters_calls_) {}
        Notified(const Notified&) = delete;
        Notified& operator=(const Notified&) = delete;
        Notified& operator=(Notified&&) = delete;
        /// \brief Abandonné : quitte la file, ou passe à un autre le `notify_one` reçu.
        ~Notified();

        /// \brief Jamais prêt d'avance : tout se décide sous le verrou, dans `await_suspend`.
        bool await_ready() const noexcept { return false; }
        /// \brief Consomme une notification déjà là, ou se met en file.
        bool await_suspend(std::coroutine_handle<> caller);
        /// \brief Notifié.
        void await_resume() noexcept { stage_ = Stage::Done; }

    private:
        friend class Notify;
        Notified(Notify& notify, std::uint64_t waiters_calls) noexcept
            : notify_(notify), waiters_calls_(waiters_calls) {}

        enum class Stage { Start, Waiting, Done };
        /// Un maillon qui retient qui l'a réveillé.
        struct Node : detail::WaitNode {
            bool by_notify_one = false; ///< réveillé par notify_one (à passer si abandonné)
        };

        Notify& notify_;
        std::uint64_t waiters_calls_; ///< nombre de notify_waiters() vus à la création
        Stage stage_ = Stage::Start;
        Node node_;
    };

    /// \brief Une attente de notification ; elle compte pour `notify_waiters()` dès ici.
    [[nodiscard]] Notified notified();
    /// \brief Réveille la plus ancienne tâche en attente, ou garde une autorisation.
    void notify_one();
    /// \brief Réveille toutes les tâches en attente (et les `Notified` déjà créés) ; ne garde
    /// rien pour les suivantes.
    void notify_waiters();

private:
    /// Réveille la tête de file, ou garde l'autorisation (verrou tenu) ; rend le réveil à
    /// exécuter verrou relâché.
    [[nodiscard]] detail::Waker notify_one_locked() noexcept;

    std::mutex lock_;                 ///< protège tout ce qui suit
    bool permit_ = false;             ///< un notify_one sans personne en attente
    std::uint64_t waiters_calls_ = 0; ///< nombre d'appels à notify_waiters()
    detail::WaitList waiters_;        ///< les `Notified` en attente, dans l'ordre d'arrivée
};

} // namespace rt::sync
