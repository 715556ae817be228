// Les branches d'un select : une branche prête réveille la tâche parente, qui l'exécute.

#include "rt/detail/select_branch.hpp"

namespace rt::detail {

void SelectShared::schedule(TaskHeader* branch) noexcept {
    // Appelé par un réveil qui tient une référence sur la branche (un Waker à lui, jamais un
    // Waker rangé chez la branche : voir WakeList). Elle nous garde vivant, car dès le
    // fetch_or, la parente peut exécuter la branche, finir le select et lâcher sa référence.
    // seq_cst, avec WaitReady::await_suspend : chacun écrit (son bit / l'époque) puis lit ce
    // que l'autre écrit. L'ordre total garantit qu'au moins l'un voit l'autre : soit ce
    // réveil trouve l'époque de la suspension, soit la parente voit le bit et se réveille.
    ready_.fetch_or(branch_bit(static_cast<SelectBranch*>(branch)->index),
                    std::memory_order_seq_cst);
    // Si la parente n'attend pas dans WaitReady (elle exécute ses branches), cette époque
    // est consommée : réveil ignoré, elle verra le bit à sa prochaine attente.
    parent_.wake_at(parent_epoch_.load(std::memory_order_seq_cst));
}

void SelectShared::on_complete(TaskHeader* branch) noexcept {
    if (winner_ < 0 && !tearing_down_) {
        winner_ = static_cast<int>(static_cast<SelectBranch*>(branch)->index);
    }
    branch->release(); // la référence du planificateur
}

bool SelectShared::WaitReady::await_suspend(std::coroutine_handle<> caller) noexcept {
    TaskHeader& parent = shared->parent_;
    const std::uint64_t epoch = parent.begin_suspend(caller);
    shared->parent_epoch_.store(epoch, std::memory_order_seq_cst); // voir schedule
    if (shared->ready_.load(std::memory_order_seq_cst) != 0) {
        parent.wake_at(epoch); // déjà prête : repasser par la file, comme yield_now
    }
    return true;
}

} // namespace rt::detail
