// Chapitre 08 — ce que la leçon affirme, vérifié (label « exemples », non noté) : la
// traduction du programme de l'article, ce que l'article dit mal (« échouer » n'est pas
// « paniquer » ; la branche is_cancelled de son programme ne peut pas être prise), les
// exceptions que personne ne voit, et les destructeurs qui lèvent.
//
// Deux tests lancent un processus fils (fork) : ce qu'ils vérifient termine le processus
// (std::terminate), ce qu'aucun runtime ne peut empêcher.
#define BOOST_TEST_MODULE "Chapitre 08 : ce que dit la leçon"
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/sentinelle.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Exécute `f` dans un processus fils (stderr jeté) ; rend le signal qui l'a tué, ou 0 s'il
/// s'est terminé normalement.
template <class F>
int signal_du_fils(F f) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        // Boost.Test rattrape SIGABRT pour le signaler : le fils doit mourir pour de bon.
        std::signal(SIGABRT, SIG_DFL);
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {
            ::dup2(null, STDERR_FILENO);
        }
        f();
        std::_Exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/// Un destructeur qui lève (noexcept(false) : sans cela il serait noexcept, et lever y
/// appellerait std::terminate directement).
struct DestructeurQuiLeve {
    DestructeurQuiLeve() = default;
    DestructeurQuiLeve(const DestructeurQuiLeve&) = delete;
    DestructeurQuiLeve& operator=(const DestructeurQuiLeve&) = delete;
    ~DestructeurQuiLeve() noexcept(false) { throw std::runtime_error("destructeur en échec"); }
};

/// Lève si `x` est négatif (hors ligne : le compilateur ne voit pas le throw depuis
/// l'appelant noexcept, il n'avertit donc pas).
[[gnu::noinline]] int verifier(int x) {
    if (x < 0) {
        throw std::invalid_argument("x négatif");
    }
    return x;
}

/// Promet de ne pas lever... et laisse passer l'exception de verifier.
int racine_entiere(int x) noexcept {
    return verifier(x);
}

} // namespace

BOOST_AUTO_TEST_CASE(ch08_le_programme_de_l_article_voit_une_panique) {
    bool panique = false, annulee = false, succes = false;
    rt::block_on([](bool& panique, bool& annulee, bool& succes) -> rt::Task<void> {
        auto handle = rt::spawn([]() -> rt::Task<void> {
            throw std::runtime_error("Quelque chose s'est mal passé !");
            co_return;
        });
        auto r = co_await handle;
        succes = r.has_value();
        panique = !succes && r.error().is_panic();
        annulee = !succes && r.error().is_cancelled();
    }(panique, annulee, succes));
    BOOST_TEST(panique);
    BOOST_TEST(!annulee);
    BOOST_TEST(!succes);
}

BOOST_AUTO_TEST_CASE(ch08_echouer_n_est_pas_paniquer) {
    // « Les tâches spawned peuvent paniquer ou échouer » : une tâche qui ÉCHOUE rend son
    // erreur comme une valeur ; pour co_await handle (handle.await), c'est un SUCCÈS. La
    // JoinError ne couvre que la panique et l'annulation.
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<rt::Result<int, std::runtime_error>> {
            co_return std::runtime_error("échec ordinaire");
        });
        auto r = co_await h;
        BOOST_TEST_REQUIRE(r.has_value(), "la tâche est allée au bout : pas de JoinError");
        BOOST_TEST(!r->has_value(), "sa valeur, elle, porte l'erreur");
        BOOST_TEST(std::string(r->error().what()) == "échec ordinaire");
    }());
}

BOOST_AUTO_TEST_CASE(ch08_annulee_seulement_par_abort_ou_l_arret_du_runtime) {
    // La branche is_cancelled() du programme de l'article ne peut pas être prise : rien n'y
    // annule la tâche. Une tâche n'est annulée que par abort() (ou ce qui l'appelle : JoinSet
    // détruit, select, timeout qui annule) ou par l'arrêt du runtime.
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(1h);
            co_return 1;
        });
        h.abort();
        auto r = co_await h;
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is_cancelled());
        BOOST_TEST(!r.error().panic());
    }());

    auto vivants = support::nouveau_compteur();
    rt::JoinHandle<int> garde;
    {
        rt::Runtime runtime = rt::Builder::current_thread().build();
        garde = runtime.block_on([](support::Compteur v) -> rt::Task<rt::JoinHandle<int>> {
            co_return rt::spawn([s = support::Sentinelle(v)]() -> rt::Task<int> {
                co_await rt::time::sleep(1h);
                co_return 1;
            });
        }(vivants));
        BOOST_TEST(!garde.is_finished());
    } // arrêt du runtime : la tâche est détruite à son point de suspension
    BOOST_TEST(*vivants == 0);
    BOOST_TEST_REQUIRE(garde.is_finished());
    auto r = garde.take_finished();
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is_cancelled());
}

BOOST_AUTO_TEST_CASE(ch08_panic_rend_l_exception_d_origine) {
    struct Code {
        int valeur;
    };
    rt::block_on([]() -> rt::Task<void> {
        auto r = co_await rt::spawn([]() -> rt::Task<int> {
            co_await rt::task::yield_now();
            throw Code{28};
        });
        BOOST_TEST_REQUIRE(r.error().is_panic());
        int vu = 0;
        try {
            r.error().resume_panic();
        } catch (const Code& c) {
            vu = c.valeur;
        }
        BOOST_TEST(vu == 28);
        BOOST_CHECK_THROW(r.value(), rt::JoinError); // value() lève la JoinError (unwrap)
    }());
}

BOOST_AUTO_TEST_CASE(ch08_exception_sans_attendeur_signalee_et_comptee) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([]() -> rt::Task<void> {
        (void)rt::spawn([]() -> rt::Task<void> {
            co_await rt::task::yield_now();
            throw std::runtime_error("personne ne m'attend");
        });
        auto h = rt::spawn([]() -> rt::Task<int> {
            throw std::runtime_error("attendue par personne");
            co_return 0;
        });
        while (!h.is_finished() || rt::Handle::current().metrics().num_alive_tasks != 0) {
            co_await rt::task::yield_now();
        }
        BOOST_TEST(rt::Handle::current().metrics().unhandled_panic_count == 1u,
                   "la tâche détachée est comptée ; celle dont le handle vit encore, pas encore");
    }()); // h détruit sans avoir été attendu : comptée à ce moment
    BOOST_TEST(runtime.metrics().unhandled_panic_count == 2u);
}

BOOST_AUTO_TEST_CASE(ch08_destructeur_qui_leve_pendant_l_annulation_signale) {
    auto vivants = support::nouveau_compteur();
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([](support::Compteur vivants) -> rt::Task<void> {
        auto demarree = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([tx = std::move(demarree.first), vivants]() mutable -> rt::Task<void> {
            support::Sentinelle avant(vivants);
            DestructeurQuiLeve d;
            support::Sentinelle apres(vivants);
            (void)tx.send(1);
            co_await rt::time::sleep(1h);
        });
        (void)co_await demarree.second;
        h.abort();
        auto r = co_await h;
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is_cancelled(), "la tâche est annulée, pas en panique");
    }(vivants));
    BOOST_TEST(*vivants == 0, "les autres variables de la trame sont détruites aussi");
    BOOST_TEST(runtime.metrics().unhandled_panic_count == 1u,
               "l'exception du destructeur est signalée et comptée");
}

BOOST_AUTO_TEST_CASE(ch08_destructeur_qui_leve_pendant_une_panique_termine) {
    // Une exception traverse déjà la trame (la tâche panique) ; un destructeur en lève une
    // seconde pendant ce déroulement : la règle du C++ est std::terminate, avant que le
    // runtime ait son mot à dire.
    const int sig = signal_du_fils([] {
        rt::block_on([]() -> rt::Task<void> {
            auto r = co_await rt::spawn([]() -> rt::Task<void> {
                DestructeurQuiLeve d;
                co_await rt::task::yield_now();
                throw std::runtime_error("première exception");
            });
            (void)r;
        }());
    });
    BOOST_TEST(sig == SIGABRT, "std::terminate attendu (SIGABRT), signal reçu : " << sig);
}

BOOST_AUTO_TEST_CASE(ch08_exception_a_travers_noexcept_termine) {
    // Une fonction noexcept qui laisse passer une exception : std::terminate, même dans une
    // tâche. Le runtime ne rattrape que ce qui s'échappe de la coroutine elle-même.
    const int sig = signal_du_fils([] {
        rt::block_on([]() -> rt::Task<void> {
            auto r = co_await rt::spawn([]() -> rt::Task<int> {
                co_await rt::task::yield_now();
                co_return racine_entiere(-1);
            });
            (void)r;
        }());
    });
    BOOST_TEST(sig == SIGABRT, "std::terminate attendu (SIGABRT), signal reçu : " << sig);
    BOOST_TEST(racine_entiere(4) == 4);
}
