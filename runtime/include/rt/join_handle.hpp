#pragma once
/// \file
/// \brief `rt::JoinHandle<T>` et la cellule d'une tâche lancée (`detail::JoinCell<T>`).

#include <coroutine>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/join_error.hpp"
#include "rt/result.hpp"
#include "rt/task.hpp"

namespace rt {

namespace detail {

/// \brief La cellule d'une tâche lancée : en-tête + coroutine racine + résultat.
///
/// Une seule allocation (la cellule), plus la trame de la coroutine : c'est tout ce que
/// coûte un `spawn`. La cellule vit tant que quelqu'un la référence : le runtime jusqu'à
/// la fin de la tâche, le `JoinHandle` jusqu'à sa destruction.
template <class T>
class JoinCell : public TaskHeader {
public:
    using TaskHeader::TaskHeader;

    /// \brief Récupère le résultat publié (une seule fois).
    Result<T, JoinError> take_output() {
        if (output_.index() == EMPTY) {
            throw std::logic_error(
                "JoinHandle attendu après avoir déjà rendu son résultat : un résultat ne se "
                "récupère qu'une fois");
        }
        auto taken = std::exchange(output_, Output());
        if (taken.index() == FAILED) {
            return std::get<FAILED>(std::move(taken));
        }
        if constexpr (std::is_void_v<T>) {
            return {};
        } else {
            return std::get<SUCCEEDED>(std::move(taken));
        }
    }

    /// \brief Les cellules passent par le même cache d'allocation que les trames.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

protected:
    /// \brief Démarre la coroutine racine (elle reprendra d'abord à son tout début).
    void set_root(Task<T> root) noexcept {
        root_ = std::move(root);
        resume_point = root_.handle();
    }
    /// \brief Ce qui doit vivre aussi longtemps que la coroutine (la lambda de `spawn`).
    virtual void drop_callable() noexcept {}

private:
    bool resume_coroutine() noexcept override {
        resume_on_trampoline(this->resume_point);
        return root_.done();
    }
    void destroy_coroutine() noexcept override {
        root_.reset();
        drop_callable();
    }
    void store_output() noexcept override {
        try {
            if constexpr (std::is_void_v<T>) {
                root_.handle().promise().take_result();
                output_.template emplace<SUCCEEDED>();
            } else {
                output_.template emplace<SUCCEEDED>(root_.handle().promise().take_result());
            }
        } catch (...) {
            output_.template emplace<FAILED>(JoinError::from_panic(std::current_exception()));
        }
        destroy_coroutine();
    }
    void store_cancelled() noexcept override {
        output_.template emplace<FAILED>(JoinError::cancelled());
    }
    std::exception_ptr panic_of_output() const noexcept override {
        if (output_.index() == FAILED && std::get<FAILED>(output_).is_panic()) {
            return std::get<FAILED>(output_).panic();
        }
        return nullptr;
    }
    bool cancelled_output() const noexcept override {
        return output_.index() == FAILED && std::get<FAILED>(output_).is_cancelled();
    }

    /// Le résultat : rien encore (ou déjà repris), la valeur, ou l'erreur. Un `variant` à
    /// trois cas plutôt qu'un `optional<Result>` : 8 octets de moins par tâche.
    struct Succeeded {}; // la valeur d'une Task<void>
    using Output = std::variant<std::monostate, std::conditional_t<std::is_void_v<T>, Succeeded, T>,
                                JoinError>;
    static constexpr std::size_t EMPTY = 0, SUCCEEDED = 1, FAILED = 2;

    Task<T> root_;
    Output output_;
};

/// \brief Cellule de `spawn(task)` : la coroutine est fournie toute faite.
template <class T>
class TaskCell final : public JoinCell<T> {
public:
    TaskCell(TaskScheduler* scheduler, Task<T> task) : JoinCell<T>(scheduler) {
        this->set_root(std::move(task));
    }
};

/// \brief Cellule de `spawn(callable)` : la lambda est **déplacée dans la cellule**, puis
/// appelée pour créer la coroutine.
///
/// Pourquoi : une lambda-coroutine garde un pointeur vers la lambda (`this`), pas une copie
/// des captures. Si la lambda était un temporaire, ses captures seraient détruites dès la
/// première suspension (CP.51). Ici, elles vivent aussi longtemps que la coroutine ; c'est
/// l'équivalent C++ du `async move { ... }` de Rust.
template <class T, class F>
class CallableCell final : public JoinCell<T> {
public:
    /// \brief Déplace `callable` dans la cellule et crée la coroutine.
    template <class G>
    CallableCell(TaskScheduler* scheduler, G&& callable) : JoinCell<T>(scheduler) {
        ::new (static_cast<void*>(storage_)) F(std::forward<G>(callable));
        try {
            this->set_root(this->callable()());
        } catch (...) {
            drop_callable();
            throw;
        }
    }
    /// \brief Rien à détruire ici : une cellule n'est libérée qu'après la fin de sa tâche
    /// (la référence du planificateur n'est rendue qu'à ce moment), et la fin a déjà détruit
    /// la coroutine puis les captures, une fois exactement (`destroy_coroutine`).
    ~CallableCell() override = default;

private:
    F& callable() noexcept { return *std::launder(reinterpret_cast<F*>(storage_)); }
    /// Les captures sont détruites avec la coroutine (fin ou annulation), une seule fois. Un
    /// destructeur de capture qui lève ne doit pas terminer le processus : il est signalé.
    void drop_callable() noexcept override {
        try {
            callable().~F();
        } catch (...) {
            report_exception_during_destroy(std::current_exception());
        }
    }

    alignas(F) unsigned char storage_[sizeof(F)];
};

} // namespace detail

template <class T>
class JoinSet;

/// \brief Le droit d'attendre (et d'annuler) une tâche lancée par `rt::spawn`.
///
/// - `co_await handle` rend un `Result<T, JoinError>` : la valeur, ou l'erreur si la tâche a
///   paniqué (exception) ou a été annulée. Comme `handle.await` en Rust.
/// - `abort()` demande l'annulation : la coroutine sera détruite à son point de suspension.
/// - **Détruire le handle ne fait rien à la tâche** : elle est *détachée* et continue de
///   tourner (c'est le « fire and forget »). Seul `abort()` annule.
///
/// Déplaçable, non copiable (comme en Rust).
/// \see La leçon du \chapitre{03}.
template <class T>
class [[nodiscard]] JoinHandle {
public:
    /// \brief Un handle vide, qui ne désigne aucune tâche (`valid()` est faux).
    JoinHandle() noexcept = default;
    /// \brief Prend la référence du handle sur `cell` (appelé par `rt::spawn`).
    explicit JoinHandle(detail::JoinCell<T>* cell) noexcept : cell_(cell) {}
    /// \brief Transfère le droit d'attendre : `other` devient vide.
    JoinHandle(JoinHandle&& other) noexcept : cell_(std::exchange(other.cell_, nullptr)) {}
    /// \brief Détache la tâche désignée jusqu'ici (sans l'annuler), puis prend celle de
    /// `other`, qui devient vide.
    JoinHandle& operator=(JoinHandle&& other) noexcept {
        if (this != &other) {
            detach();
            cell_ = std::exchange(other.cell_, nullptr);
        }
        return *this;
    }
    JoinHandle(const JoinHandle&) = delete;
    JoinHandle& operator=(const JoinHandle&) = delete;
    /// \brief Détache la tâche : elle continue sans personne pour attendre son résultat.
    ~JoinHandle() { detach(); }

    /// \brief Demande l'annulation de la tâche (sans effet si elle est déjà terminée).
    ///
    /// L'annulation est asynchrone : la tâche est détruite la prochaine fois que le
    /// planificateur la prend, à son point de suspension ; ses destructeurs s'exécutent.
    /// `co_await handle` rend ensuite une `JoinError` avec `is_cancelled()`.
    void abort() const noexcept {
        if (cell_) {
            cell_->abort();
        }
    }
    /// \brief Vrai si la tâche est terminée (valeur, panique ou annulation).
    [[nodiscard]] bool is_finished() const noexcept { return cell_ && cell_->is_complete(); }
    /// \brief Vrai si ce handle désigne une tâche.
    [[nodiscard]] bool valid() const noexcept { return cell_ != nullptr; }

    /// \brief L'awaiter de `co_await handle`.
    class Awaiter {
    public:
        /// \brief Attend la tâche de `cell` ; la cellule reste possédée par le `JoinHandle`.
        explicit Awaiter(detail::JoinCell<T>* cell) noexcept : cell_(cell) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        /// Si l'attente est interrompue (annulation de l'attendeur, `timeout`), on retire
        /// notre inscription : la tâche ne doit pas réveiller une attente qui n'existe plus.
        ~Awaiter() {
            if (registered_) {
                cell_->unset_join_waker();
            }
        }

        /// \brief Vrai si la tâche est déjà terminée : on prend le résultat sans suspendre
        /// (sauf budget épuisé : on cède d'abord la main ; le résultat attend dans la cellule).
        bool await_ready() noexcept {
            if (!cell_->is_complete()) {
                return false;
            }
            yield_ = !detail::coop::poll_proceed();
            return !yield_;
        }
        /// \brief Inscrit le réveil de l'attendeur dans la cellule ; rend faux (pas de
        /// suspension) si la tâche s'est terminée entre-temps.
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                detail::coop::yield_for_budget(caller);
                return true;
            }
            auto& me = detail::require_current_task("co_await sur un JoinHandle");
            const std::uint64_t epoch = me.begin_suspend(caller);
            registered_ = cell_->set_join_waker(detail::Waker(&me, epoch));
            if (registered_) {
                return true;
            }
            // Terminée entre-temps : personne n'a reçu notre réveil, on renonce à la
            // suspension et on continue sans suspendre.
            return !me.abandon_suspend(epoch);
        }
        /// \brief Le résultat de la tâche : sa valeur, ou la `JoinError` (panique, annulation).
        Result<T, JoinError> await_resume() {
            registered_ = false;
            return cell_->take_output();
        }

    private:
        detail::JoinCell<T>* cell_;
        bool registered_ = false;
        bool yield_ = false; ///< terminée, mais le budget est épuisé : céder d'abord
    };

    /// \brief `co_await handle` : attend la fin de la tâche.
    Awaiter operator co_await() const& { return Awaiter(require_cell()); }
    /// \brief `co_await` sur un handle temporaire (même effet que la version `const&`).
    Awaiter operator co_await() const&& { return Awaiter(require_cell()); }

    /// \brief Le résultat d'une tâche déjà terminée, sans suspendre (précondition :
    /// `is_finished()`). Sert à `JoinSet`, qui sait déjà quelle tâche a fini.
    Result<T, JoinError> take_finished() { return require_cell()->take_output(); }

private:
    template <class>
    friend class JoinSet;
    /// Fait réveiller `waker` à la fin de la tâche, à la place d'un `co_await` (JoinSet).
    /// Faux si elle est déjà terminée.
    bool set_join_waker(detail::Waker waker) noexcept {
        return cell_->set_join_waker(std::move(waker));
    }

    detail::JoinCell<T>* require_cell() const {
        if (!cell_) {
            throw std::logic_error("co_await sur un JoinHandle vide (déplacé ou par défaut)");
        }
        return cell_;
    }
    void detach() noexcept {
        if (auto* cell = std::exchange(cell_, nullptr)) {
            cell->drop_join_interest();
            cell->release();
        }
    }

    detail::JoinCell<T>* cell_ = nullptr;
};

namespace detail {
/// \brief Attendre un `JoinHandle` par lvalue puis abandonner l'attente est sûr : l'awaiter
/// (et son inscription) est un temporaire détruit avec la coroutine qui attendait.
template <class T>
struct abandonable_lvalue<JoinHandle<T>> : std::true_type {};
} // namespace detail

} // namespace rt
