// Cache d'allocation par thread pour les trames de coroutines et les cellules de tâches.

#include "rt/detail/frame_allocator.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

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
#else

namespace {

constexpr std::size_t GRANULE = 16;      // tailles arrondies à 16 octets (alignement)
constexpr std::size_t MAX_CACHED = 1024; // au-delà : ::operator new directement
constexpr std::size_t CLASSES = MAX_CACHED / GRANULE;
constexpr std::size_t CHUNK_SIZE = 256 * 1024; // les petits blocs sont découpés là-dedans

struct FreeBlock {
    FreeBlock* next;
};

constexpr std::size_t class_of(std::size_t size) noexcept {
    return (size - 1) / GRANULE;
}
constexpr std::size_t size_of(std::size_t klass) noexcept {
    return (klass + 1) * GRANULE;
}

/// La réserve commune à tous les threads : les gros morceaux de mémoire, et les blocs libres
/// laissés par les threads qui se sont terminés. Protégée par un mutex, mais on n'y passe
/// qu'une fois par morceau de 256 Kio, pas une fois par tâche.
///
/// Cette mémoire n'est rendue au système qu'à la fin du processus : un runtime réutilise
/// sans cesse les mêmes tailles de blocs (cellules et trames), la garder est le but.
class Arena {
public:
    ~Arena() {
        for (void* chunk : chunks_) {
            ::operator delete(chunk);
        }
    }
    /// Un morceau neuf, ou le reste d'un morceau laissé par un thread terminé.
    std::pair<char*, std::size_t> take_chunk() {
        std::lock_guard lock(mutex_);
        if (!partial_.empty()) {
            auto last = partial_.back();
            partial_.pop_back();
            return last;
        }
        char* chunk = static_cast<char*>(::operator new(CHUNK_SIZE));
        chunks_.push_back(chunk);
        return {chunk, CHUNK_SIZE};
    }
    /// Les blocs libres d'une classe laissés par des threads terminés (tous d'un coup).
    FreeBlock* take_orphans(std::size_t klass) {
        if (!has_orphans_.load(std::memory_order_relaxed)) {
            return nullptr; // le cas courant : ne pas prendre le verrou pour rien
        }
        std::lock_guard lock(mutex_);
        return std::exchange(orphans_[klass], nullptr);
    }
    /// Un thread se termine : ses blocs libres et son morceau entamé servent aux autres.
    void adopt(std::array<FreeBlock*, CLASSES>& lists, char* bump, std::size_t left) {
        std::lock_guard lock(mutex_);
        for (std::size_t k = 0; k < CLASSES; ++k) {
            while (FreeBlock* block = lists[k]) {
                lists[k] = block->next;
                block->next = orphans_[k];
                orphans_[k] = block;
            }
        }
        if (left >= GRANULE) {
            partial_.emplace_back(bump, left);
        }
        has_orphans_.store(true, std::memory_order_relaxed);
    }

private:
    std::mutex mutex_;
    std::vector<void*> chunks_;
    std::vector<std::pair<char*, std::size_t>> partial_;
    std::array<FreeBlock*, CLASSES> orphans_{};
    std::atomic<bool> has_orphans_{false};
};

Arena& arena() {
    static Arena instance; // détruite après les caches des threads (fin du processus)
    return instance;
}

/// Une liste de blocs libres par classe de taille, propre à chaque thread : aucun verrou.
/// Un bloc libéré sur un autre thread que celui qui l'a alloué rejoint le cache de ce thread.
/// Les blocs neufs sont découpés dans un morceau : pas d'en-tête malloc de 16 octets par bloc.
class FrameCache {
public:
    FrameCache() { arena(); } // construit la réserve avant nous : elle nous survivra
    ~FrameCache() { arena().adopt(free_, bump_, left_); }

    void* allocate(std::size_t klass) {
        if (FreeBlock* block = free_[klass]) {
            free_[klass] = block->next;
            return block;
        }
        if ((free_[klass] = arena().take_orphans(klass))) {
            return allocate(klass);
        }
        const std::size_t size = size_of(klass);
        if (left_ < size) {
            std::tie(bump_, left_) = arena().take_chunk(); // le reste de l'ancien est perdu
        }
        void* p = bump_;
        bump_ += size;
        left_ -= size;
        return p;
    }
    void deallocate(void* p, std::size_t klass) noexcept {
        free_[klass] = new (p) FreeBlock{free_[klass]};
    }

private:
    std::array<FreeBlock*, CLASSES> free_{};
    char* bump_ = nullptr;
    std::size_t left_ = 0;
};

thread_local FrameCache cache;

} // namespace

void* frame_allocate(std::size_t size) {
    if (size == 0 || size > MAX_CACHED) {
        return ::operator new(size);
    }
    return cache.allocate(class_of(size));
}

void frame_deallocate(void* p, std::size_t size) noexcept {
    if (size == 0 || size > MAX_CACHED) {
        ::operator delete(p);
        return;
    }
    cache.deallocate(p, class_of(size));
}

#endif

} // namespace rt::detail
