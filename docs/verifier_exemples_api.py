#!/usr/bin/env python3
"""Vérifie que les exemples de la documentation de l'API viennent de fichiers compilés.

Usage : verifier_exemples_api.py RACINE_DU_DEPOT

Dans les commentaires Doxygen des en-têtes de runtime/include/rt/ (« /// », « //! », « /** »),
un exemple de plusieurs lignes s'écrit « \\snippet fichier marqueur », jamais « \\code … \\endcode »
ni « ``` … ``` » écrit à la main : le code montré est alors celui d'un programme que la
construction compile et que CTest exécute. Une courte indication dans une phrase (`code` entre
accents graves simples) reste permise.

Le script vérifie aussi que chaque \\snippet cite un fichier qui existe (dans docs/exemples/ ou
chapters/*/exemples/) et un marqueur qui y apparaît exactement deux fois.

Sortie : 0 si tout va bien, 1 sinon (une ligne « fichier:ligne: problème » par faute).
"""

import pathlib
import re
import sys

INTERDITS = re.compile(r"[\\@](code|endcode|verbatim)\b|```|~~~")
SNIPPET = re.compile(r"[\\@]snippet(?:\{[^}]*\})?\s+(\S+)\s+(.+?)\s*$")
DOSSIERS_EXEMPLES = ["docs/exemples", "chapters"]


def lignes_de_commentaire(texte):
    """Rend (numéro, contenu) des lignes de commentaire Doxygen d'un en-tête C++."""
    dans_bloc = False
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        brute = ligne.strip()
        if dans_bloc:
            yield numero, brute
            if "*/" in brute:
                dans_bloc = False
            continue
        if brute.startswith("/**") or brute.startswith("/*!"):
            yield numero, brute
            dans_bloc = "*/" not in brute[3:]
            continue
        position = min((p for p in (ligne.find("///"), ligne.find("//!")) if p >= 0), default=-1)
        if position >= 0:
            yield numero, ligne[position:]


def trouver_exemple(racine, nom):
    """Les fichiers d'exemple dont le chemin se termine par « nom »."""
    trouves = []
    for dossier in DOSSIERS_EXEMPLES:
        base = racine / dossier
        if not base.is_dir():
            continue
        for f in base.rglob(pathlib.Path(nom).name):
            if f.is_file() and f.as_posix().endswith(nom):
                trouves.append(f)
    return trouves


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    racine = pathlib.Path(sys.argv[1]).resolve()
    entetes = sorted((racine / "runtime/include/rt").rglob("*.hpp"))
    fautes = []
    nb_snippets = 0
    for entete in entetes:
        relatif = entete.relative_to(racine)
        precedente = None
        for numero, ligne in lignes_de_commentaire(entete.read_text(encoding="utf-8")):
            texte = re.sub(r"^(///|//!|/\*\*|/\*!|\*/|\*)", "", ligne.strip(), count=1)
            # Un bloc de code Markdown : une ligne en retrait de quatre espaces (au-delà de
            # l'espace qui suit « /// ») après une ligne vide.
            en_retrait = (re.match(r"^ {5,}\S", texte) is not None and precedente is not None
                          and precedente.strip() == "")
            if INTERDITS.search(ligne) or en_retrait:
                fautes.append(f"{relatif}:{numero}: exemple écrit à la main dans un commentaire "
                              "Doxygen ; citez un programme compilé avec \\snippet")
            precedente = texte
            m = SNIPPET.search(ligne)
            if m:
                nb_snippets += 1
                nom, marqueur = m.group(1), m.group(2)
                fichiers = trouver_exemple(racine, nom)
                if len(fichiers) != 1:
                    fautes.append(f"{relatif}:{numero}: \\snippet {nom} : "
                                  f"{len(fichiers)} fichier(s) de ce nom (il en faut un seul)")
                    continue
                contenu = fichiers[0].read_text(encoding="utf-8")
                # Doxygen cherche « [marqueur] » dans le fichier (ex. « //! [spawn] »).
                n = sum(1 for l in contenu.splitlines() if f"[{marqueur}]" in l)
                if n != 2:
                    fautes.append(f"{relatif}:{numero}: \\snippet {nom} {marqueur}  : le marqueur "
                                  f"[{marqueur}] apparaît {n} fois dans {fichiers[0].relative_to(racine)} "
                                  "(il en faut 2 : début et fin)")
    for faute in fautes:
        print(faute)
    if fautes:
        print(f"{len(fautes)} faute(s) dans les exemples de la documentation de l'API.")
        return 1
    print(f"{len(entetes)} en-têtes, {nb_snippets} exemples cités de programmes compilés, "
          "aucun exemple écrit à la main.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
