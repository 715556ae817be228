/// \file
/// \brief Chapitre 05 — En production : les trois patterns avec Boost.Asio 1.81.
///
/// - *fire and forget* : `co_spawn(..., asio::detached)` ; contrairement à tokio, la tâche
///   détachée empêche `io_context::run()` de rendre la main : il faut arrêter le contexte
///   (`stop()`), et c'est la destruction du `io_context` qui détruit sa trame ;
/// - *collecte* : `asio::experimental::make_parallel_group(...).async_wait(wait_for_all())` ;
/// - *timeout* : l'opérateur `||` des `awaitable_operators` : la première coroutine terminée
///   gagne, l'autre reçoit une demande d'annulation (*cancellation slot*) et se termine par
///   l'erreur `operation_aborted` — ses destructeurs s'exécutent.
///
/// Usage : `ch05_asio [--court]`. Sans option : nettoyage toutes les 60 s, tâche de 10 s,
/// délai de 2 s. Avec `--court` (la visite guidée) : 60 ms, 500 ms et 100 ms.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>

#include <array>
#include <chrono>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <variant>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

/// Affiche un message quand il est détruit : on voit ainsi une trame de coroutine disparaître.
class Garde {
public:
    explicit Garde(std::string message) : message_(std::move(message)) {}
    Garde(const Garde&) = delete;
    Garde& operator=(const Garde&) = delete;
    ~Garde() { std::cout << "   ~Garde : " << message_ << std::endl; }

private:
    std::string message_;
};

/// Les durées du programme : celles de l'article, ou celles de la visite guidée.
struct Durees {
    milliseconds periode = 60s;
    milliseconds tache = 10s;
    milliseconds delai = 2s;
};

// Paramètres par valeur : la coroutine en garde une copie dans sa trame (CP.53).
asio::awaitable<void> dormir(milliseconds duree) {
    asio::steady_timer minuterie(co_await asio::this_coro::executor, duree);
    co_await minuterie.async_wait(asio::use_awaitable);
}

asio::awaitable<void> nettoyage(milliseconds periode) {
    Garde garde("la tâche de nettoyage détachée est détruite (destruction du io_context)");
    for (;;) {
        co_await dormir(periode);
        std::cout << "Nettoyage périodique..." << std::endl;
    }
}

// [timeout]
asio::awaitable<std::string> tache_longue(milliseconds duree) {
    Garde garde("la trame de la tâche longue est détruite (annulation par ||)");
    co_await dormir(duree); // annulée ici : l'attente lève system_error(operation_aborted)
    co_return "Tâche très longue terminée";
}

asio::awaitable<void> timeout(Durees d) {
    using namespace asio::experimental::awaitable_operators;
    // La première terminée gagne ; l'autre reçoit une demande d'annulation, et || attend
    // qu'elle soit finie avant de rendre la main (rien ne reste en vol).
    std::variant<std::string, std::monostate> r =
        co_await (tache_longue(d.tache) || dormir(d.delai));
    if (r.index() == 0) {
        std::cout << "Succès : " << std::get<0>(r) << std::endl;
    } else {
        std::cout << "Timeout : ici la tâche a VRAIMENT été annulée (c'était une opération "
                     "attendue, pas une tâche détachée)"
                  << std::endl;
    }
}
// [timeout]

// [collecte]
asio::awaitable<void> collecte() {
    auto ex = co_await asio::this_coro::executor;
    auto calcul = [](int i) -> asio::awaitable<int> {
        co_await dormir(100ms * i);
        co_return (i * i);
    };
    // Trois coroutines lancées ensemble ; wait_for_all : on attend la fin de toutes. L'ordre
    // de fin est aussi rendu (comme le JoinSet), les valeurs restent à leur place.
    auto [ordre, e0, v0, e1, v1, e2, v2] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, calcul(2), asio::deferred),
            asio::co_spawn(ex, calcul(0), asio::deferred),
            asio::co_spawn(ex, calcul(1), asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)e0, (void)e1, (void)e2; // exception_ptr de chaque coroutine (nulles ici)
    std::cout << "Résultats : [" << v0 << ", " << v1 << ", " << v2
              << "] ; ordre de fin : " << ordre[0] << ", " << ordre[1] << ", " << ordre[2]
              << std::endl;
}
// [collecte]

asio::awaitable<void> main_async(Durees d) {
    auto ex = co_await asio::this_coro::executor;
    // [detache]
    asio::co_spawn(ex, nettoyage(d.periode), asio::detached); // fire and forget
    // [detache]
    std::cout << "Serveur démarré" << std::endl;
    co_await collecte();
    co_await timeout(d);
}

} // namespace

int main(int argc, char** argv) {
    Durees d;
    if (argc > 1 && std::strcmp(argv[1], "--court") == 0) {
        d = Durees{60ms, 500ms, 100ms};
        std::cout << "(visite guidée : nettoyage toutes les 60 ms au lieu de 60 s, tâche de "
                     "500 ms au lieu de 10 s, délai de 100 ms au lieu de 2 s)"
                  << std::endl;
    }
    {
        asio::io_context contexte;
        // main_async finie : on arrête le contexte, sinon run() continuerait pour toujours
        // à cause de la tâche de nettoyage détachée.
        asio::co_spawn(contexte, main_async(d), [&contexte](std::exception_ptr e) {
            if (e) {
                std::rethrow_exception(e);
            }
            contexte.stop();
        });
        contexte.run();
        std::cout << "run() a rendu la main ; destruction du io_context" << std::endl;
    }
    std::cout << "main : terminé" << std::endl;
}
