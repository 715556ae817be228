// Fuzzeur (libFuzzer) de rt::io::BufReader::read_line : des octets découpés en morceaux
// arbitraires, des lectures qui suspendent et des appels abandonnés (select) puis repris.
// Propriétés vérifiées à chaque entrée :
//   - rien n'est perdu ni dupliqué : la concaténation des lignes rendues est exactement le
//     début du flux ;
//   - chaque ligne finit par « \n » (sauf la dernière, en fin de flux) et respecte la limite,
//     même à travers des appels abandonnés ;
//   - une ligne trop longue lève std::length_error, rien d'autre (ni plantage, ni fuite).
//
// Format de l'entrée : octet 0 → limite de longueur (0 : aucune) ; octet 1 → taille du
// tampon (1 à 64) ; puis des paires (longueur, octets) : un morceau rendu par un read.
// Une longueur 0 est une pause : ce read-là suspend, et l'appel en cours est abandonné.
#include <rt/rt.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <span>
#include <stdexcept>
#include <string>

namespace {

struct Morceau {
    bool pause = false;
    std::string octets;
};

/// Un flux scripté : chaque read rend (une partie d') un morceau ; une pause suspend une fois.
struct FluxScripte {
    std::deque<Morceau>* morceaux;

    rt::Task<std::size_t> read(std::span<char> tampon) {
        while (!morceaux->empty() && morceaux->front().pause) {
            morceaux->pop_front();
            co_await rt::time::sleep(std::chrono::hours(1)); // abandonné par le select
        }
        if (morceaux->empty()) {
            co_return 0; // fin de flux
        }
        Morceau& m = morceaux->front();
        const std::size_t n = std::min(tampon.size(), m.octets.size());
        std::copy_n(m.octets.begin(), n, tampon.begin());
        m.octets.erase(0, n);
        if (m.octets.empty()) {
            morceaux->pop_front();
        }
        co_return n;
    }
};

[[noreturn]] void echec(const char* quoi) {
    std::fprintf(stderr, "fuzz_lecture_ligne : %s\n", quoi);
    std::abort();
}

rt::Task<void> lire_tout(std::deque<Morceau> morceaux, std::string flux, std::size_t limite,
                         std::size_t capacite) {
    rt::io::BufReader lecteur(FluxScripte{&morceaux}, capacite);
    std::string rendu; // toutes les lignes, bout à bout
    std::string ligne; // la ligne en cours (gardée à travers les abandons)
    for (int appels = 0; appels < 100000; ++appels) {
        try {
            auto r = co_await rt::select(lecteur.read_line(ligne, limite), rt::task::yield_now());
            if (r.index() == 1) {
                continue; // abandonné pendant une pause : on reprend la même ligne
            }
            if (std::get<0>(r) == 0) {
                rendu += ligne;
                break; // fin de flux
            }
        } catch (const std::length_error&) {
            co_return; // ligne trop longue : refusée proprement, on s'arrête là
        }
        if (ligne.empty()) {
            echec("read_line rend un compte non nul et une ligne vide");
        }
        if (ligne.back() != '\n' && !morceaux.empty()) {
            echec("une ligne sans \\n alors que le flux n'est pas fini");
        }
        if (ligne.size() > limite) {
            echec("une ligne dépasse la limite");
        }
        rendu += ligne;
        ligne.clear();
    }
    if (flux.compare(0, rendu.size(), rendu) != 0) {
        echec("octets perdus, dupliqués ou réordonnés");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const std::size_t limite = data[0] == 0 ? static_cast<std::size_t>(-1) : data[0];
    const std::size_t capacite = 1 + data[1] % 64;
    std::deque<Morceau> morceaux;
    std::string flux;
    for (std::size_t i = 2; i < size;) {
        const std::size_t n = data[i++];
        if (n == 0) {
            morceaux.push_back({true, {}});
            continue;
        }
        const std::size_t pris = std::min(n, size - i);
        std::string octets(reinterpret_cast<const char*>(data + i), pris);
        i += pris;
        flux += octets;
        morceaux.push_back({false, std::move(octets)});
    }
    rt::block_on(lire_tout(std::move(morceaux), std::move(flux), limite, capacite));
    return 0;
}
