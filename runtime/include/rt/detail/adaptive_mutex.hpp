#pragma once
/// \file
/// \brief `AdaptiveMutex` : un verrou qui tourne un peu avant de dormir (chapitre 11).

#include <pthread.h>

namespace rt::detail {

/// \brief Un `pthread_mutex_t` « adaptatif » de la glibc (`PTHREAD_MUTEX_ADAPTIVE_NP`).
///
/// `std::mutex` endort le thread dès que le verrou est pris : un appel système `futex`, et un
/// changement de contexte, même si le détenteur allait le rendre cent nanosecondes plus tard.
/// Les verrous des files d'un runtime `multi_thread` sont tenus quelques dizaines de
/// nanosecondes : mieux vaut essayer encore un moment (la glibc borne l'attente active et
/// l'ajuste à ce qu'elle a observé) avant de dormir. C'est aussi ce que font le `Mutex` de la
/// bibliothèque standard de Rust et `parking_lot`, sur lesquels tokio s'appuie. Même interface
/// que `std::mutex` (`std::lock_guard` s'en sert) ; TSan le connaît comme tout verrou pthread.
class AdaptiveMutex {
public:
    AdaptiveMutex() noexcept {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
        pthread_mutex_init(&mutex_, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
    AdaptiveMutex(const AdaptiveMutex&) = delete;
    AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

    /// \brief Prend le verrou (en tournant un peu, puis en dormant).
    void lock() noexcept { pthread_mutex_lock(&mutex_); }
    /// \brief Prend le verrou s'il est libre ; faux sinon.
    bool try_lock() noexcept { return pthread_mutex_trylock(&mutex_) == 0; }
    /// \brief Rend le verrou.
    void unlock() noexcept { pthread_mutex_unlock(&mutex_); }

private:
    pthread_mutex_t mutex_;
};

} // namespace rt::detail
