#pragma once
/// \file
/// \brief `rt::select(a, b, ...)` : la première opération terminée gagne, les autres sont
/// annulées (l'équivalent de `tokio::select!`).

#include <array>
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/scheduler.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/task.hpp"

namespace rt {

namespace detail {

/// \brief Le type d'une branche dans le résultat : `void` devient `std::monostate`.
template <class T>
using select_value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

class SelectScheduler;

/// \brief Une branche de `select` : une petite tâche *dans* la tâche qui attend.
///
/// Pourquoi un en-tête de tâche par branche : une tâche n'a qu'un point de reprise et une
/// époque. Deux branches suspendues en même temps dans la même tâche se marcheraient dessus
/// (la seconde rendrait périmé le réveil de la première). Chaque branche a donc son propre
/// en-tête ; son « planificateur » (`SelectScheduler`) ne fait que noter qu'elle est prête
/// et réveiller la tâche parente, qui exécute elle-même ses branches. Tout reste sur le
/// thread de la tâche parente : les branches peuvent utiliser ses variables locales.
class SelectBranch final : public TaskHeader {
public:
    SelectBranch(Scheduler* scheduler, std::size_t index, Task<void> body) noexcept
        : TaskHeader(scheduler), index(index), body_(std::move(body)) {
        resume_point = body_.handle();
        refs.store(1, std::memory_order_relaxed); // la nôtre ; les Wakers en ajoutent
        state.store(SCHEDULED | JOIN_INTEREST, std::memory_order_relaxed);
    }
    const std::size_t index; ///< position de la branche dans l'appel à `select`

private:
    bool resume_coroutine() override {
        resume_point.resume();
        return body_.done();
    }
    void destroy_coroutine() noexcept override { body_.reset(); }
    void store_output() noexcept override {} // le résultat est rangé par la branche même
    void store_cancelled() noexcept override {}
    std::exception_ptr panic_of_output() const noexcept override { return nullptr; }

    Task<void> body_;
};

/// \brief Le « planificateur » des branches d'un `select` : il délègue tout au vrai
/// planificateur, sauf la mise en file, qui devient « marquer prête et réveiller le parent ».
class SelectScheduler final : public Scheduler {
public:
    explicit SelectScheduler(TaskHeader& parent) noexcept : parent_(parent) {}

    /// \brief Une branche réveillée (n'importe quel thread) : la marquer, réveiller le parent.
    void schedule(TaskHeader* task) override {
        auto* branch = static_cast<SelectBranch*>(task);
        ready_.fetch_or(std::uint64_t{1} << branch->index);
        parent_.wake_at(parent_epoch_.load());
    }
    /// \brief Une branche s'est terminée : la première fixe le gagnant.
    void on_complete(TaskHeader* task) noexcept override {
        if (winner_ < 0 && !tearing_down_) {
            winner_ = static_cast<int>(static_cast<SelectBranch*>(task)->index);
        }
    }
    void spawn(TaskHeader*) override {
        throw std::logic_error("select : une branche ne lance pas de tâche elle-même");
    }
    void block_on(TaskHeader*) override {
        throw std::logic_error("select : block_on est interdit dans une branche");
    }
    void shutdown() noexcept override {}
    [[nodiscard]] bool is_closed() const noexcept override {
        return parent_.scheduler->is_closed();
    }
    Driver& driver() override { return parent_.scheduler->driver(); }
    [[nodiscard]] RuntimeMetrics metrics() const override { return parent_.scheduler->metrics(); }
    void count_unhandled_panic() noexcept override { parent_.scheduler->count_unhandled_panic(); }

    /// \brief Les branches prêtes (un bit par branche), remises à zéro.
    std::uint64_t take_ready() noexcept { return ready_.exchange(0); }
    /// \brief L'indice de la branche gagnante, ou -1.
    [[nodiscard]] int winner() const noexcept { return winner_; }
    /// \brief À partir d'ici, les fins de branches sont des annulations, pas des victoires.
    void begin_teardown() noexcept { tearing_down_ = true; }

    /// \brief Suspend la tâche parente jusqu'à ce qu'une branche soit prête.
    struct WaitReady {
        SelectScheduler* self;
        bool await_ready() const noexcept { return self->ready_.load() != 0; }
        bool await_suspend(std::coroutine_handle<> caller) noexcept {
            self->parent_epoch_.store(self->parent_.begin_suspend(caller));
            // Un réveil a pu arriver avant que l'époque soit publiée : on revérifie (les deux
            // côtés écrivent puis lisent, en ordre séquentiel : l'un voit l'autre).
            return self->ready_.load() == 0;
        }
        void await_resume() const noexcept {}
    };

private:
    TaskHeader& parent_;
    std::atomic<std::uint64_t> ready_{0};
    std::atomic<std::uint32_t> parent_epoch_{0};
    int winner_ = -1;
    bool tearing_down_ = false;
};

/// \brief Possède les branches : les annule (détruit leurs trames) à la fin du `select`, ou
/// si la tâche parente est elle-même détruite pendant qu'elle attend.
template <std::size_t N>
class SelectBranches {
public:
    explicit SelectBranches(SelectScheduler& scheduler) noexcept : scheduler_(scheduler) {}
    SelectBranches(const SelectBranches&) = delete;
    SelectBranches& operator=(const SelectBranches&) = delete;
    ~SelectBranches() {
        scheduler_.begin_teardown();
        for (SelectBranch* branch : branches) {
            if (branch) {
                branch->cancel(); // détruite à son point de suspension : destructeurs compris
                branch->release();
            }
        }
    }
    std::array<SelectBranch*, N> branches{};

private:
    SelectScheduler& scheduler_;
};

/// \brief Le corps d'une branche : attend l'opération et range son résultat (ou son
/// exception) dans le résultat du `select`, à la position `I`.
template <std::size_t I, class A, class Out>
Task<void> select_branch(A awaitable, std::optional<Out>& out, std::exception_ptr& error) {
    // Par valeur (rvalue : l'opération est déplacée dans la trame de la branche et meurt avec
    // elle) ou par référence (lvalue : seulement un JoinHandle, voir abandonable_v).
    try {
        if constexpr (std::is_void_v<await_result_t<A&&>>) {
            co_await static_cast<A&&>(awaitable);
            out.emplace(std::in_place_index<I>);
        } else {
            out.emplace(std::in_place_index<I>, co_await static_cast<A&&>(awaitable));
        }
    } catch (...) {
        error = std::current_exception();
    }
}

/// \brief Le `select` lui-même : une coroutine de la tâche parente qui exécute ses branches.
template <class... A, std::size_t... I>
Task<std::variant<select_value_t<await_result_t<A&&>>...>> select_impl(std::tuple<A...> awaitables,
                                                                       std::index_sequence<I...>) {
    using Out = std::variant<select_value_t<await_result_t<A&&>>...>;
    constexpr std::size_t N = sizeof...(A);
    static_assert(N <= 64, "select : 64 branches au plus");

    // L'ordre des déclarations compte : `branches` est détruit en premier (annulation des
    // perdantes), pendant que tout ce que les branches utilisent existe encore.
    SelectScheduler scheduler(require_current_task("rt::select"));
    std::optional<Out> out;
    std::exception_ptr error;
    SelectBranches<N> branches(scheduler);
    ((branches.branches[I] = new SelectBranch(
          &scheduler, I,
          select_branch<I, A>(std::forward<A>(std::get<I>(awaitables)), out, error))),
     ...);

    // Premier passage : chaque branche, dans l'ordre, jusqu'à sa première suspension (comme
    // `tokio::select!` avec `biased;` : l'ordre est déterministe). Ensuite, seules les
    // branches réveillées sont reprises.
    std::uint64_t to_run = N == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << N) - 1;
    for (;;) {
        for (std::size_t i = 0; i < N && scheduler.winner() < 0; ++i) {
            if (to_run & (std::uint64_t{1} << i)) {
                branches.branches[i]->run();
            }
        }
        if (scheduler.winner() >= 0) {
            break;
        }
        co_await SelectScheduler::WaitReady{&scheduler};
        to_run = scheduler.take_ready();
    }
    if (error) {
        std::rethrow_exception(error); // la branche gagnante a levé une exception
    }
    co_return std::move(*out);
}

} // namespace detail

/// \brief Attend plusieurs opérations à la fois : la première terminée gagne, les autres
/// sont **annulées** (leurs trames détruites à leur point de suspension, destructeurs
/// compris). Le résultat est un `std::variant` dont l'indice dit quelle branche a gagné
/// (`void` y devient `std::monostate`).
///
/// \code
/// auto r = co_await rt::select(rx.recv(), rt::time::sleep(1s));
/// if (r.index() == 0) { auto message = std::get<0>(r); }
/// else { /* délai écoulé : la réception a été abandonnée */ }
/// \endcode
///
/// Les branches sont démarrées dans l'ordre, puis reprises quand elles sont réveillées ;
/// tout se passe dans la tâche qui attend, sur son thread. Une lvalue est attendue sur
/// place (elle survit au `select`), une rvalue est déplacée dans le `select`.
///
/// **Sûreté face à l'annulation** : une branche perdante peut avoir fait une partie de son
/// travail avant d'être détruite (par exemple lu des octets dans un tampon qu'elle possède) ;
/// ce travail est perdu. Ne mettez dans un `select` que des opérations qui ne perdent rien
/// si on les abandonne à un point de suspension.
template <class... A>
auto select(A&&... awaitables) {
    static_assert(sizeof...(A) >= 1, "select : au moins une branche");
    static_assert((detail::abandonable_v<A> && ...),
                  "select : passez les opérations par valeur (std::move) ; seul un JoinHandle "
                  "peut être passé par lvalue, car une branche perdante est abandonnée en "
                  "cours de route");
    return detail::select_impl(std::tuple<A...>(std::forward<A>(awaitables)...),
                               std::index_sequence_for<A...>{});
}

} // namespace rt
