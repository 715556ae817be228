#pragma once
/// \file
/// \brief L'en-tête commun à toutes les tâches lancées : état, références, réveil, passage.
///
/// C'est le cœur de `spawn`. Une tâche lancée est **une cellule** (`JoinCell<T>`) qui
/// contient cet en-tête, la coroutine de l'utilisateur et la place du résultat. Le
/// planificateur ne manipule que des `TaskHeader*` ; il ne connaît pas `T`.

#include <coroutine>
#include <cstdint>
#include <exception>

#include "rt/detail/task_scheduler.hpp"
#include "rt/detail/task_state.hpp"
#include "rt/detail/trace.hpp"
#include "rt/detail/waker.hpp"

namespace rt::detail {

/// \brief L'en-tête d'une tâche lancée : ce que le planificateur voit.
///
/// **Qui touche à quel champ, et quand** (c'est ce qui rend le tout sûr entre threads) :
///
/// | champ | qui | quand |
/// |-------|-----|-------|
/// | `state` | tout le monde | par les transitions nommées de `TaskState` seulement |
/// | références (`RefCounted`) | tout le monde | une pour le runtime (jusqu'à la fin), une par `JoinHandle`, par `Waker` |
/// | `scheduler` | lecture seule | fixé à la construction ; la tâche en tient une référence |
/// | `resume_point` | l'exécutant | celui qui tient RUNNING l'écrit (suspension) et le lit (reprise) ; le passage de main se fait par `state` |
/// | `join_waker` | l'attendeur, puis la tâche | à l'attendeur tant que JOIN_WAKER est bas ; à la tâche dès que `set_join_waker` l'a levé ; à celui qui voit COMPLETE avec JOIN_WAKER levé (la fin) ensuite |
/// | `next_in_queue` | le planificateur | la file qui contient la tâche (une tâche n'est qu'une fois en file : NOTIFIED) |
/// | `owned`, `prev_owned`, `next_owned`, `counted` | le planificateur | sa liste des tâches vivantes (`OwnedList` ; sous le verrou de son morceau avec `multi_thread`) |
///
/// **Un passage** (`run`) : prendre la tâche (NOTIFIED → RUNNING), reprendre la coroutine
/// jusqu'à sa prochaine suspension ou sa fin, puis la rendre (RUNNING → repos), la remettre
/// en file si on l'a réveillée entre-temps, ou l'annuler si `abort()` est arrivé.
struct TaskHeader : Wakeable {
    /// \brief Un en-tête neuf planifié par `scheduler` (dont il prend une référence).
    ///
    /// Deux références au départ : celle du planificateur (rendue à la fin de la tâche, par
    /// `on_complete`) et celle du propriétaire (le `JoinHandle`, ou le `select`).
    explicit TaskHeader(TaskScheduler* scheduler) noexcept : Wakeable(2), scheduler(scheduler) {
        scheduler->add_ref();
    }

    /// \brief Un passage (appelé par le planificateur qui vient de prendre la tâche en file).
    void run() noexcept;
    /// \brief Arrêt du runtime : annule la tâche si elle ne tourne pas (sur le thread
    /// appelant ; ses destructeurs s'exécutent). Faux si elle est en cours d'exécution
    /// (elle s'annulera à la fin de son passage) ou déjà terminée.
    bool shutdown() noexcept;

    /// \brief Réveil de la suspension `epoch` (légal depuis n'importe quel thread).
    void wake_at(std::uint64_t epoch) noexcept override;
    /// \brief Demande l'annulation (légal depuis n'importe quel thread, sans effet si
    /// terminée) : la tâche est détruite à son prochain passage, à son point de suspension.
    void abort() noexcept;

    /// \brief Appelé par une feuille (sleep, join...) juste avant de suspendre la tâche
    /// courante : retient où reprendre, ouvre une suspension et rend son époque.
    std::uint64_t begin_suspend(std::coroutine_handle<> where) noexcept {
        resume_point = where;
        return state.arm_suspension();
    }
    /// \brief Comme `begin_suspend`, mais rend le `Waker` de cette suspension.
    Waker suspend_at(std::coroutine_handle<> where) noexcept {
        return Waker(this, begin_suspend(where));
    }
    /// \brief La tâche courante cède la main et reprendra en `where` après les autres tâches
    /// prêtes (`yield_now`, budget épuisé) : la fin du passage la remettra en file.
    void yield_at(std::coroutine_handle<> where) noexcept {
        resume_point = where;
        yielded = true;
    }
    /// \brief La feuille ne suspend finalement pas (l'événement est arrivé entre-temps) :
    /// renonce à la suspension `epoch`. Faux si un réveil l'a déjà consommée : il faut alors
    /// suspendre quand même, la tâche repassera aussitôt (elle est marquée NOTIFIED).
    bool abandon_suspend(std::uint64_t epoch) noexcept { return state.disarm_suspension(epoch); }

    /// \brief Relâche l'intérêt du `JoinHandle` (sa destruction) : la tâche devient détachée.
    void drop_join_interest() noexcept;
    /// \brief Inscrit le réveil de celui qui attend le résultat. Faux si déjà terminée.
    bool set_join_waker(Waker waker) noexcept;
    /// \brief Retire le réveil inscrit. Faux si la tâche s'est terminée entre-temps (elle
    /// réveille alors l'attendeur, ce qui est sans danger : le `Waker` tient sa cible).
    bool unset_join_waker() noexcept;

    /// \brief Vrai si la tâche est terminée (son résultat est publié).
    [[nodiscard]] bool is_complete() const noexcept { return state.load().is_complete(); }

    // Les champs sont rangés pour que l'en-tête tienne en 80 octets : avec un million de
    // tâches, chaque octet par tâche compte un mégaoctet. `owned`, `counted` et `yielded` se
    // logent dans le remplissage laissé par le compteur de références.
    bool owned = false;   ///< inscrite dans la liste des tâches vivantes du runtime
    bool counted = true;  ///< compte dans les métriques (faux pour la tâche de block_on)
    bool yielded = false; ///< a cédé la main pendant ce passage (seul l'exécutant y touche)
    TaskState state;
    TaskScheduler* const scheduler;
    /// Où reprendre la coroutine : la feuille suspendue la plus profonde.
    std::coroutine_handle<> resume_point;
    /// Le réveil de celui qui attend le résultat (`co_await handle`, un `JoinSet`).
    Waker join_waker;

    // Chaînages intrusifs, propriété du planificateur : aucune allocation pour les files.
    TaskHeader* next_in_queue = nullptr;
    TaskHeader* prev_owned = nullptr;
    TaskHeader* next_owned = nullptr;

protected:
    ~TaskHeader() override { scheduler->release(); }

private:
    /// Reprend la coroutine ; vrai si elle est arrivée au bout.
    virtual bool resume_coroutine() noexcept = 0;
    /// Détruit la coroutine sans la reprendre (ses destructeurs s'exécutent).
    virtual void destroy_coroutine() noexcept = 0;
    /// Publie le résultat de la coroutine terminée (valeur ou exception).
    virtual void store_output() noexcept = 0;
    /// Publie le résultat « annulée ».
    virtual void store_cancelled() noexcept = 0;
    /// L'exception d'une tâche terminée par une panique, s'il y en a une.
    virtual std::exception_ptr panic_of_output() const noexcept = 0;
    /// Vrai si le résultat publié est « annulée » (pour les traces).
    virtual bool cancelled_output() const noexcept { return false; }
    friend void trace::record_complete(const TaskHeader& task) noexcept;

    /// Détruit la coroutine, publie « annulée » et termine (la tâche est à nous : RUNNING).
    void cancel_now() noexcept;
    /// RUNNING → COMPLETE, puis réveille l'attendeur et prévient le planificateur.
    void complete() noexcept;
};

/// \brief La tâche en cours d'exécution sur ce thread (nulle hors d'une tâche).
TaskHeader* current_task() noexcept;

/// \brief Installe une tâche courante pour une portée (un passage, une annulation).
class CurrentTaskGuard {
public:
    /// \brief `task` devient la tâche courante du thread.
    explicit CurrentTaskGuard(TaskHeader* task) noexcept;
    /// \brief Rétablit la tâche courante d'avant.
    ~CurrentTaskGuard();
    CurrentTaskGuard(const CurrentTaskGuard&) = delete;
    CurrentTaskGuard& operator=(const CurrentTaskGuard&) = delete;

private:
    TaskHeader* previous_;
};

/// \brief La tâche courante, ou lève `std::logic_error` en expliquant le problème.
TaskHeader& require_current_task(const char* what);

/// \brief Signale (stderr, en français) et compte une exception que personne ne verra.
///
/// `why` dit d'où elle vient (« une tâche détachée a levé une exception »...). Comptée par
/// `counter`, ou, s'il est nul, par le planificateur de la tâche courante (s'il y en a une).
void report_unhandled(const char* why, const std::exception_ptr& error,
                      TaskScheduler* counter = nullptr) noexcept;

} // namespace rt::detail
