"""own_theorem: an example package that checks its own claim with simtheory.

It registers, through entry points (see ``pyproject.toml``):

* the document ``own_theorem`` (:data:`DOCUMENT`);
* the claims module :mod:`own_theorem.claims`;
* the grid folder :mod:`own_theorem.grids` (``bt_rate.toml``).
"""

#: title of this package's "document" in the simtheory report
DOCUMENT = {"title": "Own theorem: BT MLE error vs comparisons per player (example package)", "short": "own"}
