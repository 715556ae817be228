// Ce que coûtent les traces de tâches (RT_TRACE, chapitre 10) : le même travail, traces
// éteintes puis allumées, sur current_thread et sur multi_thread (2 workers).
//
// Le travail : 20 000 tâches lancées par la tâche principale, qui cèdent chacune la main une
// fois puis finissent, attendues handle par handle. Chaque tâche produit ainsi 5 événements
// (lancement, deux passages, un réveil de sa jointure, sa fin) : c'est le pire cas, des tâches
// qui ne font presque rien d'autre que d'être tracées.
//
// Une seule trace par processus : chaque mesure tourne dans un processus enfant (ce même
// programme relancé avec `--enfant`), avec ou sans RT_TRACE. Médiane (minimum) de 5 mesures.

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <rt/rt.hpp>

#include "commun.hpp"

namespace {

constexpr int TACHES = 20'000;

/// Une mesure, dans ce processus : ns par tâche.
double mesurer(bool multi) {
    rt::Runtime runtime = multi ? rt::Builder::multi_thread().worker_threads(2).build()
                                : rt::Builder::current_thread().build();
    return runtime.block_on([]() -> rt::Task<double> {
        const auto debut = bench::Horloge::now();
        std::vector<rt::JoinHandle<int>> hs;
        hs.reserve(TACHES);
        for (int i = 0; i < TACHES; ++i) {
            hs.push_back(rt::spawn([i]() -> rt::Task<int> {
                co_await rt::task::yield_now();
                co_return i;
            }));
        }
        long long somme = 0;
        for (auto& h : hs) {
            somme += (co_await h).value();
        }
        const auto fin = bench::Horloge::now();
        if (somme != static_cast<long long>(TACHES) * (TACHES - 1) / 2) {
            throw std::runtime_error("somme fausse");
        }
        co_return bench::ns_entre(debut, fin) / TACHES;
    }());
}

/// Une mesure dans un processus enfant (avec la trace `trace`, ou sans si vide).
double mesurer_enfant(bool multi, const std::string& trace) {
    char moi[4096];
    const ssize_t n = ::readlink("/proc/self/exe", moi, sizeof moi - 1);
    if (n <= 0) {
        throw std::runtime_error("impossible de trouver ce programme (/proc/self/exe)");
    }
    moi[n] = '\0';
    std::string commande;
    if (trace.empty()) {
        commande.append("env -u RT_TRACE ");
    } else {
        commande.append("RT_TRACE='").append(trace).append("' ");
    }
    commande.append("'").append(moi).append("' --enfant ").append(multi ? "multi" : "current");
    std::FILE* sortie = ::popen(commande.c_str(), "r");
    if (sortie == nullptr) {
        throw std::runtime_error("impossible de lancer « " + commande + " »");
    }
    double ns = -1;
    if (std::fscanf(sortie, "%lf", &ns) != 1) {
        ns = -1;
    }
    if (::pclose(sortie) != 0 || ns < 0) {
        throw std::runtime_error("la mesure « " + commande + " » a échoué");
    }
    return ns;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == "--enfant") {
        std::printf("%.3f\n", mesurer(std::string_view(argv[2]) == "multi"));
        return 0;
    }
    const bool rapide = bench::option_rapide(argc, argv);
    const int mesures = rapide ? 1 : 5;
    const std::string trace = "/tmp/bench-traces-" + std::to_string(::getpid()) + ".json";
    std::cout << "=== Le coût des traces de tâches (RT_TRACE) ===\n"
              << "Méthode : " << bench::nombre(TACHES)
              << " tâches lancées puis attendues, chacune cède la main une fois (5 événements "
                 "par tâche) ; chaque mesure dans un processus neuf ; "
              << mesures << " mesure(s), médiane (minimum), en ns par tâche\n\n";
    std::cout << "| Planificateur | traces éteintes | traces allumées | surcoût |\n"
              << "| :------------ | --------------: | --------------: | ------: |\n";
    for (bool multi : {false, true}) {
        std::vector<double> sans;
        std::vector<double> avec;
        for (int i = 0; i < mesures; ++i) {
            sans.push_back(mesurer_enfant(multi, ""));
            avec.push_back(mesurer_enfant(multi, trace));
        }
        const auto s = bench::statistiques(sans);
        const auto a = bench::statistiques(avec);
        std::cout << "| " << (multi ? "multi_thread (2 workers)" : "current_thread") << " | "
                  << bench::nombre(s.mediane) << " (" << bench::nombre(s.min) << ") | "
                  << bench::nombre(a.mediane) << " (" << bench::nombre(a.min) << ") | "
                  << bench::nombre(a.mediane / s.mediane, 2) << "× |\n";
    }
    std::remove(trace.c_str());
    std::cout << "\n(Le fichier est écrit à la fin de chaque processus, hors chronomètre.)\n";
    return 0;
}
