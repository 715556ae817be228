/// \file
/// \brief Chapitre 08 — un destructeur qui lève pendant l'annulation d'une tâche. La trame
/// est détruite à son point de suspension ; si un destructeur y lève une exception, le
/// runtime la signale (stderr) et la compte, au lieu de terminer le processus. La tâche est
/// quand même annulée, et ses autres destructeurs s'exécutent.
///
/// Usage : `ch08_destructeurs`. Durée : immédiate.
#include <rt/rt.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>

using namespace std::chrono_literals;

namespace {

/// Affiche sa destruction.
class Trace {
public:
    explicit Trace(std::string nom) : nom_(std::move(nom)) {}
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    ~Trace() { std::cout << "   ~Trace(" << nom_ << ")" << std::endl; }

private:
    std::string nom_;
};

// [fermeture]
/// Une connexion dont la fermeture peut échouer... et qui le signale en levant depuis son
/// destructeur. C'est À NE PAS FAIRE : noexcept(false) est obligatoire pour qu'un
/// destructeur puisse lever (ils sont noexcept par défaut), et c'est un signal d'alarme.
class ConnexionMalElevee {
public:
    ConnexionMalElevee() = default;
    ConnexionMalElevee(const ConnexionMalElevee&) = delete;
    ConnexionMalElevee& operator=(const ConnexionMalElevee&) = delete;
    ~ConnexionMalElevee() noexcept(false) {
        std::cout << "   ~ConnexionMalElevee : la fermeture échoue, je lève" << std::endl;
        throw std::runtime_error("fermeture de la connexion impossible");
    }
};
// [fermeture]

rt::Task<void> main_async() {
    auto demarree = rt::sync::oneshot::channel<bool>();
    // [tache]
    auto h = rt::spawn([tx = std::move(demarree.first)]() mutable -> rt::Task<void> {
        Trace avant("déclarée avant");
        ConnexionMalElevee connexion;
        Trace apres("déclarée après");
        (void)tx.send(true);
        co_await rt::time::sleep(1h); // annulée ici
    });
    // [tache]
    (void)co_await demarree.second;
    std::cout << "abort() sur la tâche suspendue" << std::endl;
    h.abort();
    auto r = co_await h;
    std::cout << "co_await handle : is_cancelled = " << r.error().is_cancelled() << std::endl;
    std::cout << "unhandled_panic_count = " << rt::Handle::current().metrics().unhandled_panic_count
              << " (l'exception du destructeur, signalée sur stderr)" << std::endl;
    std::cout << "le processus continue" << std::endl;
}

} // namespace

int main() {
    std::cout << std::boolalpha;
    rt::block_on(main_async());
}
