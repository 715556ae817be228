// Chapitre 01 — exercice « mesurer » : ce que coûte vraiment un thread du système.
//
// Au lieu de croire un tableau (« ~8 MB par thread », « ~100 µs pour en créer un »), on
// mesure sur sa propre machine : le temps de création, la mémoire réservée (virtuelle) et la
// mémoire réellement occupée (résidente) par des threads endormis.
//
// Ce fichier d'interface est identique dans exercices/ et dans solutions/ : ne le modifiez
// pas, les tests s'appuient dessus. Votre travail est dans mesure_threads.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace ch01 {

/// Trois compteurs du noyau sur un processus, lus dans /proc/<pid>/status.
struct MemoireProcessus {
    std::size_t virtuelle_kio = 0; ///< VmSize : espace d'adressage réservé (kio)
    std::size_t residente_kio = 0; ///< VmRSS : pages réellement en mémoire physique (kio)
    std::size_t threads = 0;       ///< Threads : nombre de threads du processus
};

/// Extrait VmSize, VmRSS et Threads du texte d'un fichier /proc/<pid>/status.
/// Les clés sont exactes et sensibles à la casse (« VmRSS: », pas « VmHWM: » ni « RssAnon: »).
/// @throws std::runtime_error si l'un des trois champs manque ou n'est pas un nombre.
MemoireProcessus analyser_status(std::string_view texte);

/// Lit /proc/self/status et l'analyse avec analyser_status. Fourni.
MemoireProcessus lire_memoire();

/// Taille de pile par défaut d'un nouveau thread (pthread), en kio. Fourni.
/// Sous Linux elle vient de `ulimit -s` (souvent 8192 kio, les « 8 MB » de l'article).
std::size_t taille_pile_par_defaut_kio();

/// Résultat de mesurer_creation_threads.
struct MesureCreation {
    std::size_t threads = 0;          ///< nombre de threads créés puis joints
    std::chrono::nanoseconds duree{}; ///< durée totale de la boucle
    /// Coût moyen d'un thread (création + démarrage + fin + join), en ns.
    double ns_par_thread() const {
        return threads == 0 ? 0.0 : static_cast<double>(duree.count()) / threads;
    }
};

/// Crée puis joint `n` threads l'un après l'autre ; chacun exécute `corps` une fois.
/// Mesure la durée totale avec une horloge monotone (std::chrono::steady_clock).
MesureCreation mesurer_creation_threads(std::size_t n, const std::function<void()>& corps = {});

/// Résultat de mesurer_threads_parques.
struct MesureParquage {
    std::size_t threads = 0;  ///< nombre de threads endormis pendant la mesure
    MemoireProcessus avant;   ///< avant leur création
    MemoireProcessus pendant; ///< pendant qu'ils sont tous vivants et endormis
};

/// Crée `n` threads qui s'endorment tous (sur une variable de condition), mesure la mémoire
/// du processus quand ils sont *tous* endormis, puis les réveille et les joint.
MesureParquage mesurer_threads_parques(std::size_t n);

} // namespace ch01
