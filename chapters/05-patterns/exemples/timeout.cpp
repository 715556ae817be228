/// \file
/// \brief Chapitre 05 — « Timeout et annulation » : le programme de l'article, traduit
/// fidèlement... message faux compris. Puis la vérification que l'article ne fait pas : la
/// tâche « annulée » continue de tourner et finit son travail.
///
/// Usage : `ch05_timeout [--court]`. Sans option, les durées de l'article : une tâche de
/// 10 s, un délai de 2 s (le programme dure alors une dizaine de secondes, vérification
/// comprise). Avec `--court` (la visite guidée) : 500 ms et 100 ms.
#include <rt/rt.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Les durées du programme : celles de l'article, ou celles de la visite guidée.
struct Durees {
    std::chrono::milliseconds tache = 10s;
    std::chrono::milliseconds delai = 2s;
};

/// Mis à vrai par la tâche quand elle termine son travail : ce que l'article croit impossible.
bool tache_finie = false;

// [programme]
rt::Task<void> main_async(Durees d) {
    auto handle = rt::spawn([d]() -> rt::Task<const char*> {
        // Tâche potentiellement longue
        co_await rt::time::sleep(d.tache);
        tache_finie = true;
        std::cout << "   [tâche] ... et pourtant je termine mon travail" << std::endl;
        co_return "Tâche très longue terminée";
    });

    // Attendre au maximum d.delai (2 s dans l'article). Comme en Rust, le handle est DONNÉ
    // à timeout (déplacé) : quand le délai s'écoule, l'attente est abandonnée et le handle
    // détruit... ce qui DÉTACHE la tâche, sans l'annuler.
    auto r = co_await rt::time::timeout(d.delai, std::move(handle));
    if (r && *r) {
        std::cout << "Succès : " << **r << std::endl;
    } else if (r) {
        std::cout << "Erreur dans la tâche : " << r->error().what() << std::endl;
    } else {
        std::cout << "Timeout : tâche annulée" << std::endl; // FAUX : voir ci-dessous
    }
}
// [programme]

// [verification]
rt::Task<void> verifier(Durees d) {
    co_await main_async(d);
    // Ce que l'article ne fait pas : laisser au runtime le temps de finir la tâche.
    std::cout << "(vérification : on laisse tourner le runtime encore " << d.tache.count() << " ms)"
              << std::endl;
    co_await rt::time::sleep(d.tache);
    std::cout << "la tâche « annulée » a-t-elle fini son travail ? "
              << (tache_finie ? "OUI : le message de l'article est faux" : "non") << std::endl;
}
// [verification]

} // namespace

int main(int argc, char** argv) {
    Durees d;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        d = Durees{500ms, 100ms};
        std::cout << "(visite guidée : tâche de 500 ms au lieu de 10 s, délai de 100 ms au lieu "
                     "de 2 s)"
                  << std::endl;
    }
    rt::block_on(verifier(d));
}
