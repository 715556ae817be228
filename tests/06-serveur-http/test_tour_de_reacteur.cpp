// Tests notés du chapitre 06 — exercice « construire » : tour_de_reacteur.cpp (preparer et
// tour), un tour de réacteur au-dessus de poll(2), sans rt.
//
// Des tubes (pipe) et des paires de sockets locales servent de fds : on sait exactement quand
// ils sont lisibles, inscriptibles ou fermés. Chaque appel à tour() a un délai fini, et un
// chien de garde borne chaque test : un exercice inachevé échoue, il ne bloque pas.
#define BOOST_TEST_MODULE "Chapitre 06 : serveur HTTP (tour de réacteur, traiter_connexion)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "tour_de_reacteur.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

using construire::Source;

/// Un tube dont on ferme les bouts à la demande (et à la destruction).
struct Tube {
    int lecture = -1;
    int ecriture = -1;
    Tube() {
        int fds[2];
        BOOST_TEST_REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
        lecture = fds[0];
        ecriture = fds[1];
    }
    Tube(const Tube&) = delete;
    Tube& operator=(const Tube&) = delete;
    ~Tube() {
        fermer_lecture();
        fermer_ecriture();
    }
    void fermer_lecture() {
        if (lecture >= 0) {
            ::close(lecture);
            lecture = -1;
        }
    }
    void fermer_ecriture() {
        if (ecriture >= 0) {
            ::close(ecriture);
            ecriture = -1;
        }
    }
    void ecrire_un_octet() const { BOOST_TEST_REQUIRE(::write(ecriture, "x", 1) == 1); }
    /// Remplit le tube jusqu'à EAGAIN : il n'est plus inscriptible.
    void remplir() const {
        char bloc[4096] = {};
        while (::write(ecriture, bloc, sizeof bloc) > 0) {
        }
        BOOST_TEST_REQUIRE(errno == EAGAIN);
    }
};

/// Durée d'un tour, en millisecondes.
template <class F>
long long mesurer_ms(F f) {
    const auto debut = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 debut)
        .count();
}

support::ChienDeGarde garde() {
    return support::ChienDeGarde(10s, "le test dure plus de 10 s : tour() appelle-t-il poll(2) "
                                      "avec un délai infini (-1) au lieu de delai_ms ?");
}

} // namespace

BOOST_AUTO_TEST_CASE(preparer_ne_surveille_que_les_sources_attendues) {
    std::vector<Source> sources(4);
    sources[0] = Source{10, 1, std::nullopt};
    sources[1] = Source{11, std::nullopt, std::nullopt}; // personne n'attend : pas surveillé
    sources[2] = Source{12, std::nullopt, 2};
    sources[3] = Source{13, 3, 4};
    const auto fds = construire::preparer(sources);
    BOOST_TEST_REQUIRE(fds.size() == 3u, "preparer doit rendre un pollfd par source qui a au "
                                         "moins une attente (3 ici), pas "
                                             << fds.size());
    BOOST_TEST(fds[0].fd == 10);
    BOOST_TEST(fds[0].events == POLLIN, "un lecteur seul : events = POLLIN");
    BOOST_TEST(fds[1].fd == 12, "la source sans attente (fd 11) ne doit pas être surveillée");
    BOOST_TEST(fds[1].events == POLLOUT, "un écrivain seul : events = POLLOUT");
    BOOST_TEST(fds[2].fd == 13);
    BOOST_TEST(fds[2].events == (POLLIN | POLLOUT), "lecteur et écrivain : POLLIN | POLLOUT");
    for (const auto& p : fds) {
        BOOST_TEST(p.revents == 0, "revents doit valoir 0 avant poll");
    }
}

BOOST_AUTO_TEST_CASE(lisible_apres_une_ecriture) {
    auto g = garde();
    Tube tube;
    std::vector<Source> sources{Source{tube.lecture, 7, std::nullopt}};
    BOOST_TEST(construire::tour(sources, 0).empty(),
               "le tube est vide : personne ne doit être réveillé");
    BOOST_TEST_REQUIRE(sources[0].lecteur.has_value(),
                       "une attente non réveillée doit rester inscrite");
    tube.ecrire_un_octet();
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST_REQUIRE(reveilles.size() == 1u, "un octet écrit : le lecteur doit être réveillé");
    BOOST_TEST(reveilles[0] == 7u);
    BOOST_TEST(!sources[0].lecteur.has_value(),
               "une attente réveillée doit être effacée (elle est à un coup)");
}

BOOST_AUTO_TEST_CASE(inscriptible_tout_de_suite) {
    auto g = garde();
    int paire[2];
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, paire) == 0);
    std::vector<Source> sources{Source{paire[0], 1, 2}};
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST_REQUIRE(reveilles.size() == 1u,
                       "socket vide mais inscriptible : seul l'écrivain doit être réveillé");
    BOOST_TEST(reveilles[0] == 2u);
    BOOST_TEST(sources[0].lecteur.has_value(), "le lecteur n'est pas réveillé : il reste inscrit");
    BOOST_TEST(!sources[0].ecrivain.has_value());
    ::close(paire[0]);
    ::close(paire[1]);
}

BOOST_AUTO_TEST_CASE(fermeture_reveille_le_lecteur) {
    auto g = garde();
    Tube tube;
    std::vector<Source> sources{Source{tube.lecture, 5, std::nullopt}};
    tube.fermer_ecriture(); // POLLHUP sans POLLIN : aucune donnée, seulement la fin de flux
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST_REQUIRE(reveilles.size() == 1u,
                       "l'autre bout est fermé (POLLHUP) : le lecteur doit être réveillé pour "
                       "lire la fin de flux");
    BOOST_TEST(reveilles[0] == 5u);
}

BOOST_AUTO_TEST_CASE(erreur_reveille_l_ecrivain) {
    auto g = garde();
    Tube tube;
    tube.remplir(); // plus inscriptible : seul POLLERR pourra réveiller l'écrivain
    std::vector<Source> sources{Source{tube.ecriture, std::nullopt, 9}};
    BOOST_TEST(construire::tour(sources, 0).empty(), "tube plein : l'écrivain doit attendre");
    tube.fermer_lecture(); // plus de lecteur : POLLERR sur le bout d'écriture
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST_REQUIRE(reveilles.size() == 1u,
                       "POLLERR doit réveiller l'écrivain même sans POLLOUT (write dira EPIPE)");
    BOOST_TEST(reveilles[0] == 9u);
}

BOOST_AUTO_TEST_CASE(fermeture_reveille_les_deux_sens) {
    auto g = garde();
    int paire[2];
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, paire) == 0);
    std::vector<Source> sources{Source{paire[0], 1, 2}};
    // Remplir le tampon d'envoi : le socket n'est plus inscriptible.
    char bloc[4096] = {};
    while (::send(paire[0], bloc, sizeof bloc, MSG_DONTWAIT) > 0) {
    }
    BOOST_TEST(construire::tour(sources, 0).empty(), "ni lisible ni inscriptible");
    ::close(paire[1]);
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST(reveilles.size() == 2u, "le pair a fermé : lecteur ET écrivain doivent être "
                                       "réveillés, pas "
                                           << reveilles.size());
    BOOST_TEST(!sources[0].lecteur.has_value());
    BOOST_TEST(!sources[0].ecrivain.has_value());
    ::close(paire[0]);
}

BOOST_AUTO_TEST_CASE(le_delai_est_respecte) {
    auto g = garde();
    Tube tube;
    std::vector<Source> sources{Source{tube.lecture, 1, std::nullopt}};
    // Borne inférieure seulement : une machine chargée peut rendre la main plus tard.
    const auto duree = mesurer_ms([&] {
        BOOST_TEST(construire::tour(sources, 60).empty(), "rien n'est prêt : aucun réveil");
    });
    BOOST_TEST(duree >= 55, "tour(sources, 60) sans fd prêt doit dormir environ 60 ms dans "
                            "poll(2), pas "
                                << duree << " ms");
}

BOOST_AUTO_TEST_CASE(source_sans_attente_ne_reveille_pas) {
    auto g = garde();
    Tube pret;    // lisible, mais personne n'attend dessus
    Tube attendu; // vide, un lecteur l'attend
    pret.ecrire_un_octet();
    std::vector<Source> sources{Source{pret.lecture, std::nullopt, std::nullopt},
                                Source{attendu.lecture, 3, std::nullopt}};
    std::vector<std::uint64_t> reveilles;
    const auto duree = mesurer_ms([&] { reveilles = construire::tour(sources, 60); });
    BOOST_TEST(reveilles.empty());
    BOOST_TEST(duree >= 55, "un fd lisible que personne n'attend ne doit pas écourter l'attente "
                            "(il ne doit pas être passé à poll) : tour a duré "
                                << duree << " ms au lieu de 60");
}

BOOST_AUTO_TEST_CASE(attente_a_un_coup) {
    auto g = garde();
    Tube tube;
    tube.ecrire_un_octet(); // reste lisible : personne ne le lit
    std::vector<Source> sources{Source{tube.lecture, 4, std::nullopt}};
    BOOST_TEST_REQUIRE(construire::tour(sources, 2000).size() == 1u);
    // Le fd est toujours lisible, mais l'attente a été consommée : plus rien à réveiller,
    // et le fd ne doit plus être surveillé (sinon poll rendrait la main tout de suite).
    std::vector<std::uint64_t> reveilles;
    const auto duree = mesurer_ms([&] { reveilles = construire::tour(sources, 60); });
    BOOST_TEST(reveilles.empty(), "une attente réveillée ne doit pas l'être une seconde fois");
    BOOST_TEST(duree >= 55, "l'attente consommée ne doit plus être surveillée : tour a duré "
                                << duree << " ms au lieu de 60");
}

BOOST_AUTO_TEST_CASE(plusieurs_sources_dans_l_ordre) {
    auto g = garde();
    Tube a, b, c;
    std::vector<Source> sources{Source{a.lecture, 10, std::nullopt},
                                Source{b.lecture, std::nullopt, std::nullopt},
                                Source{c.lecture, 30, std::nullopt}};
    c.ecrire_un_octet();
    a.ecrire_un_octet();
    b.ecrire_un_octet();
    const auto reveilles = construire::tour(sources, 2000);
    BOOST_TEST(reveilles == (std::vector<std::uint64_t>{10, 30}),
               "a et c sont attendus et lisibles : réveil de 10 puis 30 (ordre des sources) ; "
               "b n'est pas attendu");
}

BOOST_AUTO_TEST_CASE(signal_pendant_poll_donne_un_tour_vide) {
    auto g = garde();
    // Un gestionnaire de SIGUSR1 qui ne fait rien : le signal interrompt poll(2), qui rend -1
    // avec errno == EINTR (poll n'est jamais relancé automatiquement, SA_RESTART ou non).
    struct sigaction action {};
    struct sigaction ancienne {};
    action.sa_handler = +[](int) {};
    sigemptyset(&action.sa_mask);
    BOOST_TEST_REQUIRE(::sigaction(SIGUSR1, &action, &ancienne) == 0);
    Tube tube; // vide : rien ne sera prêt
    std::vector<Source> sources{Source{tube.lecture, 6, std::nullopt}};
    // Un autre thread envoie le signal au thread du test toutes les 20 ms, à partir de 50 ms,
    // jusqu'à ce que tour() rende la main.
    std::atomic<bool> fini{false};
    const pthread_t cible = ::pthread_self();
    std::thread tireur([&] {
        std::this_thread::sleep_for(50ms);
        while (!fini) {
            ::pthread_kill(cible, SIGUSR1);
            std::this_thread::sleep_for(20ms);
        }
    });
    std::vector<std::uint64_t> reveilles;
    bool leve = false;
    const auto duree = mesurer_ms([&] {
        try {
            reveilles = construire::tour(sources, 5000);
        } catch (const std::system_error&) {
            leve = true;
        }
    });
    fini = true;
    tireur.join();
    ::sigaction(SIGUSR1, &ancienne, nullptr);
    BOOST_TEST(!leve, "poll(2) interrompu par un signal (errno == EINTR) n'est pas une erreur : "
                      "tour() doit rendre un vecteur vide (l'appelant refera un tour), pas lever "
                      "std::system_error");
    BOOST_TEST(reveilles.empty(), "un signal ne réveille aucune tâche");
    BOOST_TEST(sources[0].lecteur.has_value(), "l'attente non réveillée reste inscrite");
    BOOST_TEST(duree >= 40, "tour() a rendu la main au bout de "
                                << duree
                                << " ms, avant le premier signal (50 ms) : appelle-t-il poll(2) ?");
}
