#pragma once
/// \file
/// \brief Le budget coopératif : une tâche dont les opérations sont toujours prêtes finit par
/// céder la main (le `coop` de tokio, chapitre 11).
///
/// Un planificateur coopératif ne reprend la main que quand une tâche se suspend. Une tâche
/// qui lit un socket toujours plein, ou prend un verrou toujours libre, ne se suspend jamais :
/// sans budget, elle monopoliserait son thread (les autres tâches, les minuteries et les
/// sockets attendraient). Chaque passage reçoit donc 128 unités ; chaque opération prête en
/// consomme une ; à zéro, l'opération suivante cède la main avant de continuer.

#include <coroutine>

namespace rt::detail::coop {

/// \brief Opérations prêtes qu'une tâche peut enchaîner en un passage (128 chez tokio).
inline constexpr int BUDGET = 128;

/// \brief Ce qu'il reste du budget du passage en cours sur ce thread ; −1 hors d'un passage
/// (illimité : un test qui appelle directement une coroutine n'a pas de budget).
inline thread_local int tls_budget = -1;

/// \brief Donne un budget neuf pour la durée d'un passage (posé par le planificateur).
class BudgetGuard {
public:
    BudgetGuard() noexcept : previous_(tls_budget) { tls_budget = BUDGET; }
    ~BudgetGuard() { tls_budget = previous_; }
    BudgetGuard(const BudgetGuard&) = delete;
    BudgetGuard& operator=(const BudgetGuard&) = delete;

private:
    int previous_;
};

/// \brief Vrai s'il reste du budget (sans en consommer).
inline bool has_budget_remaining() noexcept {
    return tls_budget != 0;
}

/// \brief Consomme une unité ; faux si le budget est épuisé (la tâche doit céder la main).
inline bool poll_proceed() noexcept {
    if (tls_budget < 0) {
        return true; // hors passage : illimité
    }
    if (tls_budget == 0) {
        return false;
    }
    --tls_budget;
    return true;
}

/// \brief Cède la main depuis un `await_suspend`, le budget épuisé : la tâche courante, suspendue
/// en `caller`, repasse en fin de file (comme `yield_now`), et la cession est comptée
/// (`budget_forced_yield_count`).
void yield_for_budget(std::coroutine_handle<> caller);

/// \brief Une opération qui **prend** quelque chose (une autorisation, une place dans un canal,
/// un verrou) et qui sait réessayer : voir `YieldThenRetry`.
class Retryable {
public:
    /// \brief Réessaie, au passage suivant de la tâche : vrai si l'opération a abouti (la tâche
    /// reprend aussitôt en `caller`), faux si elle attend désormais (son réveil reprendra
    /// `caller`).
    virtual bool retry(std::coroutine_handle<> caller) noexcept = 0;

protected:
    ~Retryable() = default;
};

/// \brief Budget épuisé, une opération qui prend quelque chose cède la main **avant** de
/// prendre, puis réessaie : c'est l'ordre de tokio (`poll_proceed` avant l'opération).
///
/// Prendre d'abord puis céder la main en gardant ce qu'on a pris serait plus simple, mais
/// fausse tout : pendant que la tâche attend son tour, l'autorisation qu'elle tient manque aux
/// autres, qui se mettent en file ; la file ne se vide plus jamais (chaque autorisation rendue
/// va au suivant, qui repart en file pour la suivante) et chaque prise coûte une suspension.
///
/// Un `co_await` ne peut pas « réessayer » de lui-même : `await_resume` ne peut plus
/// suspendre. La tâche reprendra donc d'abord une petite coroutine (créée seulement quand le
/// budget est épuisé, une fois toutes les 128 opérations) qui appelle `op.retry(caller)`, puis
/// passe la main à `caller` si l'opération a abouti.
class YieldThenRetry {
public:
    YieldThenRetry() noexcept = default;
    YieldThenRetry(const YieldThenRetry&) = delete;
    YieldThenRetry& operator=(const YieldThenRetry&) = delete;
    /// \brief La tâche annulée pendant qu'elle cédait la main : la reprise n'aura pas lieu.
    ~YieldThenRetry();

    /// \brief Depuis `await_suspend` : la tâche courante, suspendue en `caller`, cède la main
    /// (la cession est comptée, comme `yield_for_budget`) et réessaiera `op` à son retour.
    void start(Retryable& op, std::coroutine_handle<> caller);

private:
    std::coroutine_handle<> frame_; ///< la coroutine de reprise, tant qu'elle n'a pas tourné
};

/// \brief L'awaiter de `co_await coop::proceed()` : une opération prête de plus. Tant qu'il
/// reste du budget, il ne suspend pas ; sinon la tâche cède la main, puis continue.
///
/// Les feuilles écrites comme des coroutines (`Socket::read`, `BufReader::read_line`) le
/// placent au début de chaque opération, **avant** de toucher à quoi que ce soit : abandonnée
/// là (`select`, `timeout`), l'opération n'a rien fait.
struct Proceed {
    bool await_ready() const noexcept { return poll_proceed(); }
    void await_suspend(std::coroutine_handle<> caller) { yield_for_budget(caller); }
    void await_resume() const noexcept {}
};

/// \brief `co_await rt::detail::coop::proceed();` (voir `Proceed`).
inline Proceed proceed() noexcept {
    return {};
}

} // namespace rt::detail::coop
