#pragma once
/// \file
/// \brief `rt::net::TcpListener` : accepter des connexions TCP.

#include <memory>
#include <string>
#include <utility>

#include "rt/net/socket_addr.hpp"
#include "rt/net/tcp_stream.hpp"
#include "rt/task.hpp"

namespace rt::net {

/// \brief Un socket d'écoute TCP (comme `tokio::net::TcpListener`).
/// \snippet api_reseau.cpp bind
/// \snippet api_reseau.cpp accept
/// \see La leçon du \chapitre{06}.
class TcpListener {
public:
    /// \brief Écoute sur `address` (« hôte:port » ; le port 0 en choisit un libre).
    static Task<TcpListener> bind(std::string address);
    /// \brief Attend une connexion ; rend le socket et l'adresse du client.
    ///
    /// Lève `std::system_error` en cas d'échec (par exemple EMFILE, plus de descripteurs) :
    /// à l'appelant de décider s'il continue (un serveur doit continuer, voir \chapitre{06}).
    Task<std::pair<TcpStream, SocketAddr>> accept();
    /// \brief L'adresse d'écoute (avec le port réellement choisi).
    [[nodiscard]] SocketAddr local_addr() const;

private:
    explicit TcpListener(int fd) : socket_(std::make_shared<detail::Socket>(fd)) {}
    std::shared_ptr<detail::Socket> socket_;
};

} // namespace rt::net
