#pragma once
/// \file
/// \brief Quel type rend `co_await x` ? (utilisé par `timeout`).

#include <coroutine>
#include <type_traits>
#include <utility>

namespace rt::detail {

template <class A>
concept HasMemberCoAwait = requires(A&& a) {
    static_cast<A&&>(a).operator co_await();
};

/// \brief L'awaiter qu'utilise `co_await` sur un `A` (membre `operator co_await` ou `A` lui-même).
template <class A>
decltype(auto) get_awaiter(A&& a) {
    if constexpr (HasMemberCoAwait<A>) {
        return static_cast<A&&>(a).operator co_await();
    } else {
        return static_cast<A&&>(a);
    }
}

/// \brief Le type du résultat de `co_await std::declval<A>()`.
template <class A>
using await_result_t = decltype(get_awaiter(std::declval<A>()).await_resume());

/// \brief Vrai pour les types qu'on peut passer **par lvalue** à `select` ou `timeout`.
///
/// Abandonner une attente détruit la coroutine qui attend, à son point de suspension. Si
/// l'objet attendu vit en dehors de cette coroutine (une lvalue), il faut que son
/// inscription (minuterie, réveil) vive dans un awaiter *temporaire*, détruit avec elle :
/// c'est le cas de `JoinHandle` (spécialisé dans join_handle.hpp). Un `Sleep` ou une `Task`
/// passés par lvalue resteraient inscrits, ou à moitié exécutés, au nom d'une attente qui
/// n'existe plus : on les refuse à la compilation. Passez-les par valeur (`std::move`).
template <class T>
struct abandonable_lvalue : std::false_type {};

/// \brief Vrai si `A` (tel que déduit d'une référence universelle) peut être abandonné.
template <class A>
inline constexpr bool abandonable_v =
    !std::is_lvalue_reference_v<A> || abandonable_lvalue<std::remove_cvref_t<A>>::value;

} // namespace rt::detail
