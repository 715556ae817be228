// Tests notés du chapitre 13 — exercice « utiliser » : le serveur de travaux
// (exercices/serveur_travaux.cpp).
//
// Le serveur tourne sur un runtime multi_thread à 2 workers, dans son propre thread, avec
// VOTRE servir ; il est piloté par des clients Boost.Asio indépendants (tests/support). Ce que
// font les travaux est écrit par le test (Options::executer) : un travail dont le nom
// commence par « bloque » attend une « barrière » (un sémaphore à 0 autorisation) que le test
// ouvre quand il le veut ; « panique » lève une exception ; les autres dorment leur durée.
// Le test sait ainsi exactement combien de travaux tournent, sans jamais dormir pour
// « laisser le temps » : il attend des événements observables (une ligne, une fermeture, un
// compteur), chacun avec un délai, et un chien de garde borne chaque test.
//
// Le Ctrl-C est un vrai SIGINT envoyé au processus (kill), après que le test a créé
// l'écouteur (rt::signal::ctrl_c()) qu'il passe à servir.
#define BOOST_TEST_MODULE "Chapitre 13 : le serveur de travaux (utiliser)"
#include <boost/test/unit_test.hpp>

#include "serveur_travaux.hpp"

#include <support/chien_de_garde.hpp>
#include <support/client_asio.hpp>

#include <rt/rt.hpp>
#include <rt/signal.hpp>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Ce que les travaux du test observent (atomiques : ils tournent sur deux workers).
struct Controle {
    rt::sync::Semaphore barriere{0}; ///< les travaux « bloque… » attendent une autorisation
    std::atomic<int> demarres{0};    ///< exécutions commencées
    std::atomic<int> termines{0};    ///< exécutions allées au bout
    std::atomic<int> annules{0};     ///< exécutions détruites avant la fin (délai, arrêt)
    std::atomic<int> en_cours{0};
    std::atomic<int> max_en_cours{0};
};

/// L'exécution d'un travail, vue par le test. Fonction libre (pas une lambda-coroutine à
/// captures : CP.51), qui garde son Controle en vie.
rt::Task<void> corps(std::shared_ptr<Controle> c, std::string nom, utiliser::Duree duree) {
    struct Suivi {
        Controle& c;
        bool fini = false;
        ~Suivi() {
            c.en_cours.fetch_sub(1);
            if (!fini) {
                c.annules.fetch_add(1);
            }
        }
    };
    c->demarres.fetch_add(1);
    const int maintenant = c->en_cours.fetch_add(1) + 1;
    int max = c->max_en_cours.load();
    while (maintenant > max && !c->max_en_cours.compare_exchange_weak(max, maintenant)) {
    }
    Suivi suivi{*c};
    if (nom == "panique") {
        suivi.fini = true; // une exception n'est pas une annulation
        throw std::runtime_error("panique demandée par le test");
    }
    if (nom.rfind("bloque", 0) == 0) {
        auto autorisation = co_await c->barriere.acquire();
        if (autorisation) {
            autorisation->forget(); // une autorisation = un travail libéré
        }
    } else {
        co_await rt::time::sleep(duree);
    }
    suivi.fini = true;
    c->termines.fetch_add(1);
}

utiliser::Options options_de_test(std::shared_ptr<Controle> c) {
    utiliser::Options o;
    o.capacite_file = 8;
    o.max_en_cours = 2;
    o.delai_par_travail = 30s;
    o.delai_de_grace = 200ms;
    o.executer = [c](std::string nom, utiliser::Duree duree) {
        return corps(c, std::move(nom), duree);
    };
    return o;
}

/// Ce que le thread du serveur rend quand servir a fini.
struct Fin {
    utiliser::Bilan bilan;
    long fuite = 0; ///< tâches encore vivantes après servir (en plus de celles d'avant)
};

/// Envoie SIGINT au processus (le « Ctrl-C »).
void ctrl_c() {
    ::kill(::getpid(), SIGINT);
}

/// VOTRE servir, sur un runtime multi_thread à 2 workers, dans un thread à lui.
class ServeurDeTest {
public:
    ServeurDeTest(utiliser::Options options, std::shared_ptr<Controle> controle)
        : controle_(std::move(controle)) {
        auto port = port_promis_.get_future();
        fin_ = fin_promise_.get_future();
        thread_ = std::thread([this, options = std::move(options)]() mutable {
            try {
                rt::Runtime runtime = rt::Builder::multi_thread().worker_threads(2).build();
                fin_promise_.set_value(runtime.block_on(principal(std::move(options))));
            } catch (...) {
                if (!port_donne_) {
                    port_promis_.set_exception(std::current_exception());
                } else {
                    fin_promise_.set_exception(std::current_exception());
                }
            }
        });
        if (port.wait_for(5s) != std::future_status::ready) {
            BOOST_FAIL("le serveur de test ne démarre pas");
        }
        port_ = port.get();
    }
    ServeurDeTest(const ServeurDeTest&) = delete;
    ServeurDeTest& operator=(const ServeurDeTest&) = delete;

    /// Si le test n'a pas arrêté le serveur : barrière fermée (les travaux bloqués se
    /// terminent), Ctrl-C, puis on attend la fin du thread (le chien de garde du test borne
    /// cette attente).
    ~ServeurDeTest() {
        if (fin_.valid() && fin_.wait_for(0s) != std::future_status::ready) {
            controle_->barriere.close();
            ctrl_c();
        }
        thread_.join();
    }

    std::uint16_t port() const { return port_; }

    /// Vrai si servir a déjà rendu la main.
    bool fini() const { return fin_.wait_for(0s) == std::future_status::ready; }

    /// Attend que servir rende la main (au plus `delai`), et rend son bilan.
    Fin attendre_fin(std::chrono::milliseconds delai, const std::string& quoi) {
        if (fin_.wait_for(delai) != std::future_status::ready) {
            BOOST_FAIL("servir n'a pas rendu la main " << delai.count()
                                                       << " ms après le Ctrl-C : " << quoi);
        }
        try {
            return fin_.get();
        } catch (const std::exception& e) {
            BOOST_FAIL("servir a levé une exception : " << e.what());
        }
        return {};
    }

private:
    rt::Task<Fin> principal(utiliser::Options options) {
        // L'écouteur d'abord : dès lors, SIGINT ne tue plus le processus.
        auto arret = rt::signal::ctrl_c();
        auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0");
        const auto avant = static_cast<long>(rt::Handle::current().metrics().num_alive_tasks);
        port_donne_ = true;
        port_promis_.set_value(listener.local_addr().port());
        Fin fin;
        fin.bilan =
            co_await utiliser::servir(std::move(listener), std::move(options), std::move(arret));
        // Une tâche annulée disparaît un peu après son join : on lui laisse 2 s pour partir.
        const auto echeance = std::chrono::steady_clock::now() + 2s;
        auto vivantes = [] {
            return static_cast<long>(rt::Handle::current().metrics().num_alive_tasks);
        };
        while (vivantes() > avant && std::chrono::steady_clock::now() < echeance) {
            co_await rt::time::sleep(1ms);
        }
        fin.fuite = vivantes() - avant;
        co_return fin;
    }

    std::shared_ptr<Controle> controle_;
    std::promise<std::uint16_t> port_promis_;
    std::promise<Fin> fin_promise_;
    std::future<Fin> fin_;
    bool port_donne_ = false;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

/// Un client du protocole : une commande, une ligne de réponse.
class Client {
public:
    Client(const ServeurDeTest& serveur, std::string qui) : qui_(std::move(qui)) {
        try {
            tcp_ = std::make_unique<support::ClientTcp>(serveur.port());
        } catch (const support::ErreurClient& e) {
            BOOST_FAIL(qui_ << " : " << e.what());
        }
    }

    /// Envoie `commande` (sans '\n') et rend la ligne de réponse, '\n' compris.
    std::string demander(const std::string& commande) {
        envoyer(commande + "\n");
        return lire_ligne("la réponse à « " + commande + " »");
    }

    void envoyer(const std::string& octets) {
        try {
            tcp_->envoyer(octets);
        } catch (const support::ErreurClient& e) {
            BOOST_FAIL(qui_ << " n'a pas pu envoyer : " << e.what());
        }
    }

    std::string lire_ligne(const std::string& quoi) {
        try {
            return tcp_->lire_jusqu_a("\n");
        } catch (const support::ErreurClient& e) {
            BOOST_FAIL(qui_ << " attendait " << quoi << " : " << e.what()
                            << " (servir accepte-t-il les clients, gerer_client leur répond-il ? "
                               "TODO 2 et 6)");
        }
        return {};
    }

    /// « stats ... » analysée : clé → valeur.
    std::map<std::string, long> stats() {
        const std::string ligne = demander("stats");
        BOOST_TEST_REQUIRE(ligne.rfind("stats ", 0) == 0u,
                           qui_ << " : « stats » doit répondre « stats en_file=… », a reçu « "
                                << ligne << " »");
        std::map<std::string, long> valeurs;
        std::istringstream mots(ligne.substr(6));
        std::string mot;
        while (mots >> mot) {
            const auto egal = mot.find('=');
            if (egal == std::string::npos) {
                continue;
            }
            try {
                valeurs[mot.substr(0, egal)] = std::stol(mot.substr(egal + 1));
            } catch (const std::exception&) {
                BOOST_FAIL(qui_ << " : valeur illisible dans « " << ligne << " »");
            }
        }
        for (const char* cle : {"en_file", "en_cours", "max_en_cours", "acceptes", "refuses",
                                "finis", "expires", "echoues", "taches", "workers"}) {
            BOOST_TEST_REQUIRE(valeurs.count(cle) == 1u,
                               "« stats » doit donner " << cle << "=… ; reçu « " << ligne << " »");
        }
        return valeurs;
    }

    /// Redemande « stats » jusqu'à ce que `condition(stats)` soit vraie (au plus `delai`).
    template <class Condition>
    std::map<std::string, long> stats_jusqu_a(Condition condition, const std::string& quoi,
                                              std::chrono::milliseconds delai = 5000ms) {
        const auto echeance = std::chrono::steady_clock::now() + delai;
        for (;;) {
            auto s = stats();
            if (condition(s)) {
                return s;
            }
            if (std::chrono::steady_clock::now() >= echeance) {
                BOOST_FAIL("après " << delai.count() << " ms, toujours pas : " << quoi);
            }
            std::this_thread::sleep_for(2ms); // on interroge, on ne « laisse pas le temps »
        }
    }

    /// Soumet un travail et rend son numéro (échec du test si refusé).
    std::uint64_t soumettre(const std::string& nom, int duree_ms = 0) {
        const std::string reponse = demander("travail " + nom + " " + std::to_string(duree_ms));
        BOOST_TEST_REQUIRE(reponse.rfind("accepté ", 0) == 0u,
                           qui_ << " : « travail " << nom << " » devait être accepté, réponse « "
                                << reponse << " »");
        return std::stoull(reponse.substr(std::string("accepté ").size()));
    }

    support::ClientTcp& tcp() { return *tcp_; }

private:
    std::string qui_;
    std::unique_ptr<support::ClientTcp> tcp_;
};

/// Attend (en interrogeant) que `condition` devienne vraie, au plus `delai`.
template <typename Condition>
bool attendre(Condition condition, std::chrono::milliseconds delai = 5000ms) {
    const auto echeance = std::chrono::steady_clock::now() + delai;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= echeance) {
            return false;
        }
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

/// Le résultat du travail `numero` dans le bilan (échec s'il n'y est pas une fois exactement).
utiliser::Issue issue_de(const utiliser::Bilan& bilan, std::uint64_t numero) {
    std::optional<utiliser::Issue> trouvee;
    int fois = 0;
    for (const auto& r : bilan.resultats) {
        if (r.numero == numero) {
            trouvee = r.issue;
            ++fois;
        }
    }
    BOOST_TEST_REQUIRE(fois == 1, "le travail n°" << numero << " doit figurer une fois dans "
                                                  << "Bilan::resultats, il y est " << fois
                                                  << " fois (résultats collectés ?)");
    return *trouvee;
}

} // namespace

BOOST_AUTO_TEST_CASE(protocole_repond_a_chaque_commande) {
    support::ChienDeGarde garde(30s, "protocole_repond_a_chaque_commande bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);
    Client client(serveur, "le client");

    const std::string r1 = client.demander("travail rapide 0");
    BOOST_TEST(r1.rfind("accepté ", 0) == 0u,
               "« travail rapide 0 » → « accepté N », reçu « " << r1 << " »");
    const std::string r2 = client.demander("travail autre_1 5\r");
    BOOST_TEST(r2.rfind("accepté ", 0) == 0u,
               "une ligne finie par \\r\\n est une commande comme une autre, reçu « " << r2
                                                                                      << " »");
    if (r1.rfind("accepté ", 0) == 0u && r2.rfind("accepté ", 0) == 0u) {
        BOOST_TEST(std::stoull(r2.substr(9)) > std::stoull(r1.substr(9)),
                   "les numéros doivent croître : « " << r1 << " » puis « " << r2 << " »");
    }
    BOOST_TEST(client.demander("bonjour") == "erreur : commande inconnue\n");
    BOOST_TEST(client.demander("travail seul").rfind("erreur : ", 0) == 0u,
               "« travail » sans durée est une erreur");
    BOOST_TEST(client.demander("travail x -5") == "erreur : durée invalide\n");
    BOOST_TEST(client.demander("travail x 12abc") == "erreur : durée invalide\n");
    BOOST_TEST(client.demander("travail n/om 5") == "erreur : nom invalide\n");
    BOOST_TEST(client.demander("") == "erreur : ligne vide\n");
    // Les deux travaux ont tourné : les statistiques le disent.
    auto s = client.stats_jusqu_a([](auto& s) { return s["finis"] == 2; },
                                  "les deux travaux acceptés finis (finis=2)");
    BOOST_TEST(s["acceptes"] == 2);
    BOOST_TEST(s["refuses"] == 0);
    BOOST_TEST(s["workers"] == 2, "workers= doit venir des métriques du runtime (2 workers)");
    BOOST_TEST(client.demander("quitter") == "au revoir\n");
    BOOST_TEST(client.tcp().attendre_fermeture(),
               "après « au revoir », le serveur doit fermer la connexion");
}

BOOST_AUTO_TEST_CASE(file_pleine_refuse_au_dela_de_la_capacite) {
    support::ChienDeGarde garde(30s, "file_pleine_refuse_au_dela_de_la_capacite bloque");
    auto c = std::make_shared<Controle>();
    auto options = options_de_test(c);
    options.capacite_file = 2;
    options.max_en_cours = 1;
    ServeurDeTest serveur(std::move(options), c);
    Client client(serveur, "le client");

    client.soumettre("bloque1");
    BOOST_TEST_REQUIRE(attendre([&] { return c->demarres.load() == 1; }),
                       "le premier travail devait démarrer (une place libre)");
    // Une place (prise), deux en file : le quatrième est de trop.
    client.soumettre("bloque2");
    client.soumettre("bloque3");
    const std::string refus = client.demander("travail bloque4 0");
    BOOST_TEST(refus == "refusé : file pleine\n",
               "avec 1 travail en cours et 2 en file (capacite_file = 2), le suivant doit être "
               "refusé tout de suite ; reçu « "
                   << refus << " » (une place prise AVANT de recevoir de la file ? try_send ?)");
    auto s = client.stats();
    BOOST_TEST(s["en_file"] == 2);
    BOOST_TEST(s["en_cours"] == 1);
    BOOST_TEST(s["refuses"] == 1);
    BOOST_TEST(s["acceptes"] == 3);
    // La file se vide : de la place revient.
    c->barriere.add_permits(3);
    client.stats_jusqu_a([](auto& s) { return s["finis"] == 3; }, "les 3 travaux finis");
    const std::string apres = client.demander("travail rapide 0");
    BOOST_TEST(apres.rfind("accepté ", 0) == 0u,
               "la file vide, un travail doit de nouveau être accepté ; reçu « " << apres << " »");
}

BOOST_AUTO_TEST_CASE(au_plus_max_en_cours_travaux_a_la_fois) {
    support::ChienDeGarde garde(30s, "au_plus_max_en_cours_travaux_a_la_fois bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c); // max_en_cours = 2
    Client client(serveur, "le client");

    for (int i = 0; i < 6; ++i) {
        client.soumettre("bloque" + std::to_string(i));
    }
    BOOST_TEST_REQUIRE(attendre([&] { return c->demarres.load() >= 2; }),
                       "deux travaux devaient démarrer (max_en_cours = 2)");
    // Un aller-retour de plus : un serveur sans limite aurait déjà tout démarré.
    auto s = client.stats();
    BOOST_TEST(c->demarres.load() == 2,
               c->demarres.load() << " travaux ont démarré en même temps, au plus 2 attendus "
                                     "(la place du Semaphore est-elle gardée par le travail ?)");
    BOOST_TEST(s["en_cours"] == 2);
    BOOST_TEST(s["en_file"] == 4);
    // On libère un travail à la fois : chaque fin laisse partir exactement un suivant.
    for (int libere = 1; libere <= 6; ++libere) {
        c->barriere.add_permits(1);
        BOOST_TEST_REQUIRE(attendre([&] { return c->termines.load() == libere; }),
                           "le travail libéré n°" << libere << " ne finit pas");
        if (libere <= 4) {
            BOOST_TEST_REQUIRE(attendre([&] { return c->demarres.load() == libere + 2; }),
                               "une place rendue doit laisser partir le travail suivant");
        }
    }
    BOOST_TEST(c->max_en_cours.load() == 2,
               "au plus 2 travaux à la fois ; observé : " << c->max_en_cours.load());
    s = client.stats_jusqu_a([](auto& s) { return s["finis"] == 6; }, "les 6 travaux finis");
    BOOST_TEST(s["en_cours"] == 0);
    BOOST_TEST(s["en_file"] == 0);
    BOOST_TEST(s["max_en_cours"] == 2);
}

BOOST_AUTO_TEST_CASE(delai_par_travail_expire_et_libere_la_place) {
    support::ChienDeGarde garde(30s, "delai_par_travail_expire_et_libere_la_place bloque "
                                     "(un travail sans fin n'est jamais abandonné ?)");
    auto c = std::make_shared<Controle>();
    auto options = options_de_test(c);
    options.max_en_cours = 1;
    options.delai_par_travail = 100ms;
    ServeurDeTest serveur(std::move(options), c);
    Client client(serveur, "le client");

    const auto sans_fin = client.soumettre("bloque_pour_toujours"); // jamais libéré
    const auto rapide = client.soumettre("rapide");
    auto s = client.stats_jusqu_a([](auto& s) { return s["expires"] == 1 && s["finis"] == 1; },
                                  "le travail sans fin expiré (delai_par_travail = 100 ms) et le "
                                  "suivant fini, sur l'unique place");
    BOOST_TEST(s["en_cours"] == 0);
    BOOST_TEST(c->annules.load() == 1,
               "l'exécution expirée doit être annulée (sa trame détruite), pas laissée en vie");
    ctrl_c();
    const Fin fin = serveur.attendre_fin(5000ms, "plus aucun travail ne tournait");
    BOOST_TEST((issue_de(fin.bilan, sans_fin) == utiliser::Issue::expire));
    BOOST_TEST((issue_de(fin.bilan, rapide) == utiliser::Issue::fini));
}

BOOST_AUTO_TEST_CASE(echec_d_un_travail_compte_sans_rien_arreter) {
    support::ChienDeGarde garde(30s, "echec_d_un_travail_compte_sans_rien_arreter bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);
    Client client(serveur, "le client");

    const auto panique = client.soumettre("panique");
    const auto ok = client.soumettre("ok");
    auto s = client.stats_jusqu_a([](auto& s) { return s["echoues"] == 1 && s["finis"] == 1; },
                                  "un travail échoué (exception) et un fini");
    BOOST_TEST(s["en_cours"] == 0, "un travail qui lève doit rendre sa place");
    ctrl_c();
    const Fin fin = serveur.attendre_fin(5000ms, "plus aucun travail ne tournait");
    BOOST_TEST((issue_de(fin.bilan, panique) == utiliser::Issue::echoue));
    BOOST_TEST((issue_de(fin.bilan, ok) == utiliser::Issue::fini));
}

BOOST_AUTO_TEST_CASE(stats_en_direct_avec_les_metriques_du_runtime) {
    support::ChienDeGarde garde(30s, "stats_en_direct_avec_les_metriques_du_runtime bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c); // max_en_cours = 2
    Client client(serveur, "le client");

    auto s0 = client.stats();
    BOOST_TEST(s0["acceptes"] == 0);
    for (int i = 0; i < 3; ++i) {
        client.soumettre("bloque" + std::to_string(i));
    }
    auto s = client.stats_jusqu_a([](auto& s) { return s["en_cours"] == 2; },
                                  "en_cours=2 pendant que deux travaux tournent");
    BOOST_TEST(s["en_file"] == 1);
    BOOST_TEST(s["acceptes"] == 3);
    BOOST_TEST(s["finis"] == 0);
    BOOST_TEST(s["taches"] >= s0["taches"] + 2,
               "taches= (num_alive_tasks) doit compter les deux travaux en cours de plus : avant "
                   << s0["taches"] << ", pendant " << s["taches"]);
    c->barriere.add_permits(3);
    s = client.stats_jusqu_a([](auto& s) { return s["finis"] == 3; }, "les 3 travaux finis");
    BOOST_TEST(s["en_cours"] == 0);
    BOOST_TEST(s["en_file"] == 0);
    BOOST_TEST(s["max_en_cours"] == 2);
}

BOOST_AUTO_TEST_CASE(ctrl_c_laisse_finir_les_travaux_en_cours) {
    support::ChienDeGarde garde(30s, "ctrl_c_laisse_finir_les_travaux_en_cours bloque (servir "
                                     "ne s'arrête pas au Ctrl-C ?)");
    auto c = std::make_shared<Controle>();
    auto options = options_de_test(c);
    options.delai_de_grace = 20s; // largement : ce test ouvre la barrière lui-même
    ServeurDeTest serveur(std::move(options), c);
    Client client(serveur, "le client");

    const auto a = client.soumettre("bloque_a");
    const auto b = client.soumettre("bloque_b");
    const auto en_file = client.soumettre("bloque_c");
    BOOST_TEST_REQUIRE(attendre([&] { return c->demarres.load() == 2; }),
                       "deux travaux devaient démarrer");
    client.stats_jusqu_a([](auto& s) { return s["en_file"] == 1; }, "le troisième en file");

    ctrl_c();
    // Le répartiteur a vu l'arrêt quand la file est vide (le troisième abandonné) ; le
    // listener était fermé avant.
    client.stats_jusqu_a([](auto& s) { return s["en_file"] == 0; },
                         "après le Ctrl-C, la file fermée et vidée (en_file=0 : le travail qui "
                         "attendait est abandonné)");
    BOOST_TEST(client.demander("travail trop_tard 0") == "refusé : arrêt en cours\n",
               "après le Ctrl-C, un nouveau travail est refusé (file fermée)");
    bool refuse = false;
    try {
        support::ClientTcp nouveau(serveur.port(), 1000ms);
    } catch (const support::ErreurClient&) {
        refuse = true;
    }
    BOOST_TEST(refuse, "après le Ctrl-C, le serveur ne doit plus accepter de connexion "
                       "(listener fermé)");
    BOOST_TEST(c->annules.load() == 0,
               "les travaux en cours ne doivent pas être interrompus au Ctrl-C : ils ont "
               "delai_de_grace pour finir");
    BOOST_TEST(!serveur.fini(), "servir ne doit pas rendre la main avant la fin des travaux en "
                                "cours (délai de grâce : 20 s)");
    c->barriere.add_permits(2);
    const Fin fin = serveur.attendre_fin(5000ms, "les deux travaux en cours venaient de finir");
    BOOST_TEST(client.tcp().attendre_fermeture(),
               "à la fin de l'arrêt, les connexions encore ouvertes doivent être fermées");
    BOOST_TEST(c->termines.load() == 2);
    BOOST_TEST(c->demarres.load() == 2, "le travail resté en file ne doit pas démarrer à l'arrêt");
    BOOST_TEST(fin.bilan.acceptes == 3u);
    BOOST_TEST(fin.bilan.refuses == 1u);
    BOOST_TEST(fin.bilan.interrompus == 0u);
    BOOST_TEST((issue_de(fin.bilan, a) == utiliser::Issue::fini));
    BOOST_TEST((issue_de(fin.bilan, b) == utiliser::Issue::fini));
    BOOST_TEST((issue_de(fin.bilan, en_file) == utiliser::Issue::abandonne));
    BOOST_TEST(fin.bilan.resultats.size() == 3u);
    BOOST_TEST(fin.fuite == 0, fin.fuite
                                   << " tâche(s) encore vivante(s) après servir : chaque "
                                      "tâche lancée doit être attendue avant de rendre le bilan");
}

BOOST_AUTO_TEST_CASE(ctrl_c_interrompt_apres_le_delai_de_grace) {
    support::ChienDeGarde garde(30s, "ctrl_c_interrompt_apres_le_delai_de_grace bloque (un "
                                     "travail sans fin retient-il servir ?)");
    auto c = std::make_shared<Controle>();
    auto options = options_de_test(c);
    options.delai_de_grace = 100ms;
    ServeurDeTest serveur(std::move(options), c);
    Client client(serveur, "le client");

    client.soumettre("bloque_pour_toujours");
    const auto rapide = client.soumettre("rapide");
    BOOST_TEST_REQUIRE(attendre([&] { return c->demarres.load() == 2 && c->termines.load() == 1; }),
                       "les deux travaux devaient démarrer, le rapide finir");
    ctrl_c();
    const Fin fin = serveur.attendre_fin(5000ms, "le délai de grâce était de 100 ms");
    BOOST_TEST(fin.bilan.interrompus == 1u,
               "le travail qui ne finit pas doit être interrompu après le délai de grâce");
    BOOST_TEST(c->annules.load() == 1, "le travail interrompu doit être annulé (trame détruite)");
    BOOST_TEST((issue_de(fin.bilan, rapide) == utiliser::Issue::fini));
    BOOST_TEST(fin.bilan.resultats.size() == 1u);
    BOOST_TEST(fin.fuite == 0, fin.fuite << " tâche(s) encore vivante(s) après servir");
}

BOOST_AUTO_TEST_CASE(ctrl_c_serveur_inactif_rend_la_main) {
    support::ChienDeGarde garde(30s, "ctrl_c_serveur_inactif_rend_la_main bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);
    {
        Client client(serveur, "le client");
        BOOST_TEST(client.demander("stats").rfind("stats ", 0) == 0u);
        BOOST_TEST(client.demander("quitter") == "au revoir\n");
        BOOST_TEST(client.tcp().attendre_fermeture());
    }
    ctrl_c();
    const Fin fin = serveur.attendre_fin(5000ms, "aucun travail, aucun client");
    BOOST_TEST(fin.bilan.acceptes == 0u);
    BOOST_TEST(fin.bilan.resultats.empty());
    BOOST_TEST(fin.fuite == 0, fin.fuite << " tâche(s) encore vivante(s) après servir");
}

BOOST_AUTO_TEST_CASE(client_hostile_ligne_sans_fin_coupee) {
    support::ChienDeGarde garde(40s, "client_hostile_ligne_sans_fin_coupee bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);
    support::ClientTcp hostile(serveur.port());

    // 16 Mio sans '\n' : un serveur qui garde tout grossit d'autant. Le vôtre doit couper
    // bien avant (LONGUEUR_MAX octets) : l'envoi finit alors par échouer (connexion fermée).
    const std::string morceau(64 * 1024, 'x');
    std::size_t envoyes = 0;
    bool coupe = false;
    try {
        while (envoyes < 16u * 1024 * 1024) {
            hostile.envoyer(morceau);
            envoyes += morceau.size();
        }
    } catch (const support::ErreurClient&) {
        coupe = true;
    }
    if (!coupe) {
        coupe = hostile.attendre_fermeture();
    }
    BOOST_TEST(coupe, "le serveur a lu 16 Mio sans fin de ligne sans couper la connexion : une "
                      "ligne plus longue que LONGUEUR_MAX doit la fermer (mémoire bornée)");
    BOOST_TEST(envoyes < 16u * 1024 * 1024);
    // Le serveur sert toujours les autres.
    Client client(serveur, "un autre client");
    BOOST_TEST(client.demander("stats").rfind("stats ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(client_hostile_ligne_trop_longue_recoit_une_erreur) {
    support::ChienDeGarde garde(30s, "client_hostile_ligne_trop_longue_recoit_une_erreur bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);
    Client client(serveur, "le client");
    // Une ligne de LONGUEUR_MAX octets, '\n' non compris : un de trop.
    client.envoyer(std::string(utiliser::LONGUEUR_MAX, 'a') + "\n");
    BOOST_TEST(client.lire_ligne("l'erreur de ligne trop longue") ==
               "erreur : ligne trop longue\n");
    BOOST_TEST(client.tcp().attendre_fermeture(),
               "après « erreur : ligne trop longue », la connexion doit être fermée");
    // La limite exacte : LONGUEUR_MAX octets '\n' compris passent.
    Client autre(serveur, "un autre client");
    const std::string juste = "travail " + std::string(32, 'n') + " 0";
    BOOST_TEST(autre.demander(juste + std::string(utiliser::LONGUEUR_MAX - 1 - juste.size(), ' '))
                       .rfind("accepté ", 0) == 0u,
               "une ligne de LONGUEUR_MAX octets, '\\n' compris, est acceptée");
}

BOOST_AUTO_TEST_CASE(client_hostile_deconnexions_brutales) {
    support::ChienDeGarde garde(30s, "client_hostile_deconnexions_brutales bloque");
    auto c = std::make_shared<Controle>();
    ServeurDeTest serveur(options_de_test(c), c);

    // Des octets quelconques : une erreur, et la connexion reste utilisable.
    Client bizarre(serveur, "le client bizarre");
    bizarre.envoyer(std::string("\x01\xff\x7f zzz\n", 8));
    BOOST_TEST(bizarre.lire_ligne("une erreur") == "erreur : commande inconnue\n");
    BOOST_TEST(bizarre.demander("stats").rfind("stats ", 0) == 0u);

    // Un client qui dépose un travail, pose une question et part brutalement (RST) : la
    // réponse ne peut pas partir, le serveur doit s'en remettre, et le travail accepté
    // s'exécute quand même.
    {
        Client fuyard(serveur, "le client qui part");
        fuyard.soumettre("bloque_orphelin");
        fuyard.envoyer("stats\nstats\nstats\n");
        fuyard.tcp().reinitialiser();
    }
    // Un client qui part au milieu d'une ligne.
    {
        Client distrait(serveur, "le client distrait");
        distrait.envoyer("travail demi");
        distrait.tcp().fermer();
    }
    Client suivant(serveur, "le client suivant");
    suivant.stats_jusqu_a([](auto& s) { return s["en_cours"] == 1; },
                          "le travail du client parti doit tourner");
    c->barriere.add_permits(1);
    auto s = suivant.stats_jusqu_a([](auto& s) { return s["finis"] == 1; },
                                   "le travail du client parti doit finir");
    BOOST_TEST(s["acceptes"] == 1, "la ligne inachevée ne doit pas compter comme un travail");
    ctrl_c();
    const Fin fin = serveur.attendre_fin(5000ms, "plus aucun travail ne tournait");
    BOOST_TEST(fin.bilan.resultats.size() == 1u);
    BOOST_TEST(fin.fuite == 0, fin.fuite << " tâche(s) encore vivante(s) après servir");
}
