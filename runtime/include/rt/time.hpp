#pragma once
/// \file
/// \brief `rt::time` : `sleep`, `sleep_until`, `timeout`, `interval` (comme `tokio::time`).

#include <chrono>
#include <coroutine>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/timer_heap.hpp"
#include "rt/result.hpp"
#include "rt/select.hpp"
#include "rt/task.hpp"

namespace rt::time {

/// \brief Une date sur l'horloge monotone (l'`Instant` de tokio).
using Instant = std::chrono::steady_clock::time_point;
/// \brief Une durée (l'équivalent de `Duration`) ; toute `std::chrono::duration` convient.
using Duration = std::chrono::steady_clock::duration;

/// \brief L'awaitable rendu par `sleep` : suspend la tâche jusqu'à une échéance.
///
/// Suspendre n'occupe pas le thread : la tâche inscrit une minuterie auprès du pilote et
/// rend la main ; le pilote la réveillera. L'entrée de minuterie vit dans cet objet (donc
/// dans la trame de la coroutine) : aucune allocation. Si la tâche est détruite pendant
/// qu'elle dort (annulation), le destructeur désinscrit la minuterie.
///
/// La tâche ne se réveille jamais *avant* l'échéance ; elle peut se réveiller un peu après
/// (le pilote dort en millisecondes entières, arrondies au-dessus).
class Sleep {
public:
    /// \brief Un sommeil jusqu'à `deadline` ; rien n'est inscrit avant le `co_await`.
    explicit Sleep(Instant deadline) noexcept { entry_.deadline = deadline; }
    /// \brief Déplaçable tant qu'il n'attend pas (une fois inscrit, il ne bouge plus).
    Sleep(Sleep&& other) noexcept { entry_.deadline = other.entry_.deadline; }
    Sleep(const Sleep&) = delete;
    Sleep& operator=(const Sleep&) = delete;
    Sleep& operator=(Sleep&&) = delete;
    /// \brief Désinscrit la minuterie si la tâche dort encore (annulation).
    ~Sleep() { detail::deregister_timer(entry_); }

    /// \brief L'échéance.
    [[nodiscard]] Instant deadline() const noexcept { return entry_.deadline; }
    /// \brief Vrai si l'échéance est passée.
    [[nodiscard]] bool is_elapsed() const noexcept {
        return std::chrono::steady_clock::now() >= entry_.deadline;
    }

    /// \brief Vrai si l'échéance est déjà passée : on continue sans suspendre (sauf budget
    /// épuisé : on cède d'abord la main).
    bool await_ready() noexcept { return is_elapsed() && detail::coop::poll_proceed(); }
    /// \brief Inscrit la minuterie auprès du pilote, qui réveillera la tâche à l'échéance.
    void await_suspend(std::coroutine_handle<> caller) {
        // Échue et budget épuisé (c'est pourquoi await_ready a dit non) : céder la main.
        // Pas de booléen gardé dans l'objet pour s'en souvenir : le budget est celui du
        // thread, inchangé depuis await_ready, et une échéance passée le reste. Chaque octet
        // compte ici : un Sleep vit dans la trame de chaque tâche endormie.
        if (is_elapsed() && !detail::coop::has_budget_remaining()) {
            detail::coop::yield_for_budget(caller);
            return;
        }
        auto& task = detail::require_current_task("rt::time::sleep");
        entry_.epoch = task.begin_suspend(caller);
        detail::register_timer(entry_, task);
    }
    /// \brief Rien à rendre : l'échéance est passée.
    void await_resume() noexcept {}

private:
    detail::TimerEntry entry_;
};

/// \brief Attend jusqu'à `deadline` : `co_await rt::time::sleep_until(debut + 1s);`
inline Sleep sleep_until(Instant deadline) noexcept {
    return Sleep(deadline);
}

/// \brief Attend la durée `d` sans bloquer le thread : `co_await rt::time::sleep(100ms);`
/// \see La leçon du \chapitre{04}.
template <class Rep, class Period>
Sleep sleep(std::chrono::duration<Rep, Period> d) noexcept {
    return Sleep(std::chrono::steady_clock::now() +
                 std::chrono::ceil<Duration>(d)); // arrondi au-dessus : jamais trop tôt
}

/// \brief L'erreur de `timeout` : le délai s'est écoulé avant la fin de l'opération.
class Elapsed : public std::runtime_error {
public:
    Elapsed() : std::runtime_error("délai dépassé") {}
};

/// \brief `timeout` est un `select` à deux branches : l'opération d'abord, puis le délai
/// (l'ordre de tokio : son `Timeout` interroge la valeur, puis le délai). Si le délai gagne,
/// l'opération est abandonnée à son point de suspension, comme toute branche perdante.
///
/// `A` est une valeur (l'opération est déplacée ici et meurt avec ce `timeout`) ou une
/// référence de lvalue (seulement un `JoinHandle`, voir `abandonable_v`).
template <class A>
Task<Result<detail::await_result_t<A&&>, Elapsed>> timeout_impl(Instant deadline, A awaitable) {
    using T = detail::await_result_t<A&&>;
    auto gagnant = co_await rt::select(static_cast<A&&>(awaitable), sleep_until(deadline));
    if (gagnant.index() == 1) {
        co_return Elapsed();
    }
    if constexpr (std::is_void_v<T>) {
        co_return Result<void, Elapsed>();
    } else {
        co_return std::move(std::get<0>(gagnant));
    }
}
/// \brief Attend `awaitable` au plus pendant `d` : rend (une `Task` de) `Result<T, Elapsed>`.
///
/// C'est un `select` de l'opération et d'un `sleep` : si le délai s'écoule, l'opération est
/// **abandonnée** (détruite à son point de suspension), exactement comme tokio abandonne la
/// future. Attention : si l'opération est l'attente d'un
/// `JoinHandle`, abandonner l'attente n'annule pas la tâche, qui continue de tourner
/// (détachée si le handle était passé par valeur). Pour l'arrêter : `handle.abort()`.
///
/// L'exemple du \chapitre{05} (`chapters/05-patterns/exemples/annuler.cpp`) : le handle est
/// prêté à `timeout`, puis la tâche est annulée pour de bon.
/// \snippet 05-patterns/exemples/annuler.cpp programme
template <class Rep, class Period, class A>
auto timeout(std::chrono::duration<Rep, Period> d, A&& awaitable) {
    static_assert(detail::abandonable_v<A>,
                  "timeout : passez l'opération par valeur (std::move) ; seul un JoinHandle "
                  "peut être passé par lvalue, car l'opération est abandonnée si le délai "
                  "s'écoule");
    return timeout_impl<A>(std::chrono::steady_clock::now() + std::chrono::ceil<Duration>(d),
                           std::forward<A>(awaitable));
}

/// \brief Comme `timeout`, avec une échéance absolue.
template <class A>
auto timeout_at(Instant deadline, A&& awaitable) {
    static_assert(detail::abandonable_v<A>, "timeout_at : passez l'opération par valeur");
    return timeout_impl<A>(deadline, std::forward<A>(awaitable));
}

/// \brief Des échéances régulières : `co_await iv.tick()` (comme `tokio::time::Interval`).
///
/// Le premier `tick()` est immédiat. Si la tâche prend du retard, les ticks manqués sont
/// rendus aussitôt, à la suite, pour rattraper (le comportement `Burst` par défaut de tokio).
class Interval {
public:
    /// \brief L'awaitable d'un tick : rend l'échéance prévue de ce tick.
    ///
    /// L'échéance suivante n'avance que quand le tick **se termine** : un tick abandonné
    /// (perdant d'un `select`, délai de `timeout`) ne fait sauter aucune échéance. C'est la
    /// garantie de tokio (« cancel safe »).
    class Tick : public Sleep {
    public:
        /// \brief Le tick d'échéance `deadline` de l'intervalle `owner`.
        Tick(Instant deadline, Interval& owner) noexcept : Sleep(deadline), owner_(&owner) {}
        /// \brief Déplaçable tant qu'il n'attend pas (comme `Sleep`).
        Tick(Tick&& other) noexcept : Sleep(std::move(other)), owner_(other.owner_) {}
        /// \brief L'échéance prévue de ce tick (pas l'heure réelle du réveil) ; l'intervalle
        /// passe à l'échéance suivante.
        Instant await_resume() const noexcept {
            owner_->next_ = deadline() + owner_->period_;
            return deadline();
        }

    private:
        Interval* owner_;
    };

    /// \brief Premier tick à `start`, puis tous les `period` ; lève `std::invalid_argument`
    /// si la période est nulle ou négative.
    Interval(Instant start, Duration period);
    /// \brief Attend la prochaine échéance.
    Tick tick() noexcept { return Tick(next_, *this); }
    /// \brief Repart de maintenant : la prochaine échéance est dans une période.
    void reset() noexcept { next_ = std::chrono::steady_clock::now() + period_; }
    /// \brief La période.
    [[nodiscard]] Duration period() const noexcept { return period_; }

private:
    Instant next_;
    Duration period_;
};

/// \brief Un `Interval` dont le premier tick est immédiat ; lève `std::invalid_argument` si
/// la période est nulle ou négative.
template <class Rep, class Period>
Interval interval(std::chrono::duration<Rep, Period> period) {
    return Interval(std::chrono::steady_clock::now(), std::chrono::ceil<Duration>(period));
}

/// \brief Un `Interval` dont le premier tick est à `start`.
template <class Rep, class Period>
Interval interval_at(Instant start, std::chrono::duration<Rep, Period> period) {
    return Interval(start, std::chrono::ceil<Duration>(period));
}

} // namespace rt::time
