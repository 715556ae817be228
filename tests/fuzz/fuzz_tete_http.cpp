// Fuzzeur (libFuzzer) différentiel de l'analyse d'une tête de requête HTTP : les mêmes octets
// vont à l'analyseur du serveur corrigé (chapters/06-serveur-http/exemples/tete_http.hpp,
// tete_http::analyser) et à celui de la solution de l'exercice
// (solutions/06-serveur-http/http.cpp, utiliser::juger). Deux écritures indépendantes d'un
// même contrat : un désaccord est un défaut de l'une ou de l'autre (ou du contrat).
//
// Propriétés vérifiées à chaque entrée (la tête, sans le « \r\n\r\n » final) :
//   - même verdict des deux côtés, et même longueur de corps pour Garder et Fermer ;
//   - longueur de corps nulle pour Invalide et NonImplemente ;
//   - Content-Length et Transfer-Encoding présents tous les deux : toujours Invalide ;
//     Transfer-Encoding seul : jamais Garder ni Fermer ;
//   - une requête acceptée (Garder, Fermer) n'a ni « \r » ni « \n » isolé, ni nom d'en-tête
//     avec une espace ou une tabulation, ni Content-Length répété ; sans Content-Length, son
//     corps est vide ; avec, la longueur rendue est la valeur écrite ;
//   - même verdict quand on change la casse des noms d'en-tête (ils y sont insensibles).
// Ces vérifications sont écrites une troisième fois, ici, le plus simplement possible.
#include "http.hpp"      // solutions/06-serveur-http
#include "tete_http.hpp" // chapters/06-serveur-http/exemples

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void echec(const char* quoi, std::string_view tete) {
    std::fprintf(stderr, "fuzz_tete_http : %s\ntête (%zu octets) : ", quoi, tete.size());
    for (char c : tete) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && u != '\\') {
            std::fputc(u, stderr);
        } else {
            std::fprintf(stderr, "\\x%02x", u);
        }
    }
    std::fputc('\n', stderr);
    std::abort();
}

int numero(tete_http::Verdict v) {
    switch (v) {
    case tete_http::Verdict::Garder:
        return 0;
    case tete_http::Verdict::Fermer:
        return 1;
    case tete_http::Verdict::Invalide:
        return 2;
    case tete_http::Verdict::NonImplemente:
        return 3;
    }
    std::abort();
}

int numero(utiliser::Verdict v) {
    switch (v) {
    case utiliser::Verdict::Garder:
        return 0;
    case utiliser::Verdict::Fermer:
        return 1;
    case utiliser::Verdict::Invalide:
        return 2;
    case utiliser::Verdict::NonImplemente:
        return 3;
    }
    std::abort();
}

char minuscule(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string en_minuscules(std::string_view s) {
    std::string r;
    for (char c : s) {
        r += minuscule(c);
    }
    return r;
}

/// Les lignes de la tête, coupées aux « \r\n » (comme le font les deux analyseurs).
std::vector<std::string_view> lignes(std::string_view tete) {
    std::vector<std::string_view> r;
    for (;;) {
        const auto pos = tete.find("\r\n");
        r.push_back(tete.substr(0, pos));
        if (pos == std::string_view::npos) {
            return r;
        }
        tete.remove_prefix(pos + 2);
        if (tete.empty()) {
            return r;
        }
    }
}

/// Ce qu'on peut dire d'une tête sans l'analyser vraiment.
struct Observation {
    int content_length = 0; ///< lignes dont le nom est « content-length » (sans casse)
    bool transfer_encoding = false;
    bool cr_lf_isole = false;
    bool nom_avec_espace = false;
    std::string valeur_cl; ///< la valeur du dernier Content-Length, espaces retirées
};

Observation observer(std::string_view tete) {
    Observation o;
    const auto ls = lignes(tete);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        const std::string_view l = ls[i];
        if (l.find_first_of("\r\n") != std::string_view::npos) {
            o.cr_lf_isole = true;
        }
        if (i == 0) {
            continue;
        }
        const auto dp = l.find(':');
        if (dp == std::string_view::npos) {
            continue;
        }
        const std::string_view nom = l.substr(0, dp);
        if (nom.find_first_of(" \t") != std::string_view::npos) {
            o.nom_avec_espace = true;
        }
        const std::string n = en_minuscules(nom);
        if (n == "content-length") {
            ++o.content_length;
            std::string_view v = l.substr(dp + 1);
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
                v.remove_prefix(1);
            }
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
                v.remove_suffix(1);
            }
            o.valeur_cl = std::string(v);
        } else if (n == "transfer-encoding") {
            o.transfer_encoding = true;
        }
    }
    return o;
}

/// La même tête, noms d'en-tête (ce qui précède le premier « : » de chaque ligne sauf la
/// première) passés en majuscules.
std::string noms_en_majuscules(std::string_view tete) {
    std::string r;
    const auto ls = lignes(tete);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (i > 0) {
            r += "\r\n";
        }
        std::string l(ls[i]);
        const auto dp = i == 0 ? std::string::npos : l.find(':');
        for (std::size_t j = 0; dp != std::string::npos && j < dp; ++j) {
            if (l[j] >= 'a' && l[j] <= 'z') {
                l[j] = static_cast<char>(l[j] - 'a' + 'A');
            }
        }
        r += l;
    }
    // lignes() ignore un « \r\n » final : on le remet pour garder la même tête.
    if (tete.ends_with("\r\n")) {
        r += "\r\n";
    }
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view tete(reinterpret_cast<const char*>(data), size);
    const tete_http::Analyse exemple = tete_http::analyser(tete);
    const utiliser::Jugement solution = utiliser::juger(tete);

    const int verdict = numero(exemple.verdict);
    if (verdict != numero(solution.verdict)) {
        echec("verdicts différents (exemples/tete_http.hpp et solutions/.../http.cpp)", tete);
    }
    const bool accepte = verdict == 0 || verdict == 1;
    if (accepte && exemple.longueur_corps != solution.longueur_corps) {
        echec("longueurs de corps différentes", tete);
    }
    if (!accepte && (exemple.longueur_corps != 0 || solution.longueur_corps != 0)) {
        echec("longueur de corps non nulle pour une requête refusée", tete);
    }

    const Observation o = observer(tete);
    if (o.content_length > 0 && o.transfer_encoding && verdict != 2) {
        echec("Content-Length et Transfer-Encoding ensemble, mais pas Invalide", tete);
    }
    if (o.transfer_encoding && accepte) {
        echec("Transfer-Encoding, mais la requête est acceptée", tete);
    }
    if (accepte) {
        if (o.cr_lf_isole || o.nom_avec_espace || o.content_length > 1) {
            echec("requête acceptée malgré un \\r/\\n isolé, un nom avec espace ou un "
                  "Content-Length répété",
                  tete);
        }
        if (o.content_length == 0 && exemple.longueur_corps != 0) {
            echec("corps non vide sans Content-Length", tete);
        }
        if (o.content_length == 1) {
            if (o.valeur_cl.empty()) {
                echec("Content-Length vide accepté", tete);
            }
            // La valeur écrite sans ses zéros de tête (« 007 » vaut 7, « 000 » vaut 0).
            const std::string ecrite = o.valeur_cl.substr(
                std::min(o.valeur_cl.find_first_not_of('0'), o.valeur_cl.size() - 1));
            if (ecrite != std::to_string(exemple.longueur_corps)) {
                echec("la longueur rendue n'est pas la valeur de Content-Length", tete);
            }
        }
    }

    // Les noms d'en-tête sont insensibles à la casse.
    const std::string majuscules = noms_en_majuscules(tete);
    if (majuscules.size() == tete.size() &&
        numero(tete_http::analyser(majuscules).verdict) != verdict) {
        echec("le verdict change avec la casse des noms d'en-tête", tete);
    }
    return 0;
}
