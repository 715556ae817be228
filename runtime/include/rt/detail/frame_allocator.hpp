#pragma once
/// \file
/// \brief Cache d'allocation des trames de coroutines et des tâches, par thread.

#include <cstddef>

namespace rt::detail {

/// \brief Alloue `size` octets pour une trame de coroutine ou une cellule de tâche.
///
/// Pourquoi un cache : chaque `spawn` alloue deux blocs (la cellule de la tâche et la trame
/// de sa coroutine), libérés peu après. Garder les blocs libérés dans une liste par thread
/// et par classe de taille évite un aller-retour vers `malloc` à chaque tâche, et découper
/// les blocs neufs dans des morceaux de 256 Kio économise l'en-tête de 16 octets que `malloc`
/// ajoute à chaque bloc (16 Mo pour un million de tâches). Un bloc libéré par un autre thread
/// retourne au thread qui l'a découpé. Les gros blocs (plus de 1 Kio) vont directement à
/// `::operator new`. Sous AddressSanitizer, tout va à `::operator new`.
void* frame_allocate(std::size_t size);

/// \brief Rend un bloc obtenu par `frame_allocate` (avec la même taille), depuis n'importe
/// quel thread : le bloc retourne au cache du thread qui l'a découpé.
void frame_deallocate(void* p, std::size_t size) noexcept;

/// \brief Nombre de morceaux de 256 Kio découpés depuis le début du processus (0 sous
/// AddressSanitizer, où tout passe par `::operator new`). Pour les tests de mémoire.
std::size_t frame_allocator_chunks() noexcept;

} // namespace rt::detail
