/// \file
/// \brief Chapitre 05 — la version correcte du « timeout » de l'article : attendre au plus
/// un délai SANS céder le handle, puis `abort()` pour annuler vraiment ; et ce qu'annuler
/// veut dire pour une coroutine C++ (trame détruite à son point de suspension, destructeurs
/// exécutés : le RAII tient lieu de `Drop`).
///
/// Usage : `ch05_annuler [--court]`. Sans option : tâche de 10 s, délai de 2 s. Avec
/// `--court` (la visite guidée) : 500 ms et 100 ms.
#include <rt/rt.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Une ressource de la tâche (une connexion, un fichier temporaire...) : son destructeur
/// affiche un message. C'est lui qui prouve que l'annulation libère ce que la tâche tenait.
class Ressource {
public:
    explicit Ressource(std::string nom) : nom_(std::move(nom)) {
        std::cout << "   [tâche] acquiert " << nom_ << std::endl;
    }
    Ressource(const Ressource&) = delete;
    Ressource& operator=(const Ressource&) = delete;
    ~Ressource() { std::cout << "   ~Ressource : " << nom_ << " libérée" << std::endl; }

private:
    std::string nom_;
};

// [programme]
rt::Task<void> main_async(std::chrono::milliseconds duree, std::chrono::milliseconds delai) {
    auto handle = rt::spawn([duree]() -> rt::Task<const char*> {
        Ressource connexion("la connexion");
        co_await rt::time::sleep(duree); // <- point de suspension : c'est ici qu'elle mourra
        std::cout << "   [tâche] jamais affiché" << std::endl;
        co_return "Tâche très longue terminée";
    });

    // On PRÊTE le handle (lvalue) : si le délai s'écoule, seule l'attente est abandonnée.
    auto r = co_await rt::time::timeout(delai, handle);
    if (r) {
        std::cout << "Succès ou erreur de la tâche (avant le délai)" << std::endl;
        co_return;
    }
    std::cout << "Timeout : la tâche tourne encore (is_finished = " << std::boolalpha
              << handle.is_finished() << "), on l'annule" << std::endl;
    handle.abort(); // asynchrone : la trame sera détruite au prochain passage du planificateur

    auto fin = co_await handle; // attendre que l'annulation ait eu lieu
    if (!fin && fin.error().is_cancelled()) {
        std::cout << "Tâche annulée (is_cancelled), ses destructeurs ont tourné" << std::endl;
    }
}
// [programme]

} // namespace

int main(int argc, char** argv) {
    std::chrono::milliseconds duree = 10s;
    std::chrono::milliseconds delai = 2s;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        duree = 500ms;
        delai = 100ms;
        std::cout << "(visite guidée : tâche de 500 ms au lieu de 10 s, délai de 100 ms au lieu "
                     "de 2 s)"
                  << std::endl;
    }
    rt::block_on(main_async(duree, delai));
}
