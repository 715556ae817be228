#!/usr/bin/env bash
# Vérifie l'organisation CMake des tests notés (cmake/Cours.cmake) :
#   (a) chaque test noté « chNN.<cas> » porte exactement deux labels, « chNN » et
#       « chNN-<exercice> », et son programme s'appelle test_chNN_<exercice> (un programme par
#       exercice, jamais deux exercices dans un programme) ;
#   (b) une erreur de syntaxe dans un exercice d'un chapitre (copie des squelettes, désignée par
#       COURS_DOSSIER_EXERCICES) n'empêche pas le programme de l'autre exercice de se
#       construire, ni ses tests de s'exécuter ; les en-têtes relais de l'autre exercice
#       viennent des solutions quand elles existent, de la copie sinon ;
#   (c) les cibles verifierNN existent (une par chapitre noté) et lancent ctest -L '^chNN$'.
#
#   tests/outils/test_exercices_cmake.sh [DOSSIER_DE_BUILD]   (défaut : build/aide-cmake-test)
#
# Dossier jetable, compilation nice -n 19 et -j1 (machine partagée). Durée : configuration
# du projet (deux fois) et un programme de tests compilé sous ThreadSanitizer, environ 2 min.
# Code de sortie : 0 si tout est vérifié, 1 sinon.
set -euo pipefail

RACINE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$RACINE"
B=${1:-build/aide-cmake-test}
case $B in /*) ;; *) B=$RACINE/$B ;; esac
JOURNAUX=$B/journaux
ECHECS=0
VERIFS=0

ok() { VERIFS=$((VERIFS + 1)); printf '  ok    %s\n' "$1"; }
ko() { VERIFS=$((VERIFS + 1)); ECHECS=$((ECHECS + 1)); printf '  ÉCHEC %s\n' "$1"; }
verifier() { # verifier "<description>" commande...
    local d=$1
    shift
    if "$@" >>"$JOURNAUX/verifications.log" 2>&1; then ok "$d"; else ko "$d"; fi
}

rm -rf "$B"
mkdir -p "$JOURNAUX"

# ─── (a) et (c) : le build contre les solutions ────────────────────────────────────────────
echo "▸ Configuration contre les solutions ($B/solutions)"
if ! cmake --preset default -B "$B/solutions" -DCOURS_BENCH=OFF >"$JOURNAUX/configuration.log" 2>&1; then
    tail -20 "$JOURNAUX/configuration.log"
    echo "ÉCHEC : la configuration CMake a échoué (journal : $JOURNAUX/configuration.log)"
    exit 1
fi
ctest --test-dir "$B/solutions" --show-only=json-v1 >"$B/tests.json"
ninja -C "$B/solutions" -t targets all >"$B/cibles.txt"

echo "▸ (a) Labels et programmes des tests notés"
if python3 - "$B/tests.json" "$B/solutions" "$B/programmes-notes.txt" >"$JOURNAUX/labels.log" 2>&1 <<'EOF'; then
import json, re, sys
from pathlib import Path
tests = json.load(open(sys.argv[1]))["tests"]
# Le programme de chaque test, lu dans les CTestTestfile.cmake (ctest --show-only ne donne la
# commande que si l'exécutable est déjà construit).
programmes = {}
for f in Path(sys.argv[2]).rglob("CTestTestfile.cmake"):
    for m in re.finditer(r'^add_test\(\[=\[(.+?)\]=\] "([^"]+)"', f.read_text(encoding="utf-8"), re.M):
        programmes[m.group(1)] = Path(m.group(2)).name
erreurs, notes, exercices_par_programme = [], 0, {}
for t in tests:
    nom = t["name"]
    m = re.match(r"^ch(\d\d)\.", nom)
    if not m:
        continue
    notes += 1
    nn = m.group(1)
    labels = next((p["value"] for p in t.get("properties", []) if p["name"] == "LABELS"), [])
    exercice = [l for l in labels if l.startswith(f"ch{nn}-")]
    if sorted(labels) != sorted([f"ch{nn}"] + exercice) or len(exercice) != 1 or len(labels) != 2:
        erreurs.append(f"{nom} : labels {labels}, attendu exactement ['ch{nn}', 'ch{nn}-<exercice>']")
        continue
    ident = exercice[0][len(f"ch{nn}-"):]
    if not re.fullmatch(r"[a-z0-9_]+", ident):
        erreurs.append(f"{nom} : identifiant d'exercice invalide « {ident} »")
    programme = programmes.get(nom, "")
    if programme != f"test_ch{nn}_{ident}":
        erreurs.append(f"{nom} : programme « {programme} », attendu test_ch{nn}_{ident}")
    exercices_par_programme.setdefault(programme, set()).add(ident)
for programme, ids in exercices_par_programme.items():
    if len(ids) > 1:
        erreurs.append(f"{programme} sert plusieurs exercices : {sorted(ids)}")
print(f"{notes} tests notés, {len(exercices_par_programme)} programmes")
Path(sys.argv[3]).write_text("".join(f'"{p}"\n' for p in sorted(exercices_par_programme)))
for e in erreurs:
    print(e)
if notes == 0:
    print("aucun test noté trouvé")
sys.exit(1 if erreurs or notes == 0 else 0)
EOF
    ok "chaque test noté a les labels chNN et chNN-<exercice>, programme test_chNN_<exercice> ($(head -1 "$JOURNAUX/labels.log"))"
else
    ko "labels ou programmes des tests notés :"
    sed 's/^/        /' "$JOURNAUX/labels.log" | head -30
fi

echo "▸ (c) Cibles verifierNN"
chapitres=$(python3 -c '
import json, re, sys
t = json.load(open(sys.argv[1]))["tests"]
print(" ".join(sorted({m.group(1) for x in t for m in [re.match(r"^ch(\d\d)\.", x["name"])] if m})))' "$B/tests.json")
if [[ -z $chapitres ]]; then
    ko "aucun chapitre noté trouvé"
fi
for nn in $chapitres; do
    if ! grep -q "^verifier$nn:" "$B/cibles.txt"; then
        ko "la cible verifier$nn n'existe pas"
        continue
    fi
    commande=$(ninja -C "$B/solutions" -t commands "verifier$nn" | tail -1 || true)
    # ninja écrit « -L "^chNN\$" » (le $ protégé pour le shell).
    if [[ $commande == *ctest* && $commande =~ -L\ \"\^ch$nn\\?\$\" && $commande == *--output-on-failure* ]]; then
        ok "verifier$nn lance ctest -L '^ch$nn\$' --output-on-failure"
    else
        ko "verifier$nn : commande inattendue : $commande"
    fi
done
# verifierNN construit les programmes de tests notés du chapitre, et seulement eux.
for nn in $chapitres; do
    attendus=$(grep -oE "^tests/$nn-[^:]*/test_ch${nn}_[a-z0-9_]+:" "$B/cibles.txt" | sed 's/:$//' | sort -u |
        while read -r c; do
            # un programme de tests notés : l'un de ses tests porte le label chNN
            if grep -q "\"$(basename "$c")\"" "$B/programmes-notes.txt"; then echo "$c"; fi
        done | sort || true)
    obtenus=$(ninja -C "$B/solutions" -t inputs "verifier$nn" 2>/dev/null |
        grep -E "^tests/[^ ]*/test_ch${nn}_[a-z0-9_]+$" | sort -u || true)
    if [[ -n $attendus && $attendus == "$obtenus" ]]; then
        ok "verifier$nn construit $(echo $obtenus | xargs -n1 basename | tr '\n' ' ')"
    else
        ko "verifier$nn construit « $(echo $obtenus) », attendu « $(echo $attendus) »"
    fi
done

# ─── (b) : une erreur de syntaxe dans un exercice ──────────────────────────────────────────
# Chapitre 11 : le programme de l'anneau volable ne dépend pas de rt (rapide à construire) ;
# on casse l'autre exercice, calcul (en-tête et source).
echo "▸ (b) Une erreur de syntaxe dans calcul (ch11) ne touche pas anneau_volable"
COPIE=$B/copie
for d in chapters/[0-9][0-9]-*/; do
    slug=$(basename "$d")
    mkdir -p "$COPIE/$slug/exercices"
    if [[ -d $d/exercices ]]; then
        cp -p "$d"/exercices/* "$COPIE/$slug/exercices/" 2>/dev/null || true
    fi
done
printf '\nint erreur_de_syntaxe_volontaire = \n' >>"$COPIE/11-performance/exercices/calcul.hpp"
printf '\nint erreur_de_syntaxe_volontaire_cpp = \n' >>"$COPIE/11-performance/exercices/calcul.cpp"
E=$B/etudiant
if ! cmake --preset etudiant -B "$E" -DCOURS_BENCH=OFF -DCOURS_DOSSIER_EXERCICES="$COPIE" \
    >"$JOURNAUX/configuration-etudiant.log" 2>&1; then
    tail -20 "$JOURNAUX/configuration-etudiant.log"
    ko "configuration etudiant avec COURS_DOSSIER_EXERCICES=$COPIE"
else
    ok "configuration etudiant avec COURS_DOSSIER_EXERCICES (copie des squelettes)"
    relais=$E/exercices/11-performance/anneau_volable
    verifier "relais : anneau_volable.hpp vient de la copie de l'étudiant" \
        grep -qF "#include \"$COPIE/11-performance/exercices/anneau_volable.hpp\"" "$relais/anneau_volable.hpp"
    verifier "relais : calcul.hpp (l'autre exercice) vient des solutions" \
        grep -qF "#include \"$RACINE/solutions/11-performance/calcul.hpp\"" "$relais/calcul.hpp"
    # L'objet de calcul.cpp ne compile pas (l'erreur est bien là)…
    objet=$(ninja -C "$E" -t targets all | grep -o '^tests/11-performance/CMakeFiles/test_ch11_calcul\.dir/[^:]*/exercices/calcul\.cpp\.o' | head -1)
    if [[ -n $objet ]] && ! nice -n 19 ninja -C "$E" -j1 "$objet" >"$JOURNAUX/calcul-casse.log" 2>&1 &&
        grep -q 'error:' "$JOURNAUX/calcul-casse.log"; then
        ok "calcul.cpp cassé ne compile pas (erreur de syntaxe vue par le compilateur)"
    else
        ko "calcul.cpp cassé aurait dû échouer à la compilation (objet : ${objet:-introuvable})"
    fi
    # … mais le programme de l'autre exercice se construit et ses tests s'exécutent.
    if nice -n 19 cmake --build "$E" -j1 --target test_ch11_anneau_volable >"$JOURNAUX/anneau.log" 2>&1; then
        ok "test_ch11_anneau_volable se construit malgré calcul cassé"
        nice -n 19 ctest --test-dir "$E" -L '^ch11-anneau_volable$' -j1 --timeout 60 \
            --output-junit "$B/anneau.xml" >"$JOURNAUX/anneau-tests.log" 2>&1 || true
        if python3 - "$B/anneau.xml" "$B/tests.json" <<'EOF' >>"$JOURNAUX/verifications.log" 2>&1; then
import json, sys
import xml.etree.ElementTree as ET
cas = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
attendus = [t["name"] for t in json.load(open(sys.argv[2]))["tests"]
            if any(p["name"] == "LABELS" and "ch11-anneau_volable" in p["value"] for p in t.get("properties", []))]
lances = [c for c in cas if c.get("status") in ("run", "fail")]
print(f"{len(lances)} lancés sur {len(cas)}, {len(attendus)} attendus")
sys.exit(0 if cas and len(lances) == len(cas) == len(attendus) else 1)
EOF
            ok "les tests ch11-anneau_volable s'exécutent tous (résultats dans le JUnit)"
        else
            ko "les tests ch11-anneau_volable ne se sont pas tous exécutés ($JOURNAUX/anneau-tests.log)"
        fi
    else
        ko "test_ch11_anneau_volable ne se construit pas alors que seul calcul est cassé :"
        grep -m5 -E 'error|erreur' "$JOURNAUX/anneau.log" | sed 's/^/        /'
    fi
fi

# Modèle étudiant (pas de solutions/) : les relais de l'autre exercice viennent de la copie.
if cmake -B "$E" -DCOURS_DOSSIER_SOLUTIONS="$B/pas-de-solutions" >"$JOURNAUX/configuration-sans-solutions.log" 2>&1; then
    verifier "sans solutions/, relais calcul.hpp vers la copie de l'étudiant" \
        grep -qF "#include \"$COPIE/11-performance/exercices/calcul.hpp\"" \
        "$E/exercices/11-performance/anneau_volable/calcul.hpp"
else
    ko "configuration sans dossier de solutions"
fi

echo
if ((ECHECS == 0)); then
    echo "✔ $VERIFS vérifications, toutes réussies."
else
    echo "✘ $ECHECS vérification(s) en échec sur $VERIFS (journaux : $JOURNAUX)."
fi
exit $((ECHECS == 0 ? 0 : 1))
