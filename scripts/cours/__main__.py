"""python3 -m cours (depuis scripts/) : l'outil ./cours. Lancez plutôt « ./cours », qui installe
d'abord ce qui manque."""

import sys

from .cli import main

sys.exit(main())
