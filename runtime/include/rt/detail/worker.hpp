#pragma once
/// \file
/// \brief `Worker` : un thread du runtime `multi_thread`, sa file, son emplacement LIFO et sa
/// boucle (le `worker.rs` de tokio, chapitre 11).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "rt/detail/local_queue.hpp"
#include "rt/detail/parker.hpp"
#include "rt/detail/spin.hpp"

namespace rt::detail {

class MultiThreadScheduler;

/// \brief Les compteurs d'un worker (les noms de `RuntimeMetrics` de tokio).
///
/// Écrits par le worker seul (une lecture puis une écriture, sans instruction « lock »), lus
/// par n'importe quel thread : tous en `relaxed`, ce sont des mesures.
struct WorkerStats {
    std::atomic<std::uint64_t> poll_count{0};           ///< passages de tâches
    std::atomic<std::uint64_t> steal_count{0};          ///< tâches volées aux autres
    std::atomic<std::uint64_t> steal_operations{0};     ///< vols réussis
    std::atomic<std::uint64_t> park_count{0};           ///< mises en sommeil
    std::atomic<std::uint64_t> local_schedule_count{0}; ///< réveils mis dans sa propre file
    std::atomic<std::uint64_t> overflow_count{0};       ///< débordements vers la file globale

    /// \brief Ajoute `by` à `counter` (écrivain unique : pas d'instruction atomique coûteuse).
    static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
        counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }
};

/// \brief Un worker : un thread OS qui exécute des tâches, avec sa propre file.
///
/// Sa boucle (`run`) : prendre une tâche (l'emplacement LIFO, sa file, la file globale toutes
/// les 61 tâches), sinon en **voler** à un autre worker, sinon **se garer**. Tout ce qui n'est
/// pas atomique ici n'est touché que par le thread du worker. Aligné sur une ligne de cache,
/// comme ses parties partagées (voir `LocalQueue`) : deux workers voisins en mémoire ne se
/// gênent pas.
struct alignas(64) Worker {
    /// \brief Le worker `index` de `scheduler` (le thread n'est lancé que par `start`).
    Worker(MultiThreadScheduler& scheduler, std::size_t index, Driver& driver,
           std::mutex& driver_owner) noexcept;
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// \brief Lance le thread du worker (qui garde une référence sur le planificateur).
    void start();
    /// \brief Met en file une tâche réveillée depuis ce worker : dans l'emplacement LIFO (elle
    /// passera juste après la tâche courante), ou en fin de file si `is_yield`.
    void schedule_local(TaskHeader* task, bool is_yield) noexcept;

    MultiThreadScheduler& scheduler; ///< le runtime du worker
    const std::size_t index;         ///< sa place dans le runtime
    LocalQueue run_queue;            ///< sa file (volable)
    Parker parker;                   ///< son lit
    WorkerStats stats;               ///< ses compteurs
    std::thread thread;              ///< son thread

private:
    void run() noexcept;
    TaskHeader* next_task() noexcept;
    TaskHeader* next_local_task() noexcept;
    TaskHeader* steal_work() noexcept;
    void run_task(TaskHeader* task) noexcept;
    void push_to_queue(TaskHeader* task) noexcept;
    void maintenance() noexcept;
    bool spin_for_work() noexcept;
    void park() noexcept;
    bool transition_to_searching() noexcept;
    void transition_from_searching() noexcept;
    bool transition_to_parked() noexcept;
    bool transition_from_parked() noexcept;
    [[nodiscard]] bool should_notify_others() const noexcept;
    std::uint32_t random_below(std::uint32_t n) noexcept;

    // Ce qui suit n'est touché que par le thread du worker, à chaque tâche : sur sa propre
    // ligne de cache, loin de `run_queue` et de `stats`, que les autres threads lisent.
    alignas(64) TaskHeader* lifo_slot_ = nullptr; ///< la dernière réveillée par la courante
    TaskQueue deferred_;        ///< celles qui ont cédé la main pendant run_task
    bool in_run_task_ = false;  ///< dans run_task (les cessions sont différées)
    bool lifo_enabled_ = true;  ///< faux après 3 passages LIFO d'affilée
    bool is_searching_ = false; ///< compté parmi les chercheurs d'`Idle`
    bool is_parking_ = false;   ///< dans park() : les réveils du pilote ne notifient pas
    std::uint32_t tick_ = 0;    ///< nombre de tours de boucle
    std::uint64_t rand_state_;  ///< pour choisir une victime au hasard
    AdaptiveSpin spin_;         ///< le guet avant de se garer (spin_for_work)
};

/// \brief Le worker qui exécute le thread courant (nul hors d'un worker).
Worker* current_worker() noexcept;

} // namespace rt::detail
