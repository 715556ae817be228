#pragma once
/// \file
/// \brief `rt::net::TcpStream` : une connexion TCP non bloquante, et ses deux moitiés.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "rt/detail/io_source.hpp"
#include "rt/net/socket_addr.hpp"
#include "rt/task.hpp"

namespace rt::net {

namespace detail {
/// \brief Un fd de socket possédé : fermé à la destruction, après sa désinscription.
struct Socket {
    explicit Socket(int fd) noexcept : source(fd) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket();
    rt::detail::IoSource source; ///< le fd et ses attentes auprès du réacteur

    /// \brief Lit au plus `buffer.size()` octets ; 0 en fin de flux.
    Task<std::size_t> read(std::span<char> buffer);
    /// \brief Écrit au moins un octet de `data` ; rend le nombre écrit.
    Task<std::size_t> write(std::span<const char> data);
    /// \brief Écrit tout `data`, en plusieurs fois si le noyau n'en prend qu'une partie.
    Task<void> write_all(std::span<const char> data);
};
} // namespace detail

class OwnedReadHalf;
class OwnedWriteHalf;

/// \brief Une connexion TCP (comme `tokio::net::TcpStream`).
///
/// Le socket est non bloquant : une lecture sans données disponibles suspend la **tâche**,
/// pas le thread. Les erreurs du système sont levées en `std::system_error`.
/// \snippet api_reseau.cpp connect
/// Les tampons passés à `read`/`write` doivent vivre jusqu'à la fin du `co_await`.
/// \see La leçon du \chapitre{06}.
class TcpStream {
public:
    /// \brief Se connecte à `address` (« hôte:port »).
    static Task<TcpStream> connect(std::string address);
    /// \brief Adopte un fd de socket connecté (le rend non bloquant).
    explicit TcpStream(int fd);

    /// \brief Lit au plus `buffer.size()` octets ; rend 0 quand le pair a fermé.
    Task<std::size_t> read(std::span<char> buffer) { return socket_->read(buffer); }
    /// \brief Écrit une partie de `data` (au moins un octet) ; rend le nombre écrit.
    Task<std::size_t> write(std::span<const char> data) { return socket_->write(data); }
    /// \brief Écrit tout `data` (le `write_all` de tokio).
    Task<void> write_all(std::string_view data) {
        return socket_->write_all(std::span<const char>(data.data(), data.size()));
    }
    /// \brief Ferme le sens écriture (le pair lira une fin de flux) ; la lecture continue.
    void shutdown_write();
    /// \brief Le `shutdown().await` de tokio : ferme le sens écriture. Rien à attendre sur un
    /// socket TCP (les octets déjà écrits partent quand même), d'où une tâche immédiate.
    Task<void> shutdown() {
        shutdown_write();
        co_return;
    }
    /// \brief L'adresse locale.
    [[nodiscard]] SocketAddr local_addr() const;
    /// \brief L'adresse du pair.
    [[nodiscard]] SocketAddr peer_addr() const;
    /// \brief Désactive l'algorithme de Nagle (envoi immédiat des petits messages).
    void set_nodelay(bool enabled);
    /// \brief Coupe la connexion en une moitié lecture et une moitié écriture, utilisables
    /// par deux tâches différentes (le `into_split` de tokio).
    std::pair<OwnedReadHalf, OwnedWriteHalf> into_split() &&;

private:
    std::shared_ptr<detail::Socket> socket_;
};

/// \brief La moitié lecture d'un `TcpStream` coupé par `into_split`.
class OwnedReadHalf {
public:
    /// \brief Comme `TcpStream::read`.
    Task<std::size_t> read(std::span<char> buffer) { return socket_->read(buffer); }

private:
    friend class TcpStream;
    explicit OwnedReadHalf(std::shared_ptr<detail::Socket> s) noexcept : socket_(std::move(s)) {}
    std::shared_ptr<detail::Socket> socket_;
};

/// \brief La moitié écriture d'un `TcpStream` coupé par `into_split`.
class OwnedWriteHalf {
public:
    /// \brief Comme `TcpStream::write_all`.
    Task<void> write_all(std::string_view data) {
        return socket_->write_all(std::span<const char>(data.data(), data.size()));
    }
    /// \brief Comme `TcpStream::write`.
    Task<std::size_t> write(std::span<const char> data) { return socket_->write(data); }
    /// \brief Ferme le sens écriture.
    void shutdown_write();
    /// \brief Comme `TcpStream::shutdown`.
    Task<void> shutdown() {
        shutdown_write();
        co_return;
    }

private:
    friend class TcpStream;
    explicit OwnedWriteHalf(std::shared_ptr<detail::Socket> s) noexcept : socket_(std::move(s)) {}
    std::shared_ptr<detail::Socket> socket_;
};

} // namespace rt::net
