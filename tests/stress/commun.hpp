// Outils communs aux tests de charge (label « stress ») : des compteurs qu'on peut toucher
// depuis n'importe quel thread, et un générateur pseudo-aléatoire dont la graine est affichée
// (pour rejouer un échec).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <utility>

namespace stress {

/// \brief Compte ses instances vivantes, comme support::Sentinelle, mais depuis plusieurs
/// threads à la fois.
struct Vivante {
    std::shared_ptr<std::atomic<int>> compteur;
    /// Ne compte rien (une `Issue` sans `Vivante`).
    Vivante() noexcept = default;
    explicit Vivante(std::shared_ptr<std::atomic<int>> c) : compteur(std::move(c)) {
        compteur->fetch_add(1, std::memory_order_relaxed);
    }
    Vivante(Vivante&& o) noexcept : compteur(std::move(o.compteur)) {}
    Vivante(const Vivante&) = delete;
    Vivante& operator=(const Vivante&) = delete;
    Vivante& operator=(Vivante&&) = delete;
    ~Vivante() { partir(); }
    /// La vie comptée s'arrête ici (une seule fois).
    void partir() noexcept {
        if (compteur) {
            compteur->fetch_sub(1, std::memory_order_relaxed);
            compteur.reset();
        }
    }
};

/// \brief Capturée par une tâche : à sa destruction, compte la tâche comme finie (si le
/// corps est allé au bout) ou annulée (sinon). Exactement une fois par tâche.
///
/// Elle peut porter la `Vivante` de la tâche, détruite juste avant de compter : qui voit la
/// tâche comptée voit aussi sa `Vivante` partie. Deux objets à part ne le garantiraient pas :
/// l'ordre de destruction des paramètres d'une coroutine n'est pas celui des variables
/// locales (g++ les détruit dans l'ordre de déclaration).
struct Issue {
    std::atomic<int>* finies;
    std::atomic<int>* annulees;
    bool atteinte = false;
    Vivante vivante;
    Issue(std::atomic<int>* f, std::atomic<int>* a, Vivante v = Vivante()) noexcept
        : finies(f), annulees(a), vivante(std::move(v)) {}
    Issue(Issue&& o) noexcept
        : finies(std::exchange(o.finies, nullptr)), annulees(o.annulees), atteinte(o.atteinte),
          vivante(std::move(o.vivante)) {}
    Issue(const Issue&) = delete;
    Issue& operator=(const Issue&) = delete;
    Issue& operator=(Issue&&) = delete;
    ~Issue() {
        vivante.partir();
        if (finies) {
            // release : qui lit ce compte (acquire) voit aussi tout ce que la tâche a fait
            // avant, sa Vivante détruite comprise.
            (atteinte ? finies : annulees)->fetch_add(1, std::memory_order_release);
        }
    }
};

/// \brief Un générateur pseudo-aléatoire dont la graine est affichée.
inline std::mt19937_64 generateur(const char* test) {
    const std::uint64_t graine = std::random_device{}();
    std::printf("%s : graine %llu\n", test, static_cast<unsigned long long>(graine));
    return std::mt19937_64(graine);
}

} // namespace stress
