"""Les indices d'un chapitre (chapters/NN-slug/indices.md), par exercice, étape et niveau.

Format (voir /work/shared ou le README des chapitres) :

    # Indices — chapitre 03
    (paragraphe)
    ## Exercice `mini_executor` — Le mini-exécuteur
    ### Étape 1 — <titre>
    #### L'idée
    #### L'API
    #### Le code
    ### Étape 2 — …

Les blocs de code délimités (``` ou ~~~) sont recopiés tels quels : leurs lignes « # » ne
sont pas des titres. Un fichier mal formé lève IndicesInvalides (message en français, avec le
numéro de ligne).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

NIVEAUX = ("L'idée", "L'API", "Le code")


class IndicesInvalides(Exception):
    pass


@dataclass
class Etape:
    numero: int
    titre: str
    niveaux: list[str] = field(default_factory=list)  # texte de chaque niveau, dans l'ordre


@dataclass
class IndicesExercice:
    id: str
    titre: str
    etapes: list[Etape] = field(default_factory=list)


def _apostrophes(t: str) -> str:
    return t.replace("’", "'").strip()


def lire(chemin: Path) -> dict[str, IndicesExercice]:
    """id d'exercice → ses indices. Lève IndicesInvalides si le format n'est pas respecté."""
    try:
        lignes = chemin.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise IndicesInvalides(f"{chemin} illisible : {e.strerror}") from None
    exercices: dict[str, IndicesExercice] = {}
    ex: IndicesExercice | None = None
    etape: Etape | None = None
    niveau: list[str] | None = None
    clot = None  # délimiteur du bloc de code en cours, ou None

    def erreur(n: int, texte: str) -> IndicesInvalides:
        return IndicesInvalides(f"{chemin}, ligne {n} : {texte}")

    def fermer_etape(n: int) -> None:
        if etape is not None and len(etape.niveaux) != len(NIVEAUX):
            manquants = ", ".join(f"« #### {x} »" for x in NIVEAUX[len(etape.niveaux):])
            raise erreur(n, f"l'étape {etape.numero} de l'exercice « {ex.id} » n'a pas ses trois niveaux "
                            f"(il manque {manquants})")

    for n, ligne in enumerate(lignes, 1):
        if clot is not None:
            if ligne.strip().startswith(clot):
                clot = None
            if niveau is not None:
                niveau.append(ligne)
            continue
        m = re.match(r"^\s*(```+|~~~+)", ligne)
        if m:
            clot = m.group(1)
            if niveau is not None:
                niveau.append(ligne)
            elif ex is not None:
                raise erreur(n, "bloc de code hors d'un niveau « #### »")
            continue
        if ligne.startswith("#### "):
            nom = _apostrophes(ligne[5:])
            if etape is None:
                raise erreur(n, f"niveau « {nom} » hors d'une étape « ### Étape K — … »")
            attendu = NIVEAUX[len(etape.niveaux)] if len(etape.niveaux) < len(NIVEAUX) else None
            if attendu is None:
                raise erreur(n, f"l'étape {etape.numero} a déjà ses trois niveaux ; « #### {nom} » en trop")
            if nom != attendu:
                raise erreur(n, f"niveau « {nom} » inattendu : « #### {attendu} » était attendu "
                                f"(ordre : {', '.join(NIVEAUX)})")
            niveau = []
            etape.niveaux.append("")  # rempli à la fin
            etape._lignes = getattr(etape, "_lignes", []) + [niveau]  # type: ignore[attr-defined]
            continue
        if ligne.startswith("### "):
            fermer_etape(n)
            m = re.match(r"^### +[ÉE]tape +(\d+) *(?:[—–-] *(.*))?$", ligne)
            if not m:
                raise erreur(n, f"titre d'étape mal formé : « {ligne} » (attendu : « ### Étape K — titre »)")
            if ex is None:
                raise erreur(n, "étape hors d'une section « ## Exercice `id` — titre »")
            k = int(m.group(1))
            if k != len(ex.etapes) + 1:
                raise erreur(n, f"étape {k} de l'exercice « {ex.id} » : l'étape {len(ex.etapes) + 1} était attendue")
            etape = Etape(numero=k, titre=(m.group(2) or "").strip())
            ex.etapes.append(etape)
            niveau = None
            continue
        if ligne.startswith("## "):
            fermer_etape(n)
            m = re.match(r"^## +Exercice +`([a-z0-9_]+)` *(?:[—–-] *(.*))?$", ligne)
            if not m:
                raise erreur(n, f"section mal formée : « {ligne} » (attendu : « ## Exercice `id` — titre »)")
            id_ = m.group(1)
            if id_ in exercices:
                raise erreur(n, f"deux sections pour l'exercice « {id_} »")
            ex = IndicesExercice(id=id_, titre=(m.group(2) or "").strip())
            exercices[id_] = ex
            etape = None
            niveau = None
            continue
        if ligne.startswith("# "):
            if ex is not None:
                raise erreur(n, f"titre « # » au milieu du fichier : « {ligne} »")
            continue
        if niveau is not None:
            niveau.append(ligne)
        elif etape is not None and ligne.strip():
            raise erreur(n, f"texte entre le titre de l'étape {etape.numero} et son premier niveau « #### L'idée »")
    if clot is not None:
        raise erreur(len(lignes), f"bloc de code non fermé (« {clot} » manquant)")
    fermer_etape(len(lignes))
    for ex_ in exercices.values():
        if not ex_.etapes:
            raise IndicesInvalides(f"{chemin} : l'exercice « {ex_.id} » n'a aucune étape")
        for et in ex_.etapes:
            et.niveaux = ["\n".join(b).strip("\n") for b in getattr(et, "_lignes", [])]
            for i, texte in enumerate(et.niveaux):
                if not texte.strip():
                    raise IndicesInvalides(f"{chemin} : exercice « {ex_.id} », étape {et.numero}, "
                                           f"niveau « {NIVEAUX[i]} » vide")
    if not exercices:
        raise IndicesInvalides(f"{chemin} : aucune section « ## Exercice `id` — titre »")
    return exercices


# ─── État : ce que l'étudiant a déjà demandé (build/indices/chNN-id.json) ─────────────────

def chemin_etat(racine: Path, numero: str, id_: str) -> Path:
    return racine / "build" / "indices" / f"ch{numero}-{id_}.json"


def lire_etat(racine: Path, numero: str, id_: str) -> tuple[int, int]:
    """(étape, niveau) du dernier indice montré ; (0, 0) si aucun."""
    try:
        d = json.loads(chemin_etat(racine, numero, id_).read_text(encoding="utf-8"))
        e, n = int(d["etape"]), int(d["niveau"])
        if e >= 1 and 1 <= n <= len(NIVEAUX):
            return e, n
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return 0, 0


def ecrire_etat(racine: Path, numero: str, id_: str, etape: int, niveau: int) -> None:
    f = chemin_etat(racine, numero, id_)
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"etape": etape, "niveau": niveau}) + "\n", encoding="utf-8")


def suivant(etat: tuple[int, int], nb_etapes: int) -> tuple[int, int] | None:
    """Le niveau à montrer après etat ; None s'il n'y en a plus."""
    e, n = etat
    if e == 0:
        return (1, 1)
    if n < len(NIVEAUX):
        return (e, n + 1)
    if e < nb_etapes:
        return (e + 1, 1)
    return None
