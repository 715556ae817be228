#pragma once
/// \file
/// \brief `AdaptiveSpin` : avant de s'endormir, regarder un court instant si le travail
/// revient (chapitre 11).

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace rt::detail {

/// \brief Dit au processeur qu'on attend activement (`pause` sur x86) : l'autre hyperthread
/// du cœur en profite, et la sortie de boucle est plus rapide.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// \brief L'attente active d'un thread qui n'a plus rien à faire, dont la durée s'adapte.
///
/// S'endormir (futex, `epoll_wait`) puis être réveillé coûte deux appels système et deux
/// changements de contexte : quelques microsecondes sur une machine nue, plus de dix sur une
/// machine virtuelle dont le cœur s'est mis en veille. Quand le travail revient aussitôt (deux
/// tâches qui se renvoient un message d'un thread à l'autre), le guetter les yeux ouverts
/// coûte bien moins : le réveil n'est plus qu'une écriture en mémoire, vue par l'autre cœur en
/// une centaine de nanosecondes.
///
/// Mais guetter occupe un cœur. Sur une machine chargée, le thread qu'on attend n'a peut-être
/// pas de cœur pour tourner, justement : on guetterait en vain, et l'on retarderait tout le
/// monde. D'où la durée adaptative (comme le verrou adaptatif de glibc ou la JVM) : remise à
/// `MAX` quand le guet a réussi, divisée par deux quand il a échoué, jusqu'à `MIN` ; tombée
/// au minimum, une tentative sur `PROBE_EVERY` reprend la durée entière (la machine a pu se
/// libérer, et l'autre côté ne guette peut-être plus parce que nous ne guettions plus).
class AdaptiveSpin {
public:
    /// \brief La plus longue attente : au-delà, le travail ne revient pas « tout de suite ».
    static constexpr std::chrono::nanoseconds MAX{std::chrono::microseconds(20)};
    /// \brief La plus courte : un coup d'œil, qui ne coûte presque rien s'il échoue.
    static constexpr std::chrono::nanoseconds MIN{std::chrono::microseconds(1)};

    /// \brief Regarde `ready()` pendant la durée courante, tant que `worth()` reste vrai (un
    /// cœur semble libre) ; vrai si `ready()` est devenu vrai (il n'y a plus à dormir), faux
    /// sinon (dormir pour de bon). Un seul thread à la fois.
    template <class Ready, class Worth>
    bool spin(Ready ready, Worth worth) noexcept {
        // Tombé au minimum, on retente quand même la durée entière de temps en temps : la
        // machine a pu se libérer.
        const bool probe = limit_ == MIN && ++probes_ % PROBE_EVERY == 0;
        const auto deadline = std::chrono::steady_clock::now() + (probe ? MAX : limit_);
        for (;;) {
            for (int i = 0; i < 32; ++i) {
                if (ready()) {
                    limit_ = MAX;
                    return true;
                }
                if (!worth()) {
                    return false; // plus de cœur libre : dormir, sans rien en conclure
                }
                cpu_relax();
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                limit_ = std::max(limit_ / 2, MIN);
                return false;
            }
        }
    }

private:
    /// \brief Au minimum, une tentative sur combien reprend la durée entière.
    static constexpr unsigned PROBE_EVERY = 16;
    std::chrono::nanoseconds limit_ = MAX;
    unsigned probes_ = 0;
};

} // namespace rt::detail
