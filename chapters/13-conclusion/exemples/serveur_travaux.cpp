/// \file
/// \brief Chapitre 13 — le serveur de travaux de l'exercice, lancé pour de vrai.
///
/// Usage : `ch13_serveur_travaux [adresse] [--demo]`
///   adresse : adresse d'écoute (127.0.0.1:8013 par défaut ; 127.0.0.1:0 choisit un port libre
///             et l'affiche) ;
///   --demo  : un client interne dépose des travaux, lit les statistiques, puis le programme
///             s'envoie lui-même un Ctrl-C (SIGINT) : arrêt propre, bilan, fin. Sans --demo,
///             le serveur attend vos clients (`nc 127.0.0.1 8013`, puis « travail a 500 »,
///             « stats »...) jusqu'à votre Ctrl-C.
///
/// Compilé avec le serveur_travaux.cpp de l'exercice : la solution (preset default), ou le
/// vôtre (preset etudiant).
#include "serveur_travaux.hpp"

#include <rt/rt.hpp>
#include <rt/signal.hpp>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

using namespace std::chrono_literals;

namespace {

const char* nom_issue(utiliser::Issue issue) {
    switch (issue) {
    case utiliser::Issue::fini:
        return "fini";
    case utiliser::Issue::expire:
        return "expiré";
    case utiliser::Issue::echoue:
        return "échoué";
    case utiliser::Issue::abandonne:
        return "abandonné";
    }
    return "?";
}

/// Envoie une commande et affiche l'échange.
rt::Task<std::string> demander(rt::net::OwnedWriteHalf& ecriture,
                               rt::io::BufReader<rt::net::OwnedReadHalf>& lecture,
                               std::string commande) {
    co_await ecriture.write_all(commande + "\n");
    std::string reponse;
    (void)co_await lecture.read_line(reponse, 4096);
    while (!reponse.empty() && (reponse.back() == '\n' || reponse.back() == '\r')) {
        reponse.pop_back();
    }
    std::cout << "  > " << commande << "\n  < " << reponse << std::endl;
    co_return reponse;
}

/// Le client de la démonstration : des travaux, une file qui déborde, un travail trop long,
/// les statistiques, puis le Ctrl-C pendant qu'un travail tourne encore.
rt::Task<void> demonstration(std::string adresse) {
    auto socket = co_await rt::net::TcpStream::connect(adresse);
    auto [lecture_brute, ecriture] = std::move(socket).into_split();
    rt::io::BufReader lecture(std::move(lecture_brute));

    std::cout << "\n[démo] deux places, une file de deux : le cinquième travail est refusé"
              << std::endl;
    for (const char* t : {"travail compresser 150", "travail indexer 150",
                          "travail sauvegarder 100", "travail envoyer 100", "travail trier 100"}) {
        (void)co_await demander(ecriture, lecture, t);
    }
    std::cout << "\n[démo] une commande inconnue, une durée illisible" << std::endl;
    (void)co_await demander(ecriture, lecture, "bonjour");
    (void)co_await demander(ecriture, lecture, "travail x douze");
    std::cout << "\n[démo] les statistiques en direct (compteurs + métriques du runtime)"
              << std::endl;
    (void)co_await demander(ecriture, lecture, "stats");

    // On attend que la file se vide, en redemandant les statistiques.
    for (;;) {
        co_await rt::time::sleep(50ms);
        std::string s;
        co_await ecriture.write_all("stats\n");
        (void)co_await lecture.read_line(s, 4096);
        if (s.find("en_file=0 en_cours=0") != std::string::npos) {
            break;
        }
    }
    std::cout << "\n[démo] un travail plus long que delai_par_travail (400 ms) : il expire"
              << std::endl;
    (void)co_await demander(ecriture, lecture, "travail coince 5000");
    std::cout << "\n[démo] un travail de 300 ms, puis Ctrl-C pendant qu'il tourne" << std::endl;
    (void)co_await demander(ecriture, lecture, "travail rapport 300");
    co_await rt::time::sleep(50ms);
    (void)co_await demander(ecriture, lecture, "stats");
    std::cout << "\n[démo] kill(getpid(), SIGINT) : comme un Ctrl-C au clavier" << std::endl;
    ::kill(::getpid(), SIGINT);
    // Le serveur ferme la file : un nouveau travail est refusé. (Si la connexion est déjà
    // fermée, c'est fini aussi.)
    try {
        co_await rt::time::sleep(20ms);
        (void)co_await demander(ecriture, lecture, "travail trop_tard 10");
    } catch (const std::exception& e) {
        std::cout << "  (connexion fermée : " << e.what() << ")" << std::endl;
    }
}

rt::Task<int> principal(std::string adresse, bool demo) {
    // L'écouteur d'abord : dès cet appel, Ctrl-C ne tue plus le programme, il le prévient.
    auto arret = rt::signal::ctrl_c();
    auto listener = co_await rt::net::TcpListener::bind(adresse);
    const std::string vraie = listener.local_addr().to_string();
    std::cout << "Serveur de travaux en écoute sur " << vraie << " (Ctrl-C : arrêt propre et bilan)"
              << std::endl;

    utiliser::Options options;
    options.capacite_file = 2;
    options.max_en_cours = 2;
    options.delai_par_travail = 400ms;
    options.delai_de_grace = 2s;

    std::optional<rt::JoinHandle<void>> client;
    if (demo) {
        client = rt::spawn(demonstration(vraie));
    }
    const utiliser::Bilan bilan =
        co_await utiliser::servir(std::move(listener), std::move(options), std::move(arret));

    std::cout << "\nBilan : " << bilan.acceptes << " acceptés, " << bilan.refuses << " refusés, "
              << bilan.interrompus << " interrompus" << std::endl;
    for (const auto& r : bilan.resultats) {
        std::cout << "  n° " << r.numero << " " << r.nom << " : " << nom_issue(r.issue)
                  << std::endl;
    }
    if (client) {
        auto fin = co_await *client;
        if (!fin) {
            std::cout << "le client de démonstration a échoué : " << fin.error().what()
                      << std::endl;
            co_return 1;
        }
    }
    co_return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string adresse = "127.0.0.1:8013";
    bool demo = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--demo") {
            demo = true;
        } else {
            adresse = arg;
        }
    }
    try {
        auto runtime = rt::Builder::multi_thread().worker_threads(2).build();
        return runtime.block_on(principal(adresse, demo));
    } catch (const std::exception& e) {
        std::cerr << "erreur : " << e.what() << std::endl;
        return 1;
    }
}
