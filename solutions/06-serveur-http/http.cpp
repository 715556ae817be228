// Chapitre 06 — exercice « utiliser » : le gestionnaire de connexion corrigé.
// Solution commentée. Comparez avec traiter_connexion de exemples/serveur_article.cpp : une
// seule lecture de 1024 octets y tenait lieu de requête.
#include "http.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <string>

namespace utiliser {

namespace {

using namespace std::chrono_literals;

/// Comparaison sans tenir compte de la casse (les noms d'en-tête HTTP y sont insensibles).
bool egal_sans_casse(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view sans_espaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

/// Coupe `texte` au premier `separateur` : rend ce qui précède, garde la suite dans `texte`.
std::string_view couper(std::string_view& texte, std::string_view separateur) {
    const auto pos = texte.find(separateur);
    std::string_view avant = texte.substr(0, pos);
    texte =
        pos == std::string_view::npos ? std::string_view{} : texte.substr(pos + separateur.size());
    return avant;
}

/// Après une réponse d'erreur : fermer notre sens d'écriture, puis lire et jeter ce que le
/// client envoie encore, un temps borné. Fermer un socket dont le tampon de réception n'est
/// pas vide fait envoyer un RST par le noyau, et le client risquerait de perdre la réponse.
rt::Task<void> fermer_poliment(rt::net::TcpStream& socket) {
    socket.shutdown_write();
    std::array<char, 4096> poubelle;
    std::size_t jetes = 0;
    while (jetes < 64 * 1024) {
        auto n = co_await rt::time::timeout(1s, socket.read(poubelle));
        if (!n || *n == 0) {
            co_return; // délai écoulé ou fin de flux : on peut fermer
        }
        jetes += *n;
    }
}

} // namespace

Verdict juger(std::string_view tete) {
    std::string_view ligne = couper(tete, "\r\n");
    const std::string_view methode = couper(ligne, " ");
    const std::string_view cible = couper(ligne, " ");
    const std::string_view version = ligne;
    const bool methode_ok = !methode.empty() && std::ranges::all_of(methode, [](char c) {
        return c >= 'A' && c <= 'Z';
    });
    if (!methode_ok || cible.empty() || (version != "HTTP/1.1" && version != "HTTP/1.0")) {
        return Verdict::Invalide; // couvre aussi « trop de mots » : la version les contiendrait
    }
    // Par défaut, HTTP/1.1 garde la connexion, HTTP/1.0 la ferme.
    bool garder = version == "HTTP/1.1";
    while (!tete.empty()) {
        std::string_view entete = couper(tete, "\r\n");
        const auto deux_points = entete.find(':');
        if (deux_points == std::string_view::npos || deux_points == 0) {
            return Verdict::Invalide;
        }
        if (egal_sans_casse(entete.substr(0, deux_points), "Connection")) {
            const std::string_view valeur = sans_espaces(entete.substr(deux_points + 1));
            if (egal_sans_casse(valeur, "close")) {
                garder = false;
            } else if (egal_sans_casse(valeur, "keep-alive")) {
                garder = true;
            }
        }
    }
    return garder ? Verdict::Garder : Verdict::Fermer;
}

rt::Task<void> traiter_connexion(rt::net::TcpStream socket) {
    // Les octets reçus et pas encore consommés. Ils survivent d'une requête à la suivante :
    // un client peut envoyer deux requêtes d'un coup (pipelining), un read peut donc en
    // rendre une et demie.
    std::string recu;
    std::array<char, 4096> morceau;
    for (;;) {
        // 1. Lire jusqu'à la fin de la tête, en autant de read qu'il faut, sans dépasser la
        //    limite : un client ne doit pas pouvoir nous faire grossir un tampon sans fin.
        std::size_t deja_cherche = 0;
        std::size_t fin = recu.find("\r\n\r\n");
        while (fin == std::string::npos) {
            if (recu.size() >= TAILLE_MAX_TETE) {
                co_await socket.write_all(REPONSE_431);
                co_await fermer_poliment(socket);
                co_return;
            }
            // On ne recherche que dans ce qui est nouveau (3 octets de recouvrement : le
            // délimiteur peut être à cheval sur deux lectures).
            deja_cherche = recu.size() < 3 ? 0 : recu.size() - 3;
            const std::size_t n = co_await socket.read(morceau);
            if (n == 0) {
                co_return; // le client a fermé (entre deux requêtes : c'est la fin normale)
            }
            recu.append(morceau.data(), n);
            fin = recu.find("\r\n\r\n", deja_cherche);
        }
        if (fin + 4 > TAILLE_MAX_TETE) {
            co_await socket.write_all(REPONSE_431);
            co_await fermer_poliment(socket);
            co_return;
        }

        // 2. Juger la tête, la retirer du tampon (la suite est peut-être la requête suivante).
        const Verdict verdict = juger(std::string_view(recu).substr(0, fin));
        recu.erase(0, fin + 4);

        // 3. Répondre ; fermer si le client l'a demandé ou si la requête est invalide.
        switch (verdict) {
        case Verdict::Garder:
            co_await socket.write_all(REPONSE_OK);
            break;
        case Verdict::Fermer:
            co_await socket.write_all(REPONSE_OK_FERMER);
            co_return; // le destructeur du socket ferme la connexion
        case Verdict::Invalide:
            co_await socket.write_all(REPONSE_400);
            co_await fermer_poliment(socket);
            co_return;
        }
    }
}

} // namespace utiliser
