// Toutes les combinaisons de la vie d'une tâche (comme `task_combinations` de tokio) :
// planificateur × où l'exception est levée × ce que devient le JoinHandle × quand arrive
// l'annulation. Pour chacune : le résultat vu par l'attendeur, chaque destructeur exécuté
// exactement une fois, et chaque exception que personne ne voit comptée exactement une fois.
#define BOOST_TEST_MODULE rt_task_combinations
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/sentinelle.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using support::Sentinelle;

namespace {

enum class Exception { Aucune, AvantSuspension, ApresSuspension, DansUnDestructeur };
enum class Interet { Garde, LacheTot, LacheApresLaFin };
enum class Annulation { Aucune, AvantPremierPassage, PendantLAttente, ApresLaFin, ArretDuRuntime };

const char* nom(Exception e) {
    switch (e) {
    case Exception::Aucune:
        return "sans exception";
    case Exception::AvantSuspension:
        return "exception avant la suspension";
    case Exception::ApresSuspension:
        return "exception après la suspension";
    case Exception::DansUnDestructeur:
        return "destructeur qui lève";
    }
    return "?";
}
const char* nom(Interet i) {
    switch (i) {
    case Interet::Garde:
        return "handle attendu";
    case Interet::LacheTot:
        return "handle lâché tout de suite";
    case Interet::LacheApresLaFin:
        return "handle lâché après la fin";
    }
    return "?";
}
const char* nom(Annulation a) {
    switch (a) {
    case Annulation::Aucune:
        return "sans annulation";
    case Annulation::AvantPremierPassage:
        return "abort avant le premier passage";
    case Annulation::PendantLAttente:
        return "abort pendant l'attente";
    case Annulation::ApresLaFin:
        return "abort après la fin";
    case Annulation::ArretDuRuntime:
        return "arrêt du runtime pendant l'attente";
    }
    return "?";
}

/// Les planificateurs sur lesquels tout est rejoué. Le scénario tourne dans une tâche
/// lancée (voir `jouer`) : avec un seul worker, `multi_thread` passe la tâche observée et le
/// scénario sur le même thread, dans un ordre aussi déterministe que `current_thread`, mais
/// par ses propres chemins (emplacement LIFO, file locale, listes verrouillées, arrêt).
/// Les courses entre plusieurs workers sont l'affaire des tests de charge (tests/stress).
std::vector<std::pair<std::string, std::function<rt::Runtime()>>> planificateurs() {
    return {
        {"current_thread", [] { return rt::Builder::current_thread().build(); }},
        {"current_thread (epoll)",
         [] { return rt::Builder::current_thread().reactor(rt::ReactorKind::Epoll).build(); }},
        {"multi_thread (1 worker)",
         [] { return rt::Builder::multi_thread().worker_threads(1).build(); }},
    };
}

enum class Issue { Valeur, Panique, Annulee };

struct Attendu {
    bool corps_demarre;              ///< le corps a-t-il commencé ?
    Issue issue;                     ///< ce qu'aurait vu un attendeur
    bool exception_de_destructeur{}; ///< un destructeur lève pendant l'annulation
};

/// Un destructeur qui lève (déconseillé, mais il faut y survivre) : à la sortie normale du
/// corps, c'est une panique ; pendant une annulation, une exception signalée et comptée.
struct DestructeurQuiLeve {
    bool armer;
    ~DestructeurQuiLeve() noexcept(false) {
        if (armer) {
            throw std::runtime_error("destructeur");
        }
    }
};

Attendu prevoir(Exception e, Annulation a) {
    if (a == Annulation::AvantPremierPassage) {
        return {false, Issue::Annulee};
    }
    if (e == Exception::AvantSuspension) {
        return {true, Issue::Panique}; // finie avant toute annulation
    }
    if (a == Annulation::PendantLAttente || a == Annulation::ArretDuRuntime) {
        return {true, Issue::Annulee, e == Exception::DansUnDestructeur};
    }
    return {true, e == Exception::Aucune ? Issue::Valeur : Issue::Panique};
}

/// Cède la main jusqu'à ce que `fini()` soit vrai (borné : la tâche ne dépend que de nous).
rt::Task<void> ceder_jusqu_a(std::function<bool()> fini) {
    for (int i = 0; i < 100 && !fini(); ++i) {
        co_await rt::task::yield_now();
    }
    BOOST_TEST_REQUIRE(fini());
}

void jouer(const std::function<rt::Runtime()>& fabrique, Exception e, Interet in, Annulation a) {
    auto vivants = support::nouveau_compteur();
    auto demarre = std::make_shared<bool>(false);
    const Attendu attendu = prevoir(e, a);
    std::uint64_t paniques = 0;
    std::optional<Issue> vue;
    {
        rt::Runtime runtime = fabrique();
        auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
        auto scenario = [&, rx = std::move(rx)]() mutable -> rt::Task<std::uint64_t> {
            auto h = rt::spawn([s = Sentinelle(vivants), demarre, e,
                                rx = std::move(rx)]() mutable -> rt::Task<int> {
                Sentinelle locale(s.vivants); // une variable de la trame, elle aussi
                DestructeurQuiLeve piege{e == Exception::DansUnDestructeur};
                *demarre = true;
                if (e == Exception::AvantSuspension) {
                    throw std::runtime_error("avant");
                }
                (void)co_await rx.recv(); // l'attente, relâchée par le test
                if (e == Exception::ApresSuspension) {
                    throw std::runtime_error("après");
                }
                co_return 7;
            });
            std::optional<rt::JoinHandle<int>> handle(std::move(h));
            if (a == Annulation::AvantPremierPassage) {
                handle->abort();
            }
            if (in == Interet::LacheTot) {
                handle.reset();
            }
            co_await rt::task::yield_now(); // premier passage : jusqu'à l'attente (ou la fin)
            if (a == Annulation::PendantLAttente && handle) {
                handle->abort();
            }
            if (a == Annulation::ArretDuRuntime) {
                co_return 0; // le runtime s'arrête avec la tâche en attente
            }
            if (a != Annulation::PendantLAttente) {
                (void)tx.send(1); // relâche l'attente
            }
            if (in == Interet::Garde) {
                auto r = co_await *handle;
                vue = r ? Issue::Valeur : (r.error().is_panic() ? Issue::Panique : Issue::Annulee);
                if (r) {
                    BOOST_TEST(*r == 7);
                }
            } else {
                co_await ceder_jusqu_a([&] { return *vivants == 0; });
            }
            if (a == Annulation::ApresLaFin && handle) {
                handle->abort(); // sans effet
            }
            if (in == Interet::LacheApresLaFin) {
                BOOST_TEST(handle->is_finished());
                handle.reset();
            }
            co_return rt::Handle::current().metrics().unhandled_panic_count;
        };
        paniques = runtime.block_on([&]() -> rt::Task<std::uint64_t> {
            co_return (co_await rt::spawn(std::move(scenario))).value();
        }());
    }
    // Chaque destructeur exactement une fois : la capture et la variable de la trame.
    BOOST_TEST(*vivants == 0);
    BOOST_TEST(*demarre == attendu.corps_demarre);
    if (in == Interet::Garde && a != Annulation::ArretDuRuntime) {
        BOOST_TEST(vue.has_value());
        BOOST_TEST((vue == attendu.issue));
        // Vue par l'attendeur : pas « non observée » ; seul un destructeur qui lève pendant
        // l'annulation est compté (personne ne peut la voir).
        BOOST_TEST(paniques == (attendu.exception_de_destructeur ? 1u : 0u));
    } else if (a != Annulation::ArretDuRuntime) {
        // Personne ne regarde : une panique est signalée et comptée une fois, pas plus.
        const bool comptee = attendu.issue == Issue::Panique || attendu.exception_de_destructeur;
        BOOST_TEST(paniques == (comptee ? 1u : 0u));
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(toutes_les_combinaisons) {
    for (const auto& [nom_planificateur, fabrique] : planificateurs()) {
        for (Exception e : {Exception::Aucune, Exception::AvantSuspension,
                            Exception::ApresSuspension, Exception::DansUnDestructeur}) {
            for (Interet in : {Interet::Garde, Interet::LacheTot, Interet::LacheApresLaFin}) {
                for (Annulation a : {Annulation::Aucune, Annulation::AvantPremierPassage,
                                     Annulation::PendantLAttente, Annulation::ApresLaFin,
                                     Annulation::ArretDuRuntime}) {
                    if (in == Interet::LacheTot &&
                        (a == Annulation::PendantLAttente || a == Annulation::ApresLaFin)) {
                        continue; // plus de handle pour annuler
                    }
                    if (in == Interet::Garde && a == Annulation::ArretDuRuntime) {
                        continue; // on ne peut pas attendre une tâche que l'arrêt détruit
                    }
                    BOOST_TEST_CONTEXT(nom_planificateur << ", " << nom(e) << ", " << nom(in)
                                                         << ", " << nom(a)) {
                        jouer(fabrique, e, in, a);
                    }
                }
            }
        }
    }
}
