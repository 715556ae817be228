// Builder, Handle, contexte du thread et lancement des tâches.

#include "rt/runtime.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "rt/detail/context.hpp"
#include "rt/detail/current_thread.hpp"
#include "rt/detail/multi_thread.hpp"
#include "rt/detail/task_header.hpp"

namespace rt {

namespace detail {

namespace {
thread_local Scheduler* tls_scheduler = nullptr;
}

Scheduler* current_scheduler() noexcept {
    return tls_scheduler;
}

Scheduler& require_current_scheduler(const char* what) {
    if (tls_scheduler == nullptr) {
        throw std::logic_error(std::string(what) +
                               " : aucun runtime sur ce thread. Appelez-le depuis une tâche "
                               "exécutée par rt::block_on (ou utilisez un rt::Handle)");
    }
    return *tls_scheduler;
}

ContextGuard::ContextGuard(Scheduler* scheduler, bool allow_nested) : previous_(tls_scheduler) {
    if (previous_ != nullptr && !allow_nested) {
        throw std::logic_error("block_on : ce thread exécute déjà un runtime. Bloquer dans une "
                               "tâche empêcherait toutes les autres d'avancer : utilisez "
                               "co_await au lieu de block_on");
    }
    tls_scheduler = scheduler;
}

ContextGuard::~ContextGuard() {
    tls_scheduler = previous_;
}

void enter_block_on(std::optional<ContextGuard>& context, Scheduler* scheduler, TaskHeader* main) {
    try {
        context.emplace(scheduler);
    } catch (...) {
        main->shutdown(); // refusée (block_on imbriqué) : la tâche principale ne doit pas fuir
        throw;
    }
    trace::name_thread(scheduler->trace_runtime, trace::Role::BlockOn, 0); // sa ligne de frise
    trace::spawned(*main, "block_on");
}

} // namespace detail

Handle Handle::current() {
    auto& scheduler = detail::require_current_scheduler("rt::Handle::current");
    return Handle(detail::Ref<detail::Scheduler>(&scheduler));
}

namespace {

/// Un entier positif lu dans la variable d'environnement `name`, s'il y en a un.
std::optional<std::size_t> positive_from_env(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (*end != '\0' || value == 0) {
        throw std::invalid_argument(std::string(name) +
                                    " : un entier positif est attendu (reçu « " + text + " »)");
    }
    return static_cast<std::size_t>(value);
}

} // namespace

Builder Builder::from_env() {
    const char* flavor = std::getenv("RT_FLAVOR");
    if (flavor == nullptr || *flavor == '\0' || std::string_view(flavor) == "current_thread") {
        return current_thread();
    }
    if (std::string_view(flavor) == "multi_thread") {
        return multi_thread();
    }
    throw std::invalid_argument(std::string("RT_FLAVOR : « current_thread » ou « multi_thread » "
                                            "attendu (reçu « ") +
                                flavor + " »)");
}

Builder& Builder::worker_threads(std::size_t n) {
    if (n == 0) {
        throw std::invalid_argument("Builder::worker_threads : il faut au moins un worker");
    }
    workers_ = n;
    return *this;
}

Runtime Builder::build() const {
    if (trace_path_) {
        detail::trace::start(*trace_path_);
    } else {
        detail::trace::start_from_env();
    }
    ReactorKind kind = ReactorKind::Poll;
    if (reactor_) {
        kind = *reactor_;
    } else if (const char* env = std::getenv("RT_REACTOR");
               env && std::string_view(env) == "epoll") {
        kind = ReactorKind::Epoll;
    }
    if (!multi_thread_) {
        auto scheduler = detail::Ref<detail::Scheduler>::adopt(
            new detail::CurrentThreadScheduler(kind, blocking_));
        scheduler->trace_runtime = detail::trace::register_runtime(false, 1);
        return Runtime(std::move(scheduler));
    }
    std::size_t workers = 0;
    if (workers_) {
        workers = *workers_;
    } else if (auto from_env = positive_from_env("RT_WORKER_THREADS")) {
        workers = *from_env;
    } else {
        workers = std::max(1u, std::thread::hardware_concurrency());
    }
    auto scheduler = detail::Ref<detail::MultiThreadScheduler>::adopt(
        new detail::MultiThreadScheduler(workers, kind, blocking_));
    scheduler->trace_runtime = detail::trace::register_runtime(true, workers); // avant les workers
    scheduler->start();
    return Runtime(detail::Ref<detail::Scheduler>(scheduler.get()));
}

} // namespace rt
