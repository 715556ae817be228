// Builder, Handle, contexte du thread et lancement des tâches.

#include "rt/runtime.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "rt/detail/context.hpp"
#include "rt/detail/current_thread.hpp"

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

} // namespace detail

Handle Handle::current() {
    auto& scheduler = detail::require_current_scheduler("rt::Handle::current");
    return Handle(detail::Ref<detail::Scheduler>(&scheduler));
}

Runtime Builder::build() const {
    ReactorKind kind = ReactorKind::Poll;
    if (reactor_) {
        kind = *reactor_;
    } else if (const char* env = std::getenv("RT_REACTOR");
               env && std::string_view(env) == "epoll") {
        kind = ReactorKind::Epoll;
    }
    return Runtime(detail::Ref<detail::Scheduler>::adopt(new detail::CurrentThreadScheduler(kind)));
}

} // namespace rt
