/// \file
/// \brief Chapitre 09 — les pièges du permis RAII, montrés un par un.
///
///   1. un permis jamais nommé est rendu à la fin de l'instruction ;
///   2. attendre une autorisation du sémaphore dont on tient la dernière : blocage (montré
///      avec un délai, sans lequel le programme ne finirait jamais) ;
///   3. `acquire_owned` sur un sémaphore qui n'appartient pas à un `std::shared_ptr`.
///
/// Usage : `ch09_pieges`
#include <rt/rt.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <stdexcept>

using namespace std::chrono_literals;
using rt::sync::Semaphore;

namespace {

rt::Task<void> permis_jamais_nomme(Semaphore& s) {
    std::cout << "1. disponibles au départ : " << s.available_permits() << std::endl;
    (void)co_await s.acquire(); // pris... et rendu au point-virgule
    std::cout << "   après (void)co_await s.acquire() : " << s.available_permits()
              << " (le permis, jamais nommé, est déjà rendu)" << std::endl;
    auto permit = (co_await s.acquire()).value(); // nommé : tenu jusqu'à la fin du bloc
    std::cout << "   après auto permit = ... : " << s.available_permits() << std::endl;
}

rt::Task<void> attendre_le_meme_semaphore(Semaphore& s) {
    auto permit = (co_await s.acquire()).value(); // la dernière autorisation
    // Une seconde du même sémaphore : personne ne la rendra, sauf nous... qui attendons.
    auto r = co_await rt::time::timeout(100ms, s.acquire());
    std::cout << "2. seconde autorisation du même sémaphore, première tenue : "
              << (r ? "obtenue" : "toujours rien après 100 ms (sans délai : pour toujours)")
              << std::endl;
}

} // namespace

int main() {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    {
        Semaphore s(2);
        runtime.block_on(permis_jamais_nomme(s));
    }
    {
        Semaphore s(1);
        runtime.block_on(attendre_le_meme_semaphore(s));
    }
    try {
        Semaphore sur_la_pile(1);
        (void)sur_la_pile.acquire_owned();
    } catch (const std::logic_error& e) {
        std::cout << "3. acquire_owned sur un sémaphore hors shared_ptr : " << e.what()
                  << std::endl;
    }
    return 0;
}
