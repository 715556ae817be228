// Chapitre 01 — le modèle « classique » : un serveur d'écho, un thread par connexion.
//
// C'est l'approche que l'article dit atteindre vite ses limites. Le code est court et se lit
// de haut en bas ; chaque client coûte un thread du système (une pile, une entrée dans
// le planificateur du noyau) qui passe presque tout son temps bloqué dans read().
//
// Usage : ch01_serveur_threads [adresse] [--auto N]
//   adresse   « IPv4:port », défaut 127.0.0.1:8080 ; port 0 = un port libre, affiché
//   --auto N  démonstration autonome : le programme se connecte lui-même N fois en même
//             temps, vérifie les échos, affiche threads et mémoire, puis s'arrête
//
// Essai à la main : lancez le serveur, puis dans un autre terminal `nc 127.0.0.1 8080`.
//
// Version volontairement simple (threads détachés, pas d'arrêt propre en mode serveur) :
// l'exercice du chapitre écrit la version complète, avec arrêt et ramassage des threads.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Connexions servies en ce moment : le mode --auto attend qu'elles soient toutes finies.
std::mutex g_mutex;
std::condition_variable g_cv;
int g_actives = 0;

[[noreturn]] void echec(const char* quoi) {
    std::perror(quoi);
    std::exit(1);
}

// Lit « 127.0.0.1:8080 » dans une sockaddr_in.
sockaddr_in adresse_ipv4(const std::string& texte) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    const auto deux_points = texte.rfind(':');
    if (deux_points == std::string::npos ||
        ::inet_pton(AF_INET, texte.substr(0, deux_points).c_str(), &sa.sin_addr) != 1) {
        std::fprintf(stderr, "adresse invalide : %s (attendu IPv4:port)\n", texte.c_str());
        std::exit(2);
    }
    sa.sin_port = htons(static_cast<std::uint16_t>(std::atoi(texte.c_str() + deux_points + 1)));
    return sa;
}

// Envoie tout le tampon : send() peut n'en écrire qu'une partie.
bool envoyer_tout(int fd, const char* donnees, std::size_t taille) {
    while (taille > 0) {
        const ssize_t n = ::send(fd, donnees, taille, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        donnees += n;
        taille -= static_cast<std::size_t>(n);
    }
    return true;
}

// Le travail d'un thread de connexion : lire, renvoyer, jusqu'à la fin de flux.
// Pendant tout ce temps, ce thread ne sert qu'à ce client.
void traiter_connexion(int fd) {
    char tampon[4096];
    for (;;) {
        const ssize_t n = ::read(fd, tampon, sizeof tampon); // bloque : le thread dort ici
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || !envoyer_tout(fd, tampon, static_cast<std::size_t>(n)))
            break;
    }
    ::close(fd);
    std::lock_guard verrou(g_mutex);
    --g_actives;
    g_cv.notify_all();
}

// La boucle d'acceptation : un nouveau thread du système par client.
void accepter(int ecoute, bool bavard) {
    for (;;) {
        sockaddr_in client{};
        socklen_t taille = sizeof client;
        const int fd =
            ::accept4(ecoute, reinterpret_cast<sockaddr*>(&client), &taille, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Plus de descripteur ou de mémoire : le client attend dans la file, et
                // accept4() échouerait aussitôt. On patiente au lieu de tourner à vide.
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                continue;
            }
            return; // socket d'écoute fermée (mode --auto) ou erreur grave
        }
        if (bavard) {
            char ip[INET_ADDRSTRLEN];
            ::inet_ntop(AF_INET, &client.sin_addr, ip, sizeof ip);
            std::printf("Nouvelle connexion : %s:%u\n", ip, ntohs(client.sin_port));
            std::fflush(stdout);
        }
        {
            std::lock_guard verrou(g_mutex);
            ++g_actives;
        }
        // Le cœur du modèle classique, l'équivalent de std::thread::spawn en Rust.
        std::thread(traiter_connexion, fd).detach();
    }
}

struct Status {
    long virtuelle_kio = 0, residente_kio = 0, threads = 0;
};

Status lire_status() {
    Status s;
    std::ifstream f("/proc/self/status");
    std::string ligne;
    while (std::getline(f, ligne)) {
        std::istringstream champs(ligne);
        std::string cle;
        long v = 0;
        champs >> cle >> v;
        if (cle == "VmSize:")
            s.virtuelle_kio = v;
        else if (cle == "VmRSS:")
            s.residente_kio = v;
        else if (cle == "Threads:")
            s.threads = v;
    }
    return s;
}

// Chaque client occupe deux descripteurs (le sien et celui du serveur) : on relève la
// limite souple jusqu'à la limite dure si besoin.
void assez_de_descripteurs(std::size_t n) {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    if (r.rlim_cur < 2 * n + 64) {
        r.rlim_cur = std::min<rlim_t>(r.rlim_max, 2 * n + 64);
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

// Mode --auto : N clients connectés en même temps, dans ce même processus.
int demonstration(int ecoute, std::uint16_t port, std::size_t n) {
    assez_de_descripteurs(n);
    const Status avant = lire_status();
    std::thread accepteur(accepter, ecoute, false);

    sockaddr_in cible{};
    cible.sin_family = AF_INET;
    cible.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &cible.sin_addr);

    std::vector<int> clients;
    std::size_t corrects = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&cible), sizeof cible) != 0)
            echec("connexion du client");
        clients.push_back(fd);
        const std::string message = "client " + std::to_string(i) + "\n";
        envoyer_tout(fd, message.data(), message.size());
        std::string recu(message.size(), '\0');
        std::size_t lus = 0;
        while (lus < recu.size()) {
            const ssize_t k = ::read(fd, recu.data() + lus, recu.size() - lus);
            if (k <= 0)
                break;
            lus += static_cast<std::size_t>(k);
        }
        corrects += recu == message;
    }
    // Tous les clients sont connectés et servis : chacun a son thread, endormi dans read().
    const Status pendant = lire_status();

    for (int fd : clients)
        ::close(fd);
    {
        std::unique_lock verrou(g_mutex);
        g_cv.wait(verrou, [] { return g_actives == 0; });
    }
    ::shutdown(ecoute, SHUT_RDWR); // réveille accept() pour terminer proprement
    accepteur.join();
    ::close(ecoute);

    std::printf("%zu clients connectés en même temps, %zu échos corrects\n", n, corrects);
    std::printf("  threads du processus : %ld (1 principal + 1 d'acceptation + %zu de "
                "connexion)\n",
                pendant.threads, n);
    std::printf("  mémoire réservée : +%ld Mio, résidente : +%ld kio (%.1f kio par client)\n",
                (pendant.virtuelle_kio - avant.virtuelle_kio) / 1024,
                pendant.residente_kio - avant.residente_kio,
                static_cast<double>(pendant.residente_kio - avant.residente_kio) /
                    static_cast<double>(n ? n : 1));
    std::printf("Un thread par client : c'est ce coût, multiplié par le nombre de clients, que "
                "tokio::spawn évite.\n");
    return corrects == n ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8080";
    std::size_t automatique = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--auto" && i + 1 < argc)
            automatique = std::strtoull(argv[++i], nullptr, 10);
        else
            adresse = arg;
    }

    sockaddr_in sa = adresse_ipv4(adresse);
    const int ecoute = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int un = 1;
    ::setsockopt(ecoute, SOL_SOCKET, SO_REUSEADDR, &un, sizeof un);
    if (ecoute < 0 || ::bind(ecoute, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        ::listen(ecoute, SOMAXCONN) != 0)
        echec(("écoute sur " + adresse).c_str());
    socklen_t taille = sizeof sa;
    ::getsockname(ecoute, reinterpret_cast<sockaddr*>(&sa), &taille);
    char ip[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
    std::printf("Serveur d'écho (un thread par connexion) en écoute sur %s:%u\n", ip,
                ntohs(sa.sin_port));
    std::fflush(stdout);

    if (automatique > 0)
        return demonstration(ecoute, ntohs(sa.sin_port), automatique);
    accepter(ecoute, true); // ne revient pas : arrêtez avec Ctrl-C
    return 0;
}
