#pragma once
/// \file
/// \brief L'interface commune des planificateurs (`current_thread` aujourd'hui,
/// `multi_thread` au chapitre 11).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "rt/metrics.hpp"

namespace rt::detail {

struct TaskHeader;
class Driver;

/// \brief Ce qu'un planificateur doit savoir faire. Les tâches n'en connaissent que ça.
///
/// Un planificateur possède des files de tâches prêtes et un pilote (`Driver` : minuteries,
/// puis réacteur) dans lequel il se « gare » quand il n'a plus rien à exécuter.
class Scheduler : public std::enable_shared_from_this<Scheduler> {
public:
    virtual ~Scheduler() = default;

    /// \brief Prend en charge une tâche neuve (état SCHEDULED déjà posé) : elle devient vivante
    /// et sera exécutée. Légal depuis n'importe quel thread.
    virtual void spawn(TaskHeader* task) = 0;
    /// \brief Remet en file une tâche réveillée (état SCHEDULED déjà posé). Tout thread.
    virtual void schedule(TaskHeader* task) = 0;
    /// \brief Une tâche vient de se terminer : le runtime la retire de ses tâches vivantes.
    virtual void on_complete(TaskHeader* task) noexcept = 0;
    /// \brief Prend en charge `main` (cellule neuve, préparée par `prepare_launch`) puis
    /// exécute des tâches jusqu'à ce qu'elle soit terminée. Sur le thread appelant.
    virtual void block_on(TaskHeader* main) = 0;
    /// \brief Détruit toutes les tâches encore vivantes, puis refuse les nouvelles.
    virtual void shutdown() noexcept = 0;
    /// \brief Vrai après `shutdown()` : les nouvelles tâches sont annulées aussitôt.
    [[nodiscard]] virtual bool is_closed() const noexcept = 0;
    /// \brief Le pilote (minuteries, réacteur) du thread courant.
    virtual Driver& driver() = 0;
    /// \brief Une photo des compteurs.
    [[nodiscard]] virtual RuntimeMetrics metrics() const = 0;
    /// \brief Compte une exception échappée d'une tâche détachée.
    virtual void count_unhandled_panic() noexcept = 0;
};

} // namespace rt::detail
