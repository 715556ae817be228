"""Affichage : couleurs (si terminal), lignes ✔/✘/▸/!, erreurs en français."""

from __future__ import annotations

import os
import sys
from typing import Callable


def _couleurs() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM", "dumb") != "dumb"


if _couleurs():
    GRAS, VERT, ROUGE, JAUNE, BLEU, CYAN, PALE, RAZ = (
        "\x1b[1m", "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[36m", "\x1b[2m", "\x1b[0m")
else:
    GRAS = VERT = ROUGE = JAUNE = BLEU = CYAN = PALE = RAZ = ""
    # Boost.Test colore sa sortie même hors terminal : pas de codes ANSI dans les journaux.
    os.environ.setdefault("BOOST_TEST_COLOR_OUTPUT", "no")


class Erreur(Exception):
    """Erreur destinée à l'utilisateur : message en français, code de sortie."""

    def __init__(self, message: str, code: int = 1, suite: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.suite = suite  # texte affiché après le message (sur stderr)


def p(texte: str = "") -> None:
    print(texte, flush=True)


def titre(texte: str) -> None:
    p(f"\n{GRAS}{BLEU}══ {texte} ══{RAZ}")


def info(texte: str) -> None:
    p(f"{BLEU}▸{RAZ} {texte}")


def ok(texte: str) -> None:
    p(f"{VERT}✔{RAZ} {texte}")


def ko(texte: str) -> None:
    p(f"{ROUGE}✘{RAZ} {texte}")


def attention(texte: str) -> None:
    p(f"{JAUNE}!{RAZ} {texte}")


def erreur(texte: str) -> None:
    sys.stdout.flush()
    print(f"{ROUGE}{GRAS}erreur :{RAZ} {texte}", file=sys.stderr, flush=True)


def decimal(x: float, chiffres: int = 1) -> str:
    """12.5 → « 12,5 » (virgule décimale à la française)."""
    return f"{x:.{chiffres}f}".replace(".", ",")


def duree(secondes: float) -> str:
    return f"{decimal(secondes)} s"


def executer(corps: Callable[[], int], prevues: tuple[type[Exception], ...] = ()) -> int:
    """Lance le corps d'une commande et rend son code de sortie. Une Erreur, ou une des
    exceptions `prevues` (dont le message est déjà en français), devient un message sur stderr
    et un code non nul ; Ctrl-C rend 130 sans trace Python ; un tube fermé (« | head »), 1."""
    try:
        return corps()
    except Erreur as e:
        erreur(e.message)
        if e.suite:
            print(e.suite, file=sys.stderr)
        return e.code
    except prevues as e:
        erreur(str(e))
        return 1
    except KeyboardInterrupt:
        print("\ninterrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
