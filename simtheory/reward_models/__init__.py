"""Reward models trained on noisy simulated annotations (Sections 3 and 6 of *Rethinking BT*).

* :mod:`.data`     - synthetic prompt-response embeddings Psi in [0,1]^d, a smooth golden reward, pair designs;
* :mod:`.models`   - BT-MLP (Siamese, eq. 20), CLF-MLP and CLF-LGB (Section 3.3), linear BT (statsmodels);
* :mod:`.evaluate` - best-of-N golden-reward gain and order consistency with the golden reward;
* :mod:`.bounds`   - Proposition 14 (eqs. 16-19) and the union bound eq. 21.
"""

from simtheory.reward_models.bounds import eq21_union_bound, prop14_bounds
from simtheory.reward_models.data import PairData, SyntheticWorld, world_from_params
from simtheory.reward_models.evaluate import best_of_n, pairwise_accuracy
from simtheory.reward_models.models import MODELS, fit_model

__all__ = [
    "MODELS",
    "PairData",
    "SyntheticWorld",
    "best_of_n",
    "eq21_union_bound",
    "fit_model",
    "pairwise_accuracy",
    "prop14_bounds",
    "world_from_params",
]
