// Ce que la leçon du chapitre 09 affirme, vérifié (label « exemples », non noté).
//
// Chaque test est un fait de la leçon : le sémaphore de l'article limite le nombre de tâches
// qui TRAVAILLENT, pas le nombre de tâches qui EXISTENT (les 100 sont vivantes d'un coup) ;
// prendre l'autorisation avant spawn borne les deux ; un permis jamais nommé est rendu tout de
// suite ; attendre le sémaphore dont on tient la dernière autorisation bloque pour toujours ;
// acquire_owned exige un std::shared_ptr. Tout tourne sur un runtime current_thread explicite :
// l'ordre des passages est celui de la file, sans pause.
#define BOOST_TEST_MODULE "Chapitre 09 : ce que la leçon affirme"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include <rt/rt.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using rt::sync::Semaphore;

namespace {

constexpr std::size_t TACHES = 100;
constexpr std::size_t LIMITE = 10;

/// Ce que l'on observe pendant que les tâches tournent (un seul thread : pas d'atomique).
struct Vu {
    std::size_t au_travail = 0;     ///< tâches qui tiennent une autorisation
    std::size_t max_au_travail = 0; ///< le plus grand nombre à la fois
    std::size_t max_vivantes = 0;   ///< metrics().num_alive_tasks, au plus fort
    std::size_t terminees = 0;
};

void noter_les_vivantes(Vu* vu) {
    vu->max_vivantes = std::max(vu->max_vivantes, rt::Handle::current().metrics().num_alive_tasks);
}

/// Le travail limité : quelques passages, autorisation tenue.
rt::Task<void> travailler(Vu* vu) {
    vu->max_au_travail = std::max(vu->max_au_travail, ++vu->au_travail);
    for (int i = 0; i < 3; ++i) {
        co_await rt::task::yield_now();
    }
    --vu->au_travail;
    ++vu->terminees;
}

/// Le programme de l'article : 100 tâches lancées d'un coup, chacune attend son autorisation.
rt::Task<void> comme_l_article(Vu* vu) {
    auto semaphore = std::make_shared<Semaphore>(LIMITE);
    std::vector<rt::JoinHandle<void>> handles;
    for (std::size_t i = 0; i < TACHES; ++i) {
        handles.push_back(rt::spawn([semaphore, vu]() -> rt::Task<void> {
            auto permit = (co_await semaphore->acquire()).value();
            co_await travailler(vu);
        }));
        noter_les_vivantes(vu);
    }
    for (auto& h : handles) {
        (void)co_await h;
    }
}

/// La correction : l'autorisation d'abord, puis spawn ; le permis est déplacé dans la tâche.
rt::Task<void> autorisation_avant_spawn(Vu* vu) {
    auto semaphore = std::make_shared<Semaphore>(LIMITE);
    std::vector<rt::JoinHandle<void>> handles;
    for (std::size_t i = 0; i < TACHES; ++i) {
        auto permit = (co_await semaphore->acquire_owned()).value();
        handles.push_back(rt::spawn(
            [permit = std::move(permit), vu]() -> rt::Task<void> { co_await travailler(vu); }));
        noter_les_vivantes(vu);
    }
    for (auto& h : handles) {
        (void)co_await h;
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(ch09_l_article_limite_le_travail_pas_les_taches) {
    support::ChienDeGarde garde(20s, "le programme de l'article ne se termine pas");
    Vu vu;
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(comme_l_article(&vu));
    BOOST_TEST(vu.terminees == TACHES, "les 100 tâches doivent finir");
    BOOST_TEST(vu.max_au_travail == LIMITE,
               "le sémaphore limite bien le TRAVAIL : au plus 10 tâches à la fois");
    BOOST_TEST(vu.max_vivantes == TACHES,
               "... mais les 100 tâches EXISTENT d'un coup : toutes sont lancées avant que la "
               "première ne prenne son autorisation");
}

BOOST_AUTO_TEST_CASE(ch09_autorisation_avant_spawn_borne_les_deux) {
    support::ChienDeGarde garde(20s, "la version corrigée ne se termine pas");
    Vu vu;
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(autorisation_avant_spawn(&vu));
    BOOST_TEST(vu.terminees == TACHES, "les 100 tâches doivent finir");
    BOOST_TEST(vu.max_au_travail == LIMITE, "10 au travail au plus fort");
    BOOST_TEST(vu.max_vivantes == LIMITE,
               "l'autorisation prise avant spawn borne aussi le nombre de tâches vivantes");
}

BOOST_AUTO_TEST_CASE(ch09_permis_jamais_nomme_rendu_tout_de_suite) {
    Semaphore s(2);
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([](Semaphore* s) -> rt::Task<void> {
        (void)co_await s->acquire(); // le Result (et son permis) meurt à la fin de l'instruction
        BOOST_TEST(s->available_permits() == 2u,
                   "un permis jamais nommé est rendu à la fin de l'instruction");
        auto permit = (co_await s->acquire()).value(); // nommé : tenu jusqu'à la fin du bloc
        BOOST_TEST(s->available_permits() == 1u, "le permis nommé est tenu");
    }(&s));
    BOOST_TEST(s.available_permits() == 2u, "rendu à la fin du bloc");
}

BOOST_AUTO_TEST_CASE(ch09_attendre_le_semaphore_dont_on_tient_le_permis_bloque) {
    support::ChienDeGarde garde(20s, "le délai ne s'écoule pas");
    Semaphore s(1);
    rt::Runtime runtime = rt::Builder::current_thread().build();
    const bool bloque = runtime.block_on([](Semaphore* s) -> rt::Task<bool> {
        auto permit = (co_await s->acquire()).value();
        // Une seconde autorisation du même sémaphore, la première tenue : personne ne la rendra.
        auto r = co_await rt::time::timeout(20ms, s->acquire());
        co_return !r.has_value();
    }(&s));
    BOOST_TEST(bloque, "sans le délai, cette attente ne finirait jamais");
    BOOST_TEST(s.available_permits() == 1u, "l'attente abandonnée n'a rien gardé");
}

BOOST_AUTO_TEST_CASE(ch09_acquire_owned_exige_un_shared_ptr) {
    Semaphore s(1);
    BOOST_CHECK_THROW((void)s.acquire_owned(), std::logic_error);
    auto partage = std::make_shared<Semaphore>(1);
    BOOST_CHECK_NO_THROW((void)partage->acquire_owned());
}
