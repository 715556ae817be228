// Chapitre 08 — exercice « utiliser » : le superviseur (interface dans superviseur.hpp).
#include "superviseur.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace utiliser {

namespace {

/// Annule la tâche quand il est détruit. Détruire un JoinHandle ne fait que DÉTACHER la
/// tâche ; si le superviseur est annulé pendant qu'il attend, sa trame est détruite à ce
/// point de suspension, et ce garde emporte la tentative en cours avec lui (l'équivalent de
/// l'AbortOnDropHandle de tokio-util). abort() sur une tâche finie ne fait rien.
class AbortOnDrop {
public:
    explicit AbortOnDrop(const rt::JoinHandle<int>& handle) noexcept : handle_(handle) {}
    AbortOnDrop(const AbortOnDrop&) = delete;
    AbortOnDrop& operator=(const AbortOnDrop&) = delete;
    ~AbortOnDrop() { handle_.abort(); }

private:
    const rt::JoinHandle<int>& handle_;
};

} // namespace

rt::Task<Report> supervise(MakeWorker make_worker, int max_restarts, OnSpawn on_spawn) {
    if (max_restarts < 0) {
        throw std::invalid_argument("supervise : max_restarts doit être positif ou nul (reçu " +
                                    std::to_string(max_restarts) + ")");
    }
    Report report;
    for (;;) {
        // Chaque tentative est une TÂCHE : une exception qui s'en échappe devient une
        // JoinError (is_panic) ici, au lieu de traverser le superviseur.
        rt::JoinHandle<int> handle = rt::spawn(make_worker());
        AbortOnDrop garde(handle); // déclaré après le handle : détruit avant lui
        ++report.attempts;
        if (on_spawn) {
            on_spawn(handle);
        }

        auto r = co_await handle;
        if (r) {
            report.value = *r;
            co_return report;
        }
        // On garde la JoinError entière : elle porte l'exception d'origine (panic()).
        report.failures.push_back(r.error());
        if (r.error().is_cancelled()) {
            co_return report; // annulée : quelqu'un l'a voulu, on ne relance pas
        }
        if (report.attempts > max_restarts) {
            co_return report; // 1 + max_restarts tentatives : abandon
        }
    }
}

std::string describe(const Report& report) {
    const std::string n = std::to_string(report.attempts);
    if (report.succeeded()) {
        return "succès à la tentative " + n + " : " + std::to_string(*report.value);
    }
    if (report.cancelled()) {
        return "tentative " + n + " annulée : pas de relance";
    }
    if (report.gave_up()) {
        return "abandon après " + n + " tentatives : " + report.failures.back().what();
    }
    return "aucune tentative";
}

} // namespace utiliser
