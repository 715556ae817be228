/// \file
/// \brief Chapitre 03 — le bogue GCC 100611 mesuré : une lambda à captures construite dans
/// l'expression même d'un `co_await` voit ses captures détruites une fois de trop avec g++
/// (signalé sur GCC 11, toujours là dans le g++ 12.2 de Debian 12) ; clang++ est correct.
///
/// Chaque forme capture un `Temoin` qui compte ses constructions (copie et déplacement
/// compris) et ses destructions. Elles doivent être égales ; un écart est une destruction en
/// trop — une double libération dès que la capture possède de la mémoire (`std::string`,
/// `std::unique_ptr`...). C'est pourquoi le témoin ne possède rien : ce programme montre le
/// bogue sans le payer. Les formes 1 à 3 enfreignent la règle du cours (un `co_await` seul
/// dans son instruction, son opérande un appel simple ou une variable déjà nommée) ; les
/// formes 4 et 5 la suivent. Usage : `ch03_gcc_captures` (compilé avec g++ ou clang++).
#include <rt/rt.hpp>

#include <boost/asio.hpp>

#include <chrono>
#include <cstdio>
#include <utility>

namespace {

int construits = 0;
int detruits = 0;

/// Compte ses vies : ne possède rien, une destruction en trop est donc sans danger ici.
struct Temoin {
    int valeur = 7;
    Temoin() { ++construits; }
    Temoin(const Temoin& autre) : valeur(autre.valeur) { ++construits; }
    Temoin(Temoin&& autre) noexcept : valeur(autre.valeur) { ++construits; }
    Temoin& operator=(const Temoin&) = default;
    Temoin& operator=(Temoin&&) = default;
    ~Temoin() { ++detruits; }
};

void bilan(const char* forme) {
    std::printf("%-70s construits %d, détruits %d%s\n", forme, construits, detruits,
                construits == detruits ? "" : "   <- une destruction en trop");
    construits = 0;
    detruits = 0;
}

// ✗ 1. La lambda est construite dans l'expression du co_await (argument de rt::spawn).
rt::Task<int> forme_spawn_dans_l_expression() {
    auto r = co_await rt::spawn([t = Temoin()]() -> rt::Task<int> {
        co_await rt::time::sleep(std::chrono::milliseconds(1));
        co_return t.valeur;
    });
    co_return r.value();
}

// ✗ 2. La forme du rapport de bogue : la lambda construite et appelée dans le co_await.
rt::Task<int> forme_lambda_appelee() {
    const int v = co_await [t = Temoin()]() -> rt::Task<int> {
        co_await rt::time::sleep(std::chrono::milliseconds(1));
        co_return t.valeur;
    }();
    co_return v;
}

// ✓ 4. Une instruction pour lancer, une pour attendre.
rt::Task<int> forme_en_deux_instructions() {
    auto h = rt::spawn([t = Temoin()]() -> rt::Task<int> {
        co_await rt::time::sleep(std::chrono::milliseconds(1));
        co_return t.valeur;
    });
    auto r = co_await h;
    co_return r.value();
}

// ✓ 5. La lambda nommée d'abord ; le co_await n'a plus qu'un appel simple pour opérande.
rt::Task<int> forme_lambda_nommee() {
    auto f = [t = Temoin()]() -> rt::Task<int> {
        co_await rt::time::sleep(std::chrono::milliseconds(1));
        co_return t.valeur;
    };
    auto r = co_await rt::spawn(std::move(f));
    co_return r.value();
}

// ✗ 3. La forme d'Asio #858 : co_spawn d'une lambda à captures, attendu dans l'expression.
boost::asio::awaitable<void> forme_asio() {
    auto executeur = co_await boost::asio::this_coro::executor;
    co_await boost::asio::co_spawn(
        executeur, [t = Temoin()]() -> boost::asio::awaitable<void> { co_return; },
        boost::asio::use_awaitable);
}

} // namespace

int main() {
#if defined(__clang__)
    std::printf("compilé par clang++ %d.%d\n", __clang_major__, __clang_minor__);
#elif defined(__GNUC__)
    std::printf("compilé par g++ %d.%d\n", __GNUC__, __GNUC_MINOR__);
#endif
    (void)rt::block_on(forme_spawn_dans_l_expression());
    bilan("1. auto r = co_await rt::spawn([t = Temoin()]() ...);");
    (void)rt::block_on(forme_lambda_appelee());
    bilan("2. int v = co_await [t = Temoin()]() ...();");
    {
        boost::asio::io_context contexte;
        boost::asio::co_spawn(contexte, forme_asio(), boost::asio::detached);
        contexte.run();
    }
    bilan("3. co_await asio::co_spawn(ex, [t = Temoin()]() ..., use_awaitable);");
    (void)rt::block_on(forme_en_deux_instructions());
    bilan("4. auto h = rt::spawn([t = Temoin()]() ...); auto r = co_await h;");
    (void)rt::block_on(forme_lambda_nommee());
    bilan("5. auto f = [t = Temoin()]() ...; co_await rt::spawn(std::move(f));");
}
