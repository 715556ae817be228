#pragma once
/// \file
/// \brief Une source d'entrées-sorties inscrite auprès du réacteur, et l'attente d'un fd prêt.

#include <coroutine>
#include <cstdint>

#include "rt/detail/task_header.hpp"

namespace rt::detail {

class Driver;

/// \brief Le sens d'une attente : lire ou écrire.
enum class Direction : std::uint8_t { Read, Write };

/// \brief Le bit d'un sens dans `IoSource::ready`.
constexpr std::uint8_t direction_bit(Direction direction) noexcept {
    return direction == Direction::Read ? 1 : 2;
}

/// \brief Un descripteur non bloquant connu du réacteur, avec au plus une tâche qui attend
/// de pouvoir lire et une qui attend de pouvoir écrire (les deux moitiés d'un socket).
///
/// Comme une minuterie, l'attente ne coûte aucune allocation : la source vit dans l'objet
/// d'E/S (`TcpStream`...), la tâche en attente est notée avec l'époque de sa suspension.
/// Une attente est **à un coup** : le réacteur réveille la tâche et l'oublie ; la tâche
/// retente son appel système, et se réinscrit s'il rend encore `EAGAIN`.
///
/// Tous les champs sauf `fd` appartiennent au pilote : on ne les lit et ne les écrit que
/// sous son verrou (`Driver::wait_io`, `cancel_io`, `deregister_io`), car le thread qui
/// attend dans le réacteur et celui d'une tâche peuvent être différents (chapitre 11).
struct IoSource {
    static constexpr std::uint32_t NOT_REGISTERED = static_cast<std::uint32_t>(-1);

    int fd = -1;
    TaskHeader* reader = nullptr;        ///< tâche qui attend de pouvoir lire
    TaskHeader* writer = nullptr;        ///< tâche qui attend de pouvoir écrire
    std::uint64_t reader_epoch = 0;      ///< époque de la suspension du lecteur
    std::uint64_t writer_epoch = 0;      ///< époque de la suspension de l'écrivain
    std::uint32_t slot = NOT_REGISTERED; ///< place dans la table du réacteur (stable)
    std::uint32_t id = 0;                ///< numéro de cette inscription (jamais réutilisé tôt)
    /// Sens signalés prêts alors que personne n'attendait (bits de `direction_bit`) : la
    /// prochaine attente dans ce sens n'attend pas, l'appelant retente son appel système.
    std::uint8_t ready = 0;
    Driver* driver = nullptr; ///< le pilote où la source est inscrite

    IoSource() = default;
    explicit IoSource(int descriptor) noexcept : fd(descriptor) {}
    IoSource(const IoSource&) = delete;
    IoSource& operator=(const IoSource&) = delete;
    /// \brief Se retire du réacteur (si elle y est inscrite).
    ~IoSource();

    /// \brief Retire la source de son pilote ; à appeler avant de fermer le fd.
    void deregister() noexcept;
};

/// \brief `co_await IoReady{source, sens}` : suspend la tâche jusqu'à ce que le fd soit prêt.
///
/// À n'utiliser qu'après un appel système qui a rendu `EAGAIN` : c'est le schéma « essayer,
/// sinon attendre, puis réessayer » de tout runtime à réacteur (tokio, Asio, libuv).
class IoReady {
public:
    IoReady(IoSource& source, Direction direction) noexcept
        : source_(source), direction_(direction) {}
    IoReady(const IoReady&) = delete;
    IoReady& operator=(const IoReady&) = delete;
    /// \brief Si la tâche est détruite pendant l'attente (annulation), l'attente est retirée.
    ~IoReady();

    /// \brief Toujours faux : on vient d'obtenir `EAGAIN`.
    bool await_ready() const noexcept { return false; }
    /// \brief Inscrit la tâche courante comme attendant ce fd, dans ce sens. Faux (pas de
    /// suspension) si le fd a été signalé prêt entre l'`EAGAIN` et cette inscription.
    bool await_suspend(std::coroutine_handle<> caller);
    /// \brief Rien à rendre : l'appelant retente son appel système.
    void await_resume() noexcept { task_ = nullptr; }

private:
    IoSource& source_;
    Direction direction_;
    TaskHeader* task_ = nullptr; ///< la tâche suspendue ici (nulle hors attente)
};

} // namespace rt::detail
