"""Maintenance du manifeste : le régénérer d'après CTest, le tableau du plan dans README.fr.md.

    ./cours manifeste [--build DIR]     met à jour les tests de cours.toml (liste de CTest)
    ./cours readme [--verifier]         réécrit (ou vérifie) le tableau du plan de README.fr.md
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from . import manifeste as mf

DEBUT_PLAN = "<!-- plan des chapitres : généré depuis cours.toml par « ./cours readme » -->"
FIN_PLAN = "<!-- fin du plan des chapitres -->"

# Sources de tests dont le nom n'est pas test_<id>.cpp : à quel exercice elles appartiennent.
SOURCES_PARTICULIERES = {("06", "traiter_connexion"): "http", ("06", "servir"): "http"}


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def en_toml(cours: mf.Cours) -> str:
    lignes = [
        "# Manifeste du cours « tokio::spawn en C++ » : chapitres, exercices, tests notés et points.",
        "# Lu par ./cours (scripts/cours/) ; le tableau du plan de README.fr.md en est généré",
        "# (« ./cours readme »). Les listes de tests se régénèrent d'après CTest avec",
        "# « ./cours manifeste » ; un test (tester-outils) vérifie qu'elles sont à jour.",
        "",
    ]
    for c in cours.chapitres:
        lignes += [
            "[[chapitre]]",
            f"numero = {_q(c.numero)}",
            f"slug = {_q(c.slug)}",
            f"titre = {_q(c.titre)}",
            f"construit = {_q(c.construit)}",
            f"etat = {_q(c.etat)}",
            "",
        ]
        for e in c.exercices:
            lignes += [
                "[[chapitre.exercice]]",
                f"id = {_q(e.id)}",
                f"genre = {_q(e.genre)}",
                f"titre = {_q(e.titre)}",
                "fichiers = [" + ", ".join(_q(f) for f in e.fichiers) + "]",
                "tests = [",
            ]
            lignes += [f"  {{ nom = {_q(t.nom)}, points = {t.points} }}," for t in e.tests]
            lignes += ["]", ""]
    return "\n".join(lignes)


def liste_ctest(build: Path) -> list[tuple[str, list[str]]]:
    """(nom, labels) de chaque test CTest d'un dossier de build configuré."""
    r = subprocess.run(["ctest", "--test-dir", str(build), "--show-only=json-v1"],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise mf.ManifesteInvalide(f"ctest --show-only a échoué dans {build} : {r.stderr.strip()}")
    sortie = []
    for t in json.loads(r.stdout).get("tests", []):
        labels = []
        for p in t.get("properties", []):
            if p.get("name") == "LABELS":
                labels = list(p.get("value", []))
        sortie.append((t["name"], labels))
    return sortie


def tests_notes(build: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """Tests notés (label chNN) par numéro de chapitre, dans l'ordre de CTest."""
    par_chapitre: dict[str, list] = {}
    for nom, labels in liste_ctest(build):
        for lab in labels:
            m = re.fullmatch(r"ch([0-9]{2})", lab)
            if m:
                par_chapitre.setdefault(m.group(1), []).append((nom, labels))
    return par_chapitre


def _cas(nom: str) -> str:
    """« ch09.mt2.cas » → « cas »."""
    morceaux = nom.split(".")
    return morceaux[-1]


def _source_du_cas(racine: Path, slug: str, cas: str) -> str | None:
    """Le stem (sans « test_ ») du fichier tests/<slug>/test_*.cpp qui définit ce cas."""
    motif = re.compile(r"BOOST_(AUTO|FIXTURE)_TEST_CASE\(\s*" + re.escape(cas) + r"\b")
    for f in sorted((racine / "tests" / slug).glob("test_*.cpp")):
        if motif.search(f.read_text(encoding="utf-8", errors="replace")):
            return f.stem.removeprefix("test_")
    return None


def exercice_du_test(racine: Path, chapitre: mf.Chapitre, nom: str, labels: list[str]) -> str | None:
    for lab in labels:
        m = re.fullmatch(rf"ch{chapitre.numero}-([a-z0-9_]+)", lab)
        if m:
            return m.group(1)
    source = _source_du_cas(racine, chapitre.slug, _cas(nom))
    if source is None:
        return None
    return SOURCES_PARTICULIERES.get((chapitre.numero, source), source)


def fichiers_exercice(racine: Path, slug: str, id_: str) -> list[str]:
    dossier = racine / "chapters" / slug / "exercices"
    fichiers = [f.name for f in sorted(dossier.glob(f"{id_}.*")) if f.is_file()]
    return sorted(fichiers, key=lambda n: (not n.endswith(".hpp"), n))


def regenerer(cours: mf.Cours, build: Path) -> tuple[mf.Cours, list[str]]:
    """Remplace les tests de chaque exercice par ceux de CTest ; renvoie (cours, remarques)."""
    racine = cours.racine
    remarques = []
    notes = tests_notes(build)
    for c in cours.chapitres:
        a_des_tests = (racine / "tests" / c.slug / "CMakeLists.txt").is_file()
        if not a_des_tests:
            c.etat = "à venir"
            continue
        c.etat = "disponible"
        par_ex: dict[str, list[mf.Test]] = {}
        anciens = {t.nom: t.points for e in c.exercices for t in e.tests}
        for nom, labels in notes.get(c.numero, []):
            id_ = exercice_du_test(racine, c, nom, labels)
            if id_ is None:
                remarques.append(f"{nom} : exercice introuvable (ni label ch{c.numero}-<id>, ni test_<id>.cpp)")
                continue
            par_ex.setdefault(id_, []).append(mf.Test(nom=nom, points=anciens.get(nom, 1)))
        for id_, tests in par_ex.items():
            e = c.exercice(id_)
            if e is None:
                e = mf.Exercice(id=id_, genre="utiliser", titre=id_,
                                fichiers=fichiers_exercice(racine, c.slug, id_), tests=[])
                e.chapitre = c
                c.exercices.append(e)
                remarques.append(f"ch{c.numero} : nouvel exercice « {id_} » (titre et genre à relire)")
            e.tests = tests
        for e in c.exercices:
            if e.id not in par_ex:
                remarques.append(f"ch{c.numero} : l'exercice « {e.id} » n'a aucun test noté")
            if not e.fichiers:
                e.fichiers = fichiers_exercice(racine, c.slug, e.id)
    return cours, remarques


# ─── README ───────────────────────────────────────────────────────────────────────────────

def tableau_plan(cours: mf.Cours) -> str:
    lignes = [
        "| N° | Dossier | Section de l'article | Ce que vous construisez | Exercices | État |",
        "|---|---|---|---|---|---|",
    ]
    for c in cours.chapitres:
        exos = ", ".join(f"`{e.id}` ({e.points} pts)" for e in c.exercices) or "—"
        lignes.append(f"| {c.numero} | `{c.slug}` | {c.titre} | {c.construit} | {exos} | {c.etat} |")
    return "\n".join(lignes)


def readme_attendu(texte: str, cours: mf.Cours) -> str:
    debut = texte.find(DEBUT_PLAN)
    fin = texte.find(FIN_PLAN)
    if debut < 0 or fin < debut:
        raise mf.ManifesteInvalide(
            f"README.fr.md : marqueurs du plan introuvables (« {DEBUT_PLAN} » … « {FIN_PLAN} »)")
    return texte[: debut + len(DEBUT_PLAN)] + "\n" + tableau_plan(cours) + "\n" + texte[fin:]


def ecarts_ctest(cours: mf.Cours, build: Path) -> list[str]:
    """Ce qui diffère entre les tests du manifeste et les tests notés de CTest (vide si rien).

    Chaque test CTest de label chNN doit être dans le manifeste, rangé dans l'exercice de son
    label chNN-<id> (ou, tant que CMake ne pose pas ce label, de sa source test_<id>.cpp) ;
    chaque test du manifeste doit exister dans CTest avec le label chNN.
    """
    probs = []
    try:
        notes = tests_notes(build)
    except mf.ManifesteInvalide as e:
        return [str(e)]
    for c in cours.chapitres:
        ctest_ch = {nom: labels for nom, labels in notes.get(c.numero, [])}
        if not c.disponible:
            if ctest_ch:
                probs.append(f"ch{c.numero} : « à venir » dans cours.toml, mais CTest a {len(ctest_ch)} tests notés")
            continue
        dans_manifeste = {t.nom: e.id for e in c.exercices for t in e.tests}
        for nom, labels in ctest_ch.items():
            attendu = exercice_du_test(cours.racine, c, nom, labels)
            if nom not in dans_manifeste:
                probs.append(f"{nom} : test noté de CTest absent de cours.toml")
            elif attendu is not None and dans_manifeste[nom] != attendu:
                probs.append(f"{nom} : rangé dans « {dans_manifeste[nom]} » par cours.toml, dans « {attendu} » par CTest")
            exos = [l for l in labels if l.startswith(f"ch{c.numero}-")]
            if any("-" in l for l in labels if l.startswith("ch")) and len(exos) != 1:
                probs.append(f"{nom} : {len(exos)} label(s) ch{c.numero}-<id> au lieu d'un")
        for nom, id_ in dans_manifeste.items():
            if nom not in ctest_ch:
                probs.append(f"{nom} (exercice {id_}) : dans cours.toml, mais pas un test noté de CTest (label ch{c.numero})")
    return probs
