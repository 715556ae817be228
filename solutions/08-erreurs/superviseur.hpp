// Chapitre 08 — exercice « utiliser » : un superviseur qui relance une tâche en échec.
//
// Ce fichier est l'interface : il est fourni tel quel (vous n'avez rien à y changer). Le
// travail est dans superviseur.cpp.
//
// Le principe, celui des superviseurs d'Erlang/OTP en plus simple : chaque tentative est une
// tâche lancée par rt::spawn ; si elle panique (une exception s'en échappe), on la relance,
// au plus `max_restarts` fois ; si elle réussit, on s'arrête ; si elle est annulée, on
// s'arrête aussi (quelqu'un a voulu qu'elle s'arrête : la relancer irait contre sa volonté).
// Le rapport dit combien de tentatives ont eu lieu, et pourquoi chacune a échoué.
#pragma once

#include <rt/rt.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace utiliser {

/// \brief Fabrique une tentative : appelée une fois par tentative, elle rend une tâche neuve
/// (une `rt::Task` ne s'exécute qu'une fois : on ne relance pas la même).
using MakeWorker = std::function<rt::Task<int>()>;

/// \brief Appelée juste après le lancement de chaque tentative, avec son handle : l'appelant
/// peut l'observer, ou l'annuler (`abort()`). Peut être vide.
using OnSpawn = std::function<void(const rt::JoinHandle<int>&)>;

/// \brief Le rapport de supervision.
struct Report {
    /// Le nombre de tentatives lancées (1 + le nombre de relances).
    int attempts = 0;
    /// La valeur de la tentative qui a réussi, s'il y en a une (c'est alors la dernière).
    std::optional<int> value;
    /// Pourquoi chaque tentative ratée n'a rien rendu, dans l'ordre : la `JoinError` telle
    /// que `co_await handle` l'a rendue (l'exception d'origine est dans `panic()`).
    std::vector<rt::JoinError> failures;

    /// \brief Une tentative a réussi.
    [[nodiscard]] bool succeeded() const noexcept { return value.has_value(); }
    /// \brief La dernière tentative a été annulée : le superviseur s'est arrêté sans relancer.
    [[nodiscard]] bool cancelled() const noexcept {
        return !value && !failures.empty() && failures.back().is_cancelled();
    }
    /// \brief Toutes les tentatives permises ont paniqué : le superviseur a abandonné.
    [[nodiscard]] bool gave_up() const noexcept {
        return !value && !failures.empty() && failures.back().is_panic();
    }
};

/// \brief Lance `make_worker()` comme une tâche (`rt::spawn`) et l'attend ; la relance tant
/// qu'elle panique, au plus `max_restarts` fois (donc au plus `1 + max_restarts` tentatives).
///
/// - succès : s'arrête aussitôt, `value` porte la valeur ;
/// - panique : la `JoinError` est ajoutée à `failures`, puis relance s'il en reste le droit ;
/// - annulation : la `JoinError` est ajoutée à `failures`, et le superviseur s'arrête ;
/// - si le superviseur est lui-même annulé pendant une tentative, cette tentative est annulée
///   aussi : elle ne doit pas lui survivre (attention, détruire un `JoinHandle` la détache).
///
/// `on_spawn`, s'il n'est pas vide, est appelé avec le handle de chaque tentative, juste après
/// son lancement. Lève `std::invalid_argument` si `max_restarts` est négatif.
rt::Task<Report> supervise(MakeWorker make_worker, int max_restarts, OnSpawn on_spawn = {});

/// \brief Le rapport en une phrase, en français :
/// - « succès à la tentative 3 : 42 »
/// - « abandon après 4 tentatives : la tâche a paniqué : <message> » (le `what()` de la
///   dernière `JoinError`)
/// - « tentative 2 annulée : pas de relance »
/// - « aucune tentative » (rapport vide).
std::string describe(const Report& report);

} // namespace utiliser
