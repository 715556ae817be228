// Le planificateur current_thread : une boucle, une file locale, deux files distantes, un
// pilote.

#include "rt/detail/current_thread.hpp"

#include <optional>
#include <utility>

#include "rt/detail/context.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/trace.hpp"

namespace rt::detail {

CurrentThreadScheduler::CurrentThreadScheduler(ReactorKind kind, const BlockingConfig& blocking)
    : driver_(kind), blocking_(Ref<BlockingPool>::adopt(new BlockingPool(*this, blocking))) {}

CurrentThreadScheduler::~CurrentThreadScheduler() {
    shutdown();
}

namespace {

/// Le planificateur current_thread que ce thread exécute (dans son block_on ou son arrêt).
/// Pas le contexte du thread (`current_scheduler()`) : les threads du pool bloquant ont le
/// contexte du runtime (pour `Handle::current()`), mais ne doivent pas toucher à la file locale.
thread_local const CurrentThreadScheduler* tls_driving = nullptr;

/// Installe `tls_driving` pour une portée.
class DrivingGuard {
public:
    explicit DrivingGuard(const CurrentThreadScheduler* s) noexcept
        : previous_(std::exchange(tls_driving, s)) {}
    ~DrivingGuard() { tls_driving = previous_; }
    DrivingGuard(const DrivingGuard&) = delete;
    DrivingGuard& operator=(const DrivingGuard&) = delete;

private:
    const CurrentThreadScheduler* previous_;
};

} // namespace

bool CurrentThreadScheduler::on_runtime_thread() const noexcept {
    return tls_driving == this;
}

void CurrentThreadScheduler::adopt(TaskHeader* task) noexcept {
    owned_.push(task);
    if (task->counted) {
        metrics_.task_spawned();
    }
}

void CurrentThreadScheduler::disown(TaskHeader* task) noexcept {
    owned_.remove(task);
    if (task->counted) {
        metrics_.task_finished();
    }
}

// --- Lancer et réveiller -------------------------------------------------------------------

void CurrentThreadScheduler::spawn(TaskHeader* task) {
    if (is_closed()) {
        task->shutdown(); // runtime arrêté : annulée aussitôt, comme le fait tokio
        return;
    }
    if (on_runtime_thread()) {
        adopt(task);
        local_.push(task);
    } else if (!push_remote(remote_spawned_, task)) {
        // Arrêté entre-temps : annulée ici, hors du verrou (ses destructeurs peuvent
        // rappeler le runtime). Elle n'a jamais été adoptée : personne d'autre ne la voit.
        task->shutdown();
    }
}

void CurrentThreadScheduler::schedule(TaskHeader* task) noexcept {
    if (on_runtime_thread()) {
        batch_.incr_local_schedule_count();
        local_.push(task);
    } else {
        // Refusé si le runtime est arrêté : la tâche est vivante, donc dans la liste des
        // tâches que shutdown() annule ; ce réveil n'a plus d'objet.
        push_remote(remote_woken_, task);
    }
}

bool CurrentThreadScheduler::push_remote(TaskQueue& queue, TaskHeader* task) noexcept {
    bool wake_driver = false;
    {
        std::lock_guard lock(remote_mutex_);
        if (closed_.load(std::memory_order_relaxed)) { // relaxed : écrit sous ce verrou
            return false;
        }
        queue.push(task);
        // release : le thread du runtime qui lit ce drapeau (acquire) prend ensuite le verrou,
        // qui ordonne de toute façon ; le drapeau n'évite que de le prendre pour rien.
        remote_pending_.store(true, std::memory_order_release);
        wake_driver = std::exchange(sleeping_, false); // un seul réveil suffit
    }
    metrics_.remote_schedule();
    if (wake_driver) {
        driver_.unpark();
    }
    return true;
}

void CurrentThreadScheduler::drain_remote() {
    if (!remote_pending_.load(std::memory_order_acquire)) { // voir push_remote
        return;
    }
    TaskQueue spawned;
    TaskQueue woken;
    {
        std::lock_guard lock(remote_mutex_);
        spawned.append(remote_spawned_);
        woken.append(remote_woken_);
        remote_pending_.store(false, std::memory_order_relaxed); // relaxed : sous le verrou
    }
    while (TaskHeader* task = spawned.pop()) {
        adopt(task);
        local_.push(task);
    }
    local_.append(woken);
}

void CurrentThreadScheduler::park() {
    {
        std::lock_guard lock(remote_mutex_);
        if (!remote_spawned_.empty() || !remote_woken_.empty()) {
            return; // quelque chose est arrivé : pas question de dormir
        }
        sleeping_ = true;
    }
    batch_.incr_park_count();
    {
        trace::ParkScope parked; // la frise des traces ; rien si éteintes
        driver_.park(/*may_block=*/true);
    }
    std::lock_guard lock(remote_mutex_);
    sleeping_ = false;
}

void CurrentThreadScheduler::on_complete(TaskHeader* task) noexcept {
    if (task->owned) {
        disown(task);
    }
    task->release(); // la référence du planificateur
}

// --- La boucle -------------------------------------------------------------------------------

void CurrentThreadScheduler::block_on(TaskHeader* main) {
    std::optional<ContextGuard> context;
    enter_block_on(context, this, main);
    DrivingGuard driving(this);
    spawn(main); // le contexte est installé : elle va directement dans la file locale
    drain_remote();
    while (!main->is_complete()) {
        // 1. Un lot de passages de tâches prêtes.
        for (int n = EVENT_INTERVAL; n > 0 && !main->is_complete(); --n) {
            TaskHeader* task = local_.pop();
            if (!task) {
                break;
            }
            batch_.incr_poll_count();
            coop::BudgetGuard coop_budget; // 128 opérations prêtes, puis elle cède la main
            task->run();
        }
        if (main->is_complete()) {
            break;
        }
        // 2. Ce qui vient des autres threads, puis le pilote (en dormant si rien à faire).
        drain_remote();
        batch_.submit(metrics_, local_.size());
        if (local_.empty()) {
            park();
            drain_remote();
        } else {
            driver_.park(/*may_block=*/false);
        }
    }
    batch_.submit(metrics_, local_.size());
}

// --- L'arrêt ---------------------------------------------------------------------------------

void CurrentThreadScheduler::shutdown() noexcept {
    {
        std::lock_guard lock(remote_mutex_);
        if (closed_.exchange(true)) { // sous le verrou : push_remote voit l'arrêt ou a fini
            return;
        }
    }
    // Le contexte du runtime reste en place pendant la destruction des tâches : leurs
    // destructeurs peuvent appeler spawn (annulé aussitôt), abort, désinscrire des minuteries...
    ContextGuard context(this, /*allow_nested=*/true);
    DrivingGuard driving(this);
    TaskQueue spawned;
    {
        std::lock_guard lock(remote_mutex_);
        spawned.append(remote_spawned_);
        remote_woken_.clear(); // des tâches vivantes : la liste ci-dessous les a toutes
    }
    while (TaskHeader* task = spawned.pop()) {
        adopt(task);
    }
    // Les files ne possèdent pas de référence : les oublier suffit. Chaque tâche vivante est
    // ensuite détruite à son point de suspension ; son annulation la retire de la liste
    // (on_complete). Une tâche en cours d'exécution (arrêt demandé depuis l'une d'elles)
    // s'annulera elle-même à la fin de son passage : on la retire seulement de la liste.
    local_.clear();
    while (TaskHeader* task = owned_.pop()) {
        if (task->counted) {
            metrics_.task_finished();
        }
        task->shutdown(); // sans effet si elle tourne : elle s'annulera en fin de passage
    }
    local_.clear();
    batch_.submit(metrics_, 0);
    blocking_->shutdown(); // fonctions pas démarrées annulées, celles qui tournent attendues
}

RuntimeMetrics CurrentThreadScheduler::metrics() const {
    RuntimeMetrics m;
    m.num_workers = 1;
    WorkerMetrics& worker = m.workers.emplace_back();
    metrics_.read_into(m, worker);
    {
        std::lock_guard lock(remote_mutex_);
        m.global_queue_depth = remote_spawned_.size() + remote_woken_.size();
    }
    m.num_timers = driver_.timer_count();
    m.num_blocking_threads = blocking_->num_threads();
    m.blocking_queue_depth = blocking_->queue_depth();
    m.unhandled_panic_count += blocking_->unhandled_panics();
    if (on_runtime_thread()) {
        // Sur le thread du runtime, les valeurs exactes (pas seulement le dernier lot publié).
        batch_.add_unsubmitted(worker);
        worker.local_queue_depth = local_.size();
    }
    return m;
}

} // namespace rt::detail
