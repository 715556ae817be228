// Les tâches vivantes d'un runtime multi_thread, réparties sur plusieurs listes verrouillées.

#include "rt/detail/owned_tasks.hpp"

#include <bit>

namespace rt::detail {

OwnedTasks::OwnedTasks(std::size_t workers)
    : mask_(std::bit_ceil(4 * (workers == 0 ? 1 : workers)) - 1),
      shards_(std::make_unique<Shard[]>(mask_ + 1)) {}

OwnedTasks::Shard& OwnedTasks::shard_of(const TaskHeader* task) const noexcept {
    // Les cellules sont alignées sur 16 octets et souvent voisines : on mélange les bits de
    // l'adresse pour que des tâches lancées à la suite tombent dans des morceaux différents.
    auto bits = reinterpret_cast<std::uintptr_t>(task) >> 4;
    bits ^= bits >> 7;
    return shards_[bits & mask_];
}

bool OwnedTasks::bind(TaskHeader* task) noexcept {
    Shard& shard = shard_of(task);
    std::lock_guard lock(shard.mutex);
    if (shard.closed) {
        return false;
    }
    shard.list.push(task);
    // relaxed : écrits sous le verrou, lus comme des mesures.
    shard.alive.store(shard.list.size(), std::memory_order_relaxed);
    shard.spawned.store(shard.spawned.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
    return true;
}

void OwnedTasks::remove(TaskHeader* task) noexcept {
    Shard& shard = shard_of(task);
    std::lock_guard lock(shard.mutex);
    // Lu sous le verrou : l'arrêt a pu retirer la tâche de la liste avant de l'annuler.
    if (task->owned) {
        shard.list.remove(task);
        shard.alive.store(shard.list.size(), std::memory_order_relaxed); // voir bind
    }
}

void OwnedTasks::close() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) {
        std::lock_guard lock(shards_[i].mutex);
        shards_[i].closed = true;
    }
}

void OwnedTasks::shutdown_all() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) {
        Shard& shard = shards_[i];
        for (;;) {
            TaskHeader* task = nullptr;
            {
                std::lock_guard lock(shard.mutex);
                task = shard.list.pop();
                shard.alive.store(shard.list.size(), std::memory_order_relaxed); // voir bind
            }
            if (task == nullptr) {
                break;
            }
            // Hors du verrou : les destructeurs de la tâche peuvent lancer (refusé), réveiller,
            // annuler d'autres tâches de ce même morceau. Une tâche en cours d'exécution (l'arrêt
            // vient d'elle) s'annulera à la fin de son passage.
            task->shutdown();
        }
    }
}

std::size_t OwnedTasks::alive() const noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i <= mask_; ++i) {
        total += shards_[i].alive.load(std::memory_order_relaxed); // une mesure
    }
    return total;
}

std::uint64_t OwnedTasks::spawned() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= mask_; ++i) {
        total += shards_[i].spawned.load(std::memory_order_relaxed); // une mesure
    }
    return total;
}

} // namespace rt::detail
