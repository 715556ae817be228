// Chapitre 07 — exercice « utiliser » : gerer_client, le cœur du serveur de chat corrigé.
//
// Solution commentée. Chaque correction renvoie à un défaut du programme de l'article
// (DESIGN.md, §4, point 4).

#include "chat.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace utiliser {

namespace {

/// Retire la fin de ligne ("\n" ou "\r\n") : le texte seul est diffusé.
std::string sans_fin_de_ligne(std::string ligne) {
    while (!ligne.empty() && (ligne.back() == '\n' || ligne.back() == '\r')) {
        ligne.pop_back();
    }
    return ligne;
}

/// Ce que fait la boucle d'un client après un événement.
enum class Suite { continuer, terminer, trop_long };

} // namespace

rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Salon> salon) {
    const std::uint64_t id = salon->prochain_id.fetch_add(1);

    // S'abonner AVANT d'annoncer la bienvenue : tout message envoyé après que le client a lu
    // « bienvenue » lui parviendra (les tests, et un vrai client, peuvent compter dessus).
    // Ce Receiver est toute la « présence » du client dans le salon : détruit à la fin de
    // cette coroutine, quelle qu'en soit la raison (correction n° 1 : plus de client fantôme).
    auto rx = salon->emetteur.subscribe();

    auto [lecture, ecriture] = std::move(socket).into_split();
    LecteurDeLignes lignes(std::move(lecture));

    Suite suite = Suite::continuer;
    try {
        co_await ecriture.write_all(ligne_bienvenue(id));

        while (suite == Suite::continuer) {
            // Un select à DEUX branches, qui a une raison d'être (correction n° 4) : une seule
            // tâche par client, qui écrit ce qu'elle reçoit du salon ET lit ce que le client
            // envoie. Les deux branches sont sûres face à l'annulation : celle qui perd ne
            // perd rien (recv n'a rien pris ; prochaine() garde ses octets dans `lignes`).
            // La réception d'abord : un client qui envoie une rafale vide aussi sa propre
            // file au fil de l'eau, au lieu d'y prendre du retard sur ses propres messages.
            auto evenement = co_await rt::select(rx.recv(), lignes.prochaine());

            if (evenement.index() == 0) {
                auto recu = std::get<0>(std::move(evenement));
                if (recu) {
                    // Correction n° 2 : pas d'écho. Le message porte son auteur.
                    if (recu->auteur != id) {
                        co_await ecriture.write_all(ligne_message(*recu));
                    }
                } else if (recu.error().is_lagged()) {
                    // Le lecteur lent perd des messages, et le sait ; ni l'émetteur ni les
                    // autres clients ne l'ont attendu.
                    co_await ecriture.write_all(ligne_perdus(recu.error().skipped()));
                } else {
                    suite = Suite::terminer; // le salon est fermé (arrêt du serveur)
                }
            } else if (auto ligne = std::get<1>(std::move(evenement))) {
                std::string texte = sans_fin_de_ligne(std::move(*ligne));
                if (!texte.empty()) {
                    // Correction n° 3 : un seul canal, un seul send, quel que soit le nombre
                    // de clients ; pas de verrou à prendre. L'erreur « aucun récepteur » est
                    // impossible ici (nous sommes abonnés) et sans conséquence.
                    (void)salon->emetteur.send(Message{id, std::move(texte)});
                }
            } else {
                suite = Suite::terminer; // fin de flux : le client est parti
            }
        }
    } catch (const std::length_error&) {
        suite = Suite::trop_long;
    } catch (const std::system_error&) {
        // ECONNRESET, EPIPE... : le client est parti brutalement. Ce n'est une erreur que
        // pour lui ; on sort sans bruit, et rx est détruit comme dans le cas normal.
        co_return;
    }

    if (suite == Suite::trop_long) {
        // Ligne bornée : on prévient, puis on ferme (fonction fournie, voir chat.hpp). Hors
        // du catch : pas de co_await dans un gestionnaire d'exception (interdit en C++20).
        co_await refuser_ligne_trop_longue(ecriture, lignes);
    }
}

} // namespace utiliser
