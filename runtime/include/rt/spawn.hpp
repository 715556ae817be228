#pragma once
/// \file
/// \brief `rt::spawn` : lancer une tâche légère sur le runtime courant.

#include <string_view>
#include <type_traits>
#include <utility>

#include "rt/join_handle.hpp"
#include "rt/runtime.hpp"
#include "rt/task.hpp"

namespace rt {

/// \brief Lance une tâche sur le runtime courant et rend son `JoinHandle` (`tokio::spawn`).
///
/// La forme à privilégier prend une **lambda-coroutine** ; la lambda est déplacée dans la
/// tâche, ses captures vivent donc aussi longtemps qu'elle (l'équivalent de `async move`) :
/// \snippet api_taches.cpp spawn
/// La tâche ne démarre pas tout de suite : elle est mise en file et s'exécutera quand la
/// tâche courante se suspendra. Lève `std::logic_error` hors d'un runtime.
/// \see La leçon du \chapitre{03}.
template <class F>
requires detail::TaskFactory<F> JoinHandle<detail::factory_value_t<F>> spawn(F&& factory) {
    return detail::spawn_on(detail::require_current_scheduler("rt::spawn"),
                            std::forward<F>(factory));
}

/// \brief Exécute une fonction **bloquante** sur un thread du pool bloquant du runtime
/// courant, jamais sur un worker, et rend son `JoinHandle` (`tokio::task::spawn_blocking`).
///
/// \snippet api_taches.cpp spawn_blocking
/// Pour tout ce qui occuperait le thread sans se suspendre : un appel système bloquant, une
/// bibliothèque synchrone, un calcul de plusieurs millisecondes. Sur un worker, pendant ce
/// temps, aucune autre tâche de ce worker n'avancerait (\chapitre{11}). `abort()` n'annule
/// qu'une fonction pas encore démarrée. Lève `std::logic_error` hors d'un runtime.
template <class F>
requires std::invocable < std::decay_t<F>
& > JoinHandle<detail::blocking_result_t<F>> spawn_blocking(F&& f) {
    return detail::spawn_blocking_on(detail::require_current_scheduler("rt::spawn_blocking"),
                                     std::forward<F>(f));
}

/// \brief Lance une coroutine déjà créée : `rt::spawn(calcul(42))`.
///
/// Attention aux paramètres par référence de la coroutine (CP.53) : ils doivent survivre à
/// la tâche. Préférez des paramètres par valeur.
template <class T>
JoinHandle<T> spawn(Task<T> task) {
    return detail::spawn_on(detail::require_current_scheduler("rt::spawn"), std::move(task));
}

/// \brief Comme `rt::spawn`, avec un nom pour les traces (variable `RT_TRACE`) : la tâche
/// apparaît sous ce nom dans \ref trace "la frise des tâches" au lieu de « tâche N » (le
/// `tokio::task::Builder::name` de tokio). Sans trace, le nom est ignoré.
template <class F>
requires detail::TaskFactory<F> JoinHandle<detail::factory_value_t<F>>
spawn_named(std::string_view name, F&& factory) {
    return detail::spawn_on(detail::require_current_scheduler("rt::spawn_named"),
                            std::forward<F>(factory), name);
}

/// \brief Comme `rt::spawn(Task<T>)`, avec un nom pour les traces.
template <class T>
JoinHandle<T> spawn_named(std::string_view name, Task<T> task) {
    return detail::spawn_on(detail::require_current_scheduler("rt::spawn_named"), std::move(task),
                            name);
}

} // namespace rt
