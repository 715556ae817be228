// Chapitre 02 — une exception traverse co_await jusqu'à celui qui attend.
//
// En Rust, une async fn renvoie un Result et `?` le fait remonter d'un `.await` à l'autre.
// En C++, une exception qui s'échappe d'une coroutine est rangée dans sa promise
// (unhandled_exception), puis relancée par co_await chez l'appelant : même chemin, mais
// implicite. Et même si la tâche s'est suspendue entre-temps : au moment du throw, la pile
// du thread ne contient plus main_async, c'est la promise qui transporte l'exception.
#include <rt/rt.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

rt::Task<int> lire_configuration(std::string chemin) {
    std::printf("  lire_configuration : se suspend une fois (yield_now), puis échoue\n");
    co_await rt::task::yield_now(); // la pile d'appel d'origine n'existe plus après ceci
    throw std::runtime_error("fichier introuvable : " + chemin);
    co_return 0; // jamais atteint ; ce co_return fait de la fonction une coroutine
}

rt::Task<int> demarrer() {
    // Pas de try ici : l'exception traverse ce niveau comme `?` en Rust.
    int port = co_await lire_configuration("/etc/exemple.toml");
    std::printf("  demarrer : port %d (jamais affiché)\n", port);
    co_return port;
}

rt::Task<void> main_async() {
    try {
        co_await demarrer();
    } catch (const std::runtime_error& e) {
        std::printf("main_async a rattrapé, deux co_await plus haut : %s\n", e.what());
    }
}

} // namespace

int main() {
    rt::block_on(main_async());

    // Sans try dans la coroutine, rt::block_on relance l'exception d'origine dans main().
    try {
        rt::block_on(demarrer());
    } catch (const std::runtime_error& e) {
        std::printf("main() a rattrapé l'exception relancée par rt::block_on : %s\n", e.what());
    }
}
