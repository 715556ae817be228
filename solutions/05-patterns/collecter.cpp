// Chapitre 05 — exercice « utiliser » : collecter (solution commentée).
#include "collecter.hpp"

#include <exception>
#include <optional>
#include <utility>
#include <variant>

namespace utiliser {

namespace {

/// Le texte d'une tâche en échec : on relance l'exception d'origine pour la lire.
std::string message_de(const rt::JoinError& e) {
    try {
        std::rethrow_exception(e.panic());
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "exception inconnue";
    }
}

/// Range une issue dans le bilan : le `match` de l'article, avec ses trois cas.
void classer(Bilan& bilan, const rt::Result<int, rt::JoinError>& r) {
    if (r) {
        bilan.valeurs.push_back(*r);
    } else if (r.error().is_panic()) {
        bilan.erreurs.push_back(message_de(r.error()));
    } else {
        ++bilan.annulees;
    }
}

/// Met toutes les tâches dans un JoinSet : elles sont lancées tout de suite.
rt::JoinSet<int> lancer(std::vector<rt::Task<int>> taches) {
    rt::JoinSet<int> set;
    for (auto& t : taches) {
        set.spawn(std::move(t));
    }
    return set;
}

} // namespace

// Paramètres par valeur (CP.53) : le vecteur de tâches vit dans la trame de la coroutine.
rt::Task<Bilan> collecter(std::vector<rt::Task<int>> taches) {
    Bilan bilan;
    // Un JoinSet rend les résultats dans l'ordre de fin. Avec un vecteur de JoinHandle
    // attendus un par un, on aurait l'ordre de lancement.
    rt::JoinSet<int> set = lancer(std::move(taches));
    while (auto r = co_await set.join_next()) {
        classer(bilan, *r);
    }
    co_return bilan;
}

rt::Task<Bilan> collecter_avant(std::vector<rt::Task<int>> taches, rt::time::Duration delai) {
    Bilan bilan;
    rt::JoinSet<int> set = lancer(std::move(taches));
    // Une échéance absolue, calculée une fois : chaque tour de boucle attend jusqu'à elle
    // (un sleep(delai) par tour repousserait l'échéance à chaque résultat).
    const auto echeance = std::chrono::steady_clock::now() + delai;
    for (;;) {
        // join_next() peut perdre le select sans rien perdre : sa seule suspension a lieu
        // avant qu'il ne retire un résultat de l'ensemble.
        auto r = co_await rt::select(set.join_next(), rt::time::sleep_until(echeance));
        if (r.index() == 1) {
            set.abort_all(); // l'échéance est passée : annuler ce qui reste...
            break;
        }
        auto& suivant = std::get<0>(r);
        if (!suivant) {
            co_return bilan; // tout est fini avant l'échéance
        }
        classer(bilan, *suivant);
    }
    // ... puis attendre les annulations : abort() est asynchrone, et chaque tâche annulée
    // rend une JoinError is_cancelled() (une tâche qui finissait juste à ce moment-là rend
    // peut-être encore sa valeur : classer() la range où il faut).
    while (auto r = co_await set.join_next()) {
        classer(bilan, *r);
    }
    co_return bilan;
}

} // namespace utiliser
