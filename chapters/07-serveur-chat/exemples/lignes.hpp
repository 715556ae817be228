/// \file
/// \brief Chapitre 07 — un lecteur de lignes sûr face à l'annulation, partagé par les exemples.
///
/// `prochaine()` peut perdre un select ou un timeout sans perdre ni rejouer un octet : tout
/// l'état vit dans l'objet, et la seule suspension est l'attente de `read`, avant qu'un octet
/// soit consommé (la construction du `Lines::next_line` de tokio). Voir la leçon : le
/// `BufReader::read_line` du runtime est sûr lui aussi, à condition que l'appelant garde la
/// ligne commencée d'un appel abandonné à l'autre ; `prochaine()` rend une ligne entière ou
/// rien, sans rien demander à l'appelant.
#pragma once

#include <rt/rt.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

/// \brief Découpe en lignes ce qu'on lit sur une moitié de connexion, sûrement face à
/// l'annulation.
class LecteurDeLignes {
public:
    /// \brief Lit `lecture` ; une ligne de plus de `longueur_max` octets est refusée.
    explicit LecteurDeLignes(rt::net::OwnedReadHalf lecture, std::size_t longueur_max = 1024)
        : lecture_(std::move(lecture)), longueur_max_(longueur_max) {}

    /// La prochaine ligne, '\n' compris ; std::nullopt en fin de flux. Lève std::length_error
    /// si la ligne dépasse `longueur_max` octets, même reçue en plusieurs morceaux.
    rt::Task<std::optional<std::string>> prochaine() {
        for (;;) {
            const std::size_t fin = tampon_.find('\n');
            if (fin != std::string::npos && fin < longueur_max_) {
                std::string ligne = tampon_.substr(0, fin + 1);
                tampon_.erase(0, fin + 1);
                co_return ligne;
            }
            if (fin != std::string::npos || tampon_.size() >= longueur_max_) {
                throw std::length_error("ligne trop longue");
            }
            const std::size_t n = co_await lecture_.read(morceau_); // seule suspension
            if (n == 0) {
                co_return std::nullopt;
            }
            tampon_.append(morceau_.data(), n);
        }
    }

    /// Lit et jette ce qui arrive, jusqu'à la fin de flux ou `max` octets.
    rt::Task<void> vider(std::size_t max) {
        tampon_.clear();
        for (std::size_t total = 0; total < max;) {
            const std::size_t n = co_await lecture_.read(morceau_);
            if (n == 0) {
                co_return;
            }
            total += n;
        }
    }

private:
    rt::net::OwnedReadHalf lecture_;
    std::size_t longueur_max_;
    std::string tampon_; ///< octets reçus, pas encore rendus en lignes
    std::array<char, 4096> morceau_{};
};
