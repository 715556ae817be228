#pragma once
/// \file
/// \brief Le réacteur : attendre que des descripteurs soient prêts, avec `poll(2)` ou `epoll`.

#include <cstddef>
#include <memory>
#include <vector>

#include "rt/detail/io_source.hpp"

namespace rt {
/// \brief Le mécanisme d'attente des E/S du réacteur.
enum class ReactorKind {
    Poll,  ///< `poll(2)` : la liste des fds à surveiller est reconstruite à chaque attente
    Epoll, ///< `epoll(7)` : le noyau garde la liste ; mode « front » (edge-triggered)
};
} // namespace rt

namespace rt::detail {

/// \brief Ce que le pilote attend d'un réacteur : inscrire des sources et attendre.
///
/// Le réacteur surveille aussi un `eventfd` de réveil : un autre thread y écrit pour tirer
/// le pilote de son attente (`Driver::unpark`).
class Reactor {
public:
    virtual ~Reactor();

    /// \brief Inscrit `source` (fd non bloquant) ; lève `std::system_error` si impossible.
    virtual void add(IoSource& source) = 0;
    /// \brief Désinscrit `source`.
    virtual void remove(IoSource& source) noexcept = 0;
    /// \brief Attend au plus `timeout_ms` (−1 : sans limite) qu'un fd soit prêt ou qu'on nous
    /// réveille, puis réveille les tâches concernées.
    virtual void wait(int timeout_ms) = 0;
    /// \brief Nombre d'attentes en cours (tâches suspendues sur un fd).
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_; }

    /// \brief Note qu'une tâche attend sur `source` dans le sens `direction`.
    void set_waiter(IoSource& source, Direction direction, TaskHeader& task, std::uint64_t epoch);
    /// \brief Retire l'attente de `task` (annulation) si elle est toujours là.
    void clear_waiter(IoSource& source, Direction direction, TaskHeader& task) noexcept;

    /// \brief Crée un réacteur du type demandé, qui surveille aussi `wake_fd`.
    static std::unique_ptr<Reactor> create(ReactorKind kind, int wake_fd);

protected:
    explicit Reactor(int wake_fd) noexcept : wake_fd_(wake_fd) {}
    /// Réveille la tâche en attente dans ce sens, s'il y en a une (l'attente est à un coup).
    void wake(IoSource& source, Direction direction) noexcept;
    /// Vide le compteur de l'eventfd de réveil.
    void drain_wake_fd() noexcept;
    /// Ajoute `source` à la table (lui donne sa place).
    void track(IoSource& source);
    /// Retire `source` de la table.
    void untrack(IoSource& source) noexcept;

    int wake_fd_;
    std::vector<IoSource*> sources_; ///< toutes les sources inscrites (place = IoSource::slot)
    std::size_t waiting_ = 0;
};

/// \brief Le réacteur `poll(2)` (reactor_poll.cpp).
std::unique_ptr<Reactor> make_poll_reactor(int wake_fd);
/// \brief Le réacteur `epoll(7)` (reactor_epoll.cpp).
std::unique_ptr<Reactor> make_epoll_reactor(int wake_fd);

} // namespace rt::detail
