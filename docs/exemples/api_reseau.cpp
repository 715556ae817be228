/// \file
/// \brief Documentation de l'API — `rt::net::TcpListener` et `rt::net::TcpStream` : un
/// serveur qui répond « bonjour » et un client, sur la boucle locale (test
/// `exemples.doc_api_reseau`).
///
/// Les blocs entre marqueurs `//! [nom]` sont cités dans la documentation de ces classes
/// (commande Doxygen `\snippet`). Le port est choisi par le système (`127.0.0.1:0`) ; le
/// programme sort en erreur (code 1) si le client ne lit pas la réponse attendue.
#include <rt/rt.hpp>

#include <cstddef>
#include <iostream>
#include <span>
#include <string>

namespace {

rt::Task<void> servir(rt::net::TcpListener listener) {
    //! [accept]
    auto [socket, addr] = co_await listener.accept();
    std::cout << "connexion de " << addr.to_string() << std::endl;
    //! [accept]
    // Lire la requête jusqu'à la ligne vide, puis répondre (fermer un socket qui a encore des
    // octets non lus enverrait un RST au client).
    std::string requete;
    char morceau[256];
    while (requete.find("\r\n\r\n") == std::string::npos) {
        std::size_t n = co_await socket.read(morceau);
        if (n == 0) {
            co_return;
        }
        requete.append(morceau, n);
    }
    co_await socket.write_all("bonjour\n");
}

rt::Task<std::string> client(std::string adresse) {
    //! [connect]
    auto stream = co_await rt::net::TcpStream::connect(adresse);
    co_await stream.write_all("GET / HTTP/1.1\r\n\r\n");
    char buffer[1024];
    std::size_t n = co_await stream.read(buffer); // 0 : la connexion est fermée
    //! [connect]
    std::string recu(buffer, n);
    while (n != 0) { // la suite, jusqu'à la fermeture par le serveur
        n = co_await stream.read(buffer);
        recu.append(buffer, n);
    }
    co_return recu;
}

rt::Task<int> main_async() {
    //! [bind]
    auto listener = co_await rt::net::TcpListener::bind("127.0.0.1:0"); // port libre
    std::string adresse = listener.local_addr().to_string();
    std::cout << "à l'écoute sur " << adresse << std::endl;
    //! [bind]
    auto serveur = rt::spawn(servir(std::move(listener)));
    std::string recu = co_await client(adresse);
    (co_await serveur).value();
    std::cout << "le client a lu : " << recu;
    co_return recu == "bonjour\n" ? 0 : 1;
}

} // namespace

int main() {
    return rt::block_on(main_async());
}
