"""``python -m simtheory.embed PREFS --out FILE.npz``: embed human preference pairs (see
:mod:`simtheory.embeddings.convert`)."""

from __future__ import annotations

import sys

from simtheory.embeddings.convert import main

if __name__ == "__main__":
    sys.exit(main())
