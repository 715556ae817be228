/// \file
/// \brief Chapitre 09 — en production : limiter le nombre de tâches avec Boost.Asio.
///
/// Asio n'a pas de sémaphore asynchrone. L'usage courant est d'en faire un avec un canal
/// (`asio::experimental::channel`) : sa capacité est le nombre d'autorisations, **envoyer**
/// un jeton prend une place (l'envoi attend, sans bloquer le thread, quand le canal est
/// plein), **retirer** un jeton la rend. Les envois en attente sont servis dans l'ordre
/// d'arrivée : c'est un sémaphore équitable à une autorisation par envoi.
///
/// Le programme reprend celui de l'article (100 travaux, 10 à la fois, 100 ms chacun), mais
/// prend la place AVANT de lancer la coroutine (`co_spawn`) : au plus 10 coroutines existent
/// à la fois. La fin s'attend en prenant les 10 places : elles ne se libèrent qu'une fois la
/// dernière coroutine finie.
///
/// Usage : `ch09_asio [--court]` (--court : 10 ms de travail au lieu de 100 ms)
#include <boost/asio.hpp>
#include <boost/asio/experimental/channel.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iostream>
#include <memory>
#include <string_view>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// Un canal de jetons sans valeur : sa capacité est le nombre d'autorisations.
using Jetons = asio::experimental::channel<void(boost::system::error_code)>;

struct Observation {
    std::size_t vivantes = 0; ///< coroutines de travail qui existent
    std::size_t max_vivantes = 0;
    std::size_t au_travail = 0;
    std::size_t max_au_travail = 0;
};

/// Rend la place à la destruction (fin, exception ou annulation) : le permis RAII d'Asio,
/// qu'il faut écrire soi-même.
class Place {
public:
    Place(std::shared_ptr<Jetons> jetons, Observation* vu) : jetons_(std::move(jetons)), vu_(vu) {
        vu_->max_vivantes = std::max(vu_->max_vivantes, ++vu_->vivantes);
    }
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    ~Place() {
        --vu_->vivantes;
        // Retirer un jeton libère une place ; le premier envoi en attente est servi.
        jetons_->try_receive([](boost::system::error_code) {});
    }

private:
    std::shared_ptr<Jetons> jetons_;
    Observation* vu_;
};

asio::awaitable<void> travailler(int i, std::shared_ptr<Jetons> jetons, Observation* vu,
                                 std::chrono::milliseconds duree) {
    Place place(std::move(jetons), vu); // la place prise par le lanceur, rendue en sortant
    vu->max_au_travail = std::max(vu->max_au_travail, ++vu->au_travail);
    asio::steady_timer minuterie(co_await asio::this_coro::executor, duree);
    co_await minuterie.async_wait(asio::use_awaitable);
    --vu->au_travail;
    (void)i;
}

asio::awaitable<void> traitement_avec_limite(Observation* vu, std::chrono::milliseconds duree) {
    auto executeur = co_await asio::this_coro::executor;
    auto jetons = std::make_shared<Jetons>(executeur, 10); // Max 10 tâches concurrentes

    for (int i = 0; i < 100; ++i) {
        // Prendre une place : immédiat tant que le canal n'est pas plein, sinon on attend ici,
        // AVANT de créer la coroutine.
        co_await jetons->async_send(boost::system::error_code{}, asio::use_awaitable);
        asio::co_spawn(executeur, travailler(i, jetons, vu, duree), asio::detached);
    }
    // Attendre la fin de toutes : prendre les 10 places.
    for (int i = 0; i < 10; ++i) {
        co_await jetons->async_send(boost::system::error_code{}, asio::use_awaitable);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::chrono::milliseconds duree = 100ms;
    if (argc > 1 && std::string_view(argv[1]) == "--court") {
        duree = 10ms;
        std::cout << "(version courte : 10 ms de travail au lieu de 100 ms)" << std::endl;
    }
    asio::io_context contexte;
    Observation vu;
    const auto debut = std::chrono::steady_clock::now();
    asio::co_spawn(contexte, traitement_avec_limite(&vu, duree), asio::detached);
    contexte.run();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - debut);
    std::cout << "au plus " << vu.max_au_travail << " coroutines au travail, " << vu.max_vivantes
              << " coroutines de travail vivantes à la fois" << std::endl;
    std::cout << "durée : " << ms.count() << " ms" << std::endl;
    return vu.max_vivantes <= 10 ? 0 : 1;
}
