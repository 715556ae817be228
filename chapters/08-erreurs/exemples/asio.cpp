/// \file
/// \brief Chapitre 08 — En production : les exceptions des coroutines Boost.Asio 1.81.
///
/// - `co_spawn(ex, f(), gestionnaire)` : le gestionnaire de fin reçoit un
///   `std::exception_ptr` (nul en cas de succès) puis la valeur ; c'est le `JoinError`
///   d'Asio, sans distinction panique / annulation ;
/// - `co_await co_spawn(ex, f(), use_awaitable)` : l'exception d'origine est relancée chez
///   l'attendeur (notre `resume_panic()`) ;
/// - `co_spawn(ex, f(), detached)` : l'exception est **perdue**, sans un mot (là où rt la
///   signale et la compte) ;
/// - une annulation arrive dans la coroutine sous forme d'exception (`system_error` avec
///   `operation_aborted`) : pour la distinguer d'une vraie panne, il faut regarder le code.
///
/// Usage : `ch08_asio`. Durée : immédiate.
#include <boost/asio.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

asio::awaitable<int> calcul(bool paniquer) {
    asio::steady_timer t(co_await asio::this_coro::executor, 1ms);
    co_await t.async_wait(asio::use_awaitable);
    if (paniquer) {
        throw std::runtime_error("Quelque chose s'est mal passé !");
    }
    co_return 42;
}

asio::awaitable<void> longue(asio::steady_timer& t) {
    t.expires_after(1h);
    co_await t.async_wait(asio::use_awaitable); // annulée : lève system_error
}

/// Le message d'une exception transportée par un exception_ptr.
std::string message_de(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& s) {
        return std::string("system_error : ") + s.code().message() +
               (s.code() == asio::error::operation_aborted ? " (une annulation)" : "");
    } catch (const std::exception& ex) {
        return ex.what();
    }
}

asio::awaitable<void> attendre_et_relancer() {
    auto ex = co_await asio::this_coro::executor;
    try {
        co_await asio::co_spawn(ex, calcul(true), asio::use_awaitable);
    } catch (const std::runtime_error& e) {
        std::cout << "2. use_awaitable : l'attendeur reçoit l'exception d'origine : " << e.what()
                  << std::endl;
    }
}

} // namespace

int main() {
    asio::io_context io;

    // [gestionnaire]
    asio::co_spawn(io, calcul(true), [](std::exception_ptr e, int valeur) {
        if (e) {
            std::cout << "1. gestionnaire de fin : exception_ptr non nul : " << message_de(e)
                      << std::endl;
        } else {
            std::cout << "1. gestionnaire de fin : succès : " << valeur << std::endl;
        }
    });
    // [gestionnaire]
    io.run();
    io.restart();

    asio::co_spawn(io, attendre_et_relancer(), asio::detached);
    io.run();
    io.restart();

    asio::co_spawn(io, calcul(true), asio::detached); // l'exception disparaît ici
    io.run();
    io.restart();
    std::cout << "3. detached : io.run() a rendu la main normalement, l'exception est perdue"
              << std::endl;

    asio::steady_timer minuterie(io);
    asio::co_spawn(io, longue(minuterie), [](std::exception_ptr e) {
        std::cout << "4. annulation : " << (e ? message_de(e) : "succès ?") << std::endl;
    });
    asio::post(io, [&minuterie] { minuterie.cancel(); });
    io.run();
}
