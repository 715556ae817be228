/// \file
/// \brief Chapitre 12 — la contre-pression mesurée : un dernier étage lent ralentit la
/// production au lieu de remplir la mémoire.
///
/// Le même pipeline à trois étages deux fois : production (rapide) → transformation (rapide)
/// → consommation (lente : 1 ms de pause tous les 100 messages, comme une écriture sur un
/// disque lent). D'abord avec des canaux bornés (`mpsc::channel(capacité)`), puis avec des
/// canaux sans borne (`mpsc::unbounded_channel`). Pour chacun, le programme affiche :
///   - le plus grand nombre de messages en attente devant chaque étage (`rx.len()`, relevé à
///     chaque réception) ;
///   - la mémoire résidente au plus haut (RSS, lue dans /proc/self/statm pendant la
///     consommation), en plus de celle du départ ;
///   - la durée totale.
///
/// Tout tourne sur un runtime `current_thread` : le résultat est le même à chaque exécution.
///
/// Usage : `ch12_contre_pression [--messages N] [--taille OCTETS] [--capacite C]`
/// (défaut : 50 000 messages de 1 024 octets, capacité 64).
#include <rt/rt.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>
#include <utility>

using namespace std::chrono_literals;

namespace {

namespace mpsc = rt::sync::mpsc;

struct Parametres {
    std::size_t messages = 50000;
    std::size_t taille = 1024;
    std::size_t capacite = 64;
};

/// Ce qu'une exécution a relevé.
struct Mesure {
    std::size_t pic_file_1 = 0; ///< messages en attente devant la transformation, au plus haut
    std::size_t pic_file_2 = 0; ///< messages en attente devant la consommation, au plus haut
    long rss_depart_kio = 0;
    long rss_pic_kio = 0;
    double duree_ms = 0;
    std::size_t recus = 0;
};

/// La mémoire résidente du processus, en Kio (deuxième champ de /proc/self/statm, en pages).
long rss_kio() {
    std::ifstream statm("/proc/self/statm");
    long taille = 0;
    long resident = 0;
    statm >> taille >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Un canal borné à `capacite` messages, ou sans borne.
template <bool Borne, class T>
auto canal(std::size_t capacite) {
    if constexpr (Borne) {
        return mpsc::channel<T>(capacite);
    } else {
        return mpsc::unbounded_channel<T>();
    }
}

// [pipeline]
/// Le pipeline, borné ou non : seuls le type des canaux et la façon d'envoyer changent.
template <bool Borne>
rt::Task<Mesure> executer(Parametres p) {
    Mesure m;
    m.rss_depart_kio = rss_kio();
    m.rss_pic_kio = m.rss_depart_kio;
    const auto debut = std::chrono::steady_clock::now();

    auto [tx1, rx1] = canal<Borne, std::string>(p.capacite);
    auto [tx2, rx2] = canal<Borne, std::string>(p.capacite);

    // Étage 1 : la production, aussi vite que possible.
    auto production = rt::spawn([tx = std::move(tx1), p]() -> rt::Task<void> {
        for (std::size_t i = 0; i < p.messages; ++i) {
            std::string message(p.taille, 'x');
            if constexpr (Borne) {
                if (!co_await tx.send(std::move(message))) { // attend quand la file est pleine
                    co_return;
                }
            } else {
                if (!tx.send(std::move(message))) { // n'attend jamais
                    co_return;
                }
            }
        }
    });

    // Étage 2 : une transformation rapide. (`m` est capturée par référence : elle vit dans
    // la trame de `executer`, qui attend la fin de cette tâche avant de se terminer.)
    auto transformation =
        rt::spawn([rx = std::move(rx1), tx = std::move(tx2), &m]() mutable -> rt::Task<void> {
            while (auto message = co_await rx.recv()) {
                m.pic_file_1 = std::max(m.pic_file_1, rx.len()); // ce qui attend encore
                (*message)[0] = 'y';
                if constexpr (Borne) {
                    if (!co_await tx.send(std::move(*message))) {
                        co_return;
                    }
                } else {
                    if (!tx.send(std::move(*message))) {
                        co_return;
                    }
                }
            }
        });

    // Étage 3 : la consommation, lente.
    auto rx = std::move(rx2);
    while (auto message = co_await rx.recv()) {
        m.pic_file_2 = std::max(m.pic_file_2, rx.len());
        if (++m.recus % 100 == 0) {
            m.rss_pic_kio = std::max(m.rss_pic_kio, rss_kio());
            co_await rt::time::sleep(1ms); // le disque lent
        }
    }
    (void)co_await production;
    (void)co_await transformation;
    m.duree_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - debut).count();
    co_return m;
}
// [pipeline]

void afficher(const char* nom, const Mesure& m) {
    std::printf("%-24s %16zu %16zu %14.1f Mio %8.0f ms\n", nom, m.pic_file_1, m.pic_file_2,
                static_cast<double>(m.rss_pic_kio - m.rss_depart_kio) / 1024.0, m.duree_ms);
}

std::size_t nombre(const char* texte) {
    return static_cast<std::size_t>(std::strtoull(texte, nullptr, 10));
}

} // namespace

int main(int argc, char** argv) {
    Parametres p;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--messages") == 0) {
            p.messages = nombre(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--taille") == 0) {
            p.taille = nombre(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--capacite") == 0) {
            p.capacite = std::max<std::size_t>(1, nombre(argv[i + 1]));
        }
    }
    std::printf(
        "Pipeline à 3 étages : %zu messages de %zu octets ; le dernier étage fait une pause "
        "de 1 ms tous les 100 messages.\n\n",
        p.messages, p.taille);
    // (Les flèches comptent trois octets pour printf : l'en-tête est aligné à la main.)
    std::printf("%-24s   file 1→2 (pic)   file 2→3 (pic)  RSS en plus (pic)      durée\n", "");

    rt::Runtime runtime = rt::Builder::current_thread().build();
    // Le canal borné d'abord : la mémoire que le second rendra à l'allocateur n'est pas
    // forcément rendue au système, elle fausserait la mesure suivante.
    const Mesure borne = runtime.block_on(executer<true>(p));
    const std::string nom_borne = "borné (capacité " + std::to_string(p.capacite) + ")";
    afficher(nom_borne.c_str(), borne);
    const Mesure sans_borne = runtime.block_on(executer<false>(p));
    afficher("sans borne", sans_borne);

    std::printf("\nAvec le canal borné, la production attend le dernier étage : au plus %zu "
                "messages\nen attente par file, quelle que soit la longueur de l'entrée. Sans "
                "borne, la production\nva au bout tout de suite : les %zu messages attendent "
                "en mémoire que le dernier\nétage les prenne. Même durée (le dernier étage fixe le "
                "rythme), mémoire sans limite.\n",
                p.capacite, p.messages);
    return borne.recus == p.messages && sans_borne.recus == p.messages ? 0 : 1;
}
