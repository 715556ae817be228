#pragma once
/// \file
/// \brief Le budget coopératif : une tâche dont les opérations sont toujours prêtes finit par
/// céder la main (le `coop` de tokio).

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

/// \brief Compte une cession forcée (métrique `budget_forced_yield_count`).
void count_forced_yield() noexcept;

} // namespace rt::detail::coop
