// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé du serveur HTTP.
//
// Ce fichier est fourni tel quel : vous complétez http.cpp.
// Vérifiez-vous avec `./cours verifier 06 http` ; indices : `./cours indice 06 http`.
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>
#include <system_error>

namespace utiliser {

/// Taille maximale d'une tête de requête (ligne de requête, en-têtes et le « \r\n\r\n »
/// final compris). Au-delà : réponse 431, puis fermeture. Le corps n'est pas compté.
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
/// Tête invalide (Verdict::Invalide).
inline constexpr std::string_view REPONSE_400 = "HTTP/1.1 400 Bad Request\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";
/// Requête commencée mais pas reçue entière (tête et corps) dans le délai Delais::requete.
inline constexpr std::string_view REPONSE_408 = "HTTP/1.1 408 Request Timeout\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";
/// Tête de plus de TAILLE_MAX_TETE octets.
inline constexpr std::string_view REPONSE_431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";
/// Corps annoncé par « Transfer-Encoding » (Verdict::NonImplemente) : ce serveur ne sait pas
/// le lire, il refuse la requête au lieu de deviner où elle finit.
inline constexpr std::string_view REPONSE_501 = "HTTP/1.1 501 Not Implemented\r\n"
                                                "Content-Length: 0\r\n"
                                                "Connection: close\r\n"
                                                "\r\n";

/// Ce que dit une tête de requête complète.
enum class Verdict {
    Garder,       ///< requête valide : répondre REPONSE_OK et garder la connexion (keep-alive)
    Fermer,       ///< requête valide avec « Connection: close » (ou HTTP/1.0 sans
                  ///< keep-alive) : répondre REPONSE_OK_FERMER, puis fermer
    Invalide,     ///< pas une requête HTTP/1.x acceptable : répondre REPONSE_400, puis fermer
    NonImplemente ///< corps en « Transfer-Encoding » : répondre REPONSE_501, puis fermer
};

/// Le jugement d'une tête : le verdict et, pour Garder et Fermer, la longueur du corps qui
/// suit la tête (la valeur de Content-Length, 0 sans cet en-tête). Pour Invalide et
/// NonImplemente, longueur_corps vaut 0 et ne sert pas.
struct Jugement {
    Verdict verdict;
    std::size_t longueur_corps = 0;
};

/// (1) Juge une tête complète, SANS le « \r\n\r\n » final (lignes séparées par « \r\n »).
///
/// Invalide (400) si l'une de ces règles n'est pas respectée :
/// - la première ligne est « MÉTHODE CIBLE HTTP/1.1 » (ou HTTP/1.0) : exactement trois mots
///   séparés par une espace, une méthode faite de lettres majuscules, une cible non vide ;
/// - chaque ligne suivante est « Nom: valeur » : elle contient « : », et le nom (ce qui
///   précède le premier « : ») est non vide et ne contient ni espace ni tabulation. Sont donc
///   refusés « Transfer-Encoding : chunked » (espace avant le deux-points, RFC 9112 §5.1) et
///   une ligne qui commence par une espace ou une tabulation (repli de ligne obsolète) ;
/// - aucune ligne ne contient de « \r » ni de « \n » isolé (hors des « \r\n » séparateurs) ;
/// - Content-Length, s'il est présent, apparaît une seule fois, et sa valeur, espaces et
///   tabulations autour retirées, est faite d'au moins un chiffre et rien d'autre, et tient
///   dans un std::size_t ;
/// - Content-Length et Transfer-Encoding ne sont pas présents tous les deux.
/// Sinon, NonImplemente (501) si Transfer-Encoding est présent, quelle que soit sa valeur.
/// Sinon, Garder ou Fermer, avec longueur_corps = Content-Length (0 sans cet en-tête) :
/// keep-alive par défaut en HTTP/1.1, fermeture par défaut en HTTP/1.0 ; un en-tête
/// Connection de valeur « close » ou « keep-alive » change ce choix (le dernier l'emporte).
/// Les noms d'en-tête se comparent sans tenir compte de la casse, la valeur de Connection
/// aussi ; les espaces et tabulations autour d'une valeur sont ignorées.
Jugement juger(std::string_view tete);

/// Les deux délais d'une connexion (valeurs par défaut : 10 s chacun ; les tests les
/// raccourcissent).
struct Delais {
    /// Attente du premier octet d'une requête, quand aucun octet n'est en attente dans le
    /// tampon (connexion neuve, ou connexion gardée entre deux requêtes). À l'échéance : la
    /// connexion est fermée sans rien répondre.
    std::chrono::milliseconds inactivite{10'000};
    /// Du premier octet d'une requête jusqu'à la réception complète de sa tête ET de son
    /// corps. À l'échéance : REPONSE_408, puis fermeture. Si des octets de la requête
    /// suivante sont déjà dans le tampon (pipelining), son échéance court aussitôt.
    std::chrono::milliseconds requete{10'000};
};

/// (2) Sert une connexion jusqu'à sa fin :
/// - lit chaque tête de requête en autant de `read` qu'il faut (jusqu'au « \r\n\r\n »), en
///   gardant les octets reçus au-delà pour la suite ; une tête de plus de TAILLE_MAX_TETE
///   octets reçoit REPONSE_431, puis la connexion est fermée ;
/// - répond selon juger() : 400 ou 501, puis fermeture ; pour Garder et Fermer, lit d'abord
///   et jette exactement longueur_corps octets de corps (en flux : la mémoire reste bornée
///   quelle que soit la longueur), puis répond REPONSE_OK (et recommence) ou
///   REPONSE_OK_FERMER (et ferme). Un corps n'est jamais pris pour une requête ;
/// - applique les délais de `delais` (voir Delais) avec rt::time::timeout_at.
/// Un client qui ferme (fin de flux) termine la fonction normalement ; les erreurs d'E/S
/// (ECONNRESET...) sont levées en std::system_error. Après une réponse d'erreur (400, 408,
/// 431, 501), la fermeture est « polie » : shutdown_write(), puis lire et jeter un temps
/// borné ce que le client envoie encore, pour qu'il ne perde pas la réponse dans un RST.
rt::Task<void> traiter_connexion(rt::net::TcpStream socket, Delais delais = {});

/// Pause de la boucle d'acceptation après un échec d'`accept` (voir servir).
inline constexpr std::chrono::milliseconds PAUSE_APRES_ECHEC_ACCEPT{50};

/// Ce que servir appelle à chaque échec d'`accept` (un vrai serveur l'écrit dans son
/// journal ; les tests comptent les appels).
using Journal = std::function<void(const std::system_error&)>;

/// (8) La boucle d'acceptation, corrigée. Accepte les connexions de `listener` sans fin et
/// lance, pour chacune, une tâche (rt::spawn) qui appelle traiter_connexion(socket, delais)
/// et attrape ses exceptions : une connexion qui échoue (ECONNRESET...) ne concerne qu'elle.
/// Quand `listener.accept()` lève std::system_error (EMFILE : le processus n'a plus de
/// descripteur libre ; ENFILE, ENOBUFS, ENOMEM...) :
/// - le serveur ne s'arrête pas (c'est le `accept().await?` de l'article qui l'arrêtait) ;
/// - journal(erreur) est appelé, une fois par échec ;
/// - puis on attend PAUSE_APRES_ECHEC_ACCEPT (rt::time::sleep) avant de réessayer. Sans cette
///   pause, la connexion toujours en file laisse le listener « prêt » : la boucle échouerait
///   aussitôt, encore et encore, et prendrait tout le processeur.
/// Ne rend jamais la main : on l'arrête en annulant sa tâche (ou en arrêtant le runtime).
rt::Task<void> servir(rt::net::TcpListener listener, Delais delais, Journal journal);

} // namespace utiliser
