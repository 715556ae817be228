#include <stdexcept>

#include "rt/time.hpp"

namespace rt::time {

Interval::Interval(Instant start, Duration period) : next_(start), period_(period) {
    if (period <= Duration::zero()) {
        throw std::invalid_argument(
            "rt::time::interval : la période doit être strictement positive");
    }
}

} // namespace rt::time
