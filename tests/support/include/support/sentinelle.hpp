#pragma once
/// \file
/// \brief `support::Sentinelle` : compte ses instances vivantes, pour prouver que des
/// destructeurs ont été exécutés (annulation, arrêt du runtime, select...).

#include <atomic>
#include <memory>
#include <utility>

namespace support {

/// \brief Un compteur partagé d'instances vivantes. Atomique : avec le runtime
/// `multi_thread`, les sentinelles naissent et meurent sur plusieurs threads.
using Compteur = std::shared_ptr<std::atomic<int>>;

/// \brief Un compteur neuf, à zéro.
inline Compteur nouveau_compteur() {
    return std::make_shared<std::atomic<int>>(0);
}

/// \brief Incrémente `*vivants` à la construction (et à la copie), le décrémente à la
/// destruction. Capturée par une lambda de tâche ou posée dans une coroutine, elle dit si la
/// tâche a bien été détruite : `*vivants == 0`.
struct Sentinelle {
    Compteur vivants; ///< le compteur partagé

    /// \brief Une instance de plus.
    explicit Sentinelle(Compteur v) : vivants(std::move(v)) { ++*vivants; }
    /// \brief Une copie compte comme une instance de plus.
    Sentinelle(const Sentinelle& o) : vivants(o.vivants) { ++*vivants; }
    Sentinelle& operator=(const Sentinelle&) = delete;
    /// \brief Une instance de moins.
    ~Sentinelle() { --*vivants; }
};

} // namespace support
