"""simtheory: numerical checks of the theory of preference-based reward modeling.

Sub-modules (import what you need):

* :mod:`simtheory.validation` - one-line input errors (:class:`SimTheoryInputError`).
* :mod:`simtheory.utilities`, :mod:`simtheory.annotators`, :mod:`simtheory.pairing` - samplers.
* :mod:`simtheory.backends`, :mod:`simtheory.montecarlo` - the Monte-Carlo engine (numpy / numba / cupy).
* :mod:`simtheory.crossprompt` - Example 1, eq. 25, Prop. 15, Thm. 16 (cross-prompt annotation).
* :mod:`simtheory.grid`, :mod:`simtheory.results`, :mod:`simtheory.run` - grids, result writing, CLI.
* :mod:`simtheory.claims` - the registry of checked claims (one row per paper claim).
"""
__version__ = "0.1.0"

from .validation import SimTheoryInputError  # noqa: F401
