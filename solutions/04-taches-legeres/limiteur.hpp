// Chapitre 04 — exercice « utiliser » : des minuteries au service du code (SOLUTION).
//
// Deux outils que l'on écrit dans tout service qui appelle un autre service, et qui ne sont
// faits que de minuteries : un limiteur de débit (au plus n appels par intervalle) et une
// reprise après échec avec un délai qui double (recul exponentiel) et une échéance.
// À écrire avec le runtime du cours ; les fonctions sont appelées depuis une tâche du runtime
// (les tests utilisent rt::block_on), sur un seul thread.
#pragma once

#include <rt/rt.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>

namespace utiliser {

// ---------------------------------------------------------------------------------------
// 1. Le limiteur de débit : au plus `n` passages dans toute fenêtre de durée `intervalle`.
// ---------------------------------------------------------------------------------------

/// Attribue à chaque appel une PLACE (un instant) : les n premiers passent tout de suite, le
/// k-ième (k >= n) pas avant place(k - n) + intervalle. Ainsi, dans toute fenêtre de durée
/// `intervalle`, il n'y a jamais plus de n places.
///
/// Règle exacte (les tests la vérifient) : place(k) = max(maintenant, place(k - n) + intervalle),
/// où `maintenant` est l'instant de l'appel à acquerir(), et place(k - n) compte pour rien si
/// k < n.
///
/// Usage, dans une tâche : `co_await limiteur.acquerir();`. La place est réservée PENDANT
/// l'appel à acquerir(), avant toute suspension : cent tâches qui appellent acquerir() au même
/// moment reçoivent cent places différentes, sans verrou (un seul thread).
class Limiteur {
public:
    Limiteur(std::size_t n, std::chrono::milliseconds intervalle)
        : n_(n == 0 ? 1 : n), intervalle_(intervalle) {}

    /// Réserve la prochaine place et rend la minuterie qui sonnera à cette place (son
    /// `deadline()` est la place attribuée). La Sleep ne retient rien du limiteur : le
    /// limiteur peut être détruit avant qu'elle sonne.
    rt::time::Sleep acquerir() {
        const rt::time::Instant maintenant = std::chrono::steady_clock::now();
        rt::time::Instant place = maintenant;
        if (places_.size() == n_) {
            // La n-ième place avant celle-ci (la plus ancienne gardée) : la fenêtre qui
            // commence à elle est pleine jusqu'à elle + intervalle. Calculée depuis cette
            // place, pas depuis maintenant : attendre plus ne servirait à rien.
            place = std::max(maintenant, places_.front() + intervalle_);
            places_.pop_front();
        }
        places_.push_back(place);
        return rt::time::sleep_until(place);
    }

private:
    std::size_t n_;
    std::chrono::milliseconds intervalle_;
    /// Les n dernières places attribuées, dans l'ordre (elles ne font que croître).
    std::deque<rt::time::Instant> places_;
};

// ---------------------------------------------------------------------------------------
// 2. Réessayer avec un recul exponentiel et une échéance.
// ---------------------------------------------------------------------------------------

/// La politique de reprise.
struct Politique {
    std::chrono::milliseconds premier_delai; ///< attente après le premier échec
    std::chrono::milliseconds delai_max;     ///< plafond d'une attente
    std::chrono::milliseconds budget;        ///< aucune tentative ne commence après debut + budget
};

/// Ce qu'a donné `reessayer`.
struct Issue {
    bool reussi = false; ///< une tentative a réussi
    int tentatives = 0;  ///< nombre d'appels à l'opération
};

/// Appelle `operation()` (une lambda-coroutine qui rend rt::Task<bool> : vrai = réussi)
/// jusqu'à ce qu'elle réussisse. Le calendrier, fixé dès le départ (`debut` = l'instant de
/// l'appel) :
///   - tentative 0 : tout de suite ;
///   - après l'échec de la tentative j (j = 0, 1, ...), attente d = min(premier_delai × 2^j,
///     delai_max) : la tentative suivante est PRÉVUE à (date prévue de la précédente) + d ;
///   - si cette date prévue dépasse debut + budget (strictement), abandonner tout de suite,
///     sans attendre ; une date prévue égale à debut + budget est encore permise.
/// On dort jusqu'à la date prévue (sleep_until), pas pendant d à partir de maintenant : le
/// temps passé dans l'opération ne décale pas le calendrier, et le budget reste une échéance.
template <class Operation>
rt::Task<Issue> reessayer(Operation operation, Politique politique) {
    // `operation` et `politique` sont des copies dans la trame (CP.53) : rien ne pend.
    const rt::time::Instant debut = std::chrono::steady_clock::now();
    const rt::time::Instant echeance = debut + politique.budget;
    rt::time::Instant prevue = debut;
    std::chrono::milliseconds delai = politique.premier_delai;
    Issue issue;
    for (;;) {
        ++issue.tentatives;
        const bool reussi = co_await operation(); // un co_await seul dans son instruction
        if (reussi) {
            issue.reussi = true;
            co_return issue;
        }
        prevue += std::min(delai, politique.delai_max);
        if (prevue > echeance) {
            co_return issue; // la prochaine tentative tomberait après l'échéance
        }
        delai = std::min(delai * 2, politique.delai_max); // plafonné : pas de débordement
        co_await rt::time::sleep_until(prevue);
    }
}

} // namespace utiliser
