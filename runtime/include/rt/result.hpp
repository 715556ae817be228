#pragma once
/// \file
/// \brief `rt::Result<T, E>` : la valeur d'une opération ou son erreur, comme `Result` en Rust.

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace rt {

namespace detail {
/// \brief Lève `error` (le `unwrap()` d'un échec). Une exception doit être copiable pour être
/// levée ; une erreur qui porte une valeur non copiable (le `std::unique_ptr` rendu par un
/// envoi refusé) est levée comme `std::runtime_error` avec le même message : la valeur, elle,
/// ne se reprend que par `error()`.
template <class E>
[[noreturn]] void throw_error(const E& error) {
    if constexpr (std::is_copy_constructible_v<E>) {
        throw error;
    } else {
        throw std::runtime_error(error.what());
    }
}
} // namespace detail

/// \brief Contient soit une valeur de type `T`, soit une erreur de type `E`.
///
/// C'est l'équivalent du `Result<T, E>` de Rust, limité à ce dont le cours a besoin :
/// `co_await handle` renvoie un `Result<T, JoinError>` et `time::timeout` un
/// `Result<T, time::Elapsed>`.
///
/// \snippet api_taches.cpp result
///
/// `E` doit être une exception (dérivée de `std::exception`) pour que `value()` puisse la lever.
template <class T, class E>
class Result {
public:
    /// \brief Construit un succès portant `value`.
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    /// \brief Construit un échec portant `error`.
    Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

    /// \brief Vrai si le résultat est un succès.
    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    /// \brief Vrai si le résultat est un succès (même chose que `has_value()`).
    explicit operator bool() const noexcept { return has_value(); }

    /// \brief La valeur ; lève l'erreur si le résultat est un échec (le `unwrap()` de Rust).
    T& value() & {
        throw_if_error();
        return std::get<0>(state_);
    }
    /// \copydoc value()
    const T& value() const& {
        throw_if_error();
        return std::get<0>(state_);
    }
    /// \copydoc value()
    T&& value() && {
        throw_if_error();
        return std::get<0>(std::move(state_));
    }

    /// \brief Accès direct à la valeur (précondition : `has_value()`).
    T& operator*() & { return value(); }
    /// \copydoc operator*()
    const T& operator*() const& { return value(); }
    /// \copydoc operator*()
    T&& operator*() && { return std::move(*this).value(); }
    /// \brief Accès aux membres de la valeur (précondition : `has_value()`).
    T* operator->() { return &value(); }
    /// \copydoc operator->()
    const T* operator->() const { return &value(); }

    /// \brief L'erreur ; lève `std::logic_error` si le résultat est un succès.
    const E& error() const& {
        if (has_value()) {
            throw std::logic_error("rt::Result::error() appelé sur un succès");
        }
        return std::get<1>(state_);
    }
    /// \brief L'erreur, modifiable : pour reprendre ce qu'elle porte (la valeur d'un envoi
    /// refusé, par exemple).
    E& error() & { return const_cast<E&>(std::as_const(*this).error()); }

private:
    void throw_if_error() const {
        if (!has_value()) {
            detail::throw_error(std::get<1>(state_));
        }
    }

    std::variant<T, E> state_;
};

/// \brief Spécialisation pour les opérations sans valeur (`Task<void>`).
///
/// L'erreur est optionnelle : un succès ne construit aucune exception (une `JoinError` alloue
/// son message), ce qui compte quand on attend des centaines de milliers de tâches.
template <class E>
class Result<void, E> {
public:
    /// \brief Construit un succès.
    Result() = default;
    /// \brief Construit un échec portant `error`.
    Result(E error) : error_(std::move(error)) {}

    /// \brief Vrai si le résultat est un succès.
    [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }
    /// \brief Vrai si le résultat est un succès.
    explicit operator bool() const noexcept { return has_value(); }
    /// \brief Ne fait rien en cas de succès ; lève l'erreur sinon (le `unwrap()` de Rust).
    void value() const {
        if (error_) {
            detail::throw_error(*error_);
        }
    }
    /// \brief L'erreur ; lève `std::logic_error` si le résultat est un succès.
    const E& error() const& {
        if (!error_) {
            throw std::logic_error("rt::Result::error() appelé sur un succès");
        }
        return *error_;
    }
    /// \brief L'erreur, modifiable : pour reprendre ce qu'elle porte (la valeur d'un envoi
    /// refusé, par exemple).
    E& error() & { return const_cast<E&>(std::as_const(*this).error()); }

private:
    std::optional<E> error_;
};

} // namespace rt
