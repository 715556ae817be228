// Chapitre 09 — exercice « construire » : un sémaphore asynchrone équitable (FIFO).
//
// Version autonome et simplifiée de rt::sync::Semaphore (runtime/src/semaphore.cpp), écrite
// avec les pièces publiques du runtime qu'une primitive utilise pour suspendre et réveiller
// une tâche :
//   - rt::detail::require_current_task(quoi) : l'en-tête de la tâche qui attend ;
//   - TaskHeader::suspend_at(où) : ouvre une suspension et rend le Waker qui la terminera ;
//   - rt::detail::WaitList / WaitNode : une file FIFO intrusive (le maillon vit dans l'awaiter,
//     donc dans la trame de la coroutine suspendue : aucune allocation) ;
//   - rt::detail::WakeList : les réveils ramassés sous le verrou, exécutés une fois relâché.
//
// À compléter : les six TODO (le permis RAII, l'attente, l'annulation, le service de la file,
// try_acquire). Le reste est fourni. Vérifiez-vous avec « ./cours verifier 09 semaphore » ; indices :
// « ./cours indice 09 semaphore ».
//
// Les règles (celles de tokio::sync::Semaphore) :
//   - équité : les demandes sont servies dans leur ordre d'arrivée. La tête de file reçoit
//     les autorisations rendues au fur et à mesure, même en plusieurs fois ; tant qu'elle n'a
//     pas tout, personne derrière elle ne reçoit rien ;
//   - d'où l'invariant : QUAND QUELQU'UN ATTEND, AUCUNE AUTORISATION N'EST DISPONIBLE
//     (available_permits() == 0). try_acquire ne peut donc jamais doubler la file ;
//   - une attente abandonnée (tâche annulée, select, timeout) rend ce qu'elle avait déjà reçu,
//     qu'elle soit encore en file ou déjà servie mais pas encore reprise ;
//   - les autorisations sont RAII : SemaphorePermit les rend à sa destruction (fin normale,
//     exception, annulation), une fois exactement.
//
// Ce que cette version laisse de côté (le runtime, lui, le fait) :
//   - le chemin rapide sans verrou : ici TOUT passe par un std::mutex, même prendre une
//     autorisation disponible. rt::sync::Semaphore garde le compteur dans un atomique et prend
//     sans verrou par compare-and-swap ; seule la file est sous verrou ;
//   - close() et AcquireError : un sémaphore qu'on ferme réveille tout le monde avec une
//     erreur. Ici, on ne ferme jamais ;
//   - les autorisations possédées (acquire_owned, OwnedSemaphorePermit) qui gardent le
//     sémaphore en vie par un std::shared_ptr : ici, le sémaphore doit survivre à ses permis ;
//   - merge(), la borne MAX_PERMITS et le débordement de add_permits ;
//   - le budget coopératif (une prise immédiate qui cède la main quand le budget est épuisé).
#pragma once

#include <rt/detail/task_header.hpp>
#include <rt/detail/wait_list.hpp>
#include <rt/detail/wake_list.hpp>

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>

namespace construire {

class Semaphore;

/// Des autorisations prises sur un Semaphore, rendues à la destruction (RAII).
/// Déplaçable (l'objet d'origine ne rend plus rien), non copiable.
class SemaphorePermit {
public:
    SemaphorePermit(SemaphorePermit&& other) noexcept
        : semaphore_(other.semaphore_), permits_(other.permits_) {
        // TODO 1 : le permis d'origine (`other`) ne doit plus rien rendre à sa destruction.
    }
    SemaphorePermit(const SemaphorePermit&) = delete;
    SemaphorePermit& operator=(const SemaphorePermit&) = delete;
    SemaphorePermit& operator=(SemaphorePermit&&) = delete;
    /// Rend les autorisations tenues (au premier qui attend, s'il y en a un).
    ~SemaphorePermit();

    /// Le nombre d'autorisations tenues.
    [[nodiscard]] std::size_t num_permits() const noexcept { return permits_; }
    /// Oublie les autorisations : elles ne seront jamais rendues.
    void forget() noexcept { permits_ = 0; }

private:
    friend class Semaphore;
    SemaphorePermit(Semaphore& semaphore, std::size_t permits) noexcept
        : semaphore_(&semaphore), permits_(permits) {}

    Semaphore* semaphore_;
    std::size_t permits_;
};

/// Un sémaphore asynchrone équitable : `auto permit = co_await semaphore.acquire(2);`.
class Semaphore {
public:
    explicit Semaphore(std::size_t permits) : permits_(permits) {}
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

    /// L'attente de `acquire(n)` : `co_await` rend un SemaphorePermit de `n` autorisations.
    class Acquire {
    public:
        /// Déplaçable tant qu'il n'attend pas (pour le passer à rt::select ou à timeout).
        Acquire(Acquire&& other) noexcept : semaphore_(other.semaphore_), wanted_(other.wanted_) {}
        Acquire(const Acquire&) = delete;
        Acquire& operator=(const Acquire&) = delete;
        Acquire& operator=(Acquire&&) = delete;

        /// Abandonné (trame détruite) : rend ce qui avait déjà été reçu.
        ~Acquire() {
            if (stage_ != Stage::Queued) {
                return; // jamais en file, ou déjà rendu à la tâche : rien à nous
            }
            // TODO 5 : la tâche a été détruite pendant l'attente (abort, select, timeout).
            // Sous le verrou, deux cas, selon `node_.linked` :
            //   - encore en file : en sortir (waiters_.remove), et rendre ce qu'on avait déjà
            //     reçu (wanted_ - node_.remaining) avec release_locked ;
            //   - servie (retirée de la file par release_locked) mais pas encore reprise :
            //     rendre les wanted_ autorisations données.
            // Les réveils se font verrou relâché : déclarez la WakeList AVANT le lock_guard.
        }

        /// Toujours suspendre d'abord : await_suspend décide sous le verrou (simple et sûr ;
        /// le runtime essaie avant, sans verrou).
        bool await_ready() const noexcept { return false; }

        /// Prend ce qui est disponible ; s'il en manque, se met en file avec ce qui manque.
        /// Rend false (ne pas suspendre) si tout a été pris.
        bool await_suspend(std::coroutine_handle<> caller) {
            auto& me = rt::detail::require_current_task("construire::Semaphore::acquire");
            std::lock_guard lock(semaphore_.lock_);
            // TODO 3 : prendre ce qui est disponible (au plus wanted_), même si c'est trop
            // peu. Tout pris : stage_ = Stage::Done et ne pas suspendre (return false).
            // Sinon : retenir ce qui manque (node_.remaining), le réveil de la tâche
            // (node_.waker = me.suspend_at(caller)), se mettre en QUEUE de file
            // (semaphore_.waiters_.push_back(node_)), stage_ = Stage::Queued, suspendre.
            // Pensez à l'invariant : si quelqu'un attend déjà, que vaut permits_ ?
            (void)me;
            (void)caller;
            stage_ = Stage::Done;
            return false;
        }

        /// Les autorisations : tout a été pris (par nous, ou donné par la file).
        SemaphorePermit await_resume() noexcept {
            stage_ = Stage::Done;
            return SemaphorePermit(semaphore_, wanted_);
        }

    private:
        friend class Semaphore;
        Acquire(Semaphore& semaphore, std::size_t wanted) noexcept
            : semaphore_(semaphore), wanted_(wanted) {}

        enum class Stage {
            Start,  ///< rien de pris
            Queued, ///< en file (ou servie, pas encore reprise)
            Done,   ///< tout pris et rendu (ou sur le point d'être rendu) à la tâche
        };
        /// Le maillon de la file : vit dans la trame de la tâche qui attend.
        struct Node : rt::detail::WaitNode {
            std::size_t remaining = 0; ///< ce qu'il manque encore (sous le verrou)
        };

        Semaphore& semaphore_;
        std::size_t wanted_;
        Stage stage_ = Stage::Start;
        Node node_;
    };

    /// Attend `n` autorisations (servies dans l'ordre d'arrivée).
    [[nodiscard]] Acquire acquire(std::size_t n = 1) noexcept { return Acquire(*this, n); }

    /// Prend `n` autorisations tout de suite, ou rien (std::nullopt). Ne double jamais la file.
    std::optional<SemaphorePermit> try_acquire(std::size_t n = 1) {
        std::lock_guard lock(lock_);
        // TODO 6 : prendre `n` autorisations s'il y en a assez, sans jamais doubler quelqu'un
        // qui attend ; sinon std::nullopt.
        (void)n;
        return std::nullopt;
    }

    /// Ajoute `n` autorisations : d'abord à la file, dans l'ordre ; le reste est disponible.
    void add_permits(std::size_t n) { release(n); }

    /// Les autorisations disponibles à cet instant (0 dès que quelqu'un attend).
    [[nodiscard]] std::size_t available_permits() const {
        std::lock_guard lock(lock_);
        return permits_;
    }

private:
    friend class SemaphorePermit;
    using Waiter = Acquire::Node;

    /// Rend `n` autorisations (prend le verrou ; réveille verrou relâché).
    ///
    /// Pourquoi prendre le verrou même quand personne n'attend ? Sans lui, on pourrait lire
    /// « file vide », puis un acquire se mettrait en file, puis on ajouterait au compteur :
    /// l'attente ne serait jamais servie alors que des autorisations sont disponibles.
    void release(std::size_t n) {
        rt::detail::WakeList wakes; // détruite après le verrou
        std::lock_guard lock(lock_);
        release_locked(n, wakes);
    }

    /// Le cœur : la tête de file reçoit ce qu'il lui manque, même en plusieurs fois ; tant
    /// qu'elle n'a pas tout, personne derrière elle ne reçoit rien. Verrou tenu.
    void release_locked(std::size_t n, rt::detail::WakeList& wakes) {
        // TODO 4 : tant qu'il reste des autorisations à rendre et que quelqu'un attend, donner
        // à la tête de file (static_cast<Waiter*>(waiters_.front())) ce qu'il lui manque, ou
        // ce qu'on a. Servie en entier : la retirer (waiters_.pop_front()) et ranger son
        // réveil (wakes.push(std::move(head->waker))). Le reste, s'il en reste, devient
        // disponible (permits_).
        (void)wakes;
        permits_ += n;
    }

    mutable std::mutex lock_;      ///< protège tout : compteur, file, maillons
    std::size_t permits_;          ///< disponibles (0 dès que la file n'est pas vide)
    rt::detail::WaitList waiters_; ///< les Acquire en attente, dans l'ordre d'arrivée
};

inline SemaphorePermit::~SemaphorePermit() {
    // TODO 2 : rendre les autorisations tenues (s'il y en a) au sémaphore : release().
}

} // namespace construire
