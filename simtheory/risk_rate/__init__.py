"""Risk-bound scaling of MLP Bradley-Terry regression (*Rethinking BT*, Sec. 2.4).

* :mod:`.risk`   - truncated KL risk R_B (Definition 9, eq. 11) with a Monte-Carlo SE;
* :mod:`.truth`  - true rewards of controlled Hoelder-Zygmund smoothness beta in d dimensions and a
  pair distribution whose small-value index alpha is set by construction;
* :mod:`.mlp`    - Siamese MLP BT fits (PyTorch CPU), the width/depth rule and the optimisation gap Delta_n (eq. 10);
* :mod:`.rates`  - the exponent of Theorem 10 and log-log slope fits with CIs;
* :mod:`.experiment` - one fit: risk, Delta_n and the Corollary 11 reward-difference error along p0 bins.
"""

from simtheory.risk_rate.rates import fit_slope, phi_n, theory_exponent
from simtheory.risk_rate.risk import RiskEstimate, truncated_kl_pointwise, truncated_kl_risk

__all__ = ["RiskEstimate", "truncated_kl_risk", "truncated_kl_pointwise", "fit_slope", "theory_exponent", "phi_n"]
