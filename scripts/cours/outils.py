"""Configuration CMake, compilation (ninja), lancement de CTest avec un rapport JUnit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .affichage import Erreur, attention, info

RACINE = Path(__file__).resolve().parent.parent.parent


def jobs() -> int:
    texte = os.environ.get("COURS_JOBS", "2")
    if not re.fullmatch(r"[1-9][0-9]*", texte):
        raise Erreur(f"COURS_JOBS doit être un entier positif (reçu « {texte} »)", code=2)
    return int(texte)


def dossier_build(preset: str) -> Path:
    return RACINE / "build" / preset


def journal(nom: str) -> Path:
    d = RACINE / "build" / "journaux"
    d.mkdir(parents=True, exist_ok=True)
    return d / nom


def relatif(chemin: Path | str) -> str:
    try:
        return str(Path(chemin).resolve().relative_to(RACINE))
    except ValueError:
        return str(chemin)


def commande_requise(nom: str, paquet: str) -> None:
    if shutil.which(nom) is None:
        raise Erreur(f"« {nom} » est introuvable : installez le paquet {paquet} (« ./cours installer »).")


def preset_existe(preset: str) -> bool:
    try:
        donnees = json.loads((RACINE / "CMakePresets.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(p.get("name") == preset for p in donnees.get("configurePresets", []))


def configurer(preset: str, bavard: bool = True) -> None:
    """« cmake --preset PRESET », silencieux sauf en cas d'échec (Erreur)."""
    commande_requise("cmake", "cmake")
    log = journal(f"configuration-{preset}.log")
    if bavard:
        info(f"Configuration CMake (preset « {preset} »)…")
    with open(log, "w", encoding="utf-8") as f:
        r = subprocess.run(["cmake", "--preset", preset], cwd=RACINE, stdout=f, stderr=subprocess.STDOUT)
    texte = log.read_text(encoding="utf-8", errors="replace")
    if r.returncode != 0:
        sys.stdout.write(texte)
        raise Erreur(f"la configuration CMake du preset « {preset} » a échoué (journal : {relatif(log)}).")
    if "CMake Warning" in texte and bavard:
        attention(f"CMake a émis des avertissements (journal : {relatif(log)}).")


def construire(preset: str, cibles: list[str] | None = None, extra: list[str] | None = None,
               bavard: bool = True) -> int:
    """cmake --build avec la progression de ninja à l'écran ; renvoie le code."""
    if bavard:
        info(f"Compilation (preset « {preset} », {jobs()} tâches en parallèle)…")
    cmd = ["cmake", "--build", "--preset", preset, "-j", str(jobs())]
    if cibles:
        cmd += ["--target", *cibles]
    if extra:
        cmd += ["--", *extra]
    return subprocess.run(cmd, cwd=RACINE).returncode


def construire_dans(preset: str, cibles: list[str], log: Path, continuer: bool = False) -> int:
    """Compilation silencieuse (sortie dans log) ; renvoie le code de ninja."""
    cmd = ["cmake", "--build", "--preset", preset, "-j", str(jobs())]
    if cibles:
        cmd += ["--target", *cibles]
    if continuer:
        cmd += ["--", "-k", "0"]
    terminal = sys.stdout.isatty()
    with open(log, "w", encoding="utf-8") as f, \
            subprocess.Popen(cmd, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace") as proc:
        assert proc.stdout is not None
        for ligne in proc.stdout:
            f.write(ligne)
            # La progression de ninja (« [12/40] Building … ») sur une seule ligne du terminal.
            if terminal and ligne.startswith("["):
                sys.stdout.write("\r\x1b[K  " + ligne.rstrip("\n")[: shutil.get_terminal_size().columns - 4])
                sys.stdout.flush()
    if terminal:
        sys.stdout.write("\r\x1b[K")
        sys.stdout.flush()
    return proc.returncode


def cibles_ninja(preset: str) -> set[str]:
    r = subprocess.run(["ninja", "-C", str(dossier_build(preset)), "-t", "targets", "all"],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        return set()
    return {ligne.split(":", 1)[0] for ligne in r.stdout.splitlines() if ":" in ligne}


def liste_tests(preset: str) -> list[tuple[str, list[str]]]:
    """(nom, labels) de chaque test CTest du preset (configuré)."""
    r = subprocess.run(["ctest", "--test-dir", str(dossier_build(preset)), "--show-only=json-v1"],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        return []
    sortie = []
    for t in json.loads(r.stdout).get("tests", []):
        labels = []
        for prop in t.get("properties", []):
            if prop.get("name") == "LABELS":
                labels = list(prop.get("value", []))
        sortie.append((t["name"], labels))
    return sortie


def delais_tests(preset: str) -> dict[str, float]:
    """nom → délai (propriété TIMEOUT) de chaque test CTest du preset."""
    r = subprocess.run(["ctest", "--test-dir", str(dossier_build(preset)), "--show-only=json-v1"],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        return {}
    delais = {}
    for t in json.loads(r.stdout).get("tests", []):
        for prop in t.get("properties", []):
            if prop.get("name") == "TIMEOUT":
                try:
                    delais[t["name"]] = float(prop.get("value"))
                except (TypeError, ValueError):
                    pass
    return delais


def lancer_ctest(preset: str, junit: Path, args: list[str], log: Path | None = None,
                 ecran: bool = False, env: dict | None = None) -> int:
    """ctest --preset PRESET --output-junit JUNIT ARGS ; sortie dans log (et à l'écran si ecran)."""
    junit.parent.mkdir(parents=True, exist_ok=True)
    if junit.exists():
        junit.unlink()
    cmd = ["ctest", "--preset", preset, "-j", str(jobs()), "--output-junit", str(junit), *args]
    e = dict(os.environ, BOOST_TEST_COLOR_OUTPUT="no")
    if env:
        e.update(env)
    if not ecran:
        if log is None:
            return subprocess.run(cmd, cwd=RACINE, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                  env=e).returncode
        with open(log, "w", encoding="utf-8") as f:
            return subprocess.run(cmd, cwd=RACINE, stdout=f, stderr=subprocess.STDOUT, env=e).returncode
    with subprocess.Popen(cmd, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e,
                          text=True, errors="replace") as proc, \
            open(log or os.devnull, "w", encoding="utf-8") as f:
        assert proc.stdout is not None
        for ligne in proc.stdout:
            sys.stdout.write(ligne)
            sys.stdout.flush()
            f.write(ligne)
    return proc.returncode


def lignes_failed(log: Path) -> list[str]:
    try:
        return [l for l in log.read_text(encoding="utf-8", errors="replace").splitlines() if l.startswith("FAILED: ")]
    except OSError:
        return []


def erreurs_par_cible(log: Path, max_lignes: int = 12) -> dict[str, list[str]]:
    """Cible en échec (« test_ch03_mini_executor ») → sa première erreur, dans un journal de
    ninja -k 0 où plusieurs cibles échouent."""
    try:
        lignes = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    blocs: dict[str, list[str]] = {}
    cible = None
    for l in lignes:
        if l.startswith("FAILED: "):
            m = re.search(r"/CMakeFiles/([^/]+)\.dir/", l)
            cible = m.group(1) if m else l[8:].split()[0].rsplit("/", 1)[-1]
            blocs.setdefault(cible, [])
            continue
        if l.startswith(("[", "ninja: ")):
            cible = None
            continue
        if cible is not None:
            blocs[cible].append(l)
    return {c: premiere_erreur(lignes=b, max_lignes=max_lignes) for c, b in blocs.items()}


def premiere_erreur(log: Path | None = None, max_lignes: int = 12, lignes: list[str] | None = None) -> list[str]:
    """Les premières lignes d'erreur du compilateur dans un journal de ninja."""
    if lignes is None:
        try:
            lignes = log.read_text(encoding="utf-8", errors="replace").splitlines() if log else []
        except OSError:
            return []
    lignes = [re.sub(r"\x1b\[[0-9;]*m", "", l) for l in lignes]
    # Édition de liens : les « undefined reference » précèdent « ld returned 1 exit status ».
    liens = [l.replace(str(RACINE) + "/", "") for l in lignes if "undefined reference" in l or "multiple definition" in l]
    premiere_compil = next((i for i, l in enumerate(lignes) if re.search(r"(error|erreur)\s*:", l)
                            and "ld returned" not in l and not l.startswith("FAILED: ")), None)
    if liens and premiere_compil is None:
        return liens[:max_lignes]
    for i, l in enumerate(lignes):
        if re.search(r"(error|erreur)\s*:", l) and not l.startswith("FAILED: ") and "ninja:" not in l:
            # le contexte « In file included from / In function » juste avant, puis l'erreur
            debut = i
            while debut > 0 and re.search(r"(In file included from|^\s+from |In (member )?function|In instantiation|required from)", lignes[debut - 1]):
                debut -= 1
            bloc = []
            for j, l2 in enumerate(lignes[debut:]):
                if bloc and (l2.startswith(("FAILED: ", "ninja: ", "[")) or
                             (debut + j > i and re.search(r": (warning|error|erreur|attention)\s*:", l2)) or
                             (debut + j > i and re.search(r"(In file included from|In (member )?function)", l2))):
                    break
                bloc.append(l2.replace(str(RACINE) + "/", ""))
                if len(bloc) >= max_lignes:
                    break
            return bloc
    # pas de ligne « error: » (erreur d'édition de liens, par exemple) : la fin du journal
    return [l.replace(str(RACINE) + "/", "") for l in lignes if l.strip()][-max_lignes:]
