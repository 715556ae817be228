#include "rt/net/socket_addr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace rt::net {

namespace {
[[noreturn]] void invalid(std::string_view text, const char* why) {
    throw std::invalid_argument("adresse invalide « " + std::string(text) + " » : " + why +
                                " (attendu : « 127.0.0.1:8080 » ou « [::1]:8080 »)");
}
} // namespace

SocketAddr SocketAddr::parse(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        invalid(text, "il manque « :port »");
    }
    std::string host(text.substr(0, colon));
    const std::string_view port_text = text.substr(colon + 1);
    unsigned port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
        port_text.empty()) {
        invalid(text, "le port doit être un nombre entre 0 et 65535");
    }
    SocketAddr addr;
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr.storage_);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(port));
        if (::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &v6->sin6_addr) != 1) {
            invalid(text, "adresse IPv6 illisible");
        }
        addr.length_ = sizeof(sockaddr_in6);
        return addr;
    }
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr.storage_);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) != 1) {
        invalid(text, "adresse IPv4 illisible (les noms d'hôte ne sont pas résolus)");
    }
    addr.length_ = sizeof(sockaddr_in);
    return addr;
}

SocketAddr SocketAddr::from_native(const sockaddr_storage& storage, socklen_t length) noexcept {
    SocketAddr addr;
    std::memcpy(&addr.storage_, &storage, sizeof storage);
    addr.length_ = length;
    return addr;
}

std::uint16_t SocketAddr::port() const noexcept {
    if (is_ipv6()) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
}

std::string SocketAddr::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_ipv6()) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text,
                    sizeof text);
        // Assemblée par ajouts successifs : `"[" + std::string(...)` déclenche un faux
        // avertissement -Wrestrict de g++ 12 en -O3.
        std::string result;
        result += '[';
        result += text;
        result += "]:";
        result += std::to_string(port());
        return result;
    }
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
                sizeof text);
    return std::string(text) + ":" + std::to_string(port());
}

} // namespace rt::net
