#!/usr/bin/env bash
# Teste l'outil ./cours lui-même, sur une copie jetable du dépôt à laquelle on ajoute un
# chapitre factice « 99-essai » (un exemple, deux exercices avec leurs solutions, tests et
# indices). On vérifie les codes de sortie et les messages de : aide, demo, verifier, indice,
# liste, progression, suivre, reinitialiser, manifeste, trace (la frise des tâches, sur une
# trace écrite à la main et un faux programme), noter et diapos (délégués), et les fautes
# d'avant : une boucle sans fin (message du chien de garde), un exercice qui ne compile pas
# (l'autre est noté quand même), des messages d'échec coupés, des indices qui avançaient
# seuls. Avant la copie : indices.md de chaque vrai chapitre et plan du README.
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
# Un dossier déjà utilisé : on ne garde que les compilations (build/default, build/etudiant),
# pas l'état d'un lancement précédent (indices lus, dépôt git, journaux, notation).
if [[ -d $COPIE ]]; then
    find "$COPIE" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
    find "$COPIE/build" -mindepth 1 -maxdepth 1 ! -name default ! -name etudiant -exec rm -rf {} + 2>/dev/null || true
fi
mkdir -p "$COPIE"
# Le dernier commit (état cohérent, sans le travail en cours des autres), plus l'outil
# ./cours tel qu'il est dans l'arbre de travail (amorce, scripts/cours/, manifeste) : c'est
# lui qu'on teste.
git -C "$SOURCE" archive HEAD | tar -x -C "$COPIE"
cp "$SOURCE/cours" "$SOURCE/cours.toml" "$COPIE/"
rm -rf "$COPIE/scripts/cours"
mkdir -p "$COPIE/scripts/cours"
cp "$SOURCE"/scripts/cours/*.py "$COPIE/scripts/cours/"
export PYTHONDONTWRITEBYTECODE=1

# Les fichiers d'indices des vrais chapitres suivent le format commun (un « ## Exercice `id` »
# par exercice du manifeste, trois niveaux par étape) : lus avant que la copie ne les retire.
indices_bien_formes() {
    (cd "$COPIE/scripts" && python3 - "$COPIE" <<'FIN'
import sys
from pathlib import Path
from cours import indices, manifeste
racine = Path(sys.argv[1])
cours = manifeste.charger(racine)
erreurs = []
for c in cours.chapitres:
    f = racine / "chapters" / c.slug / "indices.md"
    if not c.disponible:
        continue
    try:
        lus = indices.lire(f)
    except indices.IndicesInvalides as e:
        erreurs.append(str(e))
        continue
    for e in c.exercices:
        if e.id not in lus:
            erreurs.append(f"{f} : pas de section « ## Exercice `{e.id}` »")
for e in erreurs:
    print("   ", e)
sys.exit(1 if erreurs else 0)
FIN
    ) >"$COPIE/indices-reels.log" 2>&1
}
verifier "indices.md de chaque chapitre : bien formés, une section par exercice (voir indices-reels.log)" \
    indices_bien_formes
verifier "README.fr.md : le plan des chapitres est celui de cours.toml" \
    bash -c "cd '$COPIE' && COURS_SANS_INSTALLATION=1 ./cours readme --verifier >'$COPIE/readme.log' 2>&1"

# Le chapitre factice suffit : les vrais chapitres, leurs tests, leurs mutants, l'article, les
# benchmarks et les tests du runtime sont retirés de la copie. L'outil est le même ; la copie
# se construit en deux minutes au lieu de dix (le runtime et le chapitre 99 seulement).
rm -rf "$COPIE"/chapters/[0-9][0-9]-* "$COPIE"/tests/[0-9][0-9]-* "$COPIE"/solutions/[0-9][0-9]-* \
    "$COPIE"/tests/mutants/[0-9][0-9]-* "$COPIE/bench"
for f in article/CMakeLists.txt tests/runtime/CMakeLists.txt tests/stress/CMakeLists.txt tests/outils/CMakeLists.txt \
         docs/CMakeLists.txt; do
    printf '# Retiré de la copie par scripts/tester-outils.sh\n' >"$COPIE/$f"
done

# Chapitre 99 : deux exercices, chacun son programme de tests (une erreur de compilation dans
# l'un ne touche pas l'autre).
#   somme  : somme(a, b) ; 2 tests, dont un qui fait 20 vérifications (tous les messages
#            doivent être montrés, pas seulement les 15 premiers)
#   boucle : boucle(n) ; le squelette boucle sans fin : le chien de garde du premier test
#            arrête le programme avec un message en français, que verifier doit montrer ; le
#            second n'en a pas : CTest l'arrête à son délai, et verifier doit le dire.
# Tels que livrés, les deux exercices n'ont aucun point (ce que l'autocontrôle vérifie).
C="$COPIE/chapters/99-essai"
mkdir -p "$C/exemples" "$C/exercices" "$COPIE/solutions/99-essai" "$COPIE/tests/99-essai" "$COPIE/slides"
cat >"$C/CMakeLists.txt" <<'EOF'
cours_exemple(TARGET ch99_bonjour SOURCES exemples/bonjour.cpp TITRE "Bonjour factice" ARGS un deux)
# Un exemple compilé avec l'exercice « somme » (la solution, ou celui de l'étudiant).
cours_dossier_exercices(99-essai dossier_ch99)
cours_exemple(TARGET ch99_somme SOURCES exemples/somme.cpp TITRE "Somme factice" EXERCICE somme)
target_include_directories(ch99_somme PRIVATE ${dossier_ch99})
EOF
cat >"$C/exemples/bonjour.cpp" <<'EOF'
#include <iostream>
int main(int argc, char** argv) { std::cout << "bonjour " << argc << ' ' << argv[argc - 1] << '\n'; }
EOF
cat >"$C/exemples/somme.cpp" <<'EOF'
#include <iostream>
#include "somme.hpp"
int main() { std::cout << "2 + 3 = " << somme(2, 3) << '\n'; return somme(2, 3) == 5 ? 0 : 1; }
EOF
cat >"$C/exercices/somme.hpp" <<'EOF'
#pragma once
// TODO : renvoyer a + b.
inline int somme(int a, int b) { (void)a; (void)b; return -1; }
EOF
cat >"$COPIE/solutions/99-essai/somme.hpp" <<'EOF'
#pragma once
inline int somme(int a, int b) { return a + b; }
EOF
cat >"$C/exercices/boucle.hpp" <<'EOF'
#pragma once
// TODO : renvoyer n sans boucler.
inline int boucle(int n) {
    volatile int i = 0;
    while (i >= 0) { i = 0; }
    return n;
}
EOF
cat >"$COPIE/solutions/99-essai/boucle.hpp" <<'EOF'
#pragma once
inline int boucle(int n) { return n; }
EOF
cat >"$C/indices.md" <<'EOF'
# Indices — chapitre 99

Demandez-les un par un.

## Exercice `somme` — La somme

### Étape 1 — Lire

#### L'idée
Relisez l'énoncé.

#### L'API
L'opérateur `+`.

#### Le code
```cpp
# pas un titre : dans un bloc de code
return a + b;
```

### Étape 2 — Finir

#### L'idée
Relancez verifier.

#### L'API
Aucune.

#### Le code
Rien de plus.

## Exercice `boucle` — La boucle

### Étape 1 — Sortir

#### L'idée
Ne bouclez pas.

#### L'API
`return`.

#### Le code
`return n;`
EOF
printf '# Chapitre factice\n' >"$C/README.md"
printf '# Diapositives factices\n' >"$COPIE/slides/99-essai.md"
# Le label de l'exercice (ch99-somme) si cmake/Cours.cmake sait le poser.
EXERCICE_SOMME="" EXERCICE_BOUCLE=""
if grep -q 'EXERCICE <id>' "$COPIE/cmake/Cours.cmake"; then
    EXERCICE_SOMME="EXERCICE somme" EXERCICE_BOUCLE="EXERCICE boucle"
fi
cat >"$COPIE/tests/99-essai/CMakeLists.txt" <<EOF
cours_tests(TARGET test_ch99_somme LABEL ch99 $EXERCICE_SOMME SOURCES test_somme.cpp EXERCICES 99-essai)
cours_tests(TARGET test_ch99_boucle LABEL ch99 $EXERCICE_BOUCLE SOURCES test_boucle.cpp EXERCICES 99-essai
            TIMEOUT 4)
EOF
cat >"$COPIE/tests/99-essai/test_somme.cpp" <<'EOF'
#define BOOST_TEST_MODULE ch99
#include <boost/test/unit_test.hpp>
#include "somme.hpp"
BOOST_AUTO_TEST_CASE(somme_positive) {
    for (int i = 0; i < 20; ++i) {
        BOOST_TEST(somme(i, 1) == i + 1, "somme(" << i << ", 1) doit valoir " << i + 1 << " (cas " << i << ")");
    }
}
BOOST_AUTO_TEST_CASE(somme_nulle) { BOOST_TEST(somme(0, 0) == 0); }
EOF
cat >"$COPIE/tests/99-essai/test_boucle.cpp" <<'EOF'
#define BOOST_TEST_MODULE ch99
#include <boost/test/unit_test.hpp>
#include <support/chien_de_garde.hpp>
#include "boucle.hpp"
BOOST_AUTO_TEST_CASE(boucle_rend_n) {
    support::ChienDeGarde garde(std::chrono::seconds(2), "boucle(3) ne rend pas la main après 2 s : une boucle sans fin ?");
    BOOST_TEST(boucle(3) == 3);
}
// Sans chien de garde : CTest l'arrête au bout de son délai (TIMEOUT 4).
BOOST_AUTO_TEST_CASE(boucle_zero) { BOOST_TEST(boucle(0) == 0); }
EOF
# Le manifeste de la copie : le chapitre 99 et le 13 « à venir » (les vrais sont retirés).
cat >"$COPIE/cours.toml" <<'EOF'
[[chapitre]]
numero = "13"
slug = "13-conclusion"
titre = "Conclusion"
construit = "récapitulatif"
etat = "à venir"

[[chapitre]]
numero = "99"
slug = "99-essai"
titre = "Essai"
construit = "rien"
etat = "disponible"

[[chapitre.exercice]]
id = "somme"
genre = "construire"
titre = "La somme"
fichiers = ["somme.hpp"]
tests = [
  { nom = "ch99.somme_positive", points = 1 },
  { nom = "ch99.somme_nulle", points = 1 },
]

[[chapitre.exercice]]
id = "boucle"
genre = "utiliser"
titre = "La boucle"
fichiers = ["boucle.hpp"]
tests = [
  { nom = "ch99.boucle_rend_n", points = 1 },
  { nom = "ch99.boucle_zero", points = 1 },
]
EOF

# L'amorce bash sans python3 : elle l'installe (apt-get en root, sudo -n sinon, ou la commande
# exacte à lancer). Un PATH réduit sans python3, avec de faux dpkg-query et apt-get.
SANS_PY="$COPIE/sans-python"
mkdir -p "$SANS_PY"
for o in bash dirname readlink env cat; do ln -sf "$(command -v "$o")" "$SANS_PY/$o"; done
printf '#!/bin/sh\nexit 1\n' >"$SANS_PY/dpkg-query"
printf '#!/bin/sh\necho "faux apt-get $*" >>"%s/apt-get.log"\n' "$COPIE" >"$SANS_PY/apt-get"
chmod +x "$SANS_PY/dpkg-query" "$SANS_PY/apt-get"
RC=0
(cd "$COPIE" && COURS_SANS_INSTALLATION=1 PATH="$SANS_PY" ./cours aide) >"$COPIE/sans-python1.log" 2>&1 || RC=$?
verifier "sans python3 ni installation : code 1 et message" \
    code_et_message_simple 1 "$COPIE/sans-python1.log" "python3 est introuvable : installez-le (sudo apt-get install python3)"
RC=0
(cd "$COPIE" && PATH="$SANS_PY" ./cours aide) >"$COPIE/sans-python2.log" 2>&1 || RC=$?
if ((EUID == 0)); then
    verifier "sans python3 (root) : apt-get install python3" contient "$COPIE/apt-get.log" "faux apt-get install -y -q python3"
else
    verifier "sans python3 (ni root ni sudo) : la commande exacte à lancer" \
        code_et_message_simple 1 "$COPIE/sans-python2.log" "sudo apt-get update && sudo apt-get install -y python3"
fi

# ./cours diapos : l'amorce installe Node.js et npm seulement si les commandes manquent (un
# nodejs de NodeSource fournit npm et entre en conflit avec le paquet npm de Debian : la CI a
# échoué sur « held broken packages »), puis chromium et les polices pour --verifier. De faux
# dpkg-query (rien d'installé) et apt-get (journal) ; node et npm faux, ou absents du PATH.
if ((EUID == 0)); then
    FAUX_APT="$COPIE/faux-apt"
    mkdir -p "$FAUX_APT/avec-node" "$FAUX_APT/sans-node"
    for o in bash dirname readlink env cat python3; do ln -sf "$(command -v "$o")" "$FAUX_APT/sans-node/$o"; done
    for d in avec-node sans-node; do
        printf '#!/bin/sh\nexit 1\n' >"$FAUX_APT/$d/dpkg-query"
        printf '#!/bin/sh\necho "$*" >>"%s/%s.log"\n' "$FAUX_APT" "$d" >"$FAUX_APT/$d/apt-get"
        chmod +x "$FAUX_APT/$d/dpkg-query" "$FAUX_APT/$d/apt-get"
    done
    printf '#!/bin/sh\nexit 1\n' >"$FAUX_APT/avec-node/node"
    cp "$FAUX_APT/avec-node/node" "$FAUX_APT/avec-node/npm"
    chmod +x "$FAUX_APT/avec-node/node" "$FAUX_APT/avec-node/npm"
    (cd "$COPIE" && PATH="$FAUX_APT/avec-node:$PATH" ./cours diapos --verifier) >"$COPIE/diapos-avec-node.log" 2>&1 || true
    verifier "diapos --verifier, Node.js déjà là : chromium et polices, ni nodejs ni npm" \
        contient "$FAUX_APT/avec-node.log" "install -y -q chromium fonts-liberation"
    verifier "diapos, Node.js déjà là : le paquet npm n'est pas réclamé" \
        ne_contient_pas "$FAUX_APT/avec-node.log" "npm"
    (cd "$COPIE" && PATH="$FAUX_APT/sans-node" ./cours diapos) >"$COPIE/diapos-sans-node.log" 2>&1 || true
    verifier "diapos sans Node.js : nodejs et npm installés, pas chromium" \
        contient "$FAUX_APT/sans-node.log" "install -y -q nodejs npm"
    verifier "diapos sans --verifier : pas de chromium" ne_contient_pas "$FAUX_APT/sans-node.log" "chromium"
fi

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
lancer verifier-absent ./cours verifier 98
verifier "verifier d'un chapitre qui n'existe pas : code 1 et message" \
    code_et_message_simple 1 "$COPIE/verifier-absent.log" "pas de chapitre 98 dans ce cours"
lancer verifier-a-venir ./cours verifier 13
verifier "verifier d'un chapitre à venir : code 1 et message" \
    code_et_message_simple 1 "$COPIE/verifier-a-venir.log" "le chapitre 13 n'est pas encore disponible"
lancer test-preset ./cours test --preset inexistant
verifier "test --preset inconnu : code 1 et message" \
    code_et_message_simple 1 "$COPIE/test-preset.log" "preset inconnu : « inexistant »"
lancer test-option ./cours test --vite
verifier "test --option inconnue : code 2, message en français" \
    code_et_message_simple 2 "$COPIE/test-option.log" "argument(s) en trop : --vite"
# Le dépôt des étudiants (./cours modele-etudiant) n'a pas de solutions/ : test et autocontrole
# le disent en français au lieu d'échouer dans CMake.
mv "$COPIE/solutions" "$COPIE/solutions.de-cote"
lancer test-sans-solutions ./cours test
verifier "test sans solutions/ (dépôt d'étudiant) : code 1 et message" \
    code_et_message_simple 1 "$COPIE/test-sans-solutions.log" "absentes de ce dépôt d'étudiant"
lancer autocontrole-sans-solutions ./cours autocontrole
verifier "autocontrole sans solutions/ : code 1 et message" \
    code_et_message_simple 1 "$COPIE/autocontrole-sans-solutions.log" "absentes de ce dépôt d'étudiant"
# demo y compile les exemples avec les exercices (preset etudiant) : un exemple qui se sert
# d'un exercice pas encore fait n'est pas un échec, la visite dit quoi vérifier.
lancer demo-sans-solutions ./cours demo
verifier "demo sans solutions/ : code 0 malgré l'exemple qui attend « somme »" test "$RC" -eq 0
verifier "demo sans solutions/ : l'exemple renvoie à verifier" \
    contient "$COPIE/demo-sans-solutions.log" "il marchera quand « ./cours verifier 99 somme » passera"
verifier "demo sans solutions/ : bilan" \
    contient "$COPIE/demo-sans-solutions.log" "1 exemple(s) attendent vos exercices"
mv "$COPIE/solutions.de-cote" "$COPIE/solutions"
lancer indice-exo-absent ./cours indice 99 somm
verifier "indice d'un exercice qui n'existe pas : code 1 et suggestion" \
    code_et_message_simple 1 "$COPIE/indice-exo-absent.log" "Vouliez-vous dire « ./cours indice 99 somme » ?"
lancer indice-sans-exo ./cours indice 99
verifier "indice sans exercice : code 1 et liste des exercices" \
    code_et_message_simple 1 "$COPIE/indice-sans-exo.log" "Les exercices du chapitre 99 : somme, boucle."
# Lancé par un lien symbolique d'un autre dossier (un ~/bin sur le PATH) : le dépôt est bien
# celui du vrai fichier.
mkdir -p "$COPIE/lien"
ln -sf "$COPIE/cours" "$COPIE/lien/cours"
RC=0
(cd / && "$COPIE/lien/cours" indice 99 somme) >"$COPIE/lien.log" 2>&1 || RC=$?
verifier "lancé par un lien symbolique : code 0 et indice du bon dépôt" \
    code_et_message_simple 0 "$COPIE/lien.log" "Relisez l'énoncé."
rm -rf "$COPIE/build/indices" # cet indice lu ne doit pas compter pour les tests de verifier

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
verifier "demo : en-tête du chapitre 99" contient "$COPIE/demo.log" "── Chapitre 99 — Essai ──"
verifier "demo : sortie de l'exemple" contient "$COPIE/demo.log" "│ bonjour 3 deux"
verifier "demo : l'exemple compilé avec la solution de « somme » réussit" \
    contient "$COPIE/demo.log" "│ 2 + 3 = 5"

# ./cours test : les tests contre les solutions, résumé lu dans le JUnit, ligne de bilan de ctest.
lancer test ./cours test
verifier "test : code 0" test "$RC" -eq 0
verifier "test : résumé du chapitre 99" grep -qE '✔ ch99 +4/4 +réussis' "$COPIE/test.log"
verifier "test : ligne de bilan (lue par la CI)" grep -qE '^100% tests passed, 0 tests failed out of [0-9]+' "$COPIE/test.log"

# ./cours autocontrole sur le cours factice tel que livré : tout est cohérent (le plan du
# README d'abord régénéré pour ce manifeste).
lancer readme ./cours readme
verifier "readme : plan régénéré" contient "$COPIE/README.fr.md" '| 99 | `99-essai` | Essai | rien | `somme` (2 pts), `boucle` (2 pts) | disponible |'
lancer autocontrole ./cours autocontrole
verifier "autocontrole : code 0 et ligne de bilan (lue par la CI)" \
    bash -c "[[ $RC -eq 0 ]] && grep -qE '^autocontrole: [1-9][0-9]* passed, 0 failed$' '$COPIE/autocontrole.log'"
verifier "autocontrole : manifeste comparé à CTest" \
    contient "$COPIE/autocontrole.log" "cours.toml : les tests de chaque exercice sont ceux de CTest (4 tests notés)"

lancer verifier1 ./cours verifier 99
verifier "verifier (exercices non faits) : code 1" test "$RC" -eq 1
verifier "verifier : test en échec signalé" contient "$COPIE/verifier1.log" "✘ ch99.somme_positive"
verifier "verifier : message du test" contient "$COPIE/verifier1.log" "somme(2, 1) doit valoir 3"
verifier "verifier : tous les messages, pas seulement les 15 premiers" \
    contient "$COPIE/verifier1.log" "somme(19, 1) doit valoir 20 (cas 19)"
verifier "verifier : résultats groupés par exercice" contient "$COPIE/verifier1.log" "── Exercice boucle — La boucle"
verifier "verifier (boucle sans fin) : message du chien de garde" \
    contient "$COPIE/verifier1.log" "chien de garde : boucle(3) ne rend pas la main après 2 s"
verifier "verifier (boucle sans fin, sans chien de garde) : délai de CTest expliqué" \
    contient "$COPIE/verifier1.log" "le test a dépassé son délai : CTest l'a arrêté au bout de 4 s"
verifier "verifier : la commande de l'indice suivant, par exercice" \
    contient "$COPIE/verifier1.log" "« ./cours indice 99 somme » (étape 1/2, L'idée)"
verifier "verifier : n'affiche pas d'indice de lui-même" ne_contient_pas "$COPIE/verifier1.log" "Relisez l'énoncé."

lancer verifier2 ./cours verifier 99 somme
verifier "verifier NN exercice : seulement cet exercice" ne_contient_pas "$COPIE/verifier2.log" "ch99.boucle_zero"
verifier "verifier (2e échec) : l'indice n'avance pas tout seul" \
    contient "$COPIE/verifier2.log" "« ./cours indice 99 somme » (étape 1/2, L'idée)"

lancer indice1 ./cours indice 99 somme
verifier "indice 99 somme : étape 1, L'idée" contient "$COPIE/indice1.log" "étape 1/2 : Lire — L'idée (1/3)"
lancer indice2 ./cours indice 99 somme
verifier "indice 99 somme (2e fois) : étape 1, L'API" contient "$COPIE/indice2.log" "étape 1/2 : Lire — L'API (2/3)"
lancer indice3 ./cours indice 99 somme
verifier "indice : le code d'un bloc « # » n'est pas un titre" \
    contient "$COPIE/indice3.log" "# pas un titre : dans un bloc de code"
lancer indice-boucle ./cours indice 99 boucle
verifier "indices numérotés par exercice : boucle commence à l'étape 1" \
    contient "$COPIE/indice-boucle.log" "boucle — étape 1/1 : Sortir — L'idée (1/3)"
lancer indice-relire ./cours indice 99 somme --etape 1
verifier "indice --etape 1 : relit les trois niveaux vus" \
    grep -qzE "L'idée.*L'API.*Le code" "$COPIE/indice-relire.log"
lancer indice-relire2 ./cours indice 99 somme --etape 2
verifier "indice --etape 2 (pas encore vue) : code 1" test "$RC" -eq 1
for _ in 1 2 3; do lancer indice-suite ./cours indice 99 somme; done
verifier "indice après le dernier niveau : le redit et renvoie à la solution" \
    contient "$COPIE/indice-suite.log" "C'était le dernier indice ; la solution commentée est dans solutions/99-essai/."
rm -f "$COPIE/build/indices/ch99-somme.json"
for _ in 1 2 3; do lancer indice-suite ./cours indice 99 somme; done
lancer verifier3 ./cours verifier 99 somme
verifier "verifier après 3 indices : propose l'étape 2" \
    contient "$COPIE/verifier3.log" "« ./cours indice 99 somme » (étape 2/2, L'idée)"
cp "$C/indices.md" "$COPIE/indices.bon"
printf '## Exercice `somme` — La somme\n\n### Étape 1 — Lire\n\n#### L API\nx\n' >"$C/indices.md"
lancer indice-mal-forme ./cours indice 99 somme
verifier "indices.md mal formé : code 1 et message en français" \
    code_et_message 1 "$COPIE/indice-mal-forme.log" "niveau « L API » inattendu : « #### L'idée » était attendu"
cp "$COPIE/indices.bon" "$C/indices.md"

lancer liste ./cours liste
verifier "liste : code 0" test "$RC" -eq 0
verifier "liste : somme en échec, 0/2 points" grep -qE '^99 +somme +construire +0/2 +échec' "$COPIE/liste.log"
verifier "liste : chapitre 13 à venir" grep -qE '^13 .*à venir' "$COPIE/liste.log"

lancer noter ./cours noter
if [[ -f $COPIE/scripts/cours/notation.py ]]; then
    verifier "noter : délégué à scripts/cours/notation.py (pas de trace Python)" ne_contient_pas "$COPIE/noter.log" Traceback
else
    verifier "noter (notation.py absent) : code 1 et message" \
        code_et_message 1 "$COPIE/noter.log" "scripts/cours/notation.py manque"
fi
if [[ ! -f $COPIE/scripts/diapos.sh ]]; then
    lancer diapos ./cours diapos
    verifier "diapos (scripts/diapos.sh absent) : code 1 et message" \
        code_et_message 1 "$COPIE/diapos.log" "scripts/diapos.sh manque"
fi

lancer progression ./cours progression
verifier "progression : code 0" test "$RC" -eq 0
verifier "progression : chapitre 99 à 0/4 avec 2 TODO" grep -qE '^99 .* 0/4 +2 TODO' "$COPIE/progression.log"

# L'exercice somme ne compile plus : verifier le dit (première erreur du compilateur), et
# l'exercice boucle est vérifié quand même.
printf '#pragma once\n// TODO\ninline int somme(int a, int b) { return a + ; }\n' >"$C/exercices/somme.hpp"
lancer casse ./cours verifier 99
verifier "verifier (ne compile pas) : code 1" test "$RC" -eq 1
verifier "verifier (ne compile pas) : message" contient "$COPIE/casse.log" "L'exercice « somme » ne compile pas encore"
verifier "verifier (ne compile pas) : première erreur du compilateur" contient "$COPIE/casse.log" "somme.hpp:3"
verifier "verifier (ne compile pas) : l'autre exercice est vérifié quand même" \
    contient "$COPIE/casse.log" "chien de garde : boucle(3) ne rend pas la main"
lancer liste-casse ./cours liste
verifier "liste : somme ne compile pas" grep -qE '^99 +somme .*ne compile pas' "$COPIE/liste-casse.log"

# boucle est fait, somme ne compile toujours pas : boucle a tous ses points.
cp "$COPIE/solutions/99-essai/boucle.hpp" "$C/exercices/boucle.hpp"
lancer casse2 ./cours verifier 99
verifier "verifier (somme ne compile pas, boucle faite) : boucle réussie" \
    contient "$COPIE/casse2.log" "✔ 2/2 tests réussis (2/2 points)"

# Les exercices sont faits : verifier réussit.
cp "$COPIE/solutions/99-essai/somme.hpp" "$C/exercices/somme.hpp"
cp "$COPIE/solutions/99-essai/boucle.hpp" "$C/exercices/boucle.hpp"
printf '// TODO fait\n' >>"$C/exercices/somme.hpp"
lancer reussi ./cours verifier 99
verifier "verifier (exercices faits) : code 0" test "$RC" -eq 0
verifier "verifier (exercices faits) : bravo" contient "$COPIE/reussi.log" "Bravo"

# Plus aucun TODO dans les exercices du chapitre : progression va quand même jusqu'au bout
# (grep sans résultat arrêtait la commande en silence sous pipefail).
cp "$COPIE/solutions/99-essai/somme.hpp" "$C/exercices/somme.hpp"
lancer progression-fini ./cours progression
verifier "progression (exercices sans TODO) : code 0" test "$RC" -eq 0
verifier "progression (exercices sans TODO) : ligne du chapitre 99" \
    grep -qE '^99 .* 4/4 +0 TODO' "$COPIE/progression-fini.log"
verifier "progression (exercices sans TODO) : chapitres suivants affichés" \
    contient "$COPIE/progression-fini.log" "Progression par chapitre"

# Le manifeste de la copie correspond à ses tests CTest ; un test en trop est signalé.
lancer manifeste ./cours manifeste --verifier --build build/default
verifier "manifeste --verifier : code 0 (cours.toml = CTest)" test "$RC" -eq 0
sed -i 's/{ nom = "ch99.boucle_zero", points = 1 },/&\n  { nom = "ch99.fantome", points = 1 },/' "$COPIE/cours.toml"
lancer manifeste-ecart ./cours manifeste --verifier --build build/default
verifier "manifeste --verifier (test en trop) : code 1 et test nommé" \
    code_et_message 1 "$COPIE/manifeste-ecart.log" "ch99.fantome (exercice boucle) : dans cours.toml, mais pas un test noté de CTest"
sed -i '/ch99.fantome/d' "$COPIE/cours.toml"

# suivre : revérifie à chaque enregistrement (par inotifywait, puis par examen des fichiers),
# et s'arrête au bout de deux vérifications (COURS_SUIVRE_TOURS, pour le test).
suivre_reverifie() { # suivre_reverifie NOM VARIABLES...
    local log="$COPIE/$1.log" pid n=0
    shift
    : >"$log"
    (cd "$COPIE" && exec env "$@" COURS_SUIVRE_TOURS=2 ./cours suivre 99 somme) >"$log" 2>&1 &
    pid=$!
    # Le premier tour est fini quand le suivi annonce qu'il attend.
    while ! grep -q "Ctrl-C pour sortir" "$log" && kill -0 "$pid" 2>/dev/null && ((n < 600)); do
        sleep 0.5
        n=$((n + 1))
    done
    printf '// enregistré\n' >>"$C/exercices/somme.hpp"
    n=0
    while kill -0 "$pid" 2>/dev/null && ((n < 600)); do
        sleep 0.5
        n=$((n + 1))
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ $(grep -c "Bravo" "$log") -eq 2 ]]
}
verifier "suivre (examen des fichiers) : revérifie après un enregistrement" \
    suivre_reverifie suivre-examen COURS_SANS_INOTIFY=1
# Ctrl-C (SIGINT) pendant l'attente : « Fin du suivi. », code 0. Une commande lancée en
# arrière-plan par un script ignore SIGINT : on le rétablit avant de lancer ./cours.
suivre_ctrl_c() {
    local log="$COPIE/suivre-ctrl-c.log" pid n=0 rc=0
    : >"$log"
    (cd "$COPIE" && exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv("./cours", sys.argv[1:])' \
        ./cours suivre 99 somme) >"$log" 2>&1 &
    pid=$!
    while ! grep -q "Ctrl-C pour sortir" "$log" && kill -0 "$pid" 2>/dev/null && ((n < 600)); do
        sleep 0.5
        n=$((n + 1))
    done
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
    [[ $rc -eq 0 ]] && grep -qF "Fin du suivi." "$log" && ! grep -q Traceback "$log"
}
verifier "suivre : Ctrl-C sort proprement (code 0, « Fin du suivi. »)" suivre_ctrl_c
if command -v inotifywait >/dev/null 2>&1; then
    verifier "suivre (inotifywait) : revérifie après un enregistrement" suivre_reverifie suivre-inotify NO_COLOR=1
    verifier "suivre (inotifywait) : le mode est annoncé" contient "$COPIE/suivre-inotify.log" "(inotifywait)"
fi

# reinitialiser : refuse hors d'un dépôt git, puis remet le squelette livré (git).
lancer reinit-hors-git ./cours reinitialiser 99 somme --oui
verifier "reinitialiser hors d'un dépôt git : code 1 et message" \
    code_et_message 1 "$COPIE/reinit-hors-git.log" "ce dossier n'est pas un dépôt git"
(cd "$COPIE" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm copie) >/dev/null 2>&1
printf 'du travail\n' >>"$C/exercices/somme.hpp"
printf 'autre chose\n' >>"$C/exercices/boucle.hpp"
lancer reinit-sans-oui ./cours reinitialiser 99 somme </dev/null
verifier "reinitialiser sans terminal ni --oui : code 1, rien modifié" \
    code_et_message 1 "$COPIE/reinit-sans-oui.log" "ajoutez --oui"
lancer reinit ./cours reinitialiser 99 somme --oui
verifier "reinitialiser --oui : code 0" test "$RC" -eq 0
verifier "reinitialiser : le fichier de l'exercice est remis" ne_contient_pas "$C/exercices/somme.hpp" "du travail"
verifier "reinitialiser : l'autre exercice n'est pas touché" contient "$C/exercices/boucle.hpp" "autre chose"

printf '\nJournaux : %s/*.log\n' "$COPIE"
printf 'outils: %d passed, %d failed\n' "$reussis" "$echoues"
((echoues == 0))
