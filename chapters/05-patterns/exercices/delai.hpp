// Chapitre 05 — exercice « construire » : timeout, timeout qui annule, et le premier de
// deux tâches, construits au-dessus de rt::select (sans rt::time::timeout : c'est lui que
// vous reconstruisez).
//
// Toutes ces fonctions prennent le JoinHandle par référence : elles l'empruntent sans le
// consommer (comme `timeout(d, &mut handle)` en Rust), et l'appelant peut encore l'attendre
// ou l'annuler après. Une référence en paramètre de coroutine (CP.53) n'est sûre que si la
// coroutine est attendue tout de suite, dans l'expression qui l'appelle :
// `co_await avec_delai(h, 10ms)`. C'est ainsi que les tests les utilisent.
//
// Rappels : `co_await rt::select(a, b)` rend un std::variant dont index() dit quelle branche
// a gagné ; un JoinHandle peut y être passé tel quel (lvalue), une opération comme
// rt::time::sleep(d) par valeur. La branche perdante est détruite à son point de suspension.
#pragma once

#include <rt/rt.hpp>

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace construire {

/// Attend la tâche au plus `delai`. Rend sa valeur si elle a fini à temps ; `std::nullopt` si
/// le délai s'est écoulé d'abord — et alors la tâche CONTINUE de tourner (on n'a abandonné
/// que l'attente). Si la tâche a échoué, lève sa JoinError (comme `value()`).
template <class T>
rt::Task<std::optional<T>> avec_delai(rt::JoinHandle<T>& handle, rt::time::Duration delai) {
    static_assert(!std::is_void_v<T>, "une tâche qui rend une valeur (pas void)");
    // TODO (4) : un rt::select entre le handle et un rt::time::sleep(delai). Branche 0 :
    // la valeur (value() lève la JoinError si la tâche a échoué) ; branche 1 : std::nullopt.
    (void)handle;
    (void)delai;
    co_return std::nullopt;
}

/// Comme `avec_delai`, mais si le délai s'écoule, la tâche est ANNULÉE, et la fonction ne rend
/// `std::nullopt` qu'une fois l'annulation faite (la trame de la tâche est détruite, ses
/// destructeurs ont tourné). Si la tâche a fini malgré tout au même instant, sa valeur est
/// rendue.
template <class T>
rt::Task<std::optional<T>> avec_delai_ou_annuler(rt::JoinHandle<T>& handle,
                                                 rt::time::Duration delai) {
    static_assert(!std::is_void_v<T>, "une tâche qui rend une valeur (pas void)");
    // TODO (5) : comme avec_delai ; si le délai gagne, handle.abort() puis co_await handle
    // (abort est asynchrone : c'est cette attente qui garantit que la tâche est détruite).
    (void)handle;
    (void)delai;
    co_return std::nullopt;
}

/// Attend deux tâches à la fois ; rend la valeur de la première qui finit, et annule l'autre
/// (en attendant que l'annulation soit faite). Si la première a échoué, lève sa JoinError
/// après avoir annulé l'autre.
template <class T>
rt::Task<T> premier_de(rt::JoinHandle<T>& a, rt::JoinHandle<T>& b) {
    static_assert(!std::is_void_v<T>, "une tâche qui rend une valeur (pas void)");
    // TODO (6) : rt::select(a, b) ; l'indice dit qui a gagné. Annulez le perdant et attendez
    // son annulation AVANT de rendre la valeur du gagnant.
    (void)a;
    (void)b;
    co_await rt::task::yield_now();
    throw std::logic_error("premier_de n'est pas encore écrit (TODO 6)");
}

} // namespace construire
