#pragma once
/// \file
/// \brief `rt::signal::ctrl_c()` : attendre un Ctrl-C (SIGINT) dans une tâche, comme
/// `tokio::signal::ctrl_c` (chapitre 13).

#include <coroutine>
#include <cstdint>

#include "rt/detail/awaitable_traits.hpp"
#include "rt/detail/wait_list.hpp"

namespace rt::detail {
/// \brief Le maillon d'attente d'un écouteur de signal : il retient ce que l'écouteur avait
/// déjà vu, pour que le thread de réveil ne réveille que ceux qui ont un signal à voir.
struct SignalWaitNode : WaitNode {
    std::uint64_t seen = 0; ///< nombre de SIGINT déjà vus à l'inscription
};
} // namespace rt::detail

namespace rt::signal {

/// \brief Un écouteur de Ctrl-C : `co_await arret` se termine quand un SIGINT est arrivé
/// depuis la création de `arret` (ou depuis la fin de son `co_await` précédent), et attend
/// sinon.
///
/// L'écoute commence à la création (`ctrl_c()`), pas au premier `co_await` : un Ctrl-C
/// tapé entre les deux n'est pas perdu. Plusieurs SIGINT arrivés entre deux `co_await` n'en
/// font qu'un (comme tokio). Chaque écouteur voit chaque signal : dix tâches qui attendent
/// chacune le leur sont toutes réveillées.
///
/// On peut l'attendre **par lvalue** dans `rt::select` ou `rt::time::timeout` : l'attente
/// abandonnée se désinscrit, et un signal arrivé pendant ce temps reste dû à l'écouteur.
/// D'où le motif d'un serveur qui s'arrête proprement : créer l'écouteur une fois, avant la
/// boucle, puis `co_await rt::select(listener.accept(), arret)` à chaque tour.
class CtrlC {
public:
    /// \brief Transfère l'écoute (et les signaux non encore vus).
    CtrlC(CtrlC&&) noexcept = default;
    /// \brief Transfère l'écoute (et les signaux non encore vus).
    CtrlC& operator=(CtrlC&&) noexcept = default;
    CtrlC(const CtrlC&) = delete;
    CtrlC& operator=(const CtrlC&) = delete;

    /// \brief L'awaiter de `co_await arret` : l'inscription vit ici, pas dans l'écouteur.
    class Awaiter {
    public:
        /// \brief L'attente d'un SIGINT que `owner` n'a pas encore vu.
        explicit Awaiter(CtrlC& owner) noexcept : owner_(owner) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter& operator=(const Awaiter&) = delete;
        /// \brief Abandonné (`select`, `timeout`, `abort`) : quitte la liste d'attente.
        ~Awaiter();
        /// \brief Vrai si un SIGINT est arrivé depuis la dernière fois : pas de suspension.
        bool await_ready() const noexcept;
        /// \brief S'inscrit, sauf si un SIGINT est arrivé entre-temps.
        bool await_suspend(std::coroutine_handle<> caller);
        /// \brief Le signal est vu : le prochain `co_await` attendra le suivant.
        void await_resume() noexcept;

    private:
        CtrlC& owner_;
        detail::SignalWaitNode node_;
        bool waiting_ = false; ///< inscrit dans la liste d'attente
    };

    /// \brief `co_await arret` : attend un SIGINT.
    Awaiter operator co_await() & noexcept { return Awaiter(*this); }
    /// \brief `co_await rt::signal::ctrl_c()` (même effet).
    Awaiter operator co_await() && noexcept { return Awaiter(*this); }

private:
    friend CtrlC ctrl_c();
    explicit CtrlC(std::uint64_t seen) noexcept : seen_(seen) {}

    std::uint64_t seen_; ///< nombre de SIGINT du processus déjà vus par cet écouteur
};

/// \brief Commence à écouter Ctrl-C (SIGINT) : `co_await rt::signal::ctrl_c();`.
///
/// Le premier appel installe, pour tout le processus et pour toujours, le gestionnaire de
/// SIGINT du runtime : dès lors, Ctrl-C ne tue plus le programme, il réveille ses écouteurs
/// (tokio fait de même : un programme qui écoute Ctrl-C décide lui-même quand s'arrêter).
/// Lève `std::system_error` si l'installation échoue.
[[nodiscard]] CtrlC ctrl_c();

} // namespace rt::signal

namespace rt::detail {
/// \brief Attendre un `CtrlC` par lvalue puis abandonner l'attente est sûr : l'inscription
/// vit dans l'awaiter temporaire, et le signal non vu reste dû à l'écouteur.
template <>
struct abandonable_lvalue<rt::signal::CtrlC> : std::true_type {};
} // namespace rt::detail
