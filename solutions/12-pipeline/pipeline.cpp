// Chapitre 12 — exercice « utiliser » : le pipeline lecture → 4 workers → agrégation.
//
// SOLUTION commentée. L'interface (et le contrat) est dans pipeline.hpp.
//
// Trois règles font tout le travail :
//   1. des canaux BORNÉS : la lecture attend quand les workers sont en retard (la mémoire
//      reste bornée : au plus `capacite` lignes en attente, plus une par worker) ;
//   2. chaque étage POSSÈDE ses Sender (déplacés ou copiés dans ses captures), et personne
//      d'autre : quand un étage finit — normalement ou par une exception —, ses Sender sont
//      détruits avec ses captures, et l'étage suivant voit la fin (recv rend std::nullopt) ;
//   3. les étages sont dans un rt::JoinSet : l'agrégation voit l'échec d'un étage dès qu'il
//      arrive (join_next), annule les autres et relance l'exception d'origine.
#include "pipeline.hpp"

#include <exception>
#include <memory>
#include <utility>
#include <variant>

namespace utiliser {

namespace mpsc = rt::sync::mpsc;

rt::Task<std::vector<long>> pipeline(Source source, Transformation transformer,
                                     std::size_t capacite) {
    auto [tx_lignes, rx_lignes] = mpsc::channel<std::string>(capacite);
    auto [tx_resultats, rx_resultats] = mpsc::channel<long>(capacite);
    rt::JoinSet<void> etages; // détruit = annulé : aucun étage ne survit au pipeline

    // Étage 1 : la lecture. Le seul Sender de tx_lignes est DÉPLACÉ dans sa capture : à la
    // fin de l'entrée (ou si source() lève), il est détruit, et les workers voient la fin.
    etages.spawn([source = std::move(source), tx = std::move(tx_lignes)]() -> rt::Task<void> {
        while (auto ligne = source()) {
            if (!co_await tx.send(std::move(*ligne))) {
                co_return; // plus personne en aval : inutile de lire la suite
            }
        }
    });

    // Étage 2 : 4 workers qui se partagent UN récepteur (un mpsc n'a qu'un récepteur) derrière
    // un verrou asynchrone. Celui qui tient le verrou attend la ligne suivante ; les autres
    // attendent le verrou, puis leur tour. Le verrou est rendu AVANT la transformation : les
    // 4 transformations tournent en même temps.
    auto lignes =
        std::make_shared<rt::sync::Mutex<mpsc::Receiver<std::string>>>(std::move(rx_lignes));
    {
        // Chaque worker reçoit sa COPIE de l'émetteur des résultats ; l'original meurt à la
        // fin de ce bloc. S'il vivait jusqu'à la fin de la fonction, l'agrégation attendrait
        // toujours un résultat qu'il n'enverra jamais : le pipeline ne finirait pas.
        const mpsc::Sender<long> tx = std::move(tx_resultats);
        for (std::size_t i = 0; i < WORKERS; ++i) {
            etages.spawn([lignes, transformer, tx]() -> rt::Task<void> {
                for (;;) {
                    std::optional<std::string> ligne;
                    {
                        auto garde = co_await lignes->lock();
                        ligne = co_await garde->recv();
                    } // verrou rendu ici
                    if (!ligne) {
                        co_return; // la lecture est finie et la file est vide
                    }
                    const long resultat = co_await transformer(std::move(*ligne));
                    if (!co_await tx.send(resultat)) {
                        co_return; // l'agrégation est partie
                    }
                }
            });
        }
    }

    // Étage 3 : l'agrégation, ici même. Deux choses à attendre à la fois : un résultat, ou la
    // fin d'un étage (peut-être un échec). recv et join_next sont sûrs face à l'annulation
    // (la branche perdante ne perd rien), on peut donc les mettre en course dans un select.
    std::vector<long> resultats;
    for (;;) {
        auto r = co_await rt::select(rx_resultats.recv(), etages.join_next());
        if (r.index() == 0) {
            auto& message = std::get<0>(r);
            if (!message) {
                break; // tous les workers sont partis : plus rien ne viendra
            }
            resultats.push_back(*message);
        } else {
            auto& fin = std::get<1>(r); // std::optional<rt::Result<void, rt::JoinError>>
            if (fin && !*fin && fin->error().is_panic()) {
                // Un étage a levé une exception : on arrête tout, on attend que les autres
                // étages soient détruits, puis on relance l'exception d'origine.
                const std::exception_ptr erreur = fin->error().panic();
                etages.abort_all();
                while (co_await etages.join_next()) {
                }
                std::rethrow_exception(erreur);
            }
        }
    }

    // Les workers sont finis ; un étage a pourtant pu échouer avant eux (la lecture, dont
    // l'échec ferme le canal des lignes : les workers finissent « normalement » juste après).
    while (auto fin = co_await etages.join_next()) {
        if (!*fin && fin->error().is_panic()) {
            std::rethrow_exception(fin->error().panic());
        }
    }
    co_return resultats;
}

} // namespace utiliser
