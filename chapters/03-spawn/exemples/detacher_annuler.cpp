/// \file
/// \brief Chapitre 03 — détacher (détruire le `JoinHandle`) n'est pas annuler (`abort()`).
///
/// Trois tâches : une « bavarde » dont on jette le handle (elle continue), une « longue » que
/// l'on annule (ses destructeurs s'exécutent à son point de suspension), et une « orpheline »
/// encore endormie quand `main` se termine (détruite à l'arrêt du runtime).
#include <rt/rt.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Affiche un message quand il est détruit : c'est ainsi qu'on voit la trame d'une tâche
/// disparaître (le `Drop` de Rust, version C++).
class Garde {
public:
    explicit Garde(std::string message) : message_(std::move(message)) {}
    Garde(const Garde&) = delete;
    Garde& operator=(const Garde&) = delete;
    ~Garde() { std::cout << "   ~Garde : " << message_ << std::endl; }

private:
    std::string message_;
};

rt::Task<void> principal() {
    {
        // Le handle est un temporaire détruit à la fin de l'instruction : tâche détachée.
        (void)rt::spawn([]() -> rt::Task<void> {
            for (int i = 1; i <= 3; ++i) {
                co_await rt::time::sleep(10ms);
                std::cout << "   [bavarde] message " << i << "/3 (personne ne m'attend)"
                          << std::endl;
            }
        });
    }
    std::cout << "principal : « bavarde » lancée, son JoinHandle est déjà détruit" << std::endl;

    auto longue = rt::spawn([]() -> rt::Task<int> {
        Garde garde("la trame de « longue » est détruite (annulation)");
        co_await rt::time::sleep(10s);
        std::cout << "   [longue] jamais affiché" << std::endl;
        co_return 1;
    });
    (void)rt::spawn([]() -> rt::Task<void> {
        Garde garde("la trame de « orpheline » est détruite (arrêt du runtime)");
        co_await rt::time::sleep(1h);
    });
    std::cout << "principal : « longue » (10 s) et « orpheline » (1 h) lancées" << std::endl;

    co_await rt::time::sleep(60ms);
    std::cout << "principal : 60 ms plus tard, « bavarde » a fini toute seule ; "
              << "« longue » finie ? " << (longue.is_finished() ? "oui" : "non") << std::endl;

    std::cout << "principal : longue.abort()" << std::endl;
    longue.abort();
    auto r = co_await longue;
    std::cout << "principal : co_await longue -> "
              << (r ? std::string("valeur")
                    : (r.error().is_cancelled() ? "JoinError annulée" : "JoinError panique"))
              << std::endl;
    std::cout << "principal : fin de main_async ; le runtime s'arrête et détruit ce qui reste"
              << std::endl;
}

} // namespace

int main() {
    rt::block_on(principal());
    std::cout << "main : terminé" << std::endl;
}
