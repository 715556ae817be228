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

} // namespace rt::detail
