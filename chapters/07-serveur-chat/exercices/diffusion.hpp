// Chapitre 07 — exercice « construire » : un canal de diffusion (broadcast) avec retard.
//
// À compléter : les trois TODO (abonner, envoyer, essayer_recevoir). Le reste est fourni.
// Vérifiez-vous avec « ./cours verifier 07 diffusion » ; indices : « ./cours indice 07 diffusion ».
//
// Version autonome et mono-thread du rt::sync::broadcast du runtime : pas de coroutine, pas
// de verrou, pas de réveil. On ne garde que le cœur : l'anneau, les positions, le retard.
// `essayer_recevoir()` ne bloque jamais ; il dit « Vide » quand il n'y a rien à lire (le
// runtime, lui, suspendrait la tâche à cet endroit et la réveillerait au prochain envoi).
//
// Règles (celles de tokio::sync::broadcast) :
//   - chaque message porte un numéro : 0, 1, 2... ; il est rangé dans la case
//     `numéro % capacité` de l'anneau, où il reste jusqu'à ce qu'un message plus récent
//     l'écrase ;
//   - un Recepteur ne retient que le numéro du prochain message qu'il veut lire. Il reçoit
//     les messages envoyés APRÈS son abonnement, tous, dans l'ordre, chacun une fois ;
//   - s'il a pris tant de retard que ce message a été écrasé, il reçoit EnRetard{n} (n : le
//     nombre exact de messages perdus) et saute au plus ancien message encore présent ;
//   - `envoyer` ne bloque jamais et rend le nombre de récepteurs ; sans récepteur, le
//     message est perdu (il n'occupe pas de case) et `envoyer` rend 0 ;
//   - le canal est fermé quand le dernier Canal (côté émetteur) est détruit : un récepteur
//     lit d'abord ce qui reste, puis reçoit Ferme.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

namespace construire {

/// Rien à lire pour l'instant (le canal est ouvert).
struct Vide {
    bool operator==(const Vide&) const = default;
};
/// Plus rien à lire, et plus aucun émetteur : plus rien ne viendra.
struct Ferme {
    bool operator==(const Ferme&) const = default;
};
/// Le récepteur a pris trop de retard : `perdus` messages ont été écrasés avant sa lecture.
struct EnRetard {
    std::uint64_t perdus = 0;
    bool operator==(const EnRetard&) const = default;
};

/// Le résultat d'une tentative de lecture : un message, ou pourquoi il n'y en a pas.
template <class T>
using Reception = std::variant<T, Vide, Ferme, EnRetard>;

template <class T>
class Recepteur;

namespace detail {

/// L'état partagé par les émetteurs et les récepteurs d'un canal.
template <class T>
struct Etat {
    explicit Etat(std::size_t capacite) : anneau(capacite) {}

    std::vector<std::optional<T>> anneau; ///< les `capacite` derniers messages
    std::uint64_t prochain = 0;           ///< numéro du prochain message envoyé
    std::size_t emetteurs = 1;            ///< nombre d'objets Canal vivants
    std::size_t recepteurs = 0;           ///< nombre d'objets Recepteur vivants

    /// Numéro du plus ancien message encore dans l'anneau.
    [[nodiscard]] std::uint64_t plus_ancien() const noexcept {
        return prochain > anneau.size() ? prochain - anneau.size() : 0;
    }
};

} // namespace detail

/// Le côté émetteur d'un canal de diffusion. Copiable : chaque copie est un émetteur de plus,
/// et le canal se ferme quand la dernière est détruite.
template <class T>
class Canal {
public:
    /// Un canal qui garde les `capacite` derniers messages (capacite > 0).
    explicit Canal(std::size_t capacite) {
        if (capacite == 0) {
            throw std::invalid_argument("Canal : la capacité doit être positive");
        }
        etat_ = std::make_shared<detail::Etat<T>>(capacite);
    }
    Canal(const Canal& autre) : etat_(autre.etat_) { ++etat_->emetteurs; }
    Canal& operator=(const Canal&) = delete;
    ~Canal() { --etat_->emetteurs; }

    /// Un nouveau récepteur, qui recevra les messages envoyés à partir de maintenant.
    Recepteur<T> abonner() {
        ++etat_->recepteurs;
        // TODO 1 : à partir de quel numéro de message ce récepteur lit-il ? (Un abonné tardif
        // ne reçoit que les messages envoyés APRÈS son abonnement.)
        return Recepteur<T>(etat_, 0);
    }

    /// Envoie `valeur` à tous les récepteurs actuels ; rend leur nombre (0 : message perdu).
    std::size_t envoyer(T valeur) {
        // TODO 2 : sans récepteur, le message est perdu (rendre 0, ne rien ranger) ; sinon,
        // le ranger dans sa case de l'anneau, avancer le numéro du prochain message, et
        // rendre le nombre de récepteurs.
        (void)valeur;
        return 0;
    }

    /// Nombre de récepteurs vivants.
    [[nodiscard]] std::size_t nombre_recepteurs() const noexcept { return etat_->recepteurs; }

private:
    std::shared_ptr<detail::Etat<T>> etat_;
};

/// Le côté récepteur : chacun lit tous les messages, à son rythme. Déplaçable.
template <class T>
class Recepteur {
public:
    Recepteur(Recepteur&& autre) noexcept
        : etat_(std::move(autre.etat_)), prochain_(autre.prochain_) {}
    Recepteur(const Recepteur&) = delete;
    Recepteur& operator=(const Recepteur&) = delete;
    Recepteur& operator=(Recepteur&&) = delete;
    /// Se désabonne (un Recepteur déplacé ne compte plus).
    ~Recepteur() {
        if (etat_) {
            --etat_->recepteurs;
        }
    }

    /// Le prochain message, ou Vide / Ferme / EnRetard{n}. Ne bloque jamais.
    Reception<T> essayer_recevoir() {
        // TODO 3 : dans cet ordre —
        //   1. le message numéro prochain_ a-t-il été écrasé (plus ancien que plus_ancien()) ?
        //      Alors EnRetard{combien}, et sauter au plus ancien message présent ;
        //   2. un message est disponible : en rendre une copie, passer au suivant ;
        //   3. rien à lire : Ferme si plus aucun émetteur n'existe, Vide sinon.
        return Vide{};
    }

private:
    friend class Canal<T>;
    Recepteur(std::shared_ptr<detail::Etat<T>> etat, std::uint64_t prochain) noexcept
        : etat_(std::move(etat)), prochain_(prochain) {}

    std::shared_ptr<detail::Etat<T>> etat_;
    std::uint64_t prochain_; ///< numéro du prochain message à lire
};

} // namespace construire
