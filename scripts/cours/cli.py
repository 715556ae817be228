"""./cours — l'outil en ligne de commande du cours (après l'amorce bash, qui installe les paquets).

Chaque commande est une fonction cmd_<nom>(args) ; les erreurs pour l'utilisateur sont des
Erreur (message en français, code de sortie non nul).
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import evaluation, indices, junit, manifeste, outils
from .affichage import (BLEU, CYAN, GRAS, JAUNE, PALE, RAZ, ROUGE, VERT, Erreur, attention, decimal,
                        duree, erreur, executer, info, ko, ok, p, titre)
from .outils import RACINE

DOSSIER_APPEL = Path(os.environ.get("COURS_DOSSIER_APPEL", os.getcwd()))


# ─── Arguments : argparse, messages en français ────────────────────────────────────────────

class Analyseur(argparse.ArgumentParser):
    def __init__(self, commande: str, usage: str):
        super().__init__(prog=f"./cours {commande}", usage=usage, add_help=False)
        self.commande = commande

    def error(self, message: str):  # type: ignore[override]
        traductions = [
            ("unrecognized arguments: ", "argument(s) en trop : "),
            ("the following arguments are required: ", "il manque : "),
            ("expected one argument", "attend une valeur"),
            ("invalid choice: ", "choix invalide : "),
            ("invalid int value: ", "entier invalide : "),
            ("argument ", "option "),
        ]
        for en, fr in traductions:
            message = message.replace(en, fr)
        raise Erreur(f"« {self.commande} » : {message}\nusage : {self.usage}", code=2)


def analyser(commande: str, usage: str, args: list[str], definir) -> argparse.Namespace:
    a = Analyseur(commande, usage)
    definir(a)
    return a.parse_args(args)


def charger_cours() -> manifeste.Cours:
    try:
        return manifeste.charger(RACINE)
    except manifeste.ManifesteInvalide as e:
        raise Erreur(str(e)) from None


def chapitre_demande(cours: manifeste.Cours, texte: str, pour: str = "") -> manifeste.Chapitre:
    numero = manifeste.normaliser_numero(texte)
    if numero is None:
        raise Erreur(f"numéro de chapitre invalide : « {texte} ».")
    c = cours.chapitre(numero)
    if c is None:
        raise Erreur(f"pas de chapitre {numero} dans ce cours (voir « ./cours liste »).")
    return c


def exercice_demande(c: manifeste.Chapitre, texte: str, commande: str) -> manifeste.Exercice:
    e = c.exercice(texte)
    if e is not None:
        return e
    ids = [x.id for x in c.exercices]
    proches = difflib.get_close_matches(texte, ids, n=1, cutoff=0.6)
    suite = ""
    if proches:
        suite = f"Vouliez-vous dire « ./cours {commande} {c.numero} {proches[0]} » ?\n"
    if ids:
        suite += f"Les exercices du chapitre {c.numero} : {', '.join(ids)}."
    else:
        suite += f"Le chapitre {c.numero} n'a pas encore d'exercice."
    raise Erreur(f"pas d'exercice « {texte} » au chapitre {c.numero}.", suite=suite)


# ─── aide ────────────────────────────────────────────────────────────────────────────────

def cmd_aide(args: list[str]) -> int:
    p(f"""{GRAS}cours{RAZ} — l'outil du cours « tokio::spawn en C++ »

{GRAS}Pour commencer{RAZ}
  ./cours demo                 installe ce qui manque, compile et fait la visite guidée des exemples
  ./cours test [--preset P]    compile et lance tous les tests contre les solutions (P : default, clang, asan, tsan)

{GRAS}Étudiant{RAZ}
  ./cours verifier NN [EX]     vérifie vos exercices du chapitre NN (ou le seul exercice EX), test par test
  ./cours indice NN EX         affiche le niveau d'indice suivant de l'exercice EX (l'idée, l'API, le code)
  ./cours indice NN EX --etape K
                               relit les indices déjà affichés de l'étape K
  ./cours liste [--lancer]     l'état de chaque exercice (points, ok, échec, ne compile pas)
  ./cours suivre NN [EX]       revérifie à chaque enregistrement d'un fichier (Ctrl-C pour sortir)
  ./cours reinitialiser NN EX [--oui]
                               remet les fichiers de l'exercice EX tels que livrés (après confirmation)
  ./cours progression          tests réussis et TODO restants, chapitre par chapitre

{GRAS}Enseignant{RAZ}
  ./cours noter [--copie DIR…] note les exercices de ce dépôt, ou des copies d'étudiants (tableau, CSV, JUnit ;
                               « ./cours noter --help »)
  ./cours modele-etudiant DIR  le dépôt modèle des étudiants, sans les solutions (GitHub Classroom)
  ./cours autocontrole         contrôle du cours : exercices avec TODO à zéro point, solutions et exemples qui passent
  ./cours autocontrole --mutants [NN…]
                               … puis chaque mutant de tests/mutants (erreur d'étudiant) doit être tué par les tests notés
  ./cours autocontrole --mutants-seulement [NN…]
                               seulement les mutants (tous, ou ceux des chapitres NN) : tué, survivant ou invalide
  ./cours manifeste [--verifier]
                               régénère (ou vérifie) les tests de cours.toml d'après CTest
  ./cours readme [--verifier]  régénère (ou vérifie) le plan des chapitres de README.fr.md

{GRAS}Divers{RAZ}
  ./cours bench                compile en Release et lance les benchmarks (bench/)
  ./cours trace PROG [ARGS…]   lance PROG avec RT_TRACE et dessine la frise de ses tâches (HTML hors ligne)
  ./cours trace --json F.json  dessine la frise d'une trace déjà écrite (build/traces/F.html)
  ./cours docs [--strict]      génère la documentation Doxygen (HTML, en français ; --strict : zéro avertissement)
  ./cours diapos [--verifier]  rend les diapositives en HTML (Marp)
  ./cours installer [--tout]   installe les paquets Debian nécessaires (--tout : aussi clang, doxygen, wrk, chromium…)
  ./cours nettoyer             supprime le dossier build/
  ./cours aide                 cette aide

Variables : COURS_JOBS (parallélisme, défaut 2), COURS_SANS_INSTALLATION=1 (jamais d'apt-get), NO_COLOR=1.""")
    return 0


# ─── demo ────────────────────────────────────────────────────────────────────────────────

def visite(cours: manifeste.Cours, preset: str = "default") -> int:
    tsv = outils.dossier_build(preset) / "tour.tsv"
    if not tsv.is_file():
        raise Erreur(f"{outils.relatif(tsv)} introuvable : la configuration n'a pas produit la liste des exemples.")
    debut = time.monotonic()
    precedent = None
    n = 0
    echoues = []
    a_faire = []  # exemples compilés avec un exercice pas encore fait (dépôt des étudiants)
    for ligne in tsv.read_text(encoding="utf-8").splitlines():
        champs = ligne.split("\t")
        if len(champs) < 3 or not champs[1]:
            continue
        slug, exe, args_ = champs[0], champs[1], champs[2]
        titre_ex = champs[3] if len(champs) > 3 and champs[3] else Path(exe).name
        exercice = champs[4] if len(champs) > 4 else ""
        numero = slug[:2] if slug[:2].isdigit() else ""
        if numero != precedent:
            c = cours.chapitre(numero) if numero else None
            nom = c.titre if c else slug[3:]
            p(f"\n{GRAS}{CYAN}── Chapitre {numero} — {nom} ──{RAZ}")
            precedent = numero
        n += 1
        rel = outils.relatif(exe)
        p(f"\n{GRAS}▶ {titre_ex}{RAZ}")
        p(f"  {PALE}$ {rel}{' ' + args_ if args_ else ''}{RAZ}")
        t0 = time.monotonic()
        if not os.access(exe, os.X_OK):
            p("  │ (exécutable introuvable : la compilation a-t-elle échoué ?)")
            rc = 127
        else:
            cmd = ["timeout", "--foreground", "-k", "5", "60", "stdbuf", "-oL", "-eL", exe, *args_.split()]
            with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, errors="replace") as proc:
                assert proc.stdout is not None
                for l in proc.stdout:
                    p(f"  │ {l.rstrip(chr(10))}")
            rc = proc.returncode
        if rc == 0:
            p(f"  {VERT}✔ terminé en {duree(time.monotonic() - t0)}{RAZ}")
        elif preset == "etudiant" and exercice:
            commande = f"./cours verifier {numero} {exercice}"
            p(f"  {JAUNE}! {'arrêté au bout de 60 s' if rc == 124 else f'code de sortie {rc}'} : cet "
              f"exemple est compilé avec votre exercice « {exercice} » ; il marchera quand "
              f"« {commande} » passera.{RAZ}")
            a_faire.append(commande)
        else:
            p(f"  {ROUGE}✘ {'arrêté au bout de 60 s' if rc == 124 else f'code de sortie {rc}'}{RAZ}")
            echoues.append(rel)
    p()
    if n == 0:
        attention("Aucun exemple à montrer pour l'instant.")
        return 0
    if a_faire:
        attention(f"{len(a_faire)} exemple(s) attendent vos exercices : " + ", ".join(f"« {c} »" for c in a_faire))
    if echoues:
        ko(f"{len(echoues)} exemple(s) sur {n} ont échoué : {' '.join(echoues)}")
        return 1
    if a_faire:
        ok(f"Visite terminée : {n - len(a_faire)} exemples sur {n} réussis en "
           f"{duree(time.monotonic() - debut)} ; les autres attendent vos exercices.")
        return 0
    ok(f"Visite terminée : {n} exemples, tous réussis, en {duree(time.monotonic() - debut)}.")
    return 0


def sans_solutions() -> bool:
    """Vrai dans le dépôt modèle des étudiants (./cours modele-etudiant) : pas de solutions/."""
    return not (RACINE / "solutions").is_dir()


def exiger_solutions(commande: str) -> None:
    if sans_solutions():
        raise Erreur(f"« {commande} » compile les solutions (dossier solutions/), absentes de ce "
                     "dépôt d'étudiant. Vos exercices : « ./cours verifier NN » ou « ./cours liste ».")


def cmd_demo(args: list[str]) -> int:
    if args:
        raise Erreur("« demo » ne prend pas d'argument.")
    cours = charger_cours()
    # Dans le dépôt des étudiants (sans solutions/), les exemples sont compilés avec VOS
    # exercices (preset « etudiant ») : ceux qui les utilisent ne réussissent qu'une fois faits.
    preset = "etudiant" if sans_solutions() else "default"
    titre("Compilation du cours")
    if preset == "etudiant":
        attention("Pas de solutions/ ici : les exemples sont compilés avec vos exercices ; ceux "
                  "qui s'en servent (chapitres 11 et 13) attendent que vous les ayez faits.")
    outils.configurer(preset)
    # La visite n'a besoin que des exemples : on ne compile que les dossiers chapters/NN-*/.
    cibles = sorted(c for c in outils.cibles_ninja(preset)
                    if c.startswith("chapters/") and c.endswith("/all") and c.count("/") == 2)
    if outils.construire(preset, cibles or None) != 0:
        raise Erreur("la compilation a échoué (voir les erreurs ci-dessus).")
    ok("Compilation terminée.")
    titre("Visite guidée : les exemples de chaque chapitre")
    if visite(cours, preset) != 0:
        return 1
    p()
    info("Étape suivante : « ./cours test » lance tous les tests ; la leçon du chapitre 1 est dans chapters/01-pourquoi-async/README.md.")
    return 0


# ─── test ────────────────────────────────────────────────────────────────────────────────

def groupe(nom: str) -> str:
    return nom.split(".", 1)[0]


def cmd_test(args: list[str]) -> int:
    a = analyser("test", "./cours test [--preset P]", args,
                 lambda x: x.add_argument("--preset", default="default"))
    preset = a.preset
    exiger_solutions("./cours test")
    if preset == "etudiant":
        raise Erreur("pour vos exercices, utilisez « ./cours verifier NN » ou « ./cours progression ».")
    if preset == "release":
        raise Erreur("le preset « release » ne construit pas les tests : utilisez « ./cours bench ».")
    if not outils.preset_existe(preset):
        raise Erreur(f"preset inconnu : « {preset} » (voir CMakePresets.json).")
    titre(f"Compilation (preset « {preset} »)")
    outils.configurer(preset)
    if outils.construire(preset) != 0:
        raise Erreur("la compilation a échoué (voir les erreurs ci-dessus).")
    titre(f"Tests contre les solutions (ctest --preset {preset})")
    junit_f = outils.journal(f"tests-{preset}.xml")
    rc = outils.lancer_ctest(preset, junit_f, [], log=outils.journal(f"tests-{preset}.log"), ecran=True)
    resultats = junit.lire(junit_f)
    titre("Résumé")
    groupes: dict[str, list[int]] = {}
    for r in resultats.values():
        g = groupes.setdefault(groupe(r.nom), [0, 0])
        g[1] += 1
        g[0] += r.reussi
    ordre = sorted(groupes, key=lambda g: (0 if g == "runtime" else 2 if g == "exemples" else 1, g))
    for g in ordre:
        r, t = groupes[g]
        (ok if r == t else ko)(f"{g:<10} {r:3d}/{t:<3d} réussis")
    if rc == 0:
        ok(f"Tous les tests passent (preset « {preset} »).")
    else:
        ko(f"Des tests échouent (preset « {preset} ») : voir la liste « The following tests FAILED » ci-dessus.")
    total = len(resultats)
    echecs = sum(1 for r in resultats.values() if not r.reussi)
    if total:
        p(f"\n{100 * (total - echecs) // total}% tests passed, {echecs} tests failed out of {total}")
    return 0 if rc == 0 else 1


# ─── verifier ────────────────────────────────────────────────────────────────────────────

def commande_indice(ex: manifeste.Exercice) -> str:
    """La commande exacte qui donne l'indice suivant (sans le donner)."""
    c = ex.chapitre
    etat = indices.lire_etat(RACINE, c.numero, ex.id)
    base = f"./cours indice {c.numero} {ex.id}"
    fichier = RACINE / "chapters" / c.slug / "indices.md"
    try:
        ind = indices.lire(fichier).get(ex.id)
    except indices.IndicesInvalides:
        ind = None
    if ind is None:
        return f"« {base} »"
    s = indices.suivant(etat, len(ind.etapes))
    if s is None:
        return f"« {base} --etape {len(ind.etapes)} » (relire le dernier ; solution commentée dans solutions/{c.slug}/)"
    return f"« {base} » (étape {s[0]}/{len(ind.etapes)}, {indices.NIVEAUX[s[1] - 1]})"


def afficher_exercice(etat: evaluation.EtatExercice) -> None:
    ex = etat.exercice
    p(f"\n{GRAS}{CYAN}── Exercice {ex.id} — {ex.titre} ({ex.genre}) ──{RAZ}")
    if not etat.compile:
        ko(f"L'exercice « {ex.id} » ne compile pas encore : la première erreur du compilateur :")
        for l in etat.erreur:
            p(f"    {l}")
        if etat.journal:
            info(f"Journal complet : {etat.journal}")
        info(f"Fichiers à modifier : {', '.join(f'chapters/{ex.chapitre.slug}/exercices/{f}' for f in ex.fichiers)}")
        return
    for r in etat.resultats:
        if r.reussi:
            ok(r.nom)
        else:
            ko(r.nom)
            for m in r.messages():
                p(f"    {m}")
    pts = sum(t.points for t in ex.tests)
    (ok if etat.statut == "ok" else ko)(
        f"{etat.reussis}/{len(ex.tests)} tests réussis ({etat.points}/{pts} points)")


def verifier(cours: manifeste.Cours, c: manifeste.Chapitre, exercices: list[manifeste.Exercice]) -> int:
    titre(f"Chapitre {c.numero} — {c.titre}")
    outils.configurer(evaluation.PRESET)
    etats = evaluation.construire_exercices(exercices)
    titre(f"Tests du chapitre {c.numero}")
    a_lancer = {k: e for k, e in etats.items() if e.compile}
    noms_labels = {lab for _, labs in outils.liste_tests(evaluation.PRESET) for lab in labs}
    label = None
    if len(exercices) == len(c.exercices):
        label = f"^ch{c.numero}$"
    elif len(exercices) == 1 and exercices[0].label in noms_labels:
        label = f"^{exercices[0].label}$"
    if a_lancer:
        evaluation.lancer_tests(a_lancer, outils.journal(f"verifier-{c.numero}.xml"),
                                label if len(a_lancer) == len(etats) else None)
    evaluation.memoriser(etats)
    for etat in etats.values():
        afficher_exercice(etat)
    p()
    total = sum(len(e.exercice.tests) for e in etats.values())
    if total == 0:
        raise Erreur(f"aucun test noté pour le chapitre {c.numero} dans cours.toml.")
    if all(e.statut == "ok" for e in etats.values()):
        quoi = f"de l'exercice {exercices[0].id}" if len(exercices) == 1 and len(c.exercices) > 1 else f"du chapitre {c.numero}"
        ok(f"{GRAS}Bravo ! Les {total} tests {quoi} passent.{RAZ}")
        info(f"Comparez avec la solution commentée : solutions/{c.slug}/")
        return 0
    for e in etats.values():
        if e.statut != "ok":
            info(f"Bloqué sur « {e.exercice.id} » ? Indice suivant : {commande_indice(e.exercice)}")
    return 1


def cmd_verifier(args: list[str]) -> int:
    if not args:
        raise Erreur("usage : ./cours verifier NN [EXERCICE]   (ex. ./cours verifier 03)")
    if len(args) > 2:
        raise Erreur("usage : ./cours verifier NN [EXERCICE]")
    cours = charger_cours()
    c = chapitre_demande(cours, args[0])
    if not c.disponible:
        raise Erreur(f"le chapitre {c.numero} n'est pas encore disponible.")
    if not c.exercices:
        raise Erreur(f"le chapitre {c.numero} n'a pas encore de tests notés.")
    exercices = [exercice_demande(c, args[1], "verifier")] if len(args) == 2 else list(c.exercices)
    return verifier(cours, c, exercices)


# ─── indice ──────────────────────────────────────────────────────────────────────────────

def afficher_niveau(ind: indices.IndicesExercice, etape: int, niveau: int, fichier: Path) -> None:
    et = ind.etapes[etape - 1]
    p(f"\n{GRAS}{JAUNE}💡 {ind.id} — étape {etape}/{len(ind.etapes)} : {et.titre} — "
      f"{indices.NIVEAUX[niveau - 1]} ({niveau}/3){RAZ} {PALE}({outils.relatif(fichier)}){RAZ}\n")
    for l in et.niveaux[niveau - 1].splitlines():
        p(f"    {l}" if l else "")
    p()


def cmd_indice(args: list[str]) -> int:
    a = analyser("indice", "./cours indice NN EXERCICE [--etape K]", args, lambda x: (
        x.add_argument("chapitre"), x.add_argument("exercice", nargs="?"),
        x.add_argument("--etape", "--étape", type=int)))
    cours = charger_cours()
    c = chapitre_demande(cours, a.chapitre)
    fichier = RACINE / "chapters" / c.slug / "indices.md"
    if not fichier.is_file():
        raise Erreur(f"pas encore d'indices pour le chapitre {c.numero} ({outils.relatif(fichier)} manque).")
    if a.exercice is None or a.exercice.isdigit():
        ids = ", ".join(e.id for e in c.exercices) or "aucun"
        raise Erreur("dites de quel exercice : « ./cours indice NN EXERCICE ».",
                     suite=f"Les exercices du chapitre {c.numero} : {ids}.")
    ex = exercice_demande(c, a.exercice, "indice")
    try:
        tous = indices.lire(fichier)
    except indices.IndicesInvalides as e:
        raise Erreur(f"fichier d'indices mal formé : {e}") from None
    ind = tous.get(ex.id)
    if ind is None:
        raise Erreur(f"{outils.relatif(fichier)} n'a pas de section « ## Exercice `{ex.id}` ».")
    etat = indices.lire_etat(RACINE, c.numero, ex.id)
    base = f"./cours indice {c.numero} {ex.id}"
    if a.etape is not None:
        k = a.etape
        if not 1 <= k <= len(ind.etapes):
            raise Erreur(f"l'exercice « {ex.id} » a {len(ind.etapes)} étape(s) : --etape {k} n'existe pas.")
        if k > etat[0]:
            raise Erreur(f"l'étape {k} n'a pas encore été affichée : « {base} » donne le niveau suivant.")
        jusqua = 3 if k < etat[0] else etat[1]
        for n in range(1, jusqua + 1):
            afficher_niveau(ind, k, n, fichier)
        return 0
    s = indices.suivant(etat, len(ind.etapes))
    if s is None:
        e, n = etat
        afficher_niveau(ind, e, n, fichier)
        info(f"C'était le dernier indice ; la solution commentée est dans solutions/{c.slug}/.")
        info(f"Relire une étape : « {base} --etape K ».")
        return 0
    indices.ecrire_etat(RACINE, c.numero, ex.id, *s)
    afficher_niveau(ind, s[0], s[1], fichier)
    apres = indices.suivant(s, len(ind.etapes))
    if apres is None:
        info(f"C'était le dernier indice ; la solution commentée est dans solutions/{c.slug}/.")
    elif apres[0] == s[0]:
        info(f"Niveau suivant ({indices.NIVEAUX[apres[1] - 1]}) : « {base} ». Relancez d'abord « ./cours verifier {c.numero} {ex.id} ».")
    else:
        info(f"Étape suivante ({apres[0]}/{len(ind.etapes)}) : « {base} ».")
    return 0


# ─── liste, progression ──────────────────────────────────────────────────────────────────

def evaluer_tout(cours: manifeste.Cours) -> dict[str, evaluation.EtatExercice]:
    chapitres = [c for c in cours.chapitres if c.disponible and c.exercices]
    outils.configurer(evaluation.PRESET)
    etats = evaluation.construire_tout(cours, chapitres)
    casses = sorted({e.exercice.chapitre.numero for e in etats.values() if not e.compile})
    if casses:
        attention(f"Une partie du code ne compile pas (chapitres : {' '.join(casses)}) ; le reste est évalué quand même.")
    else:
        ok("Tout compile.")
    info("Tests notés (labels chNN)…")
    evaluation.lancer_tests(etats, outils.journal("tests-etudiant.xml"), label="^ch[0-9][0-9]$")
    evaluation.memoriser(etats)
    return etats


def cmd_liste(args: list[str]) -> int:
    a = analyser("liste", "./cours liste [--lancer]", args,
                 lambda x: x.add_argument("--lancer", action="store_true"))
    cours = charger_cours()
    memo = evaluation.memoire()
    if a.lancer or not memo:
        titre("Vérification de tous les exercices (preset « etudiant »)")
        evaluer_tout(cours)
        memo = evaluation.memoire()
    titre("Les exercices")
    p(f"{GRAS}{'Ch.':<4}{'Exercice':<18}{'Genre':<12}{'Points':>9}  {'État':<16}Titre{RAZ}")
    for c in cours.chapitres:
        if not c.disponible:
            p(f"{PALE}{c.numero:<4}{'—':<18}{'':<12}{'':>9}  {'à venir':<16}{c.titre}{RAZ}")
            continue
        for e in c.exercices:
            m = memo.get(f"{c.numero}-{e.id}")
            if m is None:
                etat, pts, coul = "pas vérifié", f"?/{e.points}", PALE
            else:
                etat = m["statut"]
                pts = f"{m['points']}/{e.points}"
                coul = VERT if etat == "ok" else ROUGE if etat == "ne compile pas" else JAUNE
            p(f"{c.numero:<4}{e.id:<18}{e.genre:<12}{pts:>9}  {coul}{etat:<16}{RAZ}{e.titre}")
    p()
    info("État de la dernière vérification ; « ./cours liste --lancer » revérifie tout.")
    return 0


def compter_todo(c: manifeste.Chapitre) -> int:
    n = 0
    dossier = RACINE / "chapters" / c.slug / "exercices"
    if dossier.is_dir():
        for f in dossier.rglob("*"):
            if f.is_file():
                n += f.read_text(encoding="utf-8", errors="replace").count("TODO")
    return n


def cmd_progression(args: list[str]) -> int:
    if args:
        raise Erreur("« progression » ne prend pas d'argument.")
    cours = charger_cours()
    titre("Votre progression (tests contre vos exercices)")
    etats = evaluer_tout(cours)
    titre("Progression par chapitre")
    prochain = None
    for c in cours.chapitres:
        es = [e for e in etats.values() if e.exercice.chapitre is c]
        total = sum(len(e.exercice.tests) for e in es)
        if not c.disponible or total == 0:
            p(f"{PALE}{c.numero}  {'à venir':<22} {c.titre}{RAZ}")
            continue
        reussis = sum(e.reussis for e in es)
        pleins = reussis * 10 // total
        barre = "█" * pleins + "░" * (10 - pleins)
        couleur = JAUNE
        if reussis == total:
            couleur = VERT
        elif prochain is None:
            prochain = c.numero
        if any(not e.compile for e in es):
            couleur = ROUGE
        p(f"{c.numero}  {couleur}{barre}{RAZ} {reussis:2d}/{total:<2d}  {compter_todo(c):2d} TODO   {c.titre}")
    p()
    if prochain:
        info(f"Prochain chapitre à travailler : {prochain} — « ./cours verifier {prochain} ».")
    else:
        ok("Tous les chapitres disponibles sont réussis. Bravo !")
    return 0


# ─── suivre ──────────────────────────────────────────────────────────────────────────────

def empreinte(dossiers: list[Path]) -> dict:
    e = {}
    for d in dossiers:
        for f in d.rglob("*") if d.is_dir() else []:
            if f.is_file():
                try:
                    s = f.stat()
                    e[str(f)] = (s.st_mtime_ns, s.st_size)
                except OSError:
                    pass
    return e


class Guetteur:
    """Signale tout enregistrement dans des dossiers : inotifywait -m (inotify-tools) s'il est
    là, sinon examen des dates et tailles des fichiers chaque seconde. Le guet commence avant
    la première vérification : un enregistrement pendant une vérification en relance une."""

    def __init__(self, dossiers: list[Path]):
        import threading
        self.dossiers = [d for d in dossiers if d.is_dir()]
        self.evenement = threading.Event()
        self.proc = None
        self.mode = "examen des fichiers chaque seconde"
        if shutil.which("inotifywait") and not os.environ.get("COURS_SANS_INOTIFY"):
            self.proc = subprocess.Popen(
                ["inotifywait", "-m", "-r", "-e", "close_write,moved_to,create,delete",
                 *[str(d) for d in self.dossiers]],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
            assert self.proc.stderr is not None
            pret = False
            for ligne in self.proc.stderr:  # « Watches established. » : le guet est en place
                if "established" in ligne:
                    pret = True
                    break
            if pret:
                self.mode = "inotifywait"
                threading.Thread(target=self._lire, daemon=True).start()
            else:  # inotifywait n'a pas pu guetter (limite de guets atteinte ?) : examen
                self.proc.kill()
                self.proc.wait()
                self.proc = None
        if self.proc is None:
            self.avant = empreinte(self.dossiers)

    def _lire(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for _ in self.proc.stdout:
            self.evenement.set()

    def attendre(self) -> None:
        """Jusqu'au prochain changement (depuis le dernier appel)."""
        if self.proc is not None:
            self.evenement.wait()
            time.sleep(0.2)  # un éditeur écrit parfois en plusieurs fois : un seul tour
            self.evenement.clear()
            return
        while True:
            maintenant = empreinte(self.dossiers)
            if maintenant != self.avant:
                self.avant = maintenant
                return
            time.sleep(1.0)

    def fermer(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()


def cmd_suivre(args: list[str]) -> int:
    if not args or len(args) > 2:
        raise Erreur("usage : ./cours suivre NN [EXERCICE]")
    cours = charger_cours()
    c = chapitre_demande(cours, args[0])
    if not c.disponible or not c.exercices:
        raise Erreur(f"le chapitre {c.numero} n'est pas encore disponible.")
    exercices = [exercice_demande(c, args[1], "suivre")] if len(args) == 2 else list(c.exercices)
    tours = int(os.environ.get("COURS_SUIVRE_TOURS", "0"))  # pour les tests : s'arrêter après N tours
    guetteur = Guetteur([RACINE / "chapters" / c.slug / "exercices"])
    n = 0
    try:
        while True:
            n += 1
            try:
                verifier(cours, c, exercices)
            except Erreur as e:
                erreur(e.message)
            if tours and n >= tours:
                return 0
            p()
            info(f"Suivi de chapters/{c.slug}/exercices/ ({guetteur.mode}) : enregistrez un fichier pour revérifier, "
                 "Ctrl-C pour sortir.")
            guetteur.attendre()
    except KeyboardInterrupt:
        p()
        info("Fin du suivi.")
        return 0
    finally:
        guetteur.fermer()


# ─── reinitialiser ───────────────────────────────────────────────────────────────────────

def cmd_reinitialiser(args: list[str]) -> int:
    a = analyser("reinitialiser", "./cours reinitialiser NN EXERCICE [--oui]", args, lambda x: (
        x.add_argument("chapitre"), x.add_argument("exercice"), x.add_argument("--oui", action="store_true")))
    cours = charger_cours()
    c = chapitre_demande(cours, a.chapitre)
    ex = exercice_demande(c, a.exercice, "reinitialiser")
    r = subprocess.run(["git", "-C", str(RACINE), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if r.returncode != 0 or Path(r.stdout.strip()).resolve() != RACINE.resolve():
        raise Erreur("ce dossier n'est pas un dépôt git : impossible de retrouver les fichiers livrés.",
                     suite="Récupérez-les dans une copie neuve du cours (git clone).")
    chemins = [f"chapters/{c.slug}/exercices/{f}" for f in ex.fichiers]
    absents = [ch for ch in chemins if subprocess.run(["git", "-C", str(RACINE), "cat-file", "-e", f"HEAD:{ch}"],
                                                      capture_output=True).returncode != 0]
    if absents:
        raise Erreur(f"fichiers absents du dernier commit (HEAD) : {' '.join(absents)}.")
    modifies = subprocess.run(["git", "-C", str(RACINE), "status", "--porcelain", "--", *chemins],
                              capture_output=True, text=True).stdout.strip()
    info(f"Fichiers de l'exercice « {ex.id} » : {' '.join(chemins)}")
    if not modifies:
        ok("Ils sont déjà tels que livrés (identiques au dernier commit) : rien à faire.")
        return 0
    if not a.oui:
        if not sys.stdin.isatty():
            raise Erreur("confirmation impossible sans terminal : ajoutez --oui pour remettre les fichiers tels que livrés.")
        reponse = input(f"Votre travail sur ces fichiers sera perdu. Les remettre tels que livrés ? [o/N] ")
        if reponse.strip().lower() not in ("o", "oui", "y", "yes"):
            info("Rien n'a été modifié.")
            return 1
    r = subprocess.run(["git", "-C", str(RACINE), "checkout", "HEAD", "--", *chemins], capture_output=True, text=True)
    if r.returncode != 0:
        raise Erreur(f"git checkout a échoué : {r.stderr.strip()}")
    ok(f"Exercice « {ex.id} » remis tel que livré. Vérifiez : « ./cours verifier {c.numero} {ex.id} ».")
    return 0


# ─── noter, modele-etudiant, diapos (délégués) ───────────────────────────────────────────

def deleguer(module: str, args: list[str]) -> int:
    if not (RACINE / "scripts" / "cours" / f"{module}.py").is_file():
        raise Erreur(f"cette commande n'est pas encore disponible (scripts/cours/{module}.py manque).")
    import importlib
    mod = importlib.import_module(f"cours.{module}")
    rc = mod.main(args)
    return int(rc or 0)


def cmd_noter(args: list[str]) -> int:
    return deleguer("notation", args)


def cmd_modele_etudiant(args: list[str]) -> int:
    return deleguer("modele", args)


def cmd_diapos(args: list[str]) -> int:
    script = RACINE / "scripts" / "diapos.sh"
    if not script.is_file():
        raise Erreur("les diapositives ne se rendent pas encore : scripts/diapos.sh manque.")
    return subprocess.run(["bash", str(script), *args], cwd=RACINE).returncode


# ─── autocontrole ────────────────────────────────────────────────────────────────────────

EXTENSIONS_CODE = {".cpp", ".hpp", ".h", ".cc", ".ipp", ".tpp"}


class Controle:
    def __init__(self):
        self.verifications = 0
        self.violations = 0

    def bon(self, texte: str) -> None:
        self.verifications += 1
        ok(texte)

    def mauvais(self, texte: str) -> None:
        self.verifications += 1
        self.violations += 1
        ko(texte)

    def bilan(self) -> int:
        titre("Bilan de l'autocontrôle")
        if self.violations == 0:
            ok(f"Le cours est cohérent : {self.verifications} vérifications, aucune violation.")
        else:
            ko(f"{self.violations} violation(s) sur {self.verifications} vérifications.")
        p(f"autocontrole: {self.verifications - self.violations} passed, {self.violations} failed")
        return 0 if self.violations == 0 else 1


def controler_mutants(ctl: Controle, numeros: list[str]) -> None:
    bilan = RACINE / "build" / "mutants" / "mutants.tsv"
    if bilan.exists():
        bilan.unlink()
    rc = subprocess.run([sys.executable, "scripts/mutants.py", "--build", "build/mutants", "-j",
                         str(outils.jobs()), *numeros], cwd=RACINE).returncode
    if not bilan.is_file():
        ctl.mauvais(f"mutants : scripts/mutants.py n'a rien évalué (code {rc}, voir le message ci-dessus)")
        return
    import csv
    with open(bilan, encoding="utf-8", newline="") as f:
        lignes = list(csv.reader(f, delimiter="\t"))[1:]
    n = tues = 0
    for champs in lignes:
        if len(champs) < 5:
            continue
        num, exercice, nom, verdict, description = champs[:5]
        n += 1
        if verdict == "tué":
            tues += 1
            ctl.verifications += 1
        else:
            ctl.mauvais(f"mutant ch{num} {exercice}--{nom} : {verdict} (« {description} »)")
    if n and tues == n:
        ok(f"mutants : {tues}/{n} tués par les tests notés")
    elif n:
        ko(f"mutants : {tues}/{n} tués par les tests notés")
    if rc != 0 and tues == n:
        ctl.mauvais("mutants : les tests notés échouent déjà sur les solutions intactes (voir ci-dessus)")


def controler_manifeste(ctl: Controle, cours: manifeste.Cours, preset: str) -> None:
    """Les tests du manifeste sont exactement les tests notés de CTest (labels chNN, chNN-<id>)."""
    from . import generation
    probs = generation.ecarts_ctest(cours, outils.dossier_build(preset))
    if probs:
        ctl.mauvais("cours.toml ne correspond pas aux tests de CTest (« ./cours manifeste » le régénère) :")
        for pr in probs[:40]:
            p(f"      {pr}")
    else:
        ctl.bon(f"cours.toml : les tests de chaque exercice sont ceux de CTest ({sum(len(c.tests) for c in cours.chapitres)} tests notés)")
    try:
        texte = (RACINE / "README.fr.md").read_text(encoding="utf-8")
        attendu = generation.readme_attendu(texte, cours)
    except (OSError, manifeste.ManifesteInvalide) as e:
        ctl.mauvais(str(e))
        return
    if attendu != texte:
        ctl.mauvais("README.fr.md : le plan des chapitres ne correspond pas à cours.toml (« ./cours readme » le régénère)")
    else:
        ctl.bon("README.fr.md : le plan des chapitres est celui de cours.toml")


def cmd_autocontrole(args: list[str]) -> int:
    mutants = seulement = False
    numeros: list[str] = []
    for a in args:
        if a == "--mutants":
            mutants = True
        elif a == "--mutants-seulement":
            mutants = seulement = True
        elif a.startswith("-"):
            raise Erreur(f"option inconnue pour « autocontrole » : {a}")
        else:
            if not mutants:
                raise Erreur("« autocontrole » ne prend de numéros de chapitre qu'après --mutants ou --mutants-seulement.")
            n = manifeste.normaliser_numero(a)
            if n is None:
                raise Erreur(f"numéro de chapitre invalide : « {a} ».")
            numeros.append(n)
    exiger_solutions("./cours autocontrole")
    ctl = Controle()
    if seulement:
        titre("Les mutants du cours sont tués par les tests notés (tests/mutants)")
        controler_mutants(ctl, numeros)
        return ctl.bilan()
    cours = charger_cours()
    slugs = sorted(d.name for d in (RACINE / "chapters").glob("[0-9][0-9]-*") if d.is_dir())

    titre("(a) Structure des chapitres et TODO des exercices")
    for slug in slugs:
        manque = [f for f in (f"chapters/{slug}/README.md", f"chapters/{slug}/indices.md", f"chapters/{slug}/exemples",
                              f"chapters/{slug}/exercices", f"solutions/{slug}", f"tests/{slug}/CMakeLists.txt",
                              f"slides/{slug}.md") if not (RACINE / f).exists()]
        if manque:
            ctl.mauvais(f"{slug} : il manque {' '.join(manque)}")
        else:
            ctl.bon(f"{slug} : leçon, indices, exemples, exercices, solutions, tests et diapositives présents")
        if cours.chapitre(slug[:2]) is None:
            ctl.mauvais(f"{slug} : absent de cours.toml")
        ex_dir = RACINE / "chapters" / slug / "exercices"
        if not ex_dir.is_dir():
            continue
        # Un fichier fourni tel quel (identique à sa solution : une interface à lire, pas à
        # écrire) n'a pas besoin de TODO ; tout fichier que l'étudiant doit compléter, si.
        sans_todo, sans_solution, n, fournis = [], [], 0, 0
        for f in sorted(ex_dir.rglob("*")):
            if not f.is_file() or f.suffix not in EXTENSIONS_CODE:
                continue
            n += 1
            rel = str(f.relative_to(ex_dir))
            sol = RACINE / "solutions" / slug / rel
            if not sol.exists():
                sans_solution.append(rel)
            elif sol.read_bytes() == f.read_bytes():
                fournis += 1
                continue
            if "TODO" not in f.read_text(encoding="utf-8", errors="replace"):
                sans_todo.append(rel)
        if n == 0:
            ctl.mauvais(f"{slug} : aucun fichier de code dans exercices/")
            continue
        if sans_todo:
            ctl.mauvais(f"{slug} : fichiers d'exercice sans TODO : {' '.join(sans_todo)}")
        else:
            ctl.bon(f"{slug} : fichiers à compléter, tous avec un TODO : {n - fournis}/{n} ({fournis} fourni(s) tel(s) quel(s))")
            if n == fournis:
                ctl.mauvais(f"{slug} : aucun fichier d'exercice ne diffère de sa solution")
        if sans_solution:
            ctl.mauvais(f"{slug} : exercices sans fichier correspondant dans solutions/{slug}/ : {' '.join(sans_solution)}")

    titre("(b) Les exercices tels que livrés compilent et ne réussissent aucun test noté (preset « etudiant »)")
    chapitres = [c for c in cours.chapitres if c.disponible and c.exercices]
    try:
        outils.configurer(evaluation.PRESET)
        etats = evaluation.construire_tout(cours, chapitres)
        evaluation.lancer_tests(etats, outils.journal("autocontrole-etudiant.xml"), label="^ch[0-9][0-9]$")
    except Erreur as e:
        ctl.mauvais(f"la configuration CMake du preset « etudiant » échoue (un fichier d'exercice manque ?) : {e.message}")
        etats = None
    if etats is not None:
        for c in chapitres:
            es = [e for e in etats.values() if e.exercice.chapitre is c]
            casses = [e for e in es if not e.compile]
            if casses:
                for e in casses:
                    ctl.mauvais(f"ch{c.numero} : l'exercice « {e.exercice.id} » tel que livré ne compile pas (journal : {e.journal})")
                    for l in e.erreur:
                        p(f"      {l}")
                continue
            total = sum(len(e.resultats) for e in es)
            deja = [r.nom for e in es for r in e.resultats if r.reussi]
            if total == 0:
                ctl.mauvais(f"ch{c.numero} : aucun test (label ch{c.numero})")
            elif deja:
                ctl.mauvais(f"ch{c.numero} : {len(deja)}/{total} test(s) noté(s) réussi(s) avec les exercices non faits :")
                for nom in deja:
                    p(f"      {nom}")
            else:
                ctl.bon(f"ch{c.numero} : les {total} tests notés échouent avec les exercices non faits")

    titre("(c) Les solutions passent tous les tests notés (preset « default »)")
    try:
        outils.configurer("default")
    except Erreur:
        ctl.mauvais("la configuration CMake du preset « default » échoue : (c) et (d) impossibles")
        return ctl.bilan()
    controler_manifeste(ctl, cours, "default")
    log_build = outils.journal("compilation-default.log")
    if outils.construire_dans("default", [], log_build, continuer=True) != 0:
        for l in outils.premiere_erreur(log_build, 40):
            p(l)
        ctl.mauvais(f"la compilation du preset « default » échoue (journal : {outils.relatif(log_build)})")
    junit_c = outils.journal("autocontrole-solutions.xml")
    outils.lancer_ctest("default", junit_c, ["-L", "^ch[0-9][0-9]$"], log=junit_c.with_suffix(".log"))
    res_c = junit.lire(junit_c, outils.delais_tests("default"))
    for c in chapitres:
        noms = [r for n, r in res_c.items() if n.startswith(f"ch{c.numero}.")]
        echecs = [r for r in noms if not r.reussi]
        if not noms:
            ctl.mauvais(f"ch{c.numero} : aucun test exécuté contre les solutions")
        elif echecs:
            ctl.mauvais(f"ch{c.numero} : {len(echecs)}/{len(noms)} tests échouent contre les solutions (journal : {outils.relatif(junit_c.with_suffix('.log'))})")
            for r in echecs:
                p(f"      {r.nom}")
                for m in r.messages():
                    p(f"          {m}")
        else:
            ctl.bon(f"ch{c.numero} : tests réussis contre les solutions : {len(noms)}/{len(noms)}")

    titre("(d) Tous les exemples s'exécutent (ctest -L exemples)")
    junit_d = outils.journal("autocontrole-exemples.xml")
    outils.lancer_ctest("default", junit_d, ["-L", "^exemples$"], log=junit_d.with_suffix(".log"))
    res_d = junit.lire(junit_d)
    for nom in sorted(res_d):
        if res_d[nom].reussi:
            ctl.bon(nom)
        else:
            ctl.mauvais(f"{nom} échoue (journal : {outils.relatif(junit_d.with_suffix('.log'))})")
    if not res_d and slugs:
        ctl.mauvais("aucun exemple enregistré (label « exemples »)")

    if mutants:
        titre("(e) Chaque mutant du cours est tué par les tests notés (tests/mutants)")
        controler_mutants(ctl, numeros)
    return ctl.bilan()


# ─── bench, docs, trace, nettoyer ────────────────────────────────────────────────────────

def cmd_bench(args: list[str]) -> int:
    if args:
        raise Erreur("« bench » ne prend pas d'argument.")
    titre("Compilation en Release (preset « release »)")
    outils.configurer("release")
    cibles = ["bench/all"] if "bench/all" in outils.cibles_ninja("release") else None
    if outils.construire("release", cibles) != 0:
        raise Erreur("la compilation a échoué (voir les erreurs ci-dessus).")
    dossier = RACINE / "build" / "release" / "bench"
    progs = sorted(f for f in dossier.glob("**/bench_*") if f.is_file() and os.access(f, os.X_OK)
                   and len(f.relative_to(dossier).parts) <= 2) if dossier.is_dir() else []
    progs.sort(key=lambda f: (f.name != "bench_spawn", str(f)))
    if not progs:
        raise Erreur("aucun benchmark trouvé dans build/release/bench/ (bench_*).")
    echecs = 0
    for f in progs:
        titre(f"Benchmark : {f.name}")
        p(f"{PALE}$ {outils.relatif(f)}{RAZ}")
        rc = subprocess.run([str(f)], stdin=subprocess.DEVNULL, cwd=RACINE).returncode
        if rc != 0:
            ko(f"{f.name} a échoué (code {rc}).")
            echecs += 1
    p()
    if echecs:
        ko(f"{echecs} benchmark(s) ont échoué.")
        return 1
    ok(f"Benchmarks terminés ({len(progs)} programme(s)). Chiffres mesurés sur cette machine : comparez-les entre eux, pas avec ceux d'une autre.")
    return 0


def cmd_docs(args: list[str]) -> int:
    strict = False
    for a in args:
        if a == "--strict":
            strict = True
        else:
            raise Erreur(f"option inconnue pour « docs » : {a}")
    titre("Documentation Doxygen")
    outils.configurer("default")
    if outils.construire("default", ["docs"]) != 0:
        raise Erreur("la génération de la documentation a échoué.")
    html = "build/default/docs/html/index.html"
    avert = RACINE / "build/default/docs/doxygen-avertissements.log"
    lignes = [l for l in avert.read_text(encoding="utf-8", errors="replace").splitlines() if l] if avert.is_file() else []
    if lignes:
        attention(f"Doxygen a émis {len(lignes)} ligne(s) d'avertissement : {outils.relatif(avert)}")
        for l in lignes[:20]:
            p(f"    {l}")
        if strict:
            raise Erreur("--strict : la documentation doit être générée sans aucun avertissement.")
    else:
        ok("Aucun avertissement de Doxygen.")
    ok(f"Documentation : {RACINE}/{html}")
    return 0


USAGE_TRACE = "usage : ./cours trace PROGRAMME [ARGS…]   ou   ./cours trace --json FICHIER.json"


def trouver_programme(nom: str) -> str | None:
    if "/" in nom:
        chemin = Path(nom) if nom.startswith("/") else DOSSIER_APPEL / nom.removeprefix("./")
        return str(chemin) if chemin.is_file() and os.access(chemin, os.X_OK) else None
    build = RACINE / "build"
    dossiers = [build / "default"] + sorted(d for d in build.glob("*") if d.is_dir() and d.name not in ("default", "traces"))
    for d in dossiers:
        if not d.is_dir():
            continue
        for racine, sous, fichiers in os.walk(d):
            sous[:] = [s for s in sous if s != "CMakeFiles"]
            if nom in fichiers:
                f = Path(racine) / nom
                if os.access(f, os.X_OK):
                    return str(f)
    return shutil.which(nom)


def rendre_trace(json_f: Path, page: str, nom: str) -> bool:
    info("Dessin de la frise (scripts/trace_html.py)…")
    r = subprocess.run([sys.executable, "scripts/trace_html.py", str(json_f), "-o", page, "--titre", nom], cwd=RACINE)
    if r.returncode != 0:
        return False
    ok(f"Frise des tâches : {page}")
    info(f"Ouvrez-la dans un navigateur (elle fonctionne hors ligne) : xdg-open {page}")
    info(f"La trace brute ({outils.relatif(json_f)}) s'ouvre aussi dans Perfetto ou chrome://tracing.")
    return True


def cmd_trace(args: list[str]) -> int:
    if not args:
        raise Erreur(USAGE_TRACE)
    (RACINE / "build" / "traces").mkdir(parents=True, exist_ok=True)
    if args[0] == "--json":
        if len(args) != 2:
            raise Erreur(USAGE_TRACE)
        json_f = Path(args[1]) if args[1].startswith("/") else DOSSIER_APPEL / args[1]
        if not json_f.is_file():
            raise Erreur(f"fichier de trace introuvable : « {args[1]} ».")
        nom = json_f.name.removesuffix(".json")
        titre(f"Frise des tâches de {nom}")
        return 0 if rendre_trace(json_f, f"build/traces/{nom}.html", nom) else 1
    if args[0].startswith("-"):
        raise Erreur(f"option inconnue pour « trace » : {args[0]} ({USAGE_TRACE})")
    programme = trouver_programme(args[0])
    if programme is None:
        raise Erreur(f"programme introuvable : « {args[0]} » (ni un chemin, ni un exécutable de build/, ni une commande).",
                     suite="\nConstruisez-le d'abord (« ./cours test » construit tous les exemples), ou donnez son chemin :\n"
                           "    ./cours trace build/default/chapters/03-spawn/ch03_…\n")
    nom = Path(programme).name
    horodatage = time.strftime("%Y-%m-%d-%H%M%S")
    json_f = RACINE / "build" / "traces" / f"{nom}-{horodatage}.json"
    page = f"build/traces/{nom}-{horodatage}.html"
    if json_f.exists():
        json_f.unlink()
    titre(f"Trace de {nom}")
    info(f"RT_TRACE={outils.relatif(json_f)} {outils.relatif(programme)}{' ' + ' '.join(args[1:]) if args[1:] else ''}")
    # Un Ctrl-C arrête le programme, pas ./cours : on dessine ce qu'il a eu le temps d'écrire.
    ancien = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc = subprocess.Popen([programme, *args[1:]], cwd=DOSSIER_APPEL, env=dict(os.environ, RT_TRACE=str(json_f)),
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        rc = proc.wait()
    finally:
        signal.signal(signal.SIGINT, ancien)
    if rc < 0:
        try:
            nom_sig = signal.Signals(-rc).name.removeprefix("SIG")
        except ValueError:
            nom_sig = "?"
        ko(f"le programme a été arrêté par le signal {-rc} ({nom_sig}).")
    elif rc != 0:
        ko(f"le programme s'est terminé avec le code {rc}.")
    else:
        ok("Programme terminé.")
    if not json_f.is_file() or json_f.stat().st_size == 0:
        raise Erreur("le programme n'a rien tracé : est-il construit avec rt, et appelle-t-il un runtime ?")
    if not rendre_trace(json_f, page, nom):
        return 1
    if rc != 0:
        attention("la frise montre ce que le programme a écrit avant de s'arrêter.")
        return 1
    return 0


def cmd_nettoyer(args: list[str]) -> int:
    if args:
        raise Erreur("« nettoyer » ne prend pas d'argument.")
    info("Suppression de build/…")
    shutil.rmtree(RACINE / "build", ignore_errors=True)
    ok("Fait.")
    return 0


# ─── maintenance : manifeste, readme ─────────────────────────────────────────────────────

def cmd_manifeste(args: list[str]) -> int:
    from . import generation
    a = analyser("manifeste", "./cours manifeste [--verifier] [--build DIR]", args, lambda x: (
        x.add_argument("--verifier", "--vérifier", action="store_true"), x.add_argument("--build")))
    cours = charger_cours()
    if a.build:
        build = Path(a.build) if a.build.startswith("/") else DOSSIER_APPEL / a.build
    else:
        outils.configurer("default")
        build = outils.dossier_build("default")
    if a.verifier:
        probs = generation.ecarts_ctest(cours, build)
        if probs:
            for pr in probs:
                ko(pr)
            raise Erreur("cours.toml ne correspond pas aux tests de CTest : « ./cours manifeste » le régénère.")
        ok("cours.toml : les tests de chaque exercice sont exactement ceux de CTest.")
        return 0
    try:
        cours, remarques = generation.regenerer(cours, build)
    except manifeste.ManifesteInvalide as e:
        raise Erreur(str(e)) from None
    for r in remarques:
        attention(r)
    (RACINE / manifeste.NOM_FICHIER).write_text(generation.en_toml(cours), encoding="utf-8")
    ok(f"cours.toml régénéré ({sum(len(c.tests) for c in cours.chapitres)} tests notés). Pensez à « ./cours readme ».")
    return 0


def cmd_readme(args: list[str]) -> int:
    from . import generation
    a = analyser("readme", "./cours readme [--verifier]", args,
                 lambda x: x.add_argument("--verifier", "--vérifier", action="store_true"))
    cours = charger_cours()
    chemin = RACINE / "README.fr.md"
    texte = chemin.read_text(encoding="utf-8")
    try:
        attendu = generation.readme_attendu(texte, cours)
    except manifeste.ManifesteInvalide as e:
        raise Erreur(str(e)) from None
    if a.verifier:
        if attendu != texte:
            raise Erreur("README.fr.md : le plan des chapitres ne correspond pas à cours.toml (« ./cours readme » le régénère).")
        ok("README.fr.md : le plan des chapitres est celui de cours.toml.")
        return 0
    if attendu != texte:
        chemin.write_text(attendu, encoding="utf-8")
        ok("README.fr.md : plan des chapitres régénéré depuis cours.toml.")
    else:
        ok("README.fr.md : le plan des chapitres est déjà à jour.")
    return 0


# ─── Aiguillage ──────────────────────────────────────────────────────────────────────────

COMMANDES = {
    "aide": cmd_aide, "demo": cmd_demo, "test": cmd_test, "verifier": cmd_verifier, "indice": cmd_indice,
    "liste": cmd_liste, "suivre": cmd_suivre, "reinitialiser": cmd_reinitialiser, "progression": cmd_progression,
    "noter": cmd_noter, "modele-etudiant": cmd_modele_etudiant, "autocontrole": cmd_autocontrole,
    "bench": cmd_bench, "docs": cmd_docs, "diapos": cmd_diapos, "trace": cmd_trace, "nettoyer": cmd_nettoyer,
    "manifeste": cmd_manifeste, "readme": cmd_readme, "installer": None,
}
ALIAS = {"help": "aide", "-h": "aide", "--help": "aide", "démo": "demo", "tests": "test", "vérifier": "verifier",
         "indices": "indice", "réinitialiser": "reinitialiser", "autocontrôle": "autocontrole",
         "modèle-étudiant": "modele-etudiant"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commande = argv.pop(0) if argv else "aide"
    return executer(lambda: lancer_commande(ALIAS.get(commande, commande), argv))


def lancer_commande(commande: str, argv: list[str]) -> int:
    outils.jobs()
    fonction = COMMANDES.get(commande)
    if fonction is None:
        if commande == "installer":
            raise Erreur("« installer » est fait par ./cours lui-même (l'amorce bash) : lancez « ./cours installer ».")
        proches = difflib.get_close_matches(commande.lower(), list(COMMANDES) + list(ALIAS), n=1, cutoff=0.75)
        suite = ""
        if proches:
            suite = f"Vouliez-vous dire « ./cours {ALIAS.get(proches[0], proches[0])} » ?\n"
        raise Erreur(f"commande inconnue : « {commande} ».", code=2,
                     suite=suite + "La liste des commandes : « ./cours aide ».")
    try:
        return fonction(argv)
    except FileNotFoundError as e:
        raise Erreur(f"introuvable : {e.filename} (les paquets nécessaires s'installent avec « ./cours "
                     "installer »).") from e
