#pragma once
/// \file
/// \brief Le mot d'état d'une tâche et ses transitions nommées (le `state.rs` de tokio).
///
/// Réveil, exécution, annulation, fin et attente du résultat peuvent se croiser entre
/// threads : tout passe par **un seul mot atomique**, et chaque changement est une fonction
/// nommée qui rend un résultat nommé. Celui qui appelle une transition fait ce que le
/// résultat lui dit (remettre la tâche en file, l'annuler, ne rien faire) : c'est le
/// contrat entre la tâche et le planificateur, testé sans coroutine dans
/// `tests/runtime/test_task_state.cpp`.
///
/// Ordres mémoire : chaque transition dit en une ligne pourquoi le sien suffit. Les lectures
/// (chargement initial, échec d'un compare-and-swap) sont en `acquire` : quand une transition
/// est refusée parce que la tâche est terminée, l'appelant lit ensuite le résultat publié par
/// la fin. Seules exceptions, les transitions `relaxed` de la tâche sur elle-même (armer,
/// désarmer une suspension, céder la main) : elles ne lisent rien d'autre que le mot. Sur x86,
/// une lecture `acquire` ne coûte rien de plus.

#include <atomic>
#include <cstdint>

namespace rt::detail {

/// \brief Le mot d'état d'une tâche : des drapeaux, et l'époque de sa suspension.
///
/// | bit | drapeau | signification |
/// |-----|---------|---------------|
/// | 0 | `NOTIFIED` | hors exécution : la tâche est dans une file ; pendant l'exécution : à remettre en file à la fin de ce passage |
/// | 1 | `RUNNING` | un thread l'exécute (ou l'annule) ; lui seul touche à la coroutine |
/// | 2 | `COMPLETE` | terminée, résultat publié ; ne redescend jamais |
/// | 3 | `CANCELLED` | annulation demandée (`abort`, arrêt du runtime) |
/// | 4 | `JOIN_INTEREST` | un `JoinHandle` existe |
/// | 5 | `JOIN_WAKER` | l'emplacement du réveil de l'attendeur est rempli et appartient à la tâche |
/// | 6 | `ARMED` | une suspension attend son réveil (et un seul réveil la terminera) |
/// | 8–63 | époque | numéro de la suspension courante |
///
/// **L'époque et `ARMED`** sont ce qui distingue rt de tokio. Une future de Rust qu'on
/// réveille à tort est simplement interrogée (`poll`) une fois de plus et répond « pas
/// prête ». Une coroutine C++ reprise à tort, elle, *sort* de son `co_await` : l'opération
/// qu'elle attendait est considérée comme terminée. Un réveil ne doit donc terminer que la
/// suspension pour laquelle il a été émis : chaque suspension reçoit un numéro
/// (`arm_suspension`) et le premier réveil qui le présente la **consomme** (`ARMED`
/// retombe). Un réveil en retard (numéro ancien, ou suspension déjà consommée) est ignoré.
class TaskState {
public:
    using Word = std::uint64_t;

    static constexpr Word NOTIFIED = Word{1} << 0;      ///< en file, ou à y remettre
    static constexpr Word RUNNING = Word{1} << 1;       ///< en cours d'exécution
    static constexpr Word COMPLETE = Word{1} << 2;      ///< terminée, résultat publié
    static constexpr Word CANCELLED = Word{1} << 3;     ///< annulation demandée
    static constexpr Word JOIN_INTEREST = Word{1} << 4; ///< un JoinHandle existe
    static constexpr Word JOIN_WAKER = Word{1} << 5;    ///< réveil de l'attendeur inscrit
    static constexpr Word ARMED = Word{1} << 6;         ///< suspension en attente de réveil
    static constexpr Word FLAG_MASK = (Word{1} << 8) - 1;
    static constexpr Word EPOCH_ONE = Word{1} << 8; ///< une suspension de plus

    /// \brief L'état d'une tâche neuve : en file (elle va s'exécuter) et attendue.
    static constexpr Word INITIAL = NOTIFIED | JOIN_INTEREST;

    /// \brief Une lecture du mot, avec des accesseurs lisibles.
    struct Snapshot {
        Word bits; ///< le mot lu

        [[nodiscard]] bool is_notified() const noexcept { return bits & NOTIFIED; }
        [[nodiscard]] bool is_running() const noexcept { return bits & RUNNING; }
        [[nodiscard]] bool is_complete() const noexcept { return bits & COMPLETE; }
        [[nodiscard]] bool is_cancelled() const noexcept { return bits & CANCELLED; }
        [[nodiscard]] bool is_join_interested() const noexcept { return bits & JOIN_INTEREST; }
        [[nodiscard]] bool has_join_waker() const noexcept { return bits & JOIN_WAKER; }
        [[nodiscard]] bool is_armed() const noexcept { return bits & ARMED; }
        /// \brief Ni en exécution ni terminée.
        [[nodiscard]] bool is_idle() const noexcept { return !(bits & (RUNNING | COMPLETE)); }
        /// \brief Le numéro de la suspension courante.
        [[nodiscard]] Word epoch() const noexcept { return bits & ~FLAG_MASK; }
    };

    /// \brief Ce que doit faire celui qui vient de prendre la tâche dans une file.
    enum class ToRunning {
        Success,  ///< reprendre la coroutine
        Cancelled ///< l'annuler : détruire la trame, publier « annulée »
    };
    /// \brief Ce que doit faire l'exécutant quand la coroutine s'est suspendue.
    enum class ToIdle {
        Ok,         ///< rien : la tâche dort, un réveil la remettra en file
        OkNotified, ///< la remettre en file : elle a été réveillée pendant ce passage
        Cancelled   ///< l'annuler maintenant (abort pendant ce passage) : on la possède encore
    };
    /// \brief Ce que doit faire celui qui réveille (ou annule) la tâche.
    enum class ToNotified {
        Stale,     ///< réveil périmé ou tâche terminée : ignoré
        DoNothing, ///< noté ; quelqu'un d'autre (l'exécutant, une file) s'en charge
        Submit     ///< la mettre en file : c'est à l'appelant de le faire
    };

    /// \brief Un état initial (`INITIAL` par défaut).
    explicit TaskState(Word initial = INITIAL) noexcept : word_(initial) {}
    TaskState(const TaskState&) = delete;
    TaskState& operator=(const TaskState&) = delete;

    /// \brief Lit le mot.
    [[nodiscard]] Snapshot load() const noexcept {
        // acquire : voir ce que la dernière transition a publié (le résultat, surtout).
        return {word_.load(std::memory_order_acquire)};
    }
    /// \brief Fixe le mot d'une tâche pas encore publiée (aucun autre thread ne la voit).
    void reset(Word initial) noexcept {
        // relaxed : la tâche sera publiée par sa mise en file (verrou ou file), qui ordonne.
        word_.store(initial, std::memory_order_relaxed);
    }

    /// \brief NOTIFIED → RUNNING : prise dans une file pour un passage.
    ToRunning transition_to_running() noexcept;
    /// \brief RUNNING → repos, la coroutine s'étant suspendue.
    ///
    /// `yielded` : elle a cédé la main pendant ce passage (`yield_now`, budget épuisé). Dans
    /// le même compare-and-swap, elle prend une époque neuve sans suspension armée (aucun
    /// réveil ancien ne peut plus la reprendre) et NOTIFIED : la transition rend `OkNotified`
    /// et l'exécutant la remet en fin de file. Un seul compare-and-swap par cession, là où
    /// « armer puis se réveiller soi-même » en coûterait deux, plus une référence.
    ToIdle transition_to_idle(bool yielded = false) noexcept;
    /// \brief RUNNING → COMPLETE (résultat déjà rangé) ; rend le mot d'après.
    Snapshot transition_to_complete() noexcept;

    /// \brief Réveil de la suspension `epoch` : la consomme si elle attend encore.
    ToNotified transition_to_notified(Word epoch) noexcept;
    /// \brief `abort()` : demande l'annulation et fait passer la tâche par une file.
    ToNotified transition_to_notified_and_cancel() noexcept;
    /// \brief Arrêt du runtime : demande l'annulation ; vrai si l'appelant a pris la tâche
    /// (elle ne tournait pas) et doit l'annuler lui-même.
    bool transition_to_shutdown() noexcept;

    /// \brief Ouvre une nouvelle suspension (la tâche courante, pendant son passage) ; rend
    /// son époque, à donner au `Waker`.
    Word arm_suspension() noexcept;
    /// \brief Renonce à la suspension `epoch` (l'awaiter ne suspend finalement pas). Faux si
    /// un réveil l'a déjà consommée : il faut alors suspendre, la tâche repassera aussitôt.
    bool disarm_suspension(Word epoch) noexcept;

    /// \brief Le `JoinHandle` est détruit. Faux si la tâche est déjà terminée : c'est alors
    /// à lui de regarder le résultat (une panique que personne n'a vue).
    bool unset_join_interest() noexcept;
    /// \brief Publie le réveil de l'attendeur (déjà rangé). Faux si la tâche est terminée.
    bool set_join_waker() noexcept;
    /// \brief Reprend l'emplacement du réveil. Faux si la tâche s'est terminée entre-temps :
    /// l'emplacement lui appartient, elle va (ou vient de) réveiller l'attendeur.
    bool unset_join_waker() noexcept;

private:
    std::atomic<Word> word_;
};

} // namespace rt::detail
