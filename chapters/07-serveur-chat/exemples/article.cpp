/// \file
/// \brief Chapitre 07 — le serveur de chat de l'article, traduit fidèlement, défauts compris.
///
/// Usage : ch07_article [adresse] [--auto N]
///   adresse   : adresse d'écoute (127.0.0.1:8081 par défaut ; 127.0.0.1:0 choisit un port libre)
///   --auto N  : lance N clients internes, montre qui reçoit quoi, puis s'arrête (visite
///               guidée, tests). Sans --auto, le serveur tourne jusqu'à Ctrl+C : essayez
///               « nc 127.0.0.1 8081 » dans deux terminaux.
///
/// Les défauts de l'article (DESIGN.md, §4, point 4) sont GARDÉS et signalés par « DÉFAUT » ;
/// le serveur corrigé est exemples/serveur.cpp.

#include "lignes.hpp"

#include <rt/rt.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

// type Clients = Arc<Mutex<Vec<broadcast::Sender<String>>>>;
/// \brief L'état partagé de l'article : la liste des émetteurs, un par client, sous verrou.
using Clients =
    std::shared_ptr<rt::sync::Mutex<std::vector<rt::sync::broadcast::Sender<std::string>>>>;

namespace {

/// Le `trim()` de Rust : retire les blancs au début et à la fin.
std::string trim(std::string_view s) {
    const auto debut = s.find_first_not_of(" \t\r\n");
    if (debut == std::string_view::npos) {
        return {};
    }
    const auto fin = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(debut, fin - debut + 1));
}

} // namespace

/// \brief Le `gerer_client` de l'article : un canal par client, une tâche d'écriture, la
/// lecture des lignes et leur diffusion à toute la liste (expéditeur compris).
rt::Task<void> gerer_client(rt::net::TcpStream socket, Clients clients) {
    auto [reader_half, writer] = std::move(socket).into_split();
    rt::io::BufReader reader(std::move(reader_half));

    // DÉFAUT n° 3 : un canal broadcast PAR CLIENT, dont ce client est le seul récepteur. Un
    // canal de diffusion à un seul abonné, c'est une file ; et diffuser devient une boucle
    // sur tous les canaux, sous verrou.
    auto [tx, rx] = rt::sync::broadcast::channel<std::string>(100);

    // Ajouter le client à la liste
    // DÉFAUT n° 1 : personne ne l'en retire jamais (voir la fin de la fonction).
    (co_await clients->lock())->push_back(tx);

    // DÉFAUT n° 5 : tx_clone n'est jamais utilisé (en Rust : un avertissement du compilateur).
    [[maybe_unused]] auto tx_clone = tx;

    // Tâche pour recevoir les messages du broadcast et les écrire sur le réseau
    (void)rt::spawn([rx = std::move(rx), writer = std::move(writer)]() mutable -> rt::Task<void> {
        for (;;) {
            // DÉFAUT n° 4 : un select à UNE seule branche, c'est un simple co_await rx.recv().
            auto choix = co_await rt::select(rx.recv());
            auto msg = std::get<0>(std::move(choix));
            if (!msg) {
                break; // Err(_) : fermé... ou simplement en retard (Lagged) : on abandonne
            }
            try {
                co_await writer.write_all(*msg + "\n");
            } catch (const std::system_error&) {
                break;
            }
        }
    });

    // Lire les messages du client
    std::string line;
    for (;;) {
        line.clear();
        // Pas de limite de longueur : une ligne sans fin grossit sans borne en mémoire.
        if (co_await reader.read_line(line) == 0) {
            break; // Connexion fermée
        }
        std::string message = trim(line);

        // Diffuser le message à tous les clients
        // DÉFAUT n° 2 : « tous » comprend l'expéditeur, qui reçoit son propre message.
        auto clients_guard = co_await clients->lock();
        for (auto& client_tx : *clients_guard) {
            (void)client_tx.send(message);
        }
    }
    // DÉFAUT n° 1 (suite) : on sort sans se retirer de la liste. La copie de tx qu'elle garde
    // empêche le canal de se fermer : la tâche d'écriture attend pour toujours, jusqu'à ce
    // qu'un message lui fasse écrire sur une connexion fermée.
}

/// \brief Accepte les connexions et lance une tâche par client (comme la boucle de l'article).
rt::Task<void> boucle_acceptation(rt::net::TcpListener listener, Clients clients) {
    for (;;) {
        auto [socket, addr] = co_await listener.accept();
        // L'article écrit accept().await? : une erreur d'accept arrête le serveur (chapitre 06).
        (void)rt::spawn([socket = std::move(socket), addr = addr,
                         clients = clients]() mutable -> rt::Task<void> {
            std::cout << "Nouveau client : " << addr.to_string() << std::endl;
            try {
                co_await gerer_client(std::move(socket), clients);
            } catch (const std::exception& e) {
                std::cout << "Erreur client " << addr.to_string() << " : " << e.what() << std::endl;
            }
        });
    }
}

// --- Mode --auto : des clients internes, pour voir les défauts ----------------------------

namespace {

/// Un client interne : sa connexion, et un lecteur de lignes dessus.
struct ClientInterne {
    int numero;
    // Sûr face au timeout : une ligne entière ou rien (read_line demanderait de garder la
    // ligne commencée d'un appel abandonné à l'autre).
    std::unique_ptr<LecteurDeLignes> lignes;
    std::unique_ptr<rt::net::OwnedWriteHalf> ecrivain;
};

/// Ce que le client reçoit dans la seconde (ou « rien »).
rt::Task<std::string> lire_ou_rien(ClientInterne& c) {
    auto r = co_await rt::time::timeout(1s, c.lignes->prochaine());
    if (!r || !*r) {
        co_return "(rien)";
    }
    co_return trim(**r);
}

rt::Task<std::size_t> taille_liste(const Clients& clients) {
    co_return (co_await clients->lock())->size();
}

/// Attend que la liste compte `n` clients (le serveur les enregistre en parallèle).
rt::Task<void> attendre_liste(const Clients& clients, std::size_t n) {
    for (int i = 0; i < 500 && co_await taille_liste(clients) != n; ++i) {
        co_await rt::time::sleep(2ms);
    }
}

/// Chaque client lit une ligne ; rend ce qu'a reçu le premier.
rt::Task<std::string> tout_le_monde_lit(std::vector<ClientInterne>& clients) {
    std::string premier;
    for (auto& c : clients) {
        const std::string recu = co_await lire_ou_rien(c);
        std::cout << "  client " << c.numero << " reçoit : " << recu << std::endl;
        if (premier.empty()) {
            premier = recu;
        }
    }
    co_return premier;
}

rt::Task<int> demonstration(std::string adresse, int n, Clients liste) {
    std::vector<ClientInterne> clients;
    for (int i = 1; i <= n; ++i) {
        auto s = co_await rt::net::TcpStream::connect(adresse);
        auto [r, w] = std::move(s).into_split();
        clients.push_back({i, std::make_unique<LecteurDeLignes>(std::move(r)),
                           std::make_unique<rt::net::OwnedWriteHalf>(std::move(w))});
    }
    co_await attendre_liste(liste, static_cast<std::size_t>(n));

    std::cout << "\n[auto] le client 1 envoie « bonjour »" << std::endl;
    co_await clients[0].ecrivain->write_all("bonjour\n");
    const std::string echo = co_await tout_le_monde_lit(clients);
    std::cout << "  -> DÉFAUT n° 2 : le client 1 a reçu son propre message" << std::endl;

    std::cout << "\n[auto] le client " << n << " se déconnecte" << std::endl;
    clients.pop_back();             // ses deux moitiés sont détruites : la connexion est fermée
    co_await rt::time::sleep(50ms); // démonstration seulement : laisser le serveur voir la fin
    std::cout << "  clients dans la liste du serveur : " << co_await taille_liste(liste)
              << " (connectés : " << clients.size() << ") -> DÉFAUT n° 1 : jamais retiré"
              << std::endl;

    std::cout << "\n[auto] le client 1 envoie « encore là ? »" << std::endl;
    co_await clients[0].ecrivain->write_all("encore là ?\n");
    co_await tout_le_monde_lit(clients);
    std::cout << "  clients dans la liste : " << co_await taille_liste(liste)
              << " ; chaque message est encore envoyé au canal du client parti" << std::endl;
    // Le code de sortie vérifie les deux défauts (CTest lance ce mode) : 0 s'ils sont là.
    const bool fantome = co_await taille_liste(liste) == static_cast<std::size_t>(n);
    co_return (echo == "bonjour" && fantome) ? 0 : 1;
}

} // namespace

/// \brief Le `main` asynchrone : le serveur seul, ou le serveur et la démonstration `--auto`.
rt::Task<int> main_async(std::string adresse, int auto_clients) {
    auto listener = co_await rt::net::TcpListener::bind(adresse);
    Clients clients = std::make_shared<Clients::element_type>();
    const std::string vraie = listener.local_addr().to_string();
    std::cout << "Serveur de chat en écoute sur " << vraie << std::endl;

    if (auto_clients == 0) {
        co_await boucle_acceptation(std::move(listener), clients);
        co_return 0;
    }
    auto serveur = rt::spawn(boucle_acceptation(std::move(listener), clients));
    const int code = co_await demonstration(vraie, auto_clients, clients);
    serveur.abort();
    co_return code;
}

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8081";
    int auto_clients = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--auto" && i + 1 < argc) {
            auto_clients = std::atoi(argv[++i]);
        } else {
            adresse = a;
        }
    }
    if (auto_clients != 0 && auto_clients < 2) {
        std::cerr << "--auto : il faut au moins 2 clients" << std::endl;
        return 2;
    }
    return rt::block_on(main_async(adresse, auto_clients));
}
