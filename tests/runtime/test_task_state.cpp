// Le mot d'état d'une tâche, sans coroutine : chaque transition nommée et son résultat.
// C'est le contrat entre une tâche, ceux qui la réveillent et le planificateur.
#define BOOST_TEST_MODULE rt_task_state
#include <boost/test/unit_test.hpp>

#include <rt/detail/task_state.hpp>

using rt::detail::TaskState;
using ToIdle = TaskState::ToIdle;
using ToNotified = TaskState::ToNotified;
using ToRunning = TaskState::ToRunning;

namespace {
/// Une tâche prise en file pour son premier passage.
void demarrer(TaskState& s) {
    BOOST_TEST((s.transition_to_running() == ToRunning::Success));
}
/// La tâche se suspend en E, un réveil de E la remet en file, elle repart : elle tourne, E est
/// consommée. Rend E.
TaskState::Word reprendre_apres_un_reveil(TaskState& s) {
    demarrer(s);
    const auto e = s.arm_suspension();
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Submit));
    demarrer(s); // reprise depuis E
    return e;
}
} // namespace

BOOST_AUTO_TEST_CASE(etat_initial_en_file_et_attendue) {
    TaskState s;
    const auto v = s.load();
    BOOST_TEST(v.is_notified());
    BOOST_TEST(v.is_join_interested());
    BOOST_TEST(v.is_idle());
    BOOST_TEST(!v.is_armed());
    BOOST_TEST(v.epoch() == 0u);
}

BOOST_AUTO_TEST_CASE(passage_puis_repos) {
    TaskState s;
    demarrer(s);
    BOOST_TEST(s.load().is_running());
    BOOST_TEST(!s.load().is_notified()); // NOTIFIED retombe : il n'est plus en file
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));
    BOOST_TEST(s.load().is_idle());
}

BOOST_AUTO_TEST_CASE(chaque_suspension_a_sa_propre_epoque) {
    TaskState s;
    demarrer(s);
    const auto e1 = s.arm_suspension();
    BOOST_TEST(s.load().is_armed());
    BOOST_TEST(s.load().epoch() == e1);
    BOOST_TEST((s.transition_to_notified(e1) == ToNotified::DoNothing)); // consommée
    const auto e2 = s.arm_suspension();
    BOOST_TEST(e2 == e1 + TaskState::EPOCH_ONE);
}

BOOST_AUTO_TEST_CASE(reveil_d_une_tache_endormie_la_met_en_file) {
    TaskState s;
    demarrer(s);
    const auto e = s.arm_suspension();
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Submit));
    BOOST_TEST(s.load().is_notified());
    BOOST_TEST(!s.load().is_armed());
    // Un second réveil de la même suspension est périmé : elle est déjà consommée.
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale));
}

BOOST_AUTO_TEST_CASE(reveil_pendant_le_passage_la_remet_en_file_a_la_fin) {
    TaskState s;
    demarrer(s);
    const auto e = s.arm_suspension();                                  // la feuille s'inscrit...
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::DoNothing)); // ...réveillée aussitôt
    BOOST_TEST((s.transition_to_idle() == ToIdle::OkNotified));
    BOOST_TEST(s.load().is_notified());
}

BOOST_AUTO_TEST_CASE(reveil_perime_pendant_le_passage_ignore) {
    // Le défaut d'origine : reprise depuis la suspension E, la tâche tourne ; un second
    // réveil de E ne doit pas la marquer, sinon sa suspension suivante reprendrait trop tôt.
    TaskState s;
    const auto e = reprendre_apres_un_reveil(s);
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale));
    const auto suivante = s.arm_suspension();
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale)); // ancienne époque
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));             // elle dort vraiment
    BOOST_TEST((s.transition_to_notified(suivante) == ToNotified::Submit));
}

BOOST_AUTO_TEST_CASE(ceder_la_main_remet_en_file_et_perime_les_anciens_reveils) {
    TaskState s;
    const auto e = reprendre_apres_un_reveil(s);
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale)); // un réveil de E, en retard
    BOOST_TEST((s.transition_to_idle(/*yielded=*/true) == ToIdle::OkNotified)); // en file
    BOOST_TEST(s.load().is_notified());
    BOOST_TEST(!s.load().is_armed(), "céder la main n'arme aucune suspension");
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale)); // toujours périmé
    demarrer(s);
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));
}

BOOST_AUTO_TEST_CASE(renoncer_a_une_suspension) {
    TaskState s;
    demarrer(s);
    const auto e = s.arm_suspension();
    BOOST_TEST(s.disarm_suspension(e)); // l'événement est arrivé : pas de suspension
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale));
    const auto f = s.arm_suspension();
    BOOST_TEST((s.transition_to_notified(f) == ToNotified::DoNothing));
    BOOST_TEST(!s.disarm_suspension(f)); // trop tard : déjà consommée, il faut suspendre
    BOOST_TEST((s.transition_to_idle() == ToIdle::OkNotified));
}

BOOST_AUTO_TEST_CASE(abort_d_une_tache_endormie) {
    TaskState s;
    demarrer(s);
    (void)s.arm_suspension();
    BOOST_TEST((s.transition_to_idle() == ToIdle::Ok));
    BOOST_TEST((s.transition_to_notified_and_cancel() == ToNotified::Submit));
    BOOST_TEST((s.transition_to_notified_and_cancel() == ToNotified::DoNothing)); // une fois
    BOOST_TEST((s.transition_to_running() == ToRunning::Cancelled));
}

BOOST_AUTO_TEST_CASE(abort_d_une_tache_en_file_ne_la_remet_pas_en_file) {
    TaskState s; // neuve : déjà en file
    BOOST_TEST((s.transition_to_notified_and_cancel() == ToNotified::DoNothing));
    BOOST_TEST((s.transition_to_running() == ToRunning::Cancelled));
}

BOOST_AUTO_TEST_CASE(abort_pendant_le_passage_annule_a_la_fin) {
    TaskState s;
    demarrer(s);
    BOOST_TEST((s.transition_to_notified_and_cancel() == ToNotified::DoNothing));
    BOOST_TEST((s.transition_to_idle() == ToIdle::Cancelled));
    BOOST_TEST(s.load().is_running()); // l'exécutant la garde pour l'annuler
}

BOOST_AUTO_TEST_CASE(une_tache_terminee_ignore_tout) {
    TaskState s;
    demarrer(s);
    const auto e = s.arm_suspension();
    const auto fin = s.transition_to_complete();
    BOOST_TEST(fin.is_complete());
    BOOST_TEST(!fin.is_running());
    BOOST_TEST(fin.is_join_interested());
    BOOST_TEST((s.transition_to_notified(e) == ToNotified::Stale));
    BOOST_TEST((s.transition_to_notified_and_cancel() == ToNotified::DoNothing));
    BOOST_TEST(!s.transition_to_shutdown());
}

BOOST_AUTO_TEST_CASE(arret_du_runtime) {
    TaskState endormie;
    demarrer(endormie);
    BOOST_TEST((endormie.transition_to_idle() == ToIdle::Ok));
    BOOST_TEST(endormie.transition_to_shutdown()); // prise par l'arrêt pour être annulée
    BOOST_TEST(endormie.load().is_running());
    BOOST_TEST(endormie.load().is_cancelled());

    TaskState en_file; // neuve, jamais exécutée
    BOOST_TEST(en_file.transition_to_shutdown());

    TaskState en_cours;
    demarrer(en_cours);
    BOOST_TEST(!en_cours.transition_to_shutdown()); // l'exécutant l'annulera
    BOOST_TEST((en_cours.transition_to_idle() == ToIdle::Cancelled));
}

BOOST_AUTO_TEST_CASE(reveil_de_l_attendeur) {
    TaskState s;
    BOOST_TEST(s.set_join_waker());
    BOOST_TEST(s.load().has_join_waker());
    BOOST_TEST(s.unset_join_waker()); // attente abandonnée avant la fin
    BOOST_TEST(s.set_join_waker());
    demarrer(s);
    const auto fin = s.transition_to_complete();
    BOOST_TEST(fin.has_join_waker());  // la fin réveillera l'attendeur
    BOOST_TEST(!s.unset_join_waker()); // trop tard : l'emplacement est à la fin
}

BOOST_AUTO_TEST_CASE(join_handle_detruit_avant_ou_apres_la_fin) {
    TaskState avant;
    BOOST_TEST(avant.unset_join_interest());
    demarrer(avant);
    BOOST_TEST(!avant.transition_to_complete().is_join_interested()); // la fin signalera

    TaskState apres;
    demarrer(apres);
    (void)apres.transition_to_complete();
    BOOST_TEST(!apres.unset_join_interest()); // le handle regardera le résultat lui-même
    BOOST_TEST(!apres.set_join_waker());
}
