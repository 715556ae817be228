#!/usr/bin/env python3
"""trace_html.py — une trace du runtime rt devient une page HTML autonome (frise des tâches).

Usage :
    python3 scripts/trace_html.py TRACE.json [-o PAGE.html] [--titre TITRE]

Sans -o, la page est écrite à côté de la trace (même nom, extension .html). La page est un
seul fichier : CSS, JavaScript et données y sont inclus ; elle s'ouvre hors ligne dans
n'importe quel navigateur. D'ordinaire on ne lance pas ce script soi-même : c'est
« ./cours trace PROGRAMME » qui exécute le programme avec RT_TRACE puis l'appelle.

Codes de sortie : 0 la page est écrite (éventuellement avec des avertissements sur la
sortie d'erreur : trace tronquée, vide, événements ignorés) ; 1 la trace est illisible
(fichier absent, vide, pas du JSON, tronquée avant le premier événement) ; 2 mauvais usage.

Le format lu
============

Le format « Chrome trace event » (il s'ouvre aussi dans Perfetto ou chrome://tracing) :

    {"traceEvents": [...], "displayTimeUnit": "ns",
     "otherData": {"runtime": "rt", "flavor": "multi_thread", "workers": 2}}

(un simple tableau d'événements est accepté aussi). Tous les événements ont "pid": 1.
"tid" est un couloir : 0..N-1 les workers (en current_thread, 0 est le thread de block_on),
N le thread qui appelle block_on en multi_thread, N+1… les autres threads (threads
étrangers, pool bloquant). "ts" et "dur" sont en microsecondes (nombres à virgule).

    ph  cat    name          args                       ce que c'est
    M   -      process_name  {"name": "rt"}             nom du processus
    M   -      thread_name   {"name": "worker 0"}       nom du couloir tid
    X   poll   NOM_TÂCHE     {"task": ID}               un passage (poll) de la tâche, ts + dur
    i   spawn  spawn         {"task", "name", "parent"} lancement (parent : ID ou null)
    i   wake   wake          {"task": ID}               réveil, tid = couloir de qui réveille
    i   steal  steal         {"from": COULOIR, "count"} vol de travail, tid = le voleur
    X   park   park          -                          un worker endormi, ts + dur
    i   task   complete      {"task", "outcome"}        fin : "ok", "panic" ou "cancelled"

Ce que la page montre
=====================

Un couloir horizontal par thread (nommé par son thread_name), le temps de gauche à droite :
chaque passage est un rectangle de la couleur de sa tâche (la couleur ne dépend que de
l'identifiant : la même tâche a la même couleur d'une trace à l'autre), les mises en
sommeil sont hachurées en gris, les réveils sont de petits triangles reliés par un trait
fin au passage suivant de la tâche réveillée, les vols sont des losanges orange sur le
couloir du voleur, les lancements des points verts, les fins des traits verticaux (rouge :
panique, gris : annulée). La molette zoome, un glisser déplace, un double-clic montre tout ;
le survol d'un élément donne la tâche, son identifiant, le début et la durée.

Être tolérant
=============

Les événements d'une catégorie inconnue sont ignorés, ceux auxquels il manque un champ
sont comptés et ignorés, l'ordre du fichier n'a pas d'importance. Une trace tronquée (le
programme a été tué pendant l'écriture) est lue jusqu'au dernier événement complet et la
page le signale. Une très grosse trace (un million d'événements) reste affichable : au-delà
de quelques dizaines de milliers d'éléments, les passages plus étroits qu'un pixel à plein
dézoom sont agrégés par tranche de temps et les marques regroupées ; la page dit combien.

Ce script n'utilise que la bibliothèque standard de Python 3.
"""

import colorsys
import html
import json
import math
import os
import re
import sys
import zlib
from bisect import bisect_left

# ─── Réglages ────────────────────────────────────────────────────────────────────────────

# Largeur de référence (en pixels) de la frise entièrement dézoomée : un « pixel » de
# réduction vaut durée_totale / LARGEUR_REFERENCE.
LARGEUR_REFERENCE = 2000

# Nombre maximal d'éléments de chaque sorte écrits dans la page (au-delà : agrégation).
MAX_PASSAGES = 60_000
MAX_AGREGATS = 40_000
MAX_MARQUES = 20_000      # pour chaque sorte de marque : réveils, lancements, fins, vols
MAX_SOMMEILS = 20_000
MAX_TACHES = 50_000       # tâches décrites en entier (les autres : seulement si dessinées)

# Couleurs des repères de couloir (la bande étroite à gauche de chaque couloir). Le test
# dans Chromium les cherche dans la capture d'écran : une couleur par couloir, en cycle.
REPERES = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
           "#46f0f0", "#f032e6", "#808000", "#008080", "#9a6324"]

ISSUES = {"ok": 0, "panic": 1, "cancelled": 2}


class TraceIllisible(Exception):
    """La trace ne peut pas être lue ; le message (en français) dit pourquoi."""


# ─── Lecture du JSON, événement par événement ────────────────────────────────────────────

_DECODEUR = json.JSONDecoder()
_BLANCS = re.compile(r"[ \t\n\r]*")


class _Tronquee(Exception):
    """Le texte s'arrête avant la fin du JSON."""


_LITTERAL_ENTAME = re.compile(r"[0-9A-Za-z.+\-]*")


def _coupe_net(texte, e):
    """L'erreur de décodage vient-elle de la fin du texte (fichier tronqué) ?

    Oui si elle est à la fin, dans une chaîne jamais fermée, ou dans un nombre ou un mot
    (true, null…) entamé qui va jusqu'à la fin : « 12. », « nu ».
    """
    reste = texte[e.pos:].rstrip()
    return (not reste or e.msg.startswith("Unterminated string")
            or _LITTERAL_ENTAME.fullmatch(reste) is not None)


class _LecteurJson:
    """Parcourt le texte d'une trace sans tout charger en objets Python d'un coup.

    Chaque événement est décodé seul (json.JSONDecoder.raw_decode) puis donné à une
    fonction : une trace d'un million d'événements ne vit jamais entière en dictionnaires,
    et une trace tronquée rend tous ses événements complets.
    """

    def __init__(self, texte):
        self.texte = texte
        self.pos = 0

    def caractere(self):
        """Le prochain caractère significatif ('' à la fin du texte), sans l'avancer."""
        self.pos = _BLANCS.match(self.texte, self.pos).end()
        return self.texte[self.pos:self.pos + 1]

    def attendre(self, attendus):
        """Consomme un des caractères attendus et le rend ; sinon erreur ou troncature."""
        c = self.caractere()
        if c == "":
            raise _Tronquee()
        if c not in attendus:
            self.erreur(f"« {' ou '.join(attendus)} » attendu, « {c} » trouvé")
        self.pos += 1
        return c

    def valeur(self):
        """Décode une valeur JSON complète à la position courante."""
        self.caractere()
        try:
            v, self.pos = _DECODEUR.raw_decode(self.texte, self.pos)
        except json.JSONDecodeError as e:
            if _coupe_net(self.texte, e):
                raise _Tronquee() from None
            self.pos = e.pos
            self.erreur(f"JSON invalide ({e.msg})")
        return v

    def erreur(self, message):
        ligne = self.texte.count("\n", 0, self.pos) + 1
        colonne = self.pos - (self.texte.rfind("\n", 0, self.pos) + 1) + 1
        raise TraceIllisible(f"{message}, ligne {ligne}, colonne {colonne}")

    def tableau(self, recevoir):
        """Lit « [ év, év, … ] » (le « [ » déjà consommé) ; recevoir(év) pour chacun."""
        if self.caractere() == "]":
            self.pos += 1
            return
        while True:
            recevoir(self.valeur())
            if self.attendre(",]") == "]":
                return
            if self.caractere() == "]":   # virgule finale tolérée
                self.pos += 1
                return


def lire_json_trace(texte, recevoir):
    """Lit le texte d'une trace ; recevoir(év) pour chaque événement.

    Rend (autres_champs, tronquee) : les champs de l'objet racine autres que traceEvents
    (otherData…), et True si le texte s'arrête avant la fin.
    """
    lecteur = _LecteurJson(texte)
    autres = {}
    try:
        debut = lecteur.caractere()
        if debut == "[":
            lecteur.pos += 1
            lecteur.tableau(recevoir)
        elif debut == "{":
            lecteur.pos += 1
            if lecteur.caractere() == "}":
                lecteur.pos += 1
            else:
                while True:
                    cle = lecteur.valeur()
                    if not isinstance(cle, str):
                        lecteur.erreur("nom de champ attendu")
                    lecteur.attendre(":")
                    if cle == "traceEvents":
                        lecteur.attendre("[")
                        lecteur.tableau(recevoir)
                    else:
                        autres[cle] = lecteur.valeur()
                    if lecteur.attendre(",}") == "}":
                        break
        else:
            raise TraceIllisible(
                "ce n'est pas une trace au format Chrome (un objet JSON « { \"traceEvents\": "
                "[…] } » ou un tableau d'événements était attendu)")
        if lecteur.caractere() != "":
            lecteur.erreur("texte en trop après la fin du JSON")
    except _Tronquee:
        return autres, True
    return autres, False


# ─── Les événements, rangés par sorte ────────────────────────────────────────────────────

def _nombre(v):
    """Un nombre fini (int ou float, pas un booléen) ou None."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return v
    return None


def _id_tache(v):
    """Identifiant de tâche : un entier de préférence, sinon une chaîne non vide ; ou None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v:
        return int(v) if v.isdigit() else v
    return None


def _ns(us):
    """Microsecondes (la trace) → nanosecondes entières (la page)."""
    return int(round(us * 1000))


class Trace:
    """Tout ce qu'une trace contient, rangé par sorte d'événement (temps en ns absolus)."""

    def __init__(self):
        self.noms_couloirs = {}   # tid → nom donné par thread_name
        self.nom_processus = None
        self.passages = []        # (tid, début, durée, tâche)
        self.sommeils = []        # (tid, début, durée)
        self.reveils = []         # (tid, t, tâche)
        self.vols = []            # (tid, t, couloir volé ou None, nombre de tâches)
        self.lancements = []      # (tid, t, tâche, parent)
        self.fins = []            # (tid, t, tâche, issue)
        self.noms_taches = {}     # tâche → nom (spawn, sinon le nom des passages)
        self.autres = {}          # champs racine autres que traceEvents (otherData…)
        self.tronquee = False
        self.nb_evenements = 0
        self.invalides = 0        # événements connus auxquels il manque un champ
        self.inconnus = 0         # catégories ou phases ignorées

    def ajouter(self, ev):
        """Range un événement décodé (un dict) ; ignore ce qui n'est pas compris."""
        self.nb_evenements += 1
        if not isinstance(ev, dict):
            self.invalides += 1
            return
        ph = ev.get("ph")
        args = ev.get("args")
        if not isinstance(args, dict):
            args = {}
        if ph == "M":
            self._metadonnee(ev, args)
            return
        tid = _id_tache(ev.get("tid"))
        ts = _nombre(ev.get("ts"))
        cat = ev.get("cat")
        if ph == "X" and cat in ("poll", "park"):
            dur = _nombre(ev.get("dur"))
            if not isinstance(tid, int) or ts is None or dur is None or dur < 0:
                self.invalides += 1
            elif cat == "park":
                self.sommeils.append((tid, _ns(ts), _ns(dur)))
            else:
                self._passage(tid, ts, dur, ev.get("name"), _id_tache(args.get("task")))
        elif ph in ("i", "I") and cat in ("spawn", "wake", "steal", "task"):
            if not isinstance(tid, int) or ts is None:
                self.invalides += 1
            else:
                self._instant(cat, ev.get("name"), tid, _ns(ts), args)
        else:
            self.inconnus += 1

    def _metadonnee(self, ev, args):
        nom = args.get("name")
        if ev.get("name") == "thread_name":
            tid = _id_tache(ev.get("tid"))
            if isinstance(tid, int) and isinstance(nom, str):
                self.noms_couloirs[tid] = nom
            else:
                self.invalides += 1
        elif ev.get("name") == "process_name" and isinstance(nom, str):
            self.nom_processus = nom
        else:
            self.inconnus += 1

    def _passage(self, tid, ts, dur, nom, tache):
        if tache is None:
            self.invalides += 1
            return
        self.passages.append((tid, _ns(ts), _ns(dur), tache))
        if isinstance(nom, str) and tache not in self.noms_taches:
            self.noms_taches[tache] = nom

    def _instant(self, cat, nom, tid, t, args):
        if cat == "steal":
            depuis = _id_tache(args.get("from"))
            nombre = _nombre(args.get("count"))
            self.vols.append((tid, t, depuis if isinstance(depuis, int) else None,
                              int(nombre) if nombre is not None else 1))
            return
        tache = _id_tache(args.get("task"))
        if tache is None:
            self.invalides += 1
        elif cat == "wake":
            self.reveils.append((tid, t, tache))
        elif cat == "spawn":
            self.lancements.append((tid, t, tache, _id_tache(args.get("parent"))))
            if isinstance(args.get("name"), str):
                self.noms_taches[tache] = args["name"]
        elif nom == "complete":
            issue = args.get("outcome")
            self.fins.append((tid, t, tache, issue if issue in ISSUES else "ok"))
        else:
            self.inconnus += 1


def lire_trace(chemin):
    """Lit le fichier de trace ; lève TraceIllisible (message en français) s'il ne va pas."""
    try:
        with open(chemin, "rb") as f:
            octets = f.read()
    except FileNotFoundError:
        raise TraceIllisible(f"fichier de trace introuvable : {chemin}") from None
    except OSError as e:
        raise TraceIllisible(f"impossible de lire {chemin} : {e.strerror}") from None
    if not octets.strip():
        raise TraceIllisible(
            f"le fichier de trace {chemin} est vide : le programme a-t-il été tué avant "
            "d'écrire sa trace ?")
    try:
        texte = octets.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TraceIllisible(
            f"{chemin} n'est pas du texte UTF-8 (octet {e.start}) : est-ce bien une trace ?"
        ) from None
    trace = Trace()
    try:
        trace.autres, trace.tronquee = lire_json_trace(texte, trace.ajouter)
    except TraceIllisible as e:
        raise TraceIllisible(f"{chemin} : {e}") from None
    if trace.tronquee and trace.nb_evenements == 0:
        raise TraceIllisible(
            f"la trace {chemin} est tronquée avant son premier événement ({len(octets)} "
            "octets) : le programme a sans doute été tué pendant qu'il l'écrivait.")
    return trace


# ─── Couleurs ────────────────────────────────────────────────────────────────────────────

def couleur_tache(tache):
    """Couleur stable d'une tâche : ne dépend que de son identifiant (« #rrggbb »).

    Les teintes successives sont écartées de l'angle d'or (137,5°) : deux tâches aux
    identifiants voisins ont des couleurs bien distinctes ; la luminosité varie aussi.
    """
    n = tache if isinstance(tache, int) else zlib.crc32(str(tache).encode("utf-8"))
    teinte = (n * 137.508) % 360 / 360
    clarte = (0.45, 0.58, 0.36)[n % 3]
    r, g, b = colorsys.hls_to_rgb(teinte, clarte, 0.68)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def couleur_repere(indice):
    """Couleur du repère du couloir numéro indice (dans l'ordre d'affichage)."""
    return REPERES[indice % len(REPERES)]


# ─── Préparation des données de la page (temps relatifs, réduction) ──────────────────────

def _origine_et_duree(trace):
    """Premier instant de la trace et durée totale (ns), tous événements confondus."""
    debuts = []
    fins = []
    for liste, avec_duree in ((trace.passages, True), (trace.sommeils, True),
                              (trace.reveils, False), (trace.vols, False),
                              (trace.lancements, False), (trace.fins, False)):
        if liste:
            debuts.append(min(e[1] for e in liste))
            fins.append(max(e[1] + e[2] for e in liste) if avec_duree
                        else max(e[1] for e in liste))
    if not debuts:
        return 0, 0
    return min(debuts), max(fins) - min(debuts)


def _couloirs(trace):
    """Les tid à afficher, dans l'ordre : nommés ou portant au moins un événement."""
    tids = set(trace.noms_couloirs)
    for liste in (trace.passages, trace.sommeils, trace.reveils, trace.vols,
                  trace.lancements, trace.fins):
        tids.update(e[0] for e in liste)
    return sorted(tids)


def _prochains_passages(trace):
    """Pour chaque tâche : débuts triés de ses passages et couloir de chacun (liens réveil)."""
    par_tache = {}
    for tid, debut, _, tache in trace.passages:
        par_tache.setdefault(tache, []).append((debut, tid))
    for liste in par_tache.values():
        liste.sort()
    return {t: ([d for d, _ in l], [c for _, c in l]) for t, l in par_tache.items()}


def _pixel(duree):
    """Durée (ns) d'un pixel quand toute la trace tient dans LARGEUR_REFERENCE pixels."""
    return max(1.0, duree / LARGEUR_REFERENCE)


def regrouper_marques(marques, duree, budget, cle=lambda m: ()):
    """Au plus `budget` marques : au-delà, une seule par couloir, tranche de temps et clé.

    marques : tuples (couloir, t, …). Rend les tuples avec, en plus, le nombre de marques
    que chacune représente. La tranche commence à un pixel et double tant qu'il y en a trop.
    """
    if len(marques) <= budget:
        return [m + (1,) for m in marques], False
    tranche = _pixel(duree)
    while True:
        groupes = {}
        for m in marques:
            k = (m[0], int(m[1] // tranche), cle(m))
            g = groupes.get(k)
            if g is None:
                groupes[k] = [m, 1]
            else:
                g[1] += 1
        if len(groupes) <= budget:
            return [m + (n,) for m, n in groupes.values()], True
        tranche *= 2


def fusionner_sommeils(sommeils, duree, budget):
    """Au plus `budget` sommeils : au-delà, ceux d'un couloir séparés de moins d'une
    tranche sont fusionnés (la tranche double tant qu'il y en a trop)."""
    if len(sommeils) <= budget:
        return [s + (1,) for s in sommeils], False
    tranche = _pixel(duree)
    tries = sorted(sommeils)
    while True:
        fusion = []
        for c, debut, dur in tries:
            dernier = fusion[-1] if fusion else None
            if dernier and dernier[0] == c and debut - (dernier[1] + dernier[2]) < tranche:
                dernier[2] = max(dernier[2], debut + dur - dernier[1])
                dernier[3] += 1
            else:
                fusion.append([c, debut, dur, 1])
        if len(fusion) <= budget:
            return [tuple(f) for f in fusion], True
        tranche *= 2


def reduire_passages(passages, duree):
    """Sépare les passages dessinés un à un de ceux agrégés par tranche de temps.

    Rend (un_a_un, agregats, tranche). Si tout tient dans MAX_PASSAGES, rien n'est agrégé.
    Sinon on garde un à un les passages larges d'au moins un pixel à plein dézoom (les plus
    longs d'abord, au plus la moitié du budget) ; les autres sont cumulés par (couloir,
    tranche) : nombre, temps occupé, tâche qui y a passé le plus de temps.
    Un agrégat : (couloir, début, largeur, nombre, occupation en ‰, tâche dominante).
    """
    if len(passages) <= MAX_PASSAGES:
        return passages, [], 0
    tranche = _pixel(duree)
    larges = [i for i, p in enumerate(passages) if p[2] >= tranche]
    larges.sort(key=lambda i: -passages[i][2])
    gardes_i = set(larges[:MAX_PASSAGES // 2])
    gardes = [p for i, p in enumerate(passages) if i in gardes_i]
    reste = [p for i, p in enumerate(passages) if i not in gardes_i]
    while True:
        cases = {}
        for c, debut, dur, tache in reste:
            k = (c, int(debut // tranche))
            case = cases.get(k)
            if case is None:
                case = cases[k] = [0, 0, {}]
            case[0] += 1
            case[1] += dur
            case[2][tache] = case[2].get(tache, 0) + dur
        if len(cases) <= MAX_AGREGATS:
            break
        tranche *= 2
    agregats = []
    for (c, k), (nombre, occupe, temps) in cases.items():
        dominante = max(temps, key=lambda t: temps[t])
        occupation = min(1000, round(occupe * 1000 / tranche))
        agregats.append((c, round(k * tranche), round(tranche), nombre, occupation, dominante))
    agregats.sort()
    return gardes, agregats, tranche


def _cle_tache(t):
    """Clé de tri des identifiants de tâches (entiers d'abord, puis chaînes)."""
    return (1, t) if isinstance(t, str) else (0, t)


def statistiques(trace, tids, duree):
    """Résumé : par couloir (passages, temps occupé, sommeils, vols) et en tout."""
    par = {tid: {"passages": 0, "occupe": 0, "sommeils": 0, "dort": 0, "vols": 0,
                 "voles": 0, "reveils": 0} for tid in tids}
    for tid, _, dur, _ in trace.passages:
        par[tid]["passages"] += 1
        par[tid]["occupe"] += dur
    for tid, _, dur in trace.sommeils:
        par[tid]["sommeils"] += 1
        par[tid]["dort"] += dur
    for tid, _, _, nombre in trace.vols:
        par[tid]["vols"] += 1
        par[tid]["voles"] += nombre
    for tid, _, _ in trace.reveils:
        par[tid]["reveils"] += 1
    issues = {"ok": 0, "panic": 0, "cancelled": 0}
    for f in trace.fins:
        issues[f[3]] += 1
    taches = set(trace.noms_taches) | {p[3] for p in trace.passages}
    taches |= {l[2] for l in trace.lancements} | {f[2] for f in trace.fins}
    taches |= {r[2] for r in trace.reveils}
    return {
        "duree": duree,
        "taches": len(taches),
        "lancements": len(trace.lancements),
        "passages": len(trace.passages),
        "reveils": len(trace.reveils),
        "vols": len(trace.vols),
        "voles": sum(v[3] for v in trace.vols),
        "sommeils": len(trace.sommeils),
        "issues": issues,
        "par_couloir": par,
        "ensemble_taches": taches,
    }


def preparer(trace, titre):
    """Construit le dictionnaire de données de la page (temps en ns depuis le début)."""
    origine, duree = _origine_et_duree(trace)
    tids = _couloirs(trace)
    stats = statistiques(trace, tids, duree)
    indice = {tid: i for i, tid in enumerate(tids)}
    notes = []

    def relatif(liste):
        """Remplace tid par l'indice du couloir et les temps absolus par des temps relatifs."""
        return [(indice[e[0]], e[1] - origine) + tuple(e[2:]) for e in liste]

    prochains = _prochains_passages(trace)
    reveils = []
    for tid, t, tache in trace.reveils:
        cible_couloir, cible_t = -1, -1
        debuts = prochains.get(tache)
        if debuts:
            j = bisect_left(debuts[0], t)
            if j < len(debuts[0]):
                cible_couloir, cible_t = indice[debuts[1][j]], debuts[0][j] - origine
        reveils.append((indice[tid], t - origine, tache, cible_couloir, cible_t))

    passages = sorted(relatif(trace.passages), key=lambda p: (p[0], p[1]))
    passages, agregats, tranche = reduire_passages(passages, duree)
    sommeils, sommeils_fusionnes = fusionner_sommeils(relatif(trace.sommeils), duree,
                                                      MAX_SOMMEILS)
    reveils, reveils_reduits = regrouper_marques(reveils, duree, MAX_MARQUES)
    lancements, lancements_reduits = regrouper_marques(relatif(trace.lancements), duree,
                                                       MAX_MARQUES)
    fins, fins_reduites = regrouper_marques(relatif(trace.fins), duree, MAX_MARQUES,
                                            cle=lambda m: m[3])
    vols = [(c, t, indice.get(depuis, -1), n) for c, t, depuis, n in relatif(trace.vols)]
    vols, vols_reduits = regrouper_marques(vols, duree, MAX_MARQUES)

    # Les tâches décrites : toutes s'il n'y en a pas trop, sinon celles qui sont dessinées.
    toutes = stats.pop("ensemble_taches")
    dessinees = ({p[3] for p in passages} | {a[5] for a in agregats} | {r[2] for r in reveils}
                 | {l[2] for l in lancements} | {f[2] for f in fins})
    decrites = toutes if len(toutes) <= MAX_TACHES else dessinees
    taches, rang = _table_taches(trace, decrites, origine)

    if tranche:
        un_a_un = (f"les {formater_nombre(len(passages))} plus longs sont dessinés un à un, "
                   "les autres" if passages else "aucun n'est assez long pour être dessiné "
                   "seul : ils")
        notes.append(
            f"Affichage réduit : {formater_nombre(len(trace.passages))} passages ; {un_a_un} "
            f"sont agrégés en {formater_nombre(len(agregats))} tranches de "
            f"{formater_duree(tranche)} (moins d'un pixel à plein dézoom ; opacité = "
            "occupation du couloir). Zoomez sur un agrégat : le survol dit combien de "
            "passages il réunit.")
    for reduit, nom, liste in ((reveils_reduits, "réveils", reveils),
                               (lancements_reduits, "lancements", lancements),
                               (fins_reduites, "fins de tâches", fins),
                               (vols_reduits, "vols", vols),
                               (sommeils_fusionnes, "mises en sommeil", sommeils)):
        if reduit:
            notes.append(f"Trop de {nom} pour les dessiner tous : {formater_nombre(len(liste))} "
                         "marques regroupées (le survol dit combien chacune en représente).")
    if len(decrites) < len(toutes):
        notes.append(f"{formater_nombre(len(toutes))} tâches : seules les "
                     f"{formater_nombre(len(decrites))} dessinées sont décrites dans la page.")

    return {
        "titre": titre,
        "processus": trace.nom_processus,
        "runtime": trace.autres.get("otherData") if isinstance(
            trace.autres.get("otherData"), dict) else {},
        "duree": duree,
        "couloirs": [{"tid": tid, "nom": trace.noms_couloirs.get(tid, f"thread {tid}"),
                      "repere": couleur_repere(i)} for i, tid in enumerate(tids)],
        "taches": taches,
        "passages": [(c, d, du, rang[t]) for c, d, du, t in passages],
        "agregats": [(c, d, l, n, o, rang[t]) for c, d, l, n, o, t in agregats],
        "sommeils": sorted(sommeils),
        "reveils": sorted((c, t, rang[ta], cc, ct, n) for c, t, ta, cc, ct, n in reveils),
        "lancements": sorted((c, t, rang[ta], n) for c, t, ta, _, n in lancements),
        "fins": sorted((c, t, rang[ta], ISSUES[i], n) for c, t, ta, i, n in fins),
        "vols": sorted(vols),
        "stats": stats,
        "notes": notes,
        "tronquee": trace.tronquee,
        "evenements": trace.nb_evenements,
        "ignores": trace.invalides,
    }


def _table_taches(trace, decrites, origine):
    """Table des tâches : [id, nom, couleur, passages, temps total, lancée à, parent,
    finie à, issue] ; et le rang de chaque tâche dans la table."""
    infos = {t: [t, trace.noms_taches.get(t), couleur_tache(t), 0, 0, None, None, None, None]
             for t in decrites}
    for _, _, dur, tache in trace.passages:
        info = infos.get(tache)
        if info:
            info[3] += 1
            info[4] += dur
    for _, t, tache, parent in trace.lancements:
        info = infos.get(tache)
        if info:
            info[5], info[6] = t - origine, parent
    for _, t, tache, issue in trace.fins:
        info = infos.get(tache)
        if info:
            info[7], info[8] = t - origine, issue
    ordre = sorted(infos, key=_cle_tache)
    for t in ordre:   # le nom par défaut n'est pas répété dans la page
        if infos[t][1] == f"tâche {t}":
            infos[t][1] = None
    return [infos[t] for t in ordre], {t: i for i, t in enumerate(ordre)}


# ─── Mise en forme (français) ────────────────────────────────────────────────────────────

def formater_duree(ns):
    """1234567 → « 1,23 ms » (unités : ns, µs, ms, s ; virgule décimale)."""
    for unite, facteur in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if abs(ns) >= facteur:
            v = ns / facteur
            texte = f"{v:.3g}" if v < 1000 else f"{v:.0f}"
            return texte.replace(".", ",") + " " + unite
    return f"{ns:.0f} ns"


def formater_nombre(n):
    """1234567 → « 1 234 567 » (espace fine insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u202f")


def pluriel(n, mot, mots=None):
    """pluriel(1, "panique") → « 1 panique » ; pluriel(3, "panique") → « 3 paniques »."""
    return f"{formater_nombre(n)} {mot if n <= 1 else (mots or mot + 's')}"


def _pourcent(partie, tout):
    return f"{100 * partie / tout:.0f} %" if tout else "—"


def html_resume(donnees):
    """Le résumé en tête de page (HTML échappé) : une ligne de chiffres clés."""
    s = donnees["stats"]
    rt = donnees["runtime"]
    morceaux = []
    if rt.get("flavor"):
        ouvriers = f", {rt['workers']} workers" if rt.get("workers") is not None else ""
        morceaux.append(f"runtime {rt['flavor']}{ouvriers}")
    morceaux.append(f"durée {formater_duree(s['duree'])}")
    morceaux.append(pluriel(s["taches"], "tâche"))
    morceaux.append(pluriel(s["passages"], "passage"))
    morceaux.append(pluriel(s["reveils"], "réveil"))
    morceaux.append(f"{pluriel(s['vols'], 'vol')} ({pluriel(s['voles'], 'tâche volée', 'tâches volées')})")
    morceaux.append(pluriel(s["sommeils"], "mise en sommeil", "mises en sommeil"))
    issues = s["issues"]
    fins = pluriel(issues["ok"], "terminée")
    if issues["panic"]:
        fins += f", <b class=panique>{pluriel(issues['panic'], 'panique')}</b>"
    if issues["cancelled"]:
        fins += f", {pluriel(issues['cancelled'], 'annulée')}"
    return " · ".join(html.escape(m) for m in morceaux) + " · " + fins


def html_tableau_couloirs(donnees):
    """Tableau « par couloir » : passages, temps occupé, sommeils, vols, réveils émis."""
    s = donnees["stats"]
    lignes = []
    for i, c in enumerate(donnees["couloirs"]):
        p = s["par_couloir"][c["tid"]]
        lignes.append(
            f"<tr><td><span class=repere style='background:{c['repere']}'></span>"
            f"{html.escape(c['nom'])}</td><td>{c['tid']}</td>"
            f"<td>{formater_nombre(p['passages'])}</td>"
            f"<td>{formater_duree(p['occupe'])} ({_pourcent(p['occupe'], s['duree'])})</td>"
            f"<td>{formater_nombre(p['sommeils'])} ({formater_duree(p['dort'])})</td>"
            f"<td>{formater_nombre(p['vols'])} ({formater_nombre(p['voles'])} tâches)</td>"
            f"<td>{formater_nombre(p['reveils'])}</td></tr>")
    return "\n".join(lignes)


def html_notes(donnees):
    """Avertissements affichés en tête : trace tronquée, vide, réduite, événements ignorés."""
    notes = []
    if donnees["tronquee"]:
        notes.append("Trace tronquée : le fichier s'arrête au milieu (programme tué pendant "
                     f"l'écriture ?). Les {formater_nombre(donnees['evenements'])} événements "
                     "complets sont affichés, la suite est perdue.")
    if not donnees["couloirs"]:
        notes.append("Cette trace ne contient aucun événement : le programme a-t-il lancé "
                     "un runtime ?")
    if donnees["ignores"]:
        notes.append(f"{formater_nombre(donnees['ignores'])} événements incomplets ignorés.")
    notes.extend(donnees["notes"])
    return "\n".join(f"<p class=note>{html.escape(n)}</p>" for n in notes)


def json_pour_script(donnees):
    """Les données en JSON, sûres dans un <script> (aucun « < » littéral)."""
    texte = json.dumps(donnees, ensure_ascii=False, separators=(",", ":"))
    return texte.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def ecrire_page(donnees, chemin):
    """Écrit la page HTML autonome."""
    titre = html.escape(donnees["titre"])
    page = (PAGE.replace("@TITRE@", titre)
                .replace("@RESUME@", html_resume(donnees))
                .replace("@NOTES@", html_notes(donnees))
                .replace("@COULOIRS@", html_tableau_couloirs(donnees))
                .replace("@HAUTEUR@", str(30 + 36 * max(1, len(donnees["couloirs"])) + 4))
                .replace("@DONNEES@", json_pour_script(donnees)))
    with open(chemin, "w", encoding="utf-8") as f:
        f.write(page)


# ─── La page : HTML, CSS et JavaScript (aucune ressource extérieure) ─────────────────────

PAGE = r"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Trace — @TITRE@</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; background: #fff; }
  header { padding: 6px 12px; }
  h1 { font-size: 17px; margin: 0 0 2px; }
  .resume { margin: 0; color: #444; }
  .panique { color: #c62828; }
  .note { margin: 4px 0 0; padding: 3px 8px; background: #fff4d6; border-left: 4px solid #f0a500; }
  .outils { padding: 2px 12px 4px; color: #555; font-size: 13px; }
  .outils button { font: inherit; padding: 0 8px; margin-right: 4px; }
  #vue { position: relative; margin: 0; padding: 0; }
  #toile { display: block; width: 100%; cursor: grab; }
  #toile.glisse { cursor: grabbing; }
  #bulle { position: absolute; display: none; pointer-events: none; background: #222;
           color: #fff; padding: 5px 8px; border-radius: 4px; font-size: 12px;
           white-space: pre; z-index: 2; max-width: 480px; }
  section { padding: 4px 12px; }
  h2 { font-size: 15px; margin: 10px 0 4px; }
  table { border-collapse: collapse; font-size: 13px; }
  td, th { padding: 2px 10px 2px 0; text-align: left; }
  th { border-bottom: 1px solid #ccc; }
  .legende span.ech { display: inline-block; width: 22px; height: 12px; vertical-align: middle;
                      margin: 0 4px 0 12px; border: 1px solid #999; }
  .repere { display: inline-block; width: 8px; height: 12px; margin-right: 6px;
            vertical-align: middle; }
</style>
</head>
<body>
<header>
  <h1>Trace des tâches — @TITRE@</h1>
  <p class="resume">@RESUME@</p>
  @NOTES@
</header>
<div class="outils">
  <button id="tout" type="button">Tout voir</button>
  <button id="plus" type="button">Zoom +</button>
  <button id="moins" type="button">Zoom −</button>
  molette : zoom · glisser : déplacer · double-clic : tout voir · survol : détails
  <span id="fenetre"></span>
</div>
<div id="vue">
  <canvas id="toile" height="@HAUTEUR@" style="height:@HAUTEUR@px"></canvas>
  <div id="bulle"></div>
</div>
<noscript><p class="note">La frise est dessinée en JavaScript : activez-le pour la voir.</p></noscript>
<section class="legende">
  <h2>Légende</h2>
  <span class="ech" style="background:linear-gradient(90deg,#e6194b,#4363d8,#3cb44b)"></span>passage (poll) d'une tâche, une couleur par tâche
  <span class="ech" style="background:repeating-linear-gradient(45deg,#bbb 0 2px,#eee 2px 5px)"></span>worker endormi (park)
  <span class="ech" style="background:#1f3a93;width:8px"></span>réveil (trait fin : vers le passage suivant de la tâche)
  <span class="ech" style="background:#ef6c00;width:8px"></span>vol de tâches
  <span class="ech" style="background:#2e7d32;width:8px;border-radius:50%"></span>lancement
  <span class="ech" style="background:#222;width:3px"></span>fin
  <span class="ech" style="background:#d32f2f;width:3px"></span>panique
  <span class="ech" style="background:#9e9e9e;width:3px"></span>annulée
</section>
<section>
  <h2>Par couloir</h2>
  <table>
    <tr><th>Couloir</th><th>tid</th><th>passages</th><th>temps occupé</th><th>mises en sommeil</th><th>vols</th><th>réveils émis</th></tr>
    @COULOIRS@
  </table>
</section>
<script id="donnees" type="application/json">@DONNEES@</script>
<script>
"use strict";
// Dessin de la frise. Les données (temps en nanosecondes depuis le début de la trace)
// sont écrites par scripts/trace_html.py dans la balise « donnees » ci-dessus.
const D = JSON.parse(document.getElementById("donnees").textContent);
const HAUT_AXE = 30, HAUT_COULOIR = 36, GOUTTIERE = 160, REPERE = 8;
const ISSUES = ["terminée", "panique", "annulée"];
const toile = document.getElementById("toile");
const ctx = toile.getContext("2d");
const bulle = document.getElementById("bulle");
const DUREE = Math.max(D.duree, 1);
let vue = { debut: 0, fin: DUREE };

// Chaque liste d'éléments (triée par couloir puis par temps) répartie par couloir, avec la
// plus grande durée de chaque couloir (pour trouver vite ce qui chevauche un instant).
function parCouloir(liste, avecDuree) {
  const res = D.couloirs.map(() => ({ el: [], max: 0 }));
  for (const e of liste) {
    const c = res[e[0]];
    c.el.push(e);
    if (avecDuree && e[2] > c.max) c.max = e[2];
  }
  return res;
}
const P = parCouloir(D.passages, true), A = parCouloir(D.agregats, true);
const S = parCouloir(D.sommeils, true), R = parCouloir(D.reveils, false);
const L = parCouloir(D.lancements, false), F = parCouloir(D.fins, false);
const V = parCouloir(D.vols, false);

// Premier indice i tel que liste[i][1] >= t (recherche dichotomique).
function premierApres(liste, t) {
  let bas = 0, haut = liste.length;
  while (bas < haut) {
    const m = (bas + haut) >> 1;
    if (liste[m][1] < t) bas = m + 1; else haut = m;
  }
  return bas;
}

// La frise occupe [GOUTTIERE + MARGE, largeur - MARGE] : les marques des bords restent visibles.
const MARGE = 6;
function largeurUtile() { return Math.max(toile.clientWidth - GOUTTIERE - 2 * MARGE, 10); }
function xDe(t) { return GOUTTIERE + MARGE + (t - vue.debut) * largeurUtile() / (vue.fin - vue.debut); }
function tDe(x) { return vue.debut + (x - GOUTTIERE - MARGE) * (vue.fin - vue.debut) / largeurUtile(); }
function yDe(c) { return HAUT_AXE + c * HAUT_COULOIR; }

// Durées en français : « 12,5 µs ».
function duree(ns) {
  const unites = [["s", 1e9], ["ms", 1e6], ["µs", 1e3]];
  for (const [u, f] of unites) {
    if (Math.abs(ns) >= f) {
      const v = ns / f;
      return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(".", ",") + " " + u;
    }
  }
  return Math.round(ns) + " ns";
}

function nomTache(ti) {
  const t = D.taches[ti];
  return t[1] === null ? "tâche " + t[0] : t[1] + " (tâche " + t[0] + ")";
}

// Hachures grises des mises en sommeil.
const hachures = (() => {
  const m = document.createElement("canvas");
  m.width = m.height = 6;
  const c = m.getContext("2d");
  c.fillStyle = "#eeeeee"; c.fillRect(0, 0, 6, 6);
  c.strokeStyle = "#b0b0b0"; c.beginPath(); c.moveTo(0, 6); c.lineTo(6, 0); c.stroke();
  return ctx.createPattern(m, "repeat");
})();

// Les éléments d'un couloir visibles dans la fenêtre [vue.debut, vue.fin].
function visibles(groupe, marge) {
  const el = groupe.el;
  let i = premierApres(el, vue.debut - groupe.max - marge);
  const res = [];
  for (; i < el.length && el[i][1] <= vue.fin + marge; i++) res.push(el[i]);
  return res;
}

function dessinerCouloirs(largeur) {
  D.couloirs.forEach((c, i) => {
    const y = yDe(i);
    ctx.fillStyle = i % 2 ? "#eef0f4" : "#f8f9fb";
    ctx.fillRect(0, y, largeur, HAUT_COULOIR);
    ctx.fillStyle = c.repere;
    ctx.fillRect(0, y + 3, REPERE, HAUT_COULOIR - 6);
    ctx.fillStyle = "#222";
    ctx.font = "13px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(c.nom, REPERE + 6, y + HAUT_COULOIR / 2, GOUTTIERE - REPERE - 12);
  });
}

function dessinerAxe(largeur) {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, largeur, HAUT_AXE);
  const etendue = vue.fin - vue.debut;
  const brut = etendue / Math.max(largeurUtile() / 110, 1);
  const puissance = Math.pow(10, Math.floor(Math.log10(brut)));
  const pas = [1, 2, 5, 10].map(k => k * puissance).find(p => p >= brut);
  ctx.strokeStyle = "#999"; ctx.fillStyle = "#333";
  ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "alphabetic";
  ctx.beginPath(); ctx.moveTo(GOUTTIERE, HAUT_AXE - 1); ctx.lineTo(largeur, HAUT_AXE - 1); ctx.stroke();
  for (let t = Math.ceil(vue.debut / pas) * pas; t <= vue.fin; t += pas) {
    const x = Math.round(xDe(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, HAUT_AXE - 7); ctx.lineTo(x, HAUT_AXE - 1); ctx.stroke();
    ctx.fillText(duree(t), x + 3, HAUT_AXE - 10);
  }
  ctx.fillText("temps depuis le début", 8, HAUT_AXE - 10);
}

function dessinerIntervalles(largeur) {
  D.couloirs.forEach((_, c) => {
    const y = yDe(c);
    ctx.fillStyle = hachures;
    for (const s of visibles(S[c], 0)) {
      ctx.fillRect(xDe(s[1]), y + 4, Math.max(xDe(s[1] + s[2]) - xDe(s[1]), 1), HAUT_COULOIR - 8);
    }
    for (const a of visibles(A[c], 0)) {
      ctx.globalAlpha = 0.25 + 0.75 * a[4] / 1000;
      ctx.fillStyle = D.taches[a[5]][2];
      ctx.fillRect(xDe(a[1]), y + 8, Math.max(xDe(a[1] + a[2]) - xDe(a[1]), 1), HAUT_COULOIR - 16);
    }
    ctx.globalAlpha = 1;
    for (const p of visibles(P[c], 0)) {
      ctx.fillStyle = D.taches[p[3]][2];
      ctx.fillRect(xDe(p[1]), y + 8, Math.max(xDe(p[1] + p[2]) - xDe(p[1]), 1), HAUT_COULOIR - 16);
    }
  });
}

function dessinerMarques() {
  const marge = (vue.fin - vue.debut) / 100;
  let liens = 0;
  D.couloirs.forEach((_, c) => { liens += visibles(R[c], marge).length; });
  D.couloirs.forEach((_, c) => {
    const y = yDe(c);
    for (const r of visibles(R[c], marge)) {
      const x = xDe(r[1]);
      if (liens <= 2000 && r[3] >= 0) {   // trait fin vers le passage suivant
        ctx.strokeStyle = "rgba(31,58,147,0.45)"; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(x, y + 7); ctx.lineTo(xDe(r[4]), yDe(r[3]) + 8); ctx.stroke();
      }
      ctx.fillStyle = "#1f3a93";
      ctx.beginPath(); ctx.moveTo(x - 4, y + 1); ctx.lineTo(x + 4, y + 1); ctx.lineTo(x, y + 7); ctx.fill();
    }
    for (const v of visibles(V[c], marge)) {
      const x = xDe(v[1]), yy = y + HAUT_COULOIR - 5;
      ctx.fillStyle = "#ef6c00";
      ctx.beginPath(); ctx.moveTo(x, yy - 5); ctx.lineTo(x + 5, yy); ctx.lineTo(x, yy + 5); ctx.lineTo(x - 5, yy); ctx.fill();
    }
    for (const l of visibles(L[c], marge)) {
      ctx.fillStyle = "#2e7d32";
      ctx.beginPath(); ctx.arc(xDe(l[1]), y + HAUT_COULOIR - 4, 3, 0, 2 * Math.PI); ctx.fill();
    }
    for (const f of visibles(F[c], marge)) {
      const x = Math.round(xDe(f[1]));
      ctx.fillStyle = ["#222", "#d32f2f", "#9e9e9e"][f[3]];
      ctx.fillRect(x - 1, y + 3, f[3] === 1 ? 3 : 2, HAUT_COULOIR - 6);
    }
  });
}

function dessiner() {
  const ratio = window.devicePixelRatio || 1;
  const largeur = toile.clientWidth, hauteur = toile.clientHeight;
  toile.width = Math.round(largeur * ratio);
  toile.height = Math.round(hauteur * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, largeur, hauteur);
  dessinerCouloirs(largeur);
  if (!D.couloirs.length) {
    ctx.fillStyle = "#555"; ctx.font = "14px system-ui, sans-serif";
    ctx.fillText("Aucun événement dans cette trace.", GOUTTIERE, HAUT_AXE + 20);
  }
  ctx.save();
  ctx.beginPath(); ctx.rect(GOUTTIERE, HAUT_AXE, largeur - GOUTTIERE, hauteur); ctx.clip();
  dessinerIntervalles(largeur);
  dessinerMarques();
  ctx.restore();
  dessinerAxe(largeur);
  document.getElementById("fenetre").textContent =
    " · fenêtre : " + duree(vue.fin - vue.debut) + " sur " + duree(DUREE);
}

// ─── Survol : ce qui est sous la souris ───
function plusProche(groupe, t, tolerance) {
  let meilleur = null, ecart = tolerance;
  const el = groupe.el;
  for (let i = premierApres(el, t - tolerance); i < el.length && el[i][1] <= t + tolerance; i++) {
    const d = Math.abs(el[i][1] - t);
    if (d <= ecart) { ecart = d; meilleur = el[i]; }
  }
  return meilleur;
}

function contenant(groupe, t, minimum) {
  const el = groupe.el;
  for (let i = premierApres(el, t - groupe.max - minimum); i < el.length && el[i][1] <= t; i++) {
    if (el[i][1] + Math.max(el[i][2], minimum) >= t) return el[i];
  }
  return null;
}

function fois(n) { return n > 1 ? " (" + n + " regroupés)" : ""; }

// Ce qu'il y a sous la souris dans le couloir c à l'instant t ; dy : hauteur dans le couloir
// (les réveils sont dessinés en haut, les vols et lancements en bas, le reste au milieu).
function description(c, t, dy) {
  const tol = 5 * (vue.fin - vue.debut) / largeurUtile();
  const px = (vue.fin - vue.debut) / largeurUtile();
  const chercheurs = {
    fin: () => { const e = plusProche(F[c], t, tol); return e && "Fin de " + nomTache(e[2]) + " : " + ISSUES[e[3]] + "\nà " + duree(e[1]) + fois(e[4]); },
    vol: () => { const e = plusProche(V[c], t, tol); return e && "Vol de " + e[3] + " tâche(s)" + (e[2] >= 0 ? " au couloir « " + D.couloirs[e[2]].nom + " »" : "") + "\nà " + duree(e[1]) + fois(e[4]); },
    reveil: () => { const e = plusProche(R[c], t, tol); return e && "Réveil de " + nomTache(e[2]) + "\nà " + duree(e[1]) + (e[3] >= 0 ? "\npassage suivant à " + duree(e[4]) + " (" + D.couloirs[e[3]].nom + ")" : "") + fois(e[5]); },
    lancement: () => {
      const e = plusProche(L[c], t, tol);
      return e && "Lancement de " + nomTache(e[2]) + (D.taches[e[2]][6] !== null ? "\npar la tâche " + D.taches[e[2]][6] : "") + "\nà " + duree(e[1]) + fois(e[3]);
    },
    passage: () => {
      const e = contenant(P[c], t, px);
      if (!e) return null;
      const ta = D.taches[e[3]];
      return nomTache(e[3]) + "\ndébut " + duree(e[1]) + " · durée " + duree(e[2]) + "\n" + ta[3] + " passage(s) en tout, " + duree(ta[4]) + " de calcul";
    },
    agregat: () => { const e = contenant(A[c], t, px); return e && e[3] + " passages agrégés (" + duree(e[1]) + " + " + duree(e[2]) + ")\noccupation " + Math.round(e[4] / 10) + " %, surtout " + nomTache(e[5]); },
    sommeil: () => { const e = contenant(S[c], t, px); return e && "Endormi (park)" + fois(e[3]) + "\ndébut " + duree(e[1]) + " · durée " + duree(e[2]); },
  };
  const ordre = dy < 9 ? ["reveil", "fin", "passage", "agregat", "sommeil", "vol", "lancement"]
    : dy > HAUT_COULOIR - 10 ? ["vol", "lancement", "fin", "passage", "agregat", "sommeil", "reveil"]
    : ["fin", "passage", "agregat", "sommeil", "reveil", "vol", "lancement"];
  for (const nom of ordre) {
    const texte = chercheurs[nom]();
    if (texte) return texte;
  }
  return null;
}

function survol(ev) {
  const r = toile.getBoundingClientRect();
  const x = ev.clientX - r.left, y = ev.clientY - r.top;
  const c = Math.floor((y - HAUT_AXE) / HAUT_COULOIR);
  const dans = x >= GOUTTIERE && c >= 0 && c < D.couloirs.length;
  const texte = dans ? description(c, tDe(x), y - HAUT_AXE - c * HAUT_COULOIR) : null;
  if (!texte) { bulle.style.display = "none"; return; }
  bulle.textContent = texte;
  bulle.style.display = "block";
  bulle.style.left = Math.min(x + 14, r.width - bulle.offsetWidth - 4) + "px";
  bulle.style.top = (y + 16) + "px";
}

// ─── Zoom (molette, boutons) et déplacement (glisser) ───
function borner() {
  const etendue = Math.min(Math.max(vue.fin - vue.debut, 50), DUREE);
  let debut = Math.min(Math.max(vue.debut, 0), DUREE - etendue);
  vue = { debut: debut, fin: debut + etendue };
}

function zoomer(facteur, x) {
  const t = tDe(x);
  vue = { debut: t - (t - vue.debut) * facteur, fin: t + (vue.fin - t) * facteur };
  borner(); dessiner();
}

toile.addEventListener("wheel", ev => {
  ev.preventDefault();
  const pas = ev.deltaMode === 1 ? 40 : ev.deltaMode === 2 ? 800 : 1;   // lignes, pages
  zoomer(Math.pow(1.0015, ev.deltaY * pas), ev.clientX - toile.getBoundingClientRect().left);
}, { passive: false });

let glisse = null;
toile.addEventListener("mousedown", ev => {
  glisse = { x: ev.clientX, vue: vue };
  toile.classList.add("glisse");
});
window.addEventListener("mouseup", () => { glisse = null; toile.classList.remove("glisse"); });
window.addEventListener("mousemove", ev => {
  if (glisse) {
    const dt = (ev.clientX - glisse.x) * (glisse.vue.fin - glisse.vue.debut) / largeurUtile();
    vue = { debut: glisse.vue.debut - dt, fin: glisse.vue.fin - dt };
    borner(); dessiner();
  }
});
toile.addEventListener("mousemove", survol);
toile.addEventListener("mouseleave", () => { bulle.style.display = "none"; });
toile.addEventListener("dblclick", () => { vue = { debut: 0, fin: DUREE }; dessiner(); });
document.getElementById("tout").onclick = () => { vue = { debut: 0, fin: DUREE }; dessiner(); };
document.getElementById("plus").onclick = () => zoomer(0.5, GOUTTIERE + MARGE + largeurUtile() / 2);
document.getElementById("moins").onclick = () => zoomer(2, GOUTTIERE + MARGE + largeurUtile() / 2);
window.addEventListener("resize", dessiner);
dessiner();
</script>
</body>
</html>
"""


# ─── Programme ───────────────────────────────────────────────────────────────────────────

USAGE = "usage : trace_html.py TRACE.json [-o PAGE.html] [--titre TITRE]"


def analyser_arguments(argv):
    """Rend (trace, page, titre) ; lève ValueError (message français) si l'usage est faux."""
    trace = page = titre = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help", "--aide"):
            print(__doc__)
            sys.exit(0)
        if a in ("-o", "--sortie", "--titre"):
            if i + 1 >= len(argv):
                raise ValueError(f"{a} attend une valeur")
            if a == "--titre":
                titre = argv[i + 1]
            else:
                page = argv[i + 1]
            i += 2
            continue
        if a.startswith("-") and a != "-":
            raise ValueError(f"option inconnue : {a}")
        if trace is not None:
            raise ValueError("une seule trace à la fois")
        trace = a
        i += 1
    if trace is None:
        raise ValueError("quelle trace ? (fichier JSON écrit avec RT_TRACE)")
    if page is None:
        page = os.path.splitext(trace)[0] + ".html"
    if titre is None:
        titre = os.path.splitext(os.path.basename(trace))[0]
    return trace, page, titre


def avertir(message):
    print(f"attention : {message}", file=sys.stderr)


def main(argv):
    try:
        chemin_trace, chemin_page, titre = analyser_arguments(argv)
    except ValueError as e:
        print(f"erreur : {e}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        trace = lire_trace(chemin_trace)
    except TraceIllisible as e:
        print(f"erreur : {e}", file=sys.stderr)
        return 1
    donnees = preparer(trace, titre)
    if trace.tronquee:
        avertir(f"la trace est tronquée (programme tué pendant l'écriture ?) : les "
                f"{trace.nb_evenements} événements complets sont affichés, la suite est perdue.")
    if not donnees["couloirs"]:
        avertir("la trace ne contient aucun événement : le programme a-t-il lancé un runtime ?")
    if trace.invalides:
        avertir(f"{trace.invalides} événements incomplets ont été ignorés.")
    try:
        ecrire_page(donnees, chemin_page)
    except OSError as e:
        print(f"erreur : impossible d'écrire {chemin_page} : {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
