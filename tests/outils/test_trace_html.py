#!/usr/bin/env python3
"""Tests de scripts/trace_html.py (la frise de « ./cours trace »), bibliothèque standard seule.

Les traces sont fabriquées en code (exemples_traces.py) : 2 et 4 workers, current_thread,
vide, tronquée, désordonnée, 200 000 événements, et des fichiers qui ne sont pas des traces.
On vérifie la page produite : autonome (aucune ressource extérieure), un couloir par
thread_name, toutes les tâches présentes, et des erreurs claires en français.

    python3 tests/outils/test_trace_html.py                       # tous les tests
    python3 tests/outils/test_trace_html.py TestTraceHtml.test_…  # un seul (comme CTest)
"""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
ICI = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(ICI, "..", "..", "scripts", "trace_html.py")
sys.path.insert(0, ICI)
sys.path.insert(0, os.path.dirname(SCRIPT))

import exemples_traces as ex  # noqa: E402
import trace_html  # noqa: E402


def donnees_de(page):
    """Les données JSON incluses dans la page (balise <script id="donnees">)."""
    m = re.search(r'<script id="donnees" type="application/json">(.*?)</script>', page, re.S)
    assert m, "la page n'a pas de balise de données"
    return json.loads(m.group(1))


class TestTraceHtml(unittest.TestCase):

    def setUp(self):
        self._dossier = tempfile.TemporaryDirectory(prefix="trace-html-")
        self.dossier = self._dossier.name

    def tearDown(self):
        self._dossier.cleanup()

    # ─── Outils ───

    def lancer(self, *args):
        """Lance le script comme « ./cours trace » le fait ; rend (code, sortie d'erreur)."""
        r = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertNotIn("Traceback", r.stderr, "le script a planté :\n" + r.stderr)
        return r.returncode, r.stderr

    def rendre_texte(self, texte, nom="essai"):
        """Écrit le texte d'une trace, le rend en HTML ; (code, stderr, page, données)."""
        chemin = os.path.join(self.dossier, nom + ".json")
        with open(chemin, "w", encoding="utf-8") as f:
            f.write(texte)
        page_chemin = os.path.join(self.dossier, nom + ".html")
        if os.path.exists(page_chemin):
            os.remove(page_chemin)
        code, erreurs = self.lancer(chemin, "-o", page_chemin, "--titre", nom)
        if code != 0:
            self.assertFalse(os.path.exists(page_chemin), "page écrite malgré l'erreur")
            return code, erreurs, None, None
        with open(page_chemin, encoding="utf-8") as f:
            page = f.read()
        return code, erreurs, page, donnees_de(page)

    def rendre(self, trace, nom="essai", melanger=False):
        chemin = os.path.join(self.dossier, nom + ".json")
        texte = ex.ecrire(trace, chemin, melanger=melanger)
        return self.rendre_texte(texte, nom)

    def verifier_autonome(self, page):
        """Aucune ressource extérieure : ni adresse réseau, ni fichier chargé à part."""
        self.assertNotRegex(page, r"(?i)https?://")
        self.assertNotRegex(page, r"(?i)\b(src|href)\s*=")
        self.assertNotRegex(page, r"(?i)@import|url\(")
        self.assertIn("<canvas", page)
        self.assertIn('lang="fr"', page)

    def verifier_exemple(self, trace, page, d):
        """Un couloir par thread_name (dans l'ordre des tid), toutes les tâches présentes."""
        self.verifier_autonome(page)
        attendus = [(e["tid"], e["args"]["name"]) for e in trace["traceEvents"]
                    if e.get("name") == "thread_name"]
        self.assertEqual([(c["tid"], c["nom"]) for c in d["couloirs"]], sorted(attendus))
        ids = {e["args"]["task"] for e in trace["traceEvents"] if "task" in e.get("args", {})}
        self.assertEqual({t[0] for t in d["taches"]}, ids)
        for c in d["couloirs"]:
            self.assertIn(c["nom"], page)
        nb_polls = sum(1 for e in trace["traceEvents"] if e.get("cat") == "poll")
        self.assertEqual(len(d["passages"]), nb_polls)
        self.assertEqual(d["agregats"], [])

    # ─── Traces ordinaires ───

    def test_deux_workers(self):
        trace = ex.trace_exemple(workers=2)
        code, erreurs, page, d = self.rendre(trace)
        self.assertEqual(code, 0, erreurs)
        self.assertEqual(erreurs, "")
        self.verifier_exemple(trace, page, d)
        self.assertEqual([c["nom"] for c in d["couloirs"]], ["worker 0", "worker 1", "block_on"])
        noms = {t[0]: t[1] for t in d["taches"]}
        self.assertEqual(noms[1], "main")
        self.assertEqual(noms[2], "travail 2")
        self.assertIsNone(noms[5], "le nom par défaut « tâche 5 » n'est pas répété")
        self.assertIn("runtime multi_thread, 2 workers", page)
        self.assertIn("1 panique", page)
        self.assertIn("1 annulée", page)
        issues = {d["taches"][f[2]][0]: f[3] for f in d["fins"]}
        self.assertEqual((issues[3], issues[4], issues[1]), (1, 2, 0))

    def test_quatre_workers_et_autres_threads(self):
        trace = ex.trace_exemple(workers=4, taches=20, autres=("thread 6", "bloquant 0"))
        code, erreurs, page, d = self.rendre(trace)
        self.assertEqual(code, 0, erreurs)
        self.verifier_exemple(trace, page, d)
        self.assertEqual([c["nom"] for c in d["couloirs"]],
                         ["worker 0", "worker 1", "worker 2", "worker 3", "block_on",
                          "thread 6", "bloquant 0"])
        self.assertTrue(d["vols"], "l'exemple à 4 workers contient des vols")

    def test_current_thread(self):
        trace = ex.trace_exemple(workers=1, flavor="current_thread", taches=5)
        code, erreurs, page, d = self.rendre(trace)
        self.assertEqual(code, 0, erreurs)
        self.verifier_exemple(trace, page, d)
        self.assertEqual([c["nom"] for c in d["couloirs"]], ["block_on"])
        self.assertIn("runtime current_thread", page)

    def test_tableau_seul_accepte(self):
        """Le format « tableau d'événements » de Chrome, sans objet racine."""
        trace = ex.trace_exemple(workers=2)
        code, erreurs, page, d = self.rendre_texte(json.dumps(trace["traceEvents"]))
        self.assertEqual(code, 0, erreurs)
        self.verifier_exemple(trace, page, d)

    def test_ordre_indifferent(self):
        trace = ex.trace_exemple(workers=4, taches=30)
        _, _, _, trie = self.rendre(trace, "trie")
        code, erreurs, _, melange = self.rendre(trace, "melange", melanger=True)
        self.assertEqual(code, 0, erreurs)
        trie["titre"] = melange["titre"] = ""
        self.assertEqual(trie, melange)

    def test_lien_du_reveil_vers_le_passage_suivant(self):
        evenements = [
            {"ph": "M", "name": "thread_name", "pid": 1, "tid": 0, "args": {"name": "worker 0"}},
            {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "worker 1"}},
            {"ph": "X", "cat": "poll", "name": "t", "pid": 1, "tid": 0, "ts": 10.0, "dur": 2.0,
             "args": {"task": 7}},
            {"ph": "i", "s": "t", "cat": "wake", "name": "wake", "pid": 1, "tid": 0, "ts": 20.0,
             "args": {"task": 7}},
            {"ph": "X", "cat": "poll", "name": "t", "pid": 1, "tid": 1, "ts": 30.5, "dur": 1.0,
             "args": {"task": 7}},
        ]
        code, erreurs, _, d = self.rendre_texte(json.dumps({"traceEvents": evenements}))
        self.assertEqual(code, 0, erreurs)
        # (couloir, t, tâche, couloir du passage suivant, son début, nombre) ; ns depuis 10 µs
        self.assertEqual(d["reveils"], [[0, 10000, 0, 1, 20500, 1]])
        self.assertEqual(d["duree"], 21500)

    def test_couleur_stable_par_tache(self):
        trace = ex.trace_exemple(workers=2)
        _, _, _, d1 = self.rendre(trace, "a")
        _, _, _, d2 = self.rendre(ex.trace_exemple(workers=4, taches=12, graine=9), "b")
        c1 = {t[0]: t[2] for t in d1["taches"]}
        c2 = {t[0]: t[2] for t in d2["taches"]}
        for tache in c1:
            self.assertEqual(c1[tache], c2[tache])
            self.assertEqual(c1[tache], trace_html.couleur_tache(tache))
        self.assertEqual(len({trace_html.couleur_tache(t) for t in range(1, 60)}), 59)

    def test_noms_echappes(self):
        trace = ex.trace_exemple(workers=2, taches=3)
        trace["traceEvents"][1]["args"]["name"] = "<b>gras</b> & </script>"
        code, erreurs, page, d = self.rendre(trace)
        self.assertEqual(code, 0, erreurs)
        self.assertNotIn("<b>gras", page)
        self.assertEqual(page.count("</script>"), 2)
        self.assertEqual(d["couloirs"][0]["nom"], "<b>gras</b> & </script>")

    def test_evenements_inconnus_et_incomplets(self):
        trace = ex.trace_exemple(workers=2)
        _, _, _, reference = self.rendre(trace, "reference")
        trace["traceEvents"] += [
            {"ph": "X", "cat": "function", "name": "f", "pid": 1, "tid": 0, "ts": 9, "dur": 1},
            {"ph": "B", "name": "début", "pid": 1, "tid": 0, "ts": 9},
            {"ph": "i", "s": "t", "cat": "autre", "name": "x", "pid": 1, "tid": 0, "ts": 9},
            {"ph": "C", "name": "compteur", "pid": 1, "ts": 9, "args": {"n": 3}},
        ]
        code, erreurs, _, d = self.rendre(trace, "inconnus")
        self.assertEqual((code, erreurs), (0, ""))
        for cle in ("couloirs", "taches", "passages", "reveils", "vols", "fins", "stats"):
            self.assertEqual(d[cle], reference[cle], cle)
        trace["traceEvents"].append({"ph": "X", "cat": "poll", "name": "sans durée", "pid": 1,
                                     "tid": 0, "ts": 9, "args": {"task": 1}})
        code, erreurs, page, d = self.rendre(trace, "incomplets")
        self.assertEqual(code, 0)
        self.assertIn("1 événements incomplets ont été ignorés", erreurs)
        self.assertEqual(d["ignores"], 1)
        self.assertEqual(d["passages"], reference["passages"])

    # ─── Cas limites et erreurs ───

    def test_trace_sans_evenement(self):
        for texte in ('{"traceEvents": [], "displayTimeUnit": "ns"}', "[]", "{}"):
            code, erreurs, page, d = self.rendre_texte(texte)
            self.assertEqual(code, 0, erreurs)
            self.assertIn("aucun événement", erreurs)
            self.assertIn("aucun événement", page)
            self.verifier_autonome(page)
            self.assertEqual((d["couloirs"], d["taches"], d["duree"]), ([], [], 0))

    def test_fichier_vide(self):
        for texte in ("", "  \n"):
            code, erreurs, _, _ = self.rendre_texte(texte)
            self.assertEqual(code, 1)
            self.assertIn("erreur : le fichier de trace", erreurs)
            self.assertIn("est vide", erreurs)

    def test_fichier_absent(self):
        code, erreurs = self.lancer(os.path.join(self.dossier, "absent.json"))
        self.assertEqual(code, 1)
        self.assertIn("fichier de trace introuvable", erreurs)

    def test_trace_tronquee(self):
        """Coupée n'importe où après le premier événement : ce qui est complet est affiché."""
        trace = ex.trace_exemple(workers=2)
        texte = json.dumps(trace)   # une seule ligne
        premier = texte.index("}}", texte.index('"traceEvents"')) + 2
        milieu = texte.index('{"ph": "X"', len(texte) // 2)
        coupes = sorted(set(range(premier, len(texte) - 1, 41)) | set(range(milieu, milieu + 140)))
        chemin = os.path.join(self.dossier, "coupe.json")
        for coupe in coupes:   # dans le même processus (rapide), pas par subprocess
            with open(chemin, "w", encoding="utf-8") as f:
                f.write(texte[:coupe])
            erreurs = io.StringIO()
            with contextlib.redirect_stderr(erreurs):
                code = trace_html.main([chemin])
            self.assertEqual(code, 0, f"coupe à {coupe} : {erreurs.getvalue()}")
            self.assertIn("tronquée", erreurs.getvalue())
            with open(chemin[:-5] + ".html", encoding="utf-8") as f:
                page = f.read()
            self.assertIn("Trace tronquée", page)
            complets = len(re.findall(r'"pid"', texte[:coupe])) - 1
            self.assertIn(donnees_de(page)["evenements"], (complets, complets + 1),
                          f"coupe à {coupe}")
        self.verifier_autonome(page)
        # La fin seulement manque (« ]} ») : rien n'est perdu.
        sans_fin = texte[:texte.index("]")]
        code, erreurs, _, d = self.rendre_texte(sans_fin)
        self.assertEqual(code, 0)
        self.assertEqual(d["evenements"], len(trace["traceEvents"]))
        self.assertEqual(len(d["taches"]), 8)

    def test_tronquee_avant_le_premier_evenement(self):
        for texte in ('{"traceEvents": [', '{"traceEvents": [{"ph": "M", "na', '{"trace', "["):
            code, erreurs, _, _ = self.rendre_texte(texte)
            self.assertEqual(code, 1, texte)
            self.assertIn("tronquée avant son premier événement", erreurs)

    def test_json_invalide(self):
        texte = ex.ecrire(ex.trace_exemple(workers=2), os.path.join(self.dossier, "t.json"))
        lignes = texte.split("\n")
        lignes[10] = lignes[10].replace('"ph":', '"ph";', 1)
        code, erreurs, _, _ = self.rendre_texte("\n".join(lignes))
        self.assertEqual(code, 1)
        self.assertIn("JSON invalide", erreurs)
        self.assertIn("ligne 11", erreurs)

    def test_pas_une_trace(self):
        for texte in ("42", '"bonjour"', "\x00\xff"):
            code, erreurs, _, _ = self.rendre_texte(texte)
            self.assertEqual(code, 1, texte)
            self.assertIn("format Chrome", erreurs)
        chemin = os.path.join(self.dossier, "binaire.json")
        with open(chemin, "wb") as f:
            f.write(b"\xff\xfe\x00binaire")
        code, erreurs = self.lancer(chemin)
        self.assertEqual(code, 1)
        self.assertIn("n'est pas du texte UTF-8", erreurs)

    def test_usage(self):
        code, erreurs = self.lancer()
        self.assertEqual(code, 2)
        self.assertIn("usage : trace_html.py", erreurs)
        code, erreurs = self.lancer("--nimporte", "x.json")
        self.assertEqual(code, 2)
        self.assertIn("option inconnue : --nimporte", erreurs)

    def test_page_par_defaut_a_cote_de_la_trace(self):
        chemin = os.path.join(self.dossier, "programme-2024.json")
        ex.ecrire(ex.trace_exemple(workers=2), chemin)
        code, erreurs = self.lancer(chemin)
        self.assertEqual(code, 0, erreurs)
        with open(os.path.join(self.dossier, "programme-2024.html"), encoding="utf-8") as f:
            self.assertIn("Trace des tâches — programme-2024", f.read())

    # ─── Grosse trace ───

    def test_deux_cent_mille_evenements(self):
        trace = ex.grosse_trace(200_000, workers=4, taches=2000)
        debut = time.monotonic()
        code, erreurs, page, d = self.rendre(trace, "grosse")
        duree = time.monotonic() - debut
        self.assertEqual(code, 0, erreurs)
        self.assertLess(duree, 60, "trop lent")
        self.assertLess(len(page.encode("utf-8")), 8_000_000, "page trop grosse")
        self.verifier_autonome(page)
        self.assertEqual([c["nom"] for c in d["couloirs"]],
                         ["worker 0", "worker 1", "worker 2", "worker 3", "block_on"])
        self.assertEqual(len(d["taches"]), 2000)
        polls = sum(1 for e in trace["traceEvents"] if e.get("cat") == "poll")
        self.assertEqual(d["stats"]["passages"], polls)
        self.assertLessEqual(len(d["passages"]), trace_html.MAX_PASSAGES)
        self.assertLessEqual(len(d["agregats"]), trace_html.MAX_AGREGATS)
        self.assertLessEqual(len(d["reveils"]), trace_html.MAX_MARQUES)
        self.assertTrue(d["agregats"])
        self.assertIn("Affichage réduit", page)
        # Les passages agrégés plus ceux dessinés un à un font le compte.
        self.assertEqual(len(d["passages"]) + sum(a[3] for a in d["agregats"]), polls)
        # Chaque passage long (40 µs, plus large qu'un pixel) reste dessiné un à un.
        longs = sum(1 for e in trace["traceEvents"] if e.get("dur") == 40.0)
        self.assertEqual(sum(1 for p in d["passages"] if p[2] == 40000), longs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
