// Chien de garde pour les tests : si une portion de test dure plus que prévu, on affiche un
// message en français qui explique la cause probable et on termine le processus.
//
// Pourquoi ? Un exercice inachevé peut bloquer (un join() sur un thread coincé dans read(),
// une tâche jamais réveillée...). Le délai de CTest finirait par tuer le test, mais sans rien
// dire. Avec un chien de garde, l'étudiant lit par exemple :
//   « arreter() ne rend pas la main : les threads de connexion attendent encore dans read() ».
//
// Exemple :
//   {
//       support::ChienDeGarde garde(std::chrono::seconds(5),
//                                   "arreter() ne rend pas la main après 5 s");
//       serveur.arreter();
//   } // la garde est levée ici si tout s'est bien passé
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace support {

/// Termine le processus (code 3) avec `message` si l'objet n'est pas détruit avant `delai`.
class ChienDeGarde {
public:
    ChienDeGarde(std::chrono::milliseconds delai, std::string message)
        : message_(std::move(message)), veilleur_([this, delai] { veiller(delai); }) {}

    ChienDeGarde(const ChienDeGarde&) = delete;
    ChienDeGarde& operator=(const ChienDeGarde&) = delete;

    ~ChienDeGarde() {
        {
            std::lock_guard verrou(mutex_);
            leve_ = true;
        }
        cv_.notify_one();
        veilleur_.join();
    }

private:
    void veiller(std::chrono::milliseconds delai) {
        std::unique_lock verrou(mutex_);
        if (!cv_.wait_for(verrou, delai, [this] { return leve_; })) {
            // Pas d'exception possible ici (autre thread) : on écrit et on sort tout de suite,
            // sans lancer les destructeurs qui risqueraient de bloquer eux aussi.
            std::fprintf(stderr, "\n*** CHIEN DE GARDE : %s\n", message_.c_str());
            std::fflush(stderr);
            std::_Exit(3);
        }
    }

    std::string message_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool leve_ = false;
    std::thread veilleur_; // déclaré en dernier : démarré quand le reste est prêt
};

} // namespace support
