"""Compiler les programmes de tests des exercices (preset « etudiant ») et lire leurs résultats.

Un programme par exercice (« test_chNN_<id> ») : une erreur de compilation ne touche que son
exercice. Avec l'ancien découpage (un programme par chapitre), on se rabat sur la cible du
dossier tests/NN-slug/ : une erreur y touche tout le chapitre.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import junit, outils
from .affichage import info
from .manifeste import Chapitre, Cours, Exercice
from .outils import RACINE

PRESET = "etudiant"


@dataclass
class EtatExercice:
    exercice: Exercice
    compile: bool = True
    erreur: list[str] = field(default_factory=list)  # première erreur du compilateur
    journal: str = ""
    resultats: list[junit.Resultat] = field(default_factory=list)

    @property
    def reussis(self) -> int:
        return sum(1 for r in self.resultats if r.reussi)

    @property
    def points(self) -> int:
        ok = {r.nom for r in self.resultats if r.reussi}
        return sum(t.points for t in self.exercice.tests if t.nom in ok)

    @property
    def statut(self) -> str:
        if not self.compile:
            return "ne compile pas"
        if self.resultats and self.reussis == len(self.exercice.tests):
            return "ok"
        return "échec"


def cibles_exercice(ex: Exercice, cibles: set[str]) -> list[str]:
    """Les cibles ninja à construire pour les tests d'un exercice."""
    if ex.cible in cibles:
        return [ex.cible]
    dossier = f"tests/{ex.chapitre.slug}/all"
    if dossier in cibles:
        return [dossier]
    return []


def _executables_perimes(cibles: list[str]) -> None:
    """Après un échec, l'exécutable d'une compilation précédente est resté dans build/ : on le
    supprime, pour que CTest ne lance pas une vieille version (ses tests échouent alors)."""
    build = outils.dossier_build(PRESET)
    for c in cibles:
        if c.endswith("/all"):
            dossier = build / c[: -len("/all")]
            if dossier.is_dir():
                for f in dossier.glob("test_ch*"):
                    if f.is_file():
                        f.unlink()
        else:
            for f in (build / "tests").glob(f"*/{c}"):
                if f.is_file():
                    f.unlink()


def construire_exercices(exercices: list[Exercice], bavard: bool = True) -> dict[str, EtatExercice]:
    """Compile les tests de chaque exercice séparément ; clé : « NN-id »."""
    cibles = outils.cibles_ninja(PRESET)
    etats: dict[str, EtatExercice] = {}
    deja: dict[tuple, tuple[bool, list[str], str]] = {}
    for ex in exercices:
        cle = f"{ex.chapitre.numero}-{ex.id}"
        etat = EtatExercice(exercice=ex)
        etats[cle] = etat
        a_construire = cibles_exercice(ex, cibles)
        if not a_construire:
            etat.compile = False
            etat.erreur = [f"aucune cible de compilation pour l'exercice (ni {ex.cible}, ni tests/{ex.chapitre.slug}/all)"]
            continue
        t = tuple(a_construire)
        if t not in deja:
            log = outils.journal(f"compilation-ch{cle}.log")
            if bavard:
                info(f"Compilation de {', '.join(a_construire)}…")
            rc = outils.construire_dans(PRESET, a_construire, log)
            erreur = [] if rc == 0 else outils.premiere_erreur(log)
            if rc != 0:
                _executables_perimes(a_construire)
            deja[t] = (rc == 0, erreur, outils.relatif(log))
        etat.compile, etat.erreur, etat.journal = deja[t]
    return etats


def construire_tout(cours: Cours, chapitres: list[Chapitre]) -> dict[str, EtatExercice]:
    """Compile d'un coup (ninja -k 0) les tests de tous les exercices de ces chapitres."""
    cibles = outils.cibles_ninja(PRESET)
    exercices = [e for c in chapitres for e in c.exercices]
    a_construire = sorted({c for e in exercices for c in cibles_exercice(e, cibles)})
    log = outils.journal("compilation-etudiant.log")
    info(f"Compilation des tests des exercices (preset « {PRESET} », journal : {outils.relatif(log)})…")
    rc = outils.construire_dans(PRESET, a_construire, log, continuer=True) if a_construire else 0
    casses: set[str] = set()  # cibles en échec
    tout_casse = False
    if rc != 0:
        for ligne in outils.lignes_failed(log):
            m = re.search(r"/CMakeFiles/([^/]+)\.dir/", ligne)
            if m:
                casses.add(m.group(1))
            if re.match(r"FAILED: (runtime|tests/support)/", ligne):
                tout_casse = True
    etats = {}
    erreur_globale = outils.premiere_erreur(log) if rc != 0 else []
    par_cible = outils.erreurs_par_cible(log) if rc != 0 else {}
    for e in exercices:
        cle = f"{e.chapitre.numero}-{e.id}"
        etat = EtatExercice(exercice=e, journal=outils.relatif(log))
        propres = cibles_exercice(e, cibles)
        if not propres:
            etat.compile = False
            etat.erreur = ["aucune cible de compilation pour l'exercice"]
        elif tout_casse or e.cible in casses or (
                propres[0].endswith("/all") and any(c.startswith(f"test_ch{e.chapitre.numero}") for c in casses)):
            etat.compile = False
            etat.erreur = next((par_cible[c] for c in [e.cible, *propres, f"test_ch{e.chapitre.numero}"]
                                if par_cible.get(c)), erreur_globale)
        etats[cle] = etat
    _executables_perimes(sorted({c for e in exercices if not etats[f"{e.chapitre.numero}-{e.id}"].compile
                                 for c in cibles_exercice(e, cibles)}))
    return etats


def lancer_tests(etats: dict[str, EtatExercice], junit_fichier: Path, label: str | None = None) -> dict[str, junit.Resultat]:
    """Lance les tests notés de ces exercices (ctest, JUnit) et range les résultats."""
    noms = [t.nom for e in etats.values() for t in e.exercice.tests]
    if not noms:
        return {}
    if label:
        args = ["-L", label]
    else:
        args = ["-R", "^(" + "|".join(re.escape(n) for n in noms) + ")$"]
    outils.lancer_ctest(PRESET, junit_fichier, args, log=junit_fichier.with_suffix(".log"))
    resultats = junit.lire(junit_fichier, outils.delais_tests(PRESET))
    for etat in etats.values():
        etat.resultats = []
        for t in etat.exercice.tests:
            r = resultats.get(t.nom) or junit.Resultat(nom=t.nom, statut="absent", duree=0.0, sortie="")
            etat.resultats.append(r)
        if any(r.statut == "absent" for r in etat.resultats) and etat.compile and etat.resultats:
            if all(r.statut == "absent" for r in etat.resultats):
                etat.compile = False
                etat.erreur = etat.erreur or ["exécutable de test absent"]
    return resultats


# ─── Dernier état connu de chaque exercice (pour « ./cours liste ») ──────────────────────

FICHIER_ETAT = RACINE / "build" / "journaux" / "etat-exercices.json"


def memoriser(etats: dict[str, EtatExercice]) -> None:
    try:
        d = json.loads(FICHIER_ETAT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        d = {}
    for cle, e in etats.items():
        d[cle] = {"statut": e.statut, "reussis": e.reussis, "total": len(e.exercice.tests),
                  "points": e.points, "date": time.strftime("%Y-%m-%d %H:%M")}
    FICHIER_ETAT.parent.mkdir(parents=True, exist_ok=True)
    FICHIER_ETAT.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def memoire() -> dict:
    try:
        return json.loads(FICHIER_ETAT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
