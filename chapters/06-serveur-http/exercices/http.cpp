// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé.
//
// Point de départ : traiter_connexion est ici celui de l'article (exemples/serveur_article.cpp,
// sans la pause). Il suppose qu'un read rend une requête entière, répond 200 à n'importe quoi
// et ferme après une seule réponse. À vous de le corriger (marques TODO) ; le contrat exact
// est dans http.hpp.
//
// Vérifiez-vous avec `./cours verifier 06` ; indices : `./cours indice 06`.
#include "http.hpp"

#include <array>
#include <string>

namespace utiliser {

Verdict juger(std::string_view tete) {
    // TODO (1) : juger la tête (sans le « \r\n\r\n » final).
    //   - première ligne (jusqu'au premier « \r\n ») : « MÉTHODE CIBLE VERSION », exactement
    //     trois mots ; MÉTHODE en lettres majuscules, CIBLE non vide, VERSION « HTTP/1.1 » ou
    //     « HTTP/1.0 » ; sinon Verdict::Invalide ;
    //   - chaque ligne suivante : « Nom: valeur » (un « : », un nom non vide) ; sinon Invalide ;
    //   - keep-alive par défaut en HTTP/1.1, fermeture par défaut en HTTP/1.0 ; l'en-tête
    //     Connection (nom et valeur sans tenir compte de la casse) « close » ou « keep-alive »
    //     change ce choix : Verdict::Fermer ou Verdict::Garder.
    (void)tete;
    return Verdict::Garder;
}

rt::Task<void> traiter_connexion(rt::net::TcpStream socket) {
    // TODO (2) : une tête de requête n'arrive pas forcément en un seul read. Accumulez les
    // octets reçus dans un std::string qui vit hors de la boucle des requêtes, et lisez
    // jusqu'à y trouver « \r\n\r\n » (0 octet lu : le client est parti, co_return).
    //   - tête de plus de TAILLE_MAX_TETE octets (délimiteur compris), ou tampon plein sans
    //     délimiteur : REPONSE_431, puis fermer ;
    //   - ne retirez du tampon que la tête traitée : la suite est la requête suivante.
    std::array<char, 1024> tampon;
    const std::size_t n = co_await socket.read(tampon);
    if (n == 0) {
        co_return;
    }

    // TODO (3) : répondre selon juger(...) : REPONSE_OK et recommencer (keep-alive),
    // REPONSE_OK_FERMER puis fermer, ou REPONSE_400 puis fermer. Avant de fermer après une
    // erreur, shutdown_write() puis lire et jeter ce que le client envoie encore (un temps
    // borné, rt::time::timeout) : fermer un socket dont le tampon de réception n'est pas vide
    // fait envoyer un RST, et le client perdrait la réponse.
    co_await socket.write_all(REPONSE_OK);
}

} // namespace utiliser
