// Tests notés du chapitre 02, exercice « utiliser » : le programme de l'article avec rt::Task.
//
// Les durées ne sont vérifiées que par le bas (« au moins ») : une machine chargée peut
// toujours être plus lente, jamais plus rapide qu'un sleep.
#include <boost/test/unit_test.hpp>

#include "operations.hpp"

#include <rt/rt.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr auto attente = 20ms;

/// Exécute `tache` avec rt::block_on et mesure sa durée ; un TODO devient un échec expliqué.
template <class T>
bool executer(const char* quoi, rt::Task<T> tache, T& resultat,
              std::chrono::steady_clock::duration& duree) {
    const auto debut = std::chrono::steady_clock::now();
    try {
        resultat = rt::block_on(std::move(tache));
    } catch (const std::logic_error& e) {
        BOOST_ERROR(quoi << " : " << e.what());
        return false;
    }
    duree = std::chrono::steady_clock::now() - debut;
    return true;
}

double en_ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace

BOOST_AUTO_TEST_CASE(operation_longue_rend_42_apres_l_attente) {
    int v = 0;
    std::chrono::steady_clock::duration duree{};
    if (!executer("operation_longue", ch02::operation_longue(attente), v, duree)) {
        return;
    }
    BOOST_TEST(v == 42, "operation_longue rend " << v << " au lieu de 42");
    BOOST_TEST((duree >= attente), "operation_longue(20 ms) a rendu la main après "
                                       << en_ms(duree)
                                       << " ms : elle doit d'abord attendre (co_await "
                                          "rt::time::sleep)");
}

BOOST_AUTO_TEST_CASE(operation_longue_ne_bloque_pas_le_thread) {
    // Une autre tâche, lancée juste avant, doit pouvoir s'exécuter pendant l'attente :
    // c'est tout l'intérêt de co_await sur sleep, par rapport à std::this_thread::sleep_for.
    int autre_tache = 0;
    bool pendant = false;
    try {
        rt::block_on([](int* compteur, bool* vu_pendant) -> rt::Task<void> {
            auto autre = rt::spawn([compteur]() -> rt::Task<void> {
                ++*compteur;
                co_return;
            });
            (void)co_await ch02::operation_longue(attente);
            *vu_pendant = (*compteur == 1);
            (void)co_await autre;
        }(&autre_tache, &pendant));
    } catch (const std::logic_error& e) {
        BOOST_FAIL("operation_longue : " << e.what());
    }
    BOOST_TEST(pendant, "la tâche lancée par rt::spawn n'a pas pu s'exécuter pendant "
                        "operation_longue : l'attente bloque le thread. Utilisez "
                        "co_await rt::time::sleep(...), pas std::this_thread::sleep_for");
}

BOOST_AUTO_TEST_CASE(deux_operations_en_sequence_additionne) {
    int v = 0;
    std::chrono::steady_clock::duration duree{};
    if (!executer("deux_operations_en_sequence", ch02::deux_operations_en_sequence(attente), v,
                  duree)) {
        return;
    }
    BOOST_TEST(v == 84, "deux_operations_en_sequence rend " << v << " au lieu de 42 + 42 = 84");
    BOOST_TEST((duree >= 2 * attente),
               "deux opérations de 20 ms l'une après l'autre ont pris "
                   << en_ms(duree)
                   << " ms : il faut attendre la première (co_await) avant de lancer la seconde");
}

BOOST_AUTO_TEST_CASE(programme_affiche_les_trois_lignes) {
    std::vector<std::string> lignes;
    std::chrono::steady_clock::duration duree{};
    if (!executer("programme", ch02::programme(attente), lignes, duree)) {
        return;
    }
    const std::vector<std::string> attendu{"Début du programme", "Résultat : 42",
                                           "Fin du programme"};
    BOOST_TEST(lignes == attendu, "programme doit rendre exactement les trois lignes de "
                                  "l'article, dans l'ordre ; obtenu "
                                      << lignes.size() << " ligne(s)");
    BOOST_TEST((duree >= attente), "programme a fini en " << en_ms(duree)
                                                          << " ms : il doit attendre "
                                                             "operation_longue");
}
