// Le budget coopératif (coop) : une tâche dont les opérations sont toujours prêtes cède la
// main au plus tard après 128 d'entre elles, sur les deux planificateurs.
//
// Le principe de chaque test : une tâche « gloutonne » enchaîne des opérations qui ne
// suspendent jamais (un verrou libre, un canal plein, un socket qui a toujours des données).
// Dès son premier passage, elle lance une « voisine », qui note combien d'opérations la
// gloutonne avait faites quand elle a enfin pu passer. Sans budget, la voisine ne passerait
// qu'à la toute fin (ou jamais, sur un seul thread).
#define BOOST_TEST_MODULE rt_coop
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int OPERATIONS = 20'000; // bien plus que le budget (128)

/// Les runtimes sur lesquels on vérifie : un seul thread, et un seul worker (la gloutonne et
/// sa voisine se disputent alors le même thread, comme sur current_thread).
std::vector<std::pair<std::string, std::function<rt::Runtime()>>> runtimes() {
    return {
        {"current_thread", [] { return rt::Builder::current_thread().build(); }},
        {"multi_thread (1 worker)",
         [] { return rt::Builder::multi_thread().worker_threads(1).build(); }},
    };
}

/// Fait tourner une gloutonne qui appelle `operation` OPERATIONS fois ; rend le nombre
/// d'opérations faites quand la voisine a pu passer, et le nombre de cessions forcées.
/// `operation(i)` est une coroutine qui ne doit jamais suspendre par elle-même.
template <class Operation>
std::pair<int, std::uint64_t> mesurer(rt::Runtime& runtime, Operation operation) {
    auto compteur = std::make_shared<std::atomic<int>>(0);
    auto vue = std::make_shared<std::atomic<int>>(-1);
    runtime.block_on([&]() -> rt::Task<void> {
        auto gloutonne = rt::spawn([&, compteur, vue]() -> rt::Task<void> {
            // La voisine part dans la file de ce thread (emplacement LIFO ou file locale) :
            // elle ne peut passer que si la gloutonne rend la main.
            (void)rt::spawn([compteur, vue]() -> rt::Task<void> {
                vue->store(compteur->load());
                co_return;
            });
            for (int i = 0; i < OPERATIONS; ++i) {
                co_await operation(i);
                compteur->fetch_add(1);
            }
        });
        co_await gloutonne;
    }());
    return {vue->load(), runtime.metrics().budget_forced_yield_count};
}

/// Une connexion TCP locale dont le tampon de réception contient déjà `donnees` : chaque
/// lecture rend des octets sans jamais suspendre. Rend (client, côté serveur).
std::pair<rt::net::TcpStream, rt::net::TcpStream> connexion_deja_remplie(rt::Runtime& runtime,
                                                                         std::string donnees) {
    return runtime.block_on(
        [](std::string d) -> rt::Task<std::pair<rt::net::TcpStream, rt::net::TcpStream>> {
            auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
            auto client = co_await rt::net::TcpStream::connect(listener.local_addr().to_string());
            auto accepte = co_await listener.accept();
            co_await client.write_all(d);
            co_return std::pair<rt::net::TcpStream, rt::net::TcpStream>(std::move(client),
                                                                        std::move(accepte.first));
        }(std::move(donnees)));
}

void verifier(const char* quoi, std::pair<int, std::uint64_t> mesure) {
    BOOST_TEST_CONTEXT(quoi) {
        BOOST_TEST(mesure.first >= 0, "la voisine n'est jamais passée");
        BOOST_TEST(mesure.first <= 128,
                   "la gloutonne a fait " << mesure.first
                                          << " opérations prêtes avant de céder la main (budget : "
                                             "128)");
        BOOST_TEST(mesure.second >= 1u, "aucune cession forcée comptée");
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(verrou_toujours_libre) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        rt::sync::Mutex<int> m(0);
        verifier(nom.c_str(), mesurer(runtime, [&m](int) -> rt::Task<void> {
                     auto g = co_await m.lock();
                     ++*g;
                 }));
        BOOST_TEST(**m.try_lock() == OPERATIONS, "chaque prise du verrou a eu lieu une fois");
    }
}

BOOST_AUTO_TEST_CASE(semaphore_toujours_disponible) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        rt::sync::Semaphore s(1);
        int prises = 0;
        verifier(nom.c_str(), mesurer(runtime, [&](int) -> rt::Task<void> {
                     auto p = (co_await s.acquire()).value();
                     ++prises;
                 }));
        BOOST_TEST(prises == OPERATIONS, "chaque prise a eu lieu une fois");
        BOOST_TEST(s.available_permits() == 1u, "les prises suivies d'une cession ont tout rendu");
    }
}

BOOST_AUTO_TEST_CASE(sommeil_deja_echu) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        verifier(nom.c_str(), mesurer(runtime, [](int) -> rt::Task<void> {
                     co_await rt::time::sleep_until(std::chrono::steady_clock::now() - 1s);
                 }));
    }
}

BOOST_AUTO_TEST_CASE(canal_broadcast_toujours_plein) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        auto [tx, rx] = rt::sync::broadcast::channel<int>(OPERATIONS);
        for (int i = 0; i < OPERATIONS; ++i) {
            (void)tx.send(i);
        }
        std::vector<int> recus;
        verifier(nom.c_str(), mesurer(runtime, [&rx, &recus](int) -> rt::Task<void> {
                     recus.push_back((co_await rx.recv()).value());
                 }));
        BOOST_TEST_REQUIRE(recus.size() == static_cast<std::size_t>(OPERATIONS));
        bool dans_l_ordre = true;
        for (int i = 0; i < OPERATIONS; ++i) {
            dans_l_ordre = dans_l_ordre && recus[static_cast<std::size_t>(i)] == i;
        }
        BOOST_TEST(dans_l_ordre, "céder la main ne perd ni ne double aucun message");
    }
}

BOOST_AUTO_TEST_CASE(socket_qui_a_toujours_des_donnees) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        // Une connexion dont le tampon de réception contient déjà tout : chaque read rend des
        // octets sans jamais suspendre.
        auto paire =
            connexion_deja_remplie(runtime, std::string(static_cast<std::size_t>(OPERATIONS), 'x'));
        rt::net::TcpStream& serveur = paire.second;
        std::size_t total = 0;
        verifier(nom.c_str(), mesurer(runtime, [&serveur, &total](int) -> rt::Task<void> {
                     char octet;
                     total += co_await serveur.read(std::span<char>(&octet, 1));
                 }));
        BOOST_TEST(total == static_cast<std::size_t>(OPERATIONS), "aucun octet perdu");
    }
}

BOOST_AUTO_TEST_CASE(lignes_deja_dans_le_tampon) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        rt::Runtime runtime = fabrique();
        std::string lignes;
        for (int i = 0; i < OPERATIONS; ++i) {
            lignes += "a\n";
        }
        auto paire = connexion_deja_remplie(runtime, std::move(lignes));
        rt::io::BufReader<rt::net::TcpStream> lecteur(std::move(paire.second), 1 << 16);
        int lues = 0;
        verifier(nom.c_str(), mesurer(runtime, [&lecteur, &lues](int) -> rt::Task<void> {
                     std::string ligne;
                     lues += (co_await lecteur.read_line(ligne)) == 2 ? 1 : 0;
                 }));
        BOOST_TEST(lues == OPERATIONS);
    }
}

namespace {

/// La gloutonne prend et rend OPERATIONS fois une ressource libre (`prendre`) ; la voisine,
/// qui passe pendant sa première cession forcée, essaie de la prendre sans attendre
/// (`essayer`). Vrai si elle a pu : la gloutonne a cédé la main **sans** garder la ressource.
template <class Prendre, class Essayer>
bool voisine_a_pu_prendre(rt::Runtime& runtime, Prendre prendre, Essayer essayer) {
    auto reussi = std::make_shared<std::atomic<int>>(-1);
    runtime.block_on([&]() -> rt::Task<void> {
        auto gloutonne = rt::spawn([&, reussi]() -> rt::Task<void> {
            (void)rt::spawn([essayer, reussi]() -> rt::Task<void> {
                reussi->store(essayer() ? 1 : 0);
                co_return;
            });
            for (int i = 0; i < OPERATIONS; ++i) {
                co_await prendre();
            }
        });
        co_await gloutonne;
    }());
    BOOST_TEST(reussi->load() != -1, "la voisine n'est jamais passée");
    return reussi->load() == 1;
}

} // namespace

// Budget épuisé, une opération qui prend quelque chose cède la main **avant** de prendre
// (comme tokio). Prendre puis céder en gardant, c'était mettre en file toute autre demande
// pendant la cession ; avec plusieurs tâches, la file ne se vidait plus, et chaque prise
// passait par une suspension (le sémaphore du benchmark bench_synchro : 52 ns par prise au
// lieu de 19).
BOOST_AUTO_TEST_CASE(semaphore_cede_la_main_sans_garder_l_autorisation) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        BOOST_TEST_CONTEXT(nom) {
            rt::Runtime runtime = fabrique();
            auto s = std::make_shared<rt::sync::Semaphore>(1);
            BOOST_TEST(voisine_a_pu_prendre(
                           runtime,
                           [s]() -> rt::Task<void> { auto p = (co_await s->acquire()).value(); },
                           [s] { return s->try_acquire().has_value(); }),
                       "la gloutonne gardait l'autorisation pendant sa cession");
            BOOST_TEST(s->available_permits() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(mutex_cede_la_main_sans_garder_le_verrou) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    for (auto& [nom, fabrique] : runtimes()) {
        BOOST_TEST_CONTEXT(nom) {
            rt::Runtime runtime = fabrique();
            auto m = std::make_shared<rt::sync::Mutex<int>>(0);
            BOOST_TEST(voisine_a_pu_prendre(
                           runtime, [m]() -> rt::Task<void> { ++*co_await m->lock(); },
                           [m] { return m->try_lock().has_value(); }),
                       "la gloutonne gardait le verrou pendant sa cession");
            BOOST_TEST(**m->try_lock() == OPERATIONS);
        }
    }
}

// Annulée pendant sa cession, la tâche n'avait rien pris : rien à rendre, et la petite
// coroutine qui devait réessayer est détruite avec elle (AddressSanitizer verrait la fuite).
BOOST_AUTO_TEST_CASE(annulee_pendant_la_cession_ne_perd_rien) {
    support::ChienDeGarde garde(60s, "la tâche gloutonne ne rend jamais la main");
    rt::Runtime runtime = rt::Builder::current_thread().build();
    auto s = std::make_shared<rt::sync::Semaphore>(1);
    auto m = std::make_shared<rt::sync::Mutex<int>>(0);
    auto faites = std::make_shared<int>(0);
    runtime.block_on([&]() -> rt::Task<void> {
        auto gloutonne = rt::spawn([s, m, faites]() -> rt::Task<void> {
            for (int i = 0; i < OPERATIONS; ++i) {
                auto p = (co_await s->acquire()).value();
                ++*co_await m->lock();
                ++*faites;
            }
        });
        // Un seul thread : la gloutonne passe, cède la main au bout du budget (derrière nous),
        // et nous la trouvons au milieu de sa cession.
        co_await rt::task::yield_now();
        BOOST_TEST(*faites > 0);
        BOOST_TEST(*faites < OPERATIONS);
        gloutonne.abort();
        auto fin = co_await gloutonne;
        BOOST_TEST(fin.error().is_cancelled());
    }());
    BOOST_TEST(s->available_permits() == 1u);
    BOOST_TEST(m->try_lock().has_value());
}
