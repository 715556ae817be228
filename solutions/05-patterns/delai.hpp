// Chapitre 05 — exercice « construire » : timeout, timeout qui annule, et le premier de
// deux tâches, construits au-dessus de rt::select (solution commentée).
//
// Toutes ces fonctions prennent le JoinHandle par référence : elles l'empruntent sans le
// consommer (comme `timeout(d, &mut handle)` en Rust), et l'appelant peut encore l'attendre
// ou l'annuler après. Une référence en paramètre de coroutine (CP.53) n'est sûre que si la
// coroutine est attendue tout de suite, dans l'expression qui l'appelle :
// `co_await avec_delai(h, 10ms)`. C'est ainsi que les tests les utilisent.
#pragma once

#include <rt/rt.hpp>

#include <optional>
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
    // Deux branches : attendre la tâche, attendre l'échéance. select démarre la première,
    // puis la seconde ; la première finie gagne et l'autre est détruite à son point de
    // suspension. Si c'est le sommeil qui perd, son destructeur désinscrit la minuterie ; si
    // c'est l'attente du handle, son awaiter retire son inscription dans la tâche — qui,
    // elle, n'est pas touchée.
    auto r = co_await rt::select(handle, rt::time::sleep(delai));
    if (r.index() == 1) {
        co_return std::nullopt;
    }
    co_return std::get<0>(std::move(r)).value(); // lève la JoinError si la tâche a échoué
}

/// Comme `avec_delai`, mais si le délai s'écoule, la tâche est ANNULÉE, et la fonction ne rend
/// `std::nullopt` qu'une fois l'annulation faite (la trame de la tâche est détruite, ses
/// destructeurs ont tourné). Si la tâche a fini malgré tout au même instant, sa valeur est
/// rendue.
template <class T>
rt::Task<std::optional<T>> avec_delai_ou_annuler(rt::JoinHandle<T>& handle,
                                                 rt::time::Duration delai) {
    static_assert(!std::is_void_v<T>, "une tâche qui rend une valeur (pas void)");
    auto r = co_await rt::select(handle, rt::time::sleep(delai));
    if (r.index() == 0) {
        co_return std::get<0>(std::move(r)).value();
    }
    handle.abort(); // asynchrone : la tâche sera détruite au prochain passage du planificateur
    auto fin = co_await handle; // ... que l'on attend : après, plus rien ne tourne
    if (fin) {
        co_return *fin; // elle finissait au moment même de l'abort
    }
    if (fin.error().is_panic()) {
        throw fin.error(); // elle a échoué avant d'être annulée : on le dit
    }
    co_return std::nullopt;
}

/// Attend deux tâches à la fois ; rend la valeur de la première qui finit, et annule l'autre
/// (en attendant que l'annulation soit faite). Si la première a échoué, lève sa JoinError
/// après avoir annulé l'autre.
template <class T>
rt::Task<T> premier_de(rt::JoinHandle<T>& a, rt::JoinHandle<T>& b) {
    static_assert(!std::is_void_v<T>, "une tâche qui rend une valeur (pas void)");
    auto r = co_await rt::select(a, b);
    // Le gagnant a fini ; le perdant (l'autre handle) n'a perdu que son ATTENTE : il faut
    // l'annuler explicitement, puis attendre la fin de l'annulation.
    rt::JoinHandle<T>& perdant = r.index() == 0 ? b : a;
    perdant.abort();
    (void)co_await perdant;
    if (r.index() == 0) {
        co_return std::get<0>(std::move(r)).value();
    }
    co_return std::get<1>(std::move(r)).value();
}

} // namespace construire
