// Benchmarks des primitives de synchronisation (chapitres 09 et 12) : rt contre tokio, dans
// la forme des benchmarks de tokio (benches/sync_mpsc.rs, benches/sync_semaphore.rs).
//
//   - ping_pong : deux tâches se renvoient un entier par deux canaux mpsc(1), 10 000
//                 allers-retours ; en ns par saut (20 000 sauts) ; objectif ≤ 0,3× tokio ;
//   - mpsc_1    : 1 producteur × 10 000 messages dans un canal de 100 places, un récepteur ;
//   - mpsc_10   : 10 producteurs × 1 000 messages, même canal ; en ns par message ;
//   - semaphore : 10 tâches prennent et rendent 1 000 fois une autorisation d'un sémaphore de
//                 5 ; en ns par prise ; objectif (mpsc, sémaphore) ≤ 0,7× tokio.
// Sur current_thread et sur multi_thread (2 workers). Le même code est, pour tokio, dans
// bench/tokio/src/synchro.rs. Rondes alternées rt puis tokio, runtime créé une fois par ronde
// hors chronomètre, chaque itération chronométrée à part ; médiane (minimum).

#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <rt/rt.hpp>

#include "commun.hpp"

namespace {

namespace mpsc = rt::sync::mpsc;

struct Plan {
    int echauffements;
    int mesures;
};

constexpr std::uint64_t ALLERS_RETOURS = 10'000;

rt::Task<void> ping_pong() {
    auto [tx_aller, rx_aller] = mpsc::channel<std::uint64_t>(1);
    auto [tx_retour, rx_retour] = mpsc::channel<std::uint64_t>(1);
    auto echo = rt::spawn(
        [rx = std::move(rx_aller), tx = std::move(tx_retour)]() mutable -> rt::Task<void> {
            while (auto v = co_await rx.recv()) {
                (co_await tx.send(*v + 1)).value();
            }
        });
    std::uint64_t v = 0;
    for (std::uint64_t i = 0; i < ALLERS_RETOURS; ++i) {
        (co_await tx_aller.send(v)).value();
        v = *(co_await rx_retour.recv());
    }
    if (v != ALLERS_RETOURS) {
        throw std::runtime_error("ping_pong : compte faux");
    }
    { auto fin = std::move(tx_aller); }
    (co_await echo).value();
}

rt::Task<void> producteurs(std::uint64_t n, std::uint64_t par_producteur) {
    auto [tx, rx] = mpsc::channel<std::uint64_t>(100);
    for (std::uint64_t p = 0; p < n; ++p) {
        (void)rt::spawn([tx, par_producteur]() -> rt::Task<void> {
            for (std::uint64_t i = 0; i < par_producteur; ++i) {
                (co_await tx.send(i)).value();
            }
        });
    }
    { auto fin = std::move(tx); }
    std::uint64_t recus = 0;
    while (co_await rx.recv()) {
        ++recus;
    }
    if (recus != n * par_producteur) {
        throw std::runtime_error("mpsc : messages perdus");
    }
}

rt::Task<void> semaphore() {
    auto s = std::make_shared<rt::sync::Semaphore>(5);
    std::vector<rt::JoinHandle<void>> taches;
    for (int t = 0; t < 10; ++t) {
        taches.push_back(rt::spawn([s]() -> rt::Task<void> {
            for (int i = 0; i < 1000; ++i) {
                auto permis = (co_await s->acquire()).value();
            }
        }));
    }
    for (auto& t : taches) {
        (co_await t).value();
    }
    if (s->available_permits() != 5) {
        throw std::runtime_error("sémaphore : autorisations perdues");
    }
}

std::vector<double> mesurer_rt(std::string_view nom, bool multi, Plan plan) {
    rt::Runtime runtime = multi ? rt::Builder::multi_thread().worker_threads(2).build()
                                : rt::Builder::current_thread().build();
    std::vector<double> v;
    for (int i = 0; i < plan.echauffements + plan.mesures; ++i) {
        const auto debut = bench::Horloge::now();
        if (nom == "ping_pong") {
            runtime.block_on(ping_pong());
        } else if (nom == "mpsc_1") {
            runtime.block_on(producteurs(1, 10'000));
        } else if (nom == "mpsc_10") {
            runtime.block_on(producteurs(10, 1'000));
        } else {
            runtime.block_on(semaphore());
        }
        if (i >= plan.echauffements) {
            v.push_back(bench::ns_entre(debut, bench::Horloge::now()));
        }
    }
    return v;
}

} // namespace

int main(int argc, char** argv) {
    bench::garder_la_memoire();
    const bool rapide = bench::option_rapide(argc, argv);
    const Plan plan = rapide ? Plan{1, 3} : Plan{3, 21};
    const int rondes = rapide ? 1 : 3;
    bench::afficher_machine("primitives de synchronisation (chapitres 09 et 12) : rt contre tokio");
    std::string raison_tokio;
    auto tokio = bench::programme_tokio(raison_tokio);

    struct Bench {
        const char* nom;
        const char* quoi;
        double unites;   ///< ce qu'une itération contient (sauts, messages, prises)
        double objectif; ///< rt ÷ tokio visé
    };
    const Bench benchs[] = {
        {"ping_pong", "ns par saut (20 000 sauts par deux mpsc(1))", 2.0 * ALLERS_RETOURS, 0.3},
        {"mpsc_1", "ns par message (1 producteur × 10 000, canal de 100)", 10'000, 0.7},
        {"mpsc_10", "ns par message (10 producteurs × 1 000, canal de 100)", 10'000, 0.7},
        {"semaphore", "ns par prise (10 tâches × 1 000, sémaphore de 5)", 10'000, 0.7},
    };
    std::cout << "\nMéthode : " << rondes << " ronde(s) alternées rt puis tokio ; "
              << plan.echauffements << " itération(s) d'échauffement puis " << plan.mesures
              << " chronométrées une à une ; médiane (minimum)"
              << (rapide ? " ; mode --rapide" : "") << "\n";
    if (!tokio) {
        std::cout << "tokio absent des tableaux : " << raison_tokio << "\n";
    }
    bool erreur = false;
    for (bool multi : {false, true}) {
        std::cout << "\n=== " << (multi ? "multi_thread, 2 workers" : "current_thread")
                  << " ===\n\n";
        bench::Tableau tableau({"Benchmark", "unité", "rt", "tokio", "rt ÷ tokio", "objectif"});
        for (const auto& b : benchs) {
            std::vector<double> tous_rt;
            std::vector<double> tous_tk;
            std::string erreur_tk;
            try {
                for (int ronde = 0; ronde < rondes; ++ronde) {
                    auto v = mesurer_rt(b.nom, multi, plan);
                    tous_rt.insert(tous_rt.end(), v.begin(), v.end());
                    if (tokio) {
                        auto sortie =
                            bench::executer_tokio(*tokio,
                                                  "synchro " + std::string(b.nom) +
                                                      (multi ? " multi 2 " : " current 1 ") +
                                                      std::to_string(plan.echauffements) + " " +
                                                      std::to_string(plan.mesures),
                                                  erreur_tk);
                        auto ligne =
                            sortie ? bench::ligne_apres(*sortie, "ECHANTILLONS ") : std::nullopt;
                        if (ligne) {
                            auto w = bench::nombres(*ligne);
                            tous_tk.insert(tous_tk.end(), w.begin(), w.end());
                        } else if (erreur_tk.empty()) {
                            erreur_tk = "sortie du programme tokio illisible";
                        }
                    }
                }
            } catch (const std::exception& e) {
                std::cout << "Erreur pour « " << b.nom << " » (rt) : " << e.what() << "\n";
                erreur = true;
                continue;
            }
            const auto r = bench::statistiques(tous_rt);
            std::string cellule_tk = tokio ? "échec" : "—";
            std::string ratio = "—";
            std::string objectif = "—";
            if (!tous_tk.empty()) {
                const auto t = bench::statistiques(tous_tk);
                cellule_tk = bench::nombre(t.mediane / b.unites, 1) + " (" +
                             bench::nombre(t.min / b.unites, 1) + ")";
                ratio = bench::rapport(r.mediane, t.mediane);
                objectif =
                    (r.mediane <= b.objectif * t.mediane ? "atteint (≤ " : "NON atteint (≤ ") +
                    bench::nombre(b.objectif, 1) + "×)";
            } else if (tokio) {
                std::cout << "Erreur pour « " << b.nom << " » (tokio) : " << erreur_tk << "\n";
                erreur = true;
            }
            tableau.ligne({b.nom, b.quoi,
                           bench::nombre(r.mediane / b.unites, 1) + " (" +
                               bench::nombre(r.min / b.unites, 1) + ")",
                           cellule_tk, ratio, objectif});
        }
        tableau.afficher(std::cout);
    }
    std::cout
        << "\n(rt ÷ tokio compare les médianes : 0,5× veut dire que rt met deux fois moins de "
           "temps.)\n";
    return erreur ? 1 : 0;
}
