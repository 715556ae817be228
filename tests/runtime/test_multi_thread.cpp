// Le planificateur multi_thread : ses mécanismes propres (vol, débordement, file globale,
// emplacement LIFO) et chaque primitive quand la tâche qui attend et celle qui réveille
// tournent sur des workers différents.
#define BOOST_TEST_MODULE rt_multi_thread
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>
#include <support/chien_de_garde.hpp>
#include <support/sentinelle.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

rt::Runtime workers(std::size_t n, rt::ReactorKind kind = rt::ReactorKind::Poll) {
    return rt::Builder::multi_thread().worker_threads(n).reactor(kind).build();
}

/// Un calcul qui occupe le thread sans se suspendre (et que le compilateur ne supprime pas).
std::uint64_t calcul(std::uint64_t graine, int tours) {
    std::uint64_t x = graine | 1;
    for (int i = 0; i < tours; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(les_autres_workers_volent_le_travail) {
    support::ChienDeGarde garde(60s, "les tâches ne finissent pas");
    rt::Runtime runtime = workers(4);
    const std::uint64_t total = runtime.block_on([]() -> rt::Task<std::uint64_t> {
        // Une seule tâche lance tout : sans vol, tout resterait dans la file de son worker.
        // Moins de 256 tâches : la file locale ne déborde pas dans la file globale, les autres
        // workers ne peuvent en avoir qu'en volant. Chacune calcule quelques dizaines de µs :
        // le lanceur en a pour des millisecondes seul, bien plus qu'il n'en faut pour réveiller
        // les autres.
        auto lanceuse = rt::spawn([]() -> rt::Task<std::uint64_t> {
            std::vector<rt::JoinHandle<std::uint64_t>> hs;
            for (int i = 0; i < 200; ++i) {
                hs.push_back(rt::spawn([i]() -> rt::Task<std::uint64_t> {
                    co_return calcul(static_cast<std::uint64_t>(i), 20000) & 1;
                }));
            }
            std::uint64_t somme = 0;
            for (auto& h : hs) {
                somme += (co_await h).value();
            }
            co_return somme + 1;
        });
        co_return (co_await lanceuse).value();
    }());
    BOOST_TEST(total >= 1u);
    const auto m = runtime.metrics();
    BOOST_TEST(m.total_steal_count() > 0u, "aucune tâche volée : un seul worker a tout fait");
    std::uint64_t operations = 0;
    for (const auto& w : m.workers) {
        operations += w.steal_operations;
    }
    BOOST_TEST(operations > 0u);
    BOOST_TEST(m.total_steal_count() >= operations, "un vol prend au moins une tâche");
}

BOOST_AUTO_TEST_CASE(file_locale_pleine_deborde_dans_la_file_globale) {
    support::ChienDeGarde garde(60s, "les tâches débordées ne finissent pas");
    rt::Runtime runtime = workers(1);
    auto vivants = support::nouveau_compteur();
    const int faites = runtime.block_on([vivants]() -> rt::Task<int> {
        auto lanceuse = rt::spawn([vivants]() -> rt::Task<int> {
            std::vector<rt::JoinHandle<int>> hs;
            // Bien plus que les 256 places de la file locale, sans jamais céder la main.
            for (int i = 0; i < 2000; ++i) {
                hs.push_back(rt::spawn(
                    [s = support::Sentinelle(vivants)]() -> rt::Task<int> { co_return 1; }));
            }
            int n = 0;
            for (auto& h : hs) {
                n += (co_await h).value();
            }
            co_return n;
        });
        co_return (co_await lanceuse).value();
    }());
    BOOST_TEST(faites == 2000);
    BOOST_TEST(*vivants == 0);
    BOOST_TEST(runtime.metrics().workers.at(0).overflow_count > 0u,
               "la file locale aurait dû déborder");
}

BOOST_AUTO_TEST_CASE(file_globale_regardee_meme_si_la_file_locale_ne_se_vide_jamais) {
    // Un worker dont la file locale n'est jamais vide (une tâche qui cède la main sans fin)
    // doit quand même regarder la file globale (toutes les 61 tâches) : sinon une tâche lancée
    // depuis un autre thread n'y passerait jamais.
    support::ChienDeGarde garde(60s, "la tâche lancée d'ailleurs n'est jamais exécutée");
    rt::Runtime runtime = workers(1);
    auto vue = std::make_shared<std::atomic<bool>>(false);
    runtime.block_on([&runtime, vue]() -> rt::Task<void> {
        auto occupee = rt::spawn([vue]() -> rt::Task<int> {
            int tours = 0;
            while (!vue->load()) {
                co_await rt::task::yield_now();
                ++tours;
            }
            co_return tours;
        });
        std::thread exterieur([&runtime, vue] {
            (void)runtime.handle().spawn([vue]() -> rt::Task<void> {
                vue->store(true);
                co_return;
            });
        });
        exterieur.join();
        BOOST_TEST((co_await occupee).value() >= 0);
    }());
    BOOST_TEST(vue->load());
}

BOOST_AUTO_TEST_CASE(emplacement_lifo_n_affame_pas_les_autres) {
    // Deux tâches qui se réveillent l'une l'autre passent par l'emplacement LIFO. Au plus trois
    // passages LIFO d'affilée : une troisième tâche, déjà en file, passe très vite.
    support::ChienDeGarde garde(60s, "le ping-pong ne finit pas");
    rt::Runtime runtime = workers(1);
    constexpr int ECHANGES = 20'000;
    auto echanges = std::make_shared<std::atomic<int>>(0);
    auto vu_par_la_troisieme = std::make_shared<std::atomic<int>>(-1);
    runtime.block_on([=]() -> rt::Task<void> {
        auto tout = rt::spawn([=]() -> rt::Task<void> {
            auto [vers_pong, de_ping] = rt::sync::broadcast::channel<int>(1);
            auto [vers_ping, de_pong] = rt::sync::broadcast::channel<int>(1);
            auto troisieme = rt::spawn([=]() -> rt::Task<void> {
                vu_par_la_troisieme->store(echanges->load());
                co_return;
            });
            auto pong = rt::spawn(
                [rx = std::move(de_ping), tx = std::move(vers_ping)]() mutable -> rt::Task<void> {
                    for (int i = 0; i < ECHANGES; ++i) {
                        (void)co_await rx.recv();
                        (void)tx.send(i);
                    }
                });
            for (int i = 0; i < ECHANGES; ++i) {
                (void)vers_pong.send(i);
                (void)co_await de_pong.recv();
                echanges->fetch_add(1);
            }
            co_await pong;
            co_await troisieme;
        });
        co_await tout;
    }());
    BOOST_TEST(vu_par_la_troisieme->load() >= 0);
    BOOST_TEST(vu_par_la_troisieme->load() < 100, "la troisième tâche n'est passée qu'après "
                                                      << vu_par_la_troisieme->load()
                                                      << " échanges du ping-pong");
}

BOOST_AUTO_TEST_CASE(verrou_dispute_par_des_taches_sur_quatre_workers) {
    support::ChienDeGarde garde(60s, "les tâches du verrou ne finissent pas");
    rt::Runtime runtime = workers(4);
    rt::sync::Mutex<long> compteur(0); // un long ordinaire : TSan verrait tout accès concurrent
    runtime.block_on([&compteur]() -> rt::Task<void> {
        std::vector<rt::JoinHandle<void>> hs;
        for (int t = 0; t < 16; ++t) {
            hs.push_back(rt::spawn([&compteur]() -> rt::Task<void> {
                for (int i = 0; i < 1000; ++i) {
                    auto g = co_await compteur.lock();
                    const long avant = *g;
                    if (i % 10 == 0) {
                        co_await rt::task::yield_now(); // garde le verrou en cédant la main
                    }
                    *g = avant + 1;
                }
            }));
        }
        for (auto& h : hs) {
            co_await h;
        }
    }());
    BOOST_TEST(**compteur.try_lock() == 16'000L);
}

BOOST_AUTO_TEST_CASE(abort_en_plein_passage_laisse_finir_une_tache_qui_ne_suspend_plus) {
    // L'entrelacement qui faisait échouer, rarement, l'ancienne version de
    // mutex_attente_annulee_passe_le_verrou sur mt2 : un worker a déjà pris la tâche quand
    // abort() arrive, puis le verrou est rendu avant qu'elle le demande. Elle le prend sans se
    // suspendre et finit normalement : l'annulation n'a lieu qu'à une suspension (comme avec
    // tokio), et il n'y en a plus eu.
    support::ChienDeGarde garde(60s, "la tâche en plein passage ne finit pas");
    rt::Runtime runtime = workers(2);
    rt::sync::Mutex<int> m(0);
    std::atomic<bool> en_passage{false};
    std::atomic<bool> abort_fait{false};
    runtime.block_on([&]() -> rt::Task<void> {
        auto verrou = co_await m.lock();
        auto tache = rt::spawn([&]() -> rt::Task<void> {
            en_passage.store(true);
            while (!abort_fait.load()) { // retient le worker : le passage est en cours
                std::this_thread::yield();
            }
            auto g = co_await m.lock();
            *g += 100;
        });
        while (!en_passage.load()) { // le block_on ne tourne pas sur un worker : attente active
            std::this_thread::yield();
        }
        tache.abort();
        { auto libere = std::move(verrou); }
        abort_fait.store(true);
        BOOST_TEST((co_await tache).has_value(),
                   "pas de suspension après abort : pas d'annulation");
    }());
    BOOST_TEST(**m.try_lock() == 100);
}

BOOST_AUTO_TEST_CASE(broadcast_vers_des_recepteurs_sur_d_autres_workers) {
    support::ChienDeGarde garde(60s, "les récepteurs ne finissent pas");
    rt::Runtime runtime = workers(4);
    constexpr int MESSAGES = 10'000;
    std::vector<int> recus = runtime.block_on([]() -> rt::Task<std::vector<int>> {
        auto [tx, premier] = rt::sync::broadcast::channel<int>(64);
        std::vector<rt::JoinHandle<int>> hs;
        auto lire = [](rt::sync::broadcast::Receiver<int> rx) -> rt::Task<int> {
            int vus = 0; // reçus ou sautés (retard) : chaque message est compté une fois
            for (;;) {
                auto r = co_await rx.recv();
                if (r) {
                    ++vus;
                } else if (r.error().is_lagged()) {
                    vus += static_cast<int>(r.error().skipped());
                } else {
                    co_return vus;
                }
            }
        };
        for (int i = 0; i < 3; ++i) {
            hs.push_back(rt::spawn(lire(tx.subscribe())));
        }
        hs.push_back(rt::spawn(lire(std::move(premier))));
        auto emetteur = rt::spawn([tx = std::move(tx)]() mutable -> rt::Task<void> {
            for (int i = 0; i < MESSAGES; ++i) {
                (void)tx.send(i);
                if (i % 16 == 0) {
                    co_await rt::task::yield_now();
                }
            }
        });
        co_await emetteur;
        std::vector<int> r;
        for (auto& h : hs) {
            r.push_back((co_await h).value());
        }
        co_return r;
    }());
    for (int n : recus) {
        BOOST_TEST(n == MESSAGES);
    }
}

BOOST_AUTO_TEST_CASE(select_et_timeout_reveilles_depuis_un_autre_worker) {
    support::ChienDeGarde garde(60s, "un select ou un timeout n'est jamais réveillé");
    rt::Runtime runtime = workers(4);
    runtime.block_on([]() -> rt::Task<void> {
        int gagnes = 0;
        for (int i = 0; i < 500; ++i) {
            auto canal = rt::sync::oneshot::channel<int>();
            auto envoi = rt::spawn([tx = std::move(canal.first), i]() mutable -> rt::Task<void> {
                co_await rt::task::yield_now();
                (void)tx.send(i);
            });
            auto r = co_await rt::select(std::move(canal.second), rt::time::sleep(1h));
            gagnes += r.index() == 0 && std::get<0>(r).value() == i ? 1 : 0;
            auto calcul_ailleurs = rt::spawn([i]() -> rt::Task<int> { co_return i * 2; });
            auto t = co_await rt::time::timeout(1h, calcul_ailleurs);
            gagnes += t && t->value() == i * 2 ? 1 : 0;
            co_await envoi;
        }
        BOOST_TEST(gagnes == 1000);
        BOOST_TEST(rt::Handle::current().metrics().num_timers == 0u,
                   "les sommeils perdants sont désinscrits");
    }());
}

BOOST_AUTO_TEST_CASE(join_set_de_taches_reparties) {
    rt::Runtime runtime = workers(4);
    const long somme = runtime.block_on([]() -> rt::Task<long> {
        rt::JoinSet<int> set;
        for (int i = 0; i < 1000; ++i) {
            set.spawn([i]() -> rt::Task<int> {
                if (i % 3 == 0) {
                    co_await rt::time::sleep(1ms);
                } else {
                    co_await rt::task::yield_now();
                }
                co_return i;
            });
        }
        long s = 0;
        while (auto r = co_await set.join_next()) {
            s += r->value();
        }
        co_return s;
    }());
    BOOST_TEST(somme == 999L * 1000 / 2);
}

BOOST_AUTO_TEST_CASE(echo_tcp_entre_workers) {
    support::ChienDeGarde garde(60s, "l'écho TCP entre workers ne finit pas");
    for (auto kind : {rt::ReactorKind::Poll, rt::ReactorKind::Epoll}) {
        BOOST_TEST_CONTEXT("réacteur " << (kind == rt::ReactorKind::Poll ? "poll" : "epoll")) {
            rt::Runtime runtime = workers(4, kind);
            const int bons = runtime.block_on([]() -> rt::Task<int> {
                auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
                const std::string adresse = listener.local_addr().to_string();
                constexpr int CLIENTS = 40;
                auto serveur = rt::spawn([l = std::move(listener)]() mutable -> rt::Task<void> {
                    for (int i = 0; i < CLIENTS; ++i) {
                        auto [socket, addr] = co_await l.accept();
                        // Chaque connexion : lecture sur une tâche, écriture sur une autre.
                        (void)rt::spawn([s = std::move(socket)]() mutable -> rt::Task<void> {
                            auto [lecture, ecriture] = std::move(s).into_split();
                            rt::io::BufReader<rt::net::OwnedReadHalf> lecteur(std::move(lecture));
                            std::string ligne;
                            while (co_await lecteur.read_line(ligne) > 0) {
                                co_await ecriture.write_all(ligne);
                                ligne.clear();
                            }
                        });
                    }
                });
                std::vector<rt::JoinHandle<bool>> clients;
                for (int c = 0; c < CLIENTS; ++c) {
                    clients.push_back(rt::spawn([adresse, c]() -> rt::Task<bool> {
                        auto s = co_await rt::net::TcpStream::connect(adresse);
                        std::string envoye;
                        for (int i = 0; i < 50; ++i) {
                            envoye += "client " + std::to_string(c) + " ligne " +
                                      std::to_string(i) + "\n";
                        }
                        co_await s.write_all(envoye);
                        s.shutdown_write();
                        std::string recu;
                        std::array<char, 1024> tampon;
                        for (;;) {
                            const std::size_t n = co_await s.read(tampon);
                            if (n == 0) {
                                break;
                            }
                            recu.append(tampon.data(), n);
                        }
                        co_return recu == envoye;
                    }));
                }
                int ok = 0;
                for (auto& c : clients) {
                    ok += (co_await c).value() ? 1 : 0;
                }
                co_await serveur;
                co_return ok;
            }());
            BOOST_TEST(bons == 40);
        }
    }
}

BOOST_AUTO_TEST_CASE(minuteries_servies_pendant_que_les_workers_calculent) {
    // Les deux workers sont occupés par des tâches qui calculent (en cédant la main) : les
    // minuteries doivent quand même échoir (un tour de pilote toutes les 61 tâches).
    support::ChienDeGarde garde(60s, "l'intervalle ne tique plus quand les workers calculent");
    rt::Runtime runtime = workers(2);
    runtime.block_on([]() -> rt::Task<void> {
        auto fin = std::make_shared<std::atomic<bool>>(false);
        std::vector<rt::JoinHandle<void>> calculs;
        for (int i = 0; i < 4; ++i) {
            calculs.push_back(rt::spawn([fin, i]() -> rt::Task<void> {
                std::uint64_t x = static_cast<std::uint64_t>(i);
                while (!fin->load()) {
                    x = calcul(x, 100);
                    co_await rt::task::yield_now();
                }
            }));
        }
        auto tictac = rt::spawn([]() -> rt::Task<int> {
            auto iv = rt::time::interval(1ms);
            for (int i = 0; i < 20; ++i) {
                co_await iv.tick();
            }
            co_return 20;
        });
        BOOST_TEST((co_await tictac).value() == 20);
        fin->store(true);
        for (auto& c : calculs) {
            co_await c;
        }
    }());
}

namespace {
/// Note le thread qui la détruit, s'il n'est pas celui qu'on attend.
struct DetruiteIci {
    std::thread::id attendu;
    std::shared_ptr<std::atomic<int>> ailleurs;
    DetruiteIci(std::thread::id a, std::shared_ptr<std::atomic<int>> c)
        : attendu(a), ailleurs(std::move(c)) {}
    DetruiteIci(const DetruiteIci& o) = default;
    ~DetruiteIci() {
        if (std::this_thread::get_id() != attendu) {
            ailleurs->fetch_add(1);
        }
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(arret_avec_des_taches_dans_tous_les_etats_sur_chaque_worker) {
    support::ChienDeGarde garde(60s, "l'arrêt du runtime ne finit pas");
    auto vivants = support::nouveau_compteur();
    // Les tâches endormies ne sont détruites que par l'arrêt : sur le thread qui l'appelle.
    auto detruites_ailleurs = std::make_shared<std::atomic<int>>(0);
    const auto ici = std::this_thread::get_id();
    for (int tour = 0; tour < 20; ++tour) {
        rt::Runtime runtime = workers(4);
        auto garder = std::make_shared<rt::sync::broadcast::Sender<int>>(
            rt::sync::broadcast::channel<int>(1).first);
        runtime.block_on([&, garder]() -> rt::Task<void> {
            for (int i = 0; i < 200; ++i) {
                switch (i % 4) {
                case 0: // endormie
                    (void)rt::spawn([s = support::Sentinelle(vivants),
                                     d = DetruiteIci(ici, detruites_ailleurs)]() -> rt::Task<void> {
                        co_await rt::time::sleep(1h);
                    });
                    break;
                case 1: // qui cède la main sans fin (prête, ou en cours sur un worker)
                    (void)rt::spawn([s = support::Sentinelle(vivants)]() -> rt::Task<void> {
                        for (;;) {
                            co_await rt::task::yield_now();
                        }
                    });
                    break;
                case 2: // en attente d'un message qui ne viendra pas
                    (void)rt::spawn([s = support::Sentinelle(vivants),
                                     rx = garder->subscribe()]() mutable -> rt::Task<void> {
                        (void)co_await rx.recv();
                    });
                    break;
                default: // jamais démarrée, peut-être (lancée juste avant l'arrêt)
                    (void)rt::spawn(
                        [s = support::Sentinelle(vivants)]() -> rt::Task<void> { co_return; });
                    break;
                }
            }
            co_await rt::time::sleep(1ms);
        }());
    } // chaque ~Runtime détruit ses tâches, sur ce thread, une fois chacune
    BOOST_TEST(*vivants == 0);
    BOOST_TEST(detruites_ailleurs->load() == 0, "l'arrêt a détruit des tâches sur un worker");
}
