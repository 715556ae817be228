#pragma once
// Chapitre 02, exercice « construire » : une Task<T> minimale, sans runtime.
//
// SOLUTION. C'est une version réduite de runtime/include/rt/task.hpp : même protocole
// (promise, awaiter, awaiter de fin), sans cache d'allocation ni planificateur. Elle suffit
// pour comprendre ce que font `async fn` et `.await` : une coroutine paresseuse qui, quand on
// l'attend, retient qui l'attend (la continuation), puis, à la fin, lui rend la main par
// transfert symétrique.
//
// Les parties marquées « Étape N » sont celles que l'exercice vous demande d'écrire ; le reste
// (possession de la trame, contrôles qui transforment une erreur en exception lisible,
// sync_wait) est fourni.

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mini {

template <class T = void>
class Task;

/// L'erreur levée par les parties de l'exercice qui ne sont pas encore écrites.
class PasFait : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

namespace detail {

/// Ce qui est commun à toutes les promises : la continuation et les deux points de suspension
/// imposés par le langage (au début et à la fin du corps).
class PromiseBase {
public:
    // Étape 2 : paresseuse. Le corps ne démarre pas à l'appel de la fonction ; il démarrera
    // quand quelqu'un attendra la tâche (co_await) ou la confiera à sync_wait. C'est le
    // comportement d'une future de Rust, qui ne fait rien tant qu'on ne la « poll » pas.
    std::suspend_always initial_suspend() const noexcept { return {}; }

    /// L'awaiter du point de suspension final.
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }

        // Étape 6 : transfert symétrique vers la continuation. On ne l'appelle pas avec
        // `.resume()` (un appel de plus sur la pile à chaque niveau) : on *renvoie* son handle,
        // et le compilateur y saute sans empiler. Personne n'attend (tâche racine de
        // sync_wait) : noop_coroutine() rend la main à celui qui a appelé resume().
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
            if (std::coroutine_handle<> next = self.promise().continuation) {
                return next;
            }
            return std::noop_coroutine();
        }

        void await_resume() const noexcept {}
    };

    // Fourni : final_suspend doit être noexcept (une exception ici n'aurait nulle part où aller).
    FinalAwaiter final_suspend() const noexcept { return {}; }

    /// La coroutine à reprendre quand cette tâche se termine (nulle pour la racine).
    std::coroutine_handle<> continuation;
};

/// La promise d'une Task<T> : elle range la valeur de co_return ou l'exception du corps.
template <class T>
class Promise : public PromiseBase {
public:
    // Étape 1 : l'objet que reçoit l'appelant. Le handle se retrouve à partir de la promise,
    // qui vit dans la trame : from_promise(*this).
    Task<T> get_return_object();

    // Étape 3 : co_return v. On range la valeur (déplacée si possible) pour await_resume.
    template <class U = T> // « = T » : permet aussi co_return {...};
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) { result.template emplace<1>(std::forward<U>(value)); }

    // Étape 3 : une exception s'échappe du corps. On la garde : elle sera relancée chez
    // celui qui attend, comme si l'appel avait été synchrone.
    void unhandled_exception() noexcept { result.template emplace<2>(std::current_exception()); }

    /// Rien (pas démarrée ou pas finie), la valeur, ou l'exception.
    std::variant<std::monostate, T, std::exception_ptr> result;
};

/// La promise d'une Task<void> : pas de valeur, seulement « finie » ou une exception.
template <>
class Promise<void> : public PromiseBase {
public:
    // Étape 1.
    Task<void> get_return_object();

    // Étape 3 : co_return; (ou la fin du corps).
    void return_void() noexcept { finished = true; }

    // Étape 3.
    void unhandled_exception() noexcept { exception = std::current_exception(); }

    bool finished = false;
    std::exception_ptr exception;
};

/// Fourni : une tâche ne s'attend qu'une fois, et seulement avant d'avoir démarré.
template <class Handle>
void check_not_started(Handle h, const char* who) {
    if (!h) {
        throw std::logic_error(std::string(who) + " : Task vide (déjà déplacée ?)");
    }
    if (h.done()) {
        throw std::logic_error(std::string(who) +
                               " : la tâche est déjà terminée avant d'avoir été attendue. "
                               "Une Task doit être paresseuse : initial_suspend (étape 2) doit "
                               "suspendre la coroutine au lieu de la laisser s'exécuter.");
    }
}

} // namespace detail

/// Une coroutine paresseuse qui produit un T : `mini::Task<int> f() { co_return 42; }`.
///
/// La Task possède la trame : la détruire détruit la coroutine (et ce qu'elle contient).
template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    explicit Task(handle_type h) noexcept : handle_(h) {}
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&&) = delete; // inutile pour l'exercice
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    // Étape 7 : la Task possède la trame. Une tâche jamais attendue (ou terminée) doit être
    // détruite ici : destroy() exécute les destructeurs des paramètres et des variables
    // locales encore vivantes, puis libère la mémoire de la trame.
    ~Task() {
        if (handle_) {
            handle_.destroy();
        }
    }

    /// L'awaiter de `co_await task`.
    struct Awaiter {
        handle_type handle;

        // Fourni : une tâche paresseuse n'est jamais prête d'avance.
        bool await_ready() const noexcept { return false; }

        // Étape 4 : l'appelant (caller) est suspendu. On le retient comme continuation, puis
        // on renvoie le handle de la tâche : le compilateur y saute (transfert symétrique),
        // ce qui démarre son corps.
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
            handle.promise().continuation = caller;
            return handle;
        }

        // Étape 5 : la valeur de co_return, ou l'exception relancée. L'état « rien » ne doit
        // pas arriver si la tâche a bien été démarrée et a bien rangé son résultat : on le
        // signale plutôt que de renvoyer n'importe quoi.
        T await_resume() {
            auto& promise = handle.promise();
            if constexpr (std::is_void_v<T>) {
                if (promise.exception) {
                    std::rethrow_exception(promise.exception);
                }
                if (!promise.finished) {
                    throw std::logic_error("co_await : la tâche n'est pas allée jusqu'au bout");
                }
            } else {
                if (promise.result.index() == 2) {
                    std::rethrow_exception(std::get<2>(promise.result));
                }
                if (promise.result.index() == 0) {
                    throw std::logic_error("co_await : la tâche n'a rangé ni valeur ni exception");
                }
                return std::move(std::get<1>(promise.result));
            }
        }
    };

    /// Fourni : `co_await task` (lvalue ou temporaire).
    Awaiter operator co_await() & {
        detail::check_not_started(handle_, "co_await");
        return Awaiter{handle_};
    }
    Awaiter operator co_await() && {
        detail::check_not_started(handle_, "co_await");
        return Awaiter{handle_};
    }

    /// Le handle brut (pour sync_wait et les tests).
    [[nodiscard]] handle_type handle() const noexcept { return handle_; }

private:
    handle_type handle_;
};

namespace detail {
// Étape 1 : construire la Task à partir du handle de la coroutine.
template <class T>
Task<T> Promise<T>::get_return_object() {
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() {
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
} // namespace detail

/// Fourni : exécute `task` jusqu'au bout sur le thread appelant et rend son résultat.
///
/// Sans runtime, rien ne peut suspendre une mini::Task ailleurs qu'à un co_await sur une autre
/// mini::Task : un seul resume() déroule donc toute la chaîne (chaque fin de tâche saute dans
/// celle qui l'attendait), et la racine doit être finie quand resume() revient. Sinon, c'est
/// qu'un maillon n'a pas rendu la main à son appelant.
template <class T>
T sync_wait(Task<T> task) {
    auto h = task.handle();
    detail::check_not_started(h, "sync_wait");
    h.promise().continuation = {}; // la racine : personne à reprendre à la fin
    h.resume();
    if (!h.done()) {
        throw std::logic_error(
            "sync_wait : la tâche est restée suspendue. Une tâche attendue n'a pas rendu la main "
            "à celle qui l'attendait : FinalAwaiter::await_suspend (étape 6) doit renvoyer la "
            "continuation, et Awaiter::await_suspend (étape 4) doit l'enregistrer.");
    }
    return typename Task<T>::Awaiter{h}.await_resume();
}

} // namespace mini
