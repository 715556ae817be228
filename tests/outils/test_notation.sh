#!/usr/bin/env bash
# Test de la notation des copies (./cours noter --copie) et du modèle étudiant
# (./cours modele-etudiant), sur des copies jetables sous /tmp :
#
#   - l'arbre de l'enseignant : une copie des fichiers du dépôt (suivis par git, et nouveaux
#     non ignorés), construite dans son propre build/notation ;
#   - alice : mini_executor recopié des solutions (→ « identique à la solution ») ; elle a aussi
#     trafiqué ses tests, ses CMakeLists et son ./cours (→ ignorés : utiliser_spawn, laissé tel
#     que livré, vaut 0) ;
#   - bob : une erreur de syntaxe dans utiliser_spawn.hpp (→ 0 à cet exercice seulement, avec
#     l'erreur du compilateur) ; mini_executor juste mais retouché (→ tous ses points, sans
#     remarque « identique », mais son #include qui remonte hors de exercices/ est signalé) ;
#   - absent : un dossier qui n'existe pas (→ erreur en français, les autres sont notés, code 1).
# Puis le CSV et les JUnit (une suite par chapitre, classname, points en propriétés, messages
# d'échec), et le modèle étudiant (pas de solutions/, autograding.json et workflow d'accord
# avec cours.toml ; dossier non vide refusé).
#
# Seul le chapitre 03 est noté (--chapitre 03), en -j1 sous nice -n 19. Durée mesurée : 29 s sur
# la machine de 2 cœurs calme, 2 à 4 min quand elle est très chargée (la compilation du runtime
# domine). Lancement :  bash tests/outils/test_notation.sh   (GARDER=1 : garder les fichiers)
# Code de sortie : 0 si toutes les vérifications passent ; la liste des échecs sinon.

set -euo pipefail

DEPOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
TMP="$(mktemp -d /tmp/test-notation.XXXXXX)"
if [[ -z ${GARDER:-} ]]; then
    trap 'rm -rf "$TMP"' EXIT
else
    echo "(GARDER : les fichiers restent dans $TMP)"
fi
export NO_COLOR=1 COURS_JOBS=1 COURS_SANS_INSTALLATION=1 PYTHONDONTWRITEBYTECODE=1

echecs=0 verifs=0
verifier() { # verifier "description" commande...
    local description=$1
    shift
    verifs=$((verifs + 1))
    if "$@"; then
        printf '  ok     %s\n' "$description"
    else
        printf '  ÉCHEC  %s\n' "$description"
        echecs=$((echecs + 1))
    fi
}

# ─── L'arbre de l'enseignant ────────────────────────────────────────────────────────────────
PROF=$TMP/prof
mkdir -p "$PROF"
(cd "$DEPOT" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$PROF"

# Lance une commande de ./cours dans l'arbre de l'enseignant : le bootstrap s'il connaît déjà la
# commande, sinon le module Python directement.
cours_py() { # cours_py MODULE ARGS...
    local module=$1
    shift
    if grep -q "modele-etudiant" "$PROF/cours" 2>/dev/null; then
        case $module in
            notation) (cd "$PROF" && nice -n 19 ./cours noter "$@") ;;
            modele) (cd "$PROF" && nice -n 19 ./cours modele-etudiant "$@") ;;
        esac
    else
        (cd "$PROF" && nice -n 19 python3 -c \
            "import sys; sys.path.insert(0, 'scripts'); from cours import $module; sys.exit($module.main(sys.argv[1:]))" "$@")
    fi
}

# ─── Les copies des étudiants ───────────────────────────────────────────────────────────────
EX=chapters/03-spawn/exercices
SOL=solutions/03-spawn
for n in alice bob; do
    mkdir -p "$TMP/$n"
    cp -r "$PROF/chapters" "$TMP/$n/"
done
cp "$PROF/$SOL/mini_executor.hpp" "$PROF/$SOL/mini_executor.cpp" "$TMP/alice/$EX/"
# Ce qu'alice a trafiqué hors de ses exercices : rien de cela ne doit servir.
mkdir -p "$TMP/alice/tests/03-spawn" "$TMP/alice/cmake"
cat >"$TMP/alice/tests/03-spawn/test_utiliser_spawn.cpp" <<'EOF'
#define BOOST_TEST_MODULE triche
#include <boost/test/unit_test.hpp>
BOOST_AUTO_TEST_CASE(programme_spawn_journal_dans_l_ordre) {}
EOF
printf 'message(FATAL_ERROR "CMakeLists trafiqué")\n' >"$TMP/alice/chapters/03-spawn/CMakeLists.txt"
printf 'message(FATAL_ERROR "CMakeLists trafiqué")\n' >"$TMP/alice/CMakeLists.txt"
printf 'function(cours_tests)\nendfunction()\n' >"$TMP/alice/cmake/Cours.cmake"
printf '#!/bin/sh\nexit 0\n' >"$TMP/alice/cours"
chmod +x "$TMP/alice/cours"

cp "$PROF/$SOL/mini_executor.hpp" "$PROF/$SOL/mini_executor.cpp" "$TMP/bob/$EX/"
printf '\n// Relu par Bob.\n#include "../../../../../runtime/include/rt/rt.hpp"\n' >>"$TMP/bob/$EX/mini_executor.cpp"
printf '\nint oups = ;\n' >>"$TMP/bob/$EX/utiliser_spawn.hpp"

# ─── La notation ────────────────────────────────────────────────────────────────────────────
printf '\n▸ Notation (chapitre 03, -j1) ; arbre de l’enseignant : %s\n' "$PROF"
debut=$(date +%s)
rc=0
cours_py notation --copie "$TMP/alice" "$TMP/bob" "$TMP/absent" --chapitre 03 -j 1 \
    --csv "$TMP/notes.csv" --junit-dossier "$TMP/junit" >"$TMP/noter.log" 2>&1 || rc=$?
printf '  (notation en %d s)\n' "$(($(date +%s) - debut))"

verifier "code de sortie 1 (une copie absente)" test "$rc" -eq 1
verifier "pas de trace Python" bash -c "! grep -q Traceback '$TMP/noter.log'"
verifier "erreur en français pour la copie absente" grep -q "copie « absent » : le dossier .* n'existe pas" "$TMP/noter.log"
verifier "tableau d'alice : identique à la solution" grep -qE "^03 +mini_executor .*identique à la solution" "$TMP/noter.log"
verifier "tableau de bob : utiliser_spawn ne compile pas" grep -qE "^03 +utiliser_spawn +0/[0-9]+ .*ne compile pas" "$TMP/noter.log"
verifier "CSV et JUnit écrits" test -s "$TMP/notes.csv" -a -s "$TMP/junit/alice.xml" -a -s "$TMP/junit/bob.xml" -a -s "$TMP/junit/absent.xml"

# Les vérifications du CSV et des JUnit, en Python (csv, xml.etree), contre cours.toml.
python3 - "$PROF" "$TMP" >"$TMP/verif.log" 2>&1 <<'EOF' || true
import csv, sys, xml.etree.ElementTree as ET
from pathlib import Path
prof, tmp = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(prof / "scripts"))
from cours import manifeste
ch = manifeste.charger(prof).chapitre("03")
mini, util = ch.exercice("mini_executor"), ch.exercice("utiliser_spawn")
def dire(ok, texte):
    print(("ok     " if ok else "ÉCHEC  ") + texte)

lignes = {l["etudiant"]: l for l in csv.DictReader(open(tmp / "notes.csv", encoding="utf-8"))}
col_m, col_u = f"03 mini_executor (/{mini.points})", f"03 utiliser_spawn (/{util.points})"
dire(set(lignes) == {"alice", "bob", "absent"}, "CSV : une ligne par copie (alice, bob, absent)")
dire(col_m in lignes["alice"] and col_u in lignes["alice"], "CSV : une colonne par exercice, avec ses points")
dire(any(k.startswith("total (/") for k in lignes["alice"]), "CSV : colonne du total")
dire(lignes["alice"][col_m] == str(mini.points), "CSV : alice a tous les points de mini_executor")
dire("mini_executor : identique à la solution" in lignes["alice"]["remarques"], "CSV : alice signalée identique à la solution")
dire(lignes["alice"][col_u] == "0", "CSV : alice, tests et CMake trafiqués ignorés (utiliser_spawn livré : 0)")
dire(lignes["bob"][col_m] == str(mini.points), "CSV : bob, mini_executor noté malgré l'erreur de l'autre exercice")
dire(lignes["bob"][col_u] == "0" and "utiliser_spawn : ne compile pas" in lignes["bob"]["remarques"],
     "CSV : bob, utiliser_spawn 0 (ne compile pas)")
dire("identique" not in lignes["bob"]["remarques"], "CSV : bob (solution retouchée) pas signalé identique")
dire("inclut « ../../../../../runtime/include/rt/rt.hpp »" in lignes["bob"]["remarques"],
     "CSV : bob, l'#include qui sort du dossier d'exercices est signalé")
dire("n'existe pas" in lignes["absent"]["remarques"], "CSV : la copie absente dit pourquoi")

def junit(nom):
    return ET.parse(tmp / "junit" / f"{nom}.xml").getroot()
for nom in ("alice", "bob"):
    r = junit(nom)
    suites = r.findall("testsuite")
    dire([s.get("name") for s in suites] == ["03-spawn"], f"JUnit {nom} : une suite par chapitre noté (03-spawn)")
    cas = r.findall("testsuite/testcase")
    dire(sorted(c.get("name") for c in cas) == sorted(t.nom for t in ch.tests), f"JUnit {nom} : les tests du manifeste")
    dire(all(c.get("classname") == "03-spawn" for c in cas), f"JUnit {nom} : classname = chapitre « 03-spawn »")
    pts = {t.nom: t.points for t in ch.tests}
    dire(all(c.find("properties/property[@name='points']") is not None
             and c.find("properties/property[@name='points']").get("value") == str(pts[c.get("name")]) for c in cas),
         f"JUnit {nom} : points en propriété de chaque test")
a = junit("alice")
cas_u = [c for c in a.iter("testcase") if c.find("properties/property[@name='exercice']").get("value") == "utiliser_spawn"]
dire(cas_u and all(c.find("failure") is not None and 'error: in "' in (c.find("failure").text or "") for c in cas_u),
     "JUnit alice : messages d'échec de Boost.Test gardés (utiliser_spawn)")
dire(any(p.get("value") == "identique à la solution" for p in a.iter("property") if p.get("name") == "remarque"),
     "JUnit alice : remarque « identique à la solution »")
b = junit("bob")
cas_b = {c.get("name"): c for c in b.iter("testcase")}
dire(all(cas_b[t.nom].find("failure") is None for t in mini.tests), "JUnit bob : mini_executor réussi")
f = [cas_b[t.nom].find("failure") for t in util.tests]
dire(all(x is not None and x.get("type") == "compilation" and "utiliser_spawn.hpp" in (x.text or "")
         and "error" in (x.text or "") for x in f), "JUnit bob : utiliser_spawn, échec de compilation avec l'erreur du compilateur")
dire(junit("absent").find("testsuite/testcase/error") is not None, "JUnit absent : une erreur")
EOF
while IFS= read -r ligne; do
    verifs=$((verifs + 1))
    printf '  %s\n' "$ligne"
    [[ $ligne == ÉCHEC* ]] && echecs=$((echecs + 1))
done <"$TMP/verif.log"
if ! grep -q '^ok ' "$TMP/verif.log"; then
    verifs=$((verifs + 1)) echecs=$((echecs + 1))
    printf '  ÉCHEC  vérifications du CSV et des JUnit :\n'
    sed 's/^/         /' "$TMP/verif.log"
fi

# ─── Le modèle étudiant ─────────────────────────────────────────────────────────────────────
printf '\n▸ Modèle étudiant\n'
MODELE=$TMP/modele
rc=0
cours_py modele "$MODELE" >"$TMP/modele.log" 2>&1 || rc=$?
verifier "modele-etudiant réussit" test "$rc" -eq 0
verifier "pas de solutions/ dans le modèle" test ! -e "$MODELE/solutions"
verifier "pas de tests/mutants/ dans le modèle" test ! -e "$MODELE/tests/mutants"
verifier "le runtime, les chapitres, ./cours et cours.toml y sont" \
    test -d "$MODELE/runtime" -a -d "$MODELE/chapters/03-spawn/exercices" -a -x "$MODELE/cours" -a -f "$MODELE/cours.toml"
verifier "le README dit que c'est le dépôt de l'étudiant" grep -q "Dépôt de l'étudiant" "$MODELE/README.fr.md"
verifier "le README du modèle donne « ./cours verifier 01 » au lieu de « ./cours test »" \
    bash -c "grep -q '^./cours verifier 01 ' '$MODELE/README.fr.md' && ! grep -q '^./cours test ' '$MODELE/README.fr.md'"
python3 - "$PROF" "$MODELE" >"$TMP/verif-modele.log" 2>&1 <<'EOF' || true
import json, re, sys
from pathlib import Path
prof, modele = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(prof / "scripts"))
from cours import manifeste
cours = manifeste.charger(prof)
exos = [e for c in cours.chapitres if c.disponible for e in c.exercices if e.tests]
def dire(ok, texte):
    print(("ok     " if ok else "ÉCHEC  ") + texte)
try:
    aj = json.loads((modele / ".github/classroom/autograding.json").read_text(encoding="utf-8"))
    dire(True, "autograding.json : JSON valide")
except (OSError, ValueError) as e:
    dire(False, f"autograding.json : JSON valide ({e})")
    sys.exit(0)
tests = aj.get("tests", [])
dire(len(tests) == len(exos), f"autograding.json : un test par exercice noté ({len(tests)}/{len(exos)})")
dire(all({"name", "run", "timeout", "points"} <= set(t) for t in tests), "autograding.json : name, run, timeout, points")
dire([t["points"] for t in tests] == [e.points for e in exos], "autograding.json : les points du manifeste")
dire(all(f"-L '^{e.label}$'" in t["run"] and e.cible in t["run"] for t, e in zip(tests, exos)),
     "autograding.json : chaque test lance le programme et le label de son exercice")
dire(sum(t["points"] for t in tests) == sum(c.points for c in cours.chapitres if c.disponible),
     "autograding.json : total des points = celui des chapitres disponibles")
wf = (modele / ".github/workflows/classroom.yml").read_text(encoding="utf-8")
scores = [int(x) for x in re.findall(r"^ +max-score: (\d+)$", wf, re.M)]
dire(scores == [e.points for e in exos], "classroom.yml : une étape par exercice, avec ses points")
ids = re.findall(r"^ +id: (\S+)$", wf, re.M)
runners = re.search(r"^ +runners: (\S+)$", wf, re.M)
dire(runners is not None and runners.group(1).split(",") == ids == [e.label for e in exos],
     "classroom.yml : le rapport reçoit toutes les étapes")
dire(all(f"{i.upper()}_RESULTS: \"${{{{steps.{i}.outputs.result}}}}\"" in wf for i in ids),
     "classroom.yml : résultats de chaque étape passés au rapport")
dire("autograding-command-grader@v1" in wf and "autograding-grading-reporter@v1" in wf,
     "classroom.yml : actions GitHub Classroom")
EOF
while IFS= read -r ligne; do
    verifs=$((verifs + 1))
    printf '  %s\n' "$ligne"
    [[ $ligne == ÉCHEC* ]] && echecs=$((echecs + 1))
done <"$TMP/verif-modele.log"
rc=0
cours_py modele "$MODELE" >"$TMP/modele2.log" 2>&1 || rc=$?
verifier "dossier non vide refusé (code ≠ 0, message en français)" \
    bash -c "test $rc -ne 0 && grep -q \"n'est pas vide\" '$TMP/modele2.log' && ! grep -q Traceback '$TMP/modele2.log'"

printf '\n'
if ((echecs > 0)); then
    printf 'Journal de la notation :\n'
    sed 's/^/    /' "$TMP/noter.log" | tail -n 60
fi
printf 'test_notation: %d passed, %d failed\n' "$((verifs - echecs))" "$echecs"
((echecs == 0))
