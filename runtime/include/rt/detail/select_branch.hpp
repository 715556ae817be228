#pragma once
/// \file
/// \brief Les branches d'un `select` : de petites tâches exécutées *dans* la tâche qui
/// attend, et l'état partagé qui les planifie.

#include <array>
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <utility>

#include "rt/detail/frame_allocator.hpp"
#include "rt/detail/task_header.hpp"
#include "rt/task.hpp"

namespace rt::detail {

/// \brief Le bit de la branche `index` dans un mot de branches prêtes.
constexpr std::uint64_t branch_bit(std::size_t index) noexcept {
    return std::uint64_t{1} << index;
}

/// \brief Le « planificateur » des branches d'un `select` : mettre une branche en file,
/// c'est la marquer prête et réveiller la tâche parente, qui l'exécutera elle-même.
///
/// Compté par références : chaque branche en tient une, et un réveil de branche venu d'un
/// autre thread au moment où le `select` se termine trouve donc toujours cet objet vivant.
/// Il tient lui-même une référence sur la tâche parente (sa mémoire, pas sa coroutine).
class SelectShared final : public TaskScheduler {
public:
    /// \brief L'état des branches de `parent` (la tâche courante qui exécute le `select`).
    /// Ses branches n'ont pas de ligne dans les traces : elles passent dans le passage du parent.
    explicit SelectShared(TaskHeader& parent) noexcept
        : TaskScheduler(/*traced=*/false), parent_(parent) {
        parent_.add_ref();
    }

    /// \brief Une branche réveillée (n'importe quel thread) : la marquer, réveiller le parent.
    void schedule(TaskHeader* branch) noexcept override;
    /// \brief Une branche s'est terminée (sur le thread du parent) : la première fixe le
    /// gagnant, sauf pendant la destruction des perdantes.
    void on_complete(TaskHeader* branch) noexcept override;
    /// \brief Compté par le planificateur de la tâche parente.
    void count_unhandled_panic() noexcept override { parent_.scheduler->count_unhandled_panic(); }
    /// \brief Compté par le planificateur de la tâche parente.
    void count_budget_forced_yield() noexcept override {
        parent_.scheduler->count_budget_forced_yield();
    }
    /// \brief Le pilote de la tâche parente : les branches y inscrivent leurs attentes.
    Driver& driver() noexcept override { return parent_.scheduler->driver(); }

    /// \brief Les branches prêtes (un bit par branche), remises à zéro.
    std::uint64_t take_ready() noexcept {
        return ready_.exchange(0, std::memory_order_seq_cst); // voir WaitReady
    }
    /// \brief L'indice de la branche gagnante, ou -1.
    [[nodiscard]] int winner() const noexcept { return winner_; }
    /// \brief À partir d'ici, les fins de branches sont des annulations, pas des victoires.
    void begin_teardown() noexcept { tearing_down_ = true; }

    /// \brief Suspend la tâche parente jusqu'à ce qu'une branche soit prête.
    ///
    /// Elle suspend **toujours**, même si une branche est déjà prête : dans ce cas elle se
    /// réveille elle-même et repasse par la file du planificateur, comme `yield_now`. Une
    /// branche qui cède la main sans fin (`select(boucle de yield_now, sleep(10ms))`) laisse
    /// ainsi tourner les minuteries, les sockets et les autres tâches.
    struct WaitReady {
        SelectShared* shared; ///< l'état des branches
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> caller) noexcept;
        void await_resume() const noexcept {}
    };

    /// \brief Les branches passent par le cache d'allocation des trames.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

private:
    ~SelectShared() override { parent_.release(); }

    TaskHeader& parent_;
    std::atomic<std::uint64_t> ready_{0};
    /// L'époque de la dernière suspension de la parente dans WaitReady (0 : aucune, une
    /// époque qui n'est jamais armée). Un réveil qui arrive trop tard la trouve consommée.
    std::atomic<std::uint64_t> parent_epoch_{0};
    int winner_ = -1;           ///< écrit sur le thread du parent seulement
    bool tearing_down_ = false; ///< idem
};

/// \brief Une branche de `select` : une petite tâche *dans* la tâche qui attend.
///
/// Pourquoi un en-tête de tâche par branche : une tâche n'a qu'un point de reprise et une
/// suspension ouverte à la fois. Deux branches suspendues en même temps dans la même tâche
/// se marcheraient dessus. Chaque branche a donc son propre en-tête (son état, son époque) ;
/// son planificateur (`SelectShared`) ne fait que noter qu'elle est prête et réveiller la
/// tâche parente, qui exécute elle-même ses branches, sur son propre thread : les branches
/// peuvent utiliser les variables locales du parent.
class SelectBranch final : public TaskHeader {
public:
    /// \brief La branche `index`, dont le corps est `body`.
    SelectBranch(SelectShared* shared, std::size_t index, Task<void> body) noexcept
        : TaskHeader(shared), index(index), body_(std::move(body)) {
        resume_point = body_.handle();
    }
    const std::size_t index; ///< position de la branche dans l'appel à `select`

    /// \brief Les branches passent par le cache d'allocation des trames.
    static void* operator new(std::size_t size) { return frame_allocate(size); }
    /// \copydoc operator new
    static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

private:
    bool resume_coroutine() noexcept override {
        resume_on_trampoline(resume_point);
        return body_.done();
    }
    // Le corps est détruit dès la fin de la branche (ou son annulation), pendant que le
    // `select` existe encore : il référence son résultat. L'en-tête, lui, peut survivre un
    // peu (un Waker en retard le tient) : il ne touche plus à rien.
    void destroy_coroutine() noexcept override { body_.reset(); }
    void store_output() noexcept override { body_.reset(); } // résultat rangé par le corps
    void store_cancelled() noexcept override {}
    std::exception_ptr panic_of_output() const noexcept override { return nullptr; }

    Task<void> body_;
};

/// \brief Possède les branches : les annule (détruit leurs corps) à la fin du `select`, ou
/// si la tâche parente est elle-même détruite pendant qu'elle attend.
template <std::size_t N>
class SelectBranches {
public:
    /// \brief Des branches (encore vides) planifiées par `shared`.
    explicit SelectBranches(SelectShared& shared) noexcept : shared_(shared) {}
    SelectBranches(const SelectBranches&) = delete;
    SelectBranches& operator=(const SelectBranches&) = delete;
    /// \brief Annule les branches encore en cours : destructeurs compris, sur ce thread.
    ~SelectBranches() {
        shared_.begin_teardown();
        for (SelectBranch* branch : branches) {
            if (branch) {
                branch->shutdown(); // sans effet si elle a fini
                branch->release();  // la référence du propriétaire
            }
        }
    }
    std::array<SelectBranch*, N> branches{}; ///< une par opération, dans l'ordre

private:
    SelectShared& shared_;
};

} // namespace rt::detail
