/// \file
/// \brief Chapitre 08 — l'exception d'une tâche que personne n'attend : elle ne termine pas
/// le processus, elle est écrite sur stderr et comptée (`metrics().unhandled_panic_count`).
/// Deux cas : une tâche détachée (son `JoinHandle` jeté), et une tâche finie dont le handle
/// est détruit sans avoir été attendu.
///
/// Usage : `ch08_detachee`. Durée : immédiate.
#include <rt/rt.hpp>

#include <iostream>
#include <stdexcept>

namespace {

rt::Task<void> main_async() {
    // [detachee]
    (void)rt::spawn([]() -> rt::Task<void> {
        co_await rt::task::yield_now();
        throw std::runtime_error("personne ne m'attend");
    });
    // [detachee]
    // La tâche détachée tourne quand main_async cède la main.
    for (int i = 0; i < 3; ++i) {
        co_await rt::task::yield_now();
    }
    std::cout << "après la tâche détachée : unhandled_panic_count = "
              << rt::Handle::current().metrics().unhandled_panic_count << std::endl;

    {
        auto h = rt::spawn([]() -> rt::Task<int> {
            throw std::runtime_error("attendue par personne");
            co_return 0;
        });
        while (!h.is_finished()) {
            co_await rt::task::yield_now();
        }
        std::cout << "tâche finie, handle pas encore détruit : unhandled_panic_count = "
                  << rt::Handle::current().metrics().unhandled_panic_count << std::endl;
    } // h détruit sans co_await : personne ne verra plus cette exception
    std::cout << "handle détruit sans avoir été attendu : unhandled_panic_count = "
              << rt::Handle::current().metrics().unhandled_panic_count << std::endl;
    std::cout << "le processus continue (les deux messages « rt : ... » sont sur stderr)"
              << std::endl;
}

} // namespace

int main() {
    rt::block_on(main_async());
}
