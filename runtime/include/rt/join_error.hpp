#pragma once
/// \file
/// \brief `rt::JoinError` : pourquoi une tâche n'a pas produit de valeur.

#include <exception>
#include <stdexcept>
#include <string>

namespace rt {

/// \brief L'erreur rendue par `co_await handle` quand la tâche n'a pas produit de valeur.
///
/// Deux causes, comme dans tokio :
/// - **panique** (`is_panic()`) : une exception s'est échappée de la tâche. L'exception
///   d'origine est conservée (`panic()`) et peut être relancée (`resume_panic()`),
///   l'équivalent de `std::panic::resume_unwind`.
/// - **annulation** (`is_cancelled()`) : la tâche a été détruite avant la fin, par
///   `JoinHandle::abort()` ou par l'arrêt du runtime. Ses destructeurs ont été exécutés.
///
/// C'est une exception (`std::runtime_error`) : `Result::value()` la lève, comme `unwrap()`.
/// \see La leçon du \chapitre{08}.
class JoinError : public std::runtime_error {
public:
    /// \brief Une erreur de type « panique » qui garde l'exception d'origine.
    static JoinError from_panic(std::exception_ptr payload);
    /// \brief Une erreur de type « annulée ».
    static JoinError cancelled();

    /// \brief Vrai si une exception s'est échappée de la tâche.
    [[nodiscard]] bool is_panic() const noexcept { return payload_ != nullptr; }
    /// \brief Vrai si la tâche a été annulée (abort ou arrêt du runtime).
    [[nodiscard]] bool is_cancelled() const noexcept { return payload_ == nullptr; }
    /// \brief L'exception d'origine, telle qu'elle s'est échappée de la tâche (nulle si la tâche
    /// a été annulée) : `std::rethrow_exception(e.panic())` la relance, comme `resume_panic()`.
    [[nodiscard]] std::exception_ptr panic() const noexcept { return payload_; }
    /// \brief Relance l'exception d'origine ; lève `std::logic_error` si la tâche a été annulée.
    [[noreturn]] void resume_panic() const;

    JoinError() : JoinError(nullptr, "tâche annulée") {}

private:
    JoinError(std::exception_ptr payload, const std::string& message)
        : std::runtime_error(message), payload_(std::move(payload)) {}

    std::exception_ptr payload_;
};

/// \brief Décrit une exception en français pour les messages (« std::runtime_error : ... »).
std::string describe_exception(const std::exception_ptr& e);

} // namespace rt
