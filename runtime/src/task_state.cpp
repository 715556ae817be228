// Les transitions du mot d'état d'une tâche. Chacune est un compare-and-swap en boucle sur
// un seul mot : deux threads qui agissent en même temps sur la même tâche (un réveil et la
// fin d'un passage, un abort et une suspension) sont ordonnés sans verrou, et chacun sait
// exactement ce qu'il lui reste à faire.

#include "rt/detail/task_state.hpp"

#include <cassert>

namespace rt::detail {

namespace {

using Word = TaskState::Word;

/// Applique `next = f(actuel)` par compare-and-swap jusqu'à réussir ; `f` rend faux pour
/// renoncer (la transition n'a pas lieu). Rend vrai si le mot a changé ; `seen` reçoit le
/// mot d'avant (lu en acquire, voir l'en-tête ; en relaxed pour une transition relaxed, qui
/// ne lit que le mot lui-même).
template <class F>
bool update(std::atomic<Word>& word, std::memory_order success, Word& seen, F f) noexcept {
    const std::memory_order read = success == std::memory_order_relaxed ? std::memory_order_relaxed
                                                                        : std::memory_order_acquire;
    Word current = word.load(read);
    for (;;) {
        Word next = current;
        if (!f(current, next)) {
            seen = current;
            return false;
        }
        if (word.compare_exchange_weak(current, next, success, read)) {
            seen = current;
            return true;
        }
    }
}

} // namespace

TaskState::ToRunning TaskState::transition_to_running() noexcept {
    // Précondition : NOTIFIED levé, ni RUNNING ni COMPLETE (elle sort d'une file, où elle
    // n'est qu'une fois). Une seule addition fait les deux changements, sans boucle : avec ces
    // bits-là, ajouter RUNNING - NOTIFIED éteint NOTIFIED et allume RUNNING (c'est un « ou
    // exclusif », mais fetch_xor dont on lit le résultat devient une boucle de
    // compare-and-swap sur x86, fetch_add une seule instruction, lock xadd).
    // acquire : ce passage voit tout ce que le précédent a écrit dans la trame (publié par le
    // release de transition_to_idle) et ce que le réveil a publié avant de réveiller.
    const Word before = word_.fetch_add(RUNNING - NOTIFIED, std::memory_order_acquire);
    assert((before & NOTIFIED) && !(before & (RUNNING | COMPLETE)));
    return (before & CANCELLED) ? ToRunning::Cancelled : ToRunning::Success;
}

TaskState::ToIdle TaskState::transition_to_idle(bool yielded) noexcept {
    Word before = 0;
    // release : le prochain passage (peut-être sur un autre thread, après un réveil) voit
    // l'état de la trame tel que ce passage l'a laissé.
    const bool changed =
        update(word_, std::memory_order_release, before, [yielded](Word s, Word& next) {
            assert(s & RUNNING);
            if (s & CANCELLED) {
                return false; // on garde RUNNING : l'exécutant annule la tâche tout de suite
            }
            next = s & ~RUNNING;
            if (yielded) { // époque neuve, rien d'armé, à remettre en file
                next = ((next & ~FLAG_MASK) + EPOCH_ONE) | (next & FLAG_MASK & ~ARMED) | NOTIFIED;
            }
            return true;
        });
    if (!changed) {
        return ToIdle::Cancelled;
    }
    return (yielded || (before & NOTIFIED)) ? ToIdle::OkNotified : ToIdle::Ok;
}

TaskState::Snapshot TaskState::transition_to_complete() noexcept {
    // acq_rel : release publie le résultat à l'attendeur (qui lit en acquire) ; acquire fait
    // voir le réveil qu'il a rangé dans l'emplacement avant set_join_waker (release).
    // Précondition : RUNNING levé, COMPLETE non : ajouter COMPLETE - RUNNING échange les deux
    // bits en une instruction (voir transition_to_running).
    const Word before = word_.fetch_add(COMPLETE - RUNNING, std::memory_order_acq_rel);
    assert((before & RUNNING) && !(before & COMPLETE));
    return {before + (COMPLETE - RUNNING)};
}

TaskState::ToNotified TaskState::transition_to_notified(Word epoch) noexcept {
    Word before = 0;
    // release : l'événement (la donnée arrivée, le verrou passé...) écrit avant ce réveil est
    // vu par le passage qui reprendra la coroutine (acquire de transition_to_running).
    const bool changed =
        update(word_, std::memory_order_release, before, [epoch](Word s, Word& next) {
            if ((s & COMPLETE) || !(s & ARMED) || (s & ~FLAG_MASK) != epoch) {
                return false; // terminée, ou cette suspension est déjà consommée ou dépassée
            }
            next = (s & ~ARMED) | NOTIFIED;
            return true;
        });
    if (!changed) {
        return ToNotified::Stale;
    }
    // En cours d'exécution : l'exécutant verra NOTIFIED en fin de passage. Déjà en file (un
    // abort est passé avant) : elle y est. Sinon, c'est à nous de la mettre en file.
    return (before & (RUNNING | NOTIFIED)) ? ToNotified::DoNothing : ToNotified::Submit;
}

TaskState::ToNotified TaskState::transition_to_notified_and_cancel() noexcept {
    Word before = 0;
    // release : rien d'autre à publier que le drapeau, mais le passage qui annulera la tâche
    // doit voir ce que l'appelant a fait avant abort() (il peut en dépendre).
    const bool changed = update(word_, std::memory_order_release, before, [](Word s, Word& next) {
        if (s & (COMPLETE | CANCELLED)) {
            return false; // terminée, ou annulation déjà demandée
        }
        next = s | CANCELLED | NOTIFIED;
        return true;
    });
    if (!changed) {
        return ToNotified::DoNothing;
    }
    return (before & (RUNNING | NOTIFIED)) ? ToNotified::DoNothing : ToNotified::Submit;
}

bool TaskState::transition_to_shutdown() noexcept {
    Word before = 0;
    // acquire (lecture) : avant de détruire la trame, voir ce que le dernier passage y a
    // écrit ; release : un éventuel exécutant voit CANCELLED en fin de passage.
    update(word_, std::memory_order_acq_rel, before, [](Word s, Word& next) {
        if (s & COMPLETE) {
            return false;
        }
        next = s | CANCELLED;
        if (!(s & RUNNING)) {
            next |= RUNNING; // elle ne tourne pas : nous la prenons pour l'annuler
        }
        return true;
    });
    return !(before & (RUNNING | COMPLETE));
}

TaskState::Word TaskState::arm_suspension() noexcept {
    Word before = 0;
    // relaxed : seule la tâche en cours change l'époque ; le Waker qui la porte est publié
    // ensuite par la feuille elle-même (verrou, file), ce qui ordonne cette écriture avant
    // toute lecture par celui qui réveillera.
    update(word_, std::memory_order_relaxed, before, [](Word s, Word& next) {
        assert(s & RUNNING);
        next = ((s & ~FLAG_MASK) + EPOCH_ONE) | (s & FLAG_MASK) | ARMED;
        return true;
    });
    return (before & ~FLAG_MASK) + EPOCH_ONE;
}

bool TaskState::disarm_suspension(Word epoch) noexcept {
    Word before = 0;
    // relaxed : la tâche ne fait que reprendre sa propre suspension ; si un réveil l'a
    // consommée avant nous, l'échec est lu en acquire et la tâche repassera par une file.
    return update(word_, std::memory_order_relaxed, before, [epoch](Word s, Word& next) {
        if (!(s & ARMED) || (s & ~FLAG_MASK) != epoch) {
            return false;
        }
        next = s & ~ARMED;
        return true;
    });
}

bool TaskState::unset_join_interest() noexcept {
    Word before = 0;
    // release : la fin de tâche, qui lit JOIN_INTEREST, doit voir que plus personne
    // n'attend (elle signalera elle-même une panique). L'échec est lu en acquire : le
    // résultat est alors lisible.
    return update(word_, std::memory_order_release, before, [](Word s, Word& next) {
        assert(s & JOIN_INTEREST);
        if (s & COMPLETE) {
            return false;
        }
        next = s & ~(JOIN_INTEREST | JOIN_WAKER);
        return true;
    });
}

bool TaskState::set_join_waker() noexcept {
    Word before = 0;
    // release : publie le Waker rangé dans l'emplacement à la fin de tâche, qui le lira
    // après son acq_rel.
    return update(word_, std::memory_order_release, before, [](Word s, Word& next) {
        assert((s & JOIN_INTEREST) && !(s & JOIN_WAKER));
        if (s & COMPLETE) {
            return false;
        }
        next = s | JOIN_WAKER;
        return true;
    });
}

bool TaskState::unset_join_waker() noexcept {
    Word before = 0;
    // acquire : au succès, rien à publier ni à voir (l'emplacement n'a pas été lu par la fin,
    // on le reprend tel qu'on l'avait écrit) ; à l'échec, voir ce que la fin a publié.
    return update(word_, std::memory_order_acquire, before, [](Word s, Word& next) {
        assert(s & JOIN_WAKER);
        if (s & COMPLETE) {
            return false;
        }
        next = s & ~JOIN_WAKER;
        return true;
    });
}

} // namespace rt::detail
