// Chapitre 09 — exercice « utiliser » : traiter beaucoup de travaux, au plus `max_en_vol` à
// la fois, et rendre les résultats dans l'ordre des travaux.
//
// Le programme de l'article lance ses 100 tâches d'un coup, puis chacune attend son
// autorisation : il limite le nombre de tâches qui TRAVAILLENT, pas le nombre de tâches qui
// EXISTENT (chacune tient sa trame en mémoire en attendant). Ici, on prend l'autorisation
// AVANT de lancer la tâche (acquire_owned sur un sémaphore tenu par un std::shared_ptr), et
// on la DÉPLACE dans la tâche : la boucle de lancement s'arrête tant que `max_en_vol` tâches
// tournent, et la tâche rend l'autorisation en mourant (RAII). Au plus `max_en_vol` tâches
// existent à la fois.
//
// Règles :
//   - `f(job)` rend une rt::Task<R> : le travail, asynchrone ;
//   - jamais plus de `max_en_vol` appels de `f` en cours, ni plus de `max_en_vol` tâches
//     vivantes lancées par traiter_borne ;
//   - le résultat i est celui du travail i, quel que soit l'ordre de fin ;
//   - un travail qui lève une exception ne fait perdre aucun autre résultat : sa case contient
//     une rt::JoinError (is_panic()), les autres leurs valeurs ;
//   - `max_en_vol == 0` : std::invalid_argument (on n'avancerait jamais).
#pragma once

#include <rt/rt.hpp>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace utiliser {

/// Le type de valeur du travail : `R` quand `f(job)` rend une `rt::Task<R>`.
template <class F, class Job>
using resultat_t = typename std::invoke_result_t<F&, Job>::value_type;

/// L'issue d'un travail : sa valeur, ou l'erreur de sa tâche (exception, annulation).
template <class F, class Job>
using Issue = rt::Result<resultat_t<F, Job>, rt::JoinError>;

/// Traite `jobs` avec `f`, au plus `max_en_vol` à la fois ; rend les issues dans l'ordre des
/// travaux.
template <class Job, class F>
rt::Task<std::vector<Issue<F, Job>>> traiter_borne(std::vector<Job> jobs, F f,
                                                   std::size_t max_en_vol) {
    using R = resultat_t<F, Job>;
    static_assert(!std::is_void_v<R>, "f(job) doit rendre une rt::Task<R> avec une valeur");
    if (max_en_vol == 0) {
        throw std::invalid_argument("traiter_borne : max_en_vol doit être positif");
    }
    // Tenu par un shared_ptr : acquire_owned rend des autorisations qui gardent le sémaphore
    // en vie, et qu'on peut donc emporter dans une tâche lancée (l'Arc<Semaphore> de tokio).
    auto semaphore = std::make_shared<rt::sync::Semaphore>(max_en_vol);

    std::vector<rt::JoinHandle<R>> handles;
    handles.reserve(jobs.size());
    for (Job& job : jobs) {
        // 1. L'autorisation d'abord : on attend ici, AVANT de créer la tâche. (Deux lignes au
        //    lieu de `(co_await ...).value()` : dans un modèle de fonction, g++ 12 refuse
        //    cette expression, « insufficient contextual information ».)
        auto acquis = co_await semaphore->acquire_owned();
        auto permit = std::move(acquis.value());
        // 2. Elle est déplacée dans la tâche, qui la rendra en mourant (fin, exception ou
        //    annulation : la capture est détruite avec la tâche).
        handles.push_back(rt::spawn([permit = std::move(permit), f, job = std::move(job)]() mutable
                                    -> rt::Task<R> { co_return co_await f(std::move(job)); }));
    }

    // 3. Les résultats dans l'ordre des travaux. Pas de value() : une tâche en échec donne
    //    une JoinError à sa place, et l'on continue de collecter les autres.
    std::vector<Issue<F, Job>> issues;
    issues.reserve(handles.size());
    for (auto& handle : handles) {
        issues.push_back(co_await handle);
    }
    co_return issues;
}

} // namespace utiliser
