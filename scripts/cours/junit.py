"""Résultats de CTest lus dans son rapport JUnit (ctest --output-junit), jamais à l'écran."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .outils import RACINE

# Lignes d'une sortie de test qui disent ce qui ne va pas : erreurs de Boost.Test (vérification
# ratée, exception, signal), message du chien de garde des tests, sanitizers.
MOTIFS_MESSAGES = re.compile(
    r'(error: in "|fatal error: in "|CHIEN DE GARDE|critical check|terminate called|'
    r'^SUMMARY: \w+Sanitizer|^==\d+==ERROR|runtime error:|Test setup error|'
    r'failure occurred in a test case|memory access violation|std::exception|exception: )')


@dataclass
class Resultat:
    nom: str
    statut: str  # « ok », « echec », « absent » (exécutable introuvable), « delai » (trop long)
    duree: float
    sortie: str
    message_ctest: str = ""

    @property
    def reussi(self) -> bool:
        return self.statut == "ok"

    def messages(self) -> list[str]:
        """Toutes les lignes utiles de la sortie d'un test en échec, dans l'ordre."""
        if self.reussi:
            return []
        if self.statut == "absent":
            return ["exécutable de test absent : l'exercice ne compile pas"]
        lignes = [l.rstrip() for l in self.sortie.splitlines()]
        utiles = []
        for l in lignes:
            if MOTIFS_MESSAGES.search(l):
                l = l.replace(str(RACINE) + "/", "").strip()
                # « tests/03-spawn/test_x.cpp(42): error: in "cas": message » → « test_x.cpp:42 : message »
                m = re.match(r'^(?:.*/)?([^/(]+)\((\d+)\): (?:fatal )?error: in "[^"]*": (.*)$', l)
                if m:
                    lieu = "" if m.group(1) == "unknown location" else f"{m.group(1)}:{m.group(2)} : "
                    l = f"{lieu}{m.group(3)}"
                l = re.sub(r"^\*\*\* CHIEN DE GARDE : ", "chien de garde : ", l)
                if l not in utiles:
                    utiles.append(l)
        if self.statut == "delai":
            utiles.append(f"le test a dépassé son délai : CTest l'a arrêté au bout de {self.duree:.0f} s "
                          "(une boucle sans fin, ou une attente que rien ne réveille ?)")
            fin = [l for l in lignes if l.strip() and not l.startswith("Running ")][-5:]
            if fin:
                utiles.append("dernières lignes écrites par le test :")
                utiles += [f"  {l}" for l in fin]
            return utiles
        if not utiles:
            fin = [l for l in lignes if l.strip() and "No errors detected" not in l
                   and not l.startswith("Running ")][-8:]
            utiles = [l.replace(str(RACINE) + "/", "") for l in fin] or [
                f"échec sans message ({self.message_ctest or 'code de sortie non nul'})"]
        return utiles


def _texte(t: str | None) -> str:
    t = t or ""
    t = t.replace("[NON-XML-CHAR-0x1B]", "\x1b")
    t = re.sub(r"\x1b\[[0-9;]*m", "", t)
    return re.sub(r"\[NON-XML-CHAR-0x[0-9A-F]+\]", "", t)


def lire(chemin: Path, delais: dict[str, float] | None = None) -> dict[str, Resultat]:
    """nom du test → Resultat ; dict vide si le fichier manque ou est illisible.

    delais (nom → propriété TIMEOUT de CTest) : le JUnit de CTest 3.25 ne dit pas qu'un test a
    été arrêté pour dépassement de délai ; un échec qui a duré tout son délai en est un."""
    try:
        racine = ET.parse(chemin).getroot()
    except (OSError, ET.ParseError):
        return {}
    resultats = {}
    for tc in racine.iter("testcase"):
        nom = tc.get("name", "")
        statut_ctest = tc.get("status", "")
        sortie = _texte(tc.findtext("system-out"))
        echec = tc.find("failure")
        saute = tc.find("skipped")
        message = ""
        if echec is not None:
            message = echec.get("message", "")
        elif saute is not None:
            message = saute.get("message", "")
        if statut_ctest == "run" and echec is None:
            statut = "ok"
        elif "Unable to find executable" in message or "Unable to find executable" in sortie[:200]:
            statut = "absent"
        else:
            statut = "echec"
        try:
            duree = float(tc.get("time", "0"))
        except ValueError:
            duree = 0.0
        delai = (delais or {}).get(nom)
        if statut == "echec" and ("Timeout" in message or (delai and duree >= delai - 0.05)):
            statut = "delai"
        resultats[nom] = Resultat(nom=nom, statut=statut, duree=duree, sortie=sortie, message_ctest=message)
    return resultats
