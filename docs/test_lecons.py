#!/usr/bin/env python3
"""Tests de docs/lecons.py (test CTest docs.lecons) : une fausse leçon dans un dépôt
temporaire, un petit fichier d'étiquettes Doxygen, et ce que le site doit en recevoir.

Usage : test_lecons.py (bibliothèque standard seulement).
"""

import pathlib
import subprocess
import sys
import tempfile
import unittest

ICI = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # pas de __pycache__ dans docs/
sys.path.insert(0, str(ICI))
import lecons  # noqa: E402

TAG = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<tagfile doxygen_version="1.9.4">
  <compound kind="class"><name>rt::JoinHandle</name><filename>x.html</filename>
    <member kind="function"><name>abort</name></member>
  </compound>
  <compound kind="class"><name>rt::sync::Mutex</name><filename>y.html</filename>
    <member kind="function"><name>lock</name></member>
  </compound>
  <compound kind="class"><name>rt::Task</name><filename>t.html</filename>
    <member kind="function"><name>reset</name></member>
  </compound>
  <compound kind="namespace"><name>rt</name><filename>n.html</filename>
    <member kind="function"><name>spawn</name></member>
  </compound>
  <compound kind="namespace"><name>rt::sync::mpsc</name><filename>m.html</filename>
    <member kind="function"><name>channel</name></member>
  </compound>
  <compound kind="namespace"><name>rt::detail</name><filename>d.html</filename>
    <member kind="function"><name>interne</name></member>
  </compound>
</tagfile>
"""

LECON = """# Chapitre 03 — Qu'est-ce que `tokio::spawn` ?

Intro : `rt::spawn`, `rt::sync::Mutex`, `JoinHandle::abort`, `mpsc::channel<int>(8)` et `rt::detail::interne`.
Un appel `::read` et `Task<T>::Awaiter`, puis **`unwrap()` sur le `JoinError`**.

## Une section

Voir [l'exemple](exemples/demo.cpp), [la leçon 04](../04-suite/README.md),
[un test](../../tests/quelque_chose.cpp) et [le site](https://tokio.rs).

![Le dessin](dessin.png)

```rust
let s = Semaphore::new(3);
```

```cpp
auto garde = co_await mutex.lock();
p.reset();
```

```mermaid
graph TD; A-->B;
```

```dot
digraph G { a -> b; }
```

<details><summary>Réponses</summary>

Texte.

</details>
"""


class Lecons(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dossier = tempfile.TemporaryDirectory()
        racine = pathlib.Path(cls.dossier.name)
        cls.racine = racine
        chapitre = racine / "chapters" / "03-spawn"
        (chapitre / "exemples").mkdir(parents=True)
        (chapitre / "README.md").write_text(LECON, encoding="utf-8")
        (chapitre / "exemples" / "demo.cpp").write_text("int main() {}\n", encoding="utf-8")
        (chapitre / "dessin.png").write_bytes(b"\x89PNG")
        (racine / "chapters" / "04-suite").mkdir()
        (racine / "chapters" / "04-suite" / "README.md").write_text("# Chapitre 04 — Suite\n",
                                                                      encoding="utf-8")
        (racine / "docs").mkdir()
        (racine / "docs" / "mainpage.md").write_text(
            '| \\ref lecon_03 "3. Spawn" |\n| \\ref lecon_13 "13. Conclusion" |\n',
            encoding="utf-8")
        (racine / "docs" / "glossaire.md").write_text("| tâche | *task* | x | 03, 13 |\n",
                                                      encoding="utf-8")
        (racine / "rt.tag").write_text(TAG, encoding="utf-8")
        cls.sortie = racine / "sortie"
        subprocess.run([sys.executable, str(ICI / "lecons.py"), "--racine", str(racine),
                        "--sortie", str(cls.sortie), "--tag", str(racine / "rt.tag"),
                        "--accueil", str(racine / "docs" / "mainpage.md"),
                        "--page", str(racine / "docs" / "glossaire.md")],
                       check=True, capture_output=True)
        cls.page = (cls.sortie / "lecon_03.md").read_text(encoding="utf-8")

    @classmethod
    def tearDownClass(cls):
        cls.dossier.cleanup()

    def test_titre_et_nom_de_page(self):
        self.assertTrue(self.page.startswith(
            "# Chapitre 03 — Qu'est-ce que tokio::spawn ? {#lecon_03}\n"))
        self.assertIn("[TOC]", self.page)
        self.assertTrue((self.sortie / "lecon_04.md").is_file())

    def test_liens_reecrits(self):
        demo = (self.racine / "chapters/03-spawn/exemples/demo.cpp").resolve().as_posix()
        self.assertIn(f'\\ref {demo} "l\'exemple"', self.page)
        self.assertIn('\\ref lecon_04 "la leçon 04"', self.page)
        self.assertIn("un test (`tests/quelque_chose.cpp`)", self.page)
        self.assertIn("[le site](https://tokio.rs)", self.page)

    def test_image_copiee_sous_un_nom_propre_au_chapitre(self):
        self.assertIn("![Le dessin](lecon03_dessin.png)", self.page)
        self.assertTrue((self.sortie / "images" / "lecon03_dessin.png").is_file())

    def test_diagrammes(self):
        self.assertIn("\\dot\ndigraph G { a -> b; }\n\\enddot", self.page)
        self.assertNotIn("graph TD", self.page)
        self.assertIn("Mermaid", self.page)

    def test_ce_que_doxygen_1_9_lit_mal(self):
        self.assertIn("`::%read`", self.page)
        self.assertIn("`Task<T>::%Awaiter`", self.page)
        self.assertIn("<b>`unwrap()` sur le `JoinError`</b>", self.page)
        self.assertIn("<b>Réponses</b>", self.page)
        self.assertNotIn("<details>", self.page)

    def test_api_utilisee(self):
        api = self.page.split("{#lecon_03_api}")[1]
        for attendu in ['\\ref rt::spawn "rt::spawn()"',
                        '\\ref rt::JoinHandle::abort "rt::JoinHandle::abort()"',
                        '\\ref rt::sync::mpsc::channel "rt::sync::mpsc::channel()"',
                        '\\ref rt::sync::Mutex::lock "rt::sync::Mutex::lock()"']:
            self.assertIn(attendu, api)
        self.assertNotIn("rt::detail", api)  # non documenté : pas de lien
        self.assertNotIn("Task::reset", api)  # « p.reset() » : un nom trop commun
        self.assertNotIn("Semaphore", api)  # dans un bloc rust : c'est du tokio

    def test_exemples_du_chapitre(self):
        self.assertIn('"exemples/demo.cpp"', self.page.split("{#lecon_03_exemples}")[1])

    def test_accueil_sans_lien_vers_une_lecon_absente(self):
        accueil = (self.sortie / "mainpage.md").read_text(encoding="utf-8")
        self.assertIn('\\ref lecon_03 "3. Spawn"', accueil)
        self.assertIn("| 13. Conclusion |", accueil)

    def test_glossaire_relie(self):
        glossaire = (self.sortie / "glossaire.md").read_text(encoding="utf-8")
        self.assertIn('| \\ref lecon_03 "03", 13 |', glossaire)

    def test_api_lecon_par_lecon(self):
        inverse = (self.sortie / "api_lecons.md").read_text(encoding="utf-8")
        self.assertIn('| \\ref rt::spawn "rt::spawn()" | \\ref lecon_03 "03" |', inverse)

    def test_sans_code_rust(self):
        texte = "a\n```rust\nMutex::new\n```\nb\n"
        self.assertEqual(lecons.sans_code_rust(texte), "a\n\nb\n")


if __name__ == "__main__":
    unittest.main(verbosity=1)
