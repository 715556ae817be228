// Chapitre 01 — solution de l'exercice « mesurer ».
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

// --- Solution -----------------------------------------------------------------------------

MemoireProcessus analyser_status(std::string_view texte) {
    std::optional<std::size_t> vm_size, vm_rss, threads;
    std::size_t debut = 0;
    while (debut < texte.size()) {
        auto fin = texte.find('\n', debut);
        if (fin == std::string_view::npos)
            fin = texte.size();
        const std::string_view ligne = texte.substr(debut, fin - debut);
        debut = fin + 1;

        // Une ligne ressemble à « VmRSS:\t    3456 kB » : clé, deux-points, blancs, nombre.
        const auto deux_points = ligne.find(':');
        if (deux_points == std::string_view::npos)
            continue;
        const std::string_view cle = ligne.substr(0, deux_points);
        std::optional<std::size_t>* cible = nullptr;
        if (cle == "VmSize")
            cible = &vm_size;
        else if (cle == "VmRSS")
            cible = &vm_rss;
        else if (cle == "Threads")
            cible = &threads;
        else
            continue;

        std::istringstream valeur{std::string(ligne.substr(deux_points + 1))};
        std::size_t n = 0;
        if (!(valeur >> n))
            throw std::runtime_error("valeur illisible pour " + std::string(cle));
        *cible = n;
    }
    if (!vm_size || !vm_rss || !threads)
        throw std::runtime_error("champ VmSize, VmRSS ou Threads absent du texte de status");
    return MemoireProcessus{*vm_size, *vm_rss, *threads};
}

MesureCreation mesurer_creation_threads(std::size_t n, const std::function<void()>& corps) {
    const auto debut = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        // Un thread à la fois : on mesure le cycle complet d'un thread « jetable »,
        // celui d'un serveur qui créerait un thread par requête courte.
        std::thread t([&corps] {
            if (corps)
                corps();
        });
        t.join();
    }
    const auto fin = std::chrono::steady_clock::now();
    return MesureCreation{n, std::chrono::duration_cast<std::chrono::nanoseconds>(fin - debut)};
}

MesureParquage mesurer_threads_parques(std::size_t n) {
    MesureParquage mesure;
    mesure.threads = n;
    mesure.avant = lire_memoire();

    std::mutex mutex;
    // Deux variables de condition : une pour « tous endormis » (attendue par le thread
    // principal), une pour « réveillez-vous » (attendue par les n threads). Avec une seule,
    // chaque nouvel arrivant réveillerait inutilement tous les endormis.
    std::condition_variable tous_endormis;
    std::condition_variable reveil;
    std::size_t endormis = 0;
    bool liberer = false;

    std::vector<std::thread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        threads.emplace_back([&] {
            std::unique_lock verrou(mutex);
            ++endormis;
            if (endormis == n)
                tous_endormis.notify_one();
            reveil.wait(verrou, [&] { return liberer; });
        });
    }
    {
        // Attendre qu'ils soient *tous* endormis : sinon on mesurerait des threads à moitié
        // démarrés, et la mesure changerait d'une exécution à l'autre.
        std::unique_lock verrou(mutex);
        tous_endormis.wait(verrou, [&] { return endormis == n; });
    }
    mesure.pendant = lire_memoire();
    {
        std::lock_guard verrou(mutex);
        liberer = true;
    }
    reveil.notify_all();
    for (auto& t : threads)
        t.join();
    return mesure;
}

} // namespace ch01
