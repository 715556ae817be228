#pragma once
/// \file
/// \brief Les traces de tâches : ce que le runtime a fait, quand, et sur quel thread
/// (`RT_TRACE=fichier.json`, ou `Builder::trace`), au format « Chrome trace event ».
///
/// Ce qui est enregistré : le lancement d'une tâche (avec son nom et sa parente), chaque
/// passage (début, durée, thread), chaque réveil (depuis quel thread), chaque vol (qui vole
/// qui, combien), chaque sommeil d'un worker, et la fin d'une tâche (valeur, exception ou
/// annulation). `./cours trace PROGRAMME` en fait une frise HTML, une ligne par worker ; le
/// fichier s'ouvre aussi dans Perfetto ou chrome://tracing.
///
/// **Ce que ça coûte.** Éteint (le cas normal) : une lecture atomique relâchée et un
/// branchement par événement. Allumé : chaque thread écrit dans son propre tampon (pas de
/// verrou, pas d'instruction atomique coûteuse), par morceaux de 4 096 événements ; le
/// fichier est écrit à la destruction du dernier runtime et à la fin du programme. La
/// mémoire est bornée : au-delà d'environ un million d'événements, les suivants sont comptés
/// mais pas gardés (le fichier le dit). Voir bench/ pour le surcoût mesuré.
///
/// Une seule trace par processus : le premier chemin demandé (variable d'environnement ou
/// `Builder::trace`) sert pour tous les runtimes du programme.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rt::detail {
struct TaskHeader;
}

namespace rt::detail::trace {

class Recorder;

/// \brief L'enregistreur du processus (nul tant que personne n'a demandé de trace).
extern std::atomic<Recorder*> g_recorder;

/// \brief Vrai si les traces sont allumées. Le seul coût quand elles sont éteintes.
inline bool enabled() noexcept {
    // relaxed : l'enregistreur, une fois publié, ne change plus ; qui le voit tard perd
    // seulement ses premiers événements.
    return g_recorder.load(std::memory_order_relaxed) != nullptr;
}

/// \brief Le rôle d'un thread dans la frise.
enum class Role : std::uint8_t { Worker, BlockOn, Blocking, Other };

/// \brief Allume les traces vers `path` (sans effet si elles le sont déjà). Lève
/// `std::runtime_error` si le fichier ne peut pas être créé.
void start(const std::string& path);
/// \brief Allume les traces si la variable d'environnement `RT_TRACE` nomme un fichier.
void start_from_env();
/// \brief Un runtime de plus dans la trace ; rend son numéro (à partir de 1).
std::uint32_t register_runtime(bool multi_thread, std::size_t workers);
/// \brief Un runtime de moins ; le dernier parti écrit le fichier.
void unregister_runtime() noexcept;
/// \brief Écrit le fichier maintenant (tout ce qui a été enregistré jusqu'ici).
void flush() noexcept;

/// \brief Le thread appelant devient la ligne `role` numéro `index` du runtime `runtime`.
void name_thread(std::uint32_t runtime, Role role, std::size_t index) noexcept;

/// \brief L'horloge des traces (nanosecondes depuis l'allumage).
std::uint64_t now() noexcept;

// Les événements. Chaque point du runtime qui en produit tient en une ligne : une fonction
// `inline` qui ne fait rien quand les traces sont éteintes, et appelle sinon l'enregistrement
// (dans trace.cpp). Une tâche n'est qu'un identifiant : la trace ne la déréférence qu'au
// moment de l'événement, jamais plus tard.

void record_spawn(const TaskHeader& task, std::string_view name) noexcept;
std::uint64_t begin_poll(const TaskHeader& task) noexcept;
void record_poll(const void* task, std::uint64_t start) noexcept;
void record_wake(const TaskHeader& task) noexcept;
void record_complete(const TaskHeader& task) noexcept;
void record_steal(std::size_t victim, std::uint32_t count) noexcept;
void record_park(std::uint64_t start) noexcept;

/// \brief Une tâche lancée par la tâche courante (`name` : vide, ou copié aussitôt).
inline void spawned(const TaskHeader& task, std::string_view name = {}) noexcept {
    if (enabled()) {
        record_spawn(task, name);
    }
}
/// \brief `task` réveillée par le thread appelant.
inline void woken(const TaskHeader& task) noexcept {
    if (enabled()) {
        record_wake(task);
    }
}
/// \brief `task` est finie (valeur, exception ou annulation : lu dans son résultat).
inline void completed(const TaskHeader& task) noexcept {
    if (enabled()) {
        record_complete(task);
    }
}
/// \brief Le thread appelant (un worker) a volé `count` tâches au worker `victim`.
inline void stolen(std::size_t victim, std::uint32_t count) noexcept {
    if (enabled()) {
        record_steal(victim, count);
    }
}

/// \brief Le début d'un passage, ou `NOT_TRACED`.
inline constexpr std::uint64_t NOT_TRACED = ~std::uint64_t{0};

/// \brief Un passage de tâche, de la construction à la destruction de l'objet. À la
/// destruction, la tâche peut déjà être libérée (finie) : on ne garde que son adresse.
class PollScope {
public:
    explicit PollScope(const TaskHeader& task) noexcept
        : task_(&task), start_(enabled() ? begin_poll(task) : NOT_TRACED) {}
    ~PollScope() {
        if (start_ != NOT_TRACED) {
            record_poll(task_, start_);
        }
    }
    PollScope(const PollScope&) = delete;
    PollScope& operator=(const PollScope&) = delete;

private:
    const void* task_;
    const std::uint64_t start_;
};

/// \brief Un sommeil du thread appelant, de la construction à la destruction de l'objet.
class ParkScope {
public:
    ParkScope() noexcept : start_(enabled() ? now() : NOT_TRACED) {}
    ~ParkScope() {
        if (start_ != NOT_TRACED) {
            record_park(start_);
        }
    }
    ParkScope(const ParkScope&) = delete;
    ParkScope& operator=(const ParkScope&) = delete;

private:
    const std::uint64_t start_;
};

} // namespace rt::detail::trace
