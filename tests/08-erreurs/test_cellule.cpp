// Tests notés du chapitre 08 — exercice « construire » : cellule.hpp (construire::Cell<T>).
//
// Pas de runtime ici : le test fait avancer la coroutine lui-même (poll) et l'annule
// lui-même (abort), comme la mini-tokio du tutoriel de tokio. Chaque coroutine se suspend à
// des points connus (co_await std::suspend_always{}) : tout est déterministe.
#define BOOST_TEST_MODULE "Chapitre 08 : récupération des erreurs de tâches"
#include <boost/test/unit_test.hpp>

#include "cellule.hpp"

#include <coroutine>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

/// Compte ses instances vivantes : dit si une trame a été détruite (destructeurs exécutés).
struct Temoin {
    std::shared_ptr<int> vivants;
    explicit Temoin(std::shared_ptr<int> v) : vivants(std::move(v)) { ++*vivants; }
    Temoin(const Temoin& o) : vivants(o.vivants) { ++*vivants; }
    Temoin& operator=(const Temoin&) = delete;
    ~Temoin() { --*vivants; }
};

/// Une exception qui n'est PAS une std::exception : pas de what(), seulement un type.
struct ErreurMetier {
    int code;
};

construire::Cell<int> deux_etapes(int valeur) {
    co_await std::suspend_always{};
    co_return valeur;
}

construire::Cell<int> echoue_apres_une_etape(std::string message) {
    co_await std::suspend_always{};
    throw std::runtime_error(message);
}

construire::Cell<int> echoue_tout_de_suite() {
    throw ErreurMetier{7};
    co_return 0;
}

/// Le témoin est un paramètre : il vit dans la trame jusqu'à sa destruction.
construire::Cell<int> garde_un_temoin(Temoin t, bool* demarree) {
    *demarree = true;
    co_await std::suspend_always{};
    co_await std::suspend_always{};
    (void)t;
    co_return 1;
}

/// Un témoin local, vivant au point de suspension.
construire::Cell<int> temoin_local(std::shared_ptr<int> vivants) {
    Temoin t(std::move(vivants));
    co_await std::suspend_always{};
    co_return 2;
}

construire::Cell<std::unique_ptr<int>> non_copiable(int valeur) {
    co_await std::suspend_always{};
    co_return std::make_unique<int>(valeur);
}

/// Le message d'une exception d'origine (relancée), ou une description de ce qui ne va pas.
std::string message_de(const std::exception_ptr& e) {
    if (!e) {
        return "<panic() est nul : l'exception d'origine n'a pas été gardée>";
    }
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "<exception d'un autre type>";
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(cellule_rend_la_valeur) {
    auto c = deux_etapes(42);
    BOOST_TEST(!c.is_finished(), "une cellule neuve n'est pas finie");
    BOOST_TEST(!c.poll(), "premier poll() : la coroutine s'arrête à son co_await, pas finie");
    BOOST_TEST(c.poll(), "second poll() : la coroutine arrive à co_return, elle est finie");
    BOOST_TEST(c.is_finished(), "après le poll() qui termine la coroutine, l'issue doit être "
                                "publiée : is_finished() (TODO 3)");
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(r.has_value(), "co_return 42 doit donner un succès (TODO 1, 3 et 5)");
    BOOST_TEST(*r == 42);
}

BOOST_AUTO_TEST_CASE(cellule_valeur_non_copiable_deplacee) {
    auto c = non_copiable(5);
    (void)c.poll();
    BOOST_TEST_REQUIRE(c.poll());
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(r.has_value(), "co_return d'un unique_ptr doit donner un succès");
    BOOST_TEST_REQUIRE(*r != nullptr, "la valeur a été perdue en route (déplacez-la)");
    BOOST_TEST(**r == 5);
}

BOOST_AUTO_TEST_CASE(cellule_exception_devient_panique) {
    auto c = echoue_apres_une_etape("disque plein");
    BOOST_TEST(!c.poll());
    bool fini = false;
    try {
        fini = c.poll();
    } catch (...) {
        BOOST_FAIL("l'exception de la tâche est sortie de poll() : unhandled_exception doit la "
                   "GARDER (std::current_exception()), pas la relancer (TODO 2)");
    }
    BOOST_TEST(fini, "une tâche dont une exception s'échappe est finie");
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(!r.has_value(),
                       "une exception s'est échappée de la tâche : l'issue doit être une "
                       "JoinError, pas un succès (exception avalée ? TODO 2 et 3)");
    BOOST_TEST(r.error().is_panic(), "une exception échappée est une panique (is_panic)");
    BOOST_TEST(!r.error().is_cancelled(), "une panique n'est pas une annulation");
    BOOST_TEST(message_de(r.error().panic()) == "disque plein",
               "panic() doit rendre l'exception d'origine ; son message : "
                   << message_de(r.error().panic()));
    BOOST_CHECK_THROW(r.error().resume_panic(), std::runtime_error);
    BOOST_TEST(std::string(r.error().what()).find("disque plein") != std::string::npos,
               "what() de la JoinError : « " << r.error().what() << " »");
}

BOOST_AUTO_TEST_CASE(cellule_garde_le_type_de_l_exception) {
    // Une exception qui n'est pas une std::exception : garder seulement un message (what())
    // est impossible, et la relancer sous un autre type tromperait celui qui la rattrape.
    auto c = echoue_tout_de_suite();
    bool fini = false;
    try {
        fini = c.poll();
    } catch (...) {
        BOOST_FAIL("l'exception de la tâche est sortie de poll() (TODO 2)");
    }
    BOOST_TEST_REQUIRE(fini);
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(!r.has_value(),
                       "l'exception a été avalée : l'issue devrait être une panique");
    BOOST_TEST_REQUIRE(r.error().is_panic());
    int code = 0;
    try {
        r.error().resume_panic();
    } catch (const ErreurMetier& e) {
        code = e.code;
    } catch (...) {
        BOOST_FAIL("resume_panic() a relancé une exception d'un autre type que celle de la "
                   "tâche (ErreurMetier) : son type d'origine est perdu");
    }
    BOOST_TEST(code == 7, "ErreurMetier{7} doit revenir intacte");
}

BOOST_AUTO_TEST_CASE(cellule_liberee_des_la_fin) {
    // Le paramètre `t` vit dans la trame : il n'est détruit qu'avec elle. Dès que l'issue
    // est publiée, la trame n'a plus de raison d'exister (le runtime la libère aussitôt).
    auto vivants = std::make_shared<int>(0);
    bool demarree = false;
    auto c = garde_un_temoin(Temoin(vivants), &demarree);
    BOOST_TEST(!demarree, "une cellule est paresseuse : rien ne s'exécute avant poll()");
    (void)c.poll();
    (void)c.poll();
    BOOST_TEST_REQUIRE(c.poll());
    BOOST_TEST(*vivants == 0, "la trame doit être détruite dès que l'issue est publiée");
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(r.has_value(), "co_return 1 doit donner un succès");
    BOOST_TEST(*r == 1);
}

BOOST_AUTO_TEST_CASE(cellule_pas_finie_refuse_take_output) {
    auto c = deux_etapes(1);
    (void)c.poll();
    BOOST_CHECK_THROW((void)c.take_output(), std::logic_error);
    BOOST_TEST_REQUIRE(c.poll());
    BOOST_TEST(c.take_output().has_value());
}

BOOST_AUTO_TEST_CASE(cellule_issue_prise_une_seule_fois) {
    auto c = deux_etapes(3);
    (void)c.poll();
    BOOST_TEST_REQUIRE(c.poll());
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(*r == 3);
    BOOST_CHECK_THROW((void)c.take_output(), std::logic_error);
    BOOST_TEST(c.is_finished(), "une issue prise reste une tâche finie");
}

BOOST_AUTO_TEST_CASE(cellule_annulee_a_son_point_de_suspension) {
    auto vivants = std::make_shared<int>(0);
    auto c = temoin_local(vivants);
    BOOST_TEST_REQUIRE(!c.poll());
    BOOST_TEST_REQUIRE(*vivants == 1);
    c.abort();
    BOOST_TEST(*vivants == 0, "abort() doit détruire la trame : le destructeur du témoin local "
                              "ne s'est pas exécuté (TODO 4)");
    BOOST_TEST(c.is_finished(), "une tâche annulée est finie");
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(!r.has_value(), "une tâche annulée ne rend pas de valeur");
    BOOST_TEST(r.error().is_cancelled(), "l'issue d'une annulation : JoinError::cancelled()");
    BOOST_TEST(!r.error().panic(), "une annulation n'a pas d'exception d'origine");
}

BOOST_AUTO_TEST_CASE(cellule_annulee_avant_le_premier_poll) {
    auto vivants = std::make_shared<int>(0);
    bool demarree = false;
    auto c = garde_un_temoin(Temoin(vivants), &demarree);
    c.abort();
    BOOST_TEST(!demarree, "le corps ne doit jamais avoir démarré");
    BOOST_TEST(*vivants == 0, "abort() doit détruire la trame, même jamais démarrée");
    BOOST_TEST_REQUIRE(c.is_finished());
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is_cancelled());
}

BOOST_AUTO_TEST_CASE(annuler_une_cellule_finie_ne_change_rien) {
    auto c = deux_etapes(9);
    (void)c.poll();
    BOOST_TEST_REQUIRE(c.poll());
    c.abort(); // comme JoinHandle::abort() sur une tâche finie : sans effet
    auto r = c.take_output();
    BOOST_TEST_REQUIRE(r.has_value(), "abort() a réécrit l'issue d'une tâche déjà finie");
    BOOST_TEST(*r == 9);

    auto p = echoue_apres_une_etape("trop tard");
    (void)p.poll();
    BOOST_TEST_REQUIRE(p.poll());
    p.abort();
    auto e = p.take_output();
    BOOST_TEST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().is_panic(), "abort() a changé une panique en annulation");
}
