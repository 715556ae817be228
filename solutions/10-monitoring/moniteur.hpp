// Chapitre 10 — exercice « utiliser » : une tâche de surveillance qui, à chaque période, lit
// les métriques du runtime (rt::Handle::current().metrics()) et envoie un Rapport.
//
// Fichier fourni tel quel : l'interface. Vous écrivez moniteur.cpp.
//
// Pourquoi un Rapport envoyé dans un canal plutôt qu'un std::cout ? Parce qu'on peut le
// TESTER (et l'afficher, l'écrire dans un fichier, l'exposer à Prometheus...) : le moniteur
// mesure, un autre décide quoi en faire. C'est la séparation que fait tokio-metrics
// (RuntimeMonitor::intervals() rend des RuntimeMetrics par intervalle, à vous de les afficher).
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace utiliser {

/// Ce que le moniteur rapporte pour UN intervalle (entre deux lectures des métriques).
struct Rapport {
    /// Tâches vivantes à la fin de l'intervalle (la valeur instantanée num_alive_tasks ; le
    /// moniteur lui-même en fait partie).
    std::size_t taches_vivantes = 0;
    /// Passages de tâches par seconde PENDANT l'intervalle : la différence des
    /// total_poll_count() divisée par la durée écoulée (0 si la durée est nulle).
    double passages_par_seconde = 0.0;
    /// Le worker qui a fait le plus de passages PENDANT l'intervalle (différence des
    /// poll_count ; à égalité, le plus petit indice).
    std::size_t worker_le_plus_occupe = 0;
    /// Ses passages pendant l'intervalle.
    std::uint64_t passages_du_plus_occupe = 0;
    /// Tâches volées pendant l'intervalle, tous workers confondus (différence des steal_count).
    std::uint64_t vols = 0;
    /// Mises en sommeil pendant l'intervalle, tous workers confondus (différence des park_count).
    std::uint64_t sommeils = 0;
};

/// Le calcul d'un rapport, sans runtime : `avant` et `apres` sont deux lectures de
/// metrics(), prises à `ecoule` d'intervalle, avec le même nombre de workers.
Rapport faire_rapport(const rt::RuntimeMetrics& avant, const rt::RuntimeMetrics& apres,
                      std::chrono::nanoseconds ecoule);

/// La tâche de surveillance. Lit les métriques au départ, puis à chaque `periode` (le premier
/// rapport arrive après une période, pas tout de suite) : calcule le Rapport de l'intervalle
/// écoulé (durée mesurée avec std::chrono::steady_clock) et l'envoie dans `rapports`.
///
/// S'arrête proprement, et rend le nombre de rapports envoyés :
///   - dès que `arret` passe à true, ou que son émetteur disparaît — même au milieu d'une
///     longue période, même bloquée dans un envoi (canal plein) ;
///   - dès qu'un envoi échoue parce que plus personne ne lit `rapports`.
rt::Task<std::size_t> surveiller(rt::time::Duration periode,
                                 rt::sync::mpsc::Sender<Rapport> rapports,
                                 rt::sync::watch::Receiver<bool> arret);

} // namespace utiliser
