#define BOOST_TEST_MODULE "Chapitre 12 : ce que la leçon affirme"
#include <boost/test/unit_test.hpp>
BOOST_AUTO_TEST_CASE(provisoire) {
    BOOST_TEST(true);
}
