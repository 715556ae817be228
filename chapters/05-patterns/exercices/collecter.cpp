// Chapitre 05 — exercice « utiliser » : collecter les résultats de plusieurs tâches, en
// traitant l'échec de chacune à part. L'interface (et le sens de chaque champ du Bilan) est
// dans collecter.hpp.
//
// Vérifiez-vous avec `./cours verifier 05 collecter` ; indices : `./cours indice 05 collecter`.
#include "collecter.hpp"

#include <exception>
#include <optional>
#include <utility>
#include <variant>

namespace utiliser {

namespace {

/// Range une issue dans le bilan : le `match` de l'article, avec ses trois cas.
[[maybe_unused]] void classer(Bilan& bilan, const rt::Result<int, rt::JoinError>& r) {
    // TODO (1) : trois cas.
    //   - r est un succès (if (r)) : la valeur *r va dans bilan.valeurs ;
    //   - r.error().is_panic() : le message de l'exception d'origine va dans bilan.erreurs
    //     (r.error().panic() est un std::exception_ptr : relancez-le dans un try pour
    //     lire son what() ; une exception qui n'est pas une std::exception donne le texte
    //     « exception inconnue ») ;
    //   - sinon la tâche a été annulée : ++bilan.annulees.
    (void)bilan;
    (void)r;
}

} // namespace

// Paramètres par valeur (CP.53) : le vecteur de tâches vit dans la trame de la coroutine.
rt::Task<Bilan> collecter(std::vector<rt::Task<int>> taches) {
    Bilan bilan;
    // TODO (2) : lancer TOUTES les tâches avant d'en attendre une (un rt::JoinSet<int> et sa
    // méthode spawn(tâche)), puis les attendre dans l'ordre où elles finissent
    // (co_await set.join_next() rend std::nullopt quand l'ensemble est vide) et classer
    // chaque résultat avec classer().
    (void)taches;
    co_return bilan;
}

rt::Task<Bilan> collecter_avant(std::vector<rt::Task<int>> taches, rt::time::Duration delai) {
    Bilan bilan;
    // TODO (3) : comme collecter, mais chaque attente est mise en course contre l'échéance
    // (calculée UNE fois, avant la boucle) avec rt::select(set.join_next(),
    // rt::time::sleep_until(echeance)). Si l'échéance gagne : annuler ce qui reste
    // (abort_all), puis attendre et classer les tâches restantes (elles rendent une
    // JoinError is_cancelled()) : la fonction ne rend la main qu'une fois tout détruit.
    (void)taches;
    (void)delai;
    co_return bilan;
}

} // namespace utiliser
