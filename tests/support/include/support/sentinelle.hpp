#pragma once
/// \file
/// \brief `support::Sentinelle` : compte ses instances vivantes, pour prouver que des
/// destructeurs ont été exécutés (annulation, arrêt du runtime, select...).

#include <memory>
#include <utility>

namespace support {

/// \brief Incrémente `*vivants` à la construction (et à la copie), le décrémente à la
/// destruction. Capturée par une lambda de tâche ou posée dans une coroutine, elle dit si la
/// tâche a bien été détruite : `*vivants == 0`.
struct Sentinelle {
    std::shared_ptr<int> vivants; ///< le compteur partagé

    /// \brief Une instance de plus.
    explicit Sentinelle(std::shared_ptr<int> v) : vivants(std::move(v)) { ++*vivants; }
    /// \brief Une copie compte comme une instance de plus.
    Sentinelle(const Sentinelle& o) : vivants(o.vivants) { ++*vivants; }
    Sentinelle& operator=(const Sentinelle&) = delete;
    /// \brief Une instance de moins.
    ~Sentinelle() { --*vivants; }
};

} // namespace support
