// Chapitre 08 — exercice « construire » : la cellule d'une tâche, la partie qui capture
// l'exception et publie le résultat.
//
// Une version autonome et lisible de `rt::detail::JoinCell` (runtime/include/rt/join_handle.hpp)
// et de la promise de `rt::Task` (runtime/include/rt/task.hpp), comme la mini-tokio du
// tutoriel de tokio : pas de planificateur, pas de réveil. C'est le test qui fait avancer la
// coroutine en appelant `poll()`, et qui l'annule en appelant `abort()`.
//
// Les trois étapes d'une cellule portent les noms de tokio (`Stage` dans task/core.rs) :
//   Running  : la coroutine existe, elle n'est pas finie ;
//   Finished : l'issue est publiée (une valeur, ou une JoinError : panique ou annulation) ;
//   Consumed : l'issue a été prise par `take_output()` (une seule fois, comme `co_await handle`).
//
// Ce que cette version LAISSE DE CÔTÉ, et que le runtime fait :
//   - aucun thread : ni état atomique, ni références comptées (TaskHeader, TaskState) ;
//   - aucun réveil : personne n'attend l'issue, on la lit quand `is_finished()` est vrai ;
//   - `abort()` détruit la trame tout de suite ; dans le runtime, il ne fait que poser un
//     drapeau, car la tâche tourne peut-être en ce moment sur un autre thread ;
//   - pas de `Cell<void>` (le runtime a une spécialisation de sa promise pour `void`) ;
//   - un destructeur qui lève pendant l'annulation n'est pas signalé : il termine le processus
//     (le runtime le signale et le compte, voir la leçon, section 5) ;
//   - pas de cache d'allocation des trames.
#pragma once

#include <rt/join_error.hpp>
#include <rt/result.hpp>

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace construire {

/// \brief La cellule d'une tâche : sa coroutine, puis son issue.
///
/// S'obtient en appelant une coroutine qui rend `Cell<T>` :
/// \code
/// construire::Cell<int> f() { co_await std::suspend_always{}; co_return 42; }
/// auto c = f();       // rien ne s'exécute (paresseuse, comme une future)
/// c.poll();           // jusqu'au co_await : faux, pas finie
/// c.poll();           // jusqu'au co_return : vrai, l'issue est publiée
/// auto r = c.take_output(); // rt::Result<int, rt::JoinError> : 42
/// \endcode
template <class T>
class [[nodiscard]] Cell {
    static_assert(!std::is_void_v<T>, "Cell<void> n'est pas prévue ici (voir l'en-tête)");

public:
    /// \brief La promise : vit dans la trame, reçoit `co_return` et les exceptions.
    class promise_type {
    public:
        Cell get_return_object() noexcept {
            return Cell(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        /// Paresseuse : le corps ne démarre qu'au premier `poll()`.
        std::suspend_always initial_suspend() const noexcept { return {}; }
        /// Suspendue à la fin (la trame n'est pas libérée toute seule) : la cellule lit
        /// l'issue dans la promise, puis détruit la trame elle-même.
        std::suspend_always final_suspend() const noexcept { return {}; }

        /// `co_return v;` : la valeur est rangée dans la promise (déplacée, pas copiée).
        template <class U = T>
        requires std::is_convertible_v<U&&, T>
        void return_value(U&& value) { result_.template emplace<VALUE>(std::forward<U>(value)); }

        /// Appelée par le compilateur, dans un bloc catch implicite, quand une exception
        /// s'échappe du corps. On garde l'exception ELLE-MÊME (type et contenu), pas son
        /// message : `std::current_exception()` est le seul moyen de la reprendre ici.
        void unhandled_exception() noexcept {
            result_.template emplace<EXCEPTION>(std::current_exception());
        }

    private:
        friend class Cell;
        static constexpr std::size_t NOTHING = 0, VALUE = 1, EXCEPTION = 2;
        std::variant<std::monostate, T, std::exception_ptr> result_;
    };

    Cell(Cell&& other) noexcept
        : frame_(std::exchange(other.frame_, {})), stage_(std::move(other.stage_)) {}
    Cell& operator=(Cell&&) = delete;
    Cell(const Cell&) = delete;
    Cell& operator=(const Cell&) = delete;

    /// \brief Détruire une cellule dont la coroutine n'est pas finie détruit sa trame (ses
    /// destructeurs s'exécutent) : aucune fuite.
    ~Cell() {
        if (frame_) {
            frame_.destroy();
        }
    }

    /// \brief Fait avancer la coroutine jusqu'à sa prochaine suspension ou sa fin ; vrai si
    /// elle est finie (son issue est alors publiée). Une exception de la tâche ne sort
    /// JAMAIS d'ici : elle devient l'issue.
    bool poll() {
        if (stage_.index() != RUNNING || !frame_) {
            throw std::logic_error("poll() sur une cellule déjà finie");
        }
        frame_.resume();
        if (!frame_.done()) {
            return false;
        }
        store_output();
        return true;
    }

    /// \brief Annule la tâche : sa trame est détruite à son point de suspension (ses
    /// destructeurs s'exécutent) et l'issue « annulée » est publiée. Sans effet si la tâche
    /// est déjà finie, comme `JoinHandle::abort()`.
    void abort() noexcept {
        if (stage_.index() != RUNNING) {
            return; // finie (ou issue déjà prise) : on ne réécrit pas une issue publiée
        }
        destroy_frame();
        stage_.template emplace<FINISHED>(rt::JoinError::cancelled());
    }

    /// \brief Vrai si l'issue est publiée (valeur, panique ou annulation) ou déjà prise.
    [[nodiscard]] bool is_finished() const noexcept { return stage_.index() != RUNNING; }

    /// \brief Prend l'issue, une seule fois : la valeur, ou la `JoinError`. Lève
    /// `std::logic_error` si la tâche n'est pas finie, ou si l'issue a déjà été prise.
    rt::Result<T, rt::JoinError> take_output() {
        if (stage_.index() == RUNNING) {
            throw std::logic_error("take_output() sur une tâche pas encore finie");
        }
        if (stage_.index() == CONSUMED) {
            throw std::logic_error(
                "take_output() appelé deux fois : l'issue ne se prend qu'une fois");
        }
        auto output =
            std::get<FINISHED>(std::exchange(stage_, Stage(std::in_place_index<CONSUMED>)));
        return output;
    }

private:
    using Output = rt::Result<T, rt::JoinError>;
    struct Running {};
    struct Consumed {};
    using Stage = std::variant<Running, Output, Consumed>;
    static constexpr std::size_t RUNNING = 0, FINISHED = 1, CONSUMED = 2;

    explicit Cell(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}

    /// La coroutine est arrivée au bout (co_return, ou exception rangée par
    /// unhandled_exception) : on publie son issue, puis on libère la trame tout de suite
    /// (ses paramètres y vivaient encore), comme `store_output` dans le runtime.
    void store_output() {
        auto& result = frame_.promise().result_;
        if (result.index() == promise_type::EXCEPTION) {
            stage_.template emplace<FINISHED>(
                rt::JoinError::from_panic(std::get<promise_type::EXCEPTION>(result)));
        } else {
            stage_.template emplace<FINISHED>(std::get<promise_type::VALUE>(std::move(result)));
        }
        destroy_frame();
    }

    void destroy_frame() noexcept {
        if (auto frame = std::exchange(frame_, {})) {
            frame.destroy();
        }
    }

    std::coroutine_handle<promise_type> frame_;
    Stage stage_;
};

} // namespace construire
