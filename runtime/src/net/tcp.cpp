// TcpListener et TcpStream : des appels système non bloquants, et le réacteur quand ils
// rendent EAGAIN (« essayer, sinon attendre, puis réessayer »).

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "rt/detail/coop.hpp"
#include "rt/net/tcp_listener.hpp"
#include "rt/net/tcp_stream.hpp"

namespace rt::net {

namespace {

[[noreturn]] void throw_errno(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

void make_non_blocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        throw_errno(errno, "rt::net : impossible de rendre le socket non bloquant");
    }
}

/// Un socket TCP neuf, non bloquant, fermé à l'exécution d'un autre programme.
int new_socket(const SocketAddr& address) {
    const int fd = ::socket(address.is_ipv6() ? AF_INET6 : AF_INET,
                            SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw_errno(errno, "rt::net : impossible de créer un socket");
    }
    return fd;
}

SocketAddr name_of(int fd, bool peer) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    const int r = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length)
                       : ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
    if (r < 0) {
        throw_errno(errno,
                    peer ? "rt::net : getpeername a échoué" : "rt::net : getsockname a échoué");
    }
    return SocketAddr::from_native(storage, length);
}

} // namespace

// --- detail::Socket ---------------------------------------------------------------------------

detail::Socket::~Socket() {
    const int fd = source.fd;
    source.deregister(); // avant close : le fd pourrait être réutilisé aussitôt
    ::close(fd);
}

Task<std::size_t> detail::Socket::read(std::span<char> buffer) {
    co_await rt::detail::coop::proceed(); // une opération prête de plus (budget)
    for (;;) {
        const ssize_t n = ::recv(source.fd, buffer.data(), buffer.size(), 0);
        if (n >= 0) {
            co_return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            throw_errno(errno, "rt::net : lecture impossible");
        }
        co_await rt::detail::IoReady(source, rt::detail::Direction::Read);
    }
}

Task<std::size_t> detail::Socket::write(std::span<const char> data) {
    co_await rt::detail::coop::proceed(); // une opération prête de plus (budget)
    for (;;) {
        // MSG_NOSIGNAL : un pair qui a fermé donne EPIPE, pas un SIGPIPE qui tue le processus.
        const ssize_t n = ::send(source.fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            co_return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            throw_errno(errno, "rt::net : écriture impossible");
        }
        co_await rt::detail::IoReady(source, rt::detail::Direction::Write);
    }
}

Task<void> detail::Socket::write_all(std::span<const char> data) {
    while (!data.empty()) {
        const std::size_t n = co_await write(data);
        data = data.subspan(n);
    }
}

// --- TcpStream ---------------------------------------------------------------------------------

TcpStream::TcpStream(int fd) : socket_(std::make_shared<detail::Socket>(fd)) {
    make_non_blocking(fd);
}

Task<TcpStream> TcpStream::connect(std::string address) {
    const SocketAddr target = SocketAddr::parse(address);
    TcpStream stream(new_socket(target));
    const int fd = stream.socket_->source.fd;
    if (::connect(fd, target.native(), target.native_length()) < 0) {
        if (errno != EINPROGRESS) {
            throw_errno(errno, "rt::net : connexion à " + address + " impossible");
        }
        // Connexion en cours : le socket devient inscriptible quand elle aboutit (ou échoue).
        co_await rt::detail::IoReady(stream.socket_->source, rt::detail::Direction::Write);
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            throw_errno(error, "rt::net : connexion à " + address + " impossible");
        }
    }
    co_return stream;
}

void TcpStream::shutdown_write() {
    if (::shutdown(socket_->source.fd, SHUT_WR) < 0) {
        throw_errno(errno, "rt::net : shutdown impossible");
    }
}

void OwnedWriteHalf::shutdown_write() {
    if (::shutdown(socket_->source.fd, SHUT_WR) < 0) {
        throw_errno(errno, "rt::net : shutdown impossible");
    }
}

SocketAddr TcpStream::local_addr() const {
    return name_of(socket_->source.fd, false);
}
SocketAddr TcpStream::peer_addr() const {
    return name_of(socket_->source.fd, true);
}

void TcpStream::set_nodelay(bool enabled) {
    int value = enabled ? 1 : 0;
    if (::setsockopt(socket_->source.fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) < 0) {
        throw_errno(errno, "rt::net : TCP_NODELAY impossible");
    }
}

std::pair<OwnedReadHalf, OwnedWriteHalf> TcpStream::into_split() && {
    // Les deux moitiés partagent le même socket : la lecture attend dans `reader`, l'écriture
    // dans `writer` ; le fd est fermé quand les deux moitiés sont détruites.
    return {OwnedReadHalf(socket_), OwnedWriteHalf(std::move(socket_))};
}

// --- TcpListener -------------------------------------------------------------------------------

Task<TcpListener> TcpListener::bind(std::string address) {
    const SocketAddr local = SocketAddr::parse(address);
    TcpListener listener(new_socket(local));
    const int fd = listener.socket_->source.fd;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); // relancer sans attendre
    if (::bind(fd, local.native(), local.native_length()) < 0) {
        throw_errno(errno, "rt::net : impossible d'écouter sur " + address);
    }
    if (::listen(fd, SOMAXCONN) < 0) {
        throw_errno(errno, "rt::net : listen a échoué sur " + address);
    }
    co_return listener;
}

Task<std::pair<TcpStream, SocketAddr>> TcpListener::accept() {
    co_await rt::detail::coop::proceed(); // une opération prête de plus (budget)
    for (;;) {
        sockaddr_storage storage{};
        socklen_t length = sizeof storage;
        const int fd = ::accept4(socket_->source.fd, reinterpret_cast<sockaddr*>(&storage), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            co_return std::pair<TcpStream, SocketAddr>(TcpStream(fd),
                                                       SocketAddr::from_native(storage, length));
        }
        if (errno == EINTR || errno == ECONNABORTED) {
            continue; // le client est parti avant qu'on l'accepte : au suivant
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            throw_errno(errno, "rt::net : accept a échoué");
        }
        co_await rt::detail::IoReady(socket_->source, rt::detail::Direction::Read);
    }
}

SocketAddr TcpListener::local_addr() const {
    return name_of(socket_->source.fd, false);
}

} // namespace rt::net
