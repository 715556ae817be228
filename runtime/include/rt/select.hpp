#pragma once
/// \file
/// \brief `rt::select(a, b, ...)` : la première opération terminée gagne, les autres sont
/// annulées (l'équivalent de `tokio::select!`).

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/ref_counted.hpp"
#include "rt/detail/select_branch.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/task.hpp"

namespace rt {

namespace detail {

/// \brief Le type d'une branche dans le résultat : `void` devient `std::monostate`.
template <class T>
using select_value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// \brief Le corps d'une branche : attend l'opération et range son résultat (ou son
/// exception) dans le résultat du `select`, à la position `I`.
template <std::size_t I, class A, class Out>
Task<void> select_branch(A awaitable, std::optional<Out>& out, std::exception_ptr& error) {
    // Par valeur (rvalue : l'opération est déplacée dans la trame de la branche et meurt avec
    // elle) ou par référence (lvalue : seulement un JoinHandle, voir abandonable_v).
    try {
        if constexpr (std::is_void_v<await_result_t<A&&>>) {
            co_await static_cast<A&&>(awaitable);
            out.emplace(std::in_place_index<I>);
        } else {
            out.emplace(std::in_place_index<I>, co_await static_cast<A&&>(awaitable));
        }
    } catch (...) {
        error = std::current_exception();
    }
}

/// \brief Le `select` lui-même : une coroutine de la tâche parente qui exécute ses branches.
template <class... A, std::size_t... I>
Task<std::variant<select_value_t<await_result_t<A&&>>...>> select_impl(std::tuple<A...> awaitables,
                                                                       std::index_sequence<I...>) {
    using Out = std::variant<select_value_t<await_result_t<A&&>>...>;
    constexpr std::size_t N = sizeof...(A);
    static_assert(N <= 64, "select : 64 branches au plus");

    // L'ordre des déclarations compte : `branches` est détruit en premier (annulation des
    // perdantes), pendant que tout ce que les branches utilisent existe encore.
    auto shared = Ref<SelectShared>::adopt(new SelectShared(require_current_task("rt::select")));
    std::optional<Out> out;
    std::exception_ptr error;
    SelectBranches<N> branches(*shared);
    ((branches.branches[I] = new SelectBranch(
          shared.get(), I,
          select_branch<I, A>(std::forward<A>(std::get<I>(awaitables)), out, error))),
     ...);

    // Premier passage : chaque branche, dans l'ordre, jusqu'à sa première suspension (comme
    // `tokio::select!` avec `biased;` : l'ordre est déterministe). Ensuite, seules les
    // branches réveillées sont reprises.
    std::uint64_t to_run = N == 64 ? ~std::uint64_t{0} : branch_bit(N) - 1;
    for (;;) {
        for (std::size_t i = 0; i < N && shared->winner() < 0; ++i) {
            if (to_run & branch_bit(i)) {
                branches.branches[i]->run();
            }
        }
        if (shared->winner() >= 0) {
            break;
        }
        co_await SelectShared::WaitReady{shared.get()};
        to_run = shared->take_ready();
    }
    if (error) {
        std::rethrow_exception(error); // la branche gagnante a levé une exception
    }
    co_return std::move(*out);
}

} // namespace detail

/// \brief Attend plusieurs opérations à la fois : la première terminée gagne, les autres
/// sont **annulées** (leurs trames détruites à leur point de suspension, destructeurs
/// compris). Le résultat est un `std::variant` dont l'indice dit quelle branche a gagné
/// (`void` y devient `std::monostate`).
///
/// \snippet api_taches.cpp select
///
/// Les branches sont démarrées dans l'ordre, puis reprises quand elles sont réveillées ;
/// tout se passe dans la tâche qui attend, sur son thread. Une lvalue est attendue sur
/// place (elle survit au `select`), une rvalue est déplacée dans le `select`.
///
/// **Sûreté face à l'annulation** : une branche perdante peut avoir fait une partie de son
/// travail avant d'être détruite (par exemple lu des octets dans un tampon qu'elle possède) ;
/// ce travail est perdu. Ne mettez dans un `select` que des opérations qui ne perdent rien
/// si on les abandonne à un point de suspension.
/// \see La leçon du \chapitre{05}.
template <class... A>
auto select(A&&... awaitables) {
    static_assert(sizeof...(A) >= 1, "select : au moins une branche");
    static_assert((detail::abandonable_v<A> && ...),
                  "select : passez les opérations par valeur (std::move) ; seul un JoinHandle "
                  "peut être passé par lvalue, car une branche perdante est abandonnée en "
                  "cours de route");
    return detail::select_impl(std::tuple<A...>(std::forward<A>(awaitables)...),
                               std::index_sequence_for<A...>{});
}

} // namespace rt
