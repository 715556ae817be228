#!/usr/bin/env python3
"""Les mutants du cours : les erreurs que font les étudiants, face aux tests notés.

Un mutant est un patch des solutions (tests/mutants/NN-slug/<fichier>--<nom>.patch, format
dans tests/mutants/README.md) : une réponse fausse mais plausible, qui compile. Pour chacun,
ce script applique le patch à une copie de solutions/, construit le programme de tests de
l'exercice faussé (test_chNN_<exercice>) contre cette copie et lance ses tests
(ctest -L '^chNN-<exercice>$'). Un chapitre dont les tests ne portent pas le label de
l'exercice est traité en entier (ctest -L '^chNN$'). Verdicts :

    tué        au moins un test noté échoue : on nomme les tests qui l'ont vu ;
    survivant  tous les tests notés passent : ils ne savent pas voir cette erreur ;
    invalide   le patch ne s'applique pas, ou le code ne compile pas (premières erreurs).

Un seul dossier de build (défaut : build/mutants), configuré à chaque lancement (rapide),
construit de façon incrémentale : entre deux mutants, on ne remet en place que les fichiers
que le patch a touchés. Avant les mutants d'un chapitre, les tests sont lancés sur les
solutions intactes (la référence) : un test qui y échoue ne peut tuer aucun mutant.

    scripts/mutants.py                    # tous les mutants
    scripts/mutants.py 8 09               # ceux des chapitres 08 et 09
    scripts/mutants.py tests/mutants/08-erreurs/superviseur--x.patch   # un seul
    scripts/mutants.py --liste            # vérifie le format et liste, sans rien construire

Code de sortie : 0 si tous les mutants sont tués ; 1 si l'un survit, est invalide ou n'a pas
pu être évalué ; 2 pour une entrée incorrecte (format d'un patch, chapitre inconnu…).
Bibliothèque standard seule.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cours.notation import options_etudiant_sans_debogage  # noqa: E402

sys.dont_write_bytecode = True

# ─── Affichage ──────────────────────────────────────────────────────────────────────────────

COULEURS = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM", "dumb") != "dumb"


def _c(code):
    return f"\033[{code}m" if COULEURS else ""


GRAS, VERT, ROUGE, JAUNE, BLEU, PALE, RAZ = (_c(c) for c in ("1", "32", "31", "33", "34", "2", "0"))
COULEUR_VERDICT = {"tué": VERT, "survivant": ROUGE, "invalide": JAUNE, "non évalué": ROUGE}


def info(texte):
    print(f"{BLEU}▸{RAZ} {texte}", flush=True)


def attention(texte):
    print(f"{JAUNE}!{RAZ} {texte}", flush=True)


class ErreurEntree(Exception):
    """Une entrée incorrecte (format d'un patch, chapitre inconnu…) : code de sortie 2."""


def secondes(s):
    """12.345 → « 12,3 s » (virgule décimale, comme ./cours)."""
    return f"{s:.1f} s".replace(".", ",")


# ─── Les mutants ────────────────────────────────────────────────────────────────────────────

MOTIF_CHAPITRE = re.compile(r"^(\d\d)-[A-Za-z0-9_-]+$")
MOTIF_NOM = re.compile(r"^(?P<exercice>[A-Za-z0-9_.]+?)--(?P<nom>[A-Za-z0-9_-]+)\.patch$")


class Mutant:
    def __init__(self, chemin, slug, exercice, nom, description, fichiers):
        self.chemin = chemin          # Path du .patch
        self.slug = slug              # « 08-erreurs »
        self.numero = slug[:2]        # « 08 »
        self.exercice = exercice      # « superviseur »
        self.nom = nom                # « relance-une-fois-de-trop »
        self.description = description
        self.fichiers = fichiers      # chemins relatifs touchés : « solutions/08-erreurs/x.cpp »
        self.verdict = None
        self.tueurs = []              # tests qui l'ont tué
        self.erreur = []              # lignes qui expliquent un verdict « invalide »
        self.messages = {}            # test → premier message d'erreur de Boost.Test
        self.duree_build = 0.0
        self.duree_tests = 0.0

    @property
    def ident(self):
        return f"{self.slug}/{self.chemin.name}"


def lire_mutant(racine, chemin):
    """Lit et valide un fichier .patch ; lève ErreurEntree avec un message clair sinon."""
    slug = chemin.parent.name
    rel = chemin.relative_to(racine) if chemin.is_relative_to(racine) else chemin
    if not MOTIF_CHAPITRE.match(slug):
        raise ErreurEntree(f"{rel} : le dossier d'un mutant doit être tests/mutants/NN-slug/ "
                           f"(NN : numéro du chapitre), pas « {slug} »")
    if not (racine / "solutions" / slug).is_dir():
        raise ErreurEntree(f"{rel} : le chapitre {slug} n'existe pas (pas de dossier solutions/{slug}/)")
    if not (racine / "tests" / slug / "CMakeLists.txt").is_file():
        raise ErreurEntree(f"{rel} : le chapitre {slug} n'a pas de tests notés (tests/{slug}/CMakeLists.txt)")
    m = MOTIF_NOM.match(chemin.name)
    if not m:
        raise ErreurEntree(f"{rel} : nom attendu « <fichier d'exercice>--<nom-court>.patch » "
                           f"(ex. superviseur--relance-de-trop.patch)")
    exercice, nom = m.group("exercice"), m.group("nom")
    if not any(f.is_file() and f.name.split(".")[0] == exercice for f in (racine / "solutions" / slug).iterdir()):
        raise ErreurEntree(f"{rel} : aucun fichier solutions/{slug}/{exercice}.* : le nom d'un mutant "
                           f"commence par le nom (sans extension) du fichier d'exercice qu'il fausse")
    try:
        texte = chemin.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ErreurEntree(f"{rel} : le fichier n'est pas en UTF-8") from None
    lignes = texte.splitlines()
    if not lignes or not lignes[0].startswith("Description:") or not lignes[0][len("Description:"):].strip():
        raise ErreurEntree(f"{rel} : la première ligne doit être « Description: <l'erreur de l'étudiant, "
                           f"en une ligne> »")
    description = lignes[0][len("Description:"):].strip()
    if len(lignes) < 2 or lignes[1].strip():
        raise ErreurEntree(f"{rel} : une ligne vide doit suivre la ligne « Description: »")
    fichiers = []
    prefixe = f"solutions/{slug}/"
    for i, ligne in enumerate(lignes):
        if not (ligne.startswith("--- ") or ligne.startswith("+++ ")):
            continue
        if ligne.startswith("--- ") and i + 1 < len(lignes) and not lignes[i + 1].startswith("+++ "):
            continue  # une ligne retirée qui commence par « -- » : pas un en-tête
        chemin_diff = ligne[4:].split("\t")[0].strip()
        if chemin_diff == "/dev/null":
            continue
        if not (chemin_diff.startswith("a/") or chemin_diff.startswith("b/")):
            raise ErreurEntree(f"{rel}:{i + 1} : chemin « {chemin_diff} » : attendu a/{prefixe}… et "
                               f"b/{prefixe}… (patch -p1 depuis la racine du dépôt)")
        chemin_diff = chemin_diff[2:]
        if not chemin_diff.startswith(prefixe) or ".." in Path(chemin_diff).parts:
            raise ErreurEntree(f"{rel}:{i + 1} : le patch touche « {chemin_diff} », hors de {prefixe} : "
                               f"un mutant du chapitre {slug} ne fausse que ses solutions")
        if chemin_diff not in fichiers:
            fichiers.append(chemin_diff)
    if not fichiers or not any(l.startswith("@@ ") for l in lignes):
        raise ErreurEntree(f"{rel} : aucun diff unifié après la description (en-têtes « --- a/{prefixe}… », "
                           f"« +++ b/{prefixe}… » et blocs « @@ »)")
    return Mutant(chemin, slug, exercice, nom, description, fichiers)


def normaliser_chapitre(arg):
    """« 3 », « 03 », « 03-spawn » → « 03 » ; None si ce n'est pas un numéro."""
    m = re.match(r"^(\d{1,2})(-.*)?$", arg)
    return f"{int(m.group(1)):02d}" if m else None


def trouver_mutants(racine, selection):
    """Les mutants choisis (numéros de chapitre ou chemins de .patch), triés, validés."""
    dossier = racine / "tests" / "mutants"
    fichiers, numeros = [], []
    for arg in selection:
        if arg.endswith(".patch"):
            p = Path(arg)
            if not p.is_absolute():
                p = Path(os.environ.get("COURS_DOSSIER_APPEL", os.getcwd())) / p
            p = p.resolve()
            if not p.is_file():
                raise ErreurEntree(f"mutant introuvable : « {arg} »")
            fichiers.append(p)
            continue
        n = normaliser_chapitre(arg)
        if n is None:
            raise ErreurEntree(f"argument invalide : « {arg} » (un numéro de chapitre, ex. 08, ou un "
                               f"fichier .patch)")
        numeros.append(n)
    if numeros or not fichiers:
        if not dossier.is_dir():
            raise ErreurEntree(f"aucun mutant : le dossier {dossier.relative_to(racine)}/ n'existe pas")
        for d in sorted(dossier.iterdir()):
            if not d.is_dir():
                continue
            if not MOTIF_CHAPITRE.match(d.name):
                raise ErreurEntree(f"tests/mutants/{d.name}/ : un dossier de mutants s'appelle NN-slug, "
                                   f"comme le chapitre (ex. 08-erreurs)")
            if numeros and d.name[:2] not in numeros:
                continue
            autres = [f.name for f in d.iterdir() if f.is_file() and f.suffix != ".patch"]
            if autres:
                raise ErreurEntree(f"tests/mutants/{d.name}/ : fichiers qui ne sont pas des .patch : "
                                   f"{', '.join(sorted(autres))}")
            fichiers.extend(sorted(f.resolve() for f in d.glob("*.patch")))
        for n in numeros:
            if not any(f.parent.name[:2] == n for f in fichiers):
                raise ErreurEntree(f"aucun mutant pour le chapitre {n} (tests/mutants/{n}-*/*.patch)")
    if not fichiers:
        raise ErreurEntree("aucun mutant dans tests/mutants/NN-slug/*.patch")
    erreurs, mutants = [], []
    for f in dict.fromkeys(fichiers):
        try:
            mutants.append(lire_mutant(racine, f))
        except ErreurEntree as e:
            erreurs.append(str(e))
    if erreurs:
        raise ErreurEntree("\n".join(erreurs))
    mutants.sort(key=lambda m: (m.slug, m.chemin.name))
    return mutants


# ─── La copie des solutions ─────────────────────────────────────────────────────────────────

def synchroniser_copie(racine, copie):
    """copie/solutions devient identique à solutions/ ; un fichier déjà identique garde sa date
    (la compilation reste incrémentale), un fichier différent est recopié (nouvelle date)."""
    source, cible = racine / "solutions", copie / "solutions"
    cible.mkdir(parents=True, exist_ok=True)
    attendus = set()
    for f in source.rglob("*"):
        rel = f.relative_to(source)
        attendus.add(rel)
        d = cible / rel
        if f.is_dir():
            d.mkdir(parents=True, exist_ok=True)
        elif not d.is_file() or d.read_bytes() != f.read_bytes():
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, d)
    for d in sorted(cible.rglob("*"), reverse=True):
        if d.relative_to(cible) not in attendus:
            shutil.rmtree(d) if d.is_dir() else d.unlink()


def remettre_en_place(racine, copie, fichiers):
    """Remet dans la copie les fichiers qu'un patch a touchés (ou créés) tels que dans solutions/."""
    for rel in fichiers:
        origine, d = racine / rel, copie / rel
        if origine.is_file():
            if not d.is_file() or d.read_bytes() != origine.read_bytes():
                shutil.copyfile(origine, d)
        elif d.exists():
            d.unlink()
        for suffixe in (".orig", ".rej"):
            if Path(str(d) + suffixe).exists():
                Path(str(d) + suffixe).unlink()


def appliquer(mutant, copie):
    """Applique le patch à la copie ; (réussi, lignes de sortie de patch)."""
    commande = ["patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch", "-r", "-", "-d", str(copie),
                "-i", str(mutant.chemin)]
    essai = subprocess.run(commande + ["--dry-run"], capture_output=True, text=True)
    if essai.returncode != 0:
        return False, (essai.stdout + essai.stderr).splitlines()
    r = subprocess.run(commande, capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).splitlines()


# ─── CMake, ninja, ctest ────────────────────────────────────────────────────────────────────

class Build:
    def __init__(self, racine, dossier, copie, jobs, jobs_tests, plafond, ccache, journaux, cache):
        self.racine, self.dossier, self.copie = racine, dossier, copie
        self.jobs, self.plafond, self.ccache, self.journaux = jobs, plafond, ccache, journaux
        self.jobs_tests = jobs_tests
        self.echec_runtime = False  # la dernière construction a échoué dans runtime/
        self.env = dict(os.environ, BOOST_TEST_COLOR_OUTPUT="no", CLICOLOR_FORCE="0")
        if ccache:
            # Un cache propre aux mutants : il sert quand un fichier revient à son contenu
            # d'origine (le mutant suivant), et ne touche pas au cache de l'utilisateur.
            self.env.setdefault("CCACHE_DIR", str(cache))
            self.env.setdefault("CCACHE_MAXSIZE", "2G")

    def configurer(self):
        commande = ["cmake", "--preset", "default", "-B", str(self.dossier),
                    f"-DCOURS_DOSSIER_SOLUTIONS={self.copie / 'solutions'}", "-DCOURS_BENCH=OFF",
                    "-DCOURS_TESTS=ON", "-DCOURS_CHAPITRES=ON",
                    # Les options avec lesquelles ./cours noter compile les copies (celles du
                    # preset etudiant, sans -g) : un mutant est tué comme une copie est notée.
                    *options_etudiant_sans_debogage(self.racine)]
        if self.ccache:
            commande.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={self.ccache}")
        else:
            commande.append("-UCMAKE_CXX_COMPILER_LAUNCHER")
        r = subprocess.run(commande, cwd=self.racine, capture_output=True, text=True, env=self.env)
        (self.journaux / "configuration.log").write_text(r.stdout + r.stderr, encoding="utf-8")
        if r.returncode != 0:
            lignes = (r.stdout + r.stderr).splitlines()
            raise ErreurEntree("la configuration CMake a échoué :\n" + "\n".join("    " + l for l in lignes[-25:]))

    def tests_du_chapitre(self, numero, label=None):
        """Les tests notés du chapitre (label chNN), ou ceux d'un label donné (chNN-<exercice>) :
        {nom: exécutable}."""
        label = label or f"ch{numero}"
        r = subprocess.run(["ctest", "--test-dir", str(self.dossier), "-L", f"^{label}$",
                            "--show-only=json-v1"], capture_output=True, text=True, env=self.env)
        if r.returncode != 0:
            raise ErreurEntree(f"ctest --show-only a échoué pour {label} :\n{r.stderr}")
        noms = [t["name"] for t in json.loads(r.stdout).get("tests", [])]
        # ctest ne donne la commande que si l'exécutable existe déjà : on la lit dans les
        # CTestTestfile.cmake générés (add_test([=[nom]=] "exécutable" …)).
        commandes = {}
        for f in self.dossier.rglob("CTestTestfile.cmake"):
            for m in re.finditer(r'^add_test\(\[=\[(.+?)\]=\] "([^"]+)"', f.read_text(encoding="utf-8"), re.M):
                commandes[m.group(1)] = m.group(2)
        return {nom: commandes.get(nom, "") for nom in noms}

    def cibles_ninja(self):
        r = subprocess.run(["ninja", "-C", str(self.dossier), "-t", "targets", "all"],
                           capture_output=True, text=True)
        return {l.split(":")[0] for l in r.stdout.splitlines() if ":" in l}

    def construire(self, cibles, journal):
        """Construit les cibles ; (réussi, premières lignes d'erreur)."""
        r = subprocess.run(["cmake", "--build", str(self.dossier), "-j", str(self.jobs), "--target", *cibles],
                           capture_output=True, text=True, env=self.env)
        sortie = r.stdout + r.stderr
        journal.write_text(sortie, encoding="utf-8")
        self.echec_runtime = bool(re.search(r"^FAILED: runtime/", sortie, re.M))
        if r.returncode == 0:
            return True, []
        return False, premieres_erreurs(sortie, self.copie)

    def plafonner_delais(self):
        """Ramène le délai (TIMEOUT) de chaque test à au plus `plafond` secondes :
        « ctest --timeout » ne vaut que pour les tests sans délai propre. Un mutant qui bloque
        doit être arrêté par le chien de garde du test, bien avant ; ceci est un filet."""
        for f in self.dossier.rglob("CTestTestfile.cmake"):
            texte = f.read_text(encoding="utf-8")

            def plafonner(m):
                return f'TIMEOUT "{min(float(m.group(1)), self.plafond):g}"'

            nouveau = re.sub(r'TIMEOUT "([0-9.]+)"', plafonner, texte)
            if nouveau != texte:
                f.write_text(nouveau, encoding="utf-8")

    def lancer_tests(self, label, junit, journal, ntests):
        """Lance ctest -L '^<label>$' (chNN ou chNN-<exercice>) ; {test: (réussi, message)} lu
        dans le JUnit, None si illisible."""
        self.plafonner_delais()
        if junit.exists():
            junit.unlink()
        # Filet de sécurité au-delà des délais de chaque test (ctest lui-même bloqué).
        limite = self.plafond * (ntests // max(1, self.jobs_tests) + 2) + 60
        commande = ["ctest", "--test-dir", str(self.dossier), "-L", f"^{label}$", "-j", str(self.jobs_tests),
                    "--timeout", str(self.plafond), "--output-junit", str(junit)]
        try:
            r = subprocess.run(commande, capture_output=True, text=True, env=self.env, timeout=limite)
            journal.write_text(r.stdout + r.stderr, encoding="utf-8")
        except subprocess.TimeoutExpired:
            journal.write_text(f"ctest arrêté au bout de {limite} s\n", encoding="utf-8")
            return None
        return lire_junit(junit)


def premieres_erreurs(sortie, copie, n=12):
    """Les premières lignes utiles d'une compilation ratée (à partir de la première erreur)."""
    lignes = [l.replace(str(copie) + "/", "") for l in sortie.splitlines()]
    for i, l in enumerate(lignes):
        if re.search(r"(error|erreur)\s*:|undefined reference|ld returned", l):
            debut = i
            # Remonter à « In file included… » / « In function… » qui précèdent l'erreur.
            while debut > 0 and re.match(r"^(In file included|\s+from |.*: In (member )?function|.*: In instantiation)",
                                         lignes[debut - 1]):
                debut -= 1
            return lignes[debut:debut + n]
    echecs = [i for i, l in enumerate(lignes) if l.startswith("FAILED:")]
    return lignes[echecs[0]:echecs[0] + n] if echecs else lignes[-n:]


def lire_junit(chemin):
    """{nom du test: (réussi, premier message d'erreur)} d'après le JUnit de ctest."""
    try:
        racine = ET.parse(chemin).getroot()
    except (OSError, ET.ParseError):
        return None
    resultats = {}
    for cas in racine.iter("testcase"):
        nom = cas.get("name", "")
        reussi = cas.get("status") == "run" and cas.find("failure") is None
        message = ""
        if not reussi:
            sortie = cas.findtext("system-out") or ""
            for l in sortie.splitlines():
                if 'error: in "' in l or "fatal error" in l or "Timeout" in l or "exception" in l:
                    message = l.strip()
                    break
            if not message:
                echec = cas.find("failure")
                statut = cas.get("status", "")
                message = (echec.get("message", "") if echec is not None else "") or f"statut {statut}"
        resultats[nom] = (reussi, message)
    return resultats


# ─── Le déroulement ─────────────────────────────────────────────────────────────────────────

def chercher_ccache(choix):
    if choix == "non":
        return None
    chemin = shutil.which("ccache")
    if choix == "oui" and not chemin:
        raise ErreurEntree("--ccache oui : ccache est introuvable (sudo apt-get install ccache)")
    return chemin


class Compteur:
    """L'avancement partagé entre les travailleurs : « [k/total] » et l'affichage sans mélange."""

    def __init__(self, total):
        self.total, self.fait, self.verrou = total, 0, threading.Lock()

    def afficher(self, m, duree):
        with self.verrou:
            self.fait += 1
            detail = ""
            if m.verdict == "tué":
                detail = f" ({len(m.tueurs)} test(s) : {', '.join(m.tueurs[:3])}{'…' if len(m.tueurs) > 3 else ''})"
            print(f"  [{self.fait}/{self.total}] {m.numero} {m.exercice}--{m.nom} : "
                  f"{COULEUR_VERDICT.get(m.verdict, '')}{m.verdict}{RAZ}{detail} {PALE}{secondes(duree)}{RAZ}", flush=True)
            if m.verdict == "invalide":
                for l in m.erreur:
                    print(f"      {PALE}{l}{RAZ}")


def evaluer_chapitre(build, slug, liste, compteur, problemes):
    """La référence du chapitre, puis chacun de ses mutants, dans le dossier de `build`."""
    racine, dossier, copie = build.racine, build.dossier, build.copie
    numero = slug[:2]
    tests = build.tests_du_chapitre(numero)
    if not tests:
        raise ErreurEntree(f"le chapitre {slug} n'a aucun test noté (label ch{numero})")
    connues = build.cibles_ninja()

    def cibles_de(tests):
        return sorted({os.path.relpath(exe, dossier) for exe in tests.values()
                       if exe and os.path.relpath(exe, dossier) in connues})

    cibles = cibles_de(tests)
    if not cibles:
        raise ErreurEntree(f"ch{numero} : aucun exécutable de test construit par ninja (cibles introuvables)")
    # Un programme par exercice (test_chNN_<exercice>, label chNN-<exercice>) : chaque mutant ne
    # reconstruit et ne relance que celui de l'exercice qu'il fausse. Sans ce label (chapitre à
    # un seul programme), tout le chapitre, comme avant.
    par_exercice = {}
    for exercice in sorted({m.exercice for m in liste}):
        label = f"ch{numero}-{exercice}"
        tests_ex = build.tests_du_chapitre(numero, label)
        cibles_ex = cibles_de(tests_ex)
        par_exercice[exercice] = (label, tests_ex, cibles_ex) if tests_ex and cibles_ex else \
            (f"ch{numero}", tests, cibles)
    jc = build.journaux / slug
    jc.mkdir(exist_ok=True)

    # La référence : les solutions intactes passent-elles les tests notés ?
    info(f"Chapitre {slug} : {len(liste)} mutant(s), {len(tests)} tests notés "
         f"({', '.join(Path(c).name for c in cibles)}) ; référence (solutions intactes)…")
    t0 = time.monotonic()
    ok, erreurs = build.construire(cibles, jc / "reference-compilation.log")
    reference = None
    if not ok:
        probleme = f"ch{numero} : les solutions intactes ne compilent pas :\n" + "\n".join("      " + l for l in erreurs)
    else:
        reference = build.lancer_tests(f"ch{numero}", jc / "reference.xml", jc / "reference-tests.log", len(tests))
        probleme = None if reference is not None else \
            f"ch{numero} : ctest n'a pas produit de résultats sur les solutions intactes"
    if probleme:
        problemes.append(probleme)
        attention(probleme)
        for m in liste:
            m.verdict, m.erreur = "non évalué", [probleme.splitlines()[0]]
            compteur.afficher(m, 0)
        return
    exclus = {t for t, (reussi, _) in reference.items() if not reussi}
    if exclus:
        problemes.append(f"ch{numero} : tests en échec sur les solutions intactes (ignorés pour les verdicts) : "
                         + ", ".join(sorted(exclus)))
        attention(problemes[-1])
    info(f"  ch{numero} : référence prête en {secondes(time.monotonic() - t0)}")

    for m in liste:
        base = jc / m.chemin.stem
        t0 = time.monotonic()
        applique, sortie = appliquer(m, copie)
        if not applique:
            m.verdict = "invalide"
            m.erreur = ["le patch ne s'applique pas aux solutions actuelles :"] + sortie[:8]
        else:
            label, tests_m, cibles_m = par_exercice[m.exercice]
            ok, erreurs = build.construire(cibles_m, Path(str(base) + "-compilation.log"))
            m.duree_build = time.monotonic() - t0
            if not ok:
                entete = "ne compile pas :"
                if build.echec_runtime:  # un mutant ne touche pas runtime/ : le dépôt a changé en route
                    entete = "ne compile pas (l'erreur est dans runtime/, pas dans le mutant : le dépôt a-t-il changé ?) :"
                m.verdict, m.erreur = "invalide", [entete] + erreurs
            else:
                t1 = time.monotonic()
                res = build.lancer_tests(label, Path(str(base) + ".xml"),
                                         Path(str(base) + "-tests.log"), len(tests_m))
                m.duree_tests = time.monotonic() - t1
                if res is None:
                    m.verdict, m.erreur = "invalide", ["ctest n'a pas produit de résultats (bloqué ?)"]
                else:
                    m.tueurs = sorted(t for t, (reussi, _) in res.items() if not reussi and t not in exclus)
                    m.messages = {t: res[t][1] for t in m.tueurs}
                    m.verdict = "tué" if m.tueurs else "survivant"
        remettre_en_place(racine, copie, m.fichiers)
        compteur.afficher(m, time.monotonic() - t0)


def repartir(par_chapitre, n):
    """Répartit les chapitres entre n travailleurs, les plus gros d'abord (chaque chapitre n'est
    construit que par un seul travailleur)."""
    lots = [[] for _ in range(n)]
    charges = [0] * n
    for slug in sorted(par_chapitre, key=lambda s: -len(par_chapitre[s])):
        i = charges.index(min(charges))
        lots[i].append(slug)
        charges[i] += len(par_chapitre[slug])
    return [sorted(lot) for lot in lots if lot]


def evaluer(racine, mutants, args):
    dossier = Path(args.build)
    if not dossier.is_absolute():
        dossier = racine / dossier
    if not shutil.which("patch"):
        raise ErreurEntree("la commande « patch » est introuvable (sudo apt-get install patch)")
    ccache = chercher_ccache(args.ccache)
    debut = time.monotonic()
    par_chapitre = {}
    for m in mutants:
        par_chapitre.setdefault(m.slug, []).append(m)
    lots = repartir(par_chapitre, max(1, min(args.paralleles, len(par_chapitre))))
    # Chaque travailleur a son dossier DOSSIER/1, DOSSIER/2… : sa copie des solutions et son
    # build, configuré à chaque lancement, construit de façon incrémentale. Les compilations se
    # partagent les --jobs ; les tests, qui attendent plus qu'ils ne calculent (chiens de garde,
    # échanges réseau), en lancent --jobs à la fois dans chaque travailleur.
    jobs = max(1, args.jobs // len(lots))
    builds = []
    for i, lot in enumerate(lots):
        d = dossier / str(i + 1)
        (d / "journaux").mkdir(parents=True, exist_ok=True)
        builds.append(Build(racine, d, d / "copie", jobs, args.jobs, args.timeout, ccache, d / "journaux",
                            dossier / "ccache"))
    nom = os.path.relpath(dossier, racine)
    info(f"{len(mutants)} mutant(s) de {len(par_chapitre)} chapitre(s) ; build : {nom}"
         + (f" ({len(lots)} travailleurs : {' | '.join(' '.join(s[:2] for s in lot) for lot in lots)})"
            if len(lots) > 1 else "") + f" ; ccache : {'oui' if ccache else 'non'}")
    problemes = []
    compteur = Compteur(len(mutants))

    def travailleur(build, lot):
        synchroniser_copie(racine, build.copie)
        try:
            build.configurer()
            for slug in lot:
                evaluer_chapitre(build, slug, par_chapitre[slug], compteur, problemes)
        finally:
            # La copie redevient celle des solutions (filet si un patch a créé autre chose
            # que ce qu'annonçaient ses en-têtes, ou si l'on s'est arrêté en route).
            synchroniser_copie(racine, build.copie)

    if len(builds) == 1:
        travailleur(builds[0], lots[0])
    else:
        with concurrent.futures.ThreadPoolExecutor(len(builds)) as ex:
            futurs = [ex.submit(travailleur, b, lot) for b, lot in zip(builds, lots)]
            for f in futurs:
                f.result()
    return problemes, time.monotonic() - debut, dossier


def tableau(mutants):
    lignes = [("Ch.", "Exercice", "Mutant", "Verdict", "Tests qui l'ont tué / raison")]
    for m in mutants:
        raison = ", ".join(m.tueurs) if m.verdict == "tué" else (m.erreur[0] if m.erreur else "")
        if m.verdict == "survivant":
            raison = "tous les tests notés passent"
        lignes.append((m.numero, m.exercice, m.nom, m.verdict, raison))
    largeurs = [max(len(l[i]) for l in lignes) for i in range(4)]
    sortie = []
    for k, l in enumerate(lignes):
        cellules = [l[i].ljust(largeurs[i]) for i in range(4)]
        if k == 0:
            sortie.append(GRAS + "  ".join(cellules) + "  " + l[4] + RAZ)
            continue
        m = mutants[k - 1]
        cellules[3] = COULEUR_VERDICT.get(m.verdict, "") + cellules[3] + RAZ
        sortie.append("  ".join(cellules) + "  " + l[4])
        sortie.append(" " * (largeurs[0] + 2) + PALE + "« " + m.description + " »" + RAZ)
    return "\n".join(sortie)


def ecrire_bilan(dossier, mutants, duree, problemes):
    donnees = {
        "duree_s": round(duree, 1),
        "problemes": problemes,
        "mutants": [{
            "chapitre": m.slug, "exercice": m.exercice, "mutant": m.nom, "fichier": m.ident,
            "description": m.description, "verdict": m.verdict, "tueurs": m.tueurs,
            "messages": m.messages, "erreur": m.erreur,
            "duree_compilation_s": round(m.duree_build, 1), "duree_tests_s": round(m.duree_tests, 1),
        } for m in mutants],
    }
    (dossier / "mutants.json").write_text(json.dumps(donnees, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with open(dossier / "mutants.tsv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        # Les tests tueurs en dernier : seule colonne qui peut être vide.
        w.writerow(["chapitre", "exercice", "mutant", "verdict", "description", "tueurs"])
        for m in mutants:
            w.writerow([m.numero, m.exercice, m.nom, m.verdict, m.description, " ".join(m.tueurs)])


def principal(argv=None):
    p = argparse.ArgumentParser(
        prog="scripts/mutants.py",
        description="Construit les tests notés contre chaque mutant (tests/mutants/NN-slug/*.patch) "
                    "et dit s'il est tué, survivant ou invalide.")
    p.add_argument("selection", nargs="*", metavar="NN|FICHIER.patch",
                   help="chapitres (8, 08, 08-erreurs) ou mutants à évaluer (défaut : tous)")
    p.add_argument("--build", default="build/mutants", help="dossier de build (défaut : build/mutants)")
    p.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("COURS_JOBS", "2") or 2),
                   help="compilations et tests en parallèle (défaut : $COURS_JOBS ou 2)")
    p.add_argument("--paralleles", type=int, default=None,
                   help="travailleurs (un dossier de build chacun, des chapitres différents) ; "
                        "défaut : 2 si --jobs vaut au moins 2, sinon 1")
    p.add_argument("--timeout", type=float, default=20,
                   help="délai maximal de chaque test, en secondes (défaut : 20)")
    p.add_argument("--ccache", choices=("auto", "oui", "non"), default="auto",
                   help="compiler avec ccache (auto : s'il est installé)")
    p.add_argument("--liste", action="store_true", help="vérifie le format des mutants et les liste, sans construire")
    p.add_argument("--racine", default=str(Path(__file__).resolve().parent.parent),
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.paralleles is None:
        args.paralleles = 2 if args.jobs >= 2 else 1
    if args.jobs < 1 or args.timeout <= 0 or args.paralleles < 1:
        p.error("--jobs, --paralleles et --timeout doivent être positifs")
    racine = Path(args.racine).resolve()
    try:
        mutants = trouver_mutants(racine, args.selection)
        if args.liste:
            for m in mutants:
                print(f"{m.numero}  {m.exercice:<20} {m.nom:<32} {m.description}")
            print(f"{len(mutants)} mutant(s) au bon format.")
            return 0
        problemes, duree, dossier = evaluer(racine, mutants, args)
    except ErreurEntree as e:
        print(f"{ROUGE}{GRAS}erreur :{RAZ} " + str(e).replace("\n", "\n  "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrompu : la copie des solutions sera remise en état au prochain lancement.", file=sys.stderr)
        return 130

    print(f"\n{GRAS}Mutants du cours{RAZ}\n")
    print(tableau(mutants))
    ecrire_bilan(dossier, mutants, duree, problemes)
    compte = {v: sum(1 for m in mutants if m.verdict == v) for v in ("tué", "survivant", "invalide", "non évalué")}
    evalues = [m for m in mutants if m.verdict in ("tué", "survivant")]
    print()
    for pb in problemes:
        attention(pb)
    moyenne = sum(m.duree_build + m.duree_tests for m in evalues) / len(evalues) if evalues else 0
    info(f"{len(mutants)} mutant(s) en {secondes(duree)} (en moyenne {secondes(moyenne)} par mutant : "
         f"compilation incrémentale et tests) ; bilan : "
         f"{os.path.relpath(dossier / 'mutants.json', racine)} et mutants.tsv")
    resume = ", ".join(f"{n} {v}{'s' if n > 1 else ''}" for v, n in compte.items() if n)
    if compte["tué"] == len(mutants) and not problemes:
        print(f"{VERT}✔{RAZ} Tous les mutants sont tués ({resume}).")
    else:
        print(f"{ROUGE}✘{RAZ} Mutants : {resume}" + (" ; voir les problèmes ci-dessus." if problemes else "."))
    print(f"mutants: {compte['tué']} killed, {len(mutants) - compte['tué']} not killed")
    return 0 if compte["tué"] == len(mutants) and not problemes else 1


if __name__ == "__main__":
    sys.exit(principal())
