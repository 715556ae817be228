#pragma once
// Chapitre 02, exercice « construire » : une Task<T> minimale, sans runtime.
//
// À COMPLÉTER : cherchez les « TODO (étape N) », dans l'ordre. C'est une version réduite de
// runtime/include/rt/task.hpp : même protocole (promise, awaiter, awaiter de fin), sans cache
// d'allocation ni planificateur. Elle suffit pour comprendre ce que font `async fn` et `.await` :
// une coroutine paresseuse qui, quand on l'attend, retient qui l'attend (la continuation), puis, à
// la fin, lui rend la main par transfert symétrique.
//
// Le reste (contrôles qui transforment une erreur en exception lisible, sync_wait) est fourni :
// lisez-le, il vous dit ce qu'on attend de chaque étape. Vérifiez-vous avec
// « ./cours verifier 02 mini_task » ; des indices gradués sont dans chapters/02-async-await/indices.md.

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
    // TODO (étape 2) : une Task doit être paresseuse, comme une future de Rust : l'appel de
    // la fonction crée la trame mais n'exécute pas le corps ; il démarrera au premier
    // co_await. Que faut-il renvoyer pour que la coroutine s'arrête avant la première ligne ?
    std::suspend_never initial_suspend() const noexcept { return {}; }

    /// L'awaiter du point de suspension final.
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }

        // TODO (étape 6) : la tâche est finie ; il faut rendre la main à celle qui l'attend
        // (self.promise().continuation) par transfert symétrique : renvoyer son handle, sans
        // appeler .resume() (qui empilerait un appel par niveau). Si personne n'attend (la
        // racine de sync_wait), renvoyer std::noop_coroutine() rend la main à sync_wait.
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
            (void)self;
            return std::noop_coroutine(); // à remplacer
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
    // TODO (étape 1) : l'objet que reçoit l'appelant (définition plus bas, après Task).
    Task<T> get_return_object();

    // TODO (étape 3) : co_return v. Rangez la valeur dans `result` (sans copie inutile : T
    // peut être non copiable, comme std::unique_ptr).
    template <class U = T> // « = T » : permet aussi co_return {...};
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) {
        (void)value;
        throw PasFait("Étape 3 : return_value ne range pas encore la valeur de co_return");
    }

    // TODO (étape 3) : une exception s'échappe du corps de la coroutine. Gardez-la dans
    // `result` : elle devra être relancée chez celui qui attend la tâche.
    void unhandled_exception() noexcept {}

    /// Rien (pas démarrée ou pas finie), la valeur, ou l'exception.
    std::variant<std::monostate, T, std::exception_ptr> result;
};

/// La promise d'une Task<void> : pas de valeur, seulement « finie » ou une exception.
template <>
class Promise<void> : public PromiseBase {
public:
    // TODO (étape 1) : voir Promise<T> (définition plus bas).
    Task<void> get_return_object();

    // TODO (étape 3) : co_return; (ou la fin du corps) : notez que la tâche est allée au bout.
    void return_void() noexcept {}

    // TODO (étape 3) : gardez l'exception dans `exception`.
    void unhandled_exception() noexcept {}

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

    // TODO (étape 7) : la Task possède la trame. Une tâche jamais attendue (ou terminée)
    // doit être détruite ici, sinon sa trame fuit, avec les paramètres copiés dedans. Quelle
    // fonction de std::coroutine_handle fait cela ? (Attention à une Task déplacée.)
    ~Task() {}

    /// L'awaiter de `co_await task`.
    struct Awaiter {
        handle_type handle;

        // Fourni : une tâche paresseuse n'est jamais prête d'avance.
        bool await_ready() const noexcept { return false; }

        // TODO (étape 4) : l'appelant (caller) vient d'être suspendu. Retenez-le comme
        // continuation de la tâche, puis démarrez la tâche par transfert symétrique : renvoyez
        // le handle à reprendre (ici, renvoyer `caller` reprend l'appelant tout de suite, sans
        // jamais démarrer la tâche).
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
            return caller; // à remplacer
        }

        // TODO (étape 5) : le résultat de `co_await task`. Relancez l'exception si la tâche en
        // a rangé une ; sinon rendez la valeur (déplacée). Si rien n'a été rangé, levez une
        // std::logic_error plutôt que de rendre n'importe quoi. Pour T = void, lisez
        // `finished` et `exception` (utilisez if constexpr (std::is_void_v<T>)).
        T await_resume() {
            throw PasFait("Étape 5 : Awaiter::await_resume ne rend pas encore le résultat");
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
// TODO (étape 1) : construire la Task qui possède la coroutine. La promise vit dans la trame :
// std::coroutine_handle<Promise<T>>::from_promise(*this) retrouve le handle à partir d'elle.
template <class T>
Task<T> Promise<T>::get_return_object() {
    throw PasFait("Étape 1 : Promise<T>::get_return_object ne construit pas encore la Task");
}
inline Task<void> Promise<void>::get_return_object() {
    throw PasFait("Étape 1 : Promise<void>::get_return_object ne construit pas encore la Task");
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
