// Chapitre 02 — trois bugs des coroutines de GCC cités par la leçon, refaits sur votre
// compilateur.
//
// Chaque cas est écrit dans la forme que la règle du cours interdit (un co_await au milieu
// d'une expression plus grande) et compte ce qui se passe. Sur la machine de rédaction :
// g++ 12.2 se trompe sur le cas 2 (bug GCC 100611), pas sur les cas 1 et 3 ; clang++ 19 sur
// aucun. Le programme rend toujours 0 : il constate, il ne juge pas votre compilateur.
//
// Aucune dépendance au runtime rt : une tâche minimale, démarrée tout de suite, suffit.
#include <coroutine>
#include <cstdio>
#include <utility>

namespace {

/// Une tâche minimale : démarre à l'appel, reste suspendue à la fin (trame libérée par ~Tache).
struct Tache {
    struct promise_type {
        Tache get_return_object() {
            return Tache{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept {}
    };

    explicit Tache(std::coroutine_handle<promise_type> h) : handle(h) {}
    Tache(Tache&& autre) noexcept : handle(std::exchange(autre.handle, {})) {}
    Tache& operator=(Tache&&) = delete;
    ~Tache() {
        if (handle)
            handle.destroy();
    }

    // Attendre une Tache : elle a déjà fini (elle démarre à l'appel), on continue aussitôt.
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<>) const noexcept { return false; }
    void await_resume() const noexcept {}

    std::coroutine_handle<promise_type> handle;
};

/// Une vraie suspension : la coroutine s'arrête, main la reprendra.
struct Suspendre {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept {}
};

// --- 1. Ordre d'évaluation d'une virgule autour d'un co_await (bug GCC 95599, GCC 10) -------

int compteur = 0;
int a = -1, b = -1, c = -1, d = -1;

struct Marque : Suspendre {
    explicit Marque(int* cible) { *cible = compteur++; }
};

Tache ordre() {
    (a = compteur++, b = compteur++, co_await Marque(&c), d = compteur++);
}

// --- 2. Lambda à captures construite dans l'expression du co_await (bug GCC 100611) ---------

int destructions = 0;
int destructions_apres_co_await = -1;

struct Trace {
    Trace() = default;
    Trace(const Trace&) {}
    ~Trace() { ++destructions; }
};

Tache capture() {
    Trace t; // une copie de plus dans la capture : deux destructions en tout
    co_await [t]() -> Tache { co_return; }();
    destructions_apres_co_await = destructions; // la capture seule : 1
}

// --- 3. Un temporaire d'une expression co_await, à travers une suspension ------------------

int vivants = 0;
int detruits = 0;
int vivants_a_la_reprise = -1;

struct Temporaire {
    Temporaire() { ++vivants; }
    Temporaire(const Temporaire&) = delete;
    ~Temporaire() {
        --vivants;
        ++detruits;
    }
};

struct AttendAvec : Suspendre {
    explicit AttendAvec(const Temporaire&) {}
};

Tache temporaire() {
    // Le temporaire doit vivre jusqu'à la fin de l'expression complète, suspension comprise.
    (co_await AttendAvec(Temporaire{}), vivants_a_la_reprise = vivants);
}

const char* verdict(bool correct) {
    return correct ? "correct" : "FAUX : le bug se reproduit";
}

} // namespace

int main() {
#if defined(__clang__)
    std::printf("Compilateur : clang++ %d.%d\n\n", __clang_major__, __clang_minor__);
#elif defined(__GNUC__)
    std::printf("Compilateur : g++ %d.%d\n\n", __GNUC__, __GNUC_MINOR__);
#endif
    {
        Tache t = ordre();
        t.handle.resume();
        std::printf("1. (a = n++, b = n++, co_await Marque(&c), d = n++) : a=%d b=%d c=%d d=%d, "
                    "attendu 0 1 2 3 -> %s\n",
                    a, b, c, d, verdict(a == 0 && b == 1 && c == 2 && d == 3));
    }
    {
        Tache t = capture();
        std::printf("2. co_await [t]() -> Tache {...}() : %d destruction(s) après le co_await "
                    "(attendu 1), %d en tout (attendu 2) -> %s\n",
                    destructions_apres_co_await, destructions,
                    verdict(destructions_apres_co_await == 1 && destructions == 2));
    }
    {
        Tache t = temporaire();
        t.handle.resume();
        std::printf("3. (co_await AttendAvec(Temporaire{}), ...) : %d temporaire vivant à la "
                    "reprise (attendu 1), %d destruction(s) (attendu 1) -> %s\n",
                    vivants_a_la_reprise, detruits,
                    verdict(vivants_a_la_reprise == 1 && detruits == 1));
    }
    std::printf("\nLa règle du cours évite les trois : un co_await seul dans son instruction, la "
                "lambda nommée avant.\n");
    return 0;
}
