"""./cours modele-etudiant DIR : le dépôt modèle des étudiants (GitHub Classroom).

    ./cours modele-etudiant DIR [--sans-classroom]

Écrit dans DIR (un dossier neuf, ou vide) tout ce dont un étudiant a besoin : le runtime, les
chapitres (leçons, exemples, squelettes d'exercices, indices), les tests notés, CMake, ./cours
et scripts/, cours.toml, les diapositives, la documentation… Les fichiers pris sont ceux que
suit git (plus les nouveaux fichiers non ignorés), jamais build/ ni node_modules/.

Ce qui n'est PAS copié (matériel de l'enseignant) :
  solutions/                     les corrigés ;
  tests/mutants/                 les mutants du cours (patchs des solutions) ;
  tests/fuzz/, scripts/fuzz.sh   les fuzzeurs (construits contre solutions/06) ;
  tests/outils/test_notation.sh  le test de la notation (il note des copies faites des solutions) ;
  .ci/, .github/                 l'intégration continue du cours (un .github/ neuf est généré).
Les modules de notation (scripts/cours/notation.py, modele.py) restent : « ./cours noter »
sans --copie note les exercices du dépôt, utile à l'étudiant pour voir sa note.

Sont générés depuis le manifeste (cours.toml) :
  .github/classroom/autograding.json   un test par exercice (chapitres « disponible ») : son
                                       programme construit, puis ctest -L '^chNN-<id>$' ;
                                       points = somme des points de ses tests ;
  .github/workflows/classroom.yml      le même barème pour les actions GitHub Classroom
                                       (autograding-command-grader, une étape par exercice,
                                       regroupées par chapitre, puis autograding-grading-reporter).
Le job tourne dans un conteneur debian:12 (Boost 1.81 et g++ 12, comme le cours ; les images
Ubuntu des runners n'ont pas Boost 1.81), privilégié pour ramener l'aléa de mmap à 28 bits :
sinon la ThreadSanitizer de g++ 12 (tests de ch09 semaphore et ch11 anneau_volable) ne démarre
pas sur les noyaux récents.
Le barème est « tout ou rien » par étape (c'est le modèle de GitHub Classroom) : une étape par
exercice plutôt que par chapitre, pour qu'un exercice réussi rapporte ses points même si
l'autre exercice du chapitre échoue. La note fine (test par test) reste celle de
« ./cours noter --copie ».

Sans solutions/, le preset « default » ne se configure pas (les tests notés y sont construits
contre les corrigés) : dans le modèle, tout passe par le preset « etudiant » (« ./cours
verifier NN »). Une section en tête du README le dit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import manifeste as mf
from .affichage import Erreur, attention, executer, info, ok, p, titre

RACINE = Path(__file__).resolve().parent.parent.parent

# Chemins (préfixes) jamais copiés dans le modèle.
EXCLUS = (
    "solutions/",
    "tests/mutants/",
    "tests/fuzz/",
    "scripts/fuzz.sh",
    "tests/outils/test_notation.sh",
    ".ci/",
    ".github/",
    "build/",
    "node_modules/",
)

# Paquets Debian du job (conteneur debian:12) : ceux de la compilation des tests notés.
PAQUETS = ["g++", "cmake", "ninja-build", "libboost1.81-dev", "libboost-test1.81-dev", "python3", "git",
           "ca-certificates"]
IMAGE = "debian:12"
DOSSIER_BUILD = "build/etudiant"
DELAI_MINUTES = 10

ACTION_COMMANDE = "classroom-resources/autograding-command-grader@v1"
ACTION_RAPPORT = "classroom-resources/autograding-grading-reporter@v1"

MARQUE_README = "<!-- modèle étudiant : section générée par ./cours modele-etudiant -->"


# ─── Les fichiers du modèle ─────────────────────────────────────────────────────────────────

def exclu(rel: str) -> bool:
    if "__pycache__/" in rel or rel.endswith((".pyc", ".swp")):
        return True
    return any(rel == e.rstrip("/") or rel.startswith(e) for e in EXCLUS)


def fichiers_du_depot(racine: Path) -> list[str]:
    """Les fichiers suivis par git et les nouveaux non ignorés ; sans git, tout sauf build/."""
    if (racine / ".git").exists() and shutil.which("git"):
        r = subprocess.run(["git", "-C", str(racine), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=False)
        if r.returncode == 0:
            noms = sorted({n.decode("utf-8", "surrogateescape") for n in r.stdout.split(b"\0") if n})
            return [n for n in noms if (racine / n).is_file() or (racine / n).is_symlink()]
    noms = []
    for dossier, sous, fichiers in os.walk(racine):
        rel_dossier = os.path.relpath(dossier, racine)
        sous[:] = [s for s in sous if s not in (".git", "build", "node_modules", "__pycache__", ".cache")]
        for f in fichiers:
            noms.append(os.path.normpath(os.path.join(rel_dossier, f)))
    return sorted(noms)


def copier(racine: Path, cible: Path, noms: list[str]) -> int:
    n = 0
    for rel in noms:
        if exclu(rel):
            continue
        source, dest = racine / rel, cible / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        else:
            shutil.copy2(source, dest)  # garde le bit exécutable (./cours, scripts)
        n += 1
    return n


# ─── GitHub Classroom ───────────────────────────────────────────────────────────────────────

def exercices_notes(cours: mf.Cours) -> list[mf.Exercice]:
    return [e for c in cours.chapitres if c.disponible for e in c.exercices if e.tests]


def commande_exercice(ex: mf.Exercice) -> str:
    """Construit le programme de l'exercice, puis lance ses tests (échec si aucun test)."""
    return (f"cmake --build {DOSSIER_BUILD} --target {ex.cible} && "
            f"ctest --test-dir {DOSSIER_BUILD} -L '^{ex.label}$' --no-tests=error --output-on-failure")


def commande_preparation(cours: mf.Cours) -> str:
    """Configure le preset etudiant et construit d'avance tout ce qui compile (ninja -k 0) :
    le runtime n'est compilé qu'une fois, chaque étape ne refait que son exercice."""
    cibles = " ".join(e.cible for e in exercices_notes(cours))
    return (f"cmake --preset etudiant && "
            f"(cmake --build {DOSSIER_BUILD} --target {cibles} -- -k 0 || true)")


def nom_test(ex: mf.Exercice) -> str:
    return f"Chapitre {ex.chapitre.numero} · {ex.id} — {ex.titre.replace('`', '')}"


def id_etape(ex: mf.Exercice) -> str:
    return ex.label  # « ch03-mini_executor » : lettres, chiffres, - et _ (identifiant d'étape valide)


def autograding(cours: mf.Cours) -> dict:
    """.github/classroom/autograding.json (format de GitHub Classroom : tests[] avec name,
    setup, run, input, output, comparison, timeout en minutes, points)."""
    tests = []
    installer = "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q " + " ".join(PAQUETS)
    for i, ex in enumerate(exercices_notes(cours)):
        tests.append({
            "name": nom_test(ex),
            "setup": f"{installer} && {commande_preparation(cours)}" if i == 0 else "",
            "run": commande_exercice(ex),
            "input": "",
            "output": "",
            "comparison": "included",
            "timeout": DELAI_MINUTES,
            "points": ex.points,
        })
    return {"tests": tests}


def _yaml(texte: str) -> str:
    """Une chaîne YAML sûre : JSON est un sous-ensemble de YAML (guillemets doubles)."""
    return json.dumps(texte, ensure_ascii=False)


def workflow(cours: mf.Cours) -> str:
    exos = exercices_notes(cours)
    lignes = [
        "# Généré par « ./cours modele-etudiant » depuis cours.toml : ne pas modifier à la main.",
        "# Une étape par exercice (autograding-command-grader, tout ou rien), regroupées par chapitre ;",
        "# la dernière étape (autograding-grading-reporter) envoie les points à GitHub Classroom.",
        "name: Autograding Tests",
        "'on':",
        "- push",
        "- repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    container:",
        f"      image: {IMAGE}  # Boost 1.81, g++ 12 : la Debian du cours",
        "      options: --privileged  # pour l'aléa des adresses ci-dessous",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "    # Les tests sous ThreadSanitizer (ch09 semaphore, ch11 anneau_volable) : la TSan de g++ 12",
        "    # ne démarre pas quand le noyau tire 32 bits d'aléa pour mmap (noyaux récents des runners).",
        "    - name: Aléa des adresses compatible avec ThreadSanitizer",
        "      run: echo 28 > /proc/sys/vm/mmap_rnd_bits || true",
        "    - name: Paquets Debian",
        "      run: apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q " + " ".join(PAQUETS),
        "    - name: Checkout code",
        "      uses: actions/checkout@v4",
        "    - name: Configuration et compilation (preset etudiant)",
        f"      run: {_yaml(commande_preparation(cours))}",
    ]
    chapitre = None
    for ex in exos:
        if ex.chapitre.numero != chapitre:
            chapitre = ex.chapitre.numero
            lignes.append(f"    # ── Chapitre {chapitre} — {ex.chapitre.titre} ({ex.chapitre.points} points)")
        lignes += [
            f"    - name: {_yaml(nom_test(ex))}",
            f"      id: {id_etape(ex)}",
            f"      uses: {ACTION_COMMANDE}",
            "      with:",
            f"        test-name: {_yaml(nom_test(ex))}",
            "        setup-command: ''",
            f"        command: {_yaml(commande_exercice(ex))}",
            f"        timeout: {DELAI_MINUTES}",
            f"        max-score: {ex.points}",
        ]
    lignes += [
        "    - name: Autograding Reporter",
        f"      uses: {ACTION_RAPPORT}",
        "      env:",
    ]
    lignes += [f"        {id_etape(ex).upper()}_RESULTS: \"${{{{steps.{id_etape(ex)}.outputs.result}}}}\"" for ex in exos]
    lignes += [
        "      with:",
        "        runners: " + ",".join(id_etape(ex) for ex in exos),
        "",
    ]
    return "\n".join(lignes)


def section_readme() -> str:
    return "\n".join([
        MARQUE_README,
        "> **Dépôt de l'étudiant.** Ce dépôt est le modèle du cours **sans les corrigés** (pas de",
        "> dossier `solutions/`). Tout passe par vos exercices et le preset CMake « etudiant » :",
        ">",
        "> - `./cours verifier NN` vérifie le chapitre NN (`./cours verifier 03 mini_executor` : un seul",
        ">   exercice), `./cours indice NN exercice` donne l'indice suivant, `./cours liste` l'état de tout ;",
        "> - `./cours noter` calcule votre note (mêmes tests, mêmes points que la correction) ;",
        "> - les commandes qui construisent contre les corrigés (`./cours test`, preset « default »,",
        ">   `./cours autocontrole`) ne s'appliquent pas ici.",
        ">",
        "> À chaque `git push`, GitHub Classroom lance les tests notés (`.github/workflows/classroom.yml`) :",
        "> une étape par exercice, qui rapporte ses points quand tous ses tests passent.",
        "",
    ])


def ajouter_section_readme(cible: Path) -> None:
    readme = cible / "README.fr.md"
    if not readme.is_file():
        return
    texte = readme.read_text(encoding="utf-8")
    if MARQUE_README in texte:
        return
    lignes = texte.split("\n")
    # Après le titre (première ligne « # … ») et la ligne vide qui suit.
    i = next((k for k, l in enumerate(lignes) if l.startswith("# ")), -1) + 1
    while i < len(lignes) and lignes[i].strip() == "":
        i += 1
    lignes[i:i] = section_readme().split("\n")
    # La seconde commande d'installation (« ./cours test », contre les corrigés) n'a pas de sens
    # ici : celle de l'étudiant est « ./cours verifier ».
    for k, ligne in enumerate(lignes):
        if ligne.startswith("./cours test "):
            lignes[k] = "./cours verifier 01   # compile vos exercices du chapitre 01 et lance leurs tests notés"
            break
    readme.write_text("\n".join(lignes), encoding="utf-8")


def ecrire_classroom(cours: mf.Cours, cible: Path) -> tuple[Path, Path]:
    aj = cible / ".github" / "classroom" / "autograding.json"
    wf = cible / ".github" / "workflows" / "classroom.yml"
    aj.parent.mkdir(parents=True, exist_ok=True)
    wf.parent.mkdir(parents=True, exist_ok=True)
    aj.write_text(json.dumps(autograding(cours), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    wf.write_text(workflow(cours), encoding="utf-8")
    return aj, wf


# ─── La ligne de commande ───────────────────────────────────────────────────────────────────

class Formateur(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="utilisation : ")


class Analyseur(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=Formateur, **kwargs)
        self._optionals.title = "options"
        self._positionals.title = "arguments"

    def error(self, message):
        message = re.sub(r"unrecognized arguments: (.*)", r"option(s) inconnue(s) : \1", message)
        message = re.sub(r"the following arguments are required: (.*)", r"argument obligatoire : \1", message)
        raise Erreur(f"{message}\n  (usage : ./cours modele-etudiant DIR)", code=2)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return executer(lambda: _main_ou_erreur_ecriture(argv), prevues=(mf.ManifesteInvalide,))


def _main_ou_erreur_ecriture(argv: list[str]) -> int:
    try:
        return _main(argv)
    except OSError as e:
        raise Erreur(f"écriture impossible : {e.filename or ''} ({e.strerror})") from e


def _main(argv: list[str]) -> int:
    a = Analyseur(prog="./cours modele-etudiant", add_help=False,
                  description="Écrit le dépôt modèle des étudiants (sans solutions/, avec les fichiers "
                              "GitHub Classroom générés depuis cours.toml) dans DIR, un dossier neuf.")
    a.add_argument("-h", "--help", action="help", help="affiche cette aide")
    a.add_argument("dossier", metavar="DIR", help="dossier à créer (ou vide)")
    a.add_argument("--sans-classroom", action="store_true",
                   help="ne pas générer .github/ (autograding.json, workflow)")
    args = a.parse_args(argv)

    racine = RACINE
    base = Path(os.environ.get("COURS_DOSSIER_APPEL") or os.getcwd())
    cible = Path(args.dossier) if os.path.isabs(args.dossier) else base / args.dossier
    cible = cible.resolve()
    if cible.exists() and not cible.is_dir():
        raise Erreur(f"« {cible} » existe et n'est pas un dossier.")
    if cible.is_dir() and any(cible.iterdir()):
        raise Erreur(f"« {cible} » existe et n'est pas vide : donnez un dossier neuf (le modèle ne "
                     "remplace rien).")
    if cible == racine or racine in cible.parents and not (racine / "build") in [cible, *cible.parents]:
        raise Erreur(f"« {cible} » est dans le dépôt du cours : choisissez un dossier en dehors "
                     "(ou sous build/).")
    cours = mf.charger(racine)

    titre(f"Modèle étudiant dans {cible}")
    noms = fichiers_du_depot(racine)
    cible.mkdir(parents=True, exist_ok=True)
    n = copier(racine, cible, noms)
    ok(f"{n} fichiers copiés (sans solutions/, tests/mutants/, tests/fuzz/, .ci/).")
    ajouter_section_readme(cible)
    if not args.sans_classroom:
        aj, wf = ecrire_classroom(cours, cible)
        exos = exercices_notes(cours)
        ok(f"GitHub Classroom : {len(exos)} exercice(s) notés, {sum(e.points for e in exos)} points "
           f"({os.path.relpath(aj, cible)}, {os.path.relpath(wf, cible)}).")
    p()
    info("Pour en faire le dépôt modèle d'un devoir GitHub Classroom :")
    p(f"    cd {cible} && git init -b main && git add -A && git commit -m \"Modèle étudiant\"")
    p("    puis poussez-le sur GitHub, marquez-le « Template repository », et choisissez-le comme")
    p("    modèle du devoir (les tests notés viennent de .github/workflows/classroom.yml).")
    info("Vérification locale : cd " + str(cible) + " && ./cours verifier 03   (les exercices échouent tels que livrés)")
    if not (racine / "solutions").is_dir():
        attention("ce dépôt n'a pas de solutions/ : c'est déjà un modèle étudiant.")
    return 0
