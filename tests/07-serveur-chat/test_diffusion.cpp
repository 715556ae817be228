// Tests notés du chapitre 07, exercice « construire » : le canal de diffusion de
// exercices/diffusion.hpp (anneau, positions, retard, fermeture).
//
// Tout est mono-thread et sans attente : ces tests ne peuvent pas bloquer.
#define BOOST_TEST_MODULE chapitre 07 - serveur de chat
#include <boost/test/unit_test.hpp>

#include "diffusion.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

using construire::Canal;
using construire::Recepteur;

namespace {

/// Une réception en texte lisible : les messages d'échec de Boost.Test restent clairs.
std::string decrire(const construire::Reception<int>& r) {
    if (const int* v = std::get_if<int>(&r)) {
        return "message " + std::to_string(*v);
    }
    if (std::holds_alternative<construire::Vide>(r)) {
        return "Vide";
    }
    if (std::holds_alternative<construire::Ferme>(r)) {
        return "Ferme";
    }
    return "EnRetard{" + std::to_string(std::get<construire::EnRetard>(r).perdus) + "}";
}

std::string message(int v) {
    return "message " + std::to_string(v);
}

} // namespace

BOOST_AUTO_TEST_CASE(diffusion_chaque_abonne_recoit_chaque_message) {
    Canal<int> canal(16);
    auto a = canal.abonner();
    auto b = canal.abonner();
    for (int i = 0; i < 5; ++i) {
        BOOST_TEST(canal.envoyer(i) == 2u, "envoyer doit rendre le nombre de récepteurs (2)");
    }
    for (int i = 0; i < 5; ++i) {
        BOOST_TEST(decrire(a.essayer_recevoir()) == message(i),
                   "le récepteur a doit recevoir chaque message, dans l'ordre");
        BOOST_TEST(decrire(b.essayer_recevoir()) == message(i),
                   "le récepteur b doit recevoir chaque message (une copie, pas un partage)");
    }
    BOOST_TEST(decrire(a.essayer_recevoir()) == "Vide", "tout est lu : Vide, canal ouvert");
}

BOOST_AUTO_TEST_CASE(diffusion_abonne_tardif_ne_recoit_que_la_suite) {
    Canal<int> canal(16);
    auto premier = canal.abonner();
    canal.envoyer(1);
    canal.envoyer(2);
    auto tardif = canal.abonner();
    BOOST_TEST(decrire(tardif.essayer_recevoir()) == "Vide",
               "un abonné ne reçoit pas les messages envoyés AVANT son abonnement (TODO 1)");
    canal.envoyer(3);
    BOOST_TEST(decrire(tardif.essayer_recevoir()) == message(3));
    BOOST_TEST(decrire(premier.essayer_recevoir()) == message(1),
               "le premier abonné, lui, reçoit tout depuis le début");
}

BOOST_AUTO_TEST_CASE(diffusion_retard_compte_exact) {
    Canal<int> canal(4);
    auto lent = canal.abonner();
    auto rapide = canal.abonner();
    for (int i = 0; i < 10; ++i) {
        canal.envoyer(i);
        BOOST_TEST(decrire(rapide.essayer_recevoir()) == message(i),
                   "un lecteur à jour ne prend jamais de retard");
    }
    // L'anneau de 4 cases ne garde que 6, 7, 8 et 9 : 0 à 5 sont perdus pour le lent.
    BOOST_TEST(decrire(lent.essayer_recevoir()) == "EnRetard{6}",
               "10 messages dans un anneau de 4 : le lecteur lent en a perdu exactement 6");
    for (int i = 6; i < 10; ++i) {
        BOOST_TEST(decrire(lent.essayer_recevoir()) == message(i),
                   "après le retard, on reprend au plus ancien message encore présent");
    }
    BOOST_TEST(decrire(lent.essayer_recevoir()) == "Vide");
}

BOOST_AUTO_TEST_CASE(diffusion_retard_signale_une_seule_fois) {
    Canal<int> canal(2);
    auto r = canal.abonner();
    for (int i = 0; i < 5; ++i) {
        canal.envoyer(i);
    }
    BOOST_TEST(decrire(r.essayer_recevoir()) == "EnRetard{3}");
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(3),
               "le retard est signalé une fois, puis la lecture reprend");
    canal.envoyer(5);
    canal.envoyer(6);
    canal.envoyer(7);
    // 4 (non lu) a été écrasé par 6, puis 5 par 7 : deux de perdus cette fois.
    BOOST_TEST(decrire(r.essayer_recevoir()) == "EnRetard{2}");
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(6));
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(7));
}

BOOST_AUTO_TEST_CASE(diffusion_capacite_un) {
    Canal<int> canal(1);
    auto r = canal.abonner();
    canal.envoyer(10);
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(10));
    canal.envoyer(11);
    canal.envoyer(12);
    BOOST_TEST(decrire(r.essayer_recevoir()) == "EnRetard{1}",
               "capacité 1 : le message 11 a été écrasé par 12");
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(12));
    BOOST_TEST(decrire(r.essayer_recevoir()) == "Vide");
}

BOOST_AUTO_TEST_CASE(diffusion_sans_recepteur_le_message_est_perdu) {
    Canal<int> canal(4);
    BOOST_TEST(canal.envoyer(1) == 0u, "sans récepteur, envoyer rend 0 (message perdu)");
    {
        auto passager = canal.abonner();
        BOOST_TEST(canal.nombre_recepteurs() == 1u);
    }
    BOOST_TEST(canal.nombre_recepteurs() == 0u, "un récepteur détruit ne compte plus");
    BOOST_TEST(canal.envoyer(2) == 0u);
    auto r = canal.abonner();
    BOOST_TEST(decrire(r.essayer_recevoir()) == "Vide",
               "un message envoyé sans récepteur n'est gardé pour personne");
    BOOST_TEST(canal.envoyer(3) == 1u);
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(3));
}

BOOST_AUTO_TEST_CASE(diffusion_ferme_apres_le_dernier_emetteur) {
    auto canal = std::make_unique<Canal<int>>(8);
    auto copie = std::make_unique<Canal<int>>(*canal); // un second émetteur
    auto r = canal->abonner();
    canal->envoyer(1);
    canal.reset();
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(1));
    BOOST_TEST(decrire(r.essayer_recevoir()) == "Vide",
               "il reste un émetteur (la copie) : le canal n'est pas fermé");
    copie->envoyer(2);
    copie->envoyer(3);
    copie.reset();
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(2),
               "fermé, mais on lit d'abord ce qui reste");
    BOOST_TEST(decrire(r.essayer_recevoir()) == message(3));
    BOOST_TEST(decrire(r.essayer_recevoir()) == "Ferme",
               "plus d'émetteur et plus rien à lire : Ferme");
    BOOST_TEST(decrire(r.essayer_recevoir()) == "Ferme", "et Ferme le reste");
}

BOOST_AUTO_TEST_CASE(diffusion_fonctionne_avec_des_chaines) {
    Canal<std::string> canal(2);
    auto r = canal.abonner();
    auto s = canal.abonner();
    canal.envoyer("bonjour");
    auto recu = r.essayer_recevoir();
    BOOST_TEST_REQUIRE(std::holds_alternative<std::string>(recu));
    BOOST_TEST(std::get<std::string>(recu) == "bonjour");
    auto recu2 = s.essayer_recevoir();
    BOOST_TEST_REQUIRE(std::holds_alternative<std::string>(recu2));
    BOOST_TEST(std::get<std::string>(recu2) == "bonjour",
               "le second récepteur doit recevoir le message lui aussi : chaque récepteur en "
               "reçoit une COPIE (un std::move hors de l'anneau le vide pour les suivants)");
}

// 100 000 opérations au hasard (envoyer, s'abonner, se désabonner, lire, copier ou détruire un
// émetteur), comparées à un modèle qui garde TOUT l'historique : ce que l'anneau doit rendre
// se calcule alors directement.
BOOST_AUTO_TEST_CASE(diffusion_cent_mille_operations_contre_un_modele) {
    std::mt19937 alea(2024);
    for (std::size_t capacite : {1u, 3u, 16u}) {
        BOOST_TEST_CONTEXT("capacité " << capacite) {
            std::vector<std::unique_ptr<Canal<int>>> emetteurs;
            emetteurs.push_back(std::make_unique<Canal<int>>(capacite));
            std::vector<int> historique; // tous les messages gardés, par numéro
            struct Lecteur {
                std::unique_ptr<Recepteur<int>> r;
                std::size_t prochain; // position dans l'historique
            };
            std::vector<Lecteur> lecteurs;
            int valeur = 0;
            for (int op = 0; op < 34000; ++op) {
                const int choix = static_cast<int>(alea() % 100);
                if (choix < 40 && !emetteurs.empty()) {
                    const std::size_t attendu = lecteurs.size();
                    const std::size_t rendu = emetteurs[alea() % emetteurs.size()]->envoyer(valeur);
                    BOOST_TEST_REQUIRE(rendu == attendu, "envoyer doit rendre le nombre de "
                                                         "récepteurs (opération "
                                                             << op << ")");
                    if (attendu > 0) {
                        historique.push_back(valeur);
                    }
                    ++valeur;
                } else if (choix < 47 && !emetteurs.empty()) {
                    lecteurs.push_back({std::make_unique<Recepteur<int>>(emetteurs[0]->abonner()),
                                        historique.size()});
                } else if (choix < 50 && !lecteurs.empty()) {
                    lecteurs.erase(lecteurs.begin() +
                                   static_cast<std::ptrdiff_t>(alea() % lecteurs.size()));
                } else if (choix < 52 && !emetteurs.empty()) {
                    emetteurs.push_back(std::make_unique<Canal<int>>(*emetteurs.back()));
                } else if (choix < 53 && emetteurs.size() > 1) {
                    emetteurs.erase(emetteurs.begin());
                } else if (!lecteurs.empty()) {
                    auto& l = lecteurs[alea() % lecteurs.size()];
                    const std::size_t plus_ancien =
                        historique.size() > capacite ? historique.size() - capacite : 0;
                    std::string attendu;
                    if (l.prochain < plus_ancien) {
                        attendu = "EnRetard{" + std::to_string(plus_ancien - l.prochain) + "}";
                        l.prochain = plus_ancien;
                    } else if (l.prochain < historique.size()) {
                        attendu = message(historique[l.prochain++]);
                    } else {
                        attendu = emetteurs.empty() ? "Ferme" : "Vide";
                    }
                    const std::string obtenu = decrire(l.r->essayer_recevoir());
                    BOOST_TEST_REQUIRE(obtenu == attendu,
                                       "opération " << op << " : le récepteur rend " << obtenu
                                                    << " au lieu de " << attendu);
                }
            }
            // Fin : on détruit tous les émetteurs ; chacun lit le reste, puis Ferme.
            emetteurs.clear();
            for (auto& l : lecteurs) {
                for (int garde = 0; garde < 100; ++garde) {
                    if (decrire(l.r->essayer_recevoir()) == "Ferme") {
                        break;
                    }
                    BOOST_TEST_REQUIRE(garde < 99,
                                       "Ferme n'arrive jamais après le dernier émetteur");
                }
            }
        }
    }
}
