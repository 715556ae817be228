#pragma once
/// \file
/// \brief `rt::Task<T>` : une coroutine paresseuse, l'équivalent d'une `async fn` de Rust.
///
/// Le protocole des coroutines C++20 en trois acteurs :
/// - le **promise** (`Task<T>::promise_type`) vit dans la trame de la coroutine ; il reçoit
///   `co_return`, les exceptions, et décide de ce qui se passe au début et à la fin ;
/// - l'**objet retour** (`Task<T>`) est ce que l'appelant obtient : il possède la trame ;
/// - l'**awaiter** (`Task<T>::Awaiter`) est ce que `co_await task` utilise pour suspendre
///   l'appelant et démarrer la tâche.

#include <coroutine>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "rt/detail/frame_allocator.hpp"

namespace rt {

template <class T = void>
class Task;

namespace detail {

/// \brief Signale une exception levée par un destructeur pendant la destruction d'une
/// coroutine suspendue (annulation) : personne ne peut plus la recevoir.
void report_exception_during_destroy(const std::exception_ptr& error) noexcept;

/// \brief Vrai si la dernière destruction de trame a été interrompue par une exception
/// (voir `Task::reset`).
inline thread_local bool tls_destroy_interrupted = false;

/// \brief Le prochain handle à reprendre sur ce thread, posé par un `co_await` ou une fin
/// de `Task` juste avant de se suspendre (voir `resume_on_trampoline`).
inline thread_local std::coroutine_handle<> tls_next_to_resume;

/// \brief Reprend `h`, puis chaque coroutine que la précédente a désignée en se
/// suspendant, jusqu'à ce qu'il n'y en ait plus : un **trampoline**.
///
/// Passer d'une coroutine à une autre (démarrer la `Task` attendue, revenir à l'attendeur)
/// se fait en rendant la main ici, jamais par un appel imbriqué : la pile du thread garde la
/// même hauteur quel que soit le nombre de `co_await` successifs ou imbriqués, **dans tous
/// les builds**. Le transfert symétrique du standard (renvoyer le handle depuis
/// `await_suspend`) promet la même chose, mais seulement si le compilateur en fait un appel
/// terminal : g++ ne le fait qu'à partir de `-O2`, et jamais sous AddressSanitizer (voir la
/// \lecon{02}). Le runtime reprend toutes ses coroutines par ici (`TaskHeader::run`).
inline void resume_on_trampoline(std::coroutine_handle<> h) noexcept {
    h.resume();
    while (std::coroutine_handle<> next = std::exchange(tls_next_to_resume, {})) {
        next.resume();
    }
}

/// \brief Ce qui est commun aux promises de toutes les `Task<T>` : la continuation.
///
/// La continuation est la coroutine qui attend cette tâche (`co_await task`). À la fin de
/// la tâche, `final_suspend` la désigne au trampoline, qui la reprend : revenir de mille
/// `co_await` imbriqués, ou d'un million de `co_await` successifs, ne consomme pas de pile.
class PromiseBase {
public:
    /// \brief Paresseuse : rien ne s'exécute avant le premier `co_await` (ou `spawn`).
    std::suspend_always initial_suspend() const noexcept { return {}; }

    /// \brief L'awaiter de fin : fait reprendre l'attendeur par le trampoline.
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        void await_suspend(std::coroutine_handle<Promise> self) noexcept {
            // Tâche racine (lancée par le planificateur) : pas de continuation, le
            // planificateur verra que la coroutine est terminée (`done()`). Trame en cours de
            // destruction (voir `Task::reset`) : personne à reprendre.
            PromiseBase& p = self.promise();
            if (!p.destroying_) {
                tls_next_to_resume = p.continuation_;
            }
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }

    /// \brief Qui reprendre à la fin (nul pour une tâche racine) ; marque la tâche démarrée.
    void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }
    /// \brief Vrai si un `co_await` a déjà démarré cette tâche.
    [[nodiscard]] bool started() const noexcept { return static_cast<bool>(continuation_); }
    /// \brief La trame va être détruite avant sa fin (annulation) : une exception levée par
    /// un destructeur ne pourra plus être rendue à personne, elle sera signalée.
    void begin_destroy() noexcept { destroying_ = true; }

    /// \brief Les trames sont allouées par un cache par thread : `spawn` en alloue beaucoup.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

protected:
    /// \brief Vrai pendant la destruction d'une trame inachevée.
    [[nodiscard]] bool destroying() const noexcept { return destroying_; }

private:
    std::coroutine_handle<> continuation_;
    bool destroying_ = false;
};

/// \brief Promise d'une `Task<T>` : stocke la valeur ou l'exception.
template <class T>
class Promise : public PromiseBase {
public:
    Task<T> get_return_object() noexcept;

    template <class U = T> // « = T » : `co_return {};` et `co_return {a, b};` se déduisent
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        result_.template emplace<1>(std::forward<U>(value));
    }
    /// \brief Une exception qui s'échappe du corps est gardée, puis relancée chez l'appelant.
    /// Pendant une destruction (annulation), elle vient d'un destructeur : signalée.
    void unhandled_exception() noexcept {
        if (destroying()) {
            report_exception_during_destroy(std::current_exception());
            tls_destroy_interrupted = true;
            return;
        }
        result_.template emplace<2>(std::current_exception());
    }

    /// \brief Le résultat : la valeur (déplacée) ou l'exception relancée.
    T take_result() {
        if (result_.index() == 2) {
            std::rethrow_exception(std::get<2>(result_));
        }
        return std::move(std::get<1>(result_));
    }

private:
    std::variant<std::monostate, T, std::exception_ptr> result_;
};

/// \brief Promise d'une `Task<void>`.
template <>
class Promise<void> : public PromiseBase {
public:
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    /// \brief Comme pour `Promise<T>` : gardée, ou signalée pendant une destruction.
    void unhandled_exception() noexcept {
        if (destroying()) {
            report_exception_during_destroy(std::current_exception());
            tls_destroy_interrupted = true;
            return;
        }
        exception_ = std::current_exception();
    }
    void take_result() {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
    }

private:
    std::exception_ptr exception_;
};

} // namespace detail

/// \brief Une coroutine paresseuse qui produit un `T` : `rt::Task<int> f() { co_return 42; }`.
///
/// - **Paresseuse** : l'appel `f()` crée la trame mais n'exécute rien ; le corps démarre au
///   premier `co_await f()` (ou quand `rt::spawn` l'exécute). C'est le comportement des
///   futures de Rust, qui ne font rien tant qu'on ne les attend pas.
/// - **Propriétaire** : la `Task` possède sa trame et la détruit dans son destructeur. Détruire
///   une tâche suspendue exécute les destructeurs de ses variables locales : c'est ainsi que
///   l'annulation fonctionne en C++ (l'équivalent du `Drop` de Rust).
/// - **Exceptions** : une exception qui s'échappe du corps est relancée par `co_await`.
/// - **Pile constante** : attendre une tâche, puis en revenir, ne consomme pas de pile, quel
///   que soit le compilateur et ses options (le trampoline, `resume_on_trampoline`).
/// - **Une seule fois** : une `Task` s'attend une fois ; un second `co_await` (ou sur une
///   tâche vide) lève `std::logic_error`.
///
/// Piège (CP.53) : une coroutine qui prend ses paramètres par référence garde la référence,
/// pas la valeur. Si l'argument est un temporaire, il est détruit avant que la coroutine
/// paresseuse ne démarre. Prenez les paramètres par valeur.
/// \see La leçon du \chapitre{02}.
template <class T>
class [[nodiscard]] Task {
public:
    /// \brief La promise : le compilateur la cherche sous ce nom pour fabriquer la coroutine.
    using promise_type = detail::Promise<T>;
    /// \brief Le handle de la coroutine, typé par sa promise (accès à `promise()`).
    using handle_type = std::coroutine_handle<promise_type>;
    /// \brief Le type produit par `co_await` sur cette tâche.
    using value_type = T;

    /// \brief Une tâche vide, sans coroutine (`valid()` est faux).
    Task() noexcept = default;
    /// \brief Prend possession de la coroutine `h` (appelé par `get_return_object`).
    explicit Task(handle_type h) noexcept : handle_(h) {}
    /// \brief Transfère la coroutine : `other` devient vide (une seule propriétaire).
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// \brief Détruit la coroutine possédée, puis prend celle de `other` (qui devient vide).
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    /// \brief Détruit la coroutine si elle existe (c'est ainsi qu'on annule, voir `reset()`).
    ~Task() { reset(); }

    /// \brief L'awaiter de `co_await task` : démarre la tâche et suspend l'appelant si besoin.
    struct Awaiter {
        /// \brief La coroutine de la tâche attendue.
        handle_type handle;

        /// \brief Faux : la tâche est paresseuse, on la démarre dans `await_suspend`. Lève
        /// `std::logic_error` si la tâche est vide ou a déjà été attendue (reprendre une
        /// coroutine terminée serait un comportement indéfini).
        bool await_ready() const {
            if (!handle) {
                throw std::logic_error("co_await sur une rt::Task vide (déplacée, ou construite "
                                       "par défaut)");
            }
            if (handle.done() || handle.promise().started()) {
                throw std::logic_error("co_await sur une rt::Task déjà attendue : une Task ne "
                                       "s'attend qu'une fois");
            }
            return false;
        }
        /// Retient l'appelant comme continuation, puis le suspend en désignant la tâche au
        /// trampoline, qui la démarre aussitôt (sans appel imbriqué).
        void await_suspend(std::coroutine_handle<> caller) noexcept {
            handle.promise().set_continuation(caller);
            detail::tls_next_to_resume = handle;
        }
        /// La valeur de `co_return`, ou l'exception relancée.
        T await_resume() { return handle.promise().take_result(); }
    };

    /// \brief `co_await task` (la tâche doit être valide et pas encore démarrée).
    Awaiter operator co_await() & noexcept { return Awaiter{handle_}; }
    /// \brief `co_await f()` sur une tâche temporaire (même effet que la version `&`).
    Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }

    /// \brief Vrai si la tâche possède une coroutine.
    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// \brief Vrai si la coroutine est arrivée au bout (valeur ou exception prête).
    [[nodiscard]] bool done() const noexcept { return handle_ && handle_.done(); }
    /// \brief Le handle brut de la coroutine (pour le planificateur).
    [[nodiscard]] handle_type handle() const noexcept { return handle_; }
    /// \brief Détruit la coroutine (et tout ce qu'elle attend) si elle existe.
    ///
    /// Un destructeur qui lève pendant la destruction d'une trame suspendue : g++ comme clang
    /// passent alors par `unhandled_exception` (qui la signale), puis s'arrêtent au point de
    /// suspension final **sans libérer la trame**. On la détruit une seconde fois, depuis ce
    /// point : la promise et la trame sont libérées (testé sous AddressSanitizer).
    void reset() noexcept {
        if (auto h = std::exchange(handle_, {})) {
            h.promise().begin_destroy();
            const bool outer = std::exchange(detail::tls_destroy_interrupted, false);
            h.destroy();
            if (std::exchange(detail::tls_destroy_interrupted, outer)) {
                h.destroy();
            }
        }
    }

private:
    handle_type handle_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
} // namespace detail

} // namespace rt
