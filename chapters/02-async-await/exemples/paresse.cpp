// Chapitre 02 — une rt::Task est paresseuse : l'appeler ne fait que créer sa trame.
//
// En Rust, `let f = operation();` sans `.await` ne fait rien non plus (le compilateur
// prévient : « futures do nothing unless you `.await` or poll them »). En C++, c'est le
// choix de `initial_suspend()` dans la promise : rt::Task renvoie std::suspend_always.
#include <rt/rt.hpp>

#include <cstdio>
#include <string>
#include <utility>

namespace {

/// Un objet qui annonce sa destruction : il montre quand la trame est libérée.
struct Temoin {
    std::string nom;
    explicit Temoin(std::string n) : nom(std::move(n)) {}
    Temoin(Temoin&& autre) noexcept : nom(std::exchange(autre.nom, {})) {}
    Temoin(const Temoin&) = delete;
    ~Temoin() {
        if (!nom.empty()) { // la coquille vide d'un déplacement ne dit rien
            std::printf("      (trame de %s détruite : son paramètre Temoin aussi)\n", nom.c_str());
        }
    }
};

// Le paramètre est pris par valeur (CP.53) : il est déplacé dans la trame dès l'appel.
rt::Task<int> calcul(Temoin temoin) {
    std::printf("      [%s] le corps démarre enfin\n", temoin.nom.c_str());
    co_return 42;
}

rt::Task<void> main_async() {
    std::printf("1. auto tache = calcul(...) : la trame est allouée, le paramètre copié...\n");
    auto tache = calcul(Temoin("calcul A"));
    std::printf("2. ... et rien d'autre : le corps n'a pas encore démarré.\n");

    std::printf("3. co_await tache : maintenant seulement, le corps s'exécute.\n");
    int v = co_await tache;
    std::printf("4. Résultat : %d\n", v);

    std::printf("5. Une tâche créée puis abandonnée n'exécute jamais son corps :\n");
    {
        auto oubliee = calcul(Temoin("calcul B"));
    } // ~Task : destroy() libère la trame sans l'avoir jamais démarrée
    std::printf("6. Le corps de calcul B ne s'est jamais exécuté. Fin de main_async.\n");
} // ~Task de `tache` : sa trame (terminée) est libérée ici

} // namespace

int main() {
    rt::block_on(main_async());
}
