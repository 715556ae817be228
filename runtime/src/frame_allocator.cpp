// Cache d'allocation par thread pour les trames de coroutines et les cellules de tâches.
//
// Chaque thread découpe ses blocs dans ses propres morceaux de 256 Kio. Un bloc libéré
// retourne toujours au thread qui l'a découpé (son « propriétaire ») : directement s'il est
// libéré par ce thread, par une liste atomique sinon. Sans cela, un thread qui lance des
// tâches exécutées ailleurs (Handle::spawn depuis un autre thread, un runtime multi-thread)
// ne récupérerait jamais ses blocs et découperait des morceaux neufs sans fin.

#include "rt/detail/frame_allocator.hpp"

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define RT_NO_FRAME_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_NO_FRAME_CACHE 1
#endif
#endif

namespace rt::detail {

#ifdef RT_NO_FRAME_CACHE
// Sous AddressSanitizer, chaque bloc retourne à malloc : un cache masquerait les
// utilisations après libération que l'on veut justement détecter.
void* frame_allocate(std::size_t size) {
    return ::operator new(size);
}
void frame_deallocate(void* p, std::size_t) noexcept {
    ::operator delete(p);
}
std::size_t frame_allocator_chunks() noexcept {
    return 0;
}
#else

namespace {

constexpr std::size_t GRANULE = 16;      // tailles arrondies à 16 octets (alignement)
constexpr std::size_t MAX_CACHED = 1024; // au-delà : ::operator new directement
constexpr std::size_t CLASSES = MAX_CACHED / GRANULE;
constexpr std::size_t CHUNK_SIZE = 256 * 1024; // aligné sur sa taille : on retrouve son début
constexpr std::size_t CHUNK_HEADER = 64;       // une ligne de cache pour l'en-tête

constexpr std::size_t class_of(std::size_t size) noexcept {
    return (size - 1) / GRANULE;
}
constexpr std::size_t size_of(std::size_t klass) noexcept {
    return (klass + 1) * GRANULE;
}

struct FreeBlock {
    FreeBlock* next;
};

class Heap;

/// Le début de chaque morceau : à qui appartiennent ses blocs. Écrit une fois, avant que le
/// moindre bloc du morceau ne soit rendu à qui que ce soit.
struct ChunkHeader {
    Heap* owner;
};

ChunkHeader* chunk_of(void* block) noexcept {
    return reinterpret_cast<ChunkHeader*>(reinterpret_cast<std::uintptr_t>(block) &
                                          ~(std::uintptr_t{CHUNK_SIZE} - 1));
}

std::atomic<std::size_t> chunks_cut{0}; // pour les tests : combien de morceaux en tout

/// Un morceau neuf aligné sur sa taille, demandé directement au noyau : on en projette deux
/// fois la taille et on rend ce qui dépasse de part et d'autre. (`operator new` aligné de la
/// bibliothèque C touche une page d'en-tête devant chaque morceau : 4 Kio de mémoire
/// résidente de plus par morceau.) Les pages ne deviennent résidentes qu'une fois écrites.
void* map_aligned_chunk() {
    void* p =
        ::mmap(nullptr, 2 * CHUNK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw std::bad_alloc();
    }
    const auto debut = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t aligne = (debut + CHUNK_SIZE - 1) & ~(std::uintptr_t{CHUNK_SIZE} - 1);
    if (aligne > debut) {
        ::munmap(p, aligne - debut);
    }
    if (const std::uintptr_t fin = aligne + CHUNK_SIZE; fin < debut + 2 * CHUNK_SIZE) {
        ::munmap(reinterpret_cast<void*>(fin), debut + 2 * CHUNK_SIZE - fin);
    }
    return reinterpret_cast<void*>(aligne);
}

/// Les blocs d'un thread : ses listes libres (à lui seul, sans verrou), les listes où les
/// autres threads lui rendent ses blocs, et le morceau qu'il est en train de découper.
///
/// Un `Heap` n'est jamais détruit : quand son thread se termine, il est confié à la réserve
/// et le prochain thread neuf le reprend, blocs libres et morceaux compris. Un bloc rendu
/// par un autre thread après la fin du propriétaire trouve donc toujours son `Heap`.
class Heap {
public:
    void* allocate(std::size_t klass) {
        if (FreeBlock* block = free_[klass]) {
            free_[klass] = block->next;
            return block;
        }
        // relaxed d'abord : le cas courant est une liste vide, sans instruction « lock ».
        if (returned_[klass].load(std::memory_order_relaxed) != nullptr) {
            // acquire : voir le chaînage écrit par les threads qui ont rendu ces blocs.
            free_[klass] = returned_[klass].exchange(nullptr, std::memory_order_acquire);
            return allocate(klass);
        }
        const std::size_t size = size_of(klass);
        if (left_ < size) {
            cut_chunk(); // le reste de l'ancien morceau est perdu (moins d'un bloc)
        }
        void* p = bump_;
        bump_ += size;
        left_ -= size;
        return p;
    }
    /// Un bloc de ce tas, libéré par son propre thread.
    void take_back(void* p, std::size_t klass) noexcept {
        free_[klass] = new (p) FreeBlock{free_[klass]};
    }
    /// Un bloc de ce tas, libéré par un autre thread (n'importe lequel, à tout moment).
    void give_back(void* p, std::size_t klass) noexcept {
        auto* block = new (p) FreeBlock{returned_[klass].load(std::memory_order_relaxed)};
        // release : le propriétaire qui prend la liste (acquire) voit `block->next`. Pas
        // d'ABA : on ne fait qu'empiler ; le propriétaire prend toute la liste d'un coup.
        while (!returned_[klass].compare_exchange_weak(
            block->next, block, std::memory_order_release, std::memory_order_relaxed)) {
        }
    }

    Heap* next_abandoned = nullptr; ///< chaînage dans la réserve (sous son verrou)

private:
    void cut_chunk() {
        void* chunk = map_aligned_chunk();
        static_cast<ChunkHeader*>(chunk)->owner = this;
        chunks_cut.fetch_add(1, std::memory_order_relaxed); // une mesure, pas une synchro
        bump_ = static_cast<char*>(chunk) + CHUNK_HEADER;
        left_ = CHUNK_SIZE - CHUNK_HEADER;
    }

    std::array<FreeBlock*, CLASSES> free_{};
    std::array<std::atomic<FreeBlock*>, CLASSES> returned_{};
    char* bump_ = nullptr;
    std::size_t left_ = 0;
};

/// Les tas des threads terminés, en attente d'un thread neuf. On n'y passe qu'au début et à
/// la fin d'un thread.
class Reserve {
public:
    Heap* take() {
        std::lock_guard lock(mutex_);
        Heap* heap = abandoned_;
        if (heap) {
            abandoned_ = heap->next_abandoned;
            return heap;
        }
        return new Heap; // jamais libéré : voir Heap
    }
    void abandon(Heap* heap) {
        std::lock_guard lock(mutex_);
        heap->next_abandoned = abandoned_;
        abandoned_ = heap;
    }

private:
    std::mutex mutex_;
    Heap* abandoned_ = nullptr;
};

Reserve& reserve() {
    static Reserve* instance = new Reserve; // jamais détruite : des blocs peuvent revenir tard
    return *instance;
}

/// Le tas du thread courant : pris à la réserve au premier usage, rendu à la fin du thread.
class ThreadHeap {
public:
    ~ThreadHeap() {
        if (heap_) {
            reserve().abandon(std::exchange(heap_, nullptr));
        }
    }
    Heap& get() {
        if (!heap_) {
            heap_ = reserve().take();
        }
        return *heap_;
    }
    /// Le tas de ce thread s'il en a un (nul sinon, ou pendant la fin du thread).
    [[nodiscard]] Heap* peek() const noexcept { return heap_; }

private:
    Heap* heap_ = nullptr;
};

thread_local ThreadHeap tls_heap;

} // namespace

void* frame_allocate(std::size_t size) {
    if (size == 0 || size > MAX_CACHED) {
        return ::operator new(size);
    }
    return tls_heap.get().allocate(class_of(size));
}

void frame_deallocate(void* p, std::size_t size) noexcept {
    if (size == 0 || size > MAX_CACHED) {
        ::operator delete(p);
        return;
    }
    Heap* owner = chunk_of(p)->owner;
    if (owner == tls_heap.peek()) {
        owner->take_back(p, class_of(size));
    } else {
        owner->give_back(p, class_of(size)); // retour au propriétaire
    }
}

std::size_t frame_allocator_chunks() noexcept {
    return chunks_cut.load(std::memory_order_relaxed);
}

#endif

} // namespace rt::detail
