// rt::spawn et rt::JoinHandle : ordre, résultats, paniques, annulation, détachement.
#define BOOST_TEST_MODULE rt_spawn
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/attendre.hpp>
#include <support/sentinelle.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

using support::Sentinelle;

BOOST_AUTO_TEST_CASE(spawn_ne_demarre_pas_la_tache_tout_de_suite) {
    // Sur current_thread, la tâche attend que la tâche courante rende la main (sur
    // multi_thread, un autre worker peut la démarrer aussitôt).
    std::vector<std::string> journal;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto h = rt::spawn([&]() -> rt::Task<void> {
            journal.push_back("tâche");
            co_return;
        });
        journal.push_back("après spawn");
        co_await h;
        journal.push_back("après join");
    }());
    BOOST_TEST((journal == std::vector<std::string>{"après spawn", "tâche", "après join"}));
}

BOOST_AUTO_TEST_CASE(taches_executees_dans_l_ordre_de_lancement) {
    // L'ordre FIFO d'une file unique : current_thread.
    std::vector<int> ordre;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> handles;
        for (int i = 0; i < 10; ++i) {
            handles.push_back(rt::spawn([&ordre, i]() -> rt::Task<void> {
                ordre.push_back(i);
                co_return;
            }));
        }
        for (auto& h : handles) {
            co_await h;
        }
    }());
    BOOST_TEST((ordre == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

BOOST_AUTO_TEST_CASE(join_rend_la_valeur) {
    auto r = rt::block_on([]() -> rt::Task<rt::Result<std::string, rt::JoinError>> {
        auto h = rt::spawn([]() -> rt::Task<std::string> {
            co_await rt::time::sleep(1ms);
            co_return std::string("Tâche terminée !");
        });
        co_return co_await h;
    }());
    BOOST_TEST(r.has_value());
    BOOST_TEST(*r == "Tâche terminée !");
}

BOOST_AUTO_TEST_CASE(join_d_une_tache_deja_finie) {
    int v = rt::block_on([]() -> rt::Task<int> {
        auto h = rt::spawn([]() -> rt::Task<int> { co_return 3; });
        co_await support::attendre_que([&] { return h.is_finished(); }); // tourne et finit
        BOOST_TEST(h.is_finished());
        co_return (co_await h).value();
    }());
    BOOST_TEST(v == 3);
}

BOOST_AUTO_TEST_CASE(forme_task_acceptee) {
    auto calcul = [](int x) -> rt::Task<int> { co_return x + 1; };
    int v = rt::block_on([&]() -> rt::Task<int> {
        auto h = rt::spawn(calcul(41));
        co_return (co_await std::move(h)).value();
    }());
    BOOST_TEST(v == 42);
}

BOOST_AUTO_TEST_CASE(exception_devient_join_error_panique) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::task::yield_now();
            throw std::runtime_error("Quelque chose s'est mal passé !");
        });
        auto r = co_await h;
        BOOST_TEST(!r.has_value());
        BOOST_TEST(r.error().is_panic());
        BOOST_TEST(!r.error().is_cancelled());
        // L'exception d'origine est conservée, type compris.
        BOOST_CHECK_THROW(r.error().resume_panic(), std::runtime_error);
        BOOST_CHECK_THROW(r.value(), rt::JoinError);
        BOOST_TEST(std::string(r.error().what()).find("mal passé") != std::string::npos);
    }());
}

/// Une exception à nous, qui n'est pas une std::exception : elle doit traverser la tâche
/// intacte, type et contenu compris.
struct ErreurMetier {
    int code;
};

BOOST_AUTO_TEST_CASE(join_error_garde_l_exception_d_origine) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::task::yield_now();
            throw ErreurMetier{42};
        });
        auto r = co_await h;
        BOOST_TEST_REQUIRE(r.error().is_panic());
        // panic() rend l'exception elle-même : on la relance et on la rattrape par son type.
        int code = 0;
        try {
            std::rethrow_exception(r.error().panic());
        } catch (const ErreurMetier& e) {
            code = e.code;
        }
        BOOST_TEST(code == 42);
        BOOST_CHECK_THROW(r.error().resume_panic(), ErreurMetier);
        BOOST_TEST(std::string(r.error().what()).find("type inconnu") != std::string::npos,
                   "what() : " << r.error().what());

        auto annulee = rt::spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(1h);
            co_return 1;
        });
        annulee.abort();
        auto a = co_await annulee;
        BOOST_TEST(a.error().is_cancelled());
        BOOST_TEST(!a.error().panic());
        BOOST_TEST(std::string(a.error().what()) == "tâche annulée");
        BOOST_CHECK_THROW(a.error().resume_panic(), std::logic_error);
    }());
}

BOOST_AUTO_TEST_CASE(abort_detruit_la_tache_qui_dort) {
    auto vivants = support::nouveau_compteur();
    bool apres_sleep = false;
    rt::block_on([&]() -> rt::Task<void> {
        auto demarree = rt::sync::oneshot::channel<int>();
        auto h = rt::spawn([&, s = Sentinelle(vivants),
                            tx = std::move(demarree.first)]() mutable -> rt::Task<int> {
            Sentinelle locale(vivants);
            (void)tx.send(1); // démarrée : elle va s'endormir
            co_await rt::time::sleep(10s);
            apres_sleep = true;
            co_return 1;
        });
        (void)co_await demarree.second; // sur n'importe quel worker, la tâche a démarré
        BOOST_TEST(*vivants == 2);      // la capture et la variable locale
        h.abort();
        auto r = co_await h;
        BOOST_TEST(!r.has_value());
        BOOST_TEST(r.error().is_cancelled());
        BOOST_TEST(*vivants == 0); // destructeurs exécutés au point de suspension
    }());
    BOOST_TEST(!apres_sleep);
}

BOOST_AUTO_TEST_CASE(abort_avant_le_premier_passage) {
    // « Avant le premier passage » n'est garanti que sur current_thread (sur multi_thread, un
    // worker peut l'exécuter avant l'abort : test_task_combinations couvre les deux cas).
    bool execute = false;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto h = rt::spawn([&]() -> rt::Task<void> {
            execute = true;
            co_return;
        });
        h.abort();
        auto r = co_await h;
        BOOST_TEST(r.error().is_cancelled());
    }());
    BOOST_TEST(!execute);
}

BOOST_AUTO_TEST_CASE(abort_d_une_tache_finie_ne_change_rien) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> { co_return 9; });
        co_await support::attendre_que([&] { return h.is_finished(); });
        h.abort();
        auto r = co_await h;
        BOOST_TEST(r.has_value());
        BOOST_TEST(*r == 9);
    }());
}

BOOST_AUTO_TEST_CASE(detruire_le_handle_detache_la_tache) {
    bool fini = false;
    rt::block_on([&]() -> rt::Task<void> {
        auto fin = rt::sync::oneshot::channel<int>();
        {
            auto h = rt::spawn([tx = std::move(fin.first)]() mutable -> rt::Task<void> {
                co_await rt::time::sleep(2ms);
                (void)tx.send(1);
            });
        }                                         // handle détruit : la tâche continue
        fini = (co_await fin.second).has_value(); // RecvError si elle avait été annulée
    }());
    BOOST_TEST(fini);
}

BOOST_AUTO_TEST_CASE(captures_survivent_aux_suspensions) {
    // La lambda est déplacée dans la tâche : ses captures (ici une chaîne allouée sur le tas)
    // restent valides après chaque suspension. Sous ASan, une capture pendante serait signalée.
    std::vector<std::string> vues;
    rt::block_on([&]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<std::string>> hs;
        for (int i = 0; i < 100; ++i) {
            std::string texte = "tâche numéro " + std::to_string(i) + " avec un texte assez long";
            hs.push_back(rt::spawn([texte]() -> rt::Task<std::string> {
                co_await rt::task::yield_now();
                co_await rt::time::sleep(1ms);
                co_return texte; // lue après deux suspensions
            }));
        }
        for (auto& h : hs) {
            vues.push_back((co_await h).value()); // ici seulement : un seul thread écrit
        }
    }());
    BOOST_TEST(vues.size() == 100u);
    BOOST_TEST(vues[0].find("avec un texte assez long") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cent_mille_taches) {
    long long somme = rt::block_on([]() -> rt::Task<long long> {
        std::vector<rt::JoinHandle<int>> hs;
        hs.reserve(100'000);
        for (int i = 0; i < 100'000; ++i) {
            hs.push_back(rt::spawn([i]() -> rt::Task<int> {
                co_await rt::task::yield_now();
                co_return i;
            }));
        }
        long long s = 0;
        for (auto& h : hs) {
            s += (co_await h).value();
        }
        // Une tâche réveille celui qui l'attend, *puis* quitte la liste des tâches vivantes :
        // sur multi_thread, ces deux pas peuvent être vus dans le désordre depuis ici.
        co_await support::attendre_que(
            [] { return rt::Handle::current().metrics().num_alive_tasks == 0u; });
        co_return s;
    }());
    BOOST_TEST(somme == 100'000LL * 99'999 / 2);
}

BOOST_AUTO_TEST_CASE(yield_now_laisse_passer_les_autres) {
    // L'ordre exact des passages est celui de current_thread (une seule file FIFO).
    std::vector<std::string> journal;
    rt::Builder::current_thread().build().block_on([&]() -> rt::Task<void> {
        auto a = rt::spawn([&]() -> rt::Task<void> {
            journal.push_back("a1");
            co_await rt::task::yield_now();
            journal.push_back("a2");
        });
        auto b = rt::spawn([&]() -> rt::Task<void> {
            journal.push_back("b1");
            co_await rt::task::yield_now();
            journal.push_back("b2");
        });
        co_await a;
        co_await b;
    }());
    BOOST_TEST((journal == std::vector<std::string>{"a1", "b1", "a2", "b2"}));
}

BOOST_AUTO_TEST_CASE(panique_d_une_tache_detachee_signalee_et_comptee) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([]() -> rt::Task<void> {
        (void)rt::spawn([]() -> rt::Task<void> {
            throw std::runtime_error("personne ne regarde");
            co_return;
        });
        co_await rt::time::sleep(1ms);
        co_await rt::task::yield_now();
    }());
    // Le processus continue, et l'exception est comptée (et écrite sur stderr).
    BOOST_TEST(runtime.metrics().unhandled_panic_count == 1u);
}

BOOST_AUTO_TEST_CASE(metriques_de_base) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([]() -> rt::Task<void> {
        auto h1 = rt::spawn([]() -> rt::Task<void> { co_await rt::time::sleep(1ms); });
        auto h2 = rt::spawn([]() -> rt::Task<void> { co_return; });
        auto m = rt::Handle::current().metrics();
        BOOST_TEST(m.num_workers == 1u);
        BOOST_TEST(m.num_alive_tasks == 2u);
        BOOST_TEST(m.spawned_tasks_count == 2u);
        co_await h1;
        co_await h2;
        BOOST_TEST(rt::Handle::current().metrics().num_alive_tasks == 0u);
    }());
    auto m = runtime.metrics();
    BOOST_TEST(m.spawned_tasks_count == 2u);
    BOOST_TEST(m.total_poll_count() >= 4u); // main au moins deux fois, h1 deux fois, h2 une fois
}

BOOST_AUTO_TEST_CASE(erreurs_claires_hors_runtime) {
    auto f = []() -> rt::Task<void> { co_return; };
    BOOST_CHECK_THROW((void)rt::spawn(f), std::logic_error);
    BOOST_CHECK_THROW((void)rt::Handle::current(), std::logic_error);
    try {
        (void)rt::spawn(f);
    } catch (const std::logic_error& e) {
        BOOST_TEST(std::string(e.what()).find("aucun runtime") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(block_on_imbrique_refuse) {
    rt::block_on([]() -> rt::Task<void> {
        BOOST_CHECK_THROW(rt::block_on([]() -> rt::Task<int> { co_return 1; }()), std::logic_error);
        co_return;
    }());
}

BOOST_AUTO_TEST_CASE(join_handle_attendu_deux_fois) {
    rt::block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<int> { co_return 1; });
        (void)co_await h;
        bool leve = false;
        try {
            (void)co_await h;
        } catch (const std::logic_error&) {
            leve = true;
        }
        BOOST_TEST(leve);
    }());
}

BOOST_AUTO_TEST_CASE(panique_jamais_attendue_comptee_a_la_destruction_du_handle) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<void> {
            throw std::runtime_error("jamais attendue");
            co_return;
        });
        co_await rt::task::yield_now(); // la tâche panique et se termine
        BOOST_TEST(h.is_finished());
    }()); // h est détruit sans avoir été attendu
    BOOST_TEST(runtime.metrics().unhandled_panic_count == 1u);
}

BOOST_AUTO_TEST_CASE(block_on_sans_passer_par_la_file_distante) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on([]() -> rt::Task<void> {
        auto h = rt::spawn([]() -> rt::Task<void> { co_return; });
        co_await h;
    }());
    BOOST_TEST(runtime.metrics().remote_schedule_count == 0u);
}

BOOST_AUTO_TEST_CASE(block_on_apres_arret_annule_la_tache_principale) {
    rt::Runtime runtime = rt::Builder::from_env().build();
    runtime.shutdown();
    BOOST_CHECK_THROW(runtime.block_on([]() -> rt::Task<int> { co_return 1; }()), rt::JoinError);
}
