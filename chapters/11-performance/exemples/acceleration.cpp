/// \file
/// \brief Chapitre 11 — l'exercice « utiliser » à l'épreuve : compter les nombres premiers
/// avec `somme_par_morceaux`, sur 1 puis 2 workers (puis un par cœur), et mesurer l'accélération.
///
/// Ce programme est compilé avec le `calcul.cpp` de la solution (preset « default ») ou avec le
/// vôtre (preset « etudiant » : build/etudiant/chapters/11-performance/ch11_acceleration).
/// La référence est le même calcul fait d'une traite, sans runtime, sur le thread de main.
///
/// Ce qu'on attend : `current_thread` et `multi_thread` à 1 worker font comme la référence (un
/// seul thread calcule, le découpage en tâches coûte presque rien) ; à 2 workers, presque deux
/// fois plus vite si la machine a deux cœurs libres. Les métriques montrent qui a calculé :
/// les morceaux lancés depuis `block_on` passent par la file globale, puis les workers se
/// volent ce qui reste.
///
/// Chaque durée est la meilleure de trois mesures.
///
/// Usage : `ch11_acceleration [--n N] [--morceau M]` (défaut : 1 000 000 et 10 000 ;
/// essayez --n 5000000 pour une mesure plus longue, --morceau 900000 pour voir ce que coûte un
/// découpage trop grossier : deux morceaux inégaux, un worker finit bien avant l'autre).
#include <rt/rt.hpp>

#include "calcul.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

namespace {

using Horloge = std::chrono::steady_clock;

struct Mesure {
    std::uint64_t resultat = 0;
    double secondes = 0;
};

/// La meilleure de trois mesures : les autres programmes de la machine ne peuvent que
/// ralentir un calcul, jamais l'accélérer.
Mesure mesurer(rt::Runtime& runtime, std::uint64_t n, std::uint64_t morceau) {
    Mesure m{0, 1e300};
    for (int fois = 0; fois < 3; ++fois) {
        const auto debut = Horloge::now();
        m.resultat = runtime.block_on(utiliser::compter_premiers(n, morceau));
        m.secondes =
            std::min(m.secondes, std::chrono::duration<double>(Horloge::now() - debut).count());
    }
    return m;
}

void ligne(const char* quoi, const Mesure& m, double reference) {
    std::printf("| %s | %llu | %.3f s | %.2f× |\n", quoi,
                static_cast<unsigned long long>(m.resultat), m.secondes, reference / m.secondes);
}

void qui_a_calcule(const rt::Runtime& runtime) {
    const rt::RuntimeMetrics m = runtime.metrics();
    std::printf("    par worker : ");
    for (std::size_t i = 0; i < m.workers.size(); ++i) {
        std::printf("%s%llu passages dont %llu tâches volées", i ? " ; " : "",
                    static_cast<unsigned long long>(m.workers[i].poll_count),
                    static_cast<unsigned long long>(m.workers[i].steal_count));
    }
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
    std::uint64_t n = 1'000'000;
    std::uint64_t morceau = 10'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view a = argv[i];
        if (a == "--n") {
            n = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (a == "--morceau") {
            morceau = std::strtoull(argv[i + 1], nullptr, 10);
        } else {
            std::fprintf(stderr, "usage : ch11_acceleration [--n N] [--morceau M]\n");
            return 2;
        }
    }
    if (morceau == 0) {
        std::fprintf(stderr, "--morceau doit être positif\n");
        return 2;
    }

    std::printf("Nombres premiers < %llu, morceaux de %llu (%llu tâches), machine à %u cœurs\n\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(morceau),
                static_cast<unsigned long long>((n + morceau - 1) / morceau),
                std::thread::hardware_concurrency());

    // La référence : d'une traite, sur le thread de main, sans runtime (meilleure de trois).
    std::uint64_t attendu = 0;
    double reference = 1e300;
    for (int fois = 0; fois < 3; ++fois) {
        const auto debut = Horloge::now();
        attendu = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
            attendu += utiliser::est_premier(i);
        }
        reference =
            std::min(reference, std::chrono::duration<double>(Horloge::now() - debut).count());
    }

    std::printf("| Exécution | Premiers | Durée | Accélération |\n|---|---:|---:|---:|\n");
    ligne("d'une traite, sans runtime (référence)", Mesure{attendu, reference}, reference);
    bool juste = true;
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        const Mesure m = mesurer(runtime, n, morceau);
        ligne("rt current_thread", m, reference);
        juste = juste && m.resultat == attendu;
    }
    {
        rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(1).build();
        const Mesure m = mesurer(runtime, n, morceau);
        ligne("rt multi_thread, 1 worker", m, reference);
        juste = juste && m.resultat == attendu;
    }
    rt::Runtime deux = rt::Builder::multi_thread().worker_threads(2).build();
    const Mesure m2 = mesurer(deux, n, morceau);
    ligne("rt multi_thread, 2 workers", m2, reference);
    juste = juste && m2.resultat == attendu;
    const unsigned coeurs = std::thread::hardware_concurrency();
    if (coeurs > 2) {
        rt::Runtime tous = rt::Builder::multi_thread().build();
        const Mesure m = mesurer(tous, n, morceau);
        const std::string quoi = "rt multi_thread, " + std::to_string(coeurs) + " workers";
        ligne(quoi.c_str(), m, reference);
        juste = juste && m.resultat == attendu;
    }
    std::printf("\nLe runtime à 2 workers :\n");
    qui_a_calcule(deux);

    if (!juste) {
        std::printf("\nRésultat faux : %llu premiers attendus. Votre somme_par_morceaux "
                    "(exercices/calcul.cpp) n'est pas encore finie ? « ./cours verifier 11 ».\n",
                    static_cast<unsigned long long>(attendu));
        return 1;
    }
    return 0;
}
