#pragma once
/// \file
/// \brief `rt::net::SocketAddr` : une adresse IPv4 ou IPv6 et un port.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace rt::net {

/// \brief Une adresse de socket (`127.0.0.1:8080`, `[::1]:0`), comme `std::net::SocketAddr`.
class SocketAddr {
public:
    /// \brief Lit « hôte:port » (IPv4 numérique, ou IPv6 entre crochets ; `localhost` est
    /// accepté pour 127.0.0.1). Lève `std::invalid_argument` avec un message en français.
    static SocketAddr parse(std::string_view text);
    /// \brief L'adresse d'un `sockaddr` rendu par le noyau (accept, getsockname).
    static SocketAddr from_native(const sockaddr_storage& storage, socklen_t length) noexcept;

    /// \brief « 127.0.0.1:8080 » ou « [::1]:8080 ».
    [[nodiscard]] std::string to_string() const;
    /// \brief Le port.
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// \brief Vrai pour une adresse IPv6.
    [[nodiscard]] bool is_ipv6() const noexcept { return storage_.ss_family == AF_INET6; }
    /// \brief L'adresse au format du noyau (pour bind, connect).
    [[nodiscard]] const sockaddr* native() const noexcept {
        return reinterpret_cast<const sockaddr*>(&storage_);
    }
    /// \brief La taille de `native()`.
    [[nodiscard]] socklen_t native_length() const noexcept { return length_; }

private:
    sockaddr_storage storage_{};
    socklen_t length_ = 0;
};

} // namespace rt::net
