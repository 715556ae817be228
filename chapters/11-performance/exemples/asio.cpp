/// \file
/// \brief Chapitre 11 — en production : le même calcul découpé, avec Boost.Asio, sur plusieurs
/// threads.
///
/// Asio n'a pas de runtime « multi_thread » à vol de travail. On obtient plusieurs threads de
/// deux façons :
///   1. `asio::thread_pool pool(n)` : un contexte d'exécution qui possède ses n threads ;
///   2. un `asio::io_context` dont on appelle `run()` depuis n threads : ils se partagent la
///      même file de travail (une file sous verrou), ce que ce chapitre appelle « la file
///      globale unique ».
/// Dans les deux cas, chaque morceau est une coroutine lancée par `co_spawn`, et
/// `asio::use_future` rend un `std::future` pour en attendre le résultat depuis `main`.
///
/// Usage : `ch11_asio [--n N] [--morceau M]` (défaut : 1 000 000 et 10 000).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;

namespace {

using Horloge = std::chrono::steady_clock;

std::uint64_t est_premier(std::uint64_t i) noexcept {
    if (i < 2) {
        return 0;
    }
    if (i % 2 == 0) {
        return i == 2 ? 1 : 0;
    }
    for (std::uint64_t d = 3; d <= i / d; d += 2) {
        if (i % d == 0) {
            return 0;
        }
    }
    return 1;
}

/// Un morceau : une coroutine Asio qui compte les premiers de [debut, fin).
asio::awaitable<std::uint64_t> morceau(std::uint64_t debut, std::uint64_t fin) {
    std::uint64_t n = 0;
    for (std::uint64_t i = debut; i < fin; ++i) {
        n += est_premier(i);
    }
    co_return n;
}

/// Lance un morceau par tranche de `taille` sur `executeur`, puis additionne les résultats.
template <class Executeur>
std::vector<std::future<std::uint64_t>> lancer(Executeur executeur, std::uint64_t n,
                                               std::uint64_t taille) {
    std::vector<std::future<std::uint64_t>> futurs;
    for (std::uint64_t debut = 0; debut < n;) {
        const std::uint64_t fin = n - debut > taille ? debut + taille : n;
        futurs.push_back(asio::co_spawn(executeur, morceau(debut, fin), asio::use_future));
        debut = fin;
    }
    return futurs;
}

std::uint64_t additionner(std::vector<std::future<std::uint64_t>>& futurs) {
    std::uint64_t total = 0;
    for (auto& f : futurs) {
        total += f.get();
    }
    return total;
}

/// 1. Un thread_pool de `threads` threads.
double avec_thread_pool(unsigned threads, std::uint64_t n, std::uint64_t taille,
                        std::uint64_t& total) {
    const auto debut = Horloge::now();
    asio::thread_pool pool(threads);
    auto futurs = lancer(pool.get_executor(), n, taille);
    total = additionner(futurs);
    pool.join();
    return std::chrono::duration<double>(Horloge::now() - debut).count();
}

/// 2. Un io_context que `threads` threads font tourner ensemble.
double avec_io_context(unsigned threads, std::uint64_t n, std::uint64_t taille,
                       std::uint64_t& total) {
    const auto debut = Horloge::now();
    asio::io_context contexte;
    auto futurs = lancer(contexte.get_executor(), n, taille);
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) {
        pool.emplace_back([&contexte] { contexte.run(); }); // rend la main quand tout est fait
    }
    total = additionner(futurs);
    for (auto& t : pool) {
        t.join();
    }
    return std::chrono::duration<double>(Horloge::now() - debut).count();
}

} // namespace

int main(int argc, char** argv) {
    std::uint64_t n = 1'000'000;
    std::uint64_t taille = 10'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view a = argv[i];
        if (a == "--n") {
            n = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (a == "--morceau") {
            taille = std::strtoull(argv[i + 1], nullptr, 10);
        } else {
            std::fprintf(stderr, "usage : ch11_asio [--n N] [--morceau M]\n");
            return 2;
        }
    }
    if (taille == 0) {
        std::fprintf(stderr, "--morceau doit être positif\n");
        return 2;
    }
    std::printf("Asio : nombres premiers < %llu, morceaux de %llu\n\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(taille));
    std::printf("| Exécution | Premiers | Durée |\n|---|---:|---:|\n");
    std::uint64_t reference = 0;
    for (unsigned threads : {1u, 2u}) {
        std::uint64_t total = 0;
        double s = avec_thread_pool(threads, n, taille, total);
        std::printf("| asio::thread_pool(%u) | %llu | %.3f s |\n", threads,
                    static_cast<unsigned long long>(total), s);
        reference = reference ? reference : total;
        if (total != reference) {
            return 1;
        }
        s = avec_io_context(threads, n, taille, total);
        std::printf("| io_context, run() sur %u thread(s) | %llu | %.3f s |\n", threads,
                    static_cast<unsigned long long>(total), s);
        if (total != reference) {
            return 1;
        }
    }
    return 0;
}
