#pragma once
/// \file
/// \brief `seq_cst_fence()` : la barrière des deux côtés d'un « j'écris, puis je lis ce que
/// l'autre a écrit » (planificateur multi_thread, chapitre 11).

#include <atomic>

#if defined(__SANITIZE_THREAD__)
#define RT_DETAIL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_DETAIL_TSAN 1
#endif
#endif

namespace rt::detail {

/// \brief Une barrière `seq_cst` entre une écriture et une lecture d'un autre atomique.
///
/// Deux threads font chacun « écrire X, barrière, lire Y » et « écrire Y, barrière, lire X » :
/// les deux barrières sont dans l'ordre total seq_cst, donc au moins l'un des deux lit
/// l'écriture de l'autre (personne ne s'endort en ratant le travail publié par l'autre).
///
/// ThreadSanitizer ne modélise pas les barrières (g++ le signale par `-Wtsan`) : il ne
/// verrait pas cette garantie. Sous TSan, la barrière devient donc une lecture-modification-
/// écriture seq_cst d'un atomique partagé par tous les appelants, ce qui donne la même
/// garantie d'une façon que TSan suit : la seconde des deux opérations lit la première, et
/// voit tout ce qui la précédait.
inline void seq_cst_fence() noexcept {
#if defined(RT_DETAIL_TSAN)
    static std::atomic<int> meeting_point{0};
    meeting_point.fetch_add(0, std::memory_order_seq_cst);
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

} // namespace rt::detail
