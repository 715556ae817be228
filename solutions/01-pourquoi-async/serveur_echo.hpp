// Chapitre 01 — exercice « utiliser » : un serveur d'écho « un thread par connexion ».
//
// C'est le modèle classique que l'article critique : chaque client reçoit un thread du
// système qui passe sa vie bloqué dans read(). Le code est simple à lire ; son coût (un
// thread, donc une pile, par client) est ce que les chapitres suivants vont éliminer.
//
// Ce fichier d'interface est identique dans exercices/ et dans solutions/ : ne le modifiez
// pas, les tests s'appuient dessus. Votre travail est dans serveur_echo.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace ch01 {

/// Renvoie sur `fd` tout ce qui y est lu, jusqu'à la fin de flux (read() renvoie 0).
/// Gère les lectures et écritures partielles et les appels interrompus (EINTR).
/// Ne ferme pas `fd` : c'est à l'appelant de le faire.
/// @return le nombre total d'octets renvoyés.
/// @throws std::system_error si read() ou send() échoue (client parti brutalement...).
std::size_t echo_connexion(int fd);

/// Ouvre une socket TCP d'écoute sur `adresse` (« IPv4:port », port 0 = port libre choisi
/// par le noyau). Fourni : ce n'est pas le sujet de l'exercice.
/// @return le descripteur ; `port_choisi` reçoit le port réellement attribué.
/// @throws std::system_error, std::invalid_argument (adresse mal formée).
int ouvrir_ecoute(const std::string& adresse, std::uint16_t& port_choisi);

/// Serveur d'écho : un thread d'acceptation, puis un thread par connexion.
///
/// Cycle de vie : le constructeur ouvre la socket d'écoute (les clients peuvent déjà se
/// connecter : le noyau les met en file), demarrer() lance le thread d'acceptation,
/// arreter() (ou le destructeur) ferme tout et joint tous les threads.
class ServeurEcho {
public:
    /// Écoute sur `adresse` ; "127.0.0.1:0" choisit un port libre (voir port()).
    explicit ServeurEcho(const std::string& adresse = "127.0.0.1:8080");
    ~ServeurEcho();

    ServeurEcho(const ServeurEcho&) = delete;
    ServeurEcho& operator=(const ServeurEcho&) = delete;

    /// Port d'écoute réellement attribué.
    std::uint16_t port() const noexcept { return port_; }

    /// Lance le thread d'acceptation (boucle_acceptation). Rend la main tout de suite.
    void demarrer();

    /// Arrête le serveur : plus d'acceptation, connexions en cours fermées, tous les threads
    /// joints. Idempotent ; appelé par le destructeur. Ne doit jamais bloquer indéfiniment,
    /// même si des clients restent connectés sans rien envoyer.
    void arreter();

    /// Nombre total de connexions acceptées depuis le démarrage.
    std::size_t connexions_acceptees() const;
    /// Nombre de connexions en cours de service (= threads de connexion vivants).
    std::size_t connexions_actives() const;
    /// Plus grand nombre de connexions servies simultanément.
    std::size_t pic_connexions() const;

private:
    /// Une connexion : sa socket, le thread qui la sert, et si ce thread a fini.
    struct Connexion {
        explicit Connexion(int f) : fd(f) {}
        int fd; // fermée (et remise à -1) par son propre thread, sous mutex_
        std::thread thread;
        bool terminee = false; // protégé par mutex_
    };
    using Iterateur = std::list<Connexion>::iterator;

    /// Corps du thread d'acceptation.
    void boucle_acceptation();
    /// Corps du thread d'une connexion.
    void servir(Iterateur connexion);
    /// Joint et ferme les connexions terminées. Appelée avec mutex_ verrouillé.
    void nettoyer_terminees();

    int ecoute_fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread accepteur_;

    mutable std::mutex mutex_;
    // std::list : les itérateurs restent valides quand on ajoute ou retire d'autres éléments,
    // chaque thread de connexion garde donc le sien sans risque.
    std::list<Connexion> connexions_;
    std::size_t acceptees_ = 0;
    std::size_t pic_ = 0;
    bool arret_ = false;
};

} // namespace ch01
