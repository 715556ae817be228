"""./cours noter : la notation des exercices, pour l'enseignant (et pour l'étudiant chez lui).

    ./cours noter                          note les exercices de ce dépôt (chapters/*/exercices)
    ./cours noter --copie DIR [DIR...]     note des copies d'étudiants avec l'arbre de ce dépôt
          [--csv F] [--junit-dossier D] [-j N] [--jobs-tests N] [--chapitre NN ...]

Sans --copie : les exercices de ce dépôt, dans le build du preset « etudiant » (build/etudiant,
celui de « ./cours verifier »).

Avec --copie : chaque DIR est le dépôt d'un étudiant (un clone de son dépôt GitHub Classroom,
par exemple). On n'en prend QUE les fichiers d'exercice que cite le manifeste (cours.toml,
« fichiers » de chaque exercice), copiés dans build/notation/copie/<slug>/exercices/ ; son
./cours, ses CMakeLists, ses tests, son runtime ne sont jamais lus : tout le reste vient de
l'arbre de l'enseignant. Un fichier absent de la copie est remplacé par le squelette livré
(chapters/ de l'enseignant), qui ne rapporte rien, et c'est signalé.
  - Un seul dossier de build pour toutes les copies (build/notation, preset « etudiant »,
    -DCOURS_DOSSIER_EXERCICES=build/notation/copie) : runtime, outils de test et sources des
    tests sont compilés une fois ; ensuite seuls les exercices qui changent d'une copie à
    l'autre sont recompilés (un fichier n'est réécrit que si son contenu change).
  - Seuls les programmes de tests notés sont construits (test_chNN_<id>), avec ninja -k 0 : un
    exercice qui ne compile pas vaut 0 à lui seul, avec sa première erreur dans le rapport ;
    les autres exercices sont notés.
  - Les résultats sont lus dans le rapport JUnit de ctest (--output-junit), jamais à l'écran.
  - Un exercice identique à la solution (solutions/<slug>/, octet pour octet, ou aux blancs
    près) est signalé « identique à la solution » dans le tableau, le CSV et le JUnit.
  - Sont aussi signalés (remarques, sans effet sur les points) : un fichier absent (squelette
    utilisé), un exercice non modifié, un #include absolu ou qui remonte (« .. ») hors du
    dossier d'exercices — le code compilé doit être celui de la copie.
  - Un verrou (build/notation/.verrou-notation) empêche deux notations à la fois dans le même
    dossier de build.

Sorties :
  - à l'écran, un tableau par copie : points obtenus / points de chaque exercice, note /20 de
    chaque chapitre, moyenne des chapitres ;
  - un CSV pour toutes les copies (défaut : build/notation/notes.csv) : une ligne par copie, une
    colonne par exercice (points obtenus), le total, la moyenne /20, les remarques ;
  - un JUnit par copie (défaut : build/notation/junit/<nom>.xml) : un <testsuite> par chapitre,
    classname = « NN-slug », les messages d'échec en entier, les points en <properties>.

Le nom d'une copie est le nom de son dossier (basename de DIR ; « -2 », « -3 »… s'il revient).
Code de sortie : 0 si toutes les copies ont été notées (quelles que soient les notes), 1 si une
copie n'a pas pu l'être (dossier absent, sans chapters/…), 2 pour une erreur d'usage.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import manifeste as mf
from .affichage import (GRAS, JAUNE, PALE, RAZ, ROUGE, VERT, Erreur, attention, decimal, erreur, info, ko,
                        executer, ok, p, titre)

RACINE = Path(__file__).resolve().parent.parent.parent
TAILLE_MAX = 2 * 1024 * 1024  # un fichier d'exercice plus gros est refusé (octets)
IDENTIQUE = "identique à la solution"
IDENTIQUE_BLANCS = "identique à la solution (aux blancs près)"
NON_MODIFIE = "non modifié (squelette livré)"


# ─── Résultats ──────────────────────────────────────────────────────────────────────────────

@dataclass
class ResultatTest:
    nom: str
    points: int
    reussi: bool = False
    message: str = ""          # une ligne : la première erreur
    detail: str = ""           # le message en entier (lignes d'erreur Boost.Test, chien de garde…)
    sortie: str = ""           # la sortie complète du test
    duree: float = 0.0
    genre_echec: str = "echec"  # echec | compilation | absent

    @property
    def obtenus(self) -> int:
        return self.points if self.reussi else 0


@dataclass
class ResultatExercice:
    exercice: mf.Exercice
    tests: list[ResultatTest] = field(default_factory=list)
    erreur_compilation: list[str] = field(default_factory=list)  # vide : compile
    remarques: list[str] = field(default_factory=list)
    identique: str = ""  # "", IDENTIQUE ou IDENTIQUE_BLANCS

    @property
    def points(self) -> int:
        return self.exercice.points

    @property
    def obtenus(self) -> int:
        return sum(t.obtenus for t in self.tests)


@dataclass
class Copie:
    nom: str
    chemin: Path
    erreur: str = ""  # la copie n'a pas pu être notée
    exercices: list[ResultatExercice] = field(default_factory=list)
    remarques: list[str] = field(default_factory=list)
    durees: dict = field(default_factory=dict)

    def du_chapitre(self, ch: mf.Chapitre) -> list[ResultatExercice]:
        return [r for r in self.exercices if r.exercice.chapitre.numero == ch.numero]


def note_sur_20(obtenus: int, points: int) -> float:
    return 20.0 * obtenus / points if points else 0.0


def moyenne(copie: Copie, chapitres: list[mf.Chapitre]) -> float | None:
    notes = [note_sur_20(sum(r.obtenus for r in rs), sum(r.points for r in rs))
             for rs in (copie.du_chapitre(c) for c in chapitres) if rs and sum(r.points for r in rs)]
    return sum(notes) / len(notes) if notes else None


# ─── La copie de l'étudiant dans la zone de notation ────────────────────────────────────────

def ecrire_si_different(cible: Path, contenu: bytes) -> bool:
    """Écrit cible seulement si son contenu change (sinon sa date reste : ninja ne recompile
    pas). Un fichier réécrit prend la date de maintenant, jamais celle de la copie : une date
    ancienne ferait croire à ninja que l'objet déjà compilé est à jour."""
    try:
        if cible.is_file() and not cible.is_symlink() and cible.read_bytes() == contenu:
            return False
    except OSError:
        pass
    cible.parent.mkdir(parents=True, exist_ok=True)
    if cible.is_symlink() or cible.is_dir():
        shutil.rmtree(cible) if cible.is_dir() and not cible.is_symlink() else cible.unlink()
    temporaire = cible.with_name(cible.name + ".tmp-notation")
    temporaire.write_bytes(contenu)
    os.replace(temporaire, cible)
    return True


def lire_fichier_etudiant(chemin: Path) -> tuple[bytes | None, str]:
    """(contenu, raison de l'absence). Seuls les fichiers ordinaires sont lus : un lien
    symbolique (vers les solutions de quelqu'un, par exemple) compte comme absent."""
    if chemin.is_symlink():
        return None, "lien symbolique ignoré"
    if not chemin.exists():
        return None, "absent"
    if not chemin.is_file():
        return None, "n'est pas un fichier"
    try:
        if chemin.stat().st_size > TAILLE_MAX:
            return None, f"trop gros (plus de {TAILLE_MAX // (1024 * 1024)} Mo)"
        return chemin.read_bytes(), ""
    except OSError as e:
        return None, f"illisible ({e.strerror})"


def sans_blancs(contenu: bytes) -> bytes:
    return re.sub(rb"\s+", b"", contenu)


def inclusions_suspectes(contenu: bytes) -> list[str]:
    """Les #include d'un chemin absolu ou qui remonte (« .. ») : un fichier d'exercice qui irait
    chercher du code ailleurs (les solutions de l'enseignant, par exemple) ; signalé, pas puni."""
    texte = contenu.decode("utf-8", errors="replace")
    chemins = re.findall(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', texte, re.M)
    return [c for c in chemins if c.startswith("/") or ".." in Path(c).parts]


def comparer_solution(racine: Path, ex: mf.Exercice, contenus: dict[str, bytes]) -> str:
    """IDENTIQUE, IDENTIQUE_BLANCS ou "" selon les fichiers de l'exercice et solutions/."""
    solutions = racine / "solutions" / ex.chapitre.slug
    if not solutions.is_dir() or set(contenus) != set(ex.fichiers):
        return ""
    exact = True
    for f in ex.fichiers:
        try:
            sol = (solutions / f).read_bytes()
        except OSError:
            return ""
        if sol != contenus[f]:
            exact = False
            if sans_blancs(sol) != sans_blancs(contenus[f]):
                return ""
    return IDENTIQUE if exact else IDENTIQUE_BLANCS


def preparer_zone(racine: Path, cours: mf.Cours, copie: Copie, zone: Path) -> dict[str, ResultatExercice]:
    """Remplit zone/<slug>/exercices/ : le squelette de l'enseignant, sauf les fichiers que le
    manifeste attribue aux exercices, pris dans la copie. Renvoie {label: ResultatExercice}
    avec les remarques (fichiers absents, identique à la solution, non modifié)."""
    resultats: dict[str, ResultatExercice] = {}
    chapitres_dir = racine / "chapters"
    attendus: set[Path] = set()
    for dossier in sorted(chapitres_dir.glob("[0-9][0-9]-*/exercices")):
        slug = dossier.parent.name
        ch = next((c for c in cours.chapitres if c.slug == slug), None)
        fichiers_exos: dict[str, mf.Exercice] = {}
        if ch is not None:
            for ex in ch.exercices:
                for f in ex.fichiers:
                    fichiers_exos[f] = ex
        # Le squelette de l'enseignant : tout ce qui n'est pas à l'étudiant.
        noms = {f.name for f in dossier.iterdir() if f.is_file()} | set(fichiers_exos)
        contenus_par_ex: dict[str, dict[str, bytes]] = {}
        for nom in sorted(noms):
            cible = zone / slug / "exercices" / nom
            squelette = dossier / nom
            ex = fichiers_exos.get(nom)
            contenu = None
            if ex is not None:
                res = resultats.setdefault(ex.label, ResultatExercice(exercice=ex))
                contenu, raison = lire_fichier_etudiant(copie.chemin / "chapters" / slug / "exercices" / nom)
                if contenu is None:
                    if squelette.is_file():
                        res.remarques.append(f"chapters/{slug}/exercices/{nom} {raison} : squelette livré utilisé")
                    else:
                        res.remarques.append(f"chapters/{slug}/exercices/{nom} {raison}")
                else:
                    contenus_par_ex.setdefault(ex.label, {})[nom] = contenu
                    for inclus in inclusions_suspectes(contenu):
                        res.remarques.append(f"{nom} inclut « {inclus} », hors de son dossier d'exercices : à relire")
            if contenu is None:
                if not squelette.is_file():
                    continue
                contenu = squelette.read_bytes()
            ecrire_si_different(cible, contenu)
            attendus.add(cible)
        if ch is not None:
            for ex in ch.exercices:
                res = resultats.setdefault(ex.label, ResultatExercice(exercice=ex))
                contenus = contenus_par_ex.get(ex.label, {})
                res.identique = comparer_solution(racine, ex, contenus)
                if not res.identique and set(contenus) == set(ex.fichiers) and all(
                        (dossier / f).is_file() and (dossier / f).read_bytes() == contenus[f] for f in ex.fichiers):
                    res.remarques.append(NON_MODIFIE)
    # Ce qui traîne d'une autre copie ou d'un autre manifeste s'en va.
    if zone.is_dir():
        for f in sorted(zone.rglob("*"), reverse=True):
            if f.is_file() and f not in attendus:
                f.unlink()
            elif f.is_dir() and not any(f.iterdir()):
                f.rmdir()
    return resultats


# ─── CMake, ninja, ctest ────────────────────────────────────────────────────────────────────

def options_etudiant_sans_debogage(racine: Path) -> list[str]:
    """L'option CMake qui donne CMAKE_CXX_FLAGS_RELWITHDEBINFO du preset etudiant
    (CMakePresets.json) sans « -g » ; aucune si le preset ne la fixe pas (l'arbre d'essai des
    tests des outils, par exemple) : le build garde alors les options de son type."""
    try:
        presets = json.loads((racine / "CMakePresets.json").read_text(encoding="utf-8"))
        etudiant = next((p for p in presets.get("configurePresets", []) if p.get("name") == "etudiant"), {})
        options = etudiant.get("cacheVariables", {}).get("CMAKE_CXX_FLAGS_RELWITHDEBINFO")
    except (OSError, ValueError, AttributeError) as e:
        raise Erreur(f"CMakePresets.json illisible ({e}).") from e
    if not isinstance(options, str):
        return []
    return ["-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=" + " ".join(o for o in options.split() if o != "-g")]


class Build:
    """Le dossier de build de la notation : configuré une fois par lancement, construit de
    façon incrémentale d'une copie à l'autre."""

    def __init__(self, racine: Path, dossier: Path, zone: Path | None, jobs: int, jobs_tests: int):
        self.racine, self.dossier, self.zone = racine, dossier, zone
        self.jobs, self.jobs_tests = jobs, jobs_tests
        self.journaux = dossier / "journaux"
        self.env = dict(os.environ, BOOST_TEST_COLOR_OUTPUT="no", CLICOLOR_FORCE="0", NO_COLOR="1")
        self.executables: dict[str, str] = {}  # test CTest → exécutable

    def configurer(self) -> None:
        self.journaux.mkdir(parents=True, exist_ok=True)
        commande = ["cmake", "--preset", "etudiant", "-B", str(self.dossier)]
        if self.zone is not None:
            commande += [f"-DCOURS_DOSSIER_EXERCICES={self.zone}", "-DCOURS_BENCH=OFF", "-DCOURS_TESTS=ON",
                         "-DCOURS_CHAPITRES=ON", "-DCOURS_ARTICLE=OFF", "-DCOURS_FUZZ=OFF",
                         # Les options de compilation du preset etudiant (celles avec lesquelles
                         # les étudiants vérifient), sans les informations de débogage : le même
                         # code exécuté, moins de temps de compilation et d'édition de liens.
                         *options_etudiant_sans_debogage(self.racine)]
        log = self.journaux / "configuration.log"
        r = subprocess.run(commande, cwd=self.racine, capture_output=True, text=True, env=self.env,
                           errors="replace")
        log.write_text(r.stdout + r.stderr, encoding="utf-8")
        if r.returncode != 0:
            lignes = (r.stdout + r.stderr).splitlines()
            raise Erreur("la configuration CMake a échoué (journal : " + relatif(log, self.racine) + ") :\n"
                         + "\n".join("    " + l for l in lignes[-25:]))
        self.lire_ctest()

    def lire_ctest(self) -> None:
        """Les commandes des tests, lues dans les CTestTestfile.cmake générés (ctest ne les
        donne que si l'exécutable existe déjà)."""
        self.executables = {}
        for f in self.dossier.rglob("CTestTestfile.cmake"):
            texte = f.read_text(encoding="utf-8", errors="replace")
            for m in re.finditer(r'^add_test\(\[=\[(.+?)\]=\] "([^"]+)"', texte, re.M):
                self.executables[m.group(1)] = m.group(2)

    def cibles_ninja(self) -> set[str]:
        r = subprocess.run(["ninja", "-C", str(self.dossier), "-t", "targets", "all"],
                           capture_output=True, text=True, errors="replace")
        return {l.split(":", 1)[0] for l in r.stdout.splitlines() if ":" in l}

    def construire(self, cibles: list[str], log: Path) -> tuple[set[str], dict[str, list[str]], str]:
        """ninja -k 0 sur les cibles ; (cibles ratées, {cible: sortie du compilateur}, sortie)."""
        commande = ["cmake", "--build", str(self.dossier), "-j", str(self.jobs), "--target", *cibles,
                    "--", "-k", "0"]
        r = subprocess.run(commande, capture_output=True, text=True, env=self.env, errors="replace")
        sortie = r.stdout + r.stderr
        log.write_text(sortie, encoding="utf-8")
        erreurs = blocs_erreurs(sortie)
        if r.returncode == 0:
            return set(), erreurs, sortie
        # Ce qui reste à faire après la compilation : les cibles qui n'ont pas abouti.
        essai = subprocess.run(["ninja", "-C", str(self.dossier), "-n", *cibles], capture_output=True, text=True,
                               errors="replace")
        ratees = set()
        for l in essai.stdout.splitlines():
            m = re.search(r"Linking CXX executable (\S+)", l)
            if m:
                ratees.add(Path(m.group(1)).name)
        for c in cibles:
            if c in erreurs:
                ratees.add(c)
        return {c for c in ratees if c in cibles}, erreurs, sortie

    def retirer_executable(self, cible: str) -> None:
        """L'exécutable d'une copie précédente ne doit pas être lancé pour celle-ci."""
        for exe in set(self.executables.values()):
            if Path(exe).name == cible and os.path.isfile(exe):
                os.unlink(exe)

    def lancer_tests(self, labels: str, junit: Path, log: Path) -> dict[str, dict] | None:
        if junit.exists():
            junit.unlink()
        commande = ["ctest", "--test-dir", str(self.dossier), "-L", labels, "-j", str(self.jobs_tests),
                    "--output-junit", str(junit), "--no-tests=ignore"]
        r = subprocess.run(commande, capture_output=True, text=True, env=self.env, errors="replace")
        log.write_text(r.stdout + r.stderr, encoding="utf-8")
        return lire_junit(junit)


def relatif(chemin: Path | str, racine: Path) -> str:
    try:
        return str(Path(chemin).resolve().relative_to(racine))
    except ValueError:
        return str(chemin)


def cible_de_sortie(sortie_ninja: str) -> str:
    """« tests/03-spawn/CMakeFiles/test_ch03_x.dir/…o » ou « tests/03-spawn/test_ch03_x » → la cible."""
    m = re.search(r"CMakeFiles/([^/\s]+)\.dir/", sortie_ninja)
    if m:
        return m.group(1)
    return Path(sortie_ninja.split()[0]).name if sortie_ninja.split() else ""


def blocs_erreurs(sortie: str) -> dict[str, list[str]]:
    """{cible: lignes du compilateur} pour chaque « FAILED: » de ninja (le premier par cible)."""
    lignes = [re.sub(r"\x1b\[[0-9;]*[mK]", "", l) for l in sortie.splitlines()]
    blocs: dict[str, list[str]] = {}
    i = 0
    while i < len(lignes):
        l = lignes[i]
        if not l.startswith("FAILED: "):
            i += 1
            continue
        cible = cible_de_sortie(l[len("FAILED: "):])
        i += 1
        if i < len(lignes) and not lignes[i].startswith(("FAILED: ", "[")):
            i += 1  # la ligne de commande du compilateur
        bloc = []
        while i < len(lignes) and not lignes[i].startswith("FAILED: ") and not re.match(
                r"^\[\d+/\d+\] |^ninja: ", lignes[i]):
            bloc.append(lignes[i])
            i += 1
        if cible and cible not in blocs:
            blocs[cible] = bloc
    return blocs


def premiere_erreur(bloc: list[str]) -> str:
    for l in bloc:
        if re.search(r"\b(fatal )?error\s*:|erreur\s*:|undefined reference|ld returned", l):
            return l.strip()
    return next((l.strip() for l in bloc if l.strip()), "erreur de compilation")


def lire_junit(chemin: Path) -> dict[str, dict] | None:
    """{nom: {statut, reussi, message, sortie, duree}} d'après le JUnit de ctest ; None si illisible."""
    try:
        racine = ET.parse(chemin).getroot()
    except (OSError, ET.ParseError):
        return None
    resultats = {}
    for cas in racine.iter("testcase"):
        echec = cas.find("failure")
        statut = cas.get("status", "")
        try:
            duree = float(cas.get("time", "0") or 0)
        except ValueError:
            duree = 0.0
        message = ""
        if echec is not None:
            message = echec.get("message", "") or ""
        elif cas.find("skipped") is not None:
            message = cas.find("skipped").get("message", "") or ""
        resultats[cas.get("name", "")] = {
            "statut": statut,
            "reussi": statut == "run" and echec is None,
            "message": message,
            "sortie": cas.findtext("system-out") or "",
            "duree": duree,
        }
    return resultats


MOTIF_ERREUR = re.compile(r'error: in "|fatal error: in "|CHIEN DE GARDE|exception|Test timeout|'
                          r"Timeout|Subprocess aborted|Segmentation|Abort|AddressSanitizer|"
                          r"ThreadSanitizer|runtime error:|terminate called|failure occurred|"
                          r"has failed|memory access violation", re.I)


def messages_echec(sortie: str, message_ctest: str, racine: Path) -> tuple[str, str]:
    """(première ligne, texte complet) des erreurs d'un test : toutes les lignes d'erreur de
    Boost.Test, le message du chien de garde, les signaux ; rien n'est coupé."""
    lignes = [re.sub(r"\x1b\[[0-9;]*m", "", l).replace(str(racine) + "/", "") for l in sortie.splitlines()]
    utiles = [l.strip() for l in lignes if MOTIF_ERREUR.search(l)]
    # Le message du chien de garde est en français : il passe en premier.
    utiles.sort(key=lambda l: 0 if "CHIEN DE GARDE" in l else 1)
    if not utiles:
        fin = [l for l in lignes if l.strip()][-20:]
        utiles = fin
    ctest = {"Timeout": "délai de CTest dépassé (le test a été arrêté)",
             "Failed": "", "SEGFAULT": "le test a planté (erreur de segmentation)",
             "Subprocess aborted": "le test s'est arrêté brutalement (abort)",
             "Child aborted": "le test s'est arrêté brutalement (abort)"}.get(message_ctest, message_ctest)
    if ctest:
        utiles = [ctest] + utiles
    if not utiles:
        utiles = ["échec (aucun message)"]
    return utiles[0], "\n".join(utiles)


# ─── Notation d'une copie ───────────────────────────────────────────────────────────────────

def noter_copie(racine: Path, cours: mf.Cours, chapitres: list[mf.Chapitre], copie: Copie, build: Build,
                preparer: bool) -> None:
    debut = time.monotonic()
    if preparer:
        par_label = preparer_zone(racine, cours, copie, build.zone)
    else:
        par_label = {}
        for c in chapitres:
            for ex in c.exercices:
                res = ResultatExercice(exercice=ex)
                contenus = {}
                for f in ex.fichiers:
                    contenu, _ = lire_fichier_etudiant(racine / "chapters" / c.slug / "exercices" / f)
                    if contenu is not None:
                        contenus[f] = contenu
                res.identique = comparer_solution(racine, ex, contenus)
                par_label[ex.label] = res
    copie.exercices = [par_label.get(ex.label) or ResultatExercice(exercice=ex) for c in chapitres for ex in c.exercices]
    copie.durees["préparation"] = time.monotonic() - debut

    # Les programmes de tests notés de ces chapitres.
    debut = time.monotonic()
    connues = build.cibles_ninja()
    cibles_ex: dict[str, set[str]] = {}
    for res in copie.exercices:
        ex = res.exercice
        cibles = {Path(build.executables[t.nom]).name for t in ex.tests if t.nom in build.executables}
        if ex.cible in connues:
            cibles.add(ex.cible)
        cibles_ex[ex.label] = {c for c in cibles if c in connues}
    toutes = sorted(set().union(*cibles_ex.values())) if cibles_ex else []
    journal_build = build.journaux / f"{copie.nom}-compilation.log"
    ratees, erreurs, sortie = build.construire(toutes, journal_build) if toutes else (set(), {}, "")
    if re.search(r"^FAILED: (runtime|tests/support)/", sortie, re.M):
        copie.remarques.append("le runtime de l'enseignant ne compile pas : voir "
                               + relatif(journal_build, racine))
    for c in ratees:
        build.retirer_executable(c)
    copie.durees["compilation"] = time.monotonic() - debut

    # Les tests notés, lus dans le JUnit de ctest.
    debut = time.monotonic()
    numeros = "|".join(c.numero for c in chapitres)
    junit_ctest = build.journaux / f"{copie.nom}-ctest.xml"
    resultats = build.lancer_tests(f"^ch({numeros})$", junit_ctest, build.journaux / f"{copie.nom}-ctest.log")
    if resultats is None:
        copie.remarques.append("ctest n'a pas produit de rapport JUnit : voir "
                               + relatif(build.journaux / f"{copie.nom}-ctest.log", racine))
        resultats = {}
    copie.durees["tests"] = time.monotonic() - debut

    zone = str(build.zone) + "/" if build.zone is not None else None
    for res in copie.exercices:
        ex = res.exercice
        cassees = sorted(cibles_ex.get(ex.label, set()) & ratees)
        if cassees:
            bloc = erreurs.get(cassees[0], [])
            bloc = [nettoyer_chemin(l, racine, zone) for l in bloc]
            res.erreur_compilation = bloc or [f"la cible {cassees[0]} n'a pas été construite"]
        for t in ex.tests:
            rt = ResultatTest(nom=t.nom, points=t.points)
            r = resultats.get(t.nom)
            exe = Path(build.executables.get(t.nom, "")).name
            if exe in ratees:
                rt.genre_echec = "compilation"
                rt.message = "ne compile pas : " + premiere_erreur(res.erreur_compilation)
                rt.detail = "L'exercice ne compile pas (0 point pour ses tests) :\n" + "\n".join(res.erreur_compilation)
            elif r is None:
                rt.genre_echec = "absent"
                rt.message = "test absent de CTest (manifeste et tests désaccordés ?)"
                rt.detail = rt.message
            else:
                rt.reussi = r["reussi"]
                rt.duree = r["duree"]
                rt.sortie = nettoyer_chemin(r["sortie"], racine, zone)
                if not rt.reussi:
                    rt.message, rt.detail = messages_echec(rt.sortie, r["message"], racine)
            res.tests.append(rt)
        if res.identique:
            res.remarques.insert(0, res.identique)


def nettoyer_chemin(texte: str, racine: Path, zone: str | None) -> str:
    if zone:
        texte = texte.replace(zone, "chapters/")
    return texte.replace(str(racine) + "/", "")


# ─── Sorties : tableau, CSV, JUnit ──────────────────────────────────────────────────────────

def afficher_tableau(copie: Copie, chapitres: list[mf.Chapitre], racine: Path) -> None:
    titre(f"Copie « {copie.nom} »" + (f" ({copie.chemin})" if copie.chemin != racine else ""))
    if copie.erreur:
        ko(copie.erreur)
        return
    p(f"{GRAS}{'Ch.':<4} {'Exercice':<22} {'Points':>9} {'Note /20':>9}   Remarques{RAZ}")
    for c in chapitres:
        rs = copie.du_chapitre(c)
        if not rs:
            continue
        for r in rs:
            remarques = list(r.remarques)
            if r.erreur_compilation:
                remarques.insert(0, "ne compile pas : " + premiere_erreur(r.erreur_compilation))
            couleur = VERT if r.obtenus == r.points and r.points else (ROUGE if r.obtenus == 0 else JAUNE)
            texte_rem = "; ".join(remarques)
            if r.identique:
                texte_rem = f"{JAUNE}{GRAS}{texte_rem}{RAZ}"
            p(f"{c.numero:<4} {r.exercice.id:<22} {couleur}{f'{r.obtenus}/{r.points}':>9}{RAZ} {'':>9}   {texte_rem}")
        obtenus, points = sum(r.obtenus for r in rs), sum(r.points for r in rs)
        p(f"{PALE}{c.numero:<4} {'chapitre':<22}{RAZ} {f'{obtenus}/{points}':>9} "
          f"{GRAS}{decimal(note_sur_20(obtenus, points)):>9}{RAZ}   {PALE}{c.titre}{RAZ}")
    m = moyenne(copie, chapitres)
    total = sum(r.obtenus for r in copie.exercices)
    total_pts = sum(r.points for r in copie.exercices)
    p()
    if m is not None:
        info(f"{GRAS}Moyenne : {decimal(m)} /20{RAZ} sur {len([c for c in chapitres if copie.du_chapitre(c)])} "
             f"chapitre(s) ; {total}/{total_pts} points.")
    identiques = [r.exercice.label for r in copie.exercices if r.identique]
    if identiques:
        attention(f"{len(identiques)} exercice(s) identique(s) à la solution : {', '.join(identiques)}")
    for rem in copie.remarques:
        attention(rem)


def colonnes_csv(chapitres: list[mf.Chapitre]) -> list[str]:
    cols = ["etudiant"]
    for c in chapitres:
        for ex in c.exercices:
            cols.append(f"{c.numero} {ex.id} (/{ex.points})")
    total = sum(c.points for c in chapitres)
    return cols + [f"total (/{total})", "moyenne /20", "remarques"]


def ecrire_csv(copies: list[Copie], chapitres: list[mf.Chapitre], chemin: Path) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(colonnes_csv(chapitres))
        for copie in copies:
            if copie.erreur:
                w.writerow([copie.nom] + [""] * (len(colonnes_csv(chapitres)) - 2) + [copie.erreur])
                continue
            par_label = {r.exercice.label: r for r in copie.exercices}
            ligne = [copie.nom]
            remarques = []
            for c in chapitres:
                for ex in c.exercices:
                    r = par_label.get(ex.label)
                    ligne.append(r.obtenus if r else "")
                    if r and r.identique:
                        remarques.append(f"{ex.label} : {r.identique}")
                    if r and r.erreur_compilation:
                        remarques.append(f"{ex.label} : ne compile pas")
                    if r:
                        remarques += [f"{ex.label} : {x}" for x in r.remarques if x != r.identique]
            m = moyenne(copie, chapitres)
            ligne += [sum(r.obtenus for r in copie.exercices), f"{m:.2f}" if m is not None else ""]
            ligne.append(" ; ".join(remarques + copie.remarques))
            w.writerow(ligne)


def _proprietes(parent: ET.Element, valeurs: list[tuple[str, str]]) -> None:
    props = ET.SubElement(parent, "properties")
    for nom, valeur in valeurs:
        ET.SubElement(props, "property", name=nom, value=str(valeur))


def ecrire_junit(copie: Copie, chapitres: list[mf.Chapitre], chemin: Path) -> None:
    """Un <testsuite> par chapitre, classname = « NN-slug », points en <properties>."""
    racine = ET.Element("testsuites", name=f"cours-tokio-spawn : {copie.nom}")
    n_total = n_echecs = 0
    duree_totale = 0.0
    for c in chapitres:
        rs = copie.du_chapitre(c)
        if not rs:
            continue
        tests = [t for r in rs for t in r.tests]
        echecs = sum(1 for t in tests if not t.reussi)
        duree = sum(t.duree for t in tests)
        n_total += len(tests)
        n_echecs += echecs
        duree_totale += duree
        obtenus, points = sum(r.obtenus for r in rs), sum(r.points for r in rs)
        suite = ET.SubElement(racine, "testsuite", name=c.slug, tests=str(len(tests)), failures=str(echecs),
                              errors="0", skipped="0", time=f"{duree:.3f}")
        props = [("chapitre", c.numero), ("titre", c.titre), ("points", points), ("points_obtenus", obtenus),
                 ("note_sur_20", f"{note_sur_20(obtenus, points):.2f}")]
        for r in rs:
            props.append((f"exercice.{r.exercice.id}.points", f"{r.obtenus}/{r.points}"))
            for rem in r.remarques:
                props.append((f"exercice.{r.exercice.id}.remarque", rem))
        _proprietes(suite, props)
        for r in rs:
            for t in r.tests:
                cas = ET.SubElement(suite, "testcase", name=t.nom, classname=c.slug, time=f"{t.duree:.3f}")
                props = [("exercice", r.exercice.id), ("points", t.points), ("points_obtenus", t.obtenus)]
                props += [("remarque", rem) for rem in r.remarques]
                _proprietes(cas, props)
                if not t.reussi:
                    echec = ET.SubElement(cas, "failure", message=t.message, type=t.genre_echec)
                    echec.text = t.detail
                if t.sortie:
                    ET.SubElement(cas, "system-out").text = t.sortie
    racine.set("tests", str(n_total))
    racine.set("failures", str(n_echecs))
    racine.set("time", f"{duree_totale:.3f}")
    if copie.erreur:
        racine.set("tests", "1")
        racine.set("errors", "1")
        suite = ET.SubElement(racine, "testsuite", name="copie", tests="1", failures="0", errors="1", skipped="0")
        cas = ET.SubElement(suite, "testcase", name="copie", classname="copie")
        ET.SubElement(cas, "error", message=copie.erreur, type="copie").text = copie.erreur
    ET.indent(racine)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(racine).write(chemin, encoding="utf-8", xml_declaration=True)


# ─── La ligne de commande ───────────────────────────────────────────────────────────────────

TRADUCTIONS = [
    (r"unrecognized arguments: (.*)", r"option(s) inconnue(s) : \1"),
    (r"argument (\S+): expected one argument", r"\1 attend une valeur"),
    (r"argument (\S+): expected at least one argument", r"\1 attend au moins une valeur"),
    (r"argument (\S+): invalid int value: (.*)", r"\1 attend un entier (reçu \2)"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires : \1"),
]


class Formateur(argparse.HelpFormatter):
    """L'aide d'argparse en français (« utilisation : »)."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="utilisation : ")


class Analyseur(argparse.ArgumentParser):
    """argparse, avec son aide et ses erreurs en français."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=Formateur, **kwargs)
        self._optionals.title = "options"

    def error(self, message):  # noqa: D401 (signature d'argparse)
        for motif, remplacement in TRADUCTIONS:
            message = re.sub(motif, remplacement, message)
        raise Erreur(f"{message}\n  (aide : ./cours {self.prog.split()[-1]} --help)", code=2)


def analyser(argv: list[str]) -> argparse.Namespace:
    a = Analyseur(
        prog="./cours noter", add_help=False,
        description="Note les exercices : ceux de ce dépôt, ou (--copie) ceux de copies d'étudiants, "
                    "avec l'arbre (runtime, tests, CMake) de ce dépôt.")
    a.add_argument("-h", "--help", action="help", help="affiche cette aide")
    a.add_argument("--copie", nargs="+", metavar="DIR", default=None,
                   help="dépôts d'étudiants à noter (seuls leurs fichiers d'exercice sont lus)")
    a.add_argument("--csv", metavar="F", help="fichier CSV des notes (défaut : build/notation/notes.csv)")
    a.add_argument("--junit-dossier", metavar="D",
                   help="dossier des JUnit, un <nom>.xml par copie (défaut : build/notation/junit)")
    a.add_argument("--chapitre", action="append", metavar="NN", default=[],
                   help="ne noter que ce chapitre (répétable ; défaut : tous les chapitres disponibles)")
    a.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="compilations en parallèle (défaut : $COURS_JOBS ou 2)")
    a.add_argument("--jobs-tests", type=int, default=None, metavar="N",
                   help="tests lancés en parallèle (défaut : 2×N+4, soit 8 pour -j 2 : ils attendent "
                        "plus qu'ils ne calculent — chiens de garde, échanges réseau)")
    a.add_argument("--build", metavar="DIR", default=None, help=argparse.SUPPRESS)
    args = a.parse_args(argv)
    if args.jobs is None:
        texte = os.environ.get("COURS_JOBS", "2")
        if not re.fullmatch(r"[1-9][0-9]*", texte):
            raise Erreur(f"COURS_JOBS doit être un entier positif (reçu « {texte} »)", code=2)
        args.jobs = int(texte)
    if args.jobs < 1 or (args.jobs_tests is not None and args.jobs_tests < 1):
        raise Erreur("-j et --jobs-tests attendent un entier positif", code=2)
    if args.jobs_tests is None:
        # Mesuré sur 2 cœurs chargés : une copie non commencée (chiens de garde de 10 s) passe de
        # 87 s de tests à 23 s avec 8 tests à la fois ; les solutions restent à 295/295.
        args.jobs_tests = 2 * args.jobs + 4
    return args


def chemin_utilisateur(texte: str) -> Path:
    """Les chemins donnés sont relatifs au dossier d'appel (COURS_DOSSIER_APPEL, posé par ./cours)."""
    base = Path(os.environ.get("COURS_DOSSIER_APPEL") or os.getcwd())
    return (base / texte).resolve() if not os.path.isabs(texte) else Path(texte).resolve()


def choisir_chapitres(cours: mf.Cours, demandes: list[str]) -> list[mf.Chapitre]:
    disponibles = [c for c in cours.chapitres if c.disponible and c.exercices
                   and (cours.racine / "chapters" / c.slug / "exercices").is_dir()]
    if not demandes:
        return disponibles
    choisis = []
    for d in demandes:
        for morceau in d.split(","):
            n = mf.normaliser_numero(morceau.strip())
            c = cours.chapitre(n) if n else None
            if c is None:
                raise Erreur(f"chapitre inconnu : « {morceau} »", code=2)
            if c not in disponibles:
                raise Erreur(f"le chapitre {c.numero} n'a pas encore d'exercices notés", code=2)
            if c not in choisis:
                choisis.append(c)
    return sorted(choisis, key=lambda c: c.numero)


def noms_uniques(chemins: list[Path]) -> list[str]:
    vus: dict[str, int] = {}
    noms = []
    for ch in chemins:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", ch.name) or "copie"
        vus[base] = vus.get(base, 0) + 1
        noms.append(base if vus[base] == 1 else f"{base}-{vus[base]}")
    return noms


def verrouiller(dossier: Path, racine: Path):
    """Deux notations dans le même dossier de build se marcheraient dessus (zone des copies,
    exécutables) : la seconde s'arrête avec un message."""
    dossier.mkdir(parents=True, exist_ok=True)
    f = open(dossier / ".verrou-notation", "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise Erreur(f"une autre notation utilise déjà {relatif(dossier, racine)} : attendez qu'elle "
                     "se termine.") from None
    return f


def verifier_copie(copie: Copie, racine: Path) -> None:
    if not copie.chemin.exists():
        copie.erreur = f"le dossier « {copie.chemin} » n'existe pas"
    elif not copie.chemin.is_dir():
        copie.erreur = f"« {copie.chemin} » n'est pas un dossier"
    elif not (copie.chemin / "chapters").is_dir():
        copie.erreur = f"« {copie.chemin} » n'a pas de dossier chapters/ : est-ce bien un dépôt du cours ?"
    elif copie.chemin == racine:
        copie.erreur = ("c'est le dépôt de l'enseignant lui-même : lancez « ./cours noter » sans --copie "
                        "pour noter ses exercices")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return executer(lambda: _main(argv), prevues=(mf.ManifesteInvalide,))


def _main(argv: list[str]) -> int:
    args = analyser(argv)
    racine = RACINE
    for outil, paquet in (("cmake", "cmake"), ("ninja", "ninja-build"), ("ctest", "cmake")):
        if shutil.which(outil) is None:
            raise Erreur(f"« {outil} » est introuvable : installez le paquet {paquet} (« ./cours installer »).")
    cours = mf.charger(racine)
    chapitres = choisir_chapitres(cours, args.chapitre)
    if not chapitres:
        raise Erreur("aucun chapitre n'a d'exercices notés dans cours.toml")
    notation = racine / "build" / "notation"
    csv_chemin = chemin_utilisateur(args.csv) if args.csv else notation / "notes.csv"
    junit_dossier = chemin_utilisateur(args.junit_dossier) if args.junit_dossier else notation / "junit"

    if args.copie is None:
        copies = [Copie(nom=noms_uniques([racine])[0], chemin=racine)]
        build = Build(racine, chemin_utilisateur(args.build) if args.build else racine / "build" / "etudiant",
                      None, args.jobs, args.jobs_tests)
        preparer = False
        titre(f"Notation des exercices de ce dépôt (preset « etudiant », {len(chapitres)} chapitre(s))")
    else:
        chemins = [chemin_utilisateur(d) for d in args.copie]
        copies = [Copie(nom=n, chemin=c) for n, c in zip(noms_uniques(chemins), chemins)]
        dossier = chemin_utilisateur(args.build) if args.build else notation
        build = Build(racine, dossier, dossier / "copie", args.jobs, args.jobs_tests)
        preparer = True
        titre(f"Notation de {len(copies)} copie(s) avec l'arbre de {racine} ({len(chapitres)} chapitre(s))")
        verrou = verrouiller(build.dossier, racine)  # noqa: F841 (gardé ouvert jusqu'à la fin)
        for copie in copies:
            verifier_copie(copie, racine)
            if copie.erreur:
                erreur(f"copie « {copie.nom} » : {copie.erreur}")
        if all(c.erreur for c in copies):
            for copie in copies:
                ecrire_junit(copie, chapitres, junit_dossier / f"{copie.nom}.xml")
            ecrire_csv(copies, chapitres, csv_chemin)
            raise Erreur("aucune copie n'a pu être notée.")
        # La zone doit contenir tous les chapitres avant la configuration (CMake y lit les
        # sources de chaque exercice) : on y met d'abord la première copie valable.
        premiere = next(c for c in copies if not c.erreur)
        preparer_zone(racine, cours, premiere, build.zone)

    debut_total = time.monotonic()
    info(f"Configuration CMake ({relatif(build.dossier, racine)})…")
    debut = time.monotonic()
    build.configurer()
    duree_config = time.monotonic() - debut
    for i, copie in enumerate(copies, 1):
        if copie.erreur:
            continue
        info(f"[{i}/{len(copies)}] {copie.nom} : compilation des exercices et tests notés…")
        debut = time.monotonic()
        noter_copie(racine, cours, chapitres, copie, build, preparer)
        copie.durees["total"] = time.monotonic() - debut + (duree_config if i == 1 else 0)
        d = copie.durees
        info(f"[{i}/{len(copies)}] {copie.nom} notée en {decimal(d['total'])} s "
             f"(compilation {decimal(d['compilation'])} s, tests {decimal(d['tests'])} s"
             + (f", configuration {decimal(duree_config)} s" if i == 1 else "") + ")")
    for copie in copies:
        afficher_tableau(copie, chapitres, racine)
        ecrire_junit(copie, chapitres, junit_dossier / f"{copie.nom}.xml")
    ecrire_csv(copies, chapitres, csv_chemin)
    p()
    info(f"CSV : {relatif(csv_chemin, racine)} ; JUnit : {relatif(junit_dossier, racine)}/<nom>.xml ; "
         f"journaux : {relatif(build.journaux, racine)}")
    info(f"Durée totale : {decimal(time.monotonic() - debut_total)} s")
    ratees = [c for c in copies if c.erreur]
    if ratees:
        ko(f"{len(ratees)} copie(s) non notée(s) : " + ", ".join(c.nom for c in ratees))
        return 1
    ok(f"{len(copies)} copie(s) notée(s).")
    return 0

