// La file locale d'un worker : un anneau que son propriétaire remplit et vide sans verrou, et
// dont les autres workers volent la moitié. Chaque ordre mémoire dit en une ligne pourquoi il
// suffit ; le principe : le propriétaire publie une case en avançant `tail_` (release), un
// voleur la lit après avoir lu `tail_` (acquire) ; un voleur rend des cases en remettant
// `steal` à la hauteur de `real` (release), le propriétaire ne les réécrit qu'après avoir lu
// `head_` (acquire).

#include "rt/detail/local_queue.hpp"

#include <cassert>

namespace rt::detail {

void LocalQueue::push_back(TaskHeader* task) noexcept {
    // relaxed : `tail_` n'est écrit que par nous, le propriétaire.
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    assert(tail - steal_of(head_.load(std::memory_order_acquire)) < CAPACITY);
    // relaxed : la case est publiée par l'écriture de `tail_` juste après.
    buffer_[tail & MASK].store(task, std::memory_order_relaxed);
    // release : un voleur qui lit ce `tail_` (acquire) voit la case écrite.
    tail_.store(tail + 1, std::memory_order_release);
}

bool LocalQueue::push_back_or_overflow(TaskHeader* task, InjectQueue& overflow) noexcept {
    for (;;) {
        // acquire : voir les cases qu'un voleur a fini de copier (son dernier CAS, release).
        const std::uint64_t head = head_.load(std::memory_order_acquire);
        const std::uint32_t steal = steal_of(head);
        const std::uint32_t real = real_of(head);
        const std::uint32_t tail = tail_.load(std::memory_order_relaxed); // à nous seuls
        if (tail - steal < CAPACITY) {
            push_back(task);
            return false;
        }
        if (steal != real) {
            // Pleine, mais un voleur est en train de la vider : inutile de déborder la
            // moitié, cette seule tâche part dans la file globale.
            overflow.push(task);
            return false;
        }
        if (push_overflow(task, real, tail, overflow)) {
            return true;
        }
        // Un voleur est passé entre notre lecture et notre CAS : il y a peut-être de la place.
    }
}

bool LocalQueue::push_overflow(TaskHeader* task, std::uint32_t head, std::uint32_t tail,
                               InjectQueue& overflow) noexcept {
    constexpr std::uint32_t TAKEN = CAPACITY / 2;
    assert(tail - head == CAPACITY);
    (void)tail;
    // On réserve la moitié la plus ancienne en avançant la tête (steal et real ensemble).
    // relaxed : ces cases ont été écrites par nous ; le CAS ne sert qu'à exclure les voleurs
    // (s'il réussit, aucun vol n'était en cours et tout vol qui suit part de la tête neuve).
    std::uint64_t expected = pack(head, head);
    if (!head_.compare_exchange_strong(expected, pack(head + TAKEN, head + TAKEN),
                                       std::memory_order_relaxed, std::memory_order_relaxed)) {
        return false;
    }
    TaskQueue batch;
    for (std::uint32_t i = 0; i < TAKEN; ++i) {
        batch.push(buffer_[(head + i) & MASK].load(std::memory_order_relaxed));
    }
    batch.push(task);
    overflow.push_batch(batch); // un seul passage par le verrou de la file globale
    return true;
}

TaskHeader* LocalQueue::pop() noexcept {
    // acquire : voir où en sont les voleurs (leurs CAS, acq_rel).
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
        const std::uint32_t steal = steal_of(head);
        const std::uint32_t real = real_of(head);
        if (real == tail_.load(std::memory_order_relaxed)) { // relaxed : `tail_` est à nous
            return nullptr;
        }
        // Sans vol en cours, steal suit real ; sinon le voleur le remettra à niveau.
        const std::uint64_t next = steal == real ? pack(real + 1, real + 1) : pack(steal, real + 1);
        // acq_rel : notre prise est ordonnée avec les CAS des voleurs (l'un des deux échoue) ;
        // la case elle-même a été écrite par nous, rien d'autre à publier ou à voir.
        if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            return buffer_[real & MASK].load(std::memory_order_relaxed);
        }
    }
}

TaskHeader* LocalQueue::steal_into(LocalQueue& dst, std::uint32_t& stolen) noexcept {
    stolen = 0;
    // relaxed : nous sommes le propriétaire de `dst`.
    const std::uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);
    // acquire : les cases de `dst` qu'un autre voleur copie encore ne sont pas à nous.
    const std::uint32_t dst_steal = steal_of(dst.head_.load(std::memory_order_acquire));
    if (dst_tail - dst_steal > CAPACITY / 2) {
        return nullptr; // pas la place d'accueillir une moitié : on ne vole pas
    }
    std::uint32_t n = steal_into2(dst, dst_tail);
    if (n == 0) {
        return nullptr;
    }
    stolen = n;
    // La dernière tâche volée est rendue pour être exécutée tout de suite ; les autres
    // deviennent visibles (et volables à leur tour) dans notre file.
    --n;
    TaskHeader* task = dst.buffer_[(dst_tail + n) & MASK].load(std::memory_order_relaxed);
    if (n > 0) {
        // release : publie les cases copiées, comme un push_back.
        dst.tail_.store(dst_tail + n, std::memory_order_release);
    }
    return task;
}

std::uint32_t LocalQueue::steal_into2(LocalQueue& dst, std::uint32_t dst_tail) noexcept {
    // acquire : voir la tête telle que le propriétaire et les autres voleurs l'ont laissée.
    std::uint64_t prev = head_.load(std::memory_order_acquire);
    std::uint64_t next = 0;
    std::uint32_t n = 0;
    // 1. Réserver la moitié : avancer `real` sans toucher à `steal`. Tant que les deux
    //    diffèrent, personne d'autre ne volera ici, et le propriétaire ne réécrira pas ces cases.
    for (;;) {
        const std::uint32_t steal = steal_of(prev);
        const std::uint32_t real = real_of(prev);
        if (steal != real) {
            return 0; // un autre voleur est déjà là
        }
        // acquire : voir le contenu des cases que le propriétaire a publiées (release).
        const std::uint32_t tail = tail_.load(std::memory_order_acquire);
        n = tail - real;
        n -= n / 2; // la moitié, arrondie au-dessus : une tâche seule se vole aussi
        if (n == 0) {
            return 0;
        }
        next = pack(steal, real + n);
        // acq_rel : le succès nous réserve les cases face au propriétaire (pop) et aux voleurs.
        if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            break;
        }
    }
    assert(n <= CAPACITY / 2);
    // 2. Copier les tâches réservées dans la file du voleur (pas encore visibles là-bas).
    const std::uint32_t first = steal_of(next);
    for (std::uint32_t i = 0; i < n; ++i) {
        // relaxed : lecture publiée par l'acquire de `tail_` ci-dessus ; écriture publiée par
        // le release de `dst.tail_` dans steal_into.
        dst.buffer_[(dst_tail + i) & MASK].store(
            buffer_[(first + i) & MASK].load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
    // 3. Rendre les cases : `steal` rattrape `real`. Le propriétaire a pu avancer `real`
    //    entre-temps (pop) : on recommence avec sa valeur.
    prev = next;
    for (;;) {
        const std::uint32_t real = real_of(prev);
        // acq_rel : release, pour que le propriétaire ne réécrive ces cases qu'après nos
        // lectures ; acquire, pour repartir de la valeur qu'il a écrite en cas d'échec.
        if (head_.compare_exchange_weak(prev, pack(real, real), std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            return n;
        }
    }
}

std::uint32_t LocalQueue::len() const noexcept {
    // acquire, tête d'abord puis queue : la queue lue est au moins celle qui allait avec la
    // tête, la différence n'est jamais négative.
    const std::uint32_t real = real_of(head_.load(std::memory_order_acquire));
    return tail_.load(std::memory_order_acquire) - real;
}

std::uint32_t LocalQueue::remaining_slots() const noexcept {
    const std::uint32_t steal = steal_of(head_.load(std::memory_order_acquire)); // voir len()
    return CAPACITY - (tail_.load(std::memory_order_acquire) - steal);
}

} // namespace rt::detail
