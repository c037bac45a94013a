"""``python -m simtheory.regenerate PATH``: alias of :mod:`simtheory.runner.regenerate` (re-run and compare)."""

import sys

from simtheory.runner.regenerate import main

if __name__ == "__main__":
    sys.exit(main())
