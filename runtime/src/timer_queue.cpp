// La file des minuteries : file FIFO pour les échéances croissantes, tas pour les autres.

#include "rt/detail/timer_queue.hpp"

namespace rt::detail {

void TimerQueue::push(TimerEntry& entry) {
    if (fifo_count_ == 0 || entry.deadline >= last_) {
        // Dans l'ordre : en queue de file. Le numéro d'ordre vient du même compteur que
        // celui du tas, pour départager les échéances égales entre les deux.
        entry.sequence = heap_.take_sequence();
        entry.in_fifo = true;
        entry.heap_index = fifo_base_ + static_cast<std::uint32_t>(fifo_.size());
        fifo_.push_back(&entry);
        ++fifo_count_;
        last_ = entry.deadline;
        return;
    }
    heap_.push(entry);
}

void TimerQueue::remove(TimerEntry& entry) noexcept {
    if (!entry.in_fifo) {
        heap_.remove(entry);
        return;
    }
    fifo_[entry.heap_index - fifo_base_] = nullptr; // un trou, sauté par trim()
    entry.in_fifo = false;
    entry.heap_index = TimerEntry::NOT_IN_HEAP;
    --fifo_count_;
    trim();
}

void TimerQueue::trim() noexcept {
    while (!fifo_.empty() && fifo_.front() == nullptr) {
        fifo_.pop_front();
        ++fifo_base_;
    }
    while (!fifo_.empty() && fifo_.back() == nullptr) {
        fifo_.pop_back();
    }
}

TimerEntry* TimerQueue::top() const noexcept {
    TimerEntry* in_order = fifo_.empty() ? nullptr : fifo_.front();
    TimerEntry* in_heap = heap_.top();
    if (in_order == nullptr) {
        return in_heap;
    }
    if (in_heap == nullptr) {
        return in_order;
    }
    return TimerHeap::before(in_heap, in_order) ? in_heap : in_order;
}

TimerEntry& TimerQueue::pop() noexcept {
    TimerEntry& first = *top();
    remove(first);
    return first;
}

} // namespace rt::detail
