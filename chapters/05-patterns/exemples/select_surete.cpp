/// \file
/// \brief Chapitre 05 — sûreté face à l'annulation (« cancellation safety ») des branches
/// de `rt::select` : une branche perdante est détruite à son point de suspension, et ce
/// qu'elle avait déjà fait de son côté est perdu.
///
/// Une « source » livre 9 morceaux, un toutes les 30 ms (comme des octets qui arrivent sur
/// une socket) ; 3 morceaux font un message. Pendant ce temps, un tic toutes les 50 ms
/// (un battement de cœur à envoyer, par exemple) doit être servi. Deux façons d'écrire la
/// boucle `select` : l'une perd des morceaux, l'autre non.
///
/// Usage : `ch05_select_surete`. Durée : environ 600 ms (deux passages de 270 ms).
#include <rt/rt.hpp>

#include <chrono>
#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// Les morceaux arrivent à des dates fixées d'avance, qu'on les lise ou non.
struct Source {
    rt::time::Instant debut = std::chrono::steady_clock::now();
    std::vector<std::string> morceaux{"alpha-", "beta-",  "gamma", "un-", "deux-",
                                      "trois",  "rouge-", "vert-", "bleu"};
    std::size_t suivant = 0; ///< le prochain morceau à livrer (les précédents sont consommés)
};

// [morceau]
/// Lit UN morceau. Sûre face à l'annulation : la seule suspension a lieu AVANT de prendre le
/// morceau ; détruite pendant qu'elle attend, elle n'a rien consommé.
rt::Task<std::optional<std::string>> lire_morceau(Source* s) {
    if (s->suivant == s->morceaux.size()) {
        co_return std::nullopt; // fin du flux
    }
    co_await rt::time::sleep_until(s->debut + 30ms * (s->suivant + 1));
    co_return s->morceaux[s->suivant++]; // consommé : il n'est plus dans la source
}
// [morceau]

// [message]
/// Lit un message de 3 morceaux. PAS sûre face à l'annulation : elle garde les morceaux déjà
/// consommés dans une variable locale, puis se suspend de nouveau. Détruite à ce moment-là,
/// elle emporte ces morceaux avec sa trame.
rt::Task<std::optional<std::string>> lire_message(Source* s) {
    std::string message;
    for (int i = 0; i < 3; ++i) {
        auto morceau = co_await lire_morceau(s);
        if (!morceau) {
            co_return std::nullopt;
        }
        message += *morceau;
    }
    co_return message;
}
// [message]

// [fragile]
rt::Task<void> boucle_fragile() {
    Source source;
    auto prochain_tic = source.debut + 50ms;
    int recus = 0;
    for (;;) {
        auto r = co_await rt::select(lire_message(&source), rt::time::sleep_until(prochain_tic));
        if (r.index() == 1) { // le tic a gagné : lire_message est détruite en cours de route
            prochain_tic += 50ms;
            continue;
        }
        auto message = std::get<0>(std::move(r));
        if (!message) {
            break;
        }
        std::cout << "  message : " << *message << std::endl;
        ++recus;
    }
    std::cout << "  morceaux consommés : " << source.suivant << ", messages reçus : " << recus
              << std::endl;
}
// [fragile]

// [sure]
rt::Task<void> boucle_sure() {
    Source source;
    auto prochain_tic = source.debut + 50ms;
    std::string message; // l'état partiel vit HORS de la branche : il survit à l'annulation
    int morceaux = 0;
    int recus = 0;
    for (;;) {
        auto r = co_await rt::select(lire_morceau(&source), rt::time::sleep_until(prochain_tic));
        if (r.index() == 1) { // le tic a gagné : lire_morceau n'avait rien consommé
            prochain_tic += 50ms;
            continue;
        }
        auto morceau = std::get<0>(std::move(r));
        if (!morceau) {
            break;
        }
        message += *morceau;
        if (++morceaux % 3 == 0) {
            std::cout << "  message : " << message << std::endl;
            message.clear();
            ++recus;
        }
    }
    std::cout << "  morceaux consommés : " << source.suivant << ", messages reçus : " << recus
              << std::endl;
}
// [sure]

} // namespace

int main() {
    std::cout << "Boucle fragile : select(lire_message, tic)" << std::endl;
    rt::block_on(boucle_fragile());
    std::cout << "Boucle sûre : select(lire_morceau, tic), le message en cours hors du select"
              << std::endl;
    rt::block_on(boucle_sure());
}
