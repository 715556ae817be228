// La file des minuteries (détail interne du pilote) comparée à un modèle simple.
#define BOOST_TEST_MODULE rt_timer_queue
#include <boost/test/unit_test.hpp>

#include <rt/detail/timer_queue.hpp>

#include <map>
#include <memory>
#include <random>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using rt::detail::TimerEntry;
using rt::detail::TimerQueue;
using Clock = std::chrono::steady_clock;

BOOST_AUTO_TEST_CASE(file_et_tas_rendent_l_ordre_des_echeances) {
    // Des ajouts dans l'ordre (file), en désordre (tas), des égalités et des annulations :
    // la file doit toujours rendre la même chose qu'un std::multimap ordonné par
    // (échéance, ordre d'inscription).
    std::mt19937 alea(12345);
    const auto base = Clock::now();
    std::vector<std::unique_ptr<TimerEntry>> entrees;
    std::map<std::pair<Clock::time_point, int>, TimerEntry*> modele;
    std::map<TimerEntry*, std::pair<Clock::time_point, int>> cle;
    TimerQueue file;
    int ordre = 0;
    auto dernier = base;
    for (int pas = 0; pas < 20'000; ++pas) {
        int choix = static_cast<int>(alea() % 10);
        if (choix < 5) {
            auto e = std::make_unique<TimerEntry>();
            if (alea() % 3 == 0) {
                e->deadline = base + std::chrono::microseconds(alea() % 1000); // en désordre
            } else {
                dernier += std::chrono::microseconds(alea() % 3); // croissant, parfois égal
                e->deadline = dernier;
            }
            file.push(*e);
            auto k = std::make_pair(e->deadline, ordre++);
            modele[k] = e.get();
            cle[e.get()] = k;
            entrees.push_back(std::move(e));
        } else if (choix < 7 && !cle.empty()) {
            auto it = cle.begin();
            std::advance(it, static_cast<long>(alea() % cle.size()));
            TimerEntry* e = it->first;
            file.remove(*e);
            BOOST_TEST(!e->registered());
            modele.erase(it->second);
            cle.erase(it);
        } else if (!modele.empty()) {
            TimerEntry* attendu = modele.begin()->second;
            BOOST_TEST(file.top() == attendu);
            TimerEntry& e = file.pop();
            BOOST_TEST(&e == attendu);
            BOOST_TEST(!e.registered());
            cle.erase(&e);
            modele.erase(modele.begin());
        }
        BOOST_TEST_REQUIRE(file.size() == modele.size());
    }
    while (!modele.empty()) {
        BOOST_TEST_REQUIRE(&file.pop() == modele.begin()->second);
        modele.erase(modele.begin());
    }
    BOOST_TEST(file.empty());
    BOOST_TEST(file.top() == nullptr);
}
