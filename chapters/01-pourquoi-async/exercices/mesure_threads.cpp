// Chapitre 01 — exercice « mesurer » : ce que coûte un thread du système.
//
// Complétez les trois TODO ci-dessous. Vérifiez-vous avec :
//   ./cours verifier 01 mesure_threads        (ou : cmake --preset etudiant && ctest --preset etudiant -L ch01)
// Des indices gradués sont dans ../indices.md. La partie « Fourni » est déjà écrite.
#include "mesure_threads.hpp"

#include <pthread.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ch01 {

// --- Fourni -------------------------------------------------------------------------------

MemoireProcessus lire_memoire() {
    std::ifstream fichier("/proc/self/status");
    if (!fichier)
        throw std::runtime_error("impossible d'ouvrir /proc/self/status (Linux requis)");
    std::ostringstream texte;
    texte << fichier.rdbuf();
    return analyser_status(texte.str());
}

std::size_t taille_pile_par_defaut_kio() {
    // Les attributs « par défaut » de la glibc : ce que reçoit un std::thread.
    pthread_attr_t attr;
    std::size_t taille = 0;
    if (pthread_getattr_default_np(&attr) == 0) {
        pthread_attr_getstacksize(&attr, &taille);
        pthread_attr_destroy(&attr);
    }
    return taille / 1024;
}

// --- À vous ! ------------------------------------------------------------------------------

MemoireProcessus analyser_status(std::string_view texte) {
    // TODO 1 : parcourir le texte ligne par ligne (« VmRSS:\t    3456 kB ») et extraire les
    // valeurs des clés exactes VmSize, VmRSS et Threads (attention à VmHWM, RssAnon...).
    // Lever std::runtime_error si l'une des trois manque ou n'est pas un nombre.
    (void)texte;
    throw std::logic_error("TODO : analyser_status n'est pas encore écrite");
}

MesureCreation mesurer_creation_threads(std::size_t n, const std::function<void()>& corps) {
    // TODO 2 : noter l'instant (std::chrono::steady_clock), puis n fois : créer un
    // std::thread qui appelle corps (s'il n'est pas vide), et le joindre aussitôt.
    // Renvoyer {n, durée totale en nanosecondes}.
    (void)n;
    (void)corps;
    throw std::logic_error("TODO : mesurer_creation_threads n'est pas encore écrite");
}

MesureParquage mesurer_threads_parques(std::size_t n) {
    // TODO 3 : mesurer lire_memoire() avant ; créer n threads qui s'endorment (variable de
    // condition) ; attendre qu'ils soient *tous* endormis ; mesurer pendant ; les réveiller
    // et les joindre. Renvoyer {n, avant, pendant}.
    (void)n;
    throw std::logic_error("TODO : mesurer_threads_parques n'est pas encore écrite");
}

} // namespace ch01
