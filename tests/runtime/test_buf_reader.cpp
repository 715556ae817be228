// rt::io::BufReader : lignes entières, limite de longueur, abandon en cours de route.
// Le flux est simulé (des morceaux rendus un par un) : aucun socket, tout est déterministe.
#define BOOST_TEST_MODULE rt_buf_reader
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <span>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace {

/// Un flux simulé : chaque read rend le morceau suivant ; sans morceau, il attend (longtemps :
/// le test l'abandonne par un délai). Un morceau vide signifie la fin du flux.
struct FluxSimule {
    std::deque<std::string>* morceaux;

    rt::Task<std::size_t> read(std::span<char> tampon) {
        while (morceaux->empty()) {
            co_await rt::time::sleep(1h);
        }
        std::string& m = morceaux->front();
        const std::size_t n = std::min(tampon.size(), m.size());
        std::copy_n(m.begin(), n, tampon.begin());
        m.erase(0, n);
        if (n == 0 || m.empty()) {
            morceaux->pop_front();
        }
        co_return n;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(limite_comptee_sur_toute_la_ligne_malgre_un_abandon) {
    // La limite porte sur la ligne, pas sur un appel : un appel abandonné (délai) puis repris
    // ne doit pas remettre le compteur à zéro, sinon une ligne sans fin passerait par morceaux.
    rt::block_on([]() -> rt::Task<void> {
        std::deque<std::string> morceaux{"abcd"};
        rt::io::BufReader lecteur(FluxSimule{&morceaux});
        std::string ligne;
        auto r = co_await rt::time::timeout(5ms, lecteur.read_line(ligne, 6));
        BOOST_TEST(!r.has_value());  // abandonné en attendant la suite
        BOOST_TEST(ligne == "abcd"); // les octets déjà lus restent dans la ligne
        morceaux.push_back("efgh\n");
        BOOST_CHECK_THROW(co_await lecteur.read_line(ligne, 6), std::length_error);
    }());
}

BOOST_AUTO_TEST_CASE(limite_respectee_apres_un_abandon_si_la_ligne_tient) {
    rt::block_on([]() -> rt::Task<void> {
        std::deque<std::string> morceaux{"abc"};
        rt::io::BufReader lecteur(FluxSimule{&morceaux});
        std::string ligne;
        auto r = co_await rt::time::timeout(5ms, lecteur.read_line(ligne, 6));
        BOOST_TEST(!r.has_value());
        morceaux.push_back("de\nfghijk\n");
        BOOST_TEST(co_await lecteur.read_line(ligne, 6) == 3u); // « de\n » : 6 octets en tout
        BOOST_TEST(ligne == "abcde\n");
        ligne.clear();
        BOOST_CHECK_THROW(co_await lecteur.read_line(ligne, 6), std::length_error); // 7 octets
    }());
}

BOOST_AUTO_TEST_CASE(vingt_mille_lignes_d_un_seul_read_sans_pile) {
    // Chaque read_line se termine sans suspendre (la ligne est déjà dans le tampon) : la pile
    // de l'appelant ne doit pas grandir d'une ligne à l'autre (le serveur de chat mourait
    // sous ASan après 20 Kio de « a\n »).
    rt::block_on([]() -> rt::Task<void> {
        std::string gros;
        for (int i = 0; i < 20'000; ++i) {
            gros += "a\n";
        }
        std::deque<std::string> morceaux{gros, ""};
        rt::io::BufReader lecteur(FluxSimule{&morceaux}, gros.size());
        std::string ligne;
        int lignes = 0;
        while (co_await lecteur.read_line(ligne) > 0) {
            ++lignes;
            ligne.clear();
        }
        BOOST_TEST(lignes == 20'000);
    }());
}
