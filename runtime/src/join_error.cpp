#include "rt/join_error.hpp"

namespace rt {

std::string describe_exception(const std::exception_ptr& e) {
    if (!e) {
        return "aucune exception";
    }
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "exception d'un type inconnu (pas dérivée de std::exception)";
    }
}

JoinError JoinError::from_panic(std::exception_ptr payload) {
    return JoinError(payload, "la tâche a paniqué : " + describe_exception(payload));
}

JoinError JoinError::cancelled() {
    return JoinError();
}

void JoinError::resume_panic() const {
    if (!payload_) {
        throw std::logic_error(
            "resume_panic() sur une tâche annulée : aucune exception à relancer");
    }
    std::rethrow_exception(payload_);
}

} // namespace rt
