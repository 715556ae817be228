// Chapitre 12 — exercice « utiliser » : un pipeline à trois étages, dont un étage de 4
// workers (fichier fourni tel quel : l'interface à lire).
//
// Le travail est dans pipeline.cpp. La fonction est appelée depuis une tâche du runtime (les
// tests utilisent rt::block_on, sur current_thread comme sur multi_thread).
#pragma once

#include <rt/rt.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace utiliser {

/// Étage 1, la lecture : chaque appel rend la ligne suivante, ou std::nullopt à la fin de
/// l'entrée. Synchrone (comme la lecture d'un tampon déjà en mémoire) ; peut lever une
/// exception (une entrée illisible).
using Source = std::function<std::optional<std::string>()>;

/// Étage 2, la transformation d'une ligne en nombre : asynchrone (elle peut attendre), et
/// elle peut lever une exception (une ligne mal formée).
using Transformation = std::function<rt::Task<long>(std::string)>;

/// Le nombre de workers de l'étage 2 : ni plus, ni moins.
inline constexpr std::size_t WORKERS = 4;

/// Le pipeline :
///
///     source ──► [canal borné] ──► 4 workers (transformer) ──► [canal borné] ──► agrégation
///
/// - la lecture appelle `source()` jusqu'à std::nullopt et envoie chaque ligne à l'étage 2 ;
/// - l'étage 2 a exactement WORKERS tâches, qui transforment les lignes EN MÊME TEMPS ;
/// - l'agrégation (la fonction elle-même) rassemble les résultats et les rend, dans l'ordre
///   où ils lui arrivent : chaque ligne donne exactement un résultat ;
/// - les canaux sont des rt::sync::mpsc::channel de capacité `capacite` : la mémoire reste
///   bornée quelle que soit la longueur de l'entrée (la lecture attend quand l'étage 2 est
///   en retard) ;
/// - le pipeline se termine de lui-même quand l'entrée est finie ;
/// - si un étage lève une exception (source ou transformation), le pipeline se termine aussi
///   et lève CETTE exception (l'objet d'origine, relancé) au lieu de rendre des résultats.
rt::Task<std::vector<long>> pipeline(Source source, Transformation transformer,
                                     std::size_t capacite);

} // namespace utiliser
