"""Lecture du manifeste du cours (cours.toml, à la racine du dépôt).

Le manifeste décrit les chapitres (numéro, dossier, titre de la section de l'article, ce
qu'on y construit, état) et, pour chacun, ses exercices (id, genre, titre, fichiers à
compléter, tests notés avec leurs points). Tout le reste de l'outil (et la notation) le lit
par ce module :

    from cours import manifeste
    cours = manifeste.charger(racine)          # racine : pathlib.Path du dépôt
    ch = cours.chapitre("03")                  # ou None
    ex = ch.exercice("mini_executor")          # ou None
    ex.tests  -> [Test(nom="ch03.mini_ordre_fifo", points=1), ...]

Une erreur de format lève ManifesteInvalide (message en français).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

NOM_FICHIER = "cours.toml"
ETATS = ("disponible", "à venir")
GENRES = ("construire", "utiliser")


class ManifesteInvalide(Exception):
    """Le manifeste est absent ou mal formé (message en français)."""


@dataclass(frozen=True)
class Test:
    nom: str
    points: int = 1


@dataclass
class Exercice:
    id: str
    genre: str
    titre: str
    fichiers: list[str]
    tests: list[Test]
    chapitre: "Chapitre" = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    @property
    def points(self) -> int:
        return sum(t.points for t in self.tests)

    @property
    def label(self) -> str:
        """Label CTest de l'exercice (« ch03-mini_executor »)."""
        return f"ch{self.chapitre.numero}-{self.id}"

    @property
    def cible(self) -> str:
        """Programme de tests de l'exercice (« test_ch03_mini_executor »)."""
        return f"test_ch{self.chapitre.numero}_{self.id}"

    def chemins(self, racine: Path) -> list[Path]:
        """Les fichiers à compléter (chapters/NN-slug/exercices/…)."""
        return [racine / "chapters" / self.chapitre.slug / "exercices" / f for f in self.fichiers]

    def chemins_solution(self, racine: Path) -> list[Path]:
        return [racine / "solutions" / self.chapitre.slug / f for f in self.fichiers]


@dataclass
class Chapitre:
    numero: str
    slug: str
    titre: str
    construit: str
    etat: str
    exercices: list[Exercice]

    @property
    def disponible(self) -> bool:
        return self.etat == "disponible"

    @property
    def label(self) -> str:
        return f"ch{self.numero}"

    def exercice(self, id_: str) -> Exercice | None:
        for e in self.exercices:
            if e.id == id_:
                return e
        return None

    @property
    def tests(self) -> list[Test]:
        return [t for e in self.exercices for t in e.tests]

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercices)


@dataclass
class Cours:
    racine: Path
    chapitres: list[Chapitre]

    def chapitre(self, numero: str) -> Chapitre | None:
        n = normaliser_numero(numero)
        for c in self.chapitres:
            if c.numero == n:
                return c
        return None

    def exercices(self) -> list[Exercice]:
        return [e for c in self.chapitres for e in c.exercices]

    def exercice_du_test(self, nom: str) -> Exercice | None:
        for e in self.exercices():
            if any(t.nom == nom for t in e.tests):
                return e
        return None


def normaliser_numero(texte: str) -> str | None:
    """« 3 », « 03 » ou « 03-spawn » → « 03 » ; None si ce n'est pas un numéro."""
    tete = str(texte).split("-", 1)[0]
    if not re.fullmatch(r"[0-9]{1,2}", tete):
        return None
    return f"{int(tete):02d}"


def _chaine(d: dict, cle: str, ou: str) -> str:
    v = d.get(cle)
    if not isinstance(v, str) or not v:
        raise ManifesteInvalide(f"{ou} : « {cle} » manque ou n'est pas une chaîne non vide")
    return v


def depuis_dict(racine: Path, donnees: dict, source: str = NOM_FICHIER) -> Cours:
    chapitres = []
    vus = set()
    for i, c in enumerate(donnees.get("chapitre", []), 1):
        ou = f"{source}, chapitre n° {i}"
        numero = _chaine(c, "numero", ou)
        if not re.fullmatch(r"[0-9]{2}", numero):
            raise ManifesteInvalide(f"{ou} : numero = « {numero} » (deux chiffres attendus)")
        ou = f"{source}, chapitre {numero}"
        if numero in vus:
            raise ManifesteInvalide(f"{ou} : numéro en double")
        vus.add(numero)
        slug = _chaine(c, "slug", ou)
        if not slug.startswith(numero + "-"):
            raise ManifesteInvalide(f"{ou} : le slug « {slug} » doit commencer par « {numero}- »")
        etat = _chaine(c, "etat", ou)
        if etat not in ETATS:
            raise ManifesteInvalide(f"{ou} : etat = « {etat} » (attendu : {' ou '.join(ETATS)})")
        ch = Chapitre(numero=numero, slug=slug, titre=_chaine(c, "titre", ou),
                      construit=_chaine(c, "construit", ou), etat=etat, exercices=[])
        ids = set()
        for e in c.get("exercice", []):
            oue = f"{ou}, exercice {e.get('id', '?')}"
            id_ = _chaine(e, "id", oue)
            if not re.fullmatch(r"[a-z0-9_]+", id_):
                raise ManifesteInvalide(f"{oue} : id invalide (lettres minuscules, chiffres, _)")
            if id_ in ids:
                raise ManifesteInvalide(f"{oue} : id en double")
            ids.add(id_)
            genre = _chaine(e, "genre", oue)
            if genre not in GENRES:
                raise ManifesteInvalide(f"{oue} : genre = « {genre} » (attendu : {' ou '.join(GENRES)})")
            fichiers = e.get("fichiers")
            if not isinstance(fichiers, list) or not fichiers or not all(isinstance(f, str) for f in fichiers):
                raise ManifesteInvalide(f"{oue} : « fichiers » doit être une liste non vide de chemins")
            tests = []
            for t in e.get("tests", []):
                if not isinstance(t, dict) or not isinstance(t.get("nom"), str):
                    raise ManifesteInvalide(f"{oue} : chaque test est {{ nom = \"chNN.cas\", points = 1 }}")
                pts = t.get("points", 1)
                if not isinstance(pts, int) or pts < 0:
                    raise ManifesteInvalide(f"{oue}, test {t['nom']} : points doit être un entier positif")
                if not t["nom"].startswith(f"ch{numero}."):
                    raise ManifesteInvalide(f"{oue} : le test « {t['nom']} » doit commencer par « ch{numero}. »")
                tests.append(Test(nom=t["nom"], points=pts))
            ex = Exercice(id=id_, genre=genre, titre=_chaine(e, "titre", oue), fichiers=list(fichiers),
                          tests=tests)
            ex.chapitre = ch
            ch.exercices.append(ex)
        chapitres.append(ch)
    if not chapitres:
        raise ManifesteInvalide(f"{source} : aucun chapitre ([[chapitre]])")
    chapitres.sort(key=lambda c: c.numero)
    return Cours(racine=racine, chapitres=chapitres)


def charger(racine: Path | str) -> Cours:
    """Lit racine/cours.toml ; lève ManifesteInvalide (message en français) en cas de souci."""
    racine = Path(racine)
    chemin = racine / NOM_FICHIER
    try:
        with open(chemin, "rb") as f:
            donnees = tomllib.load(f)
    except FileNotFoundError:
        raise ManifesteInvalide(f"manifeste introuvable : {chemin}") from None
    except tomllib.TOMLDecodeError as e:
        raise ManifesteInvalide(f"{NOM_FICHIER} n'est pas un TOML valide : {e}") from None
    return depuis_dict(racine, donnees)
