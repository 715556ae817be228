#!/usr/bin/env python3
"""Tests de docs/verifier_exemples_api.py (test CTest docs.verifier_exemples_api) : un faux
dépôt dont les en-têtes citent un exemple compilé (accepté), puis chaque forme d'exemple écrit
à la main et chaque \\snippet cassé (refusés, code 1).

Usage : test_verifier_exemples_api.py (bibliothèque standard seulement).
"""

import pathlib
import subprocess
import sys
import tempfile
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parent / "verifier_exemples_api.py"

EXEMPLE = "int main() {\n    //! [bonjour]\n    return 0;\n    //! [bonjour]\n}\n"
BON = "/// \\brief Une fonction.\n///\n/// \\snippet api_essai.cpp bonjour\nint f();\n"


class Verifier(unittest.TestCase):
    def verifier(self, entete):
        with tempfile.TemporaryDirectory() as dossier:
            racine = pathlib.Path(dossier)
            (racine / "runtime/include/rt").mkdir(parents=True)
            (racine / "docs/exemples").mkdir(parents=True)
            (racine / "docs/exemples/api_essai.cpp").write_text(EXEMPLE, encoding="utf-8")
            (racine / "runtime/include/rt/essai.hpp").write_text(entete, encoding="utf-8")
            fini = subprocess.run([sys.executable, str(SCRIPT), str(racine)],
                                  capture_output=True, text=True)
            return fini.returncode, fini.stdout

    def test_snippet_d_un_exemple_compile_accepte(self):
        code, sortie = self.verifier(BON + "/// Un indice en ligne : `auto x = f();`.\nint g();\n")
        self.assertEqual(code, 0, sortie)
        self.assertIn("1 exemples cités", sortie)

    def test_exemples_ecrits_a_la_main_refuses(self):
        for fautif in ["/// \\code\n/// int x = f();\n/// \\endcode\nint h();\n",
                       "/// @code\n/// int x = f();\n/// @endcode\nint h();\n",
                       "/// ```\n/// int x = f();\n/// ```\nint h();\n",
                       "/**\n * \\code\n * int x = f();\n * \\endcode\n */\nint h();\n",
                       "/// \\brief h.\n///\n///     int x = f();\n///     int y = f();\nint h();\n"]:
            with self.subTest(fautif=fautif):
                code, sortie = self.verifier(BON + fautif)
                self.assertEqual(code, 1, sortie)
                self.assertIn("essai.hpp", sortie)

    def test_snippet_casse_refuse(self):
        for fautif in ["/// \\snippet absent.cpp bonjour\nint h();\n",
                       "/// \\snippet api_essai.cpp aurevoir\nint h();\n"]:
            with self.subTest(fautif=fautif):
                code, sortie = self.verifier(fautif)
                self.assertEqual(code, 1, sortie)


if __name__ == "__main__":
    unittest.main(verbosity=1)
