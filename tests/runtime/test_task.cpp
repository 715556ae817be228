// rt::Task<T> : paresse, valeur, exceptions, transfert symétrique.
#define BOOST_TEST_MODULE rt_task
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

rt::Task<int> quarante_deux() {
    co_return 42;
}

rt::Task<int> double_de(int x) {
    int v = co_await [](int y) -> rt::Task<int> { co_return y; }(x);
    co_return 2 * v;
}

rt::Task<void> echoue() {
    throw std::runtime_error("boum");
    co_return;
}

rt::Task<int> profondeur(int n) {
    if (n == 0) {
        co_return 0;
    }
    co_return 1 + co_await profondeur(n - 1);
}

struct Compteur {
    int* vivants;
    explicit Compteur(int* v) : vivants(v) { ++*vivants; }
    Compteur(const Compteur& o) : vivants(o.vivants) { ++*vivants; }
    ~Compteur() { --*vivants; }
};

} // namespace

BOOST_AUTO_TEST_CASE(task_rend_sa_valeur) {
    BOOST_TEST(rt::block_on(quarante_deux()) == 42);
    BOOST_TEST(rt::block_on(double_de(21)) == 42);
}

BOOST_AUTO_TEST_CASE(task_est_paresseuse) {
    std::vector<std::string> journal;
    auto corps = [&]() -> rt::Task<void> {
        journal.push_back("corps");
        co_return;
    };
    rt::block_on([&]() -> rt::Task<void> {
        auto t = corps();
        journal.push_back("créée");
        co_await std::move(t);
        journal.push_back("attendue");
    }());
    BOOST_TEST((journal == std::vector<std::string>{"créée", "corps", "attendue"}));
}

BOOST_AUTO_TEST_CASE(exception_traverse_co_await) {
    bool attrapee = false;
    rt::block_on([&]() -> rt::Task<void> {
        try {
            co_await echoue();
        } catch (const std::runtime_error& e) {
            attrapee = std::string(e.what()) == "boum";
        }
    }());
    BOOST_TEST(attrapee);
    BOOST_CHECK_THROW(rt::block_on(echoue()), std::runtime_error);
}

// Le transfert symétrique repose sur un appel terminal (« tail call ») que le compilateur
// doit garantir. GCC ne le fait qu'avec l'optimisation (-O2, ou -foptimize-sibling-calls) :
// sans elle, ou sous les sanitizers (qui empêchent les appels terminaux), la chaîne empile
// quand même. On réduit alors la profondeur ; clang le garantit à tout niveau.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) ||                               \
    (defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__))
constexpr int PROFONDEUR = 1'000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int PROFONDEUR = 1'000;
#else
constexpr int PROFONDEUR = 1'000'000;
#endif
#else
constexpr int PROFONDEUR = 1'000'000;
#endif

BOOST_AUTO_TEST_CASE(transfert_symetrique_sans_debordement_de_pile) {
    // Un million de co_await imbriqués : sans transfert symétrique, chaque retour empilerait
    // une trame de resume() et la pile (8 Mio) déborderait.
    BOOST_TEST(rt::block_on(profondeur(PROFONDEUR)) == PROFONDEUR);
}

BOOST_AUTO_TEST_CASE(task_non_demarree_liberee_sans_executer) {
    int vivants = 0;
    bool execute = false;
    {
        auto t = [](Compteur c, bool* e) -> rt::Task<void> {
            *e = true;
            (void)c;
            co_return;
        }(Compteur(&vivants), &execute);
        BOOST_TEST(vivants == 1); // le paramètre est copié dans la trame
    }
    BOOST_TEST(vivants == 0);
    BOOST_TEST(!execute);
}

BOOST_AUTO_TEST_CASE(co_return_entre_accolades) {
    auto paire = []() -> rt::Task<std::pair<int, int>> { co_return {1, 2}; };
    auto vide = []() -> rt::Task<std::string> { co_return {}; };
    BOOST_TEST(rt::block_on(paire()).second == 2);
    BOOST_TEST(rt::block_on(vide()).empty());
}

BOOST_AUTO_TEST_CASE(task_deplacable) {
    rt::Task<int> a = quarante_deux();
    rt::Task<int> b = std::move(a);
    BOOST_TEST(!a.valid());
    BOOST_TEST(b.valid());
    BOOST_TEST(rt::block_on(std::move(b)) == 42);
}

BOOST_AUTO_TEST_CASE(result_comme_en_rust) {
    rt::Result<int, rt::JoinError> ok(5);
    BOOST_TEST(ok.has_value());
    BOOST_TEST(*ok == 5);
    rt::Result<int, rt::JoinError> ko(rt::JoinError::cancelled());
    BOOST_TEST(!ko);
    BOOST_TEST(ko.error().is_cancelled());
    BOOST_CHECK_THROW(ko.value(), rt::JoinError);
    BOOST_CHECK_THROW((void)ok.error(), std::logic_error);
}

namespace {
rt::Task<int> immediate(int i) {
    co_return i;
}
} // namespace

BOOST_AUTO_TEST_CASE(un_million_de_co_await_immediats_sans_pile) {
    // Une tâche qui se termine sans attendre ne doit pas faire grandir la pile de l'attendeur,
    // même quand le compilateur ne fait pas de l'appel du transfert symétrique un appel
    // terminal (g++ sans -O2, ou sous AddressSanitizer).
    long somme = rt::block_on([]() -> rt::Task<long> {
        long s = 0;
        for (int i = 0; i < 1'000'000; ++i) {
            s += co_await immediate(i & 1);
        }
        co_return s;
    }());
    BOOST_TEST(somme == 500'000);
}

BOOST_AUTO_TEST_CASE(second_co_await_sur_une_task_refuse) {
    rt::block_on([]() -> rt::Task<void> {
        auto t = quarante_deux();
        BOOST_TEST(co_await t == 42);
        BOOST_CHECK_THROW((void)co_await t, std::logic_error);
        rt::Task<int> vide;
        BOOST_CHECK_THROW((void)co_await vide, std::logic_error);
        auto u = quarante_deux();
        auto v = std::move(u);
        BOOST_CHECK_THROW((void)co_await u, std::logic_error);
        BOOST_TEST(co_await v == 42);
    }());
}
