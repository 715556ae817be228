// Tests notés du chapitre 12 — exercice « construire » : canal.hpp, le canal mpsc borné.
//
// Chaque test isole un comportement et dit, en cas d'échec, ce qui ne va pas. L'ordre des
// tâches est observé sur un runtime current_thread explicite : une tâche lancée tourne quand
// la tâche courante cède la main (yield_now), dans l'ordre de lancement ; aucun sommeil ne
// sert à synchroniser. Tout ce qui pourrait rester bloqué est borné par un chien de garde,
// qui termine le test avec un message en français.
#define BOOST_TEST_MODULE "Chapitre 12 : le canal borné (construire)"
#include <boost/test/unit_test.hpp>

#include <support/chien_de_garde.hpp>

#include "canal.hpp"

#include <rt/rt.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using construire::channel;
using construire::Receiver;
using construire::Sender;

/// Exécute `scenario()` sur un runtime current_thread neuf : l'ordre des tâches est celui de
/// la file du planificateur, donc déterministe.
template <class F>
auto sur_un_thread(F scenario) {
    rt::Runtime runtime = rt::Builder::current_thread().build();
    return runtime.block_on(scenario());
}

/// Laisse passer `n` fois toutes les tâches prêtes.
rt::Task<void> ceder(int n) {
    for (int i = 0; i < n; ++i) {
        co_await rt::task::yield_now();
    }
}

/// Échec immédiat, sans rien détruire : après certaines erreurs (un maillon resté dans la
/// file alors que sa trame est détruite), continuer ferait lire de la mémoire libérée.
[[noreturn]] void echec_immediat(const std::string& message) {
    std::fprintf(stderr, "\n*** ÉCHEC : %s\n", message.c_str());
    std::fflush(stderr);
    std::_Exit(1);
}

std::string texte(const std::vector<int>& v) {
    std::ostringstream out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        out << (i ? " " : "") << v[i];
    }
    return "[" + out.str() + "]";
}

/// Une tâche qui envoie `valeur` et note l'issue (1 : envoyé, 2 : refusé avec le message
/// rendu intact).
rt::Task<void> envoyer(Sender<int> tx, int valeur, std::shared_ptr<int> issue) {
    auto r = co_await tx.send(valeur);
    if (r) {
        *issue = 1;
    } else if (r.error().value == valeur) {
        *issue = 2;
    } else {
        *issue = 3;
    }
}

} // namespace

// --- Les bases -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(envoyer_puis_recevoir_dans_l_ordre) {
    support::ChienDeGarde garde(5s, "recv() ou send() ne rend pas la main alors que le canal "
                                    "n'est ni plein ni vide");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(4);
        std::vector<int> v;
        for (int i = 1; i <= 3; ++i) {
            auto r = co_await tx.send(i);
            if (!r) {
                v.push_back(-1); // refusé alors que le récepteur est là
            }
        }
        for (int i = 0; i < 3; ++i) {
            auto m = co_await rx.recv();
            v.push_back(m ? *m : 0);
        }
        co_return v;
    });
    BOOST_TEST_INFO("-1 : send a échoué alors que le récepteur existe ; 0 : recv a rendu nullopt");
    BOOST_TEST((recus == std::vector<int>{1, 2, 3}),
               "trois envois dans un canal de capacité 4, puis trois réceptions : reçu "
                   << texte(recus) << ", attendu [1 2 3] (premier envoyé, premier reçu)");
}

BOOST_AUTO_TEST_CASE(recv_rend_tout_avant_nullopt) {
    support::ChienDeGarde garde(5s, "recv() ne rend pas la main après le départ du seul Sender "
                                    "(le récepteur ne voit pas la fermeture)");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(4);
        {
            Sender<int> dernier = std::move(tx);
            for (int i = 1; i <= 3; ++i) {
                (void)co_await dernier.send(i);
            }
        } // le seul émetteur part : le canal est fermé, mais il reste 3 messages
        std::vector<int> v;
        for (int i = 0; i < 4; ++i) {
            auto m = co_await rx.recv();
            v.push_back(m ? *m : 0);
        }
        co_return v;
    });
    BOOST_TEST((recus == std::vector<int>{1, 2, 3, 0}),
               "trois messages envoyés, puis le dernier Sender détruit : recv doit rendre les "
               "trois messages, PUIS std::nullopt (noté 0) ; reçu "
                   << texte(recus)
                   << ". Un nullopt trop tôt perd des messages ; une valeur en trop en invente.");
}

// --- La contre-pression --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(canal_plein_l_emetteur_attend) {
    support::ChienDeGarde garde(5s, "le scénario de contre-pression ne se termine pas : un "
                                    "émetteur en attente n'est jamais servi quand une place se "
                                    "libère");
    struct Vu {
        int apres_depart = 0;      // envois réussis quand personne ne lit encore
        int apres_une_lecture = 0; // envois réussis après une seule réception
        std::vector<int> recus;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = channel<int>(2);
        auto envoyes = std::make_shared<int>(0);
        auto producteur = rt::spawn([tx = std::move(tx), envoyes]() -> rt::Task<void> {
            for (int i = 0; i < 10; ++i) {
                if (!co_await tx.send(i)) {
                    co_return;
                }
                ++*envoyes;
            }
        });
        co_await ceder(5); // le producteur envoie tant qu'il peut
        vu.apres_depart = *envoyes;
        auto m = co_await rx.recv();
        vu.recus.push_back(m ? *m : -1);
        co_await ceder(5);
        vu.apres_une_lecture = *envoyes;
        while (auto m2 = co_await rx.recv()) {
            vu.recus.push_back(*m2);
        }
        (void)co_await producteur;
        co_return vu;
    });
    BOOST_TEST(vu.apres_depart == 2,
               "canal de capacité 2, personne ne lit : le producteur a réussi "
                   << vu.apres_depart
                   << " envois au lieu de 2. send doit ATTENDRE quand le canal est plein (c'est "
                      "la contre-pression) ; sinon la file grandit sans limite.");
    BOOST_TEST(vu.apres_une_lecture == 3,
               "après UNE réception, le producteur a réussi "
                   << vu.apres_une_lecture
                   << " envois au lieu de 3 : une place libérée laisse passer exactement un "
                      "message de plus.");
    BOOST_TEST((vu.recus == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
               "messages reçus " << texte(vu.recus)
                                 << ", attendu [0 ... 9] : perdus, dupliqués ou désordonnés");
}

// --- Les émetteurs en attente --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(emetteurs_en_attente_servis_dans_l_ordre_d_arrivee) {
    support::ChienDeGarde garde(5s, "les émetteurs en attente ne sont pas tous servis quand le "
                                    "récepteur libère des places");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(1);
        (void)co_await tx.send(100); // le canal est plein
        std::vector<rt::JoinHandle<void>> emetteurs;
        for (int i = 1; i <= 3; ++i) {
            emetteurs.push_back(rt::spawn(envoyer(tx, i, std::make_shared<int>(0))));
            co_await ceder(1); // l'émetteur i se met en file avant le suivant
        }
        std::vector<int> v;
        for (int i = 0; i < 4; ++i) {
            auto m = co_await rx.recv();
            v.push_back(m ? *m : 0);
        }
        for (auto& h : emetteurs) {
            (void)co_await h;
        }
        co_return v;
    });
    BOOST_TEST((recus == std::vector<int>{100, 1, 2, 3}),
               "canal plein, puis trois émetteurs arrivés dans l'ordre 1, 2, 3 : reçu "
                   << texte(recus)
                   << ", attendu [100 1 2 3]. Les émetteurs en attente doivent être servis dans "
                      "l'ordre d'arrivée (FIFO : push_back, puis pop_front)");
}

BOOST_AUTO_TEST_CASE(un_nouvel_emetteur_ne_double_pas_ceux_qui_attendent) {
    support::ChienDeGarde garde(5s, "le scénario « un nouvel émetteur arrive pendant qu'un autre "
                                    "attend » ne se termine pas");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(1);
        (void)co_await tx.send(0); // plein
        auto a = rt::spawn(envoyer(tx, 1, std::make_shared<int>(0)));
        co_await ceder(1); // A attend une place
        // D est lancé (en file du planificateur, pas encore exécuté) AVANT que la place ne se
        // libère : il s'exécutera avant que A ne reprenne.
        auto d = rt::spawn(envoyer(tx, 2, std::make_shared<int>(0)));
        std::vector<int> v;
        auto m = co_await rx.recv(); // libère une place : elle revient à A
        v.push_back(m ? *m : -1);
        co_await ceder(2);
        for (int i = 0; i < 2; ++i) {
            auto m2 = co_await rx.recv();
            v.push_back(m2 ? *m2 : -1);
        }
        (void)co_await a;
        (void)co_await d;
        co_return v;
    });
    BOOST_TEST((recus == std::vector<int>{0, 1, 2}),
               "A attendait une place ; D est arrivé pendant que la place se libérait : reçu "
                   << texte(recus)
                   << ", attendu [0 1 2]. La place libérée est RÉSERVÉE au premier émetteur en "
                      "attente (personne ne peut la prendre avant qu'il reprenne) ; un envoi qui "
                      "arrive quand d'autres attendent se met en file derrière eux, même s'il "
                      "reste une place.");
}

BOOST_AUTO_TEST_CASE(plusieurs_producteurs_rien_perdu_ni_desordonne) {
    support::ChienDeGarde garde(20s, "trois producteurs et un consommateur sur un canal de "
                                     "capacité 2 (multi_thread, 2 workers) ne se terminent pas : "
                                     "un réveil est perdu (émetteur ou récepteur jamais réveillé)");
    constexpr int PRODUCTEURS = 3;
    constexpr int PAR_PRODUCTEUR = 2000;
    rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
    auto recus = runtime.block_on([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(2);
        std::vector<rt::JoinHandle<void>> producteurs;
        for (int p = 0; p < PRODUCTEURS; ++p) {
            producteurs.push_back(rt::spawn([tx, p]() -> rt::Task<void> {
                for (int i = 0; i < PAR_PRODUCTEUR; ++i) {
                    if (!co_await tx.send(p * 100000 + i)) {
                        co_return;
                    }
                }
            }));
        }
        { Sender<int> original = std::move(tx); } // seules les copies des producteurs restent
        std::vector<int> v;
        while (auto m = co_await rx.recv()) {
            v.push_back(*m);
        }
        for (auto& h : producteurs) {
            (void)co_await h;
        }
        co_return v;
    }());
    BOOST_TEST(recus.size() == std::size_t{PRODUCTEURS * PAR_PRODUCTEUR},
               "reçu " << recus.size() << " messages au lieu de " << PRODUCTEURS * PAR_PRODUCTEUR
                       << " : des messages sont perdus (un émetteur réveillé qui ne dépose pas "
                          "son message dans la place réservée ?) ou dupliqués");
    std::vector<int> prochain(PRODUCTEURS, 0);
    bool ordre = true;
    for (int m : recus) {
        const int p = m / 100000;
        if (p < 0 || p >= PRODUCTEURS || m % 100000 != prochain[p]) {
            ordre = false;
            BOOST_TEST_MESSAGE("message inattendu : " << m);
            break;
        }
        ++prochain[p];
    }
    BOOST_TEST(ordre, "les messages d'un même producteur doivent arriver dans l'ordre où il les "
                      "a envoyés, sans trou ni doublon");
}

// --- Les réveils ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(recepteur_reveille_par_un_envoi) {
    support::ChienDeGarde garde(5s, "recv() attend toujours alors qu'un message vient d'être "
                                    "envoyé : send ne réveille pas le récepteur qui attend");
    auto recu = sur_un_thread([]() -> rt::Task<int> {
        auto [tx, rx] = channel<int>(4);
        auto lecteur = rt::spawn([rx = std::move(rx)]() mutable -> rt::Task<int> {
            auto m = co_await rx.recv();
            co_return m ? *m : -1;
        });
        co_await ceder(2); // le lecteur attend : la file est vide
        (void)co_await tx.send(42);
        auto r = co_await lecteur;
        co_return r ? *r : -2;
    });
    BOOST_TEST(recu == 42, "le récepteur attendait ; un message (42) arrive : reçu "
                               << recu << " (-1 : nullopt alors qu'un Sender existe encore)");
}

BOOST_AUTO_TEST_CASE(recepteur_reveille_quand_le_dernier_emetteur_part) {
    struct Vu {
        bool fini_apres_le_premier = true;
        bool nullopt_a_la_fin = false;
    };
    support::ChienDeGarde garde(5s, "recv() attend toujours alors que le dernier Sender est "
                                    "détruit : le récepteur n'est pas réveillé à la fermeture "
                                    "(le destructeur du dernier Sender doit le réveiller)");
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = channel<int>(4);
        std::optional<Sender<int>> un(std::move(tx));
        std::optional<Sender<int>> deux(*un); // une copie : deux émetteurs
        auto lecteur = rt::spawn([rx = std::move(rx)]() mutable -> rt::Task<bool> {
            auto m = co_await rx.recv();
            co_return !m.has_value();
        });
        co_await ceder(2);
        un.reset(); // il reste une copie
        co_await ceder(2);
        vu.fini_apres_le_premier = lecteur.is_finished();
        deux.reset(); // le dernier part
        auto r = co_await lecteur;
        vu.nullopt_a_la_fin = r && *r;
        co_return vu;
    });
    BOOST_TEST(!vu.fini_apres_le_premier,
               "recv a rendu la main alors qu'il restait un Sender (une copie) : le canal ne se "
               "ferme qu'au départ du DERNIER émetteur (comptez les copies)");
    BOOST_TEST(vu.nullopt_a_la_fin, "après le départ du dernier Sender, recv doit rendre "
                                    "std::nullopt");
}

// --- La fermeture côté récepteur -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(envoi_sans_recepteur_rend_le_message) {
    support::ChienDeGarde garde(5s, "send() attend alors que le récepteur est parti : il doit "
                                    "échouer tout de suite");
    struct Vu {
        int avant = 0; // issue de send(1) quand le récepteur est là
        int apres = 0; // issue de send(7) quand il est parti
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = channel<int>(4);
        auto i = std::make_shared<int>(0);
        co_await envoyer(tx, 1, i);
        vu.avant = *i;
        { Receiver<int> parti = std::move(rx); }
        co_await envoyer(tx, 7, i);
        vu.apres = *i;
        co_return vu;
    });
    BOOST_TEST(vu.avant == 1, "le récepteur existe et le canal est vide : send(1) doit réussir");
    const int issue = vu.apres;
    BOOST_TEST(issue == 2, "le récepteur est détruit, puis send(7) : "
                               << (issue == 1 ? "l'envoi a « réussi » (le message est perdu)"
                                              : "l'erreur ne rend pas le message")
                               << ". send doit échouer et rendre le message dans "
                                  "error().value (comme le SendError de tokio)");
}

BOOST_AUTO_TEST_CASE(emetteur_en_attente_reveille_quand_le_recepteur_part) {
    support::ChienDeGarde garde(5s, "un émetteur qui attendait une place n'est pas réveillé "
                                    "quand le récepteur est détruit : il attendra toujours");
    struct Vu {
        bool attendait = false; // A attendait une place avant le départ du récepteur
        int issue = 0;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = channel<int>(1);
        (void)co_await tx.send(0); // plein
        auto i = std::make_shared<int>(0);
        auto a = rt::spawn(envoyer(tx, 5, i));
        co_await ceder(2); // A attend une place
        vu.attendait = !a.is_finished();
        { Receiver<int> parti = std::move(rx); }
        (void)co_await a;
        vu.issue = *i;
        co_return vu;
    });
    BOOST_TEST(vu.attendait, "canal de capacité 1 déjà plein : send(5) aurait dû attendre une "
                             "place, il a rendu la main tout de suite");
    const int issue = vu.issue;
    BOOST_TEST(issue == 2, "l'émetteur en attente, réveillé par le départ du récepteur, doit "
                           "voir son envoi échouer avec son message rendu (issue "
                               << issue << ")");
}

// --- L'annulation --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(envoi_abandonne_quitte_la_file) {
    support::ChienDeGarde garde(5s, "après l'annulation d'un émetteur en attente, l'émetteur "
                                    "suivant n'est jamais servi");
    auto recus = sur_un_thread([]() -> rt::Task<std::vector<int>> {
        auto [tx, rx] = channel<int>(1);
        (void)co_await tx.send(0); // plein
        auto a = rt::spawn(envoyer(tx, 1, std::make_shared<int>(0)));
        co_await ceder(2); // A attend une place
        if (tx.waiting_senders() != 1) {
            echec_immediat("un émetteur devrait attendre une place (waiting_senders() == 1) ; "
                           "il y en a " +
                           std::to_string(tx.waiting_senders()));
        }
        a.abort(); // A est détruit à son point de suspension : dans send
        (void)co_await a;
        if (tx.waiting_senders() != 0) {
            echec_immediat("un envoi abandonné (abort pendant send) est resté dans la file des "
                           "émetteurs en attente : son maillon pointe dans une trame détruite. "
                           "Le destructeur de Send doit retirer le maillon s'il est encore en "
                           "file (node_.linked).");
        }
        auto b = rt::spawn(envoyer(tx, 2, std::make_shared<int>(0)));
        co_await ceder(2); // B attend
        std::vector<int> v;
        for (int i = 0; i < 2; ++i) {
            auto m = co_await rx.recv();
            v.push_back(m ? *m : -1);
        }
        (void)co_await b;
        co_return v;
    });
    BOOST_TEST((recus == std::vector<int>{0, 2}),
               "A (message 1) a été annulé pendant son attente, puis B (message 2) attend : "
               "reçu "
                   << texte(recus)
                   << ", attendu [0 2]. Le message d'un envoi abandonné ne doit jamais arriver, "
                      "et l'émetteur suivant doit être servi.");
}

BOOST_AUTO_TEST_CASE(envoi_reveille_puis_abandonne_rend_sa_place) {
    support::ChienDeGarde garde(5s, "un envoi réveillé (une place lui était réservée) puis "
                                    "abandonné avant de reprendre n'a pas rendu sa place : "
                                    "l'émetteur suivant attend toujours. Le destructeur de Send "
                                    "doit rendre la place réservée et la donner au suivant.");
    struct Vu {
        int gagnant_a = -1; // 0 : chez A, le feu a gagné et l'envoi a été abandonné
        std::vector<int> recus;
    };
    auto vu = sur_un_thread([]() -> rt::Task<Vu> {
        Vu vu;
        auto [tx, rx] = channel<int>(1);
        (void)co_await tx.send(0); // plein
        auto [feu_tx, feu_rx] = rt::sync::oneshot::channel<int>();
        auto a = rt::spawn([tx, feu = std::move(feu_rx)]() mutable -> rt::Task<int> {
            // Deux branches : le feu (0) et l'envoi (1). Quand les deux sont prêtes, la
            // première gagne : l'envoi est abandonné après avoir été réveillé.
            auto r = co_await rt::select(std::move(feu), tx.send(1));
            co_return static_cast<int>(r.index());
        });
        co_await ceder(2); // A attend une place
        auto b = rt::spawn(envoyer(tx, 2, std::make_shared<int>(0)));
        co_await ceder(2);           // B attend derrière A
        auto m = co_await rx.recv(); // libère une place : elle revient à A, réveillé...
        vu.recus.push_back(m ? *m : -1);
        (void)feu_tx.send(1); // ... mais son feu aussi : A abandonne son envoi en reprenant
        auto ra = co_await a;
        vu.gagnant_a = ra ? *ra : -2;
        auto m2 = co_await rx.recv(); // la place rendue est allée à B
        vu.recus.push_back(m2 ? *m2 : -1);
        (void)co_await b;
        co_return vu;
    });
    BOOST_TEST_REQUIRE(vu.gagnant_a == 0, "le scénario n'a pas eu lieu : chez A, le feu aurait "
                                          "dû gagner le select (gagnant : "
                                              << vu.gagnant_a << ")");
    BOOST_TEST((vu.recus == std::vector<int>{0, 2}),
               "A (message 1) a été réveillé puis a abandonné son envoi (son select a choisi "
               "l'autre branche) ; B (message 2) attendait derrière : reçu "
                   << texte(vu.recus)
                   << ", attendu [0 2]. Un envoi que l'appelant croit abandonné ne doit pas être "
                      "reçu : réveillez l'émetteur avec une place RÉSERVÉE, où il dépose son "
                      "message à sa reprise (await_resume), et que son destructeur rend s'il ne "
                      "reprend pas.");
}

BOOST_AUTO_TEST_CASE(reception_abandonnee_ne_perd_rien) {
    support::ChienDeGarde garde(5s, "le scénario « réception abandonnée par select » ne se "
                                    "termine pas");
    auto recu = sur_un_thread([]() -> rt::Task<int> {
        auto [tx, rx] = channel<int>(4);
        auto [feu_tx, feu_rx] = rt::sync::oneshot::channel<int>();
        auto lecteur =
            rt::spawn([rx = std::move(rx), feu = std::move(feu_rx)]() mutable -> rt::Task<int> {
                // Deux branches : le feu (0) et la réception (1). Quand les deux sont prêtes, la
                // première gagne, et la réception est ABANDONNÉE à son point de suspension.
                auto r = co_await rt::select(std::move(feu), rx.recv());
                if (r.index() == 1) {
                    co_return -3; // la réception a gagné : le scénario n'a pas eu lieu
                }
                auto m = co_await rx.recv(); // le message doit toujours être là
                co_return m ? *m : -1;
            });
        co_await ceder(2);                     // le lecteur attend dans les deux branches
        (void)co_await tx.send(42);            // réveille la réception...
        (void)feu_tx.send(1);                  // ... et le feu, avant que le lecteur ne reprenne
        { Sender<int> parti = std::move(tx); } // plus d'émetteur : pas d'attente sans fin
        auto r = co_await lecteur;
        co_return r ? *r : -2;
    });
    BOOST_TEST(recu == 42,
               "une réception abandonnée (branche perdante d'un select) après l'arrivée du "
               "message 42, puis une nouvelle réception : reçu "
                   << recu << (recu == -1 ? " (nullopt : le message a été perdu)" : "")
                   << ". Le message ne doit être retiré de la file qu'à la reprise "
                      "(await_resume), jamais remis à l'awaiter pendant qu'il attend.");
}
