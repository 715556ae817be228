/// \file
/// \brief Chapitre 09 — l'équité du sémaphore, vue de l'extérieur : une grosse demande en
/// tête de file n'est jamais doublée par les petites arrivées après elle.
///
/// Un sémaphore de 4 autorisations, toutes prises par une tâche « occupante ». Arrivent, dans
/// l'ordre : une grosse demande (3 autorisations), puis trois petites (1 chacune). L'occupante
/// rend ses autorisations une à une. Le programme affiche, à chaque autorisation rendue, ce que
/// l'on voit : `available_permits()` reste à 0 tant que la grosse demande n'est pas servie
/// (elle reçoit les autorisations au fur et à mesure), puis les petites passent.
///
/// Usage : `ch09_equite`
#include <rt/rt.hpp>

#include <cstddef>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using rt::sync::Semaphore;

/// Une demande de `n` autorisations, qui annonce quand elle est servie et les garde jusqu'à
/// la fin du programme (pour que l'ordre de service soit le seul effet visible).
/// Ce que le programme retient : les permis servis (gardés), et l'ordre de service.
struct Etat {
    std::vector<rt::sync::OwnedSemaphorePermit> gardes;
    std::vector<std::string> ordre;
};

rt::JoinHandle<void> demander(std::shared_ptr<Semaphore> s, std::size_t n, std::string nom,
                              Etat* etat) {
    return rt::spawn([s, n, nom = std::move(nom), etat]() -> rt::Task<void> {
        std::cout << "  " << nom << " demande " << n << std::endl;
        auto permit = (co_await s->acquire_many_owned(n)).value();
        std::cout << "  " << nom << " est servie (" << n << ")" << std::endl;
        etat->ordre.push_back(nom);
        etat->gardes.push_back(std::move(permit));
    });
}

rt::Task<void> montrer_l_equite(Etat* etat) {
    auto s = std::make_shared<Semaphore>(4);
    std::vector<rt::sync::OwnedSemaphorePermit> occupante; // 4 permis d'une autorisation
    for (int i = 0; i < 4; ++i) {
        occupante.push_back((co_await s->acquire_owned()).value());
    }

    std::vector<rt::JoinHandle<void>> handles;
    handles.push_back(demander(s, 3, "la grosse", etat));
    co_await rt::task::yield_now(); // elle se met en file la première
    for (int i = 1; i <= 3; ++i) {
        handles.push_back(demander(s, 1, "la petite " + std::to_string(i), etat));
    }
    co_await rt::task::yield_now();

    // L'occupante rend ses 4 autorisations une à une.
    for (int i = 1; i <= 4; ++i) {
        occupante.pop_back();           // un permis détruit : une autorisation rendue
        co_await rt::task::yield_now(); // ceux qui sont servis affichent leur ligne
        std::cout << "autorisation " << i << " rendue : disponibles = " << s->available_permits()
                  << std::endl;
    }
    std::cout << "la grosse et la petite 1 rendent les leurs" << std::endl;
    etat->gardes.clear();
    for (auto& h : handles) {
        co_await h;
    }
    etat->gardes.clear();
    std::cout << "à la fin : disponibles = " << s->available_permits() << std::endl;
}

} // namespace

int main() {
    Etat etat;
    rt::Runtime runtime = rt::Builder::current_thread().build();
    runtime.block_on(montrer_l_equite(&etat));
    const std::vector<std::string> attendu{"la grosse", "la petite 1", "la petite 2",
                                           "la petite 3"};
    if (etat.ordre != attendu) {
        std::cout << "ordre inattendu : le sémaphore n'est pas équitable" << std::endl;
        return 1;
    }
    std::cout << "servies dans l'ordre d'arrivée : la grosse n'a jamais été doublée" << std::endl;
    return 0;
}
