/// \file
/// \brief Chapitre 12 — « Pipeline de Traitement » : le programme de l'article, traduit.
///
/// Quatre étages reliés par trois canaux `mpsc` bornés à 100 messages : une génération
/// (0 à 99, une valeur toutes les 10 ms), un calcul (le carré), un formatage (une chaîne),
/// et la consommation finale (l'affichage), dans la tâche principale.
///
/// Le programme Rust de l'article ne compile pas (`Duration` n'est pas importé) et n'a pas de
/// `main` ; la leçon le montre corrigé. Ici, `main` appelle `pipeline_traitement`.
///
/// Usage : `ch12_article [--court]`. Sans option, 10 ms entre deux valeurs, comme l'article
/// (une seconde en tout) ; `--court` (la visite guidée) : 1 ms.
#include <rt/rt.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

namespace mpsc = rt::sync::mpsc;

// [programme]
rt::Task<void> pipeline_traitement(std::chrono::milliseconds pause) {
    auto [tx1, rx1] = mpsc::channel<int>(100);
    auto [tx2, rx2] = mpsc::channel<int>(100);
    auto [tx3, rx3] = mpsc::channel<std::string>(100);

    // Étape 1 : Génération de données
    (void)rt::spawn([tx1 = std::move(tx1), pause]() -> rt::Task<void> {
        for (int i = 0; i < 100; ++i) {
            if (!co_await tx1.send(i)) {
                break;
            }
            co_await rt::time::sleep(pause);
        }
    });

    // Étape 2 : Traitement des nombres
    (void)rt::spawn([rx1 = std::move(rx1), tx2 = std::move(tx2)]() mutable -> rt::Task<void> {
        while (auto nombre = co_await rx1.recv()) {
            const int resultat = *nombre * *nombre;
            if (!co_await tx2.send(resultat)) {
                break;
            }
        }
    });

    // Étape 3 : Formatage
    (void)rt::spawn([rx2 = std::move(rx2), tx3 = std::move(tx3)]() mutable -> rt::Task<void> {
        while (auto nombre = co_await rx2.recv()) {
            std::string message = "Résultat : " + std::to_string(*nombre);
            if (!co_await tx3.send(std::move(message))) {
                break;
            }
        }
    });

    // Étape 4 : Consommation finale
    while (auto message = co_await rx3.recv()) {
        std::cout << *message << '\n';
    }
}
// [programme]

} // namespace

int main(int argc, char** argv) {
    auto pause = 10ms;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        pause = 1ms;
        std::cout << "(version courte : 1 ms entre deux valeurs au lieu de 10 ms)\n";
    }
    rt::block_on(pipeline_traitement(pause));
    std::cout << "Fin du pipeline : chaque étage s'est arrêté quand le précédent a fini."
              << std::endl;
}
