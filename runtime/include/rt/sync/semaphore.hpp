#pragma once
/// \file
/// \brief `rt::sync::Semaphore` : un sémaphore asynchrone équitable (comme
/// `tokio::sync::Semaphore`), et ses autorisations RAII.

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "rt/detail/coop.hpp"
#include "rt/detail/wait_list.hpp"
#include "rt/detail/wake_list.hpp"
#include "rt/result.hpp"

namespace rt::sync {

class Semaphore;

/// \brief L'erreur d'une attente sur un sémaphore fermé (`Semaphore::close`).
class AcquireError : public std::runtime_error {
public:
    AcquireError()
        : std::runtime_error("sémaphore fermé : plus aucune autorisation n'est donnée") {}
};

/// \brief L'erreur de `try_acquire` : le sémaphore est fermé, ou il manque des autorisations.
class TryAcquireError : public std::runtime_error {
public:
    /// \brief Pourquoi la prise immédiate a échoué.
    enum class Kind { Closed, NoPermits };
    /// \brief Une erreur de la sorte `kind`.
    explicit TryAcquireError(Kind kind)
        : std::runtime_error(kind == Kind::Closed
                                 ? "sémaphore fermé : plus aucune autorisation n'est donnée"
                                 : "pas assez d'autorisations disponibles tout de suite"),
          kind_(kind) {}
    /// \brief Vrai si le sémaphore est fermé.
    [[nodiscard]] bool is_closed() const noexcept { return kind_ == Kind::Closed; }
    /// \brief Vrai s'il manquait des autorisations (le sémaphore est ouvert).
    [[nodiscard]] bool is_no_permits() const noexcept { return kind_ == Kind::NoPermits; }

private:
    Kind kind_;
};

/// \brief Des autorisations prises sur un `Semaphore`, rendues à la destruction (RAII).
///
/// Elles empruntent le sémaphore : il doit leur survivre. Pour les emporter dans une tâche
/// lancée, prenez une `OwnedSemaphorePermit` (`acquire_owned`).
class SemaphorePermit {
public:
    /// \brief Transfère les autorisations ; `other` ne rendra plus rien.
    SemaphorePermit(SemaphorePermit&& other) noexcept
        : semaphore_(other.semaphore_), permits_(std::exchange(other.permits_, 0)) {}
    SemaphorePermit(const SemaphorePermit&) = delete;
    SemaphorePermit& operator=(const SemaphorePermit&) = delete;
    SemaphorePermit& operator=(SemaphorePermit&&) = delete;
    /// \brief Rend les autorisations (au premier qui attend, s'il y en a un).
    ~SemaphorePermit();

    /// \brief Le nombre d'autorisations tenues.
    [[nodiscard]] std::size_t num_permits() const noexcept { return permits_; }
    /// \brief Oublie les autorisations : elles ne seront jamais rendues (le sémaphore en a
    /// désormais moins).
    void forget() noexcept { permits_ = 0; }
    /// \brief Ajoute à celles-ci les autorisations de `other` (du même sémaphore, sinon
    /// `std::invalid_argument`).
    void merge(SemaphorePermit&& other);

private:
    friend class Semaphore;
    SemaphorePermit(Semaphore& semaphore, std::size_t permits) noexcept
        : semaphore_(&semaphore), permits_(permits) {}

    Semaphore* semaphore_;
    std::size_t permits_;
};

/// \brief Des autorisations qui gardent leur sémaphore en vie (`std::shared_ptr`) : on peut
/// les déplacer dans une tâche lancée (le motif `Arc<Semaphore>` de tokio).
class OwnedSemaphorePermit {
public:
    /// \brief Transfère les autorisations ; `other` ne rendra plus rien.
    OwnedSemaphorePermit(OwnedSemaphorePermit&& other) noexcept
        : semaphore_(std::move(other.semaphore_)), permits_(std::exchange(other.permits_, 0)) {}
    OwnedSemaphorePermit(const OwnedSemaphorePermit&) = delete;
    OwnedSemaphorePermit& operator=(const OwnedSemaphorePermit&) = delete;
    OwnedSemaphorePermit& operator=(OwnedSemaphorePermit&&) = delete;
    /// \brief Rend les autorisations, puis lâche le sémaphore.
    ~OwnedSemaphorePermit();

    /// \brief Le nombre d'autorisations tenues.
    [[nodiscard]] std::size_t num_permits() const noexcept { return permits_; }
    /// \brief Oublie les autorisations : elles ne seront jamais rendues.
    void forget() noexcept { permits_ = 0; }
    /// \brief Le sémaphore d'où elles viennent.
    [[nodiscard]] const std::shared_ptr<Semaphore>& semaphore() const noexcept {
        return semaphore_;
    }

private:
    friend class Semaphore;
    OwnedSemaphorePermit(std::shared_ptr<Semaphore> semaphore, std::size_t permits) noexcept
        : semaphore_(std::move(semaphore)), permits_(permits) {}

    std::shared_ptr<Semaphore> semaphore_;
    std::size_t permits_;
};

/// \brief Un nombre d'autorisations que les tâches **attendent** sans bloquer le thread :
/// `auto permit = (co_await semaphore.acquire()).value();`.
///
/// **Équitable (FIFO)** : les demandes sont servies dans l'ordre d'arrivée. Une grosse
/// demande (`acquire_many(5)`) en tête de file reçoit les autorisations rendues au fur et à
/// mesure, et les petites demandes arrivées après elle attendent derrière : elle ne peut
/// pas être doublée indéfiniment. D'où un invariant simple : **quand quelqu'un attend, il
/// n'y a aucune autorisation disponible** (tout ce qui est rendu va d'abord à la file).
///
/// Le compteur est atomique : prendre une autorisation disponible ne prend aucun verrou
/// (un compare-and-swap), et la rendre non plus tant que personne n'attend. La file
/// d'attente, elle, est sous un `std::mutex` ; un bit du compteur (WAITERS) dit qu'elle n'est
/// pas vide, et ceux qui rendent des autorisations passent alors par elle. C'est le découpage
/// de `batch_semaphore.rs` chez tokio, dont la restitution prend toujours le verrou.
///
/// Une attente abandonnée (`abort`, `select`, `timeout`) quitte la file et rend ce qu'elle
/// avait déjà reçu : le sémaphore est comme si elle n'avait jamais attendu.
/// \see La leçon du \chapitre{09}.
class Semaphore : public std::enable_shared_from_this<Semaphore> {
public:
    /// \brief Le plus grand nombre d'autorisations (celui de tokio : `usize::MAX >> 3`).
    static constexpr std::size_t MAX_PERMITS = std::numeric_limits<std::size_t>::max() >> 3;

    /// \brief Un sémaphore avec `permits` autorisations (`std::invalid_argument` au-delà de
    /// `MAX_PERMITS`).
    explicit Semaphore(std::size_t permits);
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

    /// \brief L'attente de `acquire()` / `acquire_many(n)` : `co_await` rend
    /// `Result<SemaphorePermit, AcquireError>`.
    class Acquire : detail::coop::Retryable {
    public:
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select` ou un `timeout`).
        Acquire(Acquire&& other) noexcept : semaphore_(other.semaphore_), wanted_(other.wanted_) {}
        Acquire(const Acquire&) = delete;
        Acquire& operator=(const Acquire&) = delete;
        Acquire& operator=(Acquire&&) = delete;
        /// \brief Abandonné : quitte la file et rend ce qui avait déjà été reçu.
        ~Acquire();

        /// \brief Vrai si les autorisations étaient disponibles (prises sans verrou), ou si le
        /// sémaphore est fermé. Budget épuisé : rien n'est pris, la tâche cédera la main.
        bool await_ready() noexcept;
        /// \brief Se met en file (ou repart tout de suite si tout est arrivé entre-temps).
        bool await_suspend(std::coroutine_handle<> caller);
        /// \brief Les autorisations, ou `AcquireError` si le sémaphore a été fermé.
        Result<SemaphorePermit, AcquireError> await_resume();

    private:
        friend class Semaphore;
        Acquire(Semaphore& semaphore, std::size_t wanted) noexcept
            : semaphore_(semaphore), wanted_(wanted) {}

        /// Prend ce qui est disponible sans verrou ; vrai si c'est fini (pris, ou fermé).
        bool take_now() noexcept;
        /// Sous le verrou : prend ce qui est disponible, et se met en file pour le reste.
        /// Vrai si la tâche doit suspendre (en file).
        bool take_or_queue(std::coroutine_handle<> caller);
        /// Budget épuisé, après avoir cédé la main : une nouvelle tentative.
        bool retry(std::coroutine_handle<> caller) noexcept override;

        /// Où en est l'attente.
        enum class Stage {
            Start,    ///< rien de pris
            Yielding, ///< budget épuisé : on cède la main sans rien prendre, puis on réessaie
            Queued,   ///< dans la file (ou servi et réveillé, pas encore repris)
            Ready,    ///< tout pris : `await_resume` le rend
            Closed,   ///< sémaphore fermé : `await_resume` rend l'erreur
            Resumed,  ///< rendu à la tâche : plus rien à nous
        };

        Semaphore& semaphore_;
        std::size_t wanted_;
        Stage stage_ = Stage::Start;
        detail::coop::YieldThenRetry retry_;
        struct Node : detail::WaitNode {
            std::size_t wanted = 0;    ///< ce que demande l'attente
            std::size_t remaining = 0; ///< ce qu'il manque encore (servi par la file)
            bool closed = false;       ///< réveillé par `close()`
        } node_;
    };

    /// \brief L'attente de `acquire_owned()` : comme `Acquire`, rend des autorisations qui
    /// gardent le sémaphore en vie.
    class AcquireOwned {
    public:
        /// \brief Voir `Acquire::await_ready`.
        bool await_ready() noexcept { return inner_.await_ready(); }
        /// \brief Voir `Acquire::await_suspend`.
        bool await_suspend(std::coroutine_handle<> caller) { return inner_.await_suspend(caller); }
        /// \brief Les autorisations (qui tiennent le sémaphore), ou `AcquireError`.
        Result<OwnedSemaphorePermit, AcquireError> await_resume();

    private:
        friend class Semaphore;
        AcquireOwned(std::shared_ptr<Semaphore> semaphore, std::size_t wanted) noexcept
            : semaphore_(std::move(semaphore)), inner_(*semaphore_, wanted) {}

        std::shared_ptr<Semaphore> semaphore_; // avant inner_ : il lui survit
        Acquire inner_;
    };

    /// \brief Attend une autorisation.
    [[nodiscard]] Acquire acquire() noexcept { return Acquire(*this, 1); }
    /// \brief Attend `n` autorisations d'un coup (tout ou rien pour la tâche ; servies dans
    /// l'ordre d'arrivée). `std::invalid_argument` au-delà de `MAX_PERMITS` (jamais servie).
    [[nodiscard]] Acquire acquire_many(std::size_t n) {
        check_request(n, "Semaphore::acquire_many");
        return Acquire(*this, n);
    }
    /// \brief Prend une autorisation tout de suite, ou échoue (`TryAcquireError`).
    Result<SemaphorePermit, TryAcquireError> try_acquire() { return try_acquire_many(1); }
    /// \brief Prend `n` autorisations tout de suite, ou échoue (`TryAcquireError`).
    Result<SemaphorePermit, TryAcquireError> try_acquire_many(std::size_t n);

    /// \brief Comme `acquire`, pour un sémaphore tenu par un `std::shared_ptr`
    /// (`std::logic_error` sinon) : l'autorisation le garde en vie.
    [[nodiscard]] AcquireOwned acquire_owned() { return acquire_many_owned(1); }
    /// \brief Comme `acquire_many`, en autorisations qui gardent le sémaphore en vie.
    [[nodiscard]] AcquireOwned acquire_many_owned(std::size_t n);
    /// \brief Comme `try_acquire`, en autorisation qui garde le sémaphore en vie.
    Result<OwnedSemaphorePermit, TryAcquireError> try_acquire_owned() {
        return try_acquire_many_owned(1);
    }
    /// \brief Comme `try_acquire_many`, en autorisations qui gardent le sémaphore en vie.
    Result<OwnedSemaphorePermit, TryAcquireError> try_acquire_many_owned(std::size_t n);

    /// \brief Ajoute `n` autorisations : d'abord à ceux qui attendent, dans l'ordre ; le reste
    /// devient disponible. `std::overflow_error` si l'on dépasserait `MAX_PERMITS`.
    void add_permits(std::size_t n);
    /// \brief Ferme le sémaphore : ceux qui attendent, et ceux qui attendront, reçoivent
    /// `AcquireError`. Les autorisations déjà tenues restent valides et se rendent normalement.
    void close();
    /// \brief Vrai si `close()` a été appelé.
    [[nodiscard]] bool is_closed() const noexcept;
    /// \brief Les autorisations disponibles à cet instant (0 dès que quelqu'un attend).
    [[nodiscard]] std::size_t available_permits() const noexcept;

private:
    friend class SemaphorePermit;
    friend class OwnedSemaphorePermit;
    using Waiter = Acquire::Node;

    /// Le mot atomique : `disponibles << 2 | WAITERS | CLOSED`.
    static constexpr std::size_t CLOSED = 1;
    /// Levé tant que la file n'est pas vide (écrit seulement sous le verrou de la file) :
    /// ceux qui rendent des autorisations passent alors par la file.
    static constexpr std::size_t WAITERS = 2;
    static constexpr int PERMIT_SHIFT = 2;

    /// Refuse une demande de plus de `MAX_PERMITS` (`std::invalid_argument`).
    static void check_request(std::size_t n, const char* what);
    /// Ce que rend une tentative de prise.
    enum class Take { Taken, Missing, Closed };
    /// Prend `n` autorisations disponibles d'un coup, sans verrou.
    Take try_take(std::size_t n) noexcept;
    /// Prend au plus `wanted` autorisations disponibles (verrou de la file tenu) et, s'il en
    /// manque, lève WAITERS dans le même compare-and-swap ; rend combien, et si le sémaphore
    /// est fermé.
    std::size_t take_up_to(std::size_t wanted, bool& closed) noexcept;
    /// Rend `n` autorisations : d'abord à la file, le reste au compteur, et baisse WAITERS si
    /// la file est vide (verrou tenu). Les réveils des servis sont ajoutés à `wakes`, à
    /// exécuter verrou relâché.
    void release_locked(std::size_t n, detail::WakeList& wakes) noexcept;
    /// Rend `n` autorisations : sans verrou si personne n'attend, par la file sinon.
    void release(std::size_t n) noexcept;

    std::atomic<std::size_t> permits_;
    std::mutex waiters_lock_;  ///< protège waiters_ et les champs des maillons
    detail::WaitList waiters_; ///< les `Acquire` en attente, dans l'ordre d'arrivée
};

} // namespace rt::sync
