#pragma once
/// \file
/// \brief `rt::JoinSet<T>` : un ensemble de tâches dont on récupère les résultats dans
/// l'ordre où elles se terminent (comme `tokio::task::JoinSet`).

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "rt/detail/coop.hpp"
#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/detail/waker.hpp"
#include "rt/join_error.hpp"
#include "rt/join_handle.hpp"
#include "rt/result.hpp"
#include "rt/spawn.hpp"
#include "rt/task.hpp"

namespace rt {

namespace detail {

/// \brief L'état partagé entre un `JoinSet` et ses tâches : qui a fini, et qui attend.
///
/// Partagé (`shared_ptr`) parce qu'une tâche peut finir après la destruction de l'ensemble
/// (elle a été annulée, mais l'annulation est asynchrone). `notify` alloue au plus une case
/// de `finished` : une file qui ne peut pas grandir (mémoire épuisée) termine le processus,
/// comme toute allocation impossible dans un destructeur.
struct JoinSetShared {
    std::mutex mutex;
    std::deque<std::uint64_t> finished; ///< numéros des tâches terminées, dans l'ordre
    Waker waiter;                       ///< la tâche qui attend dans join_next(), s'il y en a

    /// \brief Une tâche vient de finir : la noter et réveiller celui qui attend.
    void notify(std::uint64_t id) noexcept {
        Waker to_wake;
        {
            std::lock_guard lock(mutex);
            finished.push_back(id);
            to_wake = std::exchange(waiter, Waker());
        }
        to_wake.wake(); // hors du verrou : le réveil peut planifier une tâche
    }
    /// \brief Le numéro de la prochaine tâche terminée, s'il y en a une.
    std::optional<std::uint64_t> pop() {
        std::lock_guard lock(mutex);
        if (finished.empty()) {
            return std::nullopt;
        }
        std::uint64_t id = finished.front();
        finished.pop_front();
        return id;
    }
};

/// \brief Ce que réveille la fin d'une tâche de l'ensemble : son numéro rejoint la liste
/// des tâches terminées, et celui qui attend dans `join_next` est réveillé.
///
/// Inscrit comme réveil de l'attendeur de la tâche (comme le `Waker` d'un `co_await
/// handle`) : la tâche ne le réveille qu'**après** avoir publié son résultat. `join_next` ne
/// trouve donc jamais une tâche « finie » dont le résultat n'est pas encore là.
class JoinSetEntry final : public Wakeable {
public:
    /// \brief L'entrée de la tâche numéro `id` de l'ensemble `shared`.
    JoinSetEntry(std::shared_ptr<JoinSetShared> shared, std::uint64_t id) noexcept
        : shared_(std::move(shared)), id_(id) {}
    /// \brief La tâche a publié son résultat (l'époque ne sert pas : un seul réveil).
    void wake_at(std::uint64_t) noexcept override { shared_->notify(id_); }

    /// \brief Les entrées passent par le cache d'allocation des trames.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

private:
    std::shared_ptr<JoinSetShared> shared_; // partagé : la tâche peut finir après l'ensemble
    std::uint64_t id_;
};

} // namespace detail

/// \brief Un ensemble de tâches lancées, attendues dans l'ordre où elles se terminent.
///
/// L'exemple du \chapitre{05} (`chapters/05-patterns/exemples/join_set.cpp`) : les résultats
/// dans l'ordre de fin, une tâche en échec rendue à sa place.
/// \snippet 05-patterns/exemples/join_set.cpp programme
///
/// Détruire l'ensemble **annule** toutes ses tâches encore en cours (contrairement à un
/// `JoinHandle`, dont la destruction détache). À utiliser depuis une seule tâche.
template <class T>
class JoinSet {
public:
    /// \brief Un ensemble vide.
    JoinSet() = default;
    /// \brief Reprend les tâches de `other` (qui devient inutilisable).
    JoinSet(JoinSet&&) noexcept = default;
    /// \brief Annule les tâches en cours de cet ensemble, puis reprend celles de `other`.
    JoinSet& operator=(JoinSet&& other) noexcept {
        if (this != &other) {
            abort_all();
            shared_ = std::move(other.shared_);
            handles_ = std::move(other.handles_);
            next_id_ = other.next_id_;
        }
        return *this;
    }
    JoinSet(const JoinSet&) = delete;
    JoinSet& operator=(const JoinSet&) = delete;
    /// \brief Annule les tâches encore en cours.
    ~JoinSet() { abort_all(); }

    /// \brief Lance une lambda-coroutine dans l'ensemble (sur le runtime courant).
    template <class F>
    requires detail::TaskFactory<F> && std::is_same_v<detail::factory_value_t<F>, T>
    void spawn(F&& factory) { watch(rt::spawn(std::forward<F>(factory))); }
    /// \brief Lance une coroutine déjà créée dans l'ensemble.
    void spawn(Task<T> task) { watch(rt::spawn(std::move(task))); }

    /// \brief L'awaitable de `join_next` : rend le résultat de la prochaine tâche terminée.
    ///
    /// Ce n'est pas une coroutine : quand une tâche a déjà fini, `co_await set.join_next()`
    /// rend son résultat **sans suspendre**. Une boucle `while (auto r = co_await
    /// set.join_next())` sur des milliers de tâches déjà finies n'empile donc rien, même
    /// quand le compilateur ne garantit pas l'appel terminal du transfert symétrique (GCC
    /// sans optimisation, ou sous les sanitizers).
    class JoinNext {
    public:
        /// \brief L'attente de la prochaine fin dans `set`.
        explicit JoinNext(JoinSet& set) noexcept : set_(set) {}

        /// \brief Vrai si l'ensemble est vide ou si une tâche a déjà fini : pas de suspension
        /// (sauf budget épuisé : on cède d'abord la main, sans rien prendre).
        bool await_ready() {
            if (set_.handles_.empty()) {
                return true;
            }
            if (!set_.has_finished()) {
                return false;
            }
            if (!detail::coop::poll_proceed()) {
                yield_ = true;
                return false;
            }
            return take_one();
        }
        /// \brief Inscrit la tâche courante comme attendeur ; faux si une fin est arrivée.
        bool await_suspend(std::coroutine_handle<> caller) {
            if (yield_) {
                detail::coop::yield_for_budget(caller); // une fin attend : prise au retour
                return true;
            }
            auto& me = detail::require_current_task("JoinSet::join_next");
            std::lock_guard lock(set_.shared_->mutex);
            if (!set_.shared_->finished.empty()) {
                return false;
            }
            set_.shared_->waiter = me.suspend_at(caller);
            waiting_ = true;
            return true;
        }
        /// \brief Abandonné pendant l'attente (`select`, `timeout`) : plus rien à réveiller.
        ~JoinNext() {
            if (waiting_) {
                std::lock_guard lock(set_.shared_->mutex);
                set_.shared_->waiter = detail::Waker();
            }
        }
        /// \brief Déplaçable tant qu'il n'attend pas (pour un `select` ou un `timeout`).
        JoinNext(JoinNext&& other) noexcept : set_(other.set_), result_(std::move(other.result_)) {}
        JoinNext(const JoinNext&) = delete;
        JoinNext& operator=(const JoinNext&) = delete;
        /// \brief Le résultat de la tâche terminée, ou `std::nullopt` si l'ensemble était vide.
        std::optional<Result<T, JoinError>> await_resume() {
            waiting_ = false;
            if (!result_ && !set_.handles_.empty()) {
                take_one(); // réveillé par une fin : il y en a une
            }
            return std::move(result_);
        }

    private:
        /// Prend la prochaine tâche terminée, s'il y en a une, et range son résultat.
        bool take_one() {
            auto id = set_.shared_->pop();
            if (!id) {
                return false;
            }
            auto it = set_.handles_.find(*id);
            JoinHandle<T> handle = std::move(it->second);
            set_.handles_.erase(it);
            // Le numéro n'arrive dans `finished` qu'après la publication du résultat
            // (JoinSetEntry est réveillé par la fin de la tâche) : il est là.
            result_.emplace(handle.take_finished());
            return true;
        }

        JoinSet& set_;
        std::optional<Result<T, JoinError>> result_;
        bool waiting_ = false; ///< inscrit comme attendeur dans l'état partagé
        bool yield_ = false;   ///< une fin attend, mais le budget est épuisé : céder d'abord
    };

    /// \brief Attend la prochaine tâche terminée et rend son résultat ; `std::nullopt` si
    /// l'ensemble est vide : `while (auto r = co_await set.join_next()) { ... }`.
    [[nodiscard]] JoinNext join_next() noexcept { return JoinNext(*this); }

private:
    /// Vrai si une tâche terminée attend d'être rendue.
    [[nodiscard]] bool has_finished() const {
        std::lock_guard lock(shared_->mutex);
        return !shared_->finished.empty();
    }

public:
    /// \brief Demande l'annulation de toutes les tâches (elles restent dans l'ensemble :
    /// `join_next` rendra leurs `JoinError` « annulée »).
    void abort_all() noexcept {
        for (auto& [id, handle] : handles_) {
            handle.abort();
        }
    }
    /// \brief Nombre de tâches dont le résultat n'a pas encore été rendu.
    [[nodiscard]] std::size_t len() const noexcept { return handles_.size(); }
    /// \brief Vrai si l'ensemble est vide.
    [[nodiscard]] bool is_empty() const noexcept { return handles_.empty(); }

private:
    /// Garde le handle et fait réveiller l'ensemble quand la tâche aura publié son résultat.
    void watch(JoinHandle<T> handle) {
        const std::uint64_t id = next_id_++;
        auto* entry = new detail::JoinSetEntry(shared_, id);
        if (!handle.set_join_waker(detail::Waker(entry, 0))) {
            shared_->notify(id); // déjà terminée (multi-thread) : elle ne réveillera personne
        }
        entry->release(); // le Waker inscrit tient sa propre référence
        handles_.emplace(id, std::move(handle));
    }

    std::shared_ptr<detail::JoinSetShared> shared_ = std::make_shared<detail::JoinSetShared>();
    std::unordered_map<std::uint64_t, JoinHandle<T>> handles_;
    std::uint64_t next_id_ = 0;
};

} // namespace rt
