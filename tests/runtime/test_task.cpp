#define BOOST_TEST_MODULE rt_task
#include <boost/test/unit_test.hpp>

#include <rt/rt.hpp>

using namespace std::chrono_literals;

namespace {
rt::Task<int> quarante_deux() {
    co_return 42;
}
rt::Task<int> double_de(int x) {
    co_return 2 * co_await [](int v) -> rt::Task<int> { co_return v; }(x);
}
} // namespace

BOOST_AUTO_TEST_CASE(block_on_rend_la_valeur) {
    BOOST_TEST(rt::block_on(quarante_deux()) == 42);
    BOOST_TEST(rt::block_on(double_de(21)) == 42);
}

BOOST_AUTO_TEST_CASE(spawn_et_join) {
    int r = rt::block_on([]() -> rt::Task<int> {
        auto h = rt::spawn([]() -> rt::Task<int> {
            co_await rt::time::sleep(10ms);
            co_return 7;
        });
        auto res = co_await h;
        co_return res.value();
    }());
    BOOST_TEST(r == 7);
}
