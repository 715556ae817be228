"""Traces d'exemple au format de RT_TRACE, fabriquées en code pour les tests de la frise.

Elles imitent ce qu'écrit le runtime rt (voir scripts/trace_html.py pour le format) :
métadonnées, lancements, passages sans chevauchement sur chaque couloir, réveils, vols,
mises en sommeil, fins (dont une panique et une annulation). Tout est déterministe (graine
fixe). Utilisable aussi en ligne de commande :

    python3 tests/outils/exemples_traces.py WORKERS SORTIE.json
"""

import json
import random
import sys


def _meta(tid, nom):
    return {"ph": "M", "name": "thread_name", "pid": 1, "tid": tid, "args": {"name": nom}}


def noms_couloirs(workers, flavor="multi_thread", autres=()):
    """Les couloirs d'une trace : workers, block_on, puis les autres threads (tid, nom)."""
    if flavor == "current_thread":
        couloirs = [(0, "block_on")]
    else:
        couloirs = [(i, f"worker {i}") for i in range(workers)] + [(workers, "block_on")]
    suivant = couloirs[-1][0] + 1
    for nom in autres:
        couloirs.append((suivant, nom))
        suivant += 1
    return couloirs


def trace_exemple(workers=2, flavor="multi_thread", taches=8, passages=3, graine=1,
                  autres=()):
    """Une trace complète (le dict racine) ; les tâches ont les identifiants 1..taches.

    La tâche 1 est « main » ; la 3 panique, la 4 est annulée (s'il y en a assez) ; les
    autres sont nommées « travail N » une fois sur deux, « tâche N » sinon (nom par défaut).
    """
    hasard = random.Random(graine)
    couloirs = noms_couloirs(workers, flavor, autres)
    executants = [tid for tid, nom in couloirs if nom.startswith("worker")] or [0]
    lanceur = 0 if flavor == "current_thread" else workers   # le couloir de block_on
    evenements = [{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "rt"}}]
    evenements += [_meta(tid, nom) for tid, nom in couloirs]
    horloge = {tid: 5.0 for tid, _ in couloirs}

    def nom_de(t):
        if t == 1:
            return "main"
        return f"travail {t}" if t % 2 == 0 else f"tâche {t}"

    for t in range(1, taches + 1):
        ou = lanceur if t == 1 else hasard.choice(executants)
        horloge[ou] += hasard.uniform(0.5, 2.0)
        evenements.append({"ph": "i", "s": "t", "cat": "spawn", "name": "spawn", "pid": 1,
                           "tid": ou, "ts": round(horloge[ou], 3),
                           "args": {"task": t, "name": nom_de(t), "parent": None if t == 1 else 1}})
        couloir = executants[t % len(executants)]
        for k in range(passages):
            debut = max(horloge[couloir], horloge[ou]) + hasard.uniform(0.2, 3.0)
            duree = hasard.uniform(1.0, 12.0)
            evenements.append({"ph": "X", "cat": "poll", "name": nom_de(t), "pid": 1,
                               "tid": couloir, "ts": round(debut, 3), "dur": round(duree, 3),
                               "args": {"task": t}})
            horloge[couloir] = debut + duree
            if k + 1 < passages:
                reveilleur = hasard.choice(executants)
                quand = horloge[couloir] + 0.1
                horloge[reveilleur] = max(horloge[reveilleur], quand)
                evenements.append({"ph": "i", "s": "t", "cat": "wake", "name": "wake", "pid": 1,
                                   "tid": reveilleur, "ts": round(quand, 3), "args": {"task": t}})
                if len(executants) > 1 and hasard.random() < 0.3:   # la tâche est volée
                    voleur = executants[(executants.index(couloir) + 1) % len(executants)]
                    horloge[voleur] = max(horloge[voleur], quand + 0.2)
                    evenements.append({"ph": "i", "s": "t", "cat": "steal", "name": "steal",
                                       "pid": 1, "tid": voleur, "ts": round(horloge[voleur], 3),
                                       "args": {"from": couloir, "count": 1}})
                    couloir = voleur
        issue = {3: "panic", 4: "cancelled"}.get(t, "ok")
        evenements.append({"ph": "i", "s": "t", "cat": "task", "name": "complete", "pid": 1,
                           "tid": couloir, "ts": round(horloge[couloir] + 0.05, 3),
                           "args": {"task": t, "outcome": issue}})
    for tid in executants:   # chaque worker finit par s'endormir
        evenements.append({"ph": "X", "cat": "park", "name": "park", "pid": 1, "tid": tid,
                           "ts": round(horloge[tid] + 1, 3), "dur": 40.0})
    return {"traceEvents": evenements, "displayTimeUnit": "ns",
            "otherData": {"runtime": "rt", "flavor": flavor,
                          "workers": 1 if flavor == "current_thread" else workers}}


def grosse_trace(nb_evenements, workers=4, taches=2000):
    """Une trace d'environ nb_evenements événements, surtout des passages courts."""
    couloirs = noms_couloirs(workers)
    evenements = [_meta(tid, nom) for tid, nom in couloirs]
    horloge = [0.0] * workers
    t = 0
    while len(evenements) < nb_evenements:
        tache = t % taches + 1
        w = t % workers
        debut = horloge[w] + 0.3
        evenements.append({"ph": "X", "cat": "poll", "name": f"tâche {tache}", "pid": 1,
                           "tid": w, "ts": round(debut, 3), "dur": 0.8 if t % 97 else 40.0,
                           "args": {"task": tache}})
        horloge[w] = debut + evenements[-1]["dur"]
        if t % 3 == 0:
            evenements.append({"ph": "i", "s": "t", "cat": "wake", "name": "wake", "pid": 1,
                               "tid": (w + 1) % workers, "ts": round(horloge[w], 3),
                               "args": {"task": tache % taches + 1}})
        if t < taches:
            evenements.append({"ph": "i", "s": "t", "cat": "spawn", "name": "spawn", "pid": 1,
                               "tid": workers, "ts": round(debut - 0.1, 3),
                               "args": {"task": tache, "name": f"tâche {tache}", "parent": None}})
        t += 1
    return {"traceEvents": evenements, "displayTimeUnit": "ns",
            "otherData": {"runtime": "rt", "flavor": "multi_thread", "workers": workers}}


def ecrire(trace, chemin, melanger=False, graine=7):
    """Écrit la trace en JSON (une ligne par événement, comme un flux) ; mélangée si demandé."""
    evenements = list(trace["traceEvents"])
    if melanger:
        random.Random(graine).shuffle(evenements)
    lignes = ",\n".join(json.dumps(e, ensure_ascii=False) for e in evenements)
    autres = {k: v for k, v in trace.items() if k != "traceEvents"}
    texte = '{"traceEvents": [\n' + lignes + "\n]"
    texte += (",\n" + json.dumps(autres)[1:] if autres else "}") + "\n"
    with open(chemin, "w", encoding="utf-8") as f:
        f.write(texte)
    return texte


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage : exemples_traces.py WORKERS SORTIE.json")
    ecrire(trace_exemple(int(sys.argv[1])), sys.argv[2])
