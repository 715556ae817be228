// Chapitre 04 — exercice « utiliser » : des minuteries au service du code.
//
// Deux outils que l'on écrit dans tout service qui appelle un autre service, et qui ne sont
// faits que de minuteries : un limiteur de débit (au plus n appels par intervalle) et une
// reprise après échec avec un délai qui double (recul exponentiel) et une échéance.
// À écrire avec le runtime du cours ; les fonctions sont appelées depuis une tâche du runtime
// (les tests utilisent rt::block_on), sur un seul thread.
//
// À VOUS : les deux endroits marqués TODO (Limiteur::acquerir, puis reessayer). Les contrats
// sont écrits au-dessus de chaque fonction : les tests vérifient ces règles exactement.
// Vérifier : ./cours verifier 04 limiteur   ·   Indices : ./cours indice 04 limiteur
#pragma once

#include <rt/rt.hpp>

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
        // TODO (1) : calculer la place de cet appel selon la règle ci-dessus, avec les places
        // déjà attribuées (`places_`, à tenir à jour : n'en garder que les n dernières), puis
        // rendre rt::time::sleep_until(place). Pour l'instant : tout le monde passe.
        const rt::time::Instant place = std::chrono::steady_clock::now();
        (void)n_;
        (void)intervalle_;
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
    // TODO (2) : le calendrier ci-dessus. Notez `debut`, appelez l'opération (un co_await
    // seul dans son instruction : `const bool reussi = co_await operation();`), comptez les
    // tentatives, calculez la date prévue de la suivante, abandonnez si elle dépasse
    // l'échéance, sinon dormez jusqu'à elle (co_await rt::time::sleep_until(prevue)).
    (void)operation;
    (void)politique;
    co_return Issue{};
}

} // namespace utiliser
