#pragma once
/// \file
/// \brief Le réacteur : attendre que des descripteurs soient prêts, avec `poll(2)` ou `epoll`.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "rt/detail/io_source.hpp"
#include "rt/detail/wake_list.hpp"

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
///
/// Toutes les méthodes sont appelées **sous le verrou du pilote**, sauf `block`, l'appel
/// système bloquant : pendant qu'un thread y dort, les autres (les autres workers du
/// chapitre 11) peuvent inscrire des attentes ou fermer des sockets. C'est pourquoi une
/// attente se fait en trois temps, et pourquoi les fds prêts sont retrouvés par un numéro
/// (place, numéro d'inscription) et jamais par un pointeur gardé pendant l'attente : une
/// source retirée entre-temps n'est simplement plus trouvée.
class Reactor {
public:
    virtual ~Reactor();

    /// \brief Inscrit `source` (fd non bloquant) ; lève `std::system_error` si impossible.
    virtual void add(IoSource& source) = 0;
    /// \brief Désinscrit `source`.
    virtual void remove(IoSource& source) noexcept = 0;

    /// \brief 1. Sous le verrou : préparer ce qu'il faut surveiller.
    virtual void prepare() {}
    /// \brief 2. Hors du verrou : attendre au plus `timeout_ms` (−1 : sans limite) qu'un fd
    /// soit prêt ou qu'on nous réveille.
    virtual void block(int timeout_ms) = 0;
    /// \brief 3. Sous le verrou : ramasser dans `woken` les réveils des tâches des fds prêts
    /// (le pilote les exécute après avoir relâché son verrou).
    virtual void dispatch(WakeList& woken) = 0;
    /// \brief Vrai si une attente inscrite pendant `block` n'est surveillée qu'à l'attente
    /// suivante (`poll`, qui a reçu sa liste avant de dormir) : il faut alors réveiller le
    /// pilote pour qu'il la reconstruise. Faux pour `epoll` (le noyau surveille déjà tout).
    [[nodiscard]] virtual bool sees_new_waiters_late() const noexcept = 0;

    /// \brief Nombre d'attentes en cours (tâches suspendues sur un fd).
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_; }

    /// \brief Lève `std::logic_error` si une autre tâche attend déjà dans ce sens.
    void check_single_waiter(IoSource& source, Direction direction, TaskHeader& task) const;
    /// \brief Consomme le signal « prêt » arrivé sans personne pour l'attendre ; vrai s'il y
    /// en avait un (l'appelant retente alors son appel système au lieu d'attendre).
    bool take_ready(IoSource& source, Direction direction) noexcept;
    /// \brief Note qu'une tâche attend sur `source` dans le sens `direction`.
    void set_waiter(IoSource& source, Direction direction, TaskHeader& task,
                    std::uint64_t epoch) noexcept;
    /// \brief Retire l'attente de `task` (annulation) si elle est toujours là.
    void clear_waiter(IoSource& source, Direction direction, TaskHeader& task) noexcept;

    /// \brief Crée un réacteur du type demandé, qui surveille aussi `wake_fd`.
    static std::unique_ptr<Reactor> create(ReactorKind kind, int wake_fd);

protected:
    explicit Reactor(int wake_fd) noexcept : wake_fd_(wake_fd) {}
    /// Un fd prêt dans ce sens : ramasse le réveil de la tâche qui attend (l'attente est à un
    /// coup), ou, si personne n'attend, le note dans la source pour la prochaine attente.
    void wake(IoSource& source, Direction direction, WakeList& woken);
    /// Vide le compteur de l'eventfd de réveil.
    void drain_wake_fd() noexcept;
    /// Ajoute `source` à la table : lui donne une place et un numéro d'inscription.
    void track(IoSource& source);
    /// Retire `source` de la table.
    void untrack(IoSource& source) noexcept;
    /// La source inscrite à la place `slot` sous le numéro `id`, ou nullptr si elle a été
    /// retirée depuis (le socket a été fermé pendant l'attente).
    [[nodiscard]] IoSource* find(std::uint32_t slot, std::uint32_t id) const noexcept;

    int wake_fd_;
    /// Les sources inscrites, à leur place (`IoSource::slot`) ; nullptr : place libre. Une
    /// source garde sa place tant qu'elle est inscrite.
    std::vector<IoSource*> sources_;

private:
    std::vector<std::uint32_t> free_slots_; ///< places libres de `sources_`
    std::uint32_t last_id_ = 0;             ///< dernier numéro d'inscription donné
    std::size_t waiting_ = 0;
};

/// \brief Le réacteur `poll(2)` (reactor_poll.cpp).
std::unique_ptr<Reactor> make_poll_reactor(int wake_fd);
/// \brief Le réacteur `epoll(7)` (reactor_epoll.cpp).
std::unique_ptr<Reactor> make_epoll_reactor(int wake_fd);

} // namespace rt::detail
