"""``python -m simtheory.run``: alias of :mod:`simtheory.runner.cli` (run a grid)."""

import sys

from simtheory.runner.cli import main

if __name__ == "__main__":
    sys.exit(main())
