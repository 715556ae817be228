// Chapitre 10 — exercice « utiliser » : la tâche de surveillance.
//
// À écrire (marques TODO), dans l'ordre :
//   1. faire_rapport : le calcul, sans runtime (les tests fabriquent des métriques) ;
//   2. surveiller : la tâche, qui lit metrics() à chaque période et envoie un Rapport ;
//   3. l'arrêt propre de surveiller (ordre d'arrêt, lecteur parti).
// L'interface et ce qu'elle promet sont dans moniteur.hpp : lisez-le d'abord.
//
// Vérifiez-vous : ./cours verifier 10 moniteur ; indices : ./cours indice 10 moniteur.
#include "moniteur.hpp"

#include <utility>
#include <variant>

namespace utiliser {

Rapport faire_rapport(const rt::RuntimeMetrics& avant, const rt::RuntimeMetrics& apres,
                      std::chrono::nanoseconds ecoule) {
    // TODO (1) : remplir un Rapport. Les compteurs *_count ne font que croître : ce qui
    // s'est passé PENDANT l'intervalle est une différence entre `apres` et `avant`.
    (void)avant;
    (void)apres;
    (void)ecoule;
    return Rapport{};
}

rt::Task<std::size_t> surveiller(rt::time::Duration periode,
                                 rt::sync::mpsc::Sender<Rapport> rapports,
                                 rt::sync::watch::Receiver<bool> arret) {
    // TODO (2) : lire rt::Handle::current().metrics() et l'heure au départ ; puis, à chaque
    // période (rt::time::interval_at : le premier rapport arrive après UNE période),
    // relire, calculer le Rapport de l'intervalle, l'envoyer (co_await rapports.send(...)).
    // TODO (3) : s'arrêter dès que `arret` passe à true (même au milieu d'une période :
    // rt::select), ou quand un envoi échoue. Rendre le nombre de rapports envoyés.
    (void)periode;
    (void)rapports;
    (void)arret;
    co_return 0;
}

} // namespace utiliser
