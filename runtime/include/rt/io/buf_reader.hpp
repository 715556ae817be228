#pragma once
/// \file
/// \brief `rt::io::BufReader` : lire ligne par ligne depuis un flux asynchrone.

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rt/detail/coop.hpp"
#include "rt/task.hpp"

namespace rt::io {

/// \brief Un tampon de lecture devant un flux (`TcpStream`, `OwnedReadHalf`...) :
/// `read_line` rend une ligne entière même si elle arrive en plusieurs morceaux.
///
/// `R` doit offrir `Task<std::size_t> read(std::span<char>)`.
/// \see La leçon du \chapitre{07}.
template <class R>
class BufReader {
public:
    /// \brief Un lecteur tamponné sur `inner` (pris par valeur).
    explicit BufReader(R inner, std::size_t capacity = 8192)
        : inner_(std::move(inner)), buffer_(capacity) {}

    /// \brief Ajoute à `line` les octets jusqu'au `\n` compris ; rend le nombre d'octets
    /// ajoutés, 0 en fin de flux (comme `read_line` de tokio). Si `max_length` est dépassé
    /// avant la fin de ligne, lève `std::length_error` : une ligne sans fin ne doit pas
    /// remplir la mémoire.
    ///
    /// Abandonnée en cours de route (`select`, `timeout`), comme chez tokio : les octets déjà
    /// ajoutés à `line` y restent, et rien n'est perdu ni relu par l'appel suivant. La limite
    /// porte sur **la ligne**, pas sur un appel : l'appel qui reprend une ligne commencée
    /// compte aussi ce que les appels abandonnés en ont déjà lu. Après `std::length_error`,
    /// le flux est au milieu de la ligne refusée : en général, on ferme la connexion.
    Task<std::size_t> read_line(std::string& line,
                                std::size_t max_length = static_cast<std::size_t>(-1)) {
        co_await detail::coop::proceed(); // avant de toucher à quoi que ce soit (budget)
        std::size_t added = 0;
        for (;;) {
            if (begin_ == end_) {
                // Les positions ne changent qu'une fois la lecture finie : si l'attente est
                // abandonnée (select, timeout), le tampon reste cohérent et rien n'est relu.
                const std::size_t n =
                    co_await inner_.read(std::span<char>(buffer_.data(), buffer_.size()));
                begin_ = 0;
                end_ = n;
                if (n == 0) {
                    line_so_far_ = 0;
                    co_return added; // fin de flux
                }
            }
            auto first = buffer_.begin() + static_cast<std::ptrdiff_t>(begin_);
            auto last = buffer_.begin() + static_cast<std::ptrdiff_t>(end_);
            auto newline = std::find(first, last, '\n');
            const bool complete = newline != last;
            auto stop = complete ? newline + 1 : last;
            const auto count = static_cast<std::size_t>(stop - first);
            if (line_so_far_ + count > max_length) {
                line_so_far_ = 0;
                throw std::length_error("read_line : ligne plus longue que la limite de " +
                                        std::to_string(max_length) + " octets");
            }
            line.append(first, stop);
            added += count;
            line_so_far_ += count;
            begin_ += count;
            if (complete) {
                line_so_far_ = 0;
                co_return added;
            }
        }
    }

    /// \brief Lit ce qui reste dans le tampon, sinon directement depuis le flux.
    Task<std::size_t> read(std::span<char> out) {
        co_await detail::coop::proceed(); // budget
        if (begin_ == end_) {
            co_return co_await inner_.read(out);
        }
        const std::size_t n = std::min(out.size(), end_ - begin_);
        std::copy_n(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_), n, out.begin());
        begin_ += n;
        co_return n;
    }

    /// \brief Le flux sous-jacent.
    R& get_ref() noexcept { return inner_; }

private:
    R inner_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0; ///< premier octet non lu du tampon
    std::size_t end_ = 0;   ///< fin des octets valides du tampon
    /// Octets de la ligne en cours déjà rendus, y compris par des appels abandonnés.
    std::size_t line_so_far_ = 0;
};

} // namespace rt::io
