// Ctrl-C dans une tâche : un gestionnaire de signal qui ne fait presque rien, et un thread
// qui réveille les tâches.
//
// Un gestionnaire de signal interrompt un thread n'importe où, peut-être au milieu d'un
// malloc ou en tenant le verrou d'une liste d'attente : il ne peut appeler que des fonctions
// « async-signal-safe » (POSIX, signal-safety(7)), ni verrou, ni allocation, ni réveil de
// tâche. Le nôtre fait deux choses permises : compter le signal dans un atomique sans verrou,
// et écrire 8 octets dans un eventfd. Un thread du runtime, bloqué sur la lecture de cet
// eventfd, se réveille alors hors de tout contexte de signal et réveille les tâches
// normalement (verrou, Waker). C'est le « self-pipe trick » ; tokio fait la même chose
// (un gestionnaire qui écrit dans un tube, lu par son pilote d'E/S).
//
// Pourquoi pas signalfd(2) ? Il ne reçoit un signal que si *tous* les threads du processus
// le bloquent ; sinon le noyau le livre à un thread qui ne le bloque pas, et l'action par
// défaut de SIGINT tue le processus. Une bibliothèque ne peut pas bloquer SIGINT dans les
// threads qu'elle n'a pas créés (le thread principal, ceux de l'application, ceux créés
// avant le premier appel). Le gestionnaire, lui, vaut pour tout le processus d'un coup.

#include "rt/signal.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "rt/detail/task_header.hpp"
#include "rt/detail/wake_list.hpp"

namespace rt::signal {

namespace {

// Un atomique ne peut servir dans un gestionnaire de signal que s'il est sans verrou.
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "le compteur de SIGINT doit être sans verrou (async-signal-safe)");

/// Nombre de SIGINT reçus par le processus depuis l'installation. seq_cst partout : le
/// gestionnaire l'incrémente puis écrit l'eventfd ; le thread qui lit l'eventfd, puis ce
/// compteur, doit voir l'incrément (l'ordre total seq_cst, plus l'appel système entre les
/// deux, le garantit ; ce n'est lu qu'une fois par signal ou par attente, le coût est nul).
std::atomic<std::uint64_t> g_received{0};

/// L'eventfd que le gestionnaire écrit ; fixé avant l'installation du gestionnaire.
int g_eventfd = -1;

void on_sigint(int) {
    const int saved = errno; // write peut changer errno : le thread interrompu ne doit rien voir
    g_received.fetch_add(1, std::memory_order_seq_cst);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_eventfd, &one, sizeof one);
    errno = saved;
}

/// Les écouteurs en attente, et le thread qui les réveille. Créé au premier `ctrl_c()`,
/// jamais détruit : le gestionnaire et le thread vivent jusqu'à la fin du processus, et ni
/// l'un ni l'autre ne doit trouver un objet déjà détruit pendant la sortie.
class Registry {
public:
    static Registry& instance() {
        // Initialisation d'une variable statique locale : sûre entre threads (C++11), et
        // retentée à l'appel suivant si le constructeur lève.
        static Registry* const registry = new Registry();
        return *registry;
    }

    /// Inscrit `node` s'il n'a pas encore de signal à voir (vrai : inscrit, il attend).
    bool wait(detail::SignalWaitNode& node, std::coroutine_handle<> caller) {
        std::lock_guard lock(lock_);
        // Relu sous le verrou : le thread de réveil lit le compteur sous ce même verrou, donc
        // un signal compté avant notre lecture est vu ici, et un signal compté après réveillera
        // notre maillon (il est dans la liste avant que le thread ne la parcoure).
        if (g_received.load(std::memory_order_seq_cst) != node.seen) {
            return false;
        }
        node.waker = detail::require_current_task("rt::signal::ctrl_c").suspend_at(caller);
        waiters_.push_back(node);
        return true;
    }

    /// Retire `node` s'il attend encore (attente abandonnée).
    void cancel(detail::SignalWaitNode& node) noexcept {
        std::lock_guard lock(lock_);
        if (node.linked) {
            waiters_.remove(node);
        }
    }

private:
    Registry() {
        g_eventfd = ::eventfd(0, EFD_CLOEXEC);
        if (g_eventfd < 0) {
            throw std::system_error(errno, std::generic_category(),
                                    "rt::signal::ctrl_c : eventfd impossible");
        }
        // Le gestionnaire d'abord (il n'utilise que g_eventfd), le thread ensuite : si l'un
        // échoue, rien ne reste derrière (ni gestionnaire, ni thread pointant vers un registre
        // qui n'a jamais fini de naître ; l'appel suivant recommencera proprement).
        struct sigaction action {};
        struct sigaction previous_action {};
        action.sa_handler = on_sigint;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART; // les appels système bloqués ailleurs reprennent seuls
        if (::sigaction(SIGINT, &action, &previous_action) != 0) {
            const int error = errno;
            ::close(std::exchange(g_eventfd, -1));
            throw std::system_error(error, std::generic_category(),
                                    "rt::signal::ctrl_c : sigaction(SIGINT) impossible");
        }
        // Le thread de réveil naît avec tous les signaux bloqués (il hérite du masque de son
        // créateur, qu'on bloque le temps de le créer) : il ne vole à l'application aucun
        // signal qu'elle attend ailleurs.
        sigset_t all;
        sigset_t previous_mask;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &previous_mask);
        try {
            std::thread([this] { run(); }).detach();
        } catch (...) {
            pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
            ::sigaction(SIGINT, &previous_action, nullptr);
            ::close(std::exchange(g_eventfd, -1));
            throw;
        }
        pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    }

    /// Le thread de réveil : attend l'eventfd, puis réveille chaque écouteur qui n'a pas vu
    /// le dernier signal. Jamais arrêté (voir `instance`).
    [[noreturn]] void run() noexcept {
        for (;;) {
            std::uint64_t count = 0;
            if (::read(g_eventfd, &count, sizeof count) != sizeof count) {
                continue; // EINTR : on relit
            }
            detail::WakeList wakes; // déclarée avant le verrou : réveils verrou relâché
            std::lock_guard lock(lock_);
            const std::uint64_t received = g_received.load(std::memory_order_seq_cst);
            detail::WaitNode* node = waiters_.front();
            while (node != nullptr) {
                detail::WaitNode* next = node->next;
                if (static_cast<detail::SignalWaitNode*>(node)->seen != received) {
                    waiters_.remove(*node);
                    node->notified = true;
                    wakes.push(std::move(node->waker));
                }
                node = next;
            }
        }
    }

    std::mutex lock_;          ///< protège waiters_
    detail::WaitList waiters_; ///< les écouteurs suspendus (des SignalWaitNode)
};

} // namespace

CtrlC ctrl_c() {
    (void)Registry::instance(); // installe le gestionnaire au premier appel
    return CtrlC(g_received.load(std::memory_order_seq_cst));
}

CtrlC::Awaiter::~Awaiter() {
    if (waiting_) {
        Registry::instance().cancel(node_);
    }
}

bool CtrlC::Awaiter::await_ready() const noexcept {
    return g_received.load(std::memory_order_seq_cst) != owner_.seen_;
}

bool CtrlC::Awaiter::await_suspend(std::coroutine_handle<> caller) {
    node_.seen = owner_.seen_;
    waiting_ = Registry::instance().wait(node_, caller);
    return waiting_;
}

void CtrlC::Awaiter::await_resume() noexcept {
    if (waiting_) {
        Registry::instance().cancel(node_); // déjà retiré par le réveil : ne fait rien
        waiting_ = false;
    }
    owner_.seen_ = g_received.load(std::memory_order_seq_cst);
}

} // namespace rt::signal
