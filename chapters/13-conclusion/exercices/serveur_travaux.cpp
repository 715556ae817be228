// Chapitre 13 — exercice « utiliser » : le serveur de travaux.
// L'interface, le protocole et le contrat complet sont dans serveur_travaux.hpp : lisez-le
// d'abord, en entier.
//
// Vérifiez-vous avec `./cours verifier 13` ; indices : `./cours indice 13 serveur_travaux`.
//
// Chaque couche construite dans le cours sert ici ; les chapitres à relire sont indiqués à
// chaque TODO. Relisez aussi exemples/serveur_travaux.cpp : il lance VOTRE serveur.
#include "serveur_travaux.hpp"

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace utiliser {

namespace mpsc = rt::sync::mpsc;

std::string repondre(std::string_view ligne, Etat& etat) {
    // TODO (1) : analyser(ligne), puis selon la commande :
    //   - Invalide → ligne_erreur(pourquoi) ;
    //   - stats → ligne_stats(etat.compteurs, rt::Handle::current().metrics()) (chapitre 10) ;
    //   - quitter → LIGNE_AU_REVOIR ;
    //   - travail → un numéro (etat.prochain_numero), en_file + 1 AVANT le dépôt, puis
    //     etat.file.try_send(Travail{...}) : jamais `co_await send` (un client attend sa
    //     réponse : une file pleine se dit tout de suite). Échec : en_file - 1, refuses + 1,
    //     LIGNE_FILE_PLEINE, ou LIGNE_ARRET si la file est fermée (error().is_closed()).
    //     Succès : acceptes + 1, ligne_acceptee(numero).
    (void)ligne;
    (void)etat;
    return ligne_erreur("pas encore écrit");
}

rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Etat> etat) {
    // TODO (2) : séparer le socket (into_split, chapitre 07), lire les lignes avec un
    // rt::io::BufReader (read_line avec LONGUEUR_MAX : la mémoire reste bornée), répondre à
    // chacune (repondre, puis write_all). S'arrêter en fin de flux, après LIGNE_AU_REVOIR, ou
    // après LIGNE_TROP_LONGUE (std::length_error de read_line). Rien ne doit sortir : un
    // std::system_error (client parti brutalement) est rattrapé. Pas de co_await dans un catch.
    (void)socket;
    (void)etat;
    co_return;
}

rt::Task<Resultat> executer_travail(Travail travail, rt::sync::OwnedSemaphorePermit place,
                                    std::shared_ptr<Etat> etat) {
    // TODO (3) : la place reste dans la trame jusqu'à la fin (paramètre par valeur). Tenir un
    // EnCours pendant l'exécution ; exécuter etat->options.executer(nom, durée) dans un
    // rt::time::timeout(etat->options.delai_par_travail, ...) (chapitre 05) ; délai écoulé →
    // Issue::expire ; exception → Issue::echoue ; sinon Issue::fini. Mettre à jour le compteur
    // correspondant (finis, expires, echoues), puis rendre le Resultat.
    (void)place;
    (void)etat;
    co_return Resultat{travail.numero, travail.nom, Issue::fini};
}

rt::Task<Collecte> repartir(mpsc::Receiver<Travail> file, std::shared_ptr<Etat> etat) {
    Collecte collecte;
    // TODO (4) : la boucle du répartiteur, avec un rt::JoinSet<Resultat> des travaux lancés.
    // À chaque tour, un rt::select (chapitre 07) entre :
    //   - le prochain travail prêt : une place d'ABORD (etat->places->acquire_owned(),
    //     chapitre 09), PUIS un travail (file.recv(), chapitre 12) — dans l'autre ordre, la
    //     borne de la file serait fausse d'un ; écrivez-le comme une petite coroutine ;
    //   - la fin d'un travail (travaux.join_next()), seulement si le JoinSet n'est pas vide ;
    //   - l'arrêt (etat->arret.notified()).
    // Un travail prêt : en_file - 1, puis travaux.spawn(executer_travail(...)).
    //
    // TODO (5) : l'arrêt. file.close() ; ce qui reste (try_recv) est abandonné
    // (Issue::abandonne, en_file - 1) ; puis collecter les travaux en cours pendant au plus
    // etat->options.delai_de_grace (rt::time::timeout autour d'une coroutine qui fait
    // join_next jusqu'au bout) ; au-delà, travaux.abort_all() et collecter quand même
    // (chaque JoinError compte un interrompu).
    (void)file;
    (void)etat;
    co_return collecte;
}

rt::Task<Bilan> servir(rt::net::TcpListener listener, Options options, rt::signal::CtrlC arret) {
    // TODO (6) : la file bornée (mpsc::channel<Travail>(options.capacite_file)), l'Etat
    // partagé (std::make_shared<Etat>), le répartiteur dans sa propre tâche (rt::spawn), et
    // un rt::JoinSet<void> des connexions. Puis la boucle : rt::select entre
    // listener.accept() et `arret` (par lvalue : créé une fois, il survit aux tours) — et
    // connexions.join_next() quand il y en a, pour ne pas les accumuler. Une erreur d'accept
    // ne doit pas arrêter le serveur (chapitre 06).
    //
    // TODO (7) : au Ctrl-C, dans cet ordre : fermer le listener ; etat->arret.notify_one()
    // puis attendre le répartiteur ; abort_all() des connexions, et les attendre toutes ;
    // enfin le Bilan (acceptes et refuses des compteurs, la collecte du répartiteur).
    (void)listener;
    (void)options;
    (void)arret;
    co_return Bilan{};
}

} // namespace utiliser
