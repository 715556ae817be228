// Chapitre 10 — exercice « utiliser » : la tâche de surveillance (solution commentée).
#include "moniteur.hpp"

#include <algorithm>
#include <utility>
#include <variant>

namespace utiliser {

namespace {

/// La somme d'un compteur sur tous les workers.
template <class Champ>
std::uint64_t somme(const rt::RuntimeMetrics& m, Champ champ) {
    std::uint64_t total = 0;
    for (const auto& w : m.workers) {
        total += w.*champ;
    }
    return total;
}

/// Vrai si le moniteur doit s'arrêter : l'émetteur de `arret` est parti, ou il a publié true.
bool arret_demande(rt::sync::watch::Receiver<bool>& arret) {
    if (!arret.has_changed().has_value()) {
        return true; // émetteur parti : plus personne ne pourra nous arrêter autrement
    }
    return *arret.borrow();
}

} // namespace

Rapport faire_rapport(const rt::RuntimeMetrics& avant, const rt::RuntimeMetrics& apres,
                      std::chrono::nanoseconds ecoule) {
    Rapport r;
    r.taches_vivantes = apres.num_alive_tasks; // une valeur instantanée : celle de la fin

    // Les compteurs *_count ne font que croître : ce qui s'est passé PENDANT l'intervalle
    // est une différence. (Diviser le total depuis le démarrage par la période donnerait un
    // débit qui grossit à chaque rapport, même quand le runtime ne fait rien.)
    const std::uint64_t passages = apres.total_poll_count() - avant.total_poll_count();
    const double secondes = std::chrono::duration<double>(ecoule).count();
    r.passages_par_seconde = secondes > 0.0 ? static_cast<double>(passages) / secondes : 0.0;

    // Le plus occupé : celui qui a EXÉCUTÉ le plus de tâches pendant l'intervalle. (Le plus
    // voleur est au contraire souvent celui qui manquait de travail.)
    const std::size_t n = std::min(avant.workers.size(), apres.workers.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t p = apres.workers[i].poll_count - avant.workers[i].poll_count;
        if (i == 0 || p > r.passages_du_plus_occupe) {
            r.worker_le_plus_occupe = i;
            r.passages_du_plus_occupe = p;
        }
    }

    r.vols = apres.total_steal_count() - avant.total_steal_count();
    r.sommeils =
        somme(apres, &rt::WorkerMetrics::park_count) - somme(avant, &rt::WorkerMetrics::park_count);
    return r;
}

rt::Task<std::size_t> surveiller(rt::time::Duration periode,
                                 rt::sync::mpsc::Sender<Rapport> rapports,
                                 rt::sync::watch::Receiver<bool> arret) {
    using Horloge = std::chrono::steady_clock;
    const rt::Handle runtime = rt::Handle::current();
    rt::RuntimeMetrics avant = runtime.metrics();
    Horloge::time_point debut = Horloge::now();
    // Premier tick dans une période (rt::time::interval ferait un premier tick immédiat).
    rt::time::Interval ticks = rt::time::interval_at(debut + periode, periode);

    std::size_t envoyes = 0;
    while (!arret_demande(arret)) {
        // Attendre la période OU l'ordre d'arrêt : un moniteur qui ne regarde l'arrêt qu'à
        // chaque tick répondrait avec une période de retard (une heure, si la période est
        // d'une heure). Les deux branches sont sûres face à l'annulation : un tick abandonné
        // ne saute aucune échéance, un changed() abandonné ne marque rien comme vu.
        auto evenement = co_await rt::select(ticks.tick(), arret.changed());
        if (evenement.index() == 1) {
            continue; // arret a changé (ou son émetteur est parti) : la condition le dira
        }

        rt::RuntimeMetrics apres = runtime.metrics();
        const Horloge::time_point maintenant = Horloge::now();
        Rapport rapport = faire_rapport(avant, apres, maintenant - debut);
        avant = std::move(apres);
        debut = maintenant;

        // L'envoi peut attendre (canal plein : le lecteur est lent). Là aussi, l'arrêt gagne.
        auto envoi = co_await rt::select(rapports.send(rapport), arret.changed());
        if (envoi.index() == 1) {
            continue;
        }
        if (!std::get<0>(envoi).has_value()) {
            break; // plus personne ne lit les rapports : inutile de continuer
        }
        ++envoyes;
    }
    co_return envoyes;
}

} // namespace utiliser
