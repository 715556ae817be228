#!/usr/bin/env bash
# Teste l'outil ./cours lui-même, sur une copie jetable du dépôt à laquelle on ajoute un
# chapitre factice « 99-essai » (un exemple, un exercice, sa solution, deux tests, des
# indices). On vérifie les codes de sortie et les messages de : aide, demo, verifier,
# indice, noter (JUnit compris), progression, trace (la frise des tâches, sur une trace
# écrite à la main et un faux programme), et le cas « l'exercice ne compile pas ».
#
# Usage : scripts/tester-outils.sh [DOSSIER_TEMPORAIRE]
# Rien n'est modifié dans le dépôt : tout se passe dans la copie.

set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COPIE="${1:-$(mktemp -d /tmp/cours-outils.XXXXXX)}"
export NO_COLOR=1

reussis=0
echoues=0
verifier() { # verifier DESCRIPTION CONDITION...
    local description=$1
    shift
    if "$@"; then
        printf '✔ %s\n' "$description"
        reussis=$((reussis + 1))
    else
        printf '✘ %s\n' "$description"
        echoues=$((echoues + 1))
    fi
}
contient() { grep -qF -- "$2" "$1"; }
code_et_message_simple() { [[ $RC -eq $1 ]] && grep -qF -- "$3" "$2"; } # CODE JOURNAL TEXTE
ne_contient_pas() { ! grep -qF -- "$2" "$1"; }

# lancer NOM COMMANDE... : lance ./cours dans la copie, sortie dans $COPIE/NOM.log, code dans RC.
RC=0
lancer() {
    local nom=$1
    shift
    RC=0
    (cd "$COPIE" && "$@") >"$COPIE/$nom.log" 2>&1 || RC=$?
}

printf 'Copie de travail : %s\n' "$COPIE"
mkdir -p "$COPIE"
# Le dernier commit (état cohérent, sans le travail en cours des autres), plus l'outil
# ./cours tel qu'il est dans l'arbre de travail : c'est lui qu'on teste.
git -C "$SOURCE" archive HEAD | tar -x -C "$COPIE"
cp "$SOURCE/cours" "$COPIE/cours"
# Le chapitre factice suffit : les vrais chapitres, leurs tests, leurs mutants, l'article, les
# benchmarks et les tests du runtime sont retirés de la copie. L'outil est le même ; la copie
# se construit en deux minutes au lieu de dix (le runtime et le chapitre 99 seulement).
rm -rf "$COPIE"/chapters/[0-9][0-9]-* "$COPIE"/tests/[0-9][0-9]-* "$COPIE"/solutions/[0-9][0-9]-* \
    "$COPIE"/tests/mutants/[0-9][0-9]-* "$COPIE/bench"
for f in article/CMakeLists.txt tests/runtime/CMakeLists.txt tests/stress/CMakeLists.txt; do
    printf '# Retiré de la copie par scripts/tester-outils.sh\n' >"$COPIE/$f"
done

C="$COPIE/chapters/99-essai"
mkdir -p "$C/exemples" "$C/exercices" "$COPIE/solutions/99-essai" "$COPIE/tests/99-essai" "$COPIE/slides"
cat >"$C/CMakeLists.txt" <<'EOF'
cours_exemple(TARGET ch99_bonjour SOURCES exemples/bonjour.cpp TITRE "Bonjour factice" ARGS un deux)
EOF
cat >"$C/exemples/bonjour.cpp" <<'EOF'
#include <iostream>
int main(int argc, char** argv) { std::cout << "bonjour " << argc << ' ' << argv[argc - 1] << '\n'; }
EOF
cat >"$C/exercices/somme.hpp" <<'EOF'
#pragma once
// TODO : renvoyer a + b.
inline int somme(int a, int b) { (void)a; (void)b; return 0; }
EOF
cat >"$COPIE/solutions/99-essai/somme.hpp" <<'EOF'
#pragma once
inline int somme(int a, int b) { return a + b; }
EOF
cat >"$C/indices.md" <<'EOF'
# Indices factices

## Exercice : somme

### Indice 1 — premier
Relisez l'énoncé.

### Indice 2 — second
Utilisez l'opérateur `+`.
EOF
printf '# Chapitre factice\n' >"$C/README.md"
printf '# Diapositives factices\n' >"$COPIE/slides/99-essai.md"
cat >"$COPIE/tests/99-essai/CMakeLists.txt" <<'EOF'
cours_tests(TARGET test_ch99 LABEL ch99 SOURCES test_somme.cpp EXERCICES 99-essai)
EOF
cat >"$COPIE/tests/99-essai/test_somme.cpp" <<'EOF'
#define BOOST_TEST_MODULE ch99
#include <boost/test/unit_test.hpp>
#include "somme.hpp"
BOOST_AUTO_TEST_CASE(somme_positive) { BOOST_TEST(somme(2, 3) == 5, "somme(2, 3) doit valoir 5"); }
BOOST_AUTO_TEST_CASE(somme_nulle) { BOOST_TEST(somme(0, 0) == 0); }
EOF

lancer aide ./cours aide
verifier "aide : code 0 et liste des commandes" test "$RC" -eq 0
verifier "aide : mentionne verifier" contient "$COPIE/aide.log" "./cours verifier NN"

lancer inconnue ./cours nimporte
verifier "commande inconnue : code 2" test "$RC" -eq 2
verifier "commande inconnue : pas de suggestion absurde" ne_contient_pas "$COPIE/inconnue.log" "Vouliez-vous dire"
lancer faute ./cours verifer 99
verifier "faute de frappe : code 2" test "$RC" -eq 2
verifier "faute de frappe : la commande proche est proposée" \
    contient "$COPIE/faute.log" "Vouliez-vous dire « ./cours verifier » ?"
lancer indice-absent ./cours indice 98
verifier "indice d'un chapitre qui n'existe pas : code 1 et message" \
    code_et_message_simple 1 "$COPIE/indice-absent.log" "pas de chapitre 98 dans ce cours"
# Lancé par un lien symbolique d'un autre dossier (un ~/bin sur le PATH) : le dépôt est bien
# celui du vrai fichier.
mkdir -p "$COPIE/lien"
ln -sf "$COPIE/cours" "$COPIE/lien/cours"
RC=0
(cd / && "$COPIE/lien/cours" indice 99 1) >"$COPIE/lien.log" 2>&1 || RC=$?
verifier "lancé par un lien symbolique : code 0 et indice du bon dépôt" \
    code_et_message_simple 0 "$COPIE/lien.log" "Relisez l'énoncé."
rm -f "$COPIE/build/indices-99" # cet indice lu ne doit pas compter pour les tests de verifier

# ./cours trace : une petite trace au format de RT_TRACE (2 workers), puis les erreurs.
cat >"$COPIE/essai-trace.json" <<'EOF'
{"traceEvents": [
{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "rt"}},
{"ph": "M", "name": "thread_name", "pid": 1, "tid": 0, "args": {"name": "worker 0"}},
{"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "worker 1"}},
{"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "block_on"}},
{"ph": "i", "s": "t", "cat": "spawn", "name": "spawn", "pid": 1, "tid": 2, "ts": 1.0, "args": {"task": 1, "name": "main", "parent": null}},
{"ph": "X", "cat": "poll", "name": "main", "pid": 1, "tid": 0, "ts": 2.0, "dur": 5.5, "args": {"task": 1}},
{"ph": "i", "s": "t", "cat": "spawn", "name": "spawn", "pid": 1, "tid": 0, "ts": 3.0, "args": {"task": 2, "name": "calcul", "parent": 1}},
{"ph": "i", "s": "t", "cat": "steal", "name": "steal", "pid": 1, "tid": 1, "ts": 4.0, "args": {"from": 0, "count": 1}},
{"ph": "X", "cat": "poll", "name": "calcul", "pid": 1, "tid": 1, "ts": 4.5, "dur": 3.0, "args": {"task": 2}},
{"ph": "i", "s": "t", "cat": "task", "name": "complete", "pid": 1, "tid": 1, "ts": 7.5, "args": {"task": 2, "outcome": "panic"}},
{"ph": "i", "s": "t", "cat": "wake", "name": "wake", "pid": 1, "tid": 1, "ts": 7.6, "args": {"task": 1}},
{"ph": "X", "cat": "park", "name": "park", "pid": 1, "tid": 1, "ts": 8.0, "dur": 20.0},
{"ph": "X", "cat": "poll", "name": "main", "pid": 1, "tid": 0, "ts": 9.0, "dur": 1.0, "args": {"task": 1}},
{"ph": "i", "s": "t", "cat": "task", "name": "complete", "pid": 1, "tid": 0, "ts": 10.0, "args": {"task": 1, "outcome": "ok"}}
],
"displayTimeUnit": "ns", "otherData": {"runtime": "rt", "flavor": "multi_thread", "workers": 2}}
EOF
# code_et_message CODE_ATTENDU JOURNAL TEXTE : le dernier ./cours a rendu ce code et dit ce texte.
code_et_message() { [[ $RC -eq $1 ]] && grep -qF -- "$3" "$2" && ! grep -q Traceback "$2"; }
sans_adresse() { ! grep -qiE 'https?://' "$1"; }
existe() { compgen -G "$1" >/dev/null; } # existe MOTIF : au moins un fichier correspond

lancer trace-json ./cours trace --json essai-trace.json
verifier "trace --json : code 0 et chemin de la page" \
    code_et_message 0 "$COPIE/trace-json.log" "Frise des tâches : build/traces/essai-trace.html"
verifier "trace --json : un couloir par worker dans la page" \
    contient "$COPIE/build/traces/essai-trace.html" '"nom":"worker 1"'
verifier "trace --json : page autonome (aucune adresse http)" \
    sans_adresse "$COPIE/build/traces/essai-trace.html"
verifier "aide : mentionne trace" contient "$COPIE/aide.log" "./cours trace PROG"

lancer trace-absente ./cours trace --json absente.json
verifier "trace --json (fichier absent) : code 1 et message" \
    code_et_message 1 "$COPIE/trace-absente.log" "fichier de trace introuvable : « absente.json »"
head -c 40 "$COPIE/essai-trace.json" >"$COPIE/tronquee.json"
lancer trace-tronquee ./cours trace --json tronquee.json
verifier "trace --json (tronquée avant tout événement) : code 1 et message" \
    code_et_message 1 "$COPIE/trace-tronquee.log" "tronquée avant son premier événement"
head -c 900 "$COPIE/essai-trace.json" >"$COPIE/coupee.json"
lancer trace-coupee ./cours trace --json coupee.json
verifier "trace --json (tronquée) : code 0 et avertissement" \
    code_et_message 0 "$COPIE/trace-coupee.log" "attention : la trace est tronquée"
verifier "trace --json (tronquée) : la page le dit" \
    contient "$COPIE/build/traces/coupee.html" "Trace tronquée"
printf 'pas du json\n' >"$COPIE/pasjson.json"
lancer trace-pasjson ./cours trace --json pasjson.json
verifier "trace --json (pas du JSON) : code 1 et message" \
    code_et_message 1 "$COPIE/trace-pasjson.log" "ce n'est pas une trace au format Chrome"

lancer trace-introuvable ./cours trace programme_qui_n_existe_pas
verifier "trace (programme introuvable) : code 1 et message" \
    code_et_message 1 "$COPIE/trace-introuvable.log" "programme introuvable : « programme_qui_n_existe_pas »"
lancer trace-rien ./cours trace true
verifier "trace (programme qui ne trace rien) : code 1 et message" \
    code_et_message 1 "$COPIE/trace-rien.log" "le programme n'a rien tracé : est-il construit avec rt"
# Un faux programme écrit la trace dans $RT_TRACE puis échoue : la frise est dessinée quand même.
printf '#!/bin/sh\necho "argument : $1"\ncp "%s" "$RT_TRACE"\nexit 3\n' "$COPIE/essai-trace.json" \
    >"$COPIE/faux-programme"
chmod +x "$COPIE/faux-programme"
lancer trace-faux ./cours trace ./faux-programme bonjour
verifier "trace (programme en échec) : code 1 et code du programme signalé" \
    code_et_message 1 "$COPIE/trace-faux.log" "le programme s'est terminé avec le code 3"
verifier "trace (programme en échec) : arguments transmis" contient "$COPIE/trace-faux.log" "argument : bonjour"
verifier "trace (programme en échec) : frise dessinée quand même" \
    existe "$COPIE/build/traces/faux-programme-*.html"

lancer demo ./cours demo
verifier "demo : code 0" test "$RC" -eq 0
verifier "demo : en-tête du chapitre 99" contient "$COPIE/demo.log" "── Chapitre 99 — essai ──"
verifier "demo : sortie de l'exemple" contient "$COPIE/demo.log" "│ bonjour 3 deux"

lancer verifier1 ./cours verifier 99
verifier "verifier (exercice non fait) : code 1" test "$RC" -eq 1
verifier "verifier : test en échec signalé" contient "$COPIE/verifier1.log" "✘ ch99.somme_positive"
verifier "verifier : test réussi signalé" contient "$COPIE/verifier1.log" "✔ ch99.somme_nulle"
verifier "verifier : message du test" contient "$COPIE/verifier1.log" "somme(2, 3) doit valoir 5"
verifier "verifier : premier indice" contient "$COPIE/verifier1.log" "Indice 1/2"

lancer verifier2 ./cours verifier 99
verifier "verifier (2e échec) : indice suivant" contient "$COPIE/verifier2.log" "Indice 2/2"

lancer indice ./cours indice 99 1
verifier "indice 99 1 : code 0 et texte" contient "$COPIE/indice.log" "Relisez l'énoncé."

lancer noter ./cours noter --junit "$COPIE/notes.xml"
verifier "noter : code 0" test "$RC" -eq 0
verifier "noter : ligne du chapitre 99 à 10/20" grep -qE '^99 +1 +2 +10,0' "$COPIE/noter.log"
verifier "noter : chapitre 13 à venir" grep -qE '^13 .*à venir' "$COPIE/noter.log"
verifier "noter : JUnit écrit" contient "$COPIE/notes.xml" 'name="ch99.somme_positive"'

lancer progression ./cours progression
verifier "progression : code 0" test "$RC" -eq 0
verifier "progression : chapitre 99 à 1/2 avec 1 TODO" grep -qE '^99 .* 1/2 +1 TODO' "$COPIE/progression.log"

# L'exercice ne compile plus : verifier le dit, noter donne 0 à ce chapitre.
printf '#pragma once\n// TODO\ninline int somme(int a, int b) { return a + ; }\n' >"$C/exercices/somme.hpp"
lancer casse ./cours verifier 99
verifier "verifier (ne compile pas) : code 1" test "$RC" -eq 1
verifier "verifier (ne compile pas) : message" contient "$COPIE/casse.log" "ne compilent pas encore"
lancer noter2 ./cours noter --junit "$COPIE/notes2.xml"
verifier "noter (ne compile pas) : 0/20 et mention" grep -qE '^99 +0 +2 +0,0 .*ne compile pas' "$COPIE/noter2.log"
verifier "noter (ne compile pas) : JUnit en échec" contient "$COPIE/notes2.xml" "ne compile pas"

# L'exercice est fait : verifier réussit.
cp "$COPIE/solutions/99-essai/somme.hpp" "$C/exercices/somme.hpp"
printf '// TODO fait\n' >>"$C/exercices/somme.hpp"
lancer reussi ./cours verifier 99
verifier "verifier (exercice fait) : code 0" test "$RC" -eq 0
verifier "verifier (exercice fait) : bravo" contient "$COPIE/reussi.log" "Bravo"

# Plus aucun TODO dans les exercices du chapitre : progression va quand même jusqu'au bout
# (grep sans résultat arrêtait la commande en silence sous pipefail).
cp "$COPIE/solutions/99-essai/somme.hpp" "$C/exercices/somme.hpp"
lancer progression-fini ./cours progression
verifier "progression (exercices sans TODO) : code 0" test "$RC" -eq 0
verifier "progression (exercices sans TODO) : ligne du chapitre 99" \
    grep -qE '^99 .* 2/2 +0 TODO' "$COPIE/progression-fini.log"
verifier "progression (exercices sans TODO) : chapitres suivants affichés" \
    contient "$COPIE/progression-fini.log" "Progression par chapitre"

printf '\nJournaux : %s/*.log\n' "$COPIE"
printf 'outils: %d passed, %d failed\n' "$reussis" "$echoues"
((echoues == 0))
