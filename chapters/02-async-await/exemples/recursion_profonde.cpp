// Chapitre 02 — un million de co_await imbriqués, sans faire déborder la pile.
//
//   ./ch02_recursion_profonde [niveaux]     (1 000 000 par défaut)
//
// Chaque niveau attend le suivant : une récursion ordinaire d'un million d'appels ferait
// déborder la pile de 8 Mio. Ici, les trames des coroutines sont sur le tas, et chaque saut
// d'une coroutine à l'autre (au démarrage de l'enfant, puis au retour vers le parent) repasse
// par le *trampoline* de rt (resume_on_trampoline, dans rt/task.hpp) au lieu d'empiler un
// appel : la pile du thread reste de la même hauteur à tout niveau, quels que soient le
// compilateur et ses options (le transfert symétrique, lui, a besoin que le compilateur en
// fasse un appel terminal).
#include <rt/rt.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

rt::Task<int> profondeur(int n) {
    if (n == 0) {
        co_return 0;
    }
    // Un co_await seul dans son instruction, puis le calcul (règle de la leçon, « Pièges »).
    const int reste = co_await profondeur(n - 1);
    co_return 1 + reste;
}

/// L'adresse du sommet de pile, lue dans une fonction qui n'est pas inlinée.
[[gnu::noinline]] std::uintptr_t adresse_pile() noexcept {
    return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
}

/// La même chaîne, mais la feuille relève l'adresse de la pile.
rt::Task<std::uintptr_t> sonde(int n) {
    if (n == 0) {
        co_return adresse_pile();
    }
    const std::uintptr_t adresse = co_await sonde(n - 1);
    co_return adresse;
}

} // namespace

int main(int argc, char** argv) {
    int niveaux = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    if (niveaux <= 0) {
        std::fprintf(stderr, "usage : %s [niveaux > 0]\n", argv[0]);
        return 2;
    }

    // 1. La pile au fond d'une chaîne de 1 niveau, puis de 1 000 niveaux.
    const std::uintptr_t un = rt::block_on(sonde(1));
    const std::uintptr_t mille = rt::block_on(sonde(1000));
    const long croissance = un > mille ? static_cast<long>(un - mille) : 0L;
    std::printf("Pile consommée en plus par 1 000 co_await imbriqués : %ld octets\n", croissance);
    std::fflush(stdout); // visible même si la suite devait mal tourner

    if (croissance > 16 * 1024) {
        // Ne devrait jamais arriver avec rt (le trampoline ne dépend pas du compilateur) :
        // si c'était le cas, on le dirait au lieu de planter, en gardant 256 Kio de pile.
        const long par_niveau = std::max(croissance / 1000, 1L);
        const int sans_risque =
            static_cast<int>(std::clamp(256L * 1024 / par_niveau, 10L, 10'000L));
        std::printf("La pile grandit d'environ %ld octets par niveau : on se limite à %d.\n",
                    par_niveau, sans_risque);
        niveaux = std::min(niveaux, sans_risque);
    } else {
        std::printf("La pile ne grandit pas : chaque saut repasse par le trampoline de rt.\n");
    }

    // 2. La chaîne complète.
    const auto debut = std::chrono::steady_clock::now();
    const int resultat = rt::block_on(profondeur(niveaux));
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - debut).count();
    std::printf("%d co_await imbriqués : résultat %d, en %.0f ms, sans débordement de pile.\n",
                niveaux, resultat, ms);
    return resultat == niveaux ? 0 : 1;
}
