"""simtheory: numerical checks of the theory of preference-based reward modeling.

Layers:

* :mod:`simtheory.engine` - the Monte-Carlo engine (no paper knowledge);
* topic packages, each with its theory, grid(s) and claims: :mod:`simtheory.cross_prompt`,
  :mod:`simtheory.bt`, :mod:`simtheory.reward_models`, :mod:`simtheory.risk_rate`,
  :mod:`simtheory.general_preference`, :mod:`simtheory.embeddings`;
* :mod:`simtheory.runner` - grids, the run store, Dask, the command line;
* :mod:`simtheory.verify` - the claim registry and the verification report.
"""

__version__ = "0.2.0"

from simtheory.engine import PairStats, PromptPopulation, Xi, order_consistency, pair_stats, resolve_backend
from simtheory.runner import available_grids, get_grid, run_grid
from simtheory.validation import SimTheoryInputError
from simtheory.verify import Claim, Outcome, all_claims, register

__all__ = [
    "Claim",
    "Outcome",
    "PairStats",
    "PromptPopulation",
    "SimTheoryInputError",
    "Xi",
    "__version__",
    "all_claims",
    "available_grids",
    "get_grid",
    "order_consistency",
    "pair_stats",
    "register",
    "resolve_backend",
    "run_grid",
]
