#pragma once
/// \file
/// \brief `BlockingPool` : les threads de `spawn_blocking`, à part des workers (chapitre 11).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "rt/detail/task_queue.hpp"
#include "rt/detail/task_scheduler.hpp"

namespace rt::detail {

class Scheduler;

/// \brief Le réglage du pool (comme `max_blocking_threads` et `thread_keep_alive` de tokio).
struct BlockingConfig {
    std::size_t max_threads = 512;                ///< threads au plus
    std::chrono::milliseconds keep_alive{10'000}; ///< inactivité avant qu'un thread s'arrête
};

/// \brief Le pool des fonctions bloquantes d'un runtime (le `blocking` de tokio).
///
/// Une fonction qui bloque son thread (lire un fichier, un calcul de plusieurs
/// millisecondes, une bibliothèque synchrone) ne doit pas tourner sur un worker : pendant
/// ce temps, aucune des tâches de ce worker n'avance. `spawn_blocking` l'envoie ici : une
/// file, et des threads créés à la demande (au plus `max_threads`), qui s'arrêtent d'eux-mêmes
/// après `keep_alive` sans travail.
///
/// Chaque fonction devient une tâche comme les autres (une coroutine qui l'appelle, dans une
/// cellule `JoinCell`), planifiée par ce pool : `JoinHandle`, `abort` (efficace seulement
/// avant le démarrage : on n'interrompt pas un thread), exceptions en `JoinError`, tout est
/// réutilisé.
class BlockingPool final : public TaskScheduler {
public:
    /// \brief Le pool du runtime `runtime` (dont les threads du pool prennent le contexte).
    BlockingPool(Scheduler& runtime, const BlockingConfig& config);

    /// \brief Prend en charge une tâche neuve ; annulée aussitôt si le pool est arrêté.
    void spawn(TaskHeader* task);
    /// \brief Arrêt du runtime : les fonctions pas encore démarrées sont annulées, on attend
    /// la fin de celles qui tournent.
    void shutdown() noexcept;

    void schedule(TaskHeader* task) noexcept override;
    void on_complete(TaskHeader* task) noexcept override;
    void count_unhandled_panic() noexcept override {
        panics_.fetch_add(1, std::memory_order_relaxed); // une mesure
    }
    void count_budget_forced_yield() noexcept override {}
    Driver& driver() noexcept override;

    /// \brief Threads du pool (une mesure).
    [[nodiscard]] std::size_t num_threads() const;
    /// \brief Fonctions en attente d'un thread (une mesure).
    [[nodiscard]] std::size_t queue_depth() const;
    /// \brief Exceptions de fonctions détachées que personne n'a vues (une mesure).
    [[nodiscard]] std::uint64_t unhandled_panics() const noexcept {
        return panics_.load(std::memory_order_relaxed);
    }

private:
    ~BlockingPool() override = default;
    /// La boucle d'un thread du pool.
    void run_thread();

    Scheduler* runtime_; ///< nul après l'arrêt (les threads sont alors tous finis)
    const std::size_t max_threads_;
    const std::chrono::milliseconds keep_alive_;

    mutable std::mutex mutex_;
    std::condition_variable work_;     ///< du travail, ou l'arrêt
    std::condition_variable finished_; ///< un thread s'arrête
    TaskQueue queue_;                  ///< protégés par mutex_ : la file,
    std::size_t threads_ = 0;          ///< les threads vivants,
    std::size_t idle_ = 0;             ///< ceux qui attendent du travail,
    bool closed_ = false;              ///< l'arrêt
    std::atomic<std::uint64_t> panics_{0};
};

} // namespace rt::detail
