// Le tas de minuteries : un tas binaire minimum dont chaque entrée connaît sa place.

#include "rt/detail/timer_heap.hpp"

#include "rt/detail/driver.hpp"
#include "rt/detail/task_header.hpp"

namespace rt::detail {

void TimerHeap::sift_up(std::size_t index) noexcept {
    TimerEntry* entry = entries_[index];
    while (index > 0) {
        std::size_t parent = (index - 1) / 2;
        if (!before(entry, entries_[parent])) {
            break;
        }
        place(index, entries_[parent]);
        index = parent;
    }
    place(index, entry);
}

void TimerHeap::sift_down(std::size_t index) noexcept {
    TimerEntry* entry = entries_[index];
    const std::size_t n = entries_.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= n) {
            break;
        }
        if (child + 1 < n && before(entries_[child + 1], entries_[child])) {
            ++child;
        }
        if (!before(entries_[child], entry)) {
            break;
        }
        place(index, entries_[child]);
        index = child;
    }
    place(index, entry);
}

void TimerHeap::push(TimerEntry& entry) {
    entry.sequence = take_sequence();
    entries_.push_back(&entry);
    sift_up(entries_.size() - 1);
}

void TimerHeap::remove(TimerEntry& entry) noexcept {
    const std::size_t index = entry.heap_index;
    TimerEntry* last = entries_.back();
    entries_.pop_back();
    entry.heap_index = TimerEntry::NOT_IN_HEAP;
    if (last == &entry) {
        return; // c'était la dernière case
    }
    // On bouche le trou avec la dernière entrée, puis on la remet à sa place (vers le haut
    // ou vers le bas selon son échéance).
    place(index, last);
    if (index > 0 && before(last, entries_[(index - 1) / 2])) {
        sift_up(index);
    } else {
        sift_down(index);
    }
}

TimerEntry& TimerHeap::pop() noexcept {
    TimerEntry& first = *entries_.front();
    remove(first);
    return first;
}

void register_timer(TimerEntry& entry, TaskHeader& task) {
    entry.task = &task;
    task.scheduler->driver().add_timer(entry);
}

void deregister_timer(TimerEntry& entry) noexcept {
    // Jamais inscrite : rien à faire. Sinon, on passe par le verrou du pilote même si elle a
    // déjà été échue : le pilote peut être en train de réveiller la tâche sur un autre thread,
    // et c'est ce verrou qui garantit qu'il ne la touchera plus une fois ceci terminé.
    if (entry.task != nullptr) {
        entry.task->scheduler->driver().remove_timer(entry);
    }
}

} // namespace rt::detail
