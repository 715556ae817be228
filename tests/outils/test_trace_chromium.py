#!/usr/bin/env python3
"""La frise de « ./cours trace » vue par un vrai navigateur : Chromium sans écran.

On dessine deux traces d'exemple (2 et 4 workers), on en fait une capture d'écran
(chromium --headless --screenshot, fenêtre de 1200 × 800) et on lit le PNG (zlib et
struct, bibliothèque standard). Pas d'image de référence au pixel près : la page peint à
gauche de chaque couloir un repère d'une couleur connue (trace_html.REPERES) ; on compte
ces repères de haut en bas dans une colonne de pixels, puis on vérifie que chaque couloir
de worker contient bien des passages dessinés (des pixels qui ne sont pas du fond).

Code 77 (test sauté pour CTest) si Chromium n'est pas installé.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.dont_write_bytecode = True
ICI = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, ICI)
sys.path.insert(0, os.path.join(ICI, "..", "..", "scripts"))

import exemples_traces as ex  # noqa: E402
import trace_html  # noqa: E402

SAUTE = 77
LARGEUR, HAUTEUR = 1200, 800
COLONNE_REPERES = 3          # x dans la bande des repères (0..8 px)
DEBUT_FRISE = 160 + 6 + 2    # GOUTTIERE + MARGE de la page, et un peu plus
FONDS = {(0xf8, 0xf9, 0xfb), (0xee, 0xf0, 0xf4), (0xff, 0xff, 0xff)}


# ─── Lecture d'un PNG (8 bits, RVB ou RVBA, non entrelacé) ───

def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def lire_png(chemin, lignes_max=None):
    """Rend (largeur, hauteur, pixels) : pixels[y] est une ligne d'octets RVB(A).

    lignes_max : ne décoder que les premières lignes (la frise est en haut de la page).
    """
    with open(chemin, "rb") as f:
        octets = f.read()
    if octets[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{chemin} n'est pas un PNG")
    pos, idat = 8, []
    while pos < len(octets):
        longueur, genre = struct.unpack(">I4s", octets[pos:pos + 8])
        corps = octets[pos + 8:pos + 8 + longueur]
        pos += 12 + longueur
        if genre == b"IHDR":
            largeur, hauteur, profondeur, couleur, _, _, entrelace = struct.unpack(">IIBBBBB", corps)
        elif genre == b"IDAT":
            idat.append(corps)
        elif genre == b"IEND":
            break
    if profondeur != 8 or couleur not in (2, 6) or entrelace:
        raise ValueError(f"PNG non pris en charge (profondeur {profondeur}, couleur {couleur})")
    bpp = 3 if couleur == 2 else 4
    pas = largeur * bpp
    brut = zlib.decompress(b"".join(idat))
    lignes, precedente = [], bytearray(pas)
    for y in range(min(hauteur, lignes_max or hauteur)):
        filtre = brut[y * (pas + 1)]
        ligne = bytearray(brut[y * (pas + 1) + 1:(y + 1) * (pas + 1)])
        if filtre == 1:
            for i in range(bpp, pas):
                ligne[i] = (ligne[i] + ligne[i - bpp]) & 255
        elif filtre == 2:
            ligne = bytearray((a + b) & 255 for a, b in zip(ligne, precedente))
        elif filtre == 3:
            for i in range(pas):
                gauche = ligne[i - bpp] if i >= bpp else 0
                ligne[i] = (ligne[i] + ((gauche + precedente[i]) >> 1)) & 255
        elif filtre == 4:
            for i in range(pas):
                a = ligne[i - bpp] if i >= bpp else 0
                c = precedente[i - bpp] if i >= bpp else 0
                ligne[i] = (ligne[i] + _paeth(a, precedente[i], c)) & 255
        lignes.append(ligne)
        precedente = ligne
    return largeur, hauteur, [(l, bpp) for l in lignes]


def pixel(lignes, x, y):
    ligne, bpp = lignes[y]
    return tuple(ligne[x * bpp:x * bpp + 3])


def rvb(hexa):
    return tuple(int(hexa[i:i + 2], 16) for i in (1, 3, 5))


def proche(a, b, tolerance=12):
    return all(abs(u - v) <= tolerance for u, v in zip(a, b))


# ─── Ce que montre la capture ───

def bandes_de_reperes(lignes):
    """Les repères de couloir trouvés de haut en bas : [(y_début, y_fin, indice de couleur)]."""
    couleurs = [rvb(c) for c in trace_html.REPERES]
    bandes, courante = [], None
    for y in range(len(lignes)):
        p = pixel(lignes, COLONNE_REPERES, y)
        indice = next((i for i, c in enumerate(couleurs) if proche(p, c)), None)
        if courante and indice == courante[2] and y == courante[1] + 1:
            courante[1] = y
            continue
        if courante:
            bandes.append(tuple(courante))
        courante = [y, y, indice] if indice is not None else None
    if courante:
        bandes.append(tuple(courante))
    return [b for b in bandes if b[1] - b[0] >= 10]   # un repère fait ~30 px de haut


def pixels_dessines(lignes, y):
    """Nombre de pixels de la ligne y, dans la frise, qui ne sont pas du fond."""
    largeur = len(lignes[y][0]) // lignes[y][1]
    return sum(1 for x in range(DEBUT_FRISE, largeur) if pixel(lignes, x, y) not in FONDS)


def capturer(chromium, page, png, profil):
    commande = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--force-device-scale-factor=1",
                "--force-color-profile=srgb", f"--user-data-dir={profil}",
                f"--screenshot={png}", f"--window-size={LARGEUR},{HAUTEUR}",
                "file://" + os.path.abspath(page)]
    r = subprocess.run(commande, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0 or not os.path.exists(png):
        raise RuntimeError(f"Chromium n'a pas produit de capture (code {r.returncode}) :\n"
                           + r.stderr[-2000:])


def verifier(chromium, dossier, workers):
    """Rend la trace d'exemple à `workers` workers ; rend la liste des problèmes trouvés."""
    trace = ex.trace_exemple(workers=workers, taches=4 * workers, passages=4)
    json_ = os.path.join(dossier, f"w{workers}.json")
    page = os.path.join(dossier, f"w{workers}.html")
    png = os.path.join(dossier, f"w{workers}.png")
    ex.ecrire(trace, json_)
    if trace_html.main([json_, "-o", page]) != 0:
        return ["la page n'a pas été écrite"]
    capturer(chromium, page, png, os.path.join(dossier, f"profil{workers}"))
    largeur, _, lignes = lire_png(png, lignes_max=600)
    problemes = []
    if largeur != LARGEUR:
        problemes.append(f"capture de {largeur} px de large au lieu de {LARGEUR}")
    noms = [nom for _, nom in ex.noms_couloirs(workers)]
    bandes = bandes_de_reperes(lignes)
    trouves = [i for _, _, i in bandes]
    attendus = [i % len(trace_html.REPERES) for i in range(len(noms))]
    if trouves != attendus:
        problemes.append(f"repères de couloir trouvés {trouves}, attendus {attendus} "
                         f"({len(noms)} couloirs : {', '.join(noms)}) ; bandes {bandes}")
        return problemes
    hauteurs = {b[1] - b[0] for b in bandes}
    ecarts = {b2[0] - b1[0] for b1, b2 in zip(bandes, bandes[1:])}
    if max(hauteurs) - min(hauteurs) > 1 or (ecarts and max(ecarts) - min(ecarts) > 1):
        problemes.append(f"couloirs irréguliers : hauteurs {hauteurs}, écarts {ecarts}")
    for (debut, fin, _), nom in zip(bandes, noms):
        milieu = (debut + fin) // 2
        n = pixels_dessines(lignes, milieu)
        if nom.startswith("worker") and n < 10:
            problemes.append(f"couloir « {nom} » : aucun passage dessiné (ligne y={milieu})")
        print(f"  couloir « {nom} » : repère y={debut}..{fin}, {n} pixels dessinés au milieu")
    return problemes


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Chromium n'est pas installé (paquet Debian « chromium », "
              "ou ./cours installer --tout) : test sauté.")
        return SAUTE
    echecs = 0
    with tempfile.TemporaryDirectory(prefix="trace-chromium-") as dossier:
        for workers in (2, 4):
            print(f"Frise à {workers} workers dans Chromium sans écran :")
            problemes = verifier(chromium, dossier, workers)
            for p in problemes:
                print(f"  ✘ {p}")
            if not problemes:
                print(f"  ✔ un couloir par worker et block_on ({workers + 1} couloirs)")
            echecs += len(problemes)
    print(f"trace_chromium: {'échec' if echecs else 'réussi'}")
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
