// Chapitre 11 — exercice « construire » : la file locale d'un worker, volable par moitié.
//
// À VOUS : les cinq TODO, dans l'ordre des numéros (push, pop, reserver_moitie, liberer,
// voler_moitie). Le reste est fourni : lisez d'abord ce commentaire et les déclarations.
// Vérifiez-vous avec « ./cours verifier 11 anneau_volable » ; indices : « ./cours indice 11 anneau_volable ».
// La leçon (section 4) cite la version du runtime, runtime/src/local_queue.cpp : c'est la même
// idée, mot pour mot ou presque.
//
// C'est le cœur de runtime/src/local_queue.cpp (le `queue.rs` de tokio), sans le runtime
// autour : un anneau de CAPACITE cases qu'un seul thread, le PROPRIÉTAIRE, remplit (`push`) et
// vide (`pop`) sans verrou, et dont n'importe quel autre thread, un VOLEUR, prend la moitié
// d'un coup (`voler_moitie`) avec un compare-and-swap sur la tête.
//
// Les compteurs :
//   - `queue_` (32 bits) : la prochaine case libre. Écrit par le propriétaire seul ;
//   - `tete_` (64 bits) : deux compteurs de 32 bits tassés dans un mot, (vol << 32) | reelle.
//     `reelle` est la vraie tête : le prochain élément que rendra `pop`. `vol` est la tête vue
//     par un voleur EN COURS de vol : tant que vol != reelle, les cases [vol, reelle) sont en
//     train d'être copiées par ce voleur. Le propriétaire ne doit pas les réécrire, et un
//     second voleur doit renoncer.
//   Les compteurs ne font que croître ; la case d'un compteur c est `c & MASQUE` (c modulo
//   CAPACITE). Ils repassent par 0 après 2^32 : toutes les différences (queue - reelle...)
//   se calculent en arithmétique non signée sur 32 bits, et restent justes à ce passage.
//
// Le vol, en trois temps (runtime/src/local_queue.cpp, steal_into2) :
//   1. réserver : avancer `reelle` de la moitié, sans toucher à `vol` (un CAS) ;
//   2. copier les cases [vol, vol + n) dans l'anneau du voleur ;
//   3. libérer : ramener `vol` à la hauteur de `reelle` (un CAS, en boucle : le propriétaire a
//      pu avancer `reelle` entre-temps avec ses `pop`).
// Les temps 1 et 3 sont des fonctions publiques pour que les tests puissent s'arrêter au
// milieu d'un vol et vérifier ce que font les autres pendant ce temps.
//
// Les raccourcis, nommés (runtime/ fait plus) :
//   - raccourci 1 : un `push` sur un anneau plein rend faux ; le runtime, lui, déplace la
//     moitié de l'anneau dans la file globale (push_back_or_overflow) ;
//   - raccourci 2 : le voleur met toute la moitié volée dans son anneau ; le runtime en garde
//     une de côté pour l'exécuter tout de suite (steal_into) ;
//   - raccourci 3 : des éléments quelconques copiables (des entiers dans les tests), pas des
//     tâches.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <optional>
#include <type_traits>

namespace construire {

/// Tasse les deux compteurs de tête dans un mot de 64 bits : `vol` en haut, `reelle` en bas.
constexpr std::uint64_t tasser(std::uint32_t vol, std::uint32_t reelle) noexcept {
    return std::uint64_t{vol} << 32 | reelle;
}
/// Le compteur `vol` d'une tête tassée.
constexpr std::uint32_t vol_de(std::uint64_t tete) noexcept {
    return static_cast<std::uint32_t>(tete >> 32);
}
/// Le compteur `reelle` d'une tête tassée.
constexpr std::uint32_t reelle_de(std::uint64_t tete) noexcept {
    return static_cast<std::uint32_t>(tete);
}

/// Ce qu'un voleur a réservé (temps 1 du vol) : les cases [premier, premier + nombre).
/// `nombre == 0` : rien de réservé (anneau vide, ou un autre voleur déjà là).
struct Reservation {
    std::uint32_t premier = 0;
    std::uint32_t nombre = 0;
};

/// Un anneau de `CAPACITE` éléments : un propriétaire ajoute en queue et retire en tête, sans
/// verrou ; n'importe quel thread peut en voler la moitié.
template <class T, std::uint32_t CAPACITE = 256>
class AnneauVolable {
    static_assert(CAPACITE >= 2 && (CAPACITE & (CAPACITE - 1)) == 0,
                  "la capacité doit être une puissance de deux");
    static_assert(std::is_trivially_copyable_v<T>, "des éléments copiables octet par octet");

public:
    /// Un anneau vide. `depart` : la valeur initiale des compteurs (0 dans le runtime) ; les
    /// tests la placent juste sous 2^32 pour vérifier le passage par 0 sans 4 milliards
    /// d'opérations.
    explicit AnneauVolable(std::uint32_t depart = 0) noexcept
        : tete_(tasser(depart, depart)), queue_(depart) {}
    AnneauVolable(const AnneauVolable&) = delete;
    AnneauVolable& operator=(const AnneauVolable&) = delete;

    // --- Propriétaire (un seul thread) ------------------------------------------------------

    /// Ajoute `valeur` en queue. Faux si l'anneau est plein, en comptant les cases qu'un
    /// voleur copie encore (raccourci 1 : le runtime déborderait dans la file globale).
    bool push(T valeur) noexcept {
        // TODO (1) : si l'anneau est plein, rendre false. « Plein » compte aussi les cases
        // qu'un voleur est en train de copier : queue - vol >= CAPACITE (différence sur 32 bits
        // non signés). Sinon écrire la case `queue & MASQUE`, puis publier en avançant
        // `queue_`. Choisissez l'ordre mémoire de chaque accès atomique : qui doit voir quoi ?
        (void)valeur;
        return false;
    }

    /// Retire l'élément de tête (le plus ancien), ou rien si l'anneau est vide (pour nous).
    std::optional<T> pop() noexcept {
        // TODO (2) : si reelle == queue, rien à rendre. Sinon avancer `reelle` d'une case par
        // un compare-and-swap sur `tete_` (un voleur peut la changer au même moment) : sans vol
        // en cours (vol == reelle), `vol` avance avec elle ; pendant un vol, `vol` ne bouge
        // pas. En cas d'échec du CAS, recommencer avec la tête qu'il vient de relire. Enfin
        // rendre la case `reelle & MASQUE`.
        return std::nullopt;
    }

    // --- Voleur (n'importe quel thread) ------------------------------------------------------

    /// Temps 1 du vol : réserve la moitié (arrondie au-dessus) des éléments, les plus anciens.
    /// Rend une réservation vide si l'anneau est vide ou si un autre voleur est déjà là.
    Reservation reserver_moitie() noexcept {
        // TODO (3) : renoncer (réservation vide) si un autre voleur est là (vol != reelle) ;
        // sinon n = la moitié arrondie au-dessus de queue - reelle (rien si 0), et un CAS qui
        // avance `reelle` de n sans toucher à `vol`. Rendre {reelle, n}.
        return {};
    }

    /// Temps 3 du vol : rend les cases réservées par `r` (leur copie est finie).
    void liberer(Reservation r) noexcept {
        // TODO (4) : ramener `vol` à la hauteur de `reelle` par un CAS, en boucle : entre la
        // réservation et maintenant, le propriétaire a pu avancer `reelle` (ses pop). Ne pas
        // écrire une tête calculée avant : on effacerait ses pop.
        (void)r;
    }

    /// Vole la moitié (arrondie au-dessus) des éléments de cet anneau et les met, dans
    /// l'ordre, en queue de `destination`, l'anneau du voleur (dont le thread appelant est le
    /// propriétaire). Rend le nombre d'éléments volés : 0 si rien à voler, si un autre voleur
    /// est déjà là, ou si `destination` contient plus de CAPACITE / 2 éléments (pas la place
    /// d'accueillir une moitié).
    std::uint32_t voler_moitie(AnneauVolable& destination) noexcept {
        // TODO (5) : (a) si `destination` contient plus de CAPACITE / 2 éléments (comptés depuis
        // son `vol`), rendre 0 ; (b) réserver ; (c) copier les cases réservées, dans l'ordre, à
        // la suite de la queue de `destination` ; (d) libérer ; (e) publier les cases copiées
        // en avançant la queue de `destination` ; rendre le nombre volé.
        (void)destination;
        return 0;
    }

    // --- Pour tout le monde (fourni) --------------------------------------------------------

    /// Nombre d'éléments que `pop` peut encore rendre : exact pour le propriétaire, une mesure
    /// pour les autres.
    [[nodiscard]] std::uint32_t taille() const noexcept {
        // Tête d'abord, puis queue : la queue lue est au moins celle qui allait avec la tête.
        const std::uint32_t reelle = reelle_de(tete_.load(std::memory_order_acquire));
        return queue_.load(std::memory_order_acquire) - reelle;
    }

private:
    static constexpr std::uint32_t MASQUE = CAPACITE - 1;

    std::atomic<std::uint64_t> tete_;  ///< (vol << 32) | reelle, changée par CAS
    std::atomic<std::uint32_t> queue_; ///< la prochaine case libre, écrite par le propriétaire
    /// Les cases, NON atomiques : c'est l'ordre mémoire de `queue_` et de `tete_` qui les
    /// publie (release, puis acquire de l'autre côté). Un ordre oublié est une course de
    /// données, que ThreadSanitizer signale dans les tests (le runtime, lui, rend ses cases
    /// atomiques en relaxed, par prudence).
    T cases_[CAPACITE]{};
};

} // namespace construire
