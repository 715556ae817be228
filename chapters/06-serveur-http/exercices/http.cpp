// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé.
//
// Point de départ : traiter_connexion est ici celui de l'article (exemples/serveur_article.cpp,
// sans la pause). Il suppose qu'un read rend une requête entière, répond 200 à n'importe quoi,
// ignore le corps des requêtes, attend sans limite un client muet, et ferme après une seule
// réponse. servir est la boucle d'acceptation de l'article : la première erreur d'accept
// l'arrête. À vous de les corriger (marques TODO) ; le contrat exact est dans http.hpp.
//
// Vérifiez-vous avec `./cours verifier 06 http` ; indices : `./cours indice 06 http`.
#include "http.hpp"

#include <array>
#include <exception>
#include <iostream>
#include <string>
#include <utility>

namespace utiliser {

Jugement juger(std::string_view tete) {
    // TODO (1) : juger la tête (sans le « \r\n\r\n » final).
    //   - première ligne (jusqu'au premier « \r\n ») : « MÉTHODE CIBLE VERSION », exactement
    //     trois mots ; MÉTHODE en lettres majuscules, CIBLE non vide, VERSION « HTTP/1.1 » ou
    //     « HTTP/1.0 » ; sinon Verdict::Invalide ;
    //   - chaque ligne suivante : « Nom: valeur » (un « : », un nom non vide, sans espace ni
    //     tabulation) ; et aucune ligne ne contient de « \r » ni de « \n » isolé (hors des
    //     « \r\n » qui séparent les lignes) ; sinon Invalide ;
    //   - keep-alive par défaut en HTTP/1.1, fermeture par défaut en HTTP/1.0 ; l'en-tête
    //     Connection (nom et valeur sans tenir compte de la casse) « close » ou « keep-alive »
    //     change ce choix : Verdict::Fermer ou Verdict::Garder.
    // TODO (6) : le corps. Content-Length (nom sans casse, valeur sans les espaces autour) :
    //     des chiffres seulement, sans déborder un std::size_t, une seule fois ; sinon
    //     Invalide. Sa valeur va dans longueur_corps. Transfer-Encoding (n'importe quelle
    //     valeur) : Verdict::NonImplemente ; avec Content-Length en plus : Invalide.
    (void)tete;
    return Jugement{Verdict::Garder};
}

rt::Task<void> traiter_connexion(rt::net::TcpStream socket, Delais delais) {
    // TODO (2) : une tête de requête n'arrive pas forcément en un seul read. Accumulez les
    // octets reçus dans un std::string qui vit hors de la boucle des requêtes, et lisez
    // jusqu'à y trouver « \r\n\r\n » (0 octet lu : le client est parti, co_return).
    //   - tête de plus de TAILLE_MAX_TETE octets (délimiteur compris), ou tampon plein sans
    //     délimiteur : REPONSE_431, puis fermer ;
    //   - ne retirez du tampon que la tête traitée : la suite est la requête suivante.
    //
    // TODO (7) : les délais. Chaque read passe par
    //     co_await rt::time::timeout_at(echeance, socket.read(...))   // rt::Result<size_t,
    //     Elapsed>
    //   - tampon vide (connexion neuve, ou entre deux requêtes) : échéance maintenant +
    //     delais.inactivite ; si elle passe, co_return sans rien répondre ;
    //   - dès le premier octet de la requête (ou tout de suite s'il est déjà dans le tampon) :
    //     échéance maintenant + delais.requete pour la tête ET le corps ; si elle passe,
    //     REPONSE_408, puis fermer.
    (void)delais;
    std::array<char, 1024> tampon;
    const std::size_t n = co_await socket.read(tampon);
    if (n == 0) {
        co_return;
    }

    // TODO (6, suite) : avant de répondre à une requête valide, lisez et jetez exactement
    // longueur_corps octets (d'abord ceux qui sont déjà dans le tampon, puis des read d'au
    // plus ce qui reste) : sinon le corps serait pris pour la requête suivante.
    //
    // TODO (3) : répondre selon juger(...).verdict : REPONSE_OK et recommencer (keep-alive),
    // REPONSE_OK_FERMER puis fermer, REPONSE_400 (Invalide) ou REPONSE_501 (NonImplemente)
    // puis fermer. Avant de fermer après une erreur (400, 408, 431, 501), shutdown_write()
    // puis lire et jeter ce que le client envoie encore (un temps borné, rt::time::timeout) :
    // fermer un socket dont le tampon de réception n'est pas vide fait envoyer un RST, et le
    // client perdrait la réponse.
    co_await socket.write_all(REPONSE_OK);
}

rt::Task<void> servir(rt::net::TcpListener listener, Delais delais, Journal journal) {
    // TODO (8) : c'est la boucle de l'article. Le moindre échec d'accept (EMFILE : plus de
    // descripteur libre) sort de servir, et le serveur entier s'arrête. Corrigez-la :
    //   - attrapez std::system_error autour de co_await listener.accept() et appelez
    //     journal(erreur) ;
    //   - puis attendez PAUSE_APRES_ECHEC_ACCEPT (co_await rt::time::sleep(...)) avant de
    //     réessayer. Pas dans le bloc catch : le C++ y interdit co_await ; notez l'échec
    //     (un std::optional vide, un booléen) et attendez après le catch ;
    //   - gardez une tâche par connexion (rt::spawn), pas un co_await traiter_connexion(...)
    //     qui servirait les clients un par un.
    (void)journal;
    for (;;) {
        auto [socket, addr] = co_await listener.accept();
        (void)rt::spawn([socket = std::move(socket), delais]() mutable -> rt::Task<void> {
            try {
                co_await traiter_connexion(std::move(socket), delais);
            } catch (const std::exception& e) {
                std::cerr << "connexion interrompue : " << e.what() << std::endl;
            }
        });
    }
}

} // namespace utiliser
