#!/usr/bin/env python3
"""Tests de scripts/mutants.py (les mutants du cours), bibliothèque standard seule.

Chaque test fabrique un petit projet factice : un chapitre « 99-essai » (une fonction somme,
deux tests notés et un test non noté), ses mutants, et lance le script dessus (--racine).
Tout se compile en quelques secondes, sans le runtime du cours. On vérifie les verdicts
(tué, survivant, invalide), les tests nommés, le délai plafonné d'un mutant qui bloque, la
copie des solutions remise en état, le bilan JSON/TSV et les erreurs d'entrée, en français.

    python3 tests/outils/test_mutants.py                          # tous les tests
    python3 tests/outils/test_mutants.py TestMutants.test_…       # un seul (comme CTest)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
SCRIPT = Path(__file__).resolve().parent.parent.parent / "scripts" / "mutants.py"

PRESETS = """{
  "version": 6,
  "configurePresets": [
    { "name": "default", "generator": "Ninja", "binaryDir": "${sourceDir}/build/default",
      "cacheVariables": { "CMAKE_BUILD_TYPE": "RelWithDebInfo" } }
  ]
}
"""

RACINE_CMAKE = """cmake_minimum_required(VERSION 3.25)
project(faux_cours LANGUAGES CXX)
set(COURS_DOSSIER_SOLUTIONS "${PROJECT_SOURCE_DIR}/solutions" CACHE PATH "solutions")
option(COURS_TESTS "tests" ON)
option(COURS_BENCH "bench" OFF)
option(COURS_CHAPITRES "chapitres" ON)
enable_testing()
file(GLOB chapitres RELATIVE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/tests/[0-9][0-9]-*)
foreach(c IN LISTS chapitres)
    add_subdirectory(tests/${c})
endforeach()
"""

# Un test noté par cas ; « exemples.* » n'est pas noté (autre label) et ne doit jamais tuer.
TESTS_CMAKE = """add_executable(test_ch{n} test.cpp)
target_include_directories(test_ch{n} PRIVATE ${{COURS_DOSSIER_SOLUTIONS}}/{slug})
foreach(cas positive nulle)
    add_test(NAME ch{n}.somme_${{cas}} COMMAND test_ch{n} ${{cas}})
    set_tests_properties(ch{n}.somme_${{cas}} PROPERTIES LABELS ch{n} TIMEOUT 300)
endforeach()
add_test(NAME exemples.ch{n}_toujours_en_echec COMMAND test_ch{n} echec)
set_tests_properties(exemples.ch{n}_toujours_en_echec PROPERTIES LABELS exemples)
"""

TEST_CPP = r"""#include <cstdio>
#include <cstring>
#include "somme.hpp"
int main(int argc, char** argv) {
    if (argc < 2) return 2;
    if (!std::strcmp(argv[1], "positive") && somme(2, 3) != 5) {
        std::printf("test.cpp(7): error: in \"somme_positive\": somme(2, 3) doit valoir 5\n");
        return 1;
    }
    if (!std::strcmp(argv[1], "nulle") && somme(0, 0) != 0) return 1;
    return std::strcmp(argv[1], "echec") == 0;
}
"""

SOMME = """#pragma once
// La somme de deux entiers.
inline int somme(int a, int b) {
    return a + b;
}
"""


def patch(slug, description, avant, apres, fichier="somme.hpp"):
    """Un mutant au format du cours : Description, ligne vide, diff unifié de solutions/."""
    chemin = f"solutions/{slug}/{fichier}"
    return (f"Description: {description}\n\n--- a/{chemin}\n+++ b/{chemin}\n"
            f"@@ -3,3 +3,3 @@\n inline int somme(int a, int b) {{\n-    {avant}\n+    {apres}\n }}\n")


class TestMutants(unittest.TestCase):

    def setUp(self):
        self._dossier = tempfile.TemporaryDirectory(prefix="mutants-")
        self.racine = Path(self._dossier.name)
        (self.racine / "CMakePresets.json").write_text(PRESETS)
        (self.racine / "CMakeLists.txt").write_text(RACINE_CMAKE)
        self.chapitre("99", "99-essai")

    def tearDown(self):
        self._dossier.cleanup()

    # ─── Outils ───

    def chapitre(self, n, slug):
        (self.racine / "solutions" / slug).mkdir(parents=True)
        (self.racine / "solutions" / slug / "somme.hpp").write_text(SOMME)
        (self.racine / "tests" / slug).mkdir(parents=True)
        (self.racine / "tests" / slug / "CMakeLists.txt").write_text(TESTS_CMAKE.format(n=n, slug=slug))
        (self.racine / "tests" / slug / "test.cpp").write_text(TEST_CPP)
        (self.racine / "tests" / "mutants" / slug).mkdir(parents=True)

    def mutant(self, slug, nom, texte):
        f = self.racine / "tests" / "mutants" / slug / nom
        f.write_text(texte)
        return f

    def lancer(self, *args, timeout=120):
        """Lance le script sur le projet factice ; rend (code, sortie, erreurs)."""
        env = dict(os.environ, NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
        r = subprocess.run([sys.executable, str(SCRIPT), "--racine", str(self.racine), "--ccache", "non",
                            "--build", "build/mutants", *args],
                           capture_output=True, text=True, timeout=timeout, env=env)
        self.assertNotIn("Traceback", r.stderr, "le script a planté :\n" + r.stderr)
        return r.returncode, r.stdout, r.stderr

    def bilan(self):
        return {m["mutant"]: m for m in json.loads((self.racine / "build/mutants/mutants.json").read_text())["mutants"]}

    # ─── Verdicts ───

    def test_tue_survivant_invalide(self):
        s = "99-essai"
        self.mutant(s, "somme--soustrait.patch", patch(s, "soustrait au lieu d'additionner",
                                                       "return a + b;", "return a - b;"))
        self.mutant(s, "somme--ordre-inverse.patch", patch(s, "additionne dans l'autre ordre (équivalent)",
                                                           "return a + b;", "return b + a;"))
        self.mutant(s, "somme--ne-compile-pas.patch", patch(s, "oublie un opérande",
                                                            "return a + b;", "return a + ;"))
        self.mutant(s, "somme--perime.patch", patch(s, "écrit contre une vieille solution",
                                                    "return a * b + 0;", "return a * b;"))
        code, sortie, _ = self.lancer("-j", "1")
        self.assertEqual(code, 1, sortie)
        b = self.bilan()
        self.assertEqual(b["soustrait"]["verdict"], "tué")
        self.assertEqual(b["soustrait"]["tueurs"], ["ch99.somme_positive"], "seul le test qui échoue tue")
        self.assertIn("doit valoir 5", b["soustrait"]["messages"]["ch99.somme_positive"])
        self.assertEqual(b["ordre-inverse"]["verdict"], "survivant")
        self.assertEqual(b["ne-compile-pas"]["verdict"], "invalide")
        erreur = "\n".join(b["ne-compile-pas"]["erreur"])
        self.assertIn("solutions/99-essai/somme.hpp", erreur, "le chemin montré est celui des solutions")
        self.assertIn("error", erreur)
        self.assertNotIn("copie/", erreur)
        self.assertEqual(b["perime"]["verdict"], "invalide")
        self.assertIn("ne s'applique pas", b["perime"]["erreur"][0])
        # Le tableau : une ligne par mutant, avec sa description.
        for attendu in ("soustrait", "tué", "survivant", "invalide", "« soustrait au lieu d'additionner »",
                        "ch99.somme_positive", "mutants: 1 killed, 3 not killed"):
            self.assertIn(attendu, sortie)
        tsv = (self.racine / "build/mutants/mutants.tsv").read_text().splitlines()
        self.assertEqual(tsv[0].split("\t")[:4], ["chapitre", "exercice", "mutant", "verdict"])
        self.assertEqual(len(tsv), 5)
        # La copie des solutions est revenue à l'identique.
        copie = self.racine / "build/mutants/1/copie/solutions/99-essai/somme.hpp"
        self.assertEqual(copie.read_text(), SOMME)
        self.assertEqual(sorted(p.name for p in copie.parent.iterdir()), ["somme.hpp"])

    def test_tous_tues_et_incremental(self):
        s = "99-essai"
        a = self.mutant(s, "somme--soustrait.patch", patch(s, "soustrait", "return a + b;", "return a - b;"))
        self.mutant(s, "somme--double-a.patch", patch(s, "double a", "return a + b;", "return a + a;"))
        code, sortie, _ = self.lancer("-j", "1", "99")
        self.assertEqual(code, 0, sortie)
        self.assertIn("Tous les mutants sont tués (2 tués)", sortie)
        # Relancé : le build est réutilisé (l'exécutable de test n'est recompilé que pour le
        # mutant), et un seul mutant peut être désigné par son fichier.
        code, sortie, _ = self.lancer("-j", "1", str(a))
        self.assertEqual(code, 0, sortie)
        self.assertEqual(list(self.bilan()), ["soustrait"])

    def test_mutant_qui_bloque_arrete_par_le_plafond(self):
        s = "99-essai"
        self.mutant(s, "somme--boucle.patch", patch(s, "boucle sans fin", "return a + b;",
                                                    "for (volatile int i = 0; i >= 0; i = 0) {} return a + b;"))
        t0 = time.monotonic()
        code, sortie, _ = self.lancer("-j", "1", "--timeout", "2")
        self.assertEqual(code, 0, sortie)
        self.assertEqual(self.bilan()["boucle"]["verdict"], "tué")
        self.assertLess(time.monotonic() - t0, 60, "le délai des tests (300 s) doit être ramené à --timeout")

    def test_deux_travailleurs(self):
        self.chapitre("98", "98-autre")
        for s in ("98-autre", "99-essai"):
            self.mutant(s, "somme--soustrait.patch", patch(s, "soustrait", "return a + b;", "return a - b;"))
        code, sortie, _ = self.lancer("-j", "2", "--paralleles", "2")
        self.assertEqual(code, 0, sortie)
        self.assertIn("2 travailleurs", sortie)
        self.assertTrue((self.racine / "build/mutants/2/copie/solutions").is_dir())

    def test_reference_en_echec_signalee(self):
        s = "99-essai"
        (self.racine / "solutions" / s / "somme.hpp").write_text(SOMME.replace("a + b", "a + b + 1"))
        self.mutant(s, "somme--soustrait.patch", patch(s, "soustrait", "return a + b + 1;", "return a - b + 1;"))
        code, sortie, _ = self.lancer("-j", "1")
        self.assertEqual(code, 1, sortie)
        self.assertIn("tests en échec sur les solutions intactes", sortie)
        self.assertEqual(self.bilan()["soustrait"]["verdict"], "survivant",
                         "un test qui échoue déjà sur la référence ne tue pas")

    # ─── Entrées incorrectes (sans rien construire) ───

    def erreur_entree(self, *args):
        code, sortie, erreurs = self.lancer("--liste", *args)
        self.assertEqual(code, 2, sortie + erreurs)
        self.assertIn("erreur :", erreurs)
        return erreurs

    def test_sans_description(self):
        texte = patch("99-essai", "x", "return a + b;", "return a - b;").split("\n", 2)[2]
        self.mutant("99-essai", "somme--sans-description.patch", texte)
        self.assertIn("la première ligne doit être « Description:", self.erreur_entree())

    def test_patch_d_un_autre_chapitre(self):
        self.chapitre("98", "98-autre")
        self.mutant("99-essai", "somme--ailleurs.patch",
                    patch("98-autre", "touche le chapitre 98", "return a + b;", "return a - b;"))
        erreurs = self.erreur_entree()
        self.assertIn("hors de solutions/99-essai/", erreurs)
        self.assertIn("somme--ailleurs.patch", erreurs)

    def test_aucun_mutant(self):
        self.assertIn("aucun mutant", self.erreur_entree())
        self.assertIn("aucun mutant pour le chapitre 42", self.erreur_entree("42"))

    def test_nom_sans_fichier_d_exercice(self):
        self.mutant("99-essai", "produit--x.patch", patch("99-essai", "x", "return a + b;", "return a - b;"))
        self.assertIn("aucun fichier solutions/99-essai/produit.*", self.erreur_entree())

    def test_liste(self):
        self.mutant("99-essai", "somme--soustrait.patch",
                    patch("99-essai", "soustrait au lieu d'additionner", "return a + b;", "return a - b;"))
        code, sortie, _ = self.lancer("--liste")
        self.assertEqual(code, 0)
        self.assertIn("soustrait au lieu d'additionner", sortie)
        self.assertFalse((self.racine / "build").exists(), "--liste ne construit rien")


if __name__ == "__main__":
    if not shutil.which("cmake") or not shutil.which("ninja") or not shutil.which("patch"):
        print("cmake, ninja ou patch introuvable : tests sautés")
        sys.exit(77)
    unittest.main()
