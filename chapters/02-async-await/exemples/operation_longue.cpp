// Chapitre 02 — le programme async/await de l'article, traduit en C++20 avec le runtime du cours.
//
//   ./ch02_operation_longue            attend 2 s, comme l'article
//   ./ch02_operation_longue --court    attend 200 ms (visite guidée), et le dit
#include <rt/rt.hpp>

#include <chrono>
#include <cstdio>
#include <string_view>

using namespace std::chrono_literals;

namespace {

// 2 s comme dans l'article. Réglée une seule fois par main(), avant le démarrage du runtime.
std::chrono::milliseconds duree_attente = 2s;

// async fn operation_longue() -> i32
rt::Task<int> operation_longue() {
    co_await rt::time::sleep(duree_attente); // suspend la tâche, pas le thread
    co_return 42;
}

// Le corps de `async fn main()` : une coroutine comme les autres.
rt::Task<void> main_async() {
    std::printf("Début du programme\n");

    int resultat = co_await operation_longue();
    std::printf("Résultat : %d\n", resultat);

    std::printf("Fin du programme\n");
}

} // namespace

// #[tokio::main] : construire un runtime et y exécuter main_async jusqu'au bout.
int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--court") {
        duree_attente = 200ms;
        std::printf("(version courte : attente de 200 ms au lieu de 2 s)\n");
    }
    rt::block_on(main_async());
}
