/// \file
/// \brief Chapitre 04 — le pilote de temps vu de l'extérieur : ordre des réveils, annulation.
///
/// Trois expériences, chacune affiche ce que le pilote fait :
///  1. des tâches lancées dans le désordre se réveillent dans l'ordre de leurs échéances, et
///     deux échéances égales dans l'ordre d'inscription ;
///  2. pendant l'attente, le thread dort dans poll(2) : le nombre de reprises de tâches
///     (`metrics().total_poll_count()`) ne bouge presque pas ;
///  3. une tâche annulée (`abort()`) pendant qu'elle dort retire aussitôt sa minuterie :
///     `metrics().num_timers` diminue de un, sans attendre l'échéance (une heure).
#include <rt/rt.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace std::chrono_literals;
/// L'horloge monotone : celle de rt::time (jamais reculée par un réglage de l'heure).
using Horloge = std::chrono::steady_clock;

namespace {

double ms_depuis(Horloge::time_point debut) {
    return std::chrono::duration<double, std::milli>(Horloge::now() - debut).count();
}

// Paramètres par valeur (CP.53) : le nom et le délai vivent dans la trame de la tâche.
rt::Task<void> dormeuse(std::string nom, std::chrono::milliseconds delai,
                        Horloge::time_point debut) {
    co_await rt::time::sleep_until(debut + delai);
    std::printf("   %-10s échéance %3lld ms, réveillée à %6.2f ms\n", nom.c_str(),
                static_cast<long long>(delai.count()), ms_depuis(debut));
}

rt::Task<void> principal() {
    const rt::Handle rt_handle = rt::Handle::current();

    std::printf("1. Cinq tâches lancées dans le désordre (30, 10, 20, 10 bis, 5 ms)\n");
    const auto debut = Horloge::now();
    std::vector<rt::JoinHandle<void>> handles;
    handles.push_back(rt::spawn(dormeuse("A", 30ms, debut)));
    handles.push_back(rt::spawn(dormeuse("B", 10ms, debut)));
    handles.push_back(rt::spawn(dormeuse("C", 20ms, debut)));
    handles.push_back(rt::spawn(dormeuse("B bis", 10ms, debut))); // même échéance que B
    handles.push_back(rt::spawn(dormeuse("D", 5ms, debut)));

    // Céder la main une fois : les cinq tâches tournent jusqu'à leur sleep et s'inscrivent.
    co_await rt::task::yield_now();
    const auto polls_avant = rt_handle.metrics().total_poll_count();
    std::printf("   minuteries inscrites : %zu\n", rt_handle.metrics().num_timers);

    for (auto& h : handles) {
        co_await h;
    }
    const auto polls_apres = rt_handle.metrics().total_poll_count();
    std::printf("\n2. Pendant ces %.0f ms, le runtime n'a repris que %llu tâches :\n"
                "   cinq réveils, plus main_async qui attend ses handles. Le reste du temps,\n"
                "   le thread dormait dans poll(2) jusqu'à la prochaine échéance.\n",
                ms_depuis(debut), static_cast<unsigned long long>(polls_apres - polls_avant));

    std::printf("\n3. Annuler une tâche qui dort retire sa minuterie tout de suite\n");
    auto longue = rt::spawn([]() -> rt::Task<void> { co_await rt::time::sleep(1h); });
    auto courte = rt::spawn([]() -> rt::Task<void> { co_await rt::time::sleep(50ms); });
    co_await rt::task::yield_now(); // elles s'inscrivent
    std::printf("   deux tâches endormies (1 h et 50 ms) : %zu minuteries\n",
                rt_handle.metrics().num_timers);

    longue.abort(); // la trame sera détruite à son point de suspension : ~Sleep désinscrit
    const auto fin = co_await longue;
    std::printf("   après longue.abort() : %zu minuterie (%s)\n", rt_handle.metrics().num_timers,
                fin.has_value() ? "?!" : "JoinError annulée");

    const auto avant_courte = Horloge::now();
    co_await courte;
    std::printf("   courte réveillée après %.1f ms ; minuteries restantes : %zu\n",
                ms_depuis(avant_courte), rt_handle.metrics().num_timers);
}

} // namespace

int main() {
    rt::block_on(principal());
}
