#pragma once
/// \file
/// \brief Le contexte du thread : quel planificateur l'exécute.

#include <optional>

#include "rt/detail/scheduler.hpp"

namespace rt::detail {

struct TaskHeader;

/// \brief Installe `scheduler` comme planificateur du thread courant pour la durée d'une portée.
///
/// C'est ce qui permet à `rt::spawn` et `Handle::current()` de trouver le runtime sans qu'on
/// le leur passe (tokio fait de même avec une variable locale au thread).
class ContextGuard {
public:
    /// \brief Lève `std::logic_error` si le thread exécute déjà un runtime et que
    /// `allow_nested` est faux (bloquer dans un runtime l'empêcherait d'avancer).
    explicit ContextGuard(Scheduler* scheduler, bool allow_nested = false);
    ~ContextGuard();
    ContextGuard(const ContextGuard&) = delete;
    ContextGuard& operator=(const ContextGuard&) = delete;

private:
    Scheduler* previous_;
};

/// \brief Le planificateur du thread courant (nul hors d'un runtime).
Scheduler* current_scheduler() noexcept;

/// \brief Le début de tout `block_on` : installe `scheduler` comme contexte du thread dans
/// `context`. Refusé (block_on imbriqué) : la tâche principale `main`, jamais exécutée, est
/// annulée pour ne pas fuir, puis l'exception `std::logic_error` est relancée.
void enter_block_on(std::optional<ContextGuard>& context, Scheduler* scheduler, TaskHeader* main);

} // namespace rt::detail
