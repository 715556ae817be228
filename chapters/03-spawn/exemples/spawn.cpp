/// \file
/// \brief Chapitre 03 — le programme de l'article : lancer une tâche avec `rt::spawn`, continuer,
/// puis attendre son résultat.
///
/// Usage : `ch03_spawn [--court]`. Avec `--court` (la visite guidée), la tâche dort 50 ms au
/// lieu d'une seconde, et le programme le dit.
#include <rt/rt.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

// [programme]
/// Le `main` asynchrone de l'article : lance une tâche, continue, puis attend son résultat.
rt::Task<void> main_async(std::chrono::milliseconds attente) {
    std::cout << "Lancement d'une tâche..." << std::endl;

    auto handle = rt::spawn([attente]() -> rt::Task<std::string> {
        co_await rt::time::sleep(attente);
        co_return "Tâche terminée !";
    });

    std::cout << "Tâche lancée, continuons..." << std::endl;

    auto fin = co_await handle;                    // un co_await seul dans son instruction
    std::string resultat = std::move(fin).value(); // value() : le unwrap() de Rust
    std::cout << resultat << std::endl;
}

int main(int argc, char** argv) {
    std::chrono::milliseconds attente = 1s;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        attente = 50ms;
        std::cout << "(visite guidée : la tâche dort 50 ms au lieu de 1 s)" << std::endl;
    }
    rt::block_on(main_async(attente));
}
// [programme]
