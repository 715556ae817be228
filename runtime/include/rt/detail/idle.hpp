#pragma once
/// \file
/// \brief `Idle` : combien de workers cherchent du travail, lesquels dorment (le `idle.rs` de
/// tokio, chapitre 11).

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace rt::detail {

/// \brief La comptabilité des workers inoccupés d'un runtime `multi_thread`.
///
/// Un worker sans tâche passe d'abord par l'état **« cherche »** (il vole chez les autres,
/// regarde la file globale), puis, s'il ne trouve rien, **se gare** (il dort). Deux règles
/// évitent de réveiller tout le monde pour rien (le « troupeau tonitruant ») :
/// - au plus la moitié des workers cherchent en même temps (`transition_worker_to_searching`) ;
/// - une tâche neuve ne réveille un worker garé que si **aucun** ne cherche : un chercheur
///   finira par la trouver (`worker_to_notify`). En contrepartie, le **dernier** chercheur qui
///   trouve du travail, ou qui se gare, doit réveiller un autre worker ou revérifier les files :
///   sinon une tâche arrivée pendant sa recherche pourrait attendre sans personne pour elle.
///
/// Les deux nombres tiennent dans un seul mot atomique (travailleurs éveillés << 16 |
/// chercheurs) ; la liste des garés est sous un verrou, pris seulement pour se garer et
/// pour réveiller.
class Idle {
public:
    /// \brief Tous les workers sont éveillés au départ, aucun ne cherche.
    explicit Idle(std::size_t num_workers);

    /// \brief Le worker à réveiller pour du travail neuf, s'il le faut (aucun chercheur, au
    /// moins un garé) : il est retiré des garés et compté éveillé et chercheur.
    std::optional<std::size_t> worker_to_notify();
    /// \brief Le worker `index` se gare. Vrai s'il était le dernier chercheur : il doit alors
    /// revérifier les files avant de dormir (voir plus haut).
    bool transition_worker_to_parked(std::size_t index, bool is_searching);
    /// \brief Demande à chercher ; faux si la moitié des workers cherchent déjà.
    bool transition_worker_to_searching() noexcept;
    /// \brief Fin de recherche (du travail trouvé). Vrai si c'était le dernier chercheur : il
    /// doit réveiller un autre worker, qui cherchera à son tour.
    bool transition_worker_from_searching() noexcept;
    /// \brief Réveille le worker `index` s'il est garé (réveillé par le pilote, avec du
    /// travail dans sa file) ; vrai s'il l'était.
    bool unpark_worker_by_id(std::size_t index);
    /// \brief Vrai si le worker `index` est dans la liste des garés.
    bool is_parked(std::size_t index);
    /// \brief Nombre de workers qui cherchent (une mesure).
    [[nodiscard]] std::size_t num_searching() const noexcept;
    /// \brief Vrai si au moins un worker est garé (un cœur est peut-être libre).
    [[nodiscard]] bool has_parked_worker() const noexcept;

private:
    static constexpr unsigned UNPARK_SHIFT = 16;
    static constexpr std::size_t SEARCH_MASK = (std::size_t{1} << UNPARK_SHIFT) - 1;
    static constexpr std::size_t ONE_UNPARKED = std::size_t{1} << UNPARK_SHIFT;

    /// Faut-il réveiller quelqu'un ? (aucun chercheur, au moins un garé)
    bool notify_should_wakeup() const noexcept;

    std::atomic<std::size_t> state_;
    const std::size_t num_workers_;
    std::mutex mutex_;
    std::vector<std::size_t> sleepers_; ///< workers garés, protégé par mutex_
};

} // namespace rt::detail
