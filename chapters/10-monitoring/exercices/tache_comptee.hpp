// Chapitre 10 — exercice « construire » : un compteur de tâches actives qui reste juste,
// quoi qu'il arrive à la tâche.
//
// Le compteur de l'article est incrémenté au début de la tâche et décrémenté à sa fin, à la
// main. Une tâche annulée (abort, arrêt du runtime, branche perdante d'un select ou d'un
// timeout) est détruite à son point de suspension : la ligne « décrémenter » ne s'exécute
// jamais, le compteur dérive. Une tâche qui lève une exception non plus.
//
// Le remède est le RAII (le `Drop` de Rust) : un objet dont le CONSTRUCTEUR incrémente et le
// DESTRUCTEUR décrémente. Posé dans la trame de la tâche (variable locale ou capture de la
// lambda), il est détruit avec elle, quelle que soit la façon dont elle finit.
//
// Il doit aussi être DÉPLAÇABLE (le capturer dans une lambda lancée par rt::spawn, le ranger
// dans un std::vector, le rendre d'une fonction) sans que le compte change : un seul objet à
// la fois « possède » l'unité comptée ; l'objet dont on a déplacé le contenu n'a plus rien à
// décompter.
//
// Vérifiez-vous : ./cours verifier 10 tache_comptee ; indices : ./cours indice 10 tache_comptee.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

namespace construire {

/// Le compteur partagé : lu par la tâche de surveillance, modifié par toutes les tâches.
/// Un simple atomique suffit (voir la leçon : pas besoin d'un Mutex asynchrone).
using Compteur = std::atomic<std::size_t>;

/// Compte une tâche active dans `*compteur` tant qu'il existe (et n'a pas été déplacé).
class TacheComptee {
public:
    /// Compte une tâche de plus. `compteur` ne doit pas être nul.
    explicit TacheComptee(std::shared_ptr<Compteur> compteur) : compteur_(std::move(compteur)) {
        // TODO (1) : une tâche de plus (fetch_add ; quel ordre mémoire suffit ?).
    }

    /// Reprend l'unité comptée par `autre`, qui n'a plus rien à décompter.
    TacheComptee(TacheComptee&& autre) noexcept : compteur_(autre.compteur_) {
        // TODO (2) : après un déplacement, UN SEUL des deux objets décomptera. Lequel ?
        // Que doit-il rester dans `autre` ?
    }

    /// Rend l'unité comptée par `*this` (s'il en a une), puis reprend celle de `autre`.
    TacheComptee& operator=(TacheComptee&& autre) noexcept {
        // TODO (3) : attention à l'unité que `*this` comptait déjà, et à `a = std::move(a)`.
        (void)autre;
        return *this;
    }

    TacheComptee(const TacheComptee&) = delete;            // copier compterait deux fois
    TacheComptee& operator=(const TacheComptee&) = delete; // une seule tâche

    /// Une tâche de moins : doit s'exécuter à la fin normale, à l'exception, ET à l'annulation
    /// (la trame de la coroutine est détruite à son point de suspension).
    ~TacheComptee() {
        // TODO (4) : une tâche de moins, sauf si cet objet a été déplacé.
    }

    /// Vrai tant que cet objet compte une tâche (faux après un déplacement).
    [[nodiscard]] bool actif() const noexcept {
        // TODO (5)
        return false;
    }

private:
    std::shared_ptr<Compteur> compteur_;
};

} // namespace construire
