/// \file
/// \brief Chapitre 06 — l'analyse d'une tête de requête HTTP/1.x du serveur corrigé
/// (`serveur_corrige.cpp`) : valide ou non, connexion gardée ou fermée, longueur du corps.
///
/// Même contrat que `utiliser::juger` (l'exercice, `exercices/http.hpp`), écrit autrement :
/// un fuzzeur (`tests/fuzz/fuzz_tete_http.cpp`) donne les mêmes octets aux deux et vérifie
/// qu'ils rendent le même verdict. Sans dépendance à `rt` : une fonction pure sur une
/// `std::string_view`.
///
/// Règles, dans l'ordre :
/// 1. **Invalide** (400) si la première ligne n'est pas « MÉTHODE CIBLE HTTP/1.1 » (ou
///    HTTP/1.0 ; méthode en majuscules, cible non vide, exactement deux espaces) ; si une ligne
///    d'en-tête n'a pas de « : », ou un nom vide ou qui contient une espace ou une tabulation
///    (« Transfer-Encoding : chunked », ou une ligne repliée qui commence par une espace) ; si
///    une ligne contient un `\r` ou un `\n` isolé ; si Content-Length est répété, ou n'est
///    pas un nombre décimal qui tient dans un `std::size_t` ; si Content-Length et
///    Transfer-Encoding sont présents tous les deux.
/// 2. Sinon **NonImplemente** (501) si Transfer-Encoding est présent : ce serveur ne lit que
///    les corps annoncés par Content-Length.
/// 3. Sinon **Garder** ou **Fermer** (selon la version et l'en-tête Connection), avec la
///    longueur du corps (0 sans Content-Length).
#pragma once

#include <charconv>
#include <cstddef>
#include <string_view>
#include <system_error>

/// \brief L'analyse d'une tête de requête HTTP/1.x (chapitre 06).
namespace tete_http {

/// Ce que dit une tête de requête complète.
enum class Verdict {
    Garder,       ///< valide : répondre, puis attendre la requête suivante (keep-alive)
    Fermer,       ///< valide, « Connection: close » ou HTTP/1.0 : répondre, puis fermer
    Invalide,     ///< 400 Bad Request, puis fermer
    NonImplemente ///< Transfer-Encoding : 501 Not Implemented, puis fermer
};

/// Le résultat de `analyser` : `longueur_corps` n'a de sens que pour Garder et Fermer.
struct Analyse {
    Verdict verdict;                ///< que faire de la requête
    std::size_t longueur_corps = 0; ///< octets de corps après la tête (Content-Length, ou 0)
};

namespace detail {

/// Vrai si `nom` est `attendu` (écrit en minuscules) sans tenir compte de la casse ASCII.
constexpr bool nom_egal(std::string_view nom, std::string_view attendu) {
    if (nom.size() != attendu.size()) {
        return false;
    }
    for (std::size_t i = 0; i < nom.size(); ++i) {
        const char c =
            nom[i] >= 'A' && nom[i] <= 'Z' ? static_cast<char>(nom[i] + ('a' - 'A')) : nom[i];
        if (c != attendu[i]) {
            return false;
        }
    }
    return true;
}

/// `s` sans les espaces et tabulations du début et de la fin.
constexpr std::string_view rogner(std::string_view s) {
    const auto debut = s.find_first_not_of(" \t");
    if (debut == std::string_view::npos) {
        return {};
    }
    return s.substr(debut, s.find_last_not_of(" \t") - debut + 1);
}

} // namespace detail

/// Analyse une tête complète, sans le `\r\n\r\n` final (voir les règles en tête de fichier).
inline Analyse analyser(std::string_view tete) {
    constexpr Analyse invalide{Verdict::Invalide};
    constexpr auto npos = std::string_view::npos;

    // La ligne de requête : deux espaces, trois mots.
    const std::size_t fin_ligne = tete.find("\r\n");
    const std::string_view ligne = tete.substr(0, fin_ligne);
    const std::size_t espace1 = ligne.find(' ');
    const std::size_t espace2 = espace1 == npos ? npos : ligne.find(' ', espace1 + 1);
    if (espace2 == npos || espace1 == 0 || espace2 == espace1 + 1 ||
        ligne.find_first_of("\r\n") != npos) {
        return invalide;
    }
    for (std::size_t i = 0; i < espace1; ++i) {
        if (ligne[i] < 'A' || ligne[i] > 'Z') {
            return invalide;
        }
    }
    const std::string_view version = ligne.substr(espace2 + 1);
    const bool http11 = version == "HTTP/1.1";
    if (!http11 && version != "HTTP/1.0") {
        return invalide;
    }

    // Les en-têtes, une ligne « Nom: valeur » après l'autre.
    bool garder = http11;
    bool longueur_vue = false;
    bool transfer_encoding = false;
    std::size_t longueur = 0;
    std::size_t pos = fin_ligne == npos ? tete.size() : fin_ligne + 2;
    while (pos < tete.size()) {
        const std::size_t fin = tete.find("\r\n", pos);
        const std::string_view entete = tete.substr(pos, fin == npos ? npos : fin - pos);
        pos = fin == npos ? tete.size() : fin + 2;

        const std::size_t deux_points = entete.find(':');
        if (deux_points == npos || deux_points == 0 || entete.find_first_of(" \t") < deux_points ||
            entete.find_first_of("\r\n") != npos) {
            return invalide;
        }
        const std::string_view nom = entete.substr(0, deux_points);
        const std::string_view valeur = detail::rogner(entete.substr(deux_points + 1));
        if (detail::nom_egal(nom, "connection")) {
            if (detail::nom_egal(valeur, "close")) {
                garder = false;
            } else if (detail::nom_egal(valeur, "keep-alive")) {
                garder = true;
            }
        } else if (detail::nom_egal(nom, "content-length")) {
            if (longueur_vue || valeur.empty()) {
                return invalide; // répété (lequel croire ?) ou vide
            }
            // from_chars refuse le signe et les espaces, et signale le dépassement de
            // std::size_t ; il doit consommer toute la valeur.
            const char* const fin_valeur = valeur.data() + valeur.size();
            const auto [lu, erreur] = std::from_chars(valeur.data(), fin_valeur, longueur);
            if (erreur != std::errc{} || lu != fin_valeur) {
                return invalide;
            }
            longueur_vue = true;
        } else if (detail::nom_egal(nom, "transfer-encoding")) {
            transfer_encoding = true;
        }
    }
    if (transfer_encoding) {
        return longueur_vue ? invalide : Analyse{Verdict::NonImplemente};
    }
    return {garder ? Verdict::Garder : Verdict::Fermer, longueur};
}

} // namespace tete_http
