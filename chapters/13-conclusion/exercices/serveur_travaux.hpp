// Chapitre 13 — exercice « utiliser » : le serveur de travaux (fichier fourni tel quel :
// l'interface, le protocole et les outils à lire).
//
// Le travail est dans serveur_travaux.cpp : répondre à une ligne (repondre), servir un client
// (gerer_client), exécuter un travail (executer_travail), les répartir (repartir) et tenir le
// tout jusqu'au Ctrl-C (servir). Chaque couche du runtime y sert : tâches et JoinSet,
// minuteries, réacteur et TCP, mpsc, Semaphore, Notify, select, métriques, signal, et le
// planificateur multi_thread sur lequel les tests le lancent.
//
// LE PROTOCOLE — une commande par ligne, une réponse par ligne (chaque ligne finit par '\n' ;
// un '\r' final est ignoré) :
//
//   travail <nom> <durée_ms>  → « accepté <n> »           le travail n°n est en file
//                             → « refusé : file pleine »   la file a déjà capacite_file travaux
//                             → « refusé : arrêt en cours » après le Ctrl-C
//   stats                     → « stats en_file=… en_cours=… max_en_cours=… acceptes=…
//                                 refuses=… finis=… expires=… echoues=… taches=… workers=… »
//                                 (une seule ligne ; voir ligne_stats)
//   quitter                   → « au revoir », puis le serveur ferme la connexion
//   autre chose               → « erreur : <pourquoi> » (la connexion reste ouverte)
//   ligne de plus de LONGUEUR_MAX octets → « erreur : ligne trop longue », puis fermeture
//
// <nom> : 1 à 32 caractères parmi lettres, chiffres, '-' et '_' ; <durée_ms> : un entier de
// 0 à 3 600 000. Les numéros n sont croissants (pas forcément consécutifs : un refus peut
// en consommer un).
//
// CE QUE FAIT LE SERVEUR :
//   - un travail accepté attend dans une file BORNÉE (rt::sync::mpsc, capacite_file) ; quand
//     elle est pleine, le serveur refuse aussitôt (il n'attend pas qu'une place se libère :
//     le client saura qu'il doit réessayer plus tard) ;
//   - au plus max_en_cours travaux s'exécutent en même temps (rt::sync::Semaphore) ; la file
//     ne contient que les travaux qui n'ont pas commencé ;
//   - un travail qui dure plus que delai_par_travail est abandonné : il compte comme
//     « expiré » ; un travail qui lève une exception compte comme « échoué » ;
//   - un travail accepté s'exécute même si son client est parti entre-temps ;
//   - au Ctrl-C (SIGINT), dans cet ordre : plus aucune connexion acceptée (le listener est
//     fermé) ; la file est fermée (un nouveau « travail » reçoit « refusé : arrêt en cours »)
//     et les travaux qui y attendaient sont abandonnés ; ceux en cours ont delai_de_grace
//     pour finir (au-delà, ils sont interrompus) ; puis les connexions encore ouvertes sont
//     fermées, et servir rend le bilan sans laisser derrière lui une seule tâche.
#pragma once

#include <rt/rt.hpp>
#include <rt/signal.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace utiliser {

using Duree = std::chrono::milliseconds;

/// Ce qu'exécute un travail : une coroutine qui reçoit le nom et la durée demandés. Par
/// défaut, dormir (un travail simulé) ; les tests en fournissent une qu'ils commandent.
using Execution = std::function<rt::Task<void>(std::string nom, Duree duree)>;

/// Le travail simulé par défaut : dormir `duree`, sans occuper de thread.
inline rt::Task<void> dormir(std::string /*nom*/, Duree duree) {
    co_await rt::time::sleep(duree);
}

/// Les réglages du serveur.
struct Options {
    std::size_t capacite_file = 16; ///< travaux acceptés qui attendent leur tour, au plus
    std::size_t max_en_cours = 4;   ///< travaux exécutés en même temps, au plus
    Duree delai_par_travail{5000};  ///< au-delà, le travail est abandonné (« expiré »)
    Duree delai_de_grace{2000};     ///< à l'arrêt, temps laissé aux travaux en cours
    Execution executer = dormir;    ///< ce que fait un travail
};

/// Longueur maximale d'une ligne reçue, '\n' compris : au-delà, la connexion est fermée.
inline constexpr std::size_t LONGUEUR_MAX = 256;

inline constexpr std::string_view LIGNE_FILE_PLEINE = "refusé : file pleine\n";
inline constexpr std::string_view LIGNE_ARRET = "refusé : arrêt en cours\n";
inline constexpr std::string_view LIGNE_AU_REVOIR = "au revoir\n";
inline constexpr std::string_view LIGNE_TROP_LONGUE = "erreur : ligne trop longue\n";

/// « accepté 7\n »
inline std::string ligne_acceptee(std::uint64_t numero) {
    return "accepté " + std::to_string(numero) + "\n";
}

/// « erreur : <pourquoi>\n »
inline std::string ligne_erreur(std::string_view pourquoi) {
    return "erreur : " + std::string(pourquoi) + "\n";
}

/// Un travail accepté, tel qu'il passe dans la file.
struct Travail {
    std::uint64_t numero = 0;
    std::string nom;
    Duree duree{0};
};

/// Comment un travail a fini.
enum class Issue {
    fini,      ///< l'exécution est allée au bout
    expire,    ///< plus long que delai_par_travail : abandonné
    echoue,    ///< l'exécution a levé une exception
    abandonne, ///< encore en file à l'arrêt : jamais commencé
};

/// Le résultat d'un travail, collecté par le répartiteur.
struct Resultat {
    std::uint64_t numero = 0;
    std::string nom;
    Issue issue = Issue::fini;
};

/// Les compteurs vivants du serveur, lus par « stats » pendant que les travaux tournent
/// (atomiques : les tâches tournent sur plusieurs workers).
struct Compteurs {
    std::atomic<std::int64_t> en_file{0};      ///< acceptés, pas encore commencés
    std::atomic<std::int64_t> en_cours{0};     ///< commencés, pas encore finis
    std::atomic<std::int64_t> max_en_cours{0}; ///< le plus haut qu'ait atteint en_cours
    std::atomic<std::uint64_t> acceptes{0};
    std::atomic<std::uint64_t> refuses{0}; ///< file pleine ou arrêt en cours
    std::atomic<std::uint64_t> finis{0};
    std::atomic<std::uint64_t> expires{0};
    std::atomic<std::uint64_t> echoues{0};

    /// en_cours + 1, et max_en_cours suit (une boucle compare-and-swap : un autre worker
    /// peut monter le maximum en même temps).
    void commence() noexcept {
        const std::int64_t maintenant = en_cours.fetch_add(1) + 1;
        std::int64_t max = max_en_cours.load();
        while (maintenant > max && !max_en_cours.compare_exchange_weak(max, maintenant)) {
        }
    }
    void termine() noexcept { en_cours.fetch_sub(1); }
};

/// Tient « un travail en cours » le temps de sa vie : commence() à la construction,
/// termine() à la destruction — y compris quand la tâche est annulée à un point de
/// suspension (timeout, abort_all) : le destructeur tourne alors aussi. Le RAII est le Drop
/// de Rust.
class EnCours {
public:
    explicit EnCours(Compteurs& c) noexcept : c_(&c) { c_->commence(); }
    EnCours(const EnCours&) = delete;
    EnCours& operator=(const EnCours&) = delete;
    ~EnCours() { c_->termine(); }

private:
    Compteurs* c_;
};

/// L'état partagé (std::shared_ptr) entre servir, le répartiteur, les clients et les travaux.
struct Etat {
    Etat(Options o, rt::sync::mpsc::Sender<Travail> f)
        : options(std::move(o)), file(std::move(f)),
          places(std::make_shared<rt::sync::Semaphore>(options.max_en_cours)) {}

    Options options;
    /// L'entrée de la file bornée des travaux (les clients y déposent avec try_send).
    rt::sync::mpsc::Sender<Travail> file;
    /// Les places d'exécution : max_en_cours autorisations. Tenu par shared_ptr pour
    /// acquire_owned : l'autorisation voyage avec le travail dans sa tâche.
    std::shared_ptr<rt::sync::Semaphore> places;
    /// servir le notifie pour arrêter le répartiteur (notify_one garde l'autorisation si le
    /// répartiteur n'attend pas encore : aucun réveil perdu).
    rt::sync::Notify arret;
    Compteurs compteurs;
    /// Le numéro du prochain travail accepté.
    std::atomic<std::uint64_t> prochain_numero{1};
};

/// « stats en_file=1 en_cours=2 ... taches=9 workers=2\n » : les compteurs, puis deux
/// métriques du runtime (tâches vivantes, workers), lues au moment de la réponse.
inline std::string ligne_stats(const Compteurs& c, const rt::RuntimeMetrics& m) {
    return "stats en_file=" + std::to_string(c.en_file.load()) +
           " en_cours=" + std::to_string(c.en_cours.load()) +
           " max_en_cours=" + std::to_string(c.max_en_cours.load()) +
           " acceptes=" + std::to_string(c.acceptes.load()) +
           " refuses=" + std::to_string(c.refuses.load()) +
           " finis=" + std::to_string(c.finis.load()) +
           " expires=" + std::to_string(c.expires.load()) +
           " echoues=" + std::to_string(c.echoues.load()) +
           " taches=" + std::to_string(m.num_alive_tasks) +
           " workers=" + std::to_string(m.num_workers) + "\n";
}

/// Les commandes du protocole, une fois la ligne analysée.
struct DemandeTravail {
    std::string nom;
    Duree duree{0};
};
struct DemandeStats {};
struct DemandeQuitter {};
struct Invalide {
    std::string pourquoi; ///< pour « erreur : <pourquoi> »
};
using Commande = std::variant<DemandeTravail, DemandeStats, DemandeQuitter, Invalide>;

/// Analyse une ligne ('\n' et '\r' de fin déjà retirés ou non : ils sont ignorés).
inline Commande analyser(std::string_view ligne) {
    while (!ligne.empty() && (ligne.back() == '\n' || ligne.back() == '\r')) {
        ligne.remove_suffix(1);
    }
    // Découpe en mots séparés par des espaces.
    std::vector<std::string_view> mots;
    while (!ligne.empty()) {
        const std::size_t debut = ligne.find_first_not_of(' ');
        if (debut == std::string_view::npos) {
            break;
        }
        ligne.remove_prefix(debut);
        const std::size_t fin = std::min(ligne.find(' '), ligne.size());
        mots.push_back(ligne.substr(0, fin));
        ligne.remove_prefix(fin);
    }
    if (mots.empty()) {
        return Invalide{"ligne vide"};
    }
    if (mots[0] == "stats" && mots.size() == 1) {
        return DemandeStats{};
    }
    if (mots[0] == "quitter" && mots.size() == 1) {
        return DemandeQuitter{};
    }
    if (mots[0] != "travail") {
        return Invalide{"commande inconnue"};
    }
    if (mots.size() != 3) {
        return Invalide{"usage : travail <nom> <durée_ms>"};
    }
    const std::string_view nom = mots[1];
    const bool nom_valide = nom.size() <= 32 && std::all_of(nom.begin(), nom.end(), [](char c) {
                                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                       (c >= '0' && c <= '9') || c == '-' || c == '_';
                            });
    if (!nom_valide) {
        return Invalide{"nom invalide"};
    }
    long long ms = -1;
    const std::string_view texte = mots[2];
    const auto [fin, ec] = std::from_chars(texte.data(), texte.data() + texte.size(), ms);
    if (ec != std::errc{} || fin != texte.data() + texte.size() || ms < 0 || ms > 3'600'000) {
        return Invalide{"durée invalide"};
    }
    return DemandeTravail{std::string(nom), Duree{ms}};
}

/// Ce que rend servir : le bilan de la vie du serveur.
struct Bilan {
    std::uint64_t acceptes = 0;
    std::uint64_t refuses = 0;
    std::uint64_t interrompus = 0; ///< en cours à l'arrêt, pas finis dans le délai de grâce
    /// Un résultat par travail accepté qui n'a pas été interrompu (fini, expiré, échoué ou
    /// abandonné), dans l'ordre où le répartiteur les a collectés.
    std::vector<Resultat> resultats;

    /// Combien de résultats ont cette issue.
    [[nodiscard]] std::size_t combien(Issue issue) const {
        return static_cast<std::size_t>(
            std::count_if(resultats.begin(), resultats.end(),
                          [issue](const Resultat& r) { return r.issue == issue; }));
    }
};

/// Ce que rend le répartiteur à l'arrêt.
struct Collecte {
    std::vector<Resultat> resultats; ///< voir Bilan::resultats
    std::uint64_t interrompus = 0;   ///< voir Bilan::interrompus
};

// ─── À écrire, dans serveur_travaux.cpp ─────────────────────────────────────────────────

/// La réponse à UNE ligne (protocole ci-dessus), '\n' compris. Une demande de travail est
/// déposée dans etat.file sans attendre (try_send) ; les compteurs suivent.
std::string repondre(std::string_view ligne, Etat& etat);

/// Sert un client jusqu'à ce qu'il parte (fin de flux, « quitter », ligne trop longue,
/// erreur réseau). Ne lève jamais : un client qui s'en va brutalement ne concerne que lui.
rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Etat> etat);

/// Exécute UN travail en tenant sa place (l'autorisation, rendue à la fin, même en cas
/// d'annulation) : etat->options.executer, borné par delai_par_travail. Rend son résultat
/// (fini, expiré ou échoué) après avoir mis les compteurs à jour.
rt::Task<Resultat> executer_travail(Travail travail, rt::sync::OwnedSemaphorePermit place,
                                    std::shared_ptr<Etat> etat);

/// Le répartiteur : prend une place, PUIS un travail dans la file, le lance dans un JoinSet ;
/// collecte les résultats. Quand etat->arret est notifié : ferme la file, abandonne ce
/// qu'elle contient, laisse delai_de_grace aux travaux en cours, interrompt les autres.
/// Rend ce qu'il a collecté. (Pas de paramètre par référence pour le nombre d'interrompus :
/// cette coroutine est lancée dans sa propre tâche, CP.53 du chapitre 03.)
rt::Task<Collecte> repartir(rt::sync::mpsc::Receiver<Travail> file, std::shared_ptr<Etat> etat);

/// Le serveur : accepte les connexions sur `listener` (une tâche par client) jusqu'au
/// Ctrl-C annoncé par `arret`, puis s'arrête proprement (voir plus haut) et rend le bilan.
/// `arret` est créé par l'appelant (rt::signal::ctrl_c()) avant l'appel.
rt::Task<Bilan> servir(rt::net::TcpListener listener, Options options, rt::signal::CtrlC arret);

} // namespace utiliser
