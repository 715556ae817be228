/// \file
/// \brief Chapitre 05 — « Fire and forget » : une tâche de nettoyage périodique détachée, et
/// ce que l'article ne dit pas : elle est détruite quand le runtime s'arrête.
///
/// Usage : `ch05_fire_and_forget [--court]`. Sans option, les durées de l'article : un
/// nettoyage toutes les 60 s, un serveur qui tourne 10 s (le nettoyage n'a donc jamais le
/// temps de s'exécuter !). Avec `--court` (la visite guidée) : 60 ms et 250 ms.
#include <rt/rt.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Affiche un message quand il est détruit : on voit ainsi la trame de la tâche disparaître.
class Garde {
public:
    explicit Garde(std::string message) : message_(std::move(message)) {}
    Garde(const Garde&) = delete;
    Garde& operator=(const Garde&) = delete;
    ~Garde() { std::cout << "   ~Garde : " << message_ << std::endl; }

private:
    std::string message_;
};

/// Les durées du programme : celles de l'article, ou celles de la visite guidée.
struct Durees {
    std::chrono::milliseconds periode = 60s;
    std::chrono::milliseconds serveur = 10s;
};

/// Le nombre de passages du nettoyage : une variable de `main`, qui survit au runtime.
int nettoyages = 0;

// [programme]
rt::Task<void> serveur_principal(std::chrono::milliseconds duree) {
    std::cout << "Serveur démarré" << std::endl;
    // Logique du serveur principal
    co_await rt::time::sleep(duree);
}

rt::Task<void> main_async(Durees d) {
    // Lancer une tâche de nettoyage en arrière-plan ; le JoinHandle est jeté : tâche détachée.
    (void)rt::spawn([periode = d.periode]() -> rt::Task<void> {
        Garde garde("la tâche de nettoyage est détruite (arrêt du runtime)");
        for (;;) {
            co_await rt::time::sleep(periode);
            std::cout << "Nettoyage périodique..." << std::endl;
            ++nettoyages; // Logique de nettoyage
        }
    });

    // Le programme principal continue
    co_await serveur_principal(d.serveur);
}
// [programme]

} // namespace

int main(int argc, char** argv) {
    Durees d;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        d = Durees{60ms, 250ms};
        std::cout << "(visite guidée : nettoyage toutes les 60 ms au lieu de 60 s, serveur "
                     "250 ms au lieu de 10 s)"
                  << std::endl;
    }

    // [arret]
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(main_async(d));
    // main_async est finie : block_on rend la main, plus rien ne s'exécute.
    std::cout << "main_async terminée ; nettoyages effectués : " << nettoyages
              << " ; tâches encore vivantes : " << runtime.metrics().num_alive_tasks << std::endl;

    std::cout << "arrêt du runtime (ce que fait la fin de #[tokio::main])" << std::endl;
    runtime.shutdown(); // détruit la tâche détachée à son point de suspension
    std::cout << "après l'arrêt ; nettoyages : " << nettoyages
              << " ; tâches encore vivantes : " << runtime.metrics().num_alive_tasks << std::endl;
    // [arret]
}
