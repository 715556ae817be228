// Les workers inoccupés : qui cherche, qui dort, qui réveiller.
//
// Ordres mémoire : tout est en seq_cst, comme chez tokio, et pour la même raison. Le danger
// est un réveil perdu : une tâche est publiée (dans une file) pendant que le dernier chercheur
// conclut qu'il n'y a rien et se gare. Celui qui publie écrit la file puis lit `state_`
// (worker_to_notify) ; le chercheur écrit `state_` (il n'est plus chercheur) puis lit les
// files (revérification du dernier chercheur). Chacun écrit puis lit ce que l'autre écrit :
// seul l'ordre total de seq_cst garantit qu'au moins l'un des deux voit l'autre.

#include "rt/detail/idle.hpp"

#include <algorithm>
#include <cassert>

#include "rt/detail/fence.hpp"

namespace rt::detail {

Idle::Idle(std::size_t num_workers)
    : state_(num_workers << UNPARK_SHIFT), num_workers_(num_workers) {
    sleepers_.reserve(num_workers); // se garer n'allouera jamais
}

bool Idle::notify_should_wakeup() const noexcept {
    const std::size_t state = state_.load(std::memory_order_seq_cst);
    return (state & SEARCH_MASK) == 0 && (state >> UNPARK_SHIFT) < num_workers_;
}

std::optional<std::size_t> Idle::worker_to_notify() {
    // Nous venons de publier une tâche (dans une file, dont la longueur n'est pas écrite en
    // seq_cst) : la barrière la place avant notre lecture de `state_` dans l'ordre total (voir
    // notify_if_work_pending, de l'autre côté).
    seq_cst_fence();
    if (!notify_should_wakeup()) {
        return std::nullopt; // un chercheur trouvera le travail, ou personne ne dort
    }
    std::lock_guard lock(mutex_);
    if (!notify_should_wakeup()) { // revérifié sous le verrou
        return std::nullopt;
    }
    // Le réveillé est compté éveillé et chercheur avant même de se réveiller : le suivant
    // qui publie une tâche ne réveillera pas un second worker pour rien.
    state_.fetch_add(ONE_UNPARKED | 1, std::memory_order_seq_cst);
    assert(!sleepers_.empty());
    const std::size_t index = sleepers_.back();
    sleepers_.pop_back();
    return index;
}

bool Idle::transition_worker_to_parked(std::size_t index, bool is_searching) {
    std::lock_guard lock(mutex_);
    const std::size_t dec = ONE_UNPARKED | (is_searching ? 1 : 0);
    const std::size_t before = state_.fetch_sub(dec, std::memory_order_seq_cst);
    sleepers_.push_back(index);
    return is_searching && (before & SEARCH_MASK) == 1;
}

bool Idle::transition_worker_to_searching() noexcept {
    const std::size_t state = state_.load(std::memory_order_seq_cst);
    if (2 * (state & SEARCH_MASK) >= num_workers_) {
        return false;
    }
    // Sans CAS : deux workers peuvent passer ensemble et dépasser un peu la moitié. Ce n'est
    // qu'une limite pour éviter la contention, pas une garantie dont dépend la correction.
    state_.fetch_add(1, std::memory_order_seq_cst);
    return true;
}

bool Idle::transition_worker_from_searching() noexcept {
    return (state_.fetch_sub(1, std::memory_order_seq_cst) & SEARCH_MASK) == 1;
}

bool Idle::unpark_worker_by_id(std::size_t index) {
    std::lock_guard lock(mutex_);
    const auto it = std::find(sleepers_.begin(), sleepers_.end(), index);
    if (it == sleepers_.end()) {
        return false;
    }
    *it = sleepers_.back();
    sleepers_.pop_back();
    state_.fetch_add(ONE_UNPARKED, std::memory_order_seq_cst); // éveillé, pas chercheur
    return true;
}

bool Idle::is_parked(std::size_t index) {
    std::lock_guard lock(mutex_);
    return std::find(sleepers_.begin(), sleepers_.end(), index) != sleepers_.end();
}

bool Idle::has_parked_worker() const noexcept {
    // relaxed : une indication pour décider de guetter ou non ; rien n'en dépend d'autre.
    return (state_.load(std::memory_order_relaxed) >> UNPARK_SHIFT) < num_workers_;
}

std::size_t Idle::num_searching() const noexcept {
    return state_.load(std::memory_order_relaxed) & SEARCH_MASK; // relaxed : une mesure
}

} // namespace rt::detail
