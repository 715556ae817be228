/// \file
/// \brief Chapitre 05 — `rt::JoinSet` : les résultats dans l'ordre où les tâches finissent,
/// et ce qu'une tâche en échec fait à la collecte (rien : son erreur est rendue à sa place,
/// les autres sont collectées).
///
/// Usage : `ch05_join_set`. Durée : environ 250 ms.
#include <rt/rt.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace {

/// Le message d'une tâche qui a paniqué : on relance l'exception d'origine pour la lire.
std::string message_de(const rt::JoinError& e) {
    try {
        std::rethrow_exception(e.panic());
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "exception de type inconnu";
    }
}

// [programme]
rt::Task<void> collecter() {
    rt::JoinSet<int> set;
    // Lancées de 0 à 4, mais la tâche i dort (5 - i) * 50 ms : elles finissent de 4 à 0.
    for (int i = 0; i < 5; ++i) {
        set.spawn([i]() -> rt::Task<int> {
            co_await rt::time::sleep(50ms * (5 - i));
            if (i == 2) {
                throw std::runtime_error("la tâche 2 a échoué"); // la « panique » de Rust
            }
            co_return (i * i);
        });
    }
    std::cout << "5 tâches lancées dans le JoinSet (len = " << set.len() << ")" << std::endl;

    int sommes = 0;
    while (auto r = co_await set.join_next()) { // std::nullopt : l'ensemble est vide
        if (*r) {
            std::cout << "  terminée : " << **r << std::endl;
            sommes += **r;
        } else if (r->error().is_panic()) {
            std::cout << "  échec (panique) : " << message_de(r->error()) << std::endl;
        } else if (r->error().is_cancelled()) {
            std::cout << "  annulée" << std::endl;
        }
    }
    std::cout << "somme des résultats collectés : " << sommes << " (0 + 1 + 9 + 16)" << std::endl;
}
// [programme]

// [abandon]
rt::Task<void> premier_et_abandon() {
    rt::JoinSet<int> set;
    for (int i = 1; i <= 3; ++i) {
        set.spawn([i]() -> rt::Task<int> {
            co_await rt::time::sleep(20ms * i);
            co_return i;
        });
    }
    // On ne veut que le premier résultat...
    auto premier = co_await set.join_next();
    std::cout << "premier résultat : " << **premier << " ; encore " << set.len()
              << " tâches dans l'ensemble" << std::endl;
    // ... et les autres ne servent plus à rien : abort_all() (détruire l'ensemble le ferait
    // aussi). Contrairement à un JoinHandle, un JoinSet détruit ANNULE ses tâches.
    set.abort_all();
    while (auto r = co_await set.join_next()) {
        std::cout << "  " << (r->has_value() ? "terminée" : "annulée") << std::endl;
    }
}
// [abandon]

} // namespace

int main() {
    rt::block_on(collecter());
    rt::block_on(premier_et_abandon());
}
