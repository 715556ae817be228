/// \file
/// \brief Chapitre 03 — dans quel ordre les choses se passent : `spawn` ne lance rien tout de
/// suite sur le runtime `current_thread`, la tâche démarre quand la tâche courante se suspend.
///
/// Chaque ligne est numérotée dans l'ordre où elle est réellement affichée. Lisez le code,
/// prédisez l'ordre, puis lancez `ch03_ordre`.
#include <rt/rt.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>

namespace {

int numero = 0;

void etape(std::string_view qui, std::string_view quoi) {
    std::cout << ++numero << ". [" << qui << "] " << quoi << std::endl;
}

// Un calcul synchrone, sans aucun co_await : tant qu'il tourne, le thread est à lui seul.
std::uint64_t calcul_synchrone() {
    std::uint64_t x = 0;
    for (std::uint64_t i = 0; i < 5'000'000; ++i) {
        x += i ^ (x >> 3);
    }
    return x;
}

rt::Task<void> principal() {
    etape("principal", "appelle rt::spawn pour A puis pour B");
    auto a = rt::spawn([]() -> rt::Task<int> {
        etape("A", "démarre, puis cède la main (yield_now)");
        co_await rt::task::yield_now();
        etape("A", "reprend après B et se termine");
        co_return 1;
    });
    auto b = rt::spawn([]() -> rt::Task<int> {
        etape("B", "démarre et se termine sans se suspendre");
        co_return 2;
    });
    etape("principal", "spawn a rendu la main : ni A ni B n'ont commencé");

    const auto x = calcul_synchrone();
    etape("principal",
          "calcul synchrone fini (" + std::to_string(x % 1000) + ") : toujours rien de A ni de B");

    etape("principal", "co_await a : je me suspends, le planificateur vide sa file");
    auto fin_a = co_await a; // un co_await seul dans son instruction (règle du chapitre 02)
    const int ra = fin_a.value();
    etape("principal", "réveillé par la fin de A (résultat " + std::to_string(ra) + ")");

    // B est terminée depuis longtemps : co_await rend son résultat sans suspendre.
    const bool b_finie = b.is_finished();
    auto fin_b = co_await b;
    const int rb = fin_b.value();
    etape("principal", std::string("B était déjà finie (is_finished = ") +
                           (b_finie ? "vrai" : "faux") + "), résultat " + std::to_string(rb) +
                           " sans attendre");
}

} // namespace

int main() {
    std::cout << "Runtime current_thread : un seul thread pour toutes les tâches.\n" << std::endl;
    rt::block_on(principal());
    std::cout << "\nÀ retenir : une tâche lancée ne tourne pas « en arrière-plan » pendant que la\n"
                 "tâche courante calcule ; elle tourne quand la tâche courante rend la main\n"
                 "(co_await qui suspend). Sur un runtime multi-thread (chapitre 11), un autre\n"
                 "thread pourrait la prendre plus tôt."
              << std::endl;
}
