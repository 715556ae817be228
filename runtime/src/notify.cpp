#include "rt/sync/notify.hpp"

#include <utility>

#include "rt/detail/task_header.hpp"
#include "rt/detail/wake_list.hpp"

namespace rt::sync {

Notify::Notified Notify::notified() {
    std::lock_guard lock(lock_);
    return Notified(*this, waiters_calls_);
}

detail::Waker Notify::notify_one_locked() noexcept {
    if (detail::WaitNode* node = waiters_.pop_front()) {
        static_cast<Notified::Node*>(node)->by_notify_one = true;
        return std::move(node->waker);
    }
    permit_ = true; // personne n'attend : le prochain notified() ne suspendra pas
    return {};
}

void Notify::notify_one() {
    detail::Waker waker;
    {
        std::lock_guard lock(lock_);
        waker = notify_one_locked();
    }
    waker.wake(); // verrou relâché, avec notre propre référence sur la tâche (voir WakeList)
}

void Notify::notify_waiters() {
    detail::WakeList wakes; // détruite après le verrou : les réveils se font verrou relâché
    std::lock_guard lock(lock_);
    ++waiters_calls_; // les Notified créés avant cet appel sont notifiés, même pas encore en file
    while (detail::WaitNode* node = waiters_.pop_front()) {
        wakes.push(std::move(node->waker));
    }
}

bool Notify::Notified::await_suspend(std::coroutine_handle<> caller) {
    std::lock_guard lock(notify_.lock_);
    if (notify_.waiters_calls_ != waiters_calls_) {
        stage_ = Stage::Done; // un notify_waiters() depuis notre création
        return false;
    }
    if (std::exchange(notify_.permit_, false)) {
        stage_ = Stage::Done; // l'autorisation d'un notify_one() sans personne en attente
        return false;
    }
    node_.by_notify_one = false;
    node_.waker = detail::require_current_task("Notify::notified").suspend_at(caller);
    notify_.waiters_.push_back(node_);
    stage_ = Stage::Waiting;
    return true;
}

Notify::Notified::~Notified() {
    if (stage_ != Stage::Waiting) {
        return;
    }
    detail::Waker forwarded;
    {
        std::lock_guard lock(notify_.lock_);
        if (node_.linked) {
            notify_.waiters_.remove(node_);
        } else if (node_.by_notify_one) {
            forwarded = notify_.notify_one_locked(); // le réveil qu'on ne prendra pas
        }
    }
    forwarded.wake();
}

} // namespace rt::sync
