#pragma once
/// \file
/// \brief `support::RuntimeSurUnThread` : un runtime qui tourne sur son propre thread OS,
/// pour que les tests le pilotent (spawn, abort, réveils) depuis d'autres threads.

#include <rt/rt.hpp>

#include <future>
#include <optional>
#include <thread>
#include <utility>

namespace support {

/// \brief Un runtime `current_thread` qui exécute `block_on` sur un thread à lui jusqu'à
/// `arreter()` (ou la destruction). L'attente de l'arrêt est un `recv` sur un canal : pas
/// d'attente active, le runtime dort dans son pilote quand il n'a rien à faire.
class RuntimeSurUnThread {
public:
    RuntimeSurUnThread() {
        std::promise<rt::Handle> handle;
        auto futur = handle.get_future();
        auto [tx, rx] = rt::sync::broadcast::channel<int>(1);
        arret_.emplace(std::move(tx));
        thread_ = std::thread([h = std::move(handle), rx = std::move(rx)]() mutable {
            rt::block_on([](std::promise<rt::Handle>& h,
                            rt::sync::broadcast::Receiver<int> rx) -> rt::Task<void> {
                h.set_value(rt::Handle::current());
                (void)co_await rx.recv();
            }(h, std::move(rx)));
        });
        handle_.emplace(futur.get());
    }
    RuntimeSurUnThread(const RuntimeSurUnThread&) = delete;
    RuntimeSurUnThread& operator=(const RuntimeSurUnThread&) = delete;
    ~RuntimeSurUnThread() { arreter(); }

    /// \brief Une poignée sur le runtime (copiable, utilisable depuis tout thread).
    rt::Handle& handle() { return *handle_; }

    /// \brief Fait sortir `block_on` (les tâches encore vivantes sont détruites) et attend le
    /// thread.
    void arreter() {
        if (arret_) {
            (void)arret_->send(1); // légal depuis n'importe quel thread
            arret_.reset();
            thread_.join();
        }
    }

private:
    std::optional<rt::sync::broadcast::Sender<int>> arret_;
    std::optional<rt::Handle> handle_;
    std::thread thread_;
};

} // namespace support
