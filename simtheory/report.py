"""``python -m simtheory.report``: alias of :mod:`simtheory.verify.report` (the verification report)."""

import sys

from simtheory.verify.report import main

if __name__ == "__main__":
    sys.exit(main())
