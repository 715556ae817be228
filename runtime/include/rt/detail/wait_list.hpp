#pragma once
/// \file
/// \brief Une liste intrusive de tâches en attente (pour `Mutex`, `broadcast`...).

#include <cstddef>

#include "rt/detail/task_header.hpp"

namespace rt::detail {

/// \brief Un maillon d'attente : vit dans l'awaiter (donc dans la trame de la coroutine
/// suspendue). Aucune allocation ; retiré en O(1) si la coroutine est détruite.
struct WaitNode {
    Waker waker;              ///< qui réveiller
    WaitNode* prev = nullptr; ///< maillon précédent
    WaitNode* next = nullptr; ///< maillon suivant
    bool linked = false;      ///< dans une liste
    bool notified = false;    ///< retiré de la liste par un réveil (et non par annulation)
};

/// \brief Une file FIFO doublement chaînée de `WaitNode` ; protégée par le verrou de son
/// propriétaire.
class WaitList {
public:
    /// \brief Ajoute `node` en queue.
    void push_back(WaitNode& node) noexcept {
        node.prev = tail_;
        node.next = nullptr;
        (tail_ ? tail_->next : head_) = &node;
        tail_ = &node;
        node.linked = true;
        node.notified = false;
        ++size_;
    }
    /// \brief Retire `node` (qui doit être dans la liste).
    void remove(WaitNode& node) noexcept {
        (node.prev ? node.prev->next : head_) = node.next;
        (node.next ? node.next->prev : tail_) = node.prev;
        node.prev = node.next = nullptr;
        node.linked = false;
        --size_;
    }
    /// \brief Retire et rend le premier maillon (nullptr si vide), marqué « notifié ».
    WaitNode* pop_front() noexcept {
        WaitNode* node = head_;
        if (node) {
            remove(*node);
            node->notified = true;
        }
        return node;
    }
    /// \brief Le premier maillon, laissé dans la liste (nullptr si vide).
    [[nodiscard]] WaitNode* front() const noexcept { return head_; }
    /// \brief Vrai si personne n'attend.
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    /// \brief Nombre de maillons.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    WaitNode* head_ = nullptr;
    WaitNode* tail_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace rt::detail
