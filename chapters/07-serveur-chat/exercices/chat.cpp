// Chapitre 07 — exercice « utiliser » : gerer_client, le cœur du serveur de chat corrigé.
//
// Lisez d'abord chat.hpp (le protocole, le Salon, les fonctions fournies). Vérifiez-vous avec
// « ./cours verifier 07 chat » ; indices gradués : « ./cours indice 07 chat ».

#include "chat.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace utiliser {

rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Salon> salon) {
    // TODO 1 : prendre un numéro (salon->prochain_id) et s'abonner au salon AVANT d'envoyer
    //          ligne_bienvenue(id) : ce Receiver est la présence du client dans le salon.
    // TODO 2 : couper la connexion (std::move(socket).into_split()) ; mettre la moitié
    //          lecture dans un LecteurDeLignes (chat.hpp) ; envoyer la bienvenue.
    // TODO 3 : boucler sur co_await rt::select(rx.recv(), lignes.prochaine()) :
    //            - un message d'un AUTRE client : l'écrire (ligne_message) ;
    //            - un retard (is_lagged) : écrire ligne_perdus(n) ;
    //            - une ligne : la diffuser (Message{id, texte sans "\r\n"}), sauf si vide ;
    //            - fin de flux (std::nullopt) ou salon fermé : sortir.
    // TODO 4 : std::length_error (ligne trop longue) -> refuser_ligne_trop_longue, HORS du
    //          catch ; std::system_error (client parti brutalement) -> sortir sans bruit.
    (void)socket;
    (void)salon;
    co_return;
}

} // namespace utiliser
