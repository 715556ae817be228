// Cache d'allocation par thread pour les trames de coroutines et les cellules de tâches.

#include "rt/detail/frame_allocator.hpp"

#include <array>
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
#else

namespace {

constexpr std::size_t GRANULE = 16;      // tailles arrondies à 16 octets
constexpr std::size_t MAX_CACHED = 1024; // au-delà : malloc directement
constexpr std::size_t CLASSES = MAX_CACHED / GRANULE;
constexpr std::size_t MAX_BYTES_PER_CLASS = 64u << 20; // borne la mémoire gardée en réserve

struct FreeBlock {
    FreeBlock* next;
};

/// Une liste de blocs libres par classe de taille, propre à chaque thread : aucun verrou.
/// Un bloc libéré sur un autre thread que celui qui l'a alloué rejoint le cache de ce thread.
class FrameCache {
public:
    ~FrameCache() {
        for (auto& list : free_) {
            while (list) {
                ::operator delete(std::exchange(list, list->next));
            }
        }
    }
    void* allocate(std::size_t klass) {
        if (FreeBlock* block = free_[klass]) {
            free_[klass] = block->next;
            bytes_[klass] -= (klass + 1) * GRANULE;
            return block;
        }
        return ::operator new((klass + 1) * GRANULE);
    }
    void deallocate(void* p, std::size_t klass) noexcept {
        std::size_t size = (klass + 1) * GRANULE;
        if (bytes_[klass] + size > MAX_BYTES_PER_CLASS) {
            ::operator delete(p);
            return;
        }
        free_[klass] = new (p) FreeBlock{free_[klass]};
        bytes_[klass] += size;
    }

private:
    std::array<FreeBlock*, CLASSES> free_{};
    std::array<std::size_t, CLASSES> bytes_{};
};

thread_local FrameCache cache;

constexpr std::size_t class_of(std::size_t size) noexcept {
    return (size - 1) / GRANULE;
}

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
