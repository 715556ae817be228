/// \file
/// \brief Documentation de l'API — les exemples de `rt::spawn`, `rt::spawn_blocking`,
/// `rt::Result` et `rt::select`, compilés et exécutés (test `exemples.doc_api_taches`).
///
/// Chaque bloc entre deux marqueurs `//! [nom]` est cité dans la documentation d'une fonction
/// ou d'une classe de runtime/include/rt/ (commande Doxygen `\snippet`) : le code montré
/// est donc toujours celui qui compile. Le programme vérifie ce qu'il affiche et sort en
/// erreur (code 1) si un résultat n'est pas celui attendu.
#include <rt/rt.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

using namespace std::chrono_literals;

namespace {

int echecs = 0;

void verifier(bool condition, const char* quoi) {
    if (!condition) {
        std::cout << "ÉCHEC : " << quoi << std::endl;
        ++echecs;
    }
}

/// Une fonction bloquante ordinaire (ici un calcul ; ce pourrait être une lecture de fichier).
std::string lire_tout_le_fichier(const std::string& chemin) {
    return "contenu de " + chemin;
}

rt::Task<void> lancer() {
    int i = 21;
    //! [spawn]
    auto handle = rt::spawn([i]() -> rt::Task<int> {
        co_await rt::time::sleep(10ms);
        co_return i * 2;
    });
    int v = (co_await handle).value(); // 42
    //! [spawn]
    std::cout << "rt::spawn : " << v << std::endl;
    verifier(v == 42, "spawn rend i * 2");
}

rt::Task<void> bloquant() {
    std::string chemin = "notes.txt";
    //! [spawn_blocking]
    auto h = rt::spawn_blocking([chemin] { return lire_tout_le_fichier(chemin); });
    std::string contenu = (co_await h).value();
    //! [spawn_blocking]
    std::cout << "rt::spawn_blocking : " << contenu << std::endl;
    verifier(contenu == "contenu de notes.txt", "spawn_blocking rend le contenu");
}

rt::Task<void> resultat() {
    auto handle = rt::spawn([]() -> rt::Task<int> {
        throw std::runtime_error("la tâche a échoué"); // une « panique »
        co_return 0;
    });
    //! [result]
    rt::Result<int, rt::JoinError> r = co_await handle;
    if (r) {
        std::cout << "succès : " << *r << std::endl; // la valeur
    } else if (r.error().is_panic()) {
        std::cout << "échec : la tâche a levé une exception" << std::endl; // l'erreur
    }
    try {
        int v = r.value(); // comme unwrap() : lève l'erreur si échec
        std::cout << v << std::endl;
    } catch (const rt::JoinError& e) {
        std::cout << "value() a levé : " << e.what() << std::endl;
    }
    //! [result]
    verifier(!r && r.error().is_panic(), "la tâche qui lève est une panique");
}

rt::Task<void> choisir() {
    auto [tx, rx] = rt::sync::mpsc::channel<std::string>(8);
    co_await tx.send("bonjour");
    for (int tour = 0; tour < 2; ++tour) {
        //! [select]
        auto r = co_await rt::select(rx.recv(), rt::time::sleep(50ms));
        if (r.index() == 0) {
            std::optional<std::string> message = std::get<0>(std::move(r));
            std::cout << "reçu : " << message.value_or("(canal fermé)") << std::endl;
        } else {
            std::cout << "délai écoulé : la réception a été abandonnée" << std::endl;
        }
        //! [select]
        verifier(static_cast<int>(r.index()) == tour, "select : message, puis délai");
    }
}

rt::Task<void> main_async() {
    co_await lancer();
    co_await bloquant();
    co_await resultat();
    co_await choisir();
}

} // namespace

int main() {
    rt::block_on(main_async());
    if (echecs != 0) {
        return 1;
    }
    std::cout << "Tous les exemples de l'API se sont comportés comme documenté." << std::endl;
    return 0;
}
