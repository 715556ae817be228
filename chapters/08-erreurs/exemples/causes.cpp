/// \file
/// \brief Chapitre 08 — les deux causes d'une `rt::JoinError`, et ce qu'on en fait :
/// lire l'exception d'origine (`panic()`), la relancer chez l'appelant (`resume_panic()`),
/// reconnaître une annulation, et ne pas confondre une tâche qui **échoue** (elle rend une
/// erreur comme valeur) avec une tâche qui **panique**.
///
/// Usage : `ch08_causes`. Durée : immédiate.
#include <rt/rt.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace {

/// Une erreur du domaine : `code` dit ce qui s'est passé. Pas une std::exception.
struct ErreurStockage {
    int code;
};

// [message]
/// Le message d'une panique : on relance l'exception d'origine pour la rattraper par son type.
std::string message_de(const rt::JoinError& e) {
    try {
        e.resume_panic(); // relance l'exception elle-même, pas une copie de son message
    } catch (const ErreurStockage& s) {
        return "ErreurStockage, code " + std::to_string(s.code);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "exception d'un type inconnu";
    }
}
// [message]

rt::Task<int> lire_compteur(bool disque_plein) {
    co_await rt::task::yield_now();
    if (disque_plein) {
        throw ErreurStockage{28}; // ENOSPC
    }
    co_return 7;
}

// [echouer]
/// Échouer sans paniquer : l'erreur est une VALEUR rendue par la tâche.
rt::Task<rt::Result<int, std::runtime_error>> lire_configuration() {
    co_await rt::task::yield_now();
    co_return std::runtime_error("fichier de configuration introuvable");
}
// [echouer]

rt::Task<void> relais() {
    // [relancer]
    auto r = co_await rt::spawn(lire_compteur(true));
    if (!r && r.error().is_panic()) {
        r.error().resume_panic(); // l'appelant reçoit ErreurStockage, comme resume_unwind
    }
    // [relancer]
}

rt::Task<void> main_async() {
    std::cout << "1. Une panique : l'exception d'origine est gardée" << std::endl;
    auto r1 = co_await rt::spawn(lire_compteur(true));
    std::cout << "   is_panic = " << r1.error().is_panic() << ", what() = « " << r1.error().what()
              << " »" << std::endl;
    std::cout << "   relancée et rattrapée par son type : " << message_de(r1.error()) << std::endl;

    std::cout << "2. Une annulation : abort(), puis co_await" << std::endl;
    auto h = rt::spawn([]() -> rt::Task<int> {
        co_await rt::time::sleep(1h);
        co_return 0;
    });
    h.abort();
    auto r2 = co_await h;
    std::cout << "   is_cancelled = " << r2.error().is_cancelled()
              << ", panic() nul = " << (r2.error().panic() == nullptr) << ", what() = « "
              << r2.error().what() << " »" << std::endl;

    std::cout << "3. Relancer chez l'appelant (resume_panic)" << std::endl;
    try {
        co_await relais();
    } catch (const ErreurStockage& e) {
        std::cout << "   main_async a reçu ErreurStockage, code " << e.code << std::endl;
    }

    std::cout << "4. Échouer n'est pas paniquer" << std::endl;
    auto r4 = co_await rt::spawn(lire_configuration());
    std::cout << "   co_await handle : succès = " << r4.has_value()
              << " (la tâche est allée au bout)" << std::endl;
    std::cout << "   la valeur rendue : succès = " << r4->has_value() << ", erreur = « "
              << r4->error().what() << " »" << std::endl;
}

} // namespace

int main() {
    std::cout << std::boolalpha;
    rt::block_on(main_async());
}
