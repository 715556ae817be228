#pragma once
/// \file
/// \brief `rt::Builder`, `rt::Runtime`, `rt::Handle` et `rt::block_on` : démarrer le runtime.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "rt/detail/blocking_pool.hpp"
#include "rt/detail/reactor.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/trace.hpp"
#include "rt/join_handle.hpp"
#include "rt/metrics.hpp"
#include "rt/task.hpp"

namespace rt {

namespace detail {
template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<Task<T>> : std::true_type {};

/// \brief Un appelable sans argument qui renvoie une `Task<T>` (une lambda-coroutine).
template <class F>
concept TaskFactory = std::invocable < std::decay_t<F>
& > &&is_task<std::invoke_result_t<std::decay_t<F>&>>::value;

template <class F>
using factory_value_t = typename std::invoke_result_t<std::decay_t<F>&>::value_type;

/// \brief Le planificateur du thread courant, ou lève `std::logic_error` (message en français).
Scheduler& require_current_scheduler(const char* what);

/// \brief Lance une lambda-coroutine sur `scheduler` : la lambda est déplacée dans la cellule.
/// `name` : le nom de la tâche dans les traces (vide : « tâche N »).
template <class F>
requires TaskFactory<F> JoinHandle<factory_value_t<F>> spawn_on(Scheduler& scheduler, F&& factory,
                                                                std::string_view name = {}) {
    using T = factory_value_t<F>;
    auto* cell = new CallableCell<T, std::decay_t<F>>(&scheduler, std::forward<F>(factory));
    JoinHandle<T> handle(cell);  // la référence du propriétaire ; le planificateur a l'autre
    trace::spawned(*cell, name); // la frise des traces (chapitre 10) ; rien si éteintes
    scheduler.spawn(cell);
    return handle;
}

/// \brief Lance une coroutine déjà créée sur `scheduler`.
template <class T>
JoinHandle<T> spawn_on(Scheduler& scheduler, Task<T> task, std::string_view name = {}) {
    auto* cell = new TaskCell<T>(&scheduler, std::move(task));
    JoinHandle<T> handle(cell);
    trace::spawned(*cell, name); // la frise des traces (chapitre 10) ; rien si éteintes
    scheduler.spawn(cell);
    return handle;
}

/// \brief Le type rendu par la fonction bloquante `F`.
template <class F>
using blocking_result_t = std::invoke_result_t<std::decay_t<F>&>;

/// \brief Envoie la fonction `f` au pool bloquant de `scheduler` : elle devient le corps
/// d'une coroutine (qui l'appelle, une fois), dans une cellule de tâche ordinaire.
template <class F>
JoinHandle<blocking_result_t<F>> spawn_blocking_on(Scheduler& scheduler, F&& f) {
    using T = blocking_result_t<F>;
    auto body = [f = std::forward<F>(f)]() mutable -> Task<T> {
        if constexpr (std::is_void_v<T>) {
            f();
            co_return;
        } else {
            co_return f();
        }
    };
    BlockingPool& pool = scheduler.blocking_pool();
    auto* cell = new CallableCell<T, decltype(body)>(&pool, std::move(body));
    JoinHandle<T> handle(cell);
    pool.spawn(cell);
    return handle;
}
} // namespace detail

/// \brief Une poignée sur un runtime : permet de lancer des tâches depuis n'importe quel thread.
///
/// `Handle::current()` rend la poignée du runtime qui exécute le thread courant ; on peut la
/// copier et l'emmener dans un autre thread OS (`handle.spawn(...)` y est légal : la tâche
/// passe par la file distante et le runtime est réveillé).
class Handle {
public:
    /// \brief La poignée du runtime courant ; lève `std::logic_error` hors d'un runtime.
    static Handle current();

    /// \brief Lance une lambda-coroutine sur ce runtime (voir `rt::spawn`).
    template <class F>
    requires detail::TaskFactory<F> JoinHandle<detail::factory_value_t<F>> spawn(F&& factory)
    const { return detail::spawn_on(*scheduler_, std::forward<F>(factory)); }
    /// \brief Lance une coroutine déjà créée sur ce runtime.
    template <class T>
    JoinHandle<T> spawn(Task<T> task) const {
        return detail::spawn_on(*scheduler_, std::move(task));
    }

    /// \brief Exécute la fonction bloquante `f` sur le pool de ce runtime (voir
    /// `rt::spawn_blocking`).
    template <class F>
    JoinHandle<detail::blocking_result_t<F>> spawn_blocking(F&& f) const {
        return detail::spawn_blocking_on(*scheduler_, std::forward<F>(f));
    }

    /// \brief Les compteurs du runtime (tâches vivantes, lancées, reprises...).
    [[nodiscard]] RuntimeMetrics metrics() const { return scheduler_->metrics(); }

    /// \brief Une poignée sur `scheduler` ; utilisez plutôt `Handle::current()` ou
    /// `Runtime::handle()`.
    explicit Handle(detail::Ref<detail::Scheduler> scheduler) noexcept
        : scheduler_(std::move(scheduler)) {}

private:
    detail::Ref<detail::Scheduler> scheduler_;
};

/// \brief Un runtime : un planificateur, son pilote, et toutes les tâches qu'il possède.
///
/// Le détruire (ou appeler `shutdown()`) **détruit toutes les tâches encore vivantes** à leur
/// point de suspension : leurs destructeurs s'exécutent, rien ne fuit, rien ne bloque. C'est
/// ce qui arrive aux tâches d'arrière-plan quand `main` se termine en Rust.
class Runtime {
public:
    /// \brief Exécute `task` jusqu'au bout sur le thread appelant, avec les tâches lancées.
    ///
    /// Rend la valeur de la tâche ; si une exception s'en échappe, elle est relancée ici.
    /// Interdit depuis une tâche (on bloquerait le runtime) : lève `std::logic_error`.
    template <class T>
    T block_on(Task<T> task) {
        auto* cell = new detail::TaskCell<T>(scheduler_->main_scheduler().get(), std::move(task));
        cell->counted = false; // la tâche principale n'est pas une tâche « lancée »
        JoinHandle<T> handle(cell);
        scheduler_->block_on(cell);
        auto result = cell->take_output();
        if (!result.has_value() && result.error().is_panic()) {
            result.error().resume_panic(); // l'exception d'origine, pas une JoinError
        }
        return std::move(result).value();
    }

    /// \brief Une poignée sur ce runtime.
    [[nodiscard]] Handle handle() const { return Handle(scheduler_); }
    /// \brief Les compteurs du runtime.
    [[nodiscard]] RuntimeMetrics metrics() const { return scheduler_->metrics(); }
    /// \brief Détruit toutes les tâches vivantes ; les lancements suivants sont annulés.
    void shutdown() noexcept {
        if (scheduler_) {
            scheduler_->shutdown();
        }
    }

    /// \brief Transfère le runtime et ses tâches ; `other` ne possède plus rien.
    Runtime(Runtime&&) noexcept = default;
    /// \brief Arrête d'abord ce runtime (ses tâches sont détruites), puis prend celui de
    /// `other`.
    Runtime& operator=(Runtime&& other) noexcept {
        if (this != &other) {
            close();
            scheduler_ = std::move(other.scheduler_);
        }
        return *this;
    }
    /// \brief Arrête le runtime : comme `shutdown()`.
    ~Runtime() { close(); }

private:
    friend class Builder;
    explicit Runtime(detail::Ref<detail::Scheduler> scheduler) noexcept
        : scheduler_(std::move(scheduler)) {}
    /// Arrête le runtime et le retire des traces (le dernier retiré écrit le fichier).
    void close() noexcept {
        if (scheduler_) {
            scheduler_->shutdown();
            if (scheduler_->trace_runtime != 0) {
                detail::trace::unregister_runtime();
                scheduler_->trace_runtime = 0;
            }
        }
    }

    detail::Ref<detail::Scheduler> scheduler_;
};

/// \brief Configure et construit un `Runtime` (comme `tokio::runtime::Builder`).
///
/// \snippet api_runtime.cpp builder
class Builder {
public:
    /// \brief Un runtime à un seul thread : celui qui appelle `block_on`.
    static Builder current_thread() noexcept { return Builder(false); }
    /// \brief Un runtime à plusieurs workers qui se volent du travail (\chapitre{11}). Par
    /// défaut, un worker par cœur (ou `RT_WORKER_THREADS`, comme `TOKIO_WORKER_THREADS`).
    static Builder multi_thread() noexcept { return Builder(true); }
    /// \brief Le planificateur que choisit l'environnement : `RT_FLAVOR=multi_thread` (avec
    /// `RT_WORKER_THREADS=N`) ou `current_thread` (par défaut). C'est ce qu'utilise
    /// `rt::block_on` : toute la suite de tests passe ainsi sur l'un et l'autre.
    static Builder from_env();

    /// \brief Nombre de workers d'un runtime `multi_thread` (au moins 1 : lève
    /// `std::invalid_argument` pour 0) ; sans effet sur `current_thread`.
    Builder& worker_threads(std::size_t n);
    /// \brief Choisit le réacteur : `poll(2)` (défaut, celui de la \lecon{06}) ou `epoll`.
    ///
    /// Sans appel à cette méthode, la variable d'environnement `RT_REACTOR=epoll` choisit
    /// epoll : pratique pour lancer toute la suite de tests avec l'un ou l'autre.
    Builder& reactor(ReactorKind kind) noexcept {
        reactor_ = kind;
        return *this;
    }
    /// \brief Nombre maximal de threads du pool de `spawn_blocking` (512 par défaut, comme
    /// tokio ; au moins 1).
    Builder& max_blocking_threads(std::size_t n) noexcept {
        blocking_.max_threads = n == 0 ? 1 : n;
        return *this;
    }
    /// \brief Durée sans travail après laquelle un thread du pool bloquant s'arrête (10 s par
    /// défaut, comme tokio).
    template <class Rep, class Period>
    Builder& thread_keep_alive(std::chrono::duration<Rep, Period> d) noexcept {
        blocking_.keep_alive = std::chrono::ceil<std::chrono::milliseconds>(d);
        return *this;
    }
    /// \brief Enregistre une trace des tâches dans `path`, comme la variable d'environnement
    /// `RT_TRACE`.
    ///
    /// Le format est « Chrome trace event », que montre \ref trace "la frise des tâches". Une
    /// seule trace par processus : le premier chemin demandé sert pour tous les runtimes.
    Builder& trace(std::string path) {
        trace_path_ = std::move(path);
        return *this;
    }
    /// \brief Construit le runtime (lève `std::system_error` si le système refuse un thread,
    /// un eventfd...).
    [[nodiscard]] Runtime build() const;

private:
    explicit Builder(bool multi_thread) noexcept : multi_thread_(multi_thread) {}
    bool multi_thread_;
    std::optional<std::string> trace_path_;
    std::optional<std::size_t> workers_;
    std::optional<ReactorKind> reactor_;
    detail::BlockingConfig blocking_;
};

/// \brief Raccourci de `#[tokio::main]` : construit un runtime (`current_thread`, sauf si
/// l'environnement en demande un autre, voir `Builder::from_env`), exécute
/// `task` jusqu'au bout, puis arrête le runtime (les tâches encore vivantes sont détruites).
template <class T>
T block_on(Task<T> task) {
    Runtime runtime = Builder::from_env().build();
    return runtime.block_on(std::move(task));
}

} // namespace rt
