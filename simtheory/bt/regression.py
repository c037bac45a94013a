"""BT regression (Springall 1973; Rethinking BT Sec. 2): r(x, y) = w . phi(x, y).

P(y_w > y_l) = F(w . (phi_w - phi_l)), F = logistic (BT) or Phi (Thurstone). This is a binary GLM without
intercept on feature differences, fitted with statsmodels Logit/Probit so users get summary(), CIs, p-values.
Each pair's orientation is randomised (with the given rng) so both labels occur; the fit is invariant to it.
"""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from simtheory.validation import SimTheoryInputError, check_choice, check_finite_array


def fit_bt_regression(phi_winner, phi_loser, rng: np.random.Generator, link: str = "logit"):
    """Fit w by ML; returns the statsmodels results object (params, bse, conf_int(), summary())."""
    a = check_finite_array("phi_winner", phi_winner, ndim=2)
    b = check_finite_array("phi_loser", phi_loser, shape=a.shape)
    check_choice("link", link, ["logit", "probit"])
    if a.shape[0] <= a.shape[1]:
        raise SimTheoryInputError("phi_winner", f"need more pairs ({a.shape[0]}) than features ({a.shape[1]})")
    if np.linalg.matrix_rank(a - b) < a.shape[1]:
        raise SimTheoryInputError(
            "phi_winner",
            "feature differences phi_winner - phi_loser are linearly dependent "
            "(singular design): drop or combine collinear features",
        )
    flip = np.asarray(rng.random(a.shape[0]) < 0.5, dtype=bool)
    X = np.where(flip[:, None], b - a, a - b)
    y = (~flip).astype(float)
    model = sm.Logit(y, X) if link == "logit" else sm.Probit(y, X)
    return model.fit(disp=0)
