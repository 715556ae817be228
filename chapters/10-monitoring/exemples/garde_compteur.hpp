// Chapitre 10 — le garde RAII de la leçon : compte une tâche active de sa construction à sa
// destruction. Utilisé par exemples/derive.cpp et par les tests de la leçon.
//
// Volontairement minimal : ni copiable, ni déplaçable. Il vit dans la trame d'une tâche
// (variable locale) et meurt avec elle. L'exercice « construire » (TacheComptee) le rend
// déplaçable, pour le capturer dans une lambda ou le ranger dans un vecteur.
#pragma once

#include <atomic>
#include <cstddef>

namespace lecon {

/// \brief Compte une tâche active, de sa construction à sa destruction (RAII) : le compte
/// reste juste même quand la tâche est annulée, car sa trame est détruite avec lui.
class GardeCompteur {
public:
    /// \brief Une tâche active de plus dans `compteur`.
    explicit GardeCompteur(std::atomic<std::size_t>& compteur) : compteur_(compteur) {
        // relaxed : un compteur qu'on ne lit que pour l'afficher ; rien d'autre à publier.
        compteur_.fetch_add(1, std::memory_order_relaxed);
    }
    /// \brief Une tâche active de moins (fin normale, exception ou annulation).
    ~GardeCompteur() { compteur_.fetch_sub(1, std::memory_order_relaxed); }

    GardeCompteur(const GardeCompteur&) = delete;
    GardeCompteur& operator=(const GardeCompteur&) = delete;

private:
    std::atomic<std::size_t>& compteur_;
};

} // namespace lecon
