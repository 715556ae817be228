/// \file
/// \brief Le test « article.* » : lance le programme tokio de l'article (article/rust) et sa
/// traduction C++ (chapters/NN-*/exemples) avec les mêmes arguments, et vérifie qu'ils
/// impriment les mêmes lignes.
///
/// Usage :
///
///     article_comparer --tokio BIN --cpp BIN [--raison FICHIER] [--scenario http|chat]
///                      [--remplacer REGEX TEXTE]... [--ignorer REGEX]...
///                      [--fusionner-repetitions] [--desordre] [-- ARGS...]
///
/// - `--raison` : si le binaire tokio manque, ce fichier dit pourquoi (cargo ou les sources
///   Debian de tokio absents) : le test est alors sauté (code 77, SKIP_RETURN_CODE de CTest).
/// - `--scenario` : les deux programmes sont des serveurs sans fin (comme dans l'article). Le
///   comparateur les lance sur 127.0.0.1:0, lit le port sur leur première ligne, joue les
///   mêmes clients contre chacun, puis les arrête (SIGTERM). On compare alors ce que le
///   serveur imprime ET ce que reçoivent les clients. Les adresses des clients deviennent
///   « <client k> » et celle du serveur « <serveur> » (les ports changent à chaque fois).
/// - `--remplacer` : appliqué à chaque ligne des deux sorties (les durées mesurées, par exemple).
/// - `--ignorer` : les lignes qui correspondent sont retirées des deux sorties.
/// - `--fusionner-repetitions` : des lignes identiques consécutives comptent pour une (le
///   nombre de passages d'une boucle périodique dépend de l'ordonnancement de la machine).
/// - `--desordre` : comparaison en multiensemble (l'ordre est légitimement non déterministe).
///
/// Code de sortie : 0 mêmes lignes, 1 différence ou échec, 77 tokio indisponible.
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Lignes = std::vector<std::string>;

// ─── Chien de garde : rien ne doit pendre, pas même un serveur orphelin ─────────────────────

std::atomic<pid_t> enfant_courant{0};

void chien_de_garde(std::chrono::seconds limite) {
    std::thread([limite] {
        std::this_thread::sleep_for(limite);
        std::fprintf(stderr, "ÉCHEC : le test dépasse %lld s (programme bloqué ?)\n",
                     static_cast<long long>(limite.count()));
        if (const pid_t p = enfant_courant.load(); p > 0) {
            ::kill(p, SIGKILL);
        }
        std::_Exit(1);
    }).detach();
}

// ─── Lancer un programme et lire sa sortie ligne à ligne ────────────────────────────────────

/// Un programme lancé, dont un thread lit la sortie standard ligne à ligne.
class Processus {
public:
    Processus(const std::string& programme, const std::vector<std::string>& args) {
        int tube[2];
        if (::pipe2(tube, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe2 : " + std::string(std::strerror(errno)));
        }
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork : " + std::string(std::strerror(errno)));
        }
        if (pid_ == 0) {
            ::dup2(tube[1], STDOUT_FILENO);
            std::vector<char*> argv;
            argv.push_back(const_cast<char*>(programme.c_str()));
            for (const auto& a : args) {
                argv.push_back(const_cast<char*>(a.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(programme.c_str(), argv.data());
            std::fprintf(stderr, "impossible de lancer %s : %s\n", programme.c_str(),
                         std::strerror(errno));
            std::_Exit(127);
        }
        enfant_courant = pid_;
        ::close(tube[1]);
        lecteur_ = std::thread([this, fd = tube[0]] { lire(fd); });
    }

    Processus(const Processus&) = delete;
    Processus& operator=(const Processus&) = delete;

    ~Processus() {
        if (!attendu_) {
            ::kill(pid_, SIGKILL);
            attendre();
        }
    }

    /// Attend au moins `n` lignes (ou la fin de la sortie) ; rend le nombre de lignes lues.
    std::size_t attendre_lignes(std::size_t n, std::chrono::seconds limite = 10s) {
        std::unique_lock verrou(mutex_);
        cv_.wait_for(verrou, limite, [&] { return lignes_.size() >= n || fini_; });
        return lignes_.size();
    }

    /// La ligne `i` (elle doit avoir été attendue).
    std::string ligne(std::size_t i) {
        std::lock_guard verrou(mutex_);
        return i < lignes_.size() ? lignes_[i] : std::string();
    }

    /// Arrête le programme (SIGTERM), attend sa fin et rend toute sa sortie.
    Lignes arreter() {
        ::kill(pid_, SIGTERM);
        attendre();
        return lignes_;
    }

    /// Attend la fin normale du programme ; rend sa sortie.
    Lignes terminer(int& code) {
        code = attendre();
        return lignes_;
    }

private:
    void lire(int fd) {
        std::string partiel;
        char tampon[4096];
        for (;;) {
            const ssize_t n = ::read(fd, tampon, sizeof tampon);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            partiel.append(tampon, static_cast<std::size_t>(n));
            std::size_t fin;
            while ((fin = partiel.find('\n')) != std::string::npos) {
                std::lock_guard verrou(mutex_);
                lignes_.push_back(partiel.substr(0, fin));
                partiel.erase(0, fin + 1);
                cv_.notify_all();
            }
        }
        ::close(fd);
        std::lock_guard verrou(mutex_);
        if (!partiel.empty()) {
            lignes_.push_back(partiel); // dernière ligne sans '\n'
        }
        fini_ = true;
        cv_.notify_all();
    }

    int attendre() {
        int statut = 0;
        while (::waitpid(pid_, &statut, 0) < 0 && errno == EINTR) {
        }
        attendu_ = true;
        enfant_courant = 0;
        if (lecteur_.joinable()) {
            lecteur_.join();
        }
        if (WIFEXITED(statut)) {
            return WEXITSTATUS(statut);
        }
        return 128 + WTERMSIG(statut);
    }

    pid_t pid_ = -1;
    bool attendu_ = false;
    std::thread lecteur_;
    std::mutex mutex_;
    std::condition_variable cv_;
    Lignes lignes_;
    bool fini_ = false;
};

// ─── Un client TCP bloquant, avec délai ─────────────────────────────────────────────────────

/// Une connexion cliente (bloquante, lectures limitées à 5 s : un serveur muet fait échouer
/// le test au lieu de le bloquer).
class Client {
public:
    explicit Client(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw std::runtime_error("socket : " + std::string(std::strerror(errno)));
        }
        timeval delai{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &delai, sizeof delai);
        sockaddr_in adresse{};
        adresse.sin_family = AF_INET;
        adresse.sin_port = htons(static_cast<std::uint16_t>(port));
        adresse.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&adresse), sizeof adresse) != 0) {
            throw std::runtime_error("connect : " + std::string(std::strerror(errno)));
        }
        sockaddr_in locale{};
        socklen_t taille = sizeof locale;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&locale), &taille);
        port_local_ = ntohs(locale.sin_port);
    }

    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() { fermer(); }

    int port_local() const { return port_local_; }

    void envoyer(const std::string& octets) {
        std::size_t fait = 0;
        while (fait < octets.size()) {
            const ssize_t n = ::send(fd_, octets.data() + fait, octets.size() - fait, MSG_NOSIGNAL);
            if (n < 0) {
                throw std::runtime_error("send : " + std::string(std::strerror(errno)));
            }
            fait += static_cast<std::size_t>(n);
        }
    }

    /// Ferme le sens client → serveur (le serveur lit une fin de flux), garde la lecture.
    void fermer_ecriture() { ::shutdown(fd_, SHUT_WR); }

    /// Lit jusqu'à la fermeture par le serveur.
    std::string lire_tout() {
        std::string tout;
        char tampon[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, tampon, sizeof tampon, 0);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw std::runtime_error("recv : " + std::string(std::strerror(errno)));
            }
            if (n == 0) {
                return tout;
            }
            tout.append(tampon, static_cast<std::size_t>(n));
        }
    }

    /// Lit une ligne (sans le '\n').
    std::string lire_ligne() {
        for (;;) {
            if (const auto fin = tampon_.find('\n'); fin != std::string::npos) {
                std::string ligne = tampon_.substr(0, fin);
                tampon_.erase(0, fin + 1);
                return ligne;
            }
            char morceau[4096];
            const ssize_t n = ::recv(fd_, morceau, sizeof morceau, 0);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw std::runtime_error("recv (aucune ligne reçue en 5 s ?) : " +
                                         std::string(std::strerror(errno)));
            }
            if (n == 0) {
                throw std::runtime_error("connexion fermée par le serveur avant la fin de ligne");
            }
            tampon_.append(morceau, static_cast<std::size_t>(n));
        }
    }

    /// Ferme brutalement : SO_LINGER à 0, le noyau envoie un RST (ECONNRESET chez le serveur).
    void fermer_brutalement() {
        linger l{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        fermer();
    }

    void fermer() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_ = -1;
    int port_local_ = 0;
    std::string tampon_;
};

/// Rend visibles \r et \n dans une ligne du compte rendu.
std::string visible(const std::string& s) {
    std::string r;
    for (const char c : s) {
        if (c == '\r') {
            r += "\\r";
        } else if (c == '\n') {
            r += "\\n";
        } else {
            r += c;
        }
    }
    return r;
}

// ─── Les scénarios des serveurs ─────────────────────────────────────────────────────────────

/// Ce que produit un scénario : le compte rendu des clients, les ports à nommer, et à partir
/// de quelle ligne du serveur l'ordre n'est plus déterministe (clients simultanés).
struct Scenario {
    Lignes compte_rendu;
    std::map<int, std::string> noms_ports;
    std::size_t debut_desordre = static_cast<std::size_t>(-1);
};

/// Le serveur HTTP de l'article (chapitre 06). Chaque étape attend la réponse (que le serveur
/// envoie après avoir imprimé ses lignes) avant la suivante : l'ordre des lignes du serveur est
/// déterministe, sauf dans la dernière étape (trois clients à la fois).
Scenario scenario_http(Processus& serveur, int port) {
    Scenario s;
    int numero = 0;
    auto nouveau = [&] {
        auto c = std::make_unique<Client>(port);
        s.noms_ports[c->port_local()] = "<client " + std::to_string(++numero) + ">";
        return c;
    };
    std::size_t attendues = 1; // « Serveur en écoute sur ... »

    // 1. Deux requêtes complètes, l'une après l'autre.
    for (int i = 0; i < 2; ++i) {
        auto c = nouveau();
        c->envoyer("GET /client/" + std::to_string(numero) +
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        s.compte_rendu.push_back("client " + std::to_string(numero) +
                                 " reçoit : " + visible(c->lire_tout()));
        attendues += 2;
    }
    // 2. Une requête en deux morceaux : le client attend la réponse avant d'envoyer la suite.
    //    Le serveur de l'article prend le premier read pour toute la requête et répond déjà.
    {
        auto c = nouveau();
        c->envoyer("GET /lent HT");
        s.compte_rendu.push_back(
            "client " + std::to_string(numero) +
            " (requête coupée en « GET /lent HT ») reçoit : " + visible(c->lire_tout()));
        attendues += 2;
    }
    // 3. Un client qui ne dit rien et ferme son sens d'écriture : read rend 0 octet, le
    //    serveur imprime une requête vide... et répond quand même.
    {
        auto c = nouveau();
        c->fermer_ecriture();
        s.compte_rendu.push_back("client " + std::to_string(numero) +
                                 " (muet, écriture fermée) reçoit : " + visible(c->lire_tout()));
        attendues += 2;
    }
    // 4. Un client qui se connecte puis ferme brutalement (RST) : le read du serveur échoue,
    //    la tâche imprime « Erreur lors du traitement : ... ». Le texte de l'erreur vient de la
    //    bibliothèque (Rust : « Connection reset by peer (os error 104) » ; rt : « rt::net :
    //    lecture impossible: Connection reset by peer ») : le test CMake le remplace.
    {
        auto c = nouveau();
        serveur.attendre_lignes(attendues + 1); // « Nouvelle connexion » : il est accepté
        c->fermer_brutalement();
        s.compte_rendu.push_back("client " + std::to_string(numero) +
                                 " se connecte puis ferme brutalement (RST)");
        attendues += 2;
        serveur.attendre_lignes(attendues);
    }
    // 5. Trois clients à la fois : l'ordre des lignes du serveur dépend de l'ordonnancement.
    serveur.attendre_lignes(attendues);
    s.debut_desordre = attendues;
    std::vector<std::unique_ptr<Client>> ensemble;
    for (int i = 0; i < 3; ++i) {
        ensemble.push_back(nouveau());
    }
    for (std::size_t i = 0; i < ensemble.size(); ++i) {
        ensemble[i]->envoyer("GET /ensemble/" + std::to_string(i + 1) +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
    for (std::size_t i = 0; i < ensemble.size(); ++i) {
        s.compte_rendu.push_back("client simultané " + std::to_string(i + 1) +
                                 " reçoit : " + visible(ensemble[i]->lire_tout()));
    }
    serveur.attendre_lignes(attendues + 6);
    return s;
}

/// Le serveur de chat de l'article (chapitre 07). Chaque client qui arrive envoie « client k
/// arrive » et l'on attend que tous les clients présents (lui compris : l'article renvoie à
/// l'expéditeur) aient reçu cette ligne : il est alors enregistré, l'ordre est déterministe.
Scenario scenario_chat(Processus& serveur, int port) {
    Scenario s;
    std::vector<std::unique_ptr<Client>> clients;
    auto tous_lisent = [&](std::size_t combien) {
        for (std::size_t i = 0; i < combien; ++i) {
            s.compte_rendu.push_back("  client " + std::to_string(i + 1) +
                                     " reçoit : " + visible(clients[i]->lire_ligne()));
        }
    };
    for (int k = 1; k <= 3; ++k) {
        clients.push_back(std::make_unique<Client>(port));
        s.noms_ports[clients.back()->port_local()] = "<client " + std::to_string(k) + ">";
        s.compte_rendu.push_back("client " + std::to_string(k) + " arrive et le dit");
        clients.back()->envoyer("client " + std::to_string(k) + " arrive\n");
        tous_lisent(clients.size());
    }
    // Blancs autour du message, fin de ligne \r\n : trim() les retire.
    s.compte_rendu.push_back("le client 2 envoie « \\t bonjour  \\r\\n »");
    clients[1]->envoyer("\t bonjour  \r\n");
    tous_lisent(3);
    s.compte_rendu.push_back("le client 1 envoie une ligne vide");
    clients[0]->envoyer("\n");
    tous_lisent(3);
    // Le client 3 part (tout ce qu'il a reçu est lu : fermeture propre, pas de RST).
    s.compte_rendu.push_back("le client 3 se déconnecte");
    clients[2]->fermer();
    clients.pop_back();
    s.compte_rendu.push_back("le client 1 envoie « encore là ? »");
    clients[0]->envoyer("encore là ?\n");
    tous_lisent(2);
    serveur.attendre_lignes(4); // l'écoute et les trois « Nouveau client »
    return s;
}

// ─── Normaliser, comparer ───────────────────────────────────────────────────────────────────

struct Options {
    std::string tokio, cpp, raison, scenario;
    std::vector<std::pair<std::regex, std::string>> remplacements;
    std::vector<std::regex> ignores;
    std::vector<std::string> textes_options; // pour l'affichage
    bool fusionner = false;
    bool desordre = false;
    std::vector<std::string> args;
};

/// La sortie d'un programme, prête à comparer.
struct Sortie {
    Lignes lignes;
    int code = 0;
};

Lignes normaliser(Lignes lignes, const Options& o, const std::map<int, std::string>& ports,
                  int port_serveur) {
    static const std::regex adresse(R"(127\.0\.0\.1:([0-9]+))");
    Lignes r;
    for (auto l : lignes) {
        if (!ports.empty() || port_serveur > 0) {
            std::string sortie;
            auto debut = l.cbegin();
            for (std::sregex_iterator it(l.begin(), l.end(), adresse), fin; it != fin; ++it) {
                const int p = std::stoi((*it)[1].str());
                sortie.append(debut, (*it)[0].first);
                if (p == port_serveur) {
                    sortie += "<serveur>";
                } else if (auto n = ports.find(p); n != ports.end()) {
                    sortie += n->second;
                } else {
                    sortie += "<port inconnu>";
                }
                debut = (*it)[0].second;
            }
            sortie.append(debut, l.cend());
            l = sortie;
        }
        for (const auto& [re, texte] : o.remplacements) {
            l = std::regex_replace(l, re, texte);
        }
        const bool ignoree =
            std::any_of(o.ignores.begin(), o.ignores.end(),
                        [&](const std::regex& re) { return std::regex_search(l, re); });
        if (ignoree) {
            continue;
        }
        if (o.fusionner && !r.empty() && r.back() == l) {
            continue;
        }
        r.push_back(l);
    }
    if (o.desordre) {
        std::sort(r.begin(), r.end());
    }
    return r;
}

/// Lance `programme` ; avec un scénario, joue les clients contre lui puis l'arrête.
Sortie executer(const std::string& programme, const Options& o) {
    Sortie s;
    if (o.scenario.empty()) {
        Processus p(programme, o.args);
        auto lignes = p.terminer(s.code);
        s.lignes = normaliser(std::move(lignes), o, {}, 0);
        return s;
    }
    Processus p(programme, o.args);
    if (p.attendre_lignes(1) < 1) {
        throw std::runtime_error(programme + " n'a rien imprimé (il devait écouter)");
    }
    const std::string premiere = p.ligne(0);
    std::smatch m;
    static const std::regex port_ecoute(R"(127\.0\.0\.1:([0-9]+))");
    if (!std::regex_search(premiere, m, port_ecoute)) {
        throw std::runtime_error("pas d'adresse d'écoute dans « " + premiere + " »");
    }
    const int port = std::stoi(m[1].str());
    Scenario sc = o.scenario == "http" ? scenario_http(p, port) : scenario_chat(p, port);
    Lignes serveur = p.arreter();
    s.code = 0; // arrêté par nous : son code ne dit rien
    Lignes ordonnees(serveur.begin(), serveur.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                            sc.debut_desordre, serveur.size())));
    Lignes libres(serveur.begin() + static_cast<std::ptrdiff_t>(ordonnees.size()), serveur.end());
    s.lignes.push_back("── le serveur imprime ──");
    for (auto& l : normaliser(std::move(ordonnees), o, sc.noms_ports, port)) {
        s.lignes.push_back(std::move(l));
    }
    if (!libres.empty()) {
        s.lignes.push_back("── (clients simultanés : lignes triées, leur ordre dépend de "
                           "l'ordonnancement) ──");
        auto triees = normaliser(std::move(libres), o, sc.noms_ports, port);
        std::sort(triees.begin(), triees.end());
        for (auto& l : triees) {
            s.lignes.push_back(std::move(l));
        }
    }
    s.lignes.push_back("── les clients reçoivent ──");
    for (auto& l : sc.compte_rendu) {
        s.lignes.push_back(std::move(l));
    }
    return s;
}

void afficher(const char* titre, const Lignes& lignes) {
    std::printf("%s (%zu lignes) :\n", titre, lignes.size());
    for (const auto& l : lignes) {
        std::printf("  | %s\n", l.c_str());
    }
}

[[noreturn]] void usage(const std::string& message) {
    std::fprintf(stderr,
                 "erreur : %s\nusage : article_comparer --tokio BIN --cpp BIN [--raison F] "
                 "[--scenario http|chat] [--remplacer RE TEXTE]... [--ignorer RE]... "
                 "[--fusionner-repetitions] [--desordre] [-- ARGS...]\n",
                 message.c_str());
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto suivant = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(a + " attend une valeur");
            }
            return argv[++i];
        };
        if (a == "--tokio") {
            o.tokio = suivant();
        } else if (a == "--cpp") {
            o.cpp = suivant();
        } else if (a == "--raison") {
            o.raison = suivant();
        } else if (a == "--scenario") {
            o.scenario = suivant();
            if (o.scenario != "http" && o.scenario != "chat") {
                usage("scénario inconnu : " + o.scenario);
            }
        } else if (a == "--remplacer") {
            const std::string re = suivant();
            const std::string texte = suivant();
            o.remplacements.emplace_back(std::regex(re), texte);
            o.textes_options.push_back("remplacer « " + re + " » par « " + texte + " »");
        } else if (a == "--ignorer") {
            const std::string re = suivant();
            o.ignores.emplace_back(re);
            o.textes_options.push_back("ignorer les lignes « " + re + " »");
        } else if (a == "--fusionner-repetitions") {
            o.fusionner = true;
            o.textes_options.push_back("lignes identiques consécutives fusionnées");
        } else if (a == "--desordre") {
            o.desordre = true;
            o.textes_options.push_back("comparaison sans ordre (multiensemble)");
        } else if (a == "--") {
            o.args.assign(argv + i + 1, argv + argc);
            break;
        } else {
            usage("option inconnue : " + a);
        }
    }
    if (o.tokio.empty() || o.cpp.empty()) {
        usage("--tokio et --cpp sont obligatoires");
    }

    struct stat info {};
    if (::stat(o.tokio.c_str(), &info) != 0) {
        std::string raison = "programme tokio absent (" + o.tokio + ")";
        if (std::ifstream f(o.raison); f) {
            std::getline(f, raison);
        }
        std::printf("IGNORÉ : le programme tokio de l'article n'est pas construit : %s\n"
                    "(il faut cargo et le paquet Debian librust-tokio-dev : ./cours installer "
                    "--tout)\n",
                    raison.c_str());
        return 77;
    }

    chien_de_garde(60s);
    ::signal(SIGPIPE, SIG_IGN);
    for (const auto& t : o.textes_options) {
        std::printf("règle : %s\n", t.c_str());
    }
    try {
        const Sortie tokio = executer(o.tokio, o);
        const Sortie cpp = executer(o.cpp, o);
        afficher("tokio (article/rust)", tokio.lignes);
        afficher("C++ (traduction du cours)", cpp.lignes);
        bool ok = true;
        if (tokio.code != 0 || cpp.code != 0) {
            std::printf("ÉCHEC : codes de sortie tokio %d, C++ %d (0 attendu)\n", tokio.code,
                        cpp.code);
            ok = false;
        }
        if (tokio.lignes != cpp.lignes) {
            ok = false;
            std::printf("ÉCHEC : les lignes diffèrent.\n");
            const std::size_t n = std::max(tokio.lignes.size(), cpp.lignes.size());
            for (std::size_t i = 0; i < n; ++i) {
                const std::string t = i < tokio.lignes.size() ? tokio.lignes[i] : "(rien)";
                const std::string c = i < cpp.lignes.size() ? cpp.lignes[i] : "(rien)";
                if (t != c) {
                    std::printf("  première différence, ligne %zu :\n    tokio : %s\n    C++   : "
                                "%s\n",
                                i + 1, t.c_str(), c.c_str());
                    break;
                }
            }
        }
        if (ok) {
            std::printf("OK : la traduction C++ imprime les mêmes lignes que tokio.\n");
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::printf("ÉCHEC : %s\n", e.what());
        return 1;
    }
}
