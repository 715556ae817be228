/// \file
/// \brief Chapitre 12 — quand un étage lève une exception : l'aval voit la fin, l'amont voit
/// un canal fermé, et l'exception arrive à celui qui attend l'étage.
///
/// Trois étages : une production (1 à 20), un calcul (le carré) qui lève une exception sur la
/// valeur 5, et l'affichage. Les canaux ont 2 places : la production est en attente dans
/// `send` quand le calcul meurt.
///
/// Rien n'est prévu pour la panne, et pourtant personne ne reste bloqué :
///   - la trame du calcul est détruite avec ses captures, dont son `Receiver` (l'amont) et son
///     `Sender` (l'aval) ;
///   - en aval, c'était le dernier émetteur : `recv()` rend les messages restants, puis
///     `std::nullopt` ;
///   - en amont, le récepteur est parti : l'envoi en attente échoue et **rend** le message
///     (`error().value`), les suivants aussi ;
///   - l'exception elle-même est gardée dans la `JoinError` de l'étage : celui qui attend son
///     `JoinHandle` la reçoit (chapitre 08).
///
/// Usage : `ch12_panne`.
#include <rt/rt.hpp>

#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

namespace mpsc = rt::sync::mpsc;

rt::Task<void> main_async() {
    auto [tx1, rx1] = mpsc::channel<int>(2);
    auto [tx2, rx2] = mpsc::channel<int>(2);

    // [etages]
    auto production = rt::spawn([tx = std::move(tx1)]() -> rt::Task<int> {
        for (int i = 1; i <= 20; ++i) {
            auto r = co_await tx.send(i);
            if (!r) {
                std::cout << "  [production] envoi de " << r.error().value
                          << " refusé, le message m'est rendu : l'aval est parti" << std::endl;
                co_return i;
            }
        }
        co_return 21;
    });

    auto calcul = rt::spawn([rx = std::move(rx1), tx = std::move(tx2)]() mutable -> rt::Task<void> {
        while (auto n = co_await rx.recv()) {
            if (*n == 5) {
                std::cout << "  [calcul] la valeur 5 est illisible : exception" << std::endl;
                throw std::runtime_error("valeur 5 illisible");
            }
            (void)co_await tx.send(*n * *n);
        }
    });

    // L'affichage, ici même.
    while (auto carre = co_await rx2.recv()) {
        std::cout << "  [affichage] " << *carre << std::endl;
    }
    std::cout << "  [affichage] recv() a rendu nullopt : le Sender du calcul est détruit"
              << std::endl;
    // [etages]

    // [bilan]
    const auto arret = co_await production;
    std::cout << "production arrêtée à la valeur " << *arret << " (sur 20)" << std::endl;
    auto fin = co_await calcul;
    if (!fin && fin.error().is_panic()) {
        try {
            std::rethrow_exception(fin.error().panic());
        } catch (const std::exception& e) {
            std::cout << "le calcul a échoué : " << e.what() << std::endl;
        }
    }
    // [bilan]
}

} // namespace

int main() {
    rt::block_on(main_async());
}
