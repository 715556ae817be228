// Chapitre 07 — exercice « utiliser » : le serveur de chat corrigé (fichier fourni tel quel :
// l'interface et le protocole à lire).
//
// Le travail est dans chat.cpp : la fonction gerer_client, qui sert UN client. La boucle
// d'acceptation est fournie (servir, plus bas) ; les tests ont la leur, qui appelle votre
// gerer_client pour chaque connexion.
//
// Le protocole, ligne par ligne (chaque ligne finit par '\n') :
//   - à la connexion, le serveur envoie ligne_bienvenue(id) : « bienvenue 7 » ;
//   - une ligne « texte » envoyée par le client 7 est diffusée à tous les AUTRES clients sous
//     la forme ligne_message : « [7] texte » (pas d'écho à l'expéditeur) ; les '\r' et '\n'
//     de fin sont retirés, une ligne vide n'est pas diffusée ;
//   - un client qui a pris trop de retard reçoit ligne_perdus(n) : « *** 12 messages perdus »,
//     puis la suite ;
//   - une ligne de plus de LONGUEUR_MAX octets (fin de ligne comprise) est refusée : le client
//     reçoit LIGNE_TROP_LONGUE et sa connexion est fermée ; les autres ne voient rien.
#pragma once

#include <rt/rt.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace utiliser {

/// Longueur maximale d'une ligne reçue, '\n' compris : au-delà, le client est déconnecté.
inline constexpr std::size_t LONGUEUR_MAX = 1024;

/// Ce que le serveur envoie avant de fermer la connexion d'un client qui dépasse LONGUEUR_MAX.
inline constexpr std::string_view LIGNE_TROP_LONGUE = "*** ligne trop longue : au revoir\n";

/// Un message du salon : qui l'a écrit (pour ne pas le lui renvoyer), et quoi.
struct Message {
    std::uint64_t auteur = 0;
    std::string texte;
};

/// L'état partagé du serveur : UN canal broadcast pour tout le salon (pas un par client), et
/// de quoi numéroter les clients. Partagé par std::shared_ptr entre les tâches (l'Arc de Rust).
///
/// Pas de liste de clients : un client « est dans le salon » tant que son Receiver existe.
/// Quand sa tâche se termine, son Receiver est détruit, et il n'y a rien d'autre à nettoyer.
struct Salon {
    /// `capacite` : combien de messages un client peut avoir en retard avant d'en perdre.
    explicit Salon(std::size_t capacite = 128)
        : emetteur(rt::sync::broadcast::channel<Message>(capacite).first) {}

    /// L'émetteur du salon : `emetteur.subscribe()` pour un nouveau client,
    /// `emetteur.send(...)` pour diffuser, `emetteur.receiver_count()` = clients connectés.
    rt::sync::broadcast::Sender<Message> emetteur;
    /// Le numéro du prochain client (1, 2, 3...). Atomique : rien ne coûte, et le salon reste
    /// juste si on le sert un jour depuis un runtime multi-thread.
    std::atomic<std::uint64_t> prochain_id{1};
};

/// « bienvenue 7\n » : la première ligne envoyée à un client ; elle dit son numéro.
inline std::string ligne_bienvenue(std::uint64_t id) {
    return "bienvenue " + std::to_string(id) + "\n";
}

/// « [7] texte\n » : un message du client 7, tel que les autres le reçoivent.
inline std::string ligne_message(const Message& m) {
    return "[" + std::to_string(m.auteur) + "] " + m.texte + "\n";
}

/// « *** 12 messages perdus\n » : ce que reçoit un client en retard (RecvError lagged).
inline std::string ligne_perdus(std::uint64_t n) {
    return "*** " + std::to_string(n) + " messages perdus\n";
}

/// Lit les lignes d'un client, d'une façon SÛRE FACE À L'ANNULATION : `prochaine()` peut être
/// une branche de rt::select qui perd, sans perdre ni rejouer un octet.
///
/// Pourquoi pas rt::io::BufReader::read_line ? Abandonné, il ne perd ni ne relit rien : les
/// octets déjà lus restent dans la chaîne `line` qu'on lui a passée. Mais cette chaîne doit
/// alors survivre d'un tour de select à l'autre et n'être vidée qu'une fois la ligne finie :
/// un `line.clear()` en tête de boucle jetterait le début de la ligne à chaque select perdu
/// (et le read_line de tokio, lui, n'est pas sûr du tout : sa documentation le dit). Ici,
/// tout l'état vit dans l'objet, et la seule suspension est l'attente de `read`, AVANT qu'un
/// octet soit consommé : `prochaine()` rend une ligne entière ou rien, comme le
/// `Lines::next_line` de tokio.
class LecteurDeLignes {
public:
    explicit LecteurDeLignes(rt::net::OwnedReadHalf lecture) : lecture_(std::move(lecture)) {}

    /// La prochaine ligne, '\n' compris ; std::nullopt en fin de flux (une ligne inachevée à
    /// la fin du flux est abandonnée). Lève std::length_error si la ligne dépasse LONGUEUR_MAX
    /// octets, même reçue en plusieurs morceaux ; std::system_error sur erreur réseau.
    rt::Task<std::optional<std::string>> prochaine() {
        for (;;) {
            const std::size_t fin = tampon_.find('\n');
            if (fin != std::string::npos) {
                if (fin + 1 > LONGUEUR_MAX) {
                    throw std::length_error("ligne plus longue que LONGUEUR_MAX");
                }
                std::string ligne = tampon_.substr(0, fin + 1);
                tampon_.erase(0, fin + 1);
                co_return ligne;
            }
            if (tampon_.size() >= LONGUEUR_MAX) {
                throw std::length_error("ligne plus longue que LONGUEUR_MAX");
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
    std::string tampon_; ///< octets reçus, pas encore rendus en lignes
    std::array<char, 4096> morceau_{};
};

/// Refuse une ligne trop longue : envoie LIGNE_TROP_LONGUE, ferme le sens écriture, puis lit et
/// jette ce que le client envoie encore (au plus 1 s, au plus 1 Mio) avant la fermeture.
/// Pourquoi ce dernier point ? Fermer un socket dont des octets reçus n'ont pas été lus fait
/// envoyer un RST, et le client pourrait perdre notre explication avant de l'avoir lue.
/// Ne lève pas. Fournie : à appeler hors de tout bloc catch (pas de co_await dans un catch).
inline rt::Task<void> refuser_ligne_trop_longue(rt::net::OwnedWriteHalf& ecriture,
                                                LecteurDeLignes& lignes) {
    try {
        co_await ecriture.write_all(LIGNE_TROP_LONGUE);
        ecriture.shutdown_write();
        (void)co_await rt::time::timeout(std::chrono::seconds(1), lignes.vider(1u << 20));
    } catch (const std::system_error&) {
        // parti entre-temps : rien à faire
    }
}

/// Sert un client jusqu'à ce qu'il parte (fin de flux, erreur réseau ou ligne trop longue).
/// Ne lève jamais : une erreur d'un client ne concerne que lui (elle est rendue silencieuse
/// ou journalisée, au choix). À lancer dans sa propre tâche : rt::spawn(gerer_client(...)).
rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Salon> salon);

/// La boucle d'acceptation : une tâche par client. Une erreur d'accept (EMFILE...) ne
/// termine pas le serveur (chapitre 06).
inline rt::Task<void> servir(rt::net::TcpListener listener, std::shared_ptr<Salon> salon) {
    for (;;) {
        bool erreur = false;
        try {
            auto [socket, addr] = co_await listener.accept();
            (void)rt::spawn(gerer_client(std::move(socket), salon));
        } catch (const std::system_error&) {
            erreur = true; // pas de co_await dans un catch : on note, on attend dehors
        }
        if (erreur) {
            co_await rt::time::sleep(std::chrono::milliseconds(10)); // EMFILE : on respire
        }
    }
}

} // namespace utiliser
