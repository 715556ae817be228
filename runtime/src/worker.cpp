// La boucle d'un worker multi_thread : prendre une tâche, sinon en voler, sinon se garer.

#include "rt/detail/worker.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include "rt/detail/context.hpp"
#include "rt/detail/coop.hpp"
#include "rt/detail/multi_thread.hpp"
#include "rt/detail/trace.hpp"

namespace rt::detail {

namespace {
thread_local Worker* tls_worker = nullptr;
} // namespace

Worker* current_worker() noexcept {
    return tls_worker;
}

Worker::Worker(MultiThreadScheduler& scheduler, std::size_t index, Driver& driver,
               std::mutex& driver_owner) noexcept
    : scheduler(scheduler), index(index), parker(driver, driver_owner),
      rand_state_(0x9E3779B97F4A7C15ull * (index + 1)) {}

void Worker::start() {
    // Le thread tient une référence : le planificateur vit au moins jusqu'à sa fin, même si
    // le runtime est détruit depuis une de ses propres tâches (thread détaché, voir shutdown).
    thread = std::thread([this, keep = Ref<MultiThreadScheduler>(&scheduler)] { run(); });
}

// --- La boucle -------------------------------------------------------------------------------

void Worker::run() noexcept {
    tls_worker = this;
    trace::name_thread(scheduler.trace_runtime, trace::Role::Worker, index); // sa ligne de frise
    ContextGuard context(&scheduler, /*allow_nested=*/true); // rt::spawn, Handle::current
    while (!scheduler.is_closed()) {
        ++tick_;
        if (tick_ % MultiThreadScheduler::GLOBAL_QUEUE_INTERVAL == 0) {
            maintenance();
        }
        if (TaskHeader* task = next_task()) {
            run_task(task);
        } else if (TaskHeader* stolen = steal_work()) {
            run_task(stolen);
        } else if (!spin_for_work()) {
            park();
        }
    }
    tls_worker = nullptr;
}

TaskHeader* Worker::next_local_task() noexcept {
    if (TaskHeader* task = std::exchange(lifo_slot_, nullptr)) {
        return task;
    }
    return run_queue.pop();
}

TaskHeader* Worker::next_task() noexcept {
    InjectQueue& inject = scheduler.inject_;
    if (tick_ % MultiThreadScheduler::GLOBAL_QUEUE_INTERVAL == 0) {
        // De temps en temps, la file globale d'abord : sinon, un worker toujours occupé par
        // ses propres tâches n'y regarderait jamais, et ce qui vient d'ailleurs attendrait.
        if (TaskHeader* task = inject.pop()) {
            return task;
        }
        return next_local_task();
    }
    if (TaskHeader* task = next_local_task()) {
        return task;
    }
    if (inject.is_empty()) {
        return nullptr;
    }
    // Notre file est vide : on prend un lot de la file globale (notre part, au plus une
    // demi-file), pour ne pas revenir au verrou à chaque tâche.
    const std::size_t share = inject.len() / scheduler.workers_.size() + 1;
    const std::size_t room =
        std::min<std::size_t>(run_queue.remaining_slots(), LocalQueue::CAPACITY / 2);
    TaskQueue batch;
    inject.pop_n(std::min(share, room), batch);
    TaskHeader* first = batch.pop();
    while (TaskHeader* task = batch.pop()) {
        run_queue.push_back(task);
    }
    return first;
}

TaskHeader* Worker::steal_work() noexcept {
    if (!transition_to_searching()) {
        return nullptr; // assez de workers cherchent déjà
    }
    const auto& workers = scheduler.workers_;
    const auto n = static_cast<std::uint32_t>(workers.size());
    // Une victime de départ au hasard : si tous partaient du worker 0, ils s'y disputeraient.
    const std::uint32_t start = random_below(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        Worker& victim = *workers[(start + i) % n];
        if (&victim == this) {
            continue;
        }
        std::uint32_t stolen = 0;
        if (TaskHeader* task = victim.run_queue.steal_into(run_queue, stolen)) {
            WorkerStats::bump(stats.steal_count, stolen);
            WorkerStats::bump(stats.steal_operations);
            trace::stolen(victim.index, stolen);
            return task;
        }
    }
    return scheduler.inject_.pop(); // personne à voler : la file globale
}

void Worker::run_task(TaskHeader* task) noexcept {
    // Un chercheur qui a trouvé du travail n'est plus chercheur ; s'il était le dernier, il
    // en réveille un autre pour qu'il cherche à son tour (il y a peut-être d'autres tâches).
    transition_from_searching();
    coop::BudgetGuard budget; // partagé par la tâche et celles qu'elle passe par le LIFO
    in_run_task_ = true;
    WorkerStats::bump(stats.poll_count);
    task->run();
    // La tâche a peut-être réveillé une autre tâche (un message envoyé) : elle est dans
    // l'emplacement LIFO et passe tout de suite, pendant que ses données sont chaudes dans
    // le cache. Au plus MAX_LIFO_POLLS_PER_TICK fois d'affilée, et dans le même budget.
    int lifo_polls = 0;
    for (;;) {
        TaskHeader* next = std::exchange(lifo_slot_, nullptr);
        if (next == nullptr) {
            lifo_enabled_ = true;
            break;
        }
        if (!coop::has_budget_remaining()) {
            push_to_queue(next); // plus de budget : elle passera à son tour
            break;
        }
        if (++lifo_polls >= MultiThreadScheduler::MAX_LIFO_POLLS_PER_TICK) {
            lifo_enabled_ = false; // la suivante ira en fin de file
        }
        WorkerStats::bump(stats.poll_count);
        next->run();
    }
    // Les tâches qui ont cédé la main pendant ces passages passent après tout le reste.
    in_run_task_ = false;
    bool deferred = false;
    while (TaskHeader* yielded = deferred_.pop()) {
        push_to_queue(yielded);
        deferred = true;
    }
    if (deferred && should_notify_others()) {
        scheduler.notify_parked();
    }
}

void Worker::schedule_local(TaskHeader* task, bool is_yield) noexcept {
    WorkerStats::bump(stats.local_schedule_count);
    if (is_yield && in_run_task_) {
        // Elle a cédé la main (yield_now, budget épuisé) pendant un passage : elle repartira
        // en file quand ce passage et ceux de l'emplacement LIFO seront finis, derrière les
        // tâches qu'ils auront réveillées (comme le « defer » de tokio).
        deferred_.push(task);
        return;
    }
    if (is_yield || !lifo_enabled_) {
        push_to_queue(task);
    } else if (TaskHeader* previous = std::exchange(lifo_slot_, task)) {
        push_to_queue(previous); // l'ancienne occupante rejoint la file (volable)
    }
    // Réveiller un autre worker seulement s'il y a plus d'une tâche en attente ici : une
    // seule passera juste après la tâche courante (comme tokio pour l'emplacement LIFO), et
    // le réveillé, après un appel système et un changement de contexte, ne trouverait rien.
    // Depuis park() (le pilote réveille des tâches), on notifie une seule fois à la fin.
    if (!is_parking_ && should_notify_others()) {
        scheduler.notify_parked();
    }
}

void Worker::push_to_queue(TaskHeader* task) noexcept {
    if (run_queue.push_back_or_overflow(task, scheduler.inject_)) {
        WorkerStats::bump(stats.overflow_count);
    }
}

void Worker::maintenance() noexcept {
    // Un worker toujours occupé doit quand même faire avancer les minuteries et les sockets
    // si personne ne dort dans le pilote : un tour sans attendre.
    try {
        parker.poll_driver();
    } catch (...) {
        report_unhandled("le pilote a échoué", std::current_exception(), &scheduler);
    }
    if (should_notify_others()) {
        scheduler.notify_parked();
    }
}

// --- Chercher, se garer --------------------------------------------------------------------------

bool Worker::transition_to_searching() noexcept {
    if (!is_searching_) {
        is_searching_ = scheduler.idle_.transition_worker_to_searching();
    }
    return is_searching_;
}

void Worker::transition_from_searching() noexcept {
    if (!is_searching_) {
        return;
    }
    is_searching_ = false;
    // Le dernier chercheur s'arrête : ceux qui ont publié du travail pendant sa recherche
    // n'ont réveillé personne (il allait le trouver). S'il en reste, un autre doit le prendre.
    // S'il n'en reste pas, réveiller quelqu'un pour rien (tokio le fait) coûterait un appel
    // système ici et un thread de plus à faire tourner là-bas.
    if (scheduler.idle_.transition_worker_from_searching()) {
        scheduler.notify_if_work_pending();
    }
}

bool Worker::should_notify_others() const noexcept {
    // Plus d'une tâche en attente chez nous, et personne ne cherche de notre côté : un autre
    // worker pourrait en prendre.
    return !is_searching_ && (lifo_slot_ ? 1u : 0u) + run_queue.len() > 1;
}

bool Worker::spin_for_work() noexcept {
    // Seul un chercheur guette (au plus la moitié des workers, voir Idle), et seulement tant
    // qu'un autre worker dort (un cœur semble libre) : tant qu'il cherche, ceux qui publient du
    // travail ne réveillent personne, et il le prend sans qu'aucun thread ne dorme ni ne se
    // réveille (voir spin.hpp). Sinon il se gare tout de suite, pour ne pas prendre aux
    // threads occupés les cœurs qu'il leur faut.
    if (!is_searching_) {
        return false;
    }
    return spin_.spin([this] { return scheduler.is_closed() || scheduler.has_pending_work(); },
                      [this] { return scheduler.has_parked_worker(); });
}

bool Worker::transition_to_parked() noexcept {
    if (lifo_slot_ != nullptr || run_queue.has_tasks()) {
        return false; // du travail : pas question de dormir
    }
    const bool last_searcher = scheduler.idle_.transition_worker_to_parked(index, is_searching_);
    is_searching_ = false;
    if (last_searcher) {
        // Du travail a pu arriver pendant notre recherche, quand ceux qui le publiaient nous
        // comptaient encore comme chercheur (et n'ont réveillé personne) : on revérifie.
        scheduler.notify_if_work_pending();
    }
    return true;
}

bool Worker::transition_from_parked() noexcept {
    if (lifo_slot_ != nullptr || run_queue.has_tasks()) {
        // Le pilote nous a donné des tâches. Encore dans la liste des garés : on s'en retire,
        // sans devenir chercheur. Déjà retiré (quelqu'un nous a réveillé) : on est compté
        // chercheur, on le reste jusqu'à la première tâche.
        is_searching_ = !scheduler.idle_.unpark_worker_by_id(index);
        return true;
    }
    if (scheduler.idle_.is_parked(index)) {
        return false; // réveil sans rien pour nous : on se rendort
    }
    is_searching_ = true; // réveillé par notify_parked : chercher
    return true;
}

void Worker::park() noexcept {
    if (!transition_to_parked()) {
        return;
    }
    is_parking_ = true;
    while (!scheduler.is_closed()) {
        WorkerStats::bump(stats.park_count);
        try {
            trace::ParkScope parked; // la frise des traces ; rien si éteintes
            parker.park();
        } catch (...) {
            // poll(2) ou epoll_wait en échec (manque de mémoire...) : signalé, puis on
            // réessaie un peu plus tard plutôt que de tourner à vide.
            report_unhandled("le pilote a échoué", std::current_exception(), &scheduler);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (should_notify_others()) {
            scheduler.notify_parked(); // le pilote nous a donné plusieurs tâches : partager
        }
        if (transition_from_parked()) {
            break;
        }
    }
    is_parking_ = false;
}

std::uint32_t Worker::random_below(std::uint32_t n) noexcept {
    // xorshift64* : assez bon pour choisir une victime, et sans état partagé.
    rand_state_ ^= rand_state_ >> 12;
    rand_state_ ^= rand_state_ << 25;
    rand_state_ ^= rand_state_ >> 27;
    const std::uint64_t r = rand_state_ * 0x2545F4914F6CDD1Dull;
    return static_cast<std::uint32_t>((r >> 32) % n);
}

} // namespace rt::detail
