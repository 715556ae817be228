// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé du serveur HTTP.
//
// Ce fichier est fourni tel quel : vous complétez http.cpp.
// Vérifiez-vous avec `./cours verifier 06` ; indices : `./cours indice 06`.
#pragma once

#include <rt/rt.hpp>

#include <cstddef>
#include <string_view>

namespace utiliser {

/// Taille maximale d'une tête de requête (ligne de requête, en-têtes et le « \r\n\r\n »
/// final compris). Au-delà : réponse 431, puis fermeture.
inline constexpr std::size_t TAILLE_MAX_TETE = 8 * 1024;

/// Les réponses du serveur, octet pour octet (les tests les comparent telles quelles).
inline constexpr std::string_view REPONSE_OK = "HTTP/1.1 200 OK\r\n"
                                               "Content-Type: text/plain\r\n"
                                               "Content-Length: 13\r\n"
                                               "\r\n"
                                               "Hello, World!";
/// La même, quand la connexion va être fermée après elle.
inline constexpr std::string_view REPONSE_OK_FERMER = "HTTP/1.1 200 OK\r\n"
                                                      "Content-Type: text/plain\r\n"
                                                      "Content-Length: 13\r\n"
                                                      "Connection: close\r\n"
                                                      "\r\n"
                                                      "Hello, World!";
inline constexpr std::string_view REPONSE_400 = "HTTP/1.1 400 Bad Request\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";
inline constexpr std::string_view REPONSE_431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";

/// Ce que dit une tête de requête complète.
enum class Verdict {
    Garder,  ///< requête valide : répondre REPONSE_OK et garder la connexion (keep-alive)
    Fermer,  ///< requête valide avec « Connection: close » (ou HTTP/1.0 sans keep-alive) :
             ///< répondre REPONSE_OK_FERMER, puis fermer
    Invalide ///< pas une requête HTTP/1.x : répondre REPONSE_400, puis fermer
};

/// (1) Juge une tête complète, SANS le « \r\n\r\n » final (lignes séparées par « \r\n »).
/// Valide si la première ligne est « MÉTHODE CIBLE HTTP/1.1 » (ou HTTP/1.0) : exactement
/// trois mots séparés par une espace, une méthode faite de lettres majuscules, une cible non
/// vide ; et si chaque ligne d'en-tête suivante contient « : » avec un nom non vide.
/// Le nom d'en-tête « Connection » se compare sans tenir compte de la casse, sa valeur aussi
/// (« close », « keep-alive »), espaces autour ignorées.
Verdict juger(std::string_view tete);

/// (2) Sert une connexion jusqu'à sa fin : lit chaque tête de requête en autant de `read`
/// qu'il faut (jusqu'au « \r\n\r\n »), en gardant les octets reçus au-delà pour la requête
/// suivante ; répond selon juger() ; recommence tant que la connexion est gardée.
/// Une tête de plus de TAILLE_MAX_TETE octets reçoit REPONSE_431, puis la connexion est
/// fermée. Un client qui ferme (fin de flux) termine la fonction normalement ; les erreurs
/// d'E/S (ECONNRESET...) sont levées en std::system_error.
rt::Task<void> traiter_connexion(rt::net::TcpStream socket);

} // namespace utiliser
