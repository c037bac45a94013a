"""``python -m simtheory``: the ``simtheory`` command (:mod:`simtheory.cli.app`)."""

import sys

from simtheory.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
