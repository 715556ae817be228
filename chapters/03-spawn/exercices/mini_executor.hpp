// Chapitre 03 — exercice « construire » : un mini-exécuteur mono-thread.
//
// À VOUS : les endroits marqués TODO, dans ce fichier (l'awaiter du JoinHandle, yield_now,
// JoinState::finish et JoinState::take, en bas) et dans mini_executor.cpp (la boucle run()).
// Le reste (la coroutine Task, spawn, l'exécuteur) est fourni : lisez-le d'abord.
// Vérifier : ./cours verifier 03 mini_executor   ·   Indices : ./cours indice 03 mini_executor
//
// C'est le même squelette que runtime/ (file de tâches prêtes, spawn, état de jointure,
// boucle d'exécution), sans rien d'autre : pas de minuteries, pas de threads, pas d'atomiques.
// Comme le mini-tokio du tutoriel de tokio, il prend des raccourcis que l'on nomme :
//   - raccourci 1 : un seul thread. Personne ne peut réveiller une tâche « de l'extérieur »,
//     donc pas de file distante, pas de verrou, pas d'époques de réveil ;
//   - raccourci 2 : l'état de jointure est un std::shared_ptr (deux allocations par spawn :
//     la trame et l'état) là où rt met tout dans une seule cellule avec un compteur maison ;
//   - raccourci 3 : pas d'annulation (abort) ni d'arrêt propre d'une tâche en cours : seul le
//     destructeur de l'exécuteur détruit les tâches qui restent.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>

namespace mini {

class Executor;

/// La « valeur » d'une tâche qui ne renvoie rien : le variant ci-dessous a besoin d'un type.
struct Nothing {};

template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, Nothing, T>;

// ---------------------------------------------------------------------------------------
// L'état de jointure : ce que la tâche lancée et son JoinHandle partagent.
// ---------------------------------------------------------------------------------------
template <class T>
struct JoinState {
    /// monostate : pas encore de résultat ; stored_t<T> : la valeur ; exception_ptr : la tâche
    /// a levé une exception (la « panique » de tokio).
    std::variant<std::monostate, stored_t<T>, std::exception_ptr> result;
    /// Vrai quand la tâche est terminée et que `result` est rempli.
    bool finished = false;
    /// La tâche qui attend ce résultat (co_await handle), s'il y en a une.
    std::coroutine_handle<> waiter;
    /// L'exécuteur qui fait tourner la tâche (pour y remettre `waiter`).
    Executor* executor = nullptr;

    /// Appelé une seule fois, quand la tâche arrive au bout (valeur ou exception déjà rangée).
    void finish() noexcept;
    /// Rend la valeur, ou relance l'exception de la tâche chez celui qui attend.
    T take();
};

// ---------------------------------------------------------------------------------------
// La coroutine d'une tâche : Task<T>. Plomberie fournie (vue au chapitre 02).
// ---------------------------------------------------------------------------------------
template <class T>
class Task;

template <class T>
struct PromiseBase {
    /// Créé avec la trame : la tâche le remplit, le JoinHandle le lit.
    std::shared_ptr<JoinState<T>> state = std::make_shared<JoinState<T>>();
    /// Posé par Executor::spawn ; sert à yield_now pour se remettre en file.
    Executor* executor = nullptr;

    /// Paresseuse : spawn met la tâche en file, la boucle run() la démarrera.
    std::suspend_always initial_suspend() const noexcept { return {}; }
    /// À la fin : publier le résultat et réveiller l'attendeur, puis rester suspendue.
    /// La trame n'est pas libérée ici : c'est run() qui voit done() et la détruit.
    std::suspend_always final_suspend() const noexcept {
        state->finish();
        return {};
    }
    /// Une exception qui s'échappe de la tâche est rangée : elle ne tue pas l'exécuteur.
    void unhandled_exception() noexcept {
        state->result.template emplace<2>(std::current_exception());
    }
};

template <class T>
struct Promise : PromiseBase<T> {
    Task<T> get_return_object() noexcept;
    void return_value(T value) { this->state->result.template emplace<1>(std::move(value)); }
};

template <>
struct Promise<void> : PromiseBase<void> {
    Task<void> get_return_object() noexcept;
    void return_void() noexcept { this->state->result.template emplace<1>(); }
};

/// Une coroutine paresseuse à confier à `Executor::spawn`. Elle possède sa trame tant qu'elle
/// n'a pas été lancée ; spawn la lui prend (release).
template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = Promise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    explicit Task(handle_type h) noexcept : handle_(h) {}
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    Task& operator=(Task&&) = delete;
    ~Task() {
        if (handle_) {
            handle_.destroy(); // jamais lancée : personne d'autre ne la détruira
        }
    }

    /// Cède la trame (à l'exécuteur).
    handle_type release() noexcept { return std::exchange(handle_, {}); }

private:
    handle_type handle_;
};

template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

// ---------------------------------------------------------------------------------------
// JoinHandle<T> : le droit d'attendre le résultat d'une tâche lancée.
// ---------------------------------------------------------------------------------------
template <class T>
class [[nodiscard]] JoinHandle {
public:
    JoinHandle() = default;
    explicit JoinHandle(std::shared_ptr<JoinState<T>> state) noexcept : state_(std::move(state)) {}

    /// Vrai si la tâche est terminée (valeur ou exception).
    [[nodiscard]] bool is_finished() const noexcept { return state_ && state_->finished; }

    /// L'awaiter de `co_await handle` : le cœur de la jointure.
    struct Awaiter {
        std::shared_ptr<JoinState<T>> state;

        /// Déjà terminée ? Alors on ne se suspend pas du tout.
        bool await_ready() const noexcept {
            // TODO (1) : vrai si la tâche est déjà terminée (aucune raison de se suspendre).
            return false;
        }
        /// Pas encore : on s'inscrit comme attendeur et on rend la main à run().
        /// finish() nous remettra en file quand la tâche aura fini.
        void await_suspend(std::coroutine_handle<> me) noexcept {
            // TODO (2) : s'inscrire comme la tâche qui attend ce résultat (state->waiter).
            (void)me;
        }
        /// Réveillé (ou pas suspendu) : la valeur, ou l'exception de la tâche relancée ici.
        T await_resume() {
            // TODO (3) : rendre le résultat rangé dans l'état (voir JoinState::take).
            throw std::logic_error("TODO : JoinHandle::Awaiter::await_resume n'est pas écrit");
        }
    };

    Awaiter operator co_await() const {
        if (!state_) {
            throw std::logic_error("co_await sur un JoinHandle vide (déplacé ou par défaut)");
        }
        return Awaiter{state_};
    }

    // Pas de destructeur particulier : lâcher le shared_ptr suffit à « détacher » la tâche.
    // Elle continue de tourner (l'exécuteur possède sa trame) ; son résultat sera jeté.

private:
    std::shared_ptr<JoinState<T>> state_;
};

// ---------------------------------------------------------------------------------------
// L'exécuteur : une file de tâches prêtes et une boucle.
// ---------------------------------------------------------------------------------------
class Executor {
public:
    Executor() = default;
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;
    /// Détruit les trames des tâches encore vivantes (jamais lancées, ou bloquées pour
    /// toujours) : leurs destructeurs locaux s'exécutent, rien ne fuit.
    ~Executor();

    /// Lance une tâche : elle est mise en fin de file, elle ne s'exécute PAS maintenant.
    template <class T>
    JoinHandle<T> spawn(Task<T> task) {
        auto handle = task.release();
        auto& promise = handle.promise();
        promise.executor = this;
        promise.state->executor = this;
        live_.insert(handle.address()); // l'exécuteur possède désormais la trame
        schedule(handle);
        return JoinHandle<T>(promise.state);
    }

    /// Met une tâche suspendue en fin de file des tâches prêtes.
    void schedule(std::coroutine_handle<> task) { ready_.push_back(task); }

    /// Exécute les tâches prêtes, dans l'ordre de la file, jusqu'à ce qu'il n'y en ait plus.
    /// Rend le nombre de reprises effectuées.
    std::size_t run();

    /// Nombre de tâches vivantes (lancées et pas encore détruites).
    [[nodiscard]] std::size_t alive() const noexcept { return live_.size(); }
    /// Nombre de tâches en file, prêtes à reprendre.
    [[nodiscard]] std::size_t ready() const noexcept { return ready_.size(); }
    /// Nombre total de reprises depuis la création.
    [[nodiscard]] std::size_t resumes() const noexcept { return resumes_; }

private:
    std::deque<std::coroutine_handle<>> ready_; ///< la file FIFO des tâches prêtes
    std::unordered_set<void*> live_;            ///< adresses des trames que l'on possède
    std::size_t resumes_ = 0;
};

// ---------------------------------------------------------------------------------------
// yield_now : rendre la main aux autres tâches prêtes.
// ---------------------------------------------------------------------------------------
struct YieldNow {
    bool await_ready() const noexcept { return false; }
    /// La tâche se remet elle-même en FIN de file, puis se suspend : les tâches déjà prêtes
    /// passent avant elle.
    template <class P>
    bool await_suspend(std::coroutine_handle<P> me) {
        // TODO (4) : remettre `me` en fin de file de son exécuteur (me.promise().executor),
        // puis se suspendre (rendre true, ou changer le type de retour en void).
        (void)me;
        return false; // pour l'instant : ne se suspend pas, yield_now ne fait rien
    }
    void await_resume() const noexcept {}
};

inline YieldNow yield_now() noexcept {
    return {};
}

// ---------------------------------------------------------------------------------------
// L'état de jointure : les deux fonctions qui font le lien entre la tâche et son attendeur.
// ---------------------------------------------------------------------------------------
template <class T>
void JoinState<T>::finish() noexcept {
    // TODO (5) : la tâche est finie (son résultat est déjà dans `result`).
    //   - marquer l'état comme terminé ;
    //   - si une tâche attend (waiter), la remettre en file de l'exécuteur — la remettre en
    //     file, pas la reprendre tout de suite : on est encore dans la trame qui se termine.
}

template <class T>
T JoinState<T>::take() {
    // TODO (6) : si `result` contient une exception, la relancer (std::rethrow_exception) ;
    // sinon rendre la valeur (déplacée). Pour T = void, il n'y a rien à rendre.
    throw std::logic_error("TODO : JoinState::take n'est pas écrit");
}

} // namespace mini
