// Chapitre 13 — exercice « utiliser » : le serveur de travaux (solution).
// L'interface, le protocole et le contrat complet sont dans serveur_travaux.hpp.
#include "serveur_travaux.hpp"

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace utiliser {

namespace mpsc = rt::sync::mpsc;

std::string repondre(std::string_view ligne, Etat& etat) {
    const Commande commande = analyser(ligne);
    if (const auto* invalide = std::get_if<Invalide>(&commande)) {
        return ligne_erreur(invalide->pourquoi);
    }
    if (std::holds_alternative<DemandeStats>(commande)) {
        // Les métriques du runtime sur lequel tourne cette tâche (chapitre 10).
        return ligne_stats(etat.compteurs, rt::Handle::current().metrics());
    }
    if (std::holds_alternative<DemandeQuitter>(commande)) {
        return std::string(LIGNE_AU_REVOIR);
    }
    const auto& demande = std::get<DemandeTravail>(commande);
    const std::uint64_t numero = etat.prochain_numero.fetch_add(1);
    // en_file AVANT le dépôt : le répartiteur peut retirer le travail (et décrémenter) avant
    // même que try_send ne rende la main.
    etat.compteurs.en_file.fetch_add(1);
    // try_send, pas co_await send : une file pleine se dit tout de suite au client. Attendre
    // une place bloquerait ce client (et lui seul le saurait) : la contre-pression du
    // chapitre 12 convient entre étages d'un pipeline, pas face à un client qui attend une
    // réponse.
    auto depose = etat.file.try_send(Travail{numero, demande.nom, demande.duree});
    if (!depose) {
        etat.compteurs.en_file.fetch_sub(1);
        etat.compteurs.refuses.fetch_add(1);
        // Pleine, ou fermée par le répartiteur à l'arrêt : deux refus différents.
        return std::string(depose.error().is_closed() ? LIGNE_ARRET : LIGNE_FILE_PLEINE);
    }
    etat.compteurs.acceptes.fetch_add(1);
    return ligne_acceptee(numero);
}

rt::Task<void> gerer_client(rt::net::TcpStream socket, std::shared_ptr<Etat> etat) {
    auto [lecture, ecriture] = std::move(socket).into_split();
    rt::io::BufReader lecteur(std::move(lecture));
    try {
        for (;;) {
            // Pas de co_await dans un bloc catch : on note l'erreur, on répond dehors.
            bool trop_longue = false;
            std::optional<std::string> ligne;
            try {
                std::string lue;
                if (co_await lecteur.read_line(lue, LONGUEUR_MAX) > 0) {
                    ligne = std::move(lue);
                }
            } catch (const std::length_error&) {
                trop_longue = true;
            }
            if (trop_longue) {
                // read_line s'est arrêté à LONGUEUR_MAX octets : la mémoire reste bornée,
                // et ce client-là est congédié.
                co_await ecriture.write_all(LIGNE_TROP_LONGUE);
                co_return;
            }
            if (!ligne) {
                co_return; // fin de flux : le client est parti
            }
            const std::string reponse = repondre(*ligne, *etat);
            co_await ecriture.write_all(reponse);
            if (reponse == LIGNE_AU_REVOIR) {
                co_return;
            }
        }
    } catch (const std::system_error&) {
        // Parti brutalement (ECONNRESET, EPIPE) : rien à faire, ses travaux acceptés
        // s'exécutent quand même.
    }
}

rt::Task<Resultat> executer_travail(Travail travail, rt::sync::OwnedSemaphorePermit place,
                                    std::shared_ptr<Etat> etat) {
    // `place` est un paramètre par valeur : elle vit dans la trame de cette tâche et n'est
    // rendue qu'à sa destruction — fin normale, délai, ou annulation à l'arrêt.
    (void)place;
    Resultat resultat{travail.numero, travail.nom, Issue::fini};
    bool echec = false;
    {
        const EnCours en_cours(etat->compteurs);
        try {
            // timeout annule l'exécution à son point de suspension quand le délai tombe : sa
            // trame est détruite, ses destructeurs tournent (chapitre 05).
            auto r = co_await rt::time::timeout(etat->options.delai_par_travail,
                                                etat->options.executer(travail.nom, travail.duree));
            if (!r) {
                resultat.issue = Issue::expire;
            }
        } catch (...) {
            echec = true; // l'exécution a levé : ce travail-là échoue, pas le serveur
        }
    }
    if (echec) {
        resultat.issue = Issue::echoue;
        etat->compteurs.echoues.fetch_add(1);
    } else if (resultat.issue == Issue::expire) {
        etat->compteurs.expires.fetch_add(1);
    } else {
        etat->compteurs.finis.fetch_add(1);
    }
    co_return resultat;
}

namespace {

/// Le prochain travail prêt à partir : une place d'abord, PUIS un travail. Dans cet ordre,
/// la file ne contient que les travaux qui n'ont pas de place : sa borne est exacte (dans
/// l'autre ordre, le répartiteur garderait en main un travail de plus, hors de la file).
/// std::nullopt si la file est fermée. Annulable (branche d'un select) : une place prise
/// est rendue par son destructeur, et un recv abandonné ne perd aucun message.
rt::Task<std::optional<std::pair<rt::sync::OwnedSemaphorePermit, Travail>>>
prochain(mpsc::Receiver<Travail>& file, std::shared_ptr<rt::sync::Semaphore> places) {
    auto place = co_await places->acquire_owned();
    if (!place) {
        co_return std::nullopt;
    }
    auto travail = co_await file.recv();
    if (!travail) {
        co_return std::nullopt;
    }
    co_return std::make_pair(std::move(*place), std::move(*travail));
}

/// Range le résultat d'une tâche du JoinSet : une valeur (fini, expiré, échoué), ou une
/// annulation (interrompu à l'arrêt).
void noter(std::optional<rt::Result<Resultat, rt::JoinError>>& fin, Collecte& collecte) {
    if (!fin) {
        return;
    }
    if (*fin) {
        collecte.resultats.push_back(std::move(**fin));
    } else {
        ++collecte.interrompus; // executer_travail ne laisse sortir aucune exception
    }
}

/// Lance le travail prêt `suivant` dans `travaux`, avec sa place ; faux si la file est
/// fermée (rien à lancer).
bool demarrer(std::optional<std::pair<rt::sync::OwnedSemaphorePermit, Travail>>& suivant,
              rt::JoinSet<Resultat>& travaux, const std::shared_ptr<Etat>& etat) {
    if (!suivant) {
        return false;
    }
    etat->compteurs.en_file.fetch_sub(1);
    travaux.spawn(executer_travail(std::move(suivant->second), std::move(suivant->first), etat));
    return true;
}

/// Collecte tout ce qui reste dans `travaux`. Références : attendue sur place, jamais lancée
/// dans une autre tâche (CP.53).
rt::Task<void> tout_collecter(rt::JoinSet<Resultat>& travaux, Collecte& collecte) {
    while (auto fin = co_await travaux.join_next()) {
        noter(fin, collecte);
    }
}

} // namespace

rt::Task<Collecte> repartir(mpsc::Receiver<Travail> file, std::shared_ptr<Etat> etat) {
    Collecte collecte;
    rt::JoinSet<Resultat> travaux;
    for (;;) {
        // Trois événements possibles : un travail prêt à partir, une fin de travail (à
        // collecter au fil de l'eau : sinon le JoinSet grossirait sans fin), l'arrêt. Un
        // JoinSet vide rendrait join_next tout de suite : il n'entre dans la course que s'il
        // a des tâches.
        if (travaux.is_empty()) {
            auto r = co_await rt::select(prochain(file, etat->places), etat->arret.notified());
            if (r.index() == 1 || !demarrer(std::get<0>(r), travaux, etat)) {
                break;
            }
        } else {
            auto r = co_await rt::select(prochain(file, etat->places), travaux.join_next(),
                                         etat->arret.notified());
            if (r.index() == 2) {
                break;
            }
            if (r.index() == 1) {
                noter(std::get<1>(r), collecte);
            } else if (!demarrer(std::get<0>(r), travaux, etat)) {
                break;
            }
        }
    }

    // L'arrêt. 1) Plus rien n'entre dans la file ; ce qui y attend encore est abandonné (un
    // vrai serveur l'écrirait sur disque pour le reprendre au redémarrage).
    file.close();
    while (auto reste = file.try_recv()) {
        etat->compteurs.en_file.fetch_sub(1);
        collecte.resultats.push_back(Resultat{reste->numero, reste->nom, Issue::abandonne});
    }
    // 2) Les travaux en cours ont delai_de_grace pour finir ; leurs résultats sont collectés
    // au fur et à mesure (ce qui est collecté avant le délai reste acquis).
    auto a_temps =
        co_await rt::time::timeout(etat->options.delai_de_grace, tout_collecter(travaux, collecte));
    if (!a_temps) {
        // 3) Les retardataires sont annulés ; on attend quand même leur fin (abort est
        // asynchrone) : aucune tâche ne doit survivre au serveur.
        travaux.abort_all();
        co_await tout_collecter(travaux, collecte);
    }
    co_return collecte;
}

namespace {

/// Accepte une connexion ; std::nullopt sur erreur (EMFILE...), qui ne doit pas arrêter le
/// serveur (chapitre 06). Annulable : c'est une branche du select de servir.
rt::Task<std::optional<rt::net::TcpStream>> accepter(rt::net::TcpListener& listener) {
    bool erreur = false;
    try {
        auto [socket, adresse] = co_await listener.accept();
        co_return std::move(socket);
    } catch (const std::system_error&) {
        erreur = true; // pas de co_await dans un catch
    }
    if (erreur) {
        co_await rt::time::sleep(Duree{10}); // descripteurs épuisés : on respire
    }
    co_return std::nullopt;
}

} // namespace

rt::Task<Bilan> servir(rt::net::TcpListener listener, Options options, rt::signal::CtrlC arret) {
    auto [entree, sortie] = mpsc::channel<Travail>(options.capacite_file);
    auto etat = std::make_shared<Etat>(std::move(options), std::move(entree));
    // Le répartiteur dans sa propre tâche : il tourne sur un autre worker pendant que cette
    // tâche accepte des connexions.
    auto repartiteur = rt::spawn(repartir(std::move(sortie), etat));
    rt::JoinSet<void> connexions;

    for (;;) {
        // `arret` est attendu par lvalue : créé une fois, il survit aux select perdus, et un
        // SIGINT arrivé entre deux tours reste dû.
        std::optional<rt::net::TcpStream> client;
        if (connexions.is_empty()) {
            auto r = co_await rt::select(accepter(listener), arret);
            if (r.index() == 1) {
                break;
            }
            client = std::move(std::get<0>(r));
        } else {
            auto r = co_await rt::select(accepter(listener), arret, connexions.join_next());
            if (r.index() == 1) {
                break;
            }
            if (r.index() == 2) {
                continue; // une connexion finie, collectée (gerer_client ne lève pas)
            }
            client = std::move(std::get<0>(r));
        }
        if (client) {
            connexions.spawn(gerer_client(std::move(*client), etat));
        }
    }

    // Ctrl-C. 1) Plus de nouvelles connexions : le listener est fermé.
    { const rt::net::TcpListener ferme = std::move(listener); }
    // 2) Le répartiteur s'arrête : il ferme la file (les clients encore là reçoivent « refusé :
    // arrêt en cours »), abandonne ce qu'elle contient, laisse delai_de_grace aux travaux en
    // cours, et rend sa collecte.
    etat->arret.notify_one();
    auto collecte = co_await repartiteur;
    // 3) Les connexions encore ouvertes sont fermées : annulées, et attendues (abort est
    // asynchrone : sans cette attente, des tâches survivraient au serveur).
    connexions.abort_all();
    while (co_await connexions.join_next()) {
    }
    Bilan bilan;
    bilan.acceptes = etat->compteurs.acceptes.load();
    bilan.refuses = etat->compteurs.refuses.load();
    if (collecte) {
        bilan.interrompus = collecte->interrompus;
        bilan.resultats = std::move(collecte->resultats);
    }
    co_return bilan;
}

} // namespace utiliser
