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
// À compléter : les TODO de traiter_borne. Vérifiez-vous avec « ./cours verifier 09 borne » ;
// indices : « ./cours indice 09 borne ».
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
    // TODO 1 : max_en_vol == 0 → std::invalid_argument.
    // TODO 2 : un sémaphore de max_en_vol autorisations, tenu par un std::shared_ptr
    //          (std::make_shared<rt::sync::Semaphore>), pour pouvoir utiliser acquire_owned.
    // TODO 3 : pour chaque travail, dans l'ordre : attendre une autorisation AVANT de lancer
    //          la tâche (co_await semaphore->acquire_owned()), puis lancer la tâche avec
    //          rt::spawn en y DÉPLAÇANT l'autorisation, f et le travail ; la tâche rend
    //          co_await f(std::move(job)). Gardez les JoinHandle<R> dans l'ordre.
    // TODO 4 : attendre les handles dans l'ordre et ranger chaque issue (rt::Result) telle
    //          quelle : pas de value(), un échec reste dans sa case.
    (void)jobs;
    (void)f;
    (void)max_en_vol;
    co_return std::vector<Issue<F, Job>>{};
}

} // namespace utiliser
