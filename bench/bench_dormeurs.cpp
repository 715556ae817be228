// Benchmark « un million de dormeurs » : la section « La magie des tâches légères » de
// l'article, poussée à 1 000 000 de tâches qui dorment chacune 1 s.
//
// Le programme de l'article (10 000 tâches, `sleep(100ms)` puis `i * 2`) avec N = 1 000 000 et
// 1 s : lancer N tâches en gardant les handles, chaque tâche dort puis rend `i * 2`, puis
// attendre chaque handle et faire la somme (vérifiée). On mesure :
//   - le temps mur, du premier spawn au dernier join (idéal : 1 s ; le surplus est le coût
//     du runtime : créer, inscrire et réveiller un million de minuteries) ;
//   - la mémoire résidente de pointe par tâche : (VmHWM à la fin − VmRSS avant le premier
//     spawn) ÷ N, lus dans /proc/self/status. Le vecteur des handles est compté : il fait
//     partie du programme, en C++ comme en Rust.
//
// Chaque runtime s'exécute dans son propre processus (ce programme se relance lui-même avec
// `--enfant rt|asio N ms`), sinon le pic de mémoire du premier fausserait celui du second.
//
// Côté Asio : `co_spawn(ex, dormeur(i), experimental::use_promise)` (le handle, comme dans
// bench_spawn) et, dans chaque coroutine, un `asio::steady_timer` attendu par
// `co_await timer.async_wait(use_awaitable)` — la façon idiomatique de dormir en Asio.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/promise.hpp>
#include <boost/asio/experimental/use_promise.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <rt/rt.hpp>

#include "commun.hpp"

namespace asio = boost::asio;
using bench::Horloge;
using std::chrono::milliseconds;

namespace {

/// Ce qu'un processus enfant mesure.
struct Mesure {
    double mur_ns = 0;
    std::uint64_t somme = 0;
};

// --- rt ---------------------------------------------------------------------------------------

rt::Task<Mesure> dormeurs_rt(std::uint64_t n, milliseconds duree) {
    auto debut = Horloge::now();
    std::vector<rt::JoinHandle<std::uint64_t>> handles;
    handles.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        handles.push_back(rt::spawn([i, duree]() -> rt::Task<std::uint64_t> {
            co_await rt::time::sleep(duree);
            co_return i * 2;
        }));
    }
    std::uint64_t somme = 0;
    for (auto& h : handles) {
        rt::JoinHandle<std::uint64_t> handle = std::move(h);
        somme += (co_await handle).value(); // value() relance la JoinError s'il y en a une
    }
    co_return Mesure{bench::ns_entre(debut, Horloge::now()), somme};
}

Mesure enfant_rt(std::uint64_t n, milliseconds duree) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    return runtime.block_on(dormeurs_rt(n, duree));
}

// --- Boost.Asio -------------------------------------------------------------------------------

asio::awaitable<std::uint64_t> dormeur_asio(std::uint64_t i, milliseconds duree) {
    asio::steady_timer minuterie(co_await asio::this_coro::executor, duree);
    co_await minuterie.async_wait(asio::use_awaitable);
    co_return i * 2;
}

asio::awaitable<Mesure> dormeurs_asio(std::uint64_t n, milliseconds duree) {
    auto ex = co_await asio::this_coro::executor;
    using Promesse =
        decltype(asio::co_spawn(ex, dormeur_asio(0, duree), asio::experimental::use_promise));
    auto debut = Horloge::now();
    std::vector<Promesse> promesses;
    promesses.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        promesses.push_back(
            asio::co_spawn(ex, dormeur_asio(i, duree), asio::experimental::use_promise));
    }
    std::uint64_t somme = 0;
    for (auto& p : promesses) {
        Promesse promesse = std::move(p);
        somme += co_await promesse(asio::use_awaitable);
    }
    co_return Mesure{bench::ns_entre(debut, Horloge::now()), somme};
}

Mesure enfant_asio(std::uint64_t n, milliseconds duree) {
    asio::io_context contexte{1};
    Mesure mesure;
    std::exception_ptr erreur;
    asio::co_spawn(contexte, dormeurs_asio(n, duree), [&](std::exception_ptr e, Mesure m) {
        erreur = e;
        mesure = m;
    });
    contexte.run();
    if (erreur) {
        std::rethrow_exception(erreur);
    }
    return mesure;
}

/// Mode enfant : mesure un runtime et imprime
/// « RESULTAT mur_ns rss_avant_kio vmhwm_kio somme » (le format du programme tokio).
int enfant(std::string_view quoi, std::uint64_t n, milliseconds duree) {
    long avant = bench::statut_kio("VmRSS");
    Mesure m = quoi == "rt" ? enfant_rt(n, duree) : enfant_asio(n, duree);
    long pic = bench::statut_kio("VmHWM");
    std::cout << "RESULTAT " << static_cast<std::uint64_t>(m.mur_ns) << ' ' << avant << ' ' << pic
              << ' ' << m.somme << std::endl;
    return 0;
}

// --- Parent -----------------------------------------------------------------------------------

struct Resultat {
    std::optional<double> mur_s;      // médiane
    std::optional<double> octets_pic; // médiane, par tâche
    std::optional<double> mur_min_s;  // minimum
    std::optional<double> octets_min; // minimum
    std::string erreur;
};

/// Lance `repetitions` fois la commande enfant et agrège ses lignes RESULTAT.
Resultat mesurer(const std::string& commande, std::uint64_t n, int repetitions) {
    Resultat r;
    std::vector<double> murs, octets;
    const std::uint64_t somme_attendue = n * (n - 1); // Σ 2i pour i < n
    for (int i = 0; i < repetitions; ++i) {
        int code = 0;
        std::string sortie = bench::executer(commande, code);
        auto ligne = bench::ligne_apres(sortie, "RESULTAT ");
        auto v = ligne ? bench::nombres(*ligne) : std::vector<double>{};
        if (code != 0 || v.size() != 4) {
            r.erreur = "le processus enfant a échoué (code " + std::to_string(code) + ")";
            return r;
        }
        if (static_cast<std::uint64_t>(v[3]) != somme_attendue) {
            r.erreur = "somme des résultats incorrecte";
            return r;
        }
        murs.push_back(v[0] / 1e9);
        octets.push_back((v[2] - v[1]) * 1024.0 / static_cast<double>(n));
    }
    auto m = bench::statistiques(murs);
    auto o = bench::statistiques(octets);
    r.mur_s = m.mediane;
    r.mur_min_s = m.min;
    r.octets_pic = o.mediane;
    r.octets_min = o.min;
    return r;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 5 && std::string_view(argv[1]) == "--enfant") {
        try {
            return enfant(argv[2], std::stoull(argv[3]), milliseconds(std::stoll(argv[4])));
        } catch (const std::exception& e) {
            std::cerr << "enfant " << argv[2] << " : " << e.what() << "\n";
            return 1;
        }
    }

    const bool rapide = bench::option_rapide(argc, argv);
    const std::uint64_t n = rapide ? 10'000 : 1'000'000;
    const milliseconds duree = rapide ? milliseconds(100) : milliseconds(1000);
    const int repetitions = rapide ? 1 : 3;

    bench::afficher_machine("tâches endormies (article : « La magie des tâches légères »)");
    std::cout << "Méthode      : " << bench::nombre(static_cast<double>(n))
              << " tâches qui dorment chacune " << duree.count()
              << " ms puis rendent i × 2 ; un processus par runtime ; " << repetitions
              << " exécution(s), médiane (minimum)" << (rapide ? " ; mode --rapide" : "") << "\n\n"
              << std::flush;

    const std::string args = " " + std::to_string(n) + " " + std::to_string(duree.count());
    const std::string moi = bench::cite(bench::ce_programme());

    std::vector<std::pair<std::string, Resultat>> lignes;
    lignes.emplace_back("rt current_thread (ce cours)",
                        mesurer(moi + " --enfant rt" + args, n, repetitions));
    lignes.emplace_back("Asio co_spawn + steady_timer",
                        mesurer(moi + " --enfant asio" + args, n, repetitions));
    std::string raison_tokio;
    auto tokio = bench::programme_tokio(raison_tokio);
    if (tokio) {
        lignes.emplace_back("tokio current_thread",
                            mesurer(bench::cite(*tokio) + " dormeurs" + args, n, repetitions));
    }

    bench::Tableau tableau(
        {"Implémentation", "temps mur (s)", "rt ÷ ligne", "pic RSS (octets/tâche)", "rt ÷ ligne"});
    const Resultat& rt_r = lignes.front().second;
    for (const auto& [nom, r] : lignes) {
        auto cellule = [](const std::optional<double>& med, const std::optional<double>& min,
                          int dec) -> std::string {
            if (!med) {
                return "échec";
            }
            return bench::nombre(*med, dec) + " (" + bench::nombre(*min, dec) + ")";
        };
        auto ratio = [&](const std::optional<double>& a,
                         const std::optional<double>& b) -> std::string {
            if (&r == &rt_r) {
                return "1×";
            }
            return a && b ? bench::rapport(*a, *b) : "—";
        };
        tableau.ligne({nom, cellule(r.mur_s, r.mur_min_s, 3), ratio(rt_r.mur_s, r.mur_s),
                       cellule(r.octets_pic, r.octets_min, 0),
                       ratio(rt_r.octets_pic, r.octets_pic)});
    }
    tableau.afficher();
    if (!tokio) {
        std::cout << "\ntokio : non disponible (" << raison_tokio << ")\n";
    }
    bool erreur = false;
    for (const auto& [nom, r] : lignes) {
        if (!r.erreur.empty()) {
            std::cout << "Erreur pour « " << nom << " » : " << r.erreur << "\n";
            erreur = true;
        }
    }

    // Objectifs du cours pour rt (avec 1 000 000 de tâches et 1 s).
    std::cout << "\nObjectifs pour rt : pic < 300 octets par tâche, temps mur < 1,5 s";
    if (rapide) {
        std::cout << " (mode --rapide : comptes réduits, non significatif)";
    }
    std::cout << "\n";
    if (rt_r.mur_s && rt_r.octets_pic) {
        std::cout << "  mémoire : " << bench::nombre(*rt_r.octets_pic, 0) << " octets/tâche → "
                  << (*rt_r.octets_pic < 300 ? "atteint" : "NON atteint") << "\n"
                  << "  temps   : " << bench::nombre(*rt_r.mur_s, 3) << " s → "
                  << (*rt_r.mur_s < 1.5 ? "atteint" : "NON atteint") << "\n";
    }
    std::cout << "(Le temps idéal est la durée du sommeil : " << duree.count()
              << " ms ; le surplus est le coût du runtime.)\n";
    return erreur ? 1 : 0;
}
