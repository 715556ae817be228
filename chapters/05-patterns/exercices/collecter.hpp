// Chapitre 05 — exercice « utiliser » : collecter les résultats de plusieurs tâches, en
// traitant l'échec de chacune à part (fichier fourni tel quel : l'interface à lire).
//
// Le travail est dans collecter.cpp. Les deux fonctions sont appelées depuis une tâche du
// runtime (les tests utilisent rt::block_on).
#pragma once

#include <rt/rt.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace utiliser {

/// Ce que rend une collecte : une case par issue possible d'une tâche.
struct Bilan {
    /// Les valeurs des tâches réussies, DANS L'ORDRE OÙ ELLES ONT FINI (pas l'ordre du vecteur).
    std::vector<int> valeurs;
    /// Une entrée par tâche qui a levé une exception (la « panique » de Rust) : le `what()` de
    /// l'exception si elle dérive de std::exception, sinon le texte « exception inconnue ».
    std::vector<std::string> erreurs;
    /// Le nombre de tâches annulées (JoinError::is_cancelled()).
    int annulees = 0;
};

/// Lance toutes les `taches` (elles tournent en même temps), puis range l'issue de chacune
/// dans le bilan, dans l'ordre où elles se terminent. Une tâche qui échoue n'empêche pas de
/// collecter les autres.
rt::Task<Bilan> collecter(std::vector<rt::Task<int>> taches);

/// Comme `collecter`, mais on n'attend pas plus de `delai` en tout : les tâches qui ne sont
/// pas finies à l'échéance sont ANNULÉES, et la fonction ne rend la main qu'une fois leur
/// annulation faite (leurs destructeurs ont tourné). Elles comptent dans `annulees`.
rt::Task<Bilan> collecter_avant(std::vector<rt::Task<int>> taches, rt::time::Duration delai);

} // namespace utiliser
