#!/usr/bin/env python3
"""Prépare les leçons (chapters/NN-*/README.md) pour le site Doxygen.

Usage :
    lecons.py --racine DEPOT --sortie DOSSIER --tag rt.tag --accueil docs/mainpage.md

Les leçons sont écrites pour être lues sur GitHub ; ce script n'y touche pas. Il en écrit une
copie par chapitre dans DOSSIER (lecon_NN.md), que Doxygen lit à la place :

- un titre « # <titre de la leçon> {#lecon_NN} » (la page lecon_NN.html) et une table des
  matières ;
- les liens relatifs réécrits : un exemple ou un en-tête du runtime mène à sa page dans la
  documentation, la leçon d'un autre chapitre à sa page, une image est copiée dans
  DOSSIER/images sous un nom propre au chapitre (deux leçons ont chacune leur frise.png) ;
  un lien vers un fichier que la documentation ne montre pas devient le chemin, en code ;
- les diagrammes : un bloc « ```dot » devient un dessin Graphviz (\\dot), un bloc
  « ```mermaid » (que Doxygen ne sait pas dessiner) est remplacé par une phrase qui renvoie à
  la leçon sur GitHub ;
- ce que Doxygen 1.9 lit mal : les blocs <details> (réponses de « Testez-vous »), qu'il ne sait
  pas replier, deviennent un titre en gras suivi des réponses ; un gras qui commence par du
  code devient <b>…</b> ; « `::read` » devient « `::%read` » (sinon : lien explicite, et
  avertissement) ; les titres perdent leurs accents graves (sinon « <tt> » dans la table des
  matières) ;
- à la fin, une section « API utilisée dans ce chapitre » : les types et fonctions de rt que
  la leçon cite (rt::spawn, rt::JoinHandle::abort, rt::sync::Mutex…), avec un lien vers leur
  documentation. Seuls les symboles que Doxygen documente y figurent : ils sont lus dans le
  fichier d'étiquettes (--tag) d'une première passe de Doxygen sur runtime/include/ ; un
  symbole inconnu (rt::detail::…) est laissé de côté, sans avertissement ;
- la liste des exemples compilés du chapitre, chacun relié à sa page.

Il écrit aussi DOSSIER/mainpage.md, la page d'accueil (--accueil) où chaque « \\ref lecon_NN »
d'une leçon qui n'existe pas encore (chapitre en cours d'écriture) est remplacé par son texte,
une copie de chaque --page (le glossaire, les diagrammes) où les numéros de leçon mènent à
la leçon, et DOSSIER/api_lecons.md, le sens inverse : chaque symbole et les leçons qui le citent.

Bibliothèque standard de Python 3 seulement.
"""

import argparse
import pathlib
import re
import shutil
import sys
import xml.etree.ElementTree as ET

RE_CHAPITRE = re.compile(r"^(\d\d)-")
RE_CLOTURE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
RE_LIEN = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")
RE_SYMBOLE = re.compile(r"\brt(?:::~?[A-Za-z_]\w*)+")
RE_NOM_PARTIEL = re.compile(r"(?<![:\w])[A-Za-z_]\w*(?:::~?[A-Za-z_]\w*)+")
ESPACES_ETRANGERS = {"rt", "std", "tokio", "boost", "asio", "detail", "futures", "core"}
RE_REF_LECON = re.compile(r"\\ref\s+lecon_(\d\d)\s+\"([^\"]*)\"")

NOMS_TROP_COMMUNS = {"reset", "get", "size", "empty", "begin", "end", "swap", "data", "clear",
                     "release", "await_ready", "await_suspend", "await_resume"}
PAGES_DOCS = {"glossaire.md": "glossaire", "diagrammes/diagrammes.md": "diagrammes",
              "trace.md": "trace"}


# ─── Les symboles que Doxygen documente ───────────────────────────────────────────────────


class Symboles:
    """Les noms qualifiés documentés, lus dans le fichier d'étiquettes de Doxygen."""

    def __init__(self, chemin_tag):
        self.types = set()  # rt::JoinHandle, rt::sync::Mutex, rt::time::Duration…
        self.fonctions = set()  # rt::spawn, rt::time::sleep, rt::JoinHandle::abort…
        self.autres = set()  # membres qui ne s'appellent pas : rt::RuntimeMetrics::num_workers…
        if chemin_tag is None or not pathlib.Path(chemin_tag).is_file():
            return
        racine = ET.parse(chemin_tag).getroot()
        for compose in racine.findall("compound"):
            genre = compose.get("kind")
            nom = self._sans_modele((compose.findtext("name") or "").strip())
            if not nom.startswith("rt") or "detail" in nom.split("::"):
                continue  # rt::detail : les rouages, pas l'API (EXCLUDE_SYMBOLS)
            if genre in ("class", "struct", "union"):
                self.types.add(nom)
            elif genre != "namespace":
                continue
            for membre in compose.findall("member"):
                nom_membre = (membre.findtext("name") or "").strip()
                genre_membre = membre.get("kind")
                if not nom_membre or genre_membre == "friend":
                    continue
                qualifie = f"{nom}::{nom_membre}"
                if genre_membre in ("typedef", "enumeration"):
                    self.types.add(qualifie)
                elif genre_membre == "function":
                    self.fonctions.add(qualifie)
                else:
                    self.autres.add(qualifie)

    @staticmethod
    def _sans_modele(nom):
        return re.sub(r"<.*>", "", nom)

    def connu(self, nom):
        return nom in self.types or nom in self.fonctions or nom in self.autres

    def suffixes(self):
        """« mpsc::channel » → {rt::sync::mpsc::channel} : chaque fin d'au moins deux noms."""
        index = {}
        for nom in self.types | self.fonctions | self.autres:
            morceaux = nom.split("::")
            for debut in range(1, len(morceaux) - 1):
                index.setdefault("::".join(morceaux[debut:]), set()).add(nom)
        return index

    def noms_courts_des_types(self):
        """Nom court → nom qualifié, pour les types dont le nom court est unique."""
        vus = {}
        for t in self.types:
            court = t.rsplit("::", 1)[-1]
            vus.setdefault(court, []).append(t)
        return {court: noms[0] for court, noms in vus.items() if len(noms) == 1}


def sans_code_rust(texte):
    """Le texte sans ses blocs ```rust : « Semaphore::new » y est du tokio, pas du rt."""
    return re.sub(r"^(\s*)(`{3,}|~{3,})\s*rust\b.*?^\1\2\s*$", "", texte, flags=re.M | re.S)


def symboles_cites(texte, symboles):
    """Les symboles documentés que le texte cite, qualifiés (rt::…)."""
    texte = sans_code_rust(texte)
    trouves = set()
    for m in RE_SYMBOLE.finditer(texte):
        morceaux = m.group(0).split("::")
        # Le plus long préfixe connu : « rt::Task::promise_type » (non documenté) compte pour
        # rt::Task ; « rt::detail::… » ne compte pour rien (rt seul n'est pas retenu).
        for fin in range(len(morceaux), 1, -1):
            nom = "::".join(morceaux[:fin])
            if symboles.connu(nom):
                trouves.add(nom)
                break
    # « JoinHandle::abort », « mpsc::channel », « time::sleep » : un nom partiellement qualifié,
    # s'il désigne un seul symbole de rt (sinon, son type s'il est unique : « Mutex::guard »).
    courts = symboles.noms_courts_des_types()
    suffixes = symboles.suffixes()
    for m in RE_NOM_PARTIEL.finditer(texte):
        morceaux = m.group(0).split("::")
        if morceaux[0] in ESPACES_ETRANGERS:
            continue
        for fin in range(len(morceaux), 1, -1):
            candidats = suffixes.get("::".join(morceaux[:fin]), set())
            if len(candidats) == 1:
                trouves.add(next(iter(candidats)))
                break
        else:
            if morceaux[0] in courts:
                trouves.add(courts[morceaux[0]])
    # « handle.abort() », « mutex.lock() » : un appel de membre, quand un seul des types que la
    # leçon cite a un membre de ce nom (sauf les noms communs à la bibliothèque standard, comme
    # « p.reset() », et le protocole des awaiters, que toute coroutine appelle).
    types_cites = [t for t in trouves if t in symboles.types]
    for m in set(re.findall(r"(?:\.|->)([a-z_]\w*)\(", texte)) - NOMS_TROP_COMMUNS:
        proprietaires = [t for t in types_cites if f"{t}::{m}" in symboles.fonctions]
        if len(proprietaires) == 1:
            trouves.add(f"{proprietaires[0]}::{m}")
    return trouves


def section_api(numero, trouves, symboles):
    types = sorted(n for n in trouves if n in symboles.types)
    appels = sorted(n for n in trouves if n not in symboles.types)
    lignes = ["", "", f"## API utilisée dans ce chapitre {{#lecon_{numero}_api}}", ""]
    if not trouves:
        lignes.append("Cette leçon n'utilise pas encore le runtime rt : elle mesure ce qui "
                      "existe sans lui.")
        return lignes
    lignes += ["Les types et fonctions de rt que cette leçon cite, reliés à leur documentation.",
               ""]
    if types:
        lignes += ["**Types**", ""]
        lignes += [f"- \\ref {n} \"{n}\"" for n in types]
        lignes.append("")
    if appels:
        lignes += ["**Fonctions et membres**", ""]
        lignes += [f"- \\ref {n} \"{n}{'()' if n in symboles.fonctions else ''}\""
                   for n in appels]
        lignes.append("")
    return lignes


# ─── Réécriture d'une leçon ───────────────────────────────────────────────────────────────


class Lecon:
    def __init__(self, racine, dossier, sortie, lecons, images):
        self.racine = racine
        self.dossier = dossier  # chapters/NN-slug
        self.numero = RE_CHAPITRE.match(dossier.name).group(1)
        self.sortie = sortie
        self.lecons = lecons  # numéro → dossier, pour les liens entre leçons
        self.images = images  # dossier où copier les images

    def cible(self, lien):
        """Réécrit la cible d'un lien relatif (ou rend None : le laisser tel quel)."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", lien) or lien.startswith("#"):
            return None  # URL, courriel, ancre
        chemin, _, ancre = lien.partition("#")
        absolu = (self.dossier / chemin).resolve()
        try:
            relatif = absolu.relative_to(self.racine).as_posix()
        except ValueError:
            return ("texte", chemin)
        return self.cible_dans_le_depot(absolu, relatif)

    def cible_dans_le_depot(self, absolu, relatif):
        m = re.match(r"^chapters/(\d\d)-[^/]+/README\.md$", relatif)
        if m and m.group(1) in self.lecons:
            return ("ref", f"lecon_{m.group(1)}")
        if relatif in (f"docs/{p}" for p in PAGES_DOCS):
            return ("ref", PAGES_DOCS[relatif[len("docs/"):]])
        documente = (re.match(r"^chapters/\d\d-[^/]+/exemples/", relatif)
                     or relatif.startswith("runtime/include/")
                     or relatif.startswith("docs/exemples/"))
        if documente and absolu.is_file() and absolu.suffix in (".cpp", ".hpp", ".h"):
            return ("ref", absolu.as_posix())
        return ("texte", relatif)

    def image(self, lien):
        if re.match(r"^[a-z][a-z0-9+.-]*:", lien):
            return None
        absolu = (self.dossier / lien).resolve()
        if not absolu.is_file():
            return None
        if absolu.parent == (self.racine / "docs" / "diagrammes").resolve():
            return absolu.name  # rendu par la construction, dans IMAGE_PATH
        nom = f"lecon{self.numero}_{absolu.name}"
        shutil.copyfile(absolu, self.images / nom)
        return nom

    def lien(self, m):
        image, texte, lien, titre = m.group(1), m.group(2), m.group(3), m.group(4)
        if image:
            nom = self.image(lien)
            return m.group(0) if nom is None else f"![{texte}]({nom}{titre})"
        cible = self.cible(lien)
        if cible is None:
            return m.group(0)
        genre, valeur = cible
        if genre == "ref":
            # Le texte d'un \ref est entre guillemets : pas de markdown dedans.
            propre = texte.replace("`", "").replace('"', "'")
            return f'\\ref {valeur} "{propre}"'
        return f"{texte} (`{valeur}`)" if f"`{valeur}`" not in texte else texte

    def ligne_de_texte(self, ligne):
        if ligne.startswith("#"):
            # Un titre : Doxygen 1.9 écrit « <tt> » en toutes lettres dans la table des matières
            # pour un `code` de titre ; le titre perd ses accents graves.
            ligne = ligne.replace("`", "").replace("<", "&lt;").replace(">", "&gt;")
        # Le gras d'une ligne : « **`unwrap()` sur le `JoinError`** » (un gras qui commence
        # par du code) n'est pas reconnu par Doxygen 1.9, qui laisse les astérisques ; <b> l'est.
        codes = []

        def mettre_de_cote(m):
            codes.append(m.group(0))
            return f"\x00{len(codes) - 1}\x00"

        ligne = re.sub(r"`[^`]*`", mettre_de_cote, ligne)
        ligne = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"<b>\1</b>", ligne)
        ligne = re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], ligne)
        # Les liens, hors des `code` en ligne.
        morceaux = re.split(r"(`[^`]*`)", ligne)
        for i in range(0, len(morceaux), 2):
            morceaux[i] = RE_LIEN.sub(self.lien, morceaux[i])
        for i in range(1, len(morceaux), 2):
            # « `::read` », « `Task<T>::Awaiter` » : pour Doxygen, un « :: » qui ne suit pas un
            # identifiant est un lien explicite (avertissement s'il ne trouve pas le symbole) ;
            # « ::%read » s'affiche « ::read », sans lien.
            morceaux[i] = re.sub(r"(?<![\w:])::(?=[A-Za-z_~])", "::%", morceaux[i])
        ligne = "".join(morceaux)
        return ligne

    @staticmethod
    def replis(ligne):
        """<details><summary>Réponses</summary> … </details> : Doxygen 1.9 ne sait pas les
        replier (il coupe le bloc en morceaux) ; le titre devient un paragraphe en gras."""
        ligne = re.sub(r"<details>\s*<summary>(.*?)</summary>", r"**\1**", ligne)
        ligne = re.sub(r"<summary>(.*?)</summary>", r"**\1**", ligne)
        return re.sub(r"</?details>", "", ligne)

    def produire(self, symboles):
        source = self.dossier / "README.md"
        lignes = source.read_text(encoding="utf-8").splitlines()
        titre = f"Chapitre {self.numero}"
        if lignes and lignes[0].startswith("# "):
            titre = lignes.pop(0)[2:].replace("`", "").strip()
        # Le titre de niveau 1 suivi de {#lecon_NN} nomme la page (lecon_NN.html).
        sortie = [f"# {titre} {{#lecon_{self.numero}}}", "", "[TOC]", ""]
        cloture = None  # la clôture du bloc de code en cours
        genre_bloc = ""
        for ligne in lignes:
            if cloture is None:
                m = RE_CLOTURE.match(ligne)
                if m:
                    cloture, genre_bloc = m.group(2), m.group(3).lower()
                    if genre_bloc in ("dot", "graphviz"):
                        sortie.append("\\dot")
                    elif genre_bloc == "mermaid":
                        sortie.append("*(Un diagramme Mermaid, que ce site ne dessine pas : voyez-le "
                                      f"dans `{self.dossier.relative_to(self.racine).as_posix()}"
                                      "/README.md` sur GitHub.)*")
                    else:
                        sortie.append(ligne)
                    continue
                sortie.append(self.ligne_de_texte(self.replis(ligne)))
                continue
            if ligne.strip().startswith(cloture) and ligne.strip().strip(cloture[0]) == "":
                if genre_bloc in ("dot", "graphviz"):
                    sortie.append("\\enddot")
                elif genre_bloc != "mermaid":
                    sortie.append(ligne)
                cloture = None
                continue
            if genre_bloc != "mermaid":
                sortie.append(ligne)
        texte = source.read_text(encoding="utf-8")
        self.cites = symboles_cites(texte, symboles)
        sortie += section_api(self.numero, self.cites, symboles)
        sortie += self.section_exemples()
        return "\n".join(sortie) + "\n"

    def section_exemples(self):
        exemples = sorted(p for p in (self.dossier / "exemples").glob("*")
                          if p.suffix in (".cpp", ".hpp"))
        if not exemples:
            return []
        lignes = ["", f"## Les exemples compilés du chapitre {{#lecon_{self.numero}_exemples}}", "",
                  "Chacun est construit avec le cours (`cmake --build`) ; sa page montre le code "
                  "complet.", ""]
        lignes += [f"- \\ref {p.as_posix()} \"exemples/{p.name}\"" for p in exemples]
        return lignes


# ─── Programme ────────────────────────────────────────────────────────────────────────────


def page_api_lecons(usages, symboles):
    """La page inverse des sections « API utilisée » : pour chaque type ou fonction de rt, les
    leçons qui le citent."""
    lignes = ["# L'API de rt, leçon par leçon {#api_lecons}", "",
              "Chaque type ou fonction de rt que citent les leçons, et les leçons où le "
              "retrouver (la section « API utilisée dans ce chapitre » de chaque leçon donne le "
              "sens inverse). Un symbole qu'aucune leçon ne cite n'est pas dans ce tableau.", "",
              "| Type ou fonction | Leçons |", "|---|---|"]
    for symbole in sorted(usages, key=lambda n: (n.lower(), n)):
        texte = symbole + ("()" if symbole in symboles.fonctions else "")
        liens = ", ".join(f'\\ref lecon_{n} "{n}"' for n in sorted(usages[symbole]))
        lignes.append(f'| \\ref {symbole} "{texte}" | {liens} |')
    return "\n".join(lignes) + "\n"


def lier_les_lecons(texte, lecons):
    """Relie les numéros de leçon d'une page de docs/ à la page de la leçon : la colonne
    « Chapitre » du glossaire (« | 03, 11 | » en fin de ligne) et les « Leçon 03. » / « Leçons
    06 et 11. » qui ouvrent les paragraphes des diagrammes. Un numéro sans leçon reste du texte."""

    def lien(numero):
        return f'\\ref lecon_{numero} "{numero}"' if numero in lecons else numero

    def numeros(m):
        return re.sub(r"\b\d\d\b", lambda n: lien(n.group(0)), m.group(0))

    texte = re.sub(r"\|\s*\d\d(?:\s*,\s*\d\d)*\s*\|\s*$", numeros, texte, flags=re.M)
    return re.sub(r"^Leçons? \d\d(?:(?:, | et )\d\d)*\.", numeros, texte, flags=re.M)


def ecrire(chemin, contenu):
    chemin.write_text(contenu, encoding="utf-8")


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--racine", required=True, type=pathlib.Path)
    arguments.add_argument("--sortie", required=True, type=pathlib.Path)
    arguments.add_argument("--tag", type=pathlib.Path)
    arguments.add_argument("--accueil", type=pathlib.Path)
    arguments.add_argument("--page", type=pathlib.Path, action="append",
                           help="page de docs/ où relier les numéros de leçon (répétable)")
    options = arguments.parse_args()

    racine = options.racine.resolve()
    sortie = options.sortie
    images = sortie / "images"
    images.mkdir(parents=True, exist_ok=True)
    symboles = Symboles(options.tag)
    if options.tag is not None and not symboles.types:
        print(f"lecons.py : aucun symbole dans {options.tag}", file=sys.stderr)
        return 1

    lecons = {}
    for dossier in sorted((racine / "chapters").iterdir()):
        m = RE_CHAPITRE.match(dossier.name)
        if m and (dossier / "README.md").is_file():
            lecons[m.group(1)] = dossier

    attendus = set()
    usages = {}  # symbole → numéros des leçons qui le citent
    for numero, dossier in lecons.items():
        nom = f"lecon_{numero}.md"
        attendus.add(nom)
        lecon = Lecon(racine, dossier, sortie, lecons, images)
        ecrire(sortie / nom, lecon.produire(symboles))
        for symbole in lecon.cites:
            usages.setdefault(symbole, []).append(numero)
    ecrire(sortie / "api_lecons.md", page_api_lecons(usages, symboles))
    for ancien in sortie.glob("lecon_*.md"):  # une leçon retirée ne reste pas dans le site
        if ancien.name not in attendus:
            ancien.unlink()

    for page in options.page or []:
        ecrire(sortie / page.name, lier_les_lecons(page.read_text(encoding="utf-8"), lecons))

    if options.accueil is not None:
        texte = options.accueil.read_text(encoding="utf-8")
        texte = RE_REF_LECON.sub(
            lambda m: m.group(0) if m.group(1) in lecons else m.group(2), texte)
        ecrire(sortie / "mainpage.md", texte)

    print(f"{len(lecons)} leçon(s) préparée(s) pour Doxygen dans {sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
