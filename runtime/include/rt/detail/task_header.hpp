#pragma once
/// \file
/// \brief L'en-tête commun à toutes les tâches lancées : état, compteur de références, réveil.
///
/// C'est le cœur de `spawn`. Une tâche lancée est **une cellule** (`JoinCell<T>`) qui
/// contient cet en-tête, la coroutine de l'utilisateur et la place du résultat. Le
/// planificateur ne manipule que des `TaskHeader*` ; il ne connaît pas `T`.

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <exception>

namespace rt::detail {

class Scheduler;
struct TaskHeader;

/// \brief Une autorisation de réveiller une tâche suspendue : l'équivalent du `Waker` de Rust.
///
/// Un `Waker` garde une référence sur la tâche (elle ne peut pas être libérée tant qu'il
/// existe) et l'**époque** de la suspension qu'il doit terminer. Si la tâche a repris et
/// s'est suspendue ailleurs entre-temps, l'époque ne correspond plus et le réveil est ignoré :
/// une coroutine C++ ne peut pas « vérifier et se rendormir » comme un `poll` de Rust, elle ne
/// doit donc jamais être reprise par un réveil périmé.
///
/// `wake()` est légal depuis n'importe quel thread.
class Waker {
public:
    Waker() noexcept = default;
    Waker(TaskHeader* task, std::uint32_t epoch) noexcept;
    Waker(const Waker& other) noexcept;
    Waker(Waker&& other) noexcept;
    Waker& operator=(Waker other) noexcept;
    ~Waker();

    /// \brief Planifie la tâche si elle attend toujours à la même suspension.
    void wake() const noexcept;
    /// \brief Vrai si ce `Waker` désigne une tâche.
    explicit operator bool() const noexcept { return task_ != nullptr; }

private:
    friend struct TaskHeader; // pour ranger un Waker à plat dans l'en-tête (join_task/join_epoch)
    TaskHeader* task_ = nullptr;
    std::uint32_t epoch_ = 0;
};

/// \brief L'en-tête d'une tâche lancée : ce que le planificateur voit.
///
/// **L'état** tient dans un seul mot atomique, pour que réveil, exécution, annulation et
/// fin puissent se croiser entre threads sans verrou (le même schéma que tokio) :
/// les bits de poids faible sont des drapeaux, les 24 bits de poids fort comptent les
/// suspensions (l'« époque », voir `Waker`).
///
/// **La durée de vie** est gérée par un compteur de références : une pour le runtime (tant
/// que la tâche n'est pas terminée), une par `JoinHandle`, une par `Waker`.
struct TaskHeader {
    // --- drapeaux de `state` ---
    static constexpr std::uint32_t SCHEDULED = 1u << 0; ///< dans une file d'exécution
    static constexpr std::uint32_t RUNNING = 1u << 1;   ///< en cours d'exécution
    static constexpr std::uint32_t NOTIFIED = 1u << 2;  ///< réveillée pendant qu'elle tournait
    static constexpr std::uint32_t COMPLETE = 1u << 3;  ///< terminée : résultat disponible
    static constexpr std::uint32_t CANCELLED = 1u << 4; ///< abort() demandé
    static constexpr std::uint32_t JOIN_INTEREST = 1u << 5; ///< un JoinHandle existe
    static constexpr std::uint32_t JOIN_WAKER = 1u << 6;    ///< join_task est inscrite
    static constexpr std::uint32_t FLAG_MASK = (1u << 8) - 1;
    static constexpr std::uint32_t EPOCH_ONE = 1u << 8;

    explicit TaskHeader(Scheduler* scheduler) noexcept : scheduler(scheduler) {}
    TaskHeader(const TaskHeader&) = delete;
    TaskHeader& operator=(const TaskHeader&) = delete;

    /// \brief Reprend la coroutine là où elle s'était suspendue (appelé par le planificateur).
    void poll();
    /// \brief Détruit la coroutine à son point de suspension (annulation) et publie le résultat
    /// « annulée ». Les destructeurs des variables locales s'exécutent.
    void cancel() noexcept;

    /// \brief Exécute la tâche une fois (appelé par le planificateur, sur son thread).
    ///
    /// Passe de SCHEDULED à RUNNING, reprend la coroutine (ou l'annule si abort() a été
    /// demandé), puis la termine, la remet en file si elle a été réveillée pendant
    /// l'exécution, ou la laisse dormir.
    void run();

    /// \brief Réveil : planifie la tâche si elle dort encore à l'époque `epoch`.
    void wake_at(std::uint32_t epoch) noexcept;
    /// \brief Réveil inconditionnel (utilisé par `time::timeout`, qui redirige la reprise).
    void wake_forced() noexcept;
    /// \brief Demande l'annulation (légal depuis n'importe quel thread, sans effet si terminée).
    void abort() noexcept;

    /// \brief Appelé par une feuille (sleep, join...) juste avant de suspendre la tâche
    /// courante : retient où reprendre et renvoie l'époque de cette nouvelle suspension.
    std::uint32_t begin_suspend(std::coroutine_handle<> where) noexcept;
    /// \brief Comme `begin_suspend`, mais renvoie le `Waker` de cette suspension.
    Waker suspend_at(std::coroutine_handle<> where) noexcept {
        return Waker(this, begin_suspend(where));
    }

    void add_ref() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept;

    /// \brief Relâche l'intérêt du `JoinHandle` (sa destruction) : la tâche devient détachée.
    void drop_join_interest() noexcept;
    /// \brief Inscrit le réveil de la tâche qui attend le résultat. Faux si déjà terminée.
    bool set_join_waker(Waker waker) noexcept;
    /// \brief Retire le réveil inscrit. Faux si la tâche s'est terminée entre-temps.
    bool unset_join_waker() noexcept;
    /// \brief Relâche la tâche inscrite dans join_task (si l'emplacement nous appartient).
    void clear_join_waker() noexcept;

    [[nodiscard]] bool is_complete() const noexcept {
        return state.load(std::memory_order_acquire) & COMPLETE;
    }

    // Les champs sont rangés pour que l'en-tête tienne en 72 octets : avec un million de
    // tâches, chaque octet par tâche compte un mégaoctet.
    std::atomic<std::uint32_t> state{0};
    std::atomic<std::uint32_t> refs{1};
    Scheduler* scheduler;
    /// Où reprendre la coroutine : la feuille suspendue la plus profonde, ou l'attendeur d'un
    /// `timeout` dont le délai vient de s'écouler (le pilote y écrit alors la redirection).
    std::coroutine_handle<> resume_point;
    /// Le `Waker` de la tâche qui attend ce résultat (`co_await handle`), rangé à plat :
    /// valide quand JOIN_WAKER est levé.
    TaskHeader* join_task = nullptr;
    std::uint32_t join_epoch = 0;
    bool owned = false;  ///< inscrite dans la liste des tâches vivantes du runtime
    bool counted = true; ///< compte dans les métriques (faux pour la tâche de block_on)

    // Chaînages intrusifs, propriété du planificateur : aucune allocation pour les files.
    TaskHeader* next_in_queue = nullptr;
    TaskHeader* prev_owned = nullptr;
    TaskHeader* next_owned = nullptr;

protected:
    virtual ~TaskHeader();

private:
    /// Reprend la coroutine ; vrai si elle est arrivée au bout.
    virtual bool resume_coroutine() = 0;
    /// Détruit la coroutine sans la reprendre.
    virtual void destroy_coroutine() noexcept = 0;
    /// Publie le résultat de la coroutine terminée (valeur ou exception).
    virtual void store_output() noexcept = 0;
    /// Publie le résultat « annulée ».
    virtual void store_cancelled() noexcept = 0;
    /// L'exception d'une tâche terminée par une panique, s'il y en a une.
    virtual std::exception_ptr panic_of_output() const noexcept = 0;

    void complete() noexcept;
    void schedule() noexcept;
};

/// \brief La tâche en cours d'exécution sur ce thread (nulle hors d'une tâche).
TaskHeader* current_task() noexcept;
/// \brief Change la tâche courante ; renvoie l'ancienne (utilisé par le planificateur).
TaskHeader* set_current_task(TaskHeader* task) noexcept;

/// \brief La tâche courante, ou lève `std::logic_error` en expliquant le problème.
TaskHeader& require_current_task(const char* what);

} // namespace rt::detail
