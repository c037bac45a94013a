"""BT regression (Springall 1973; Rethinking BT Sec. 2): r(x, y) = w . phi(x, y).

P(y_w > y_l) = F(w . (phi_w - phi_l)), F = logistic (BT) or Phi (Thurstone). This is a binary GLM without
intercept on feature differences, fitted with statsmodels Logit/Probit so users get summary(), CIs, p-values.
Each pair's orientation is randomised (with the given rng) so both labels occur; the fit is invariant to it.
"""

from __future__ import annotations

import numpy as np

from simtheory.validation import SimTheoryInputError, check_choice, check_finite_array


def fit_bt_regression(phi_winner, phi_loser, rng: np.random.Generator, link: str = "logit"):
    """BT regression (Springall 1973): ML fit of w in P(y_w > y_l) = F(w . (phi_w - phi_l)).

    Parameters
    ----------
    phi_winner, phi_loser : array_like
        (n, p) features of the preferred and the rejected item, n > p.
    rng : numpy.random.Generator
        Randomises each pair's orientation (the fit is invariant to it).
    link : {'logit', 'probit'}, default 'logit'
        BT (logistic F) or Thurstone (F = Phi).

    Returns
    -------
    statsmodels.discrete.discrete_model.BinaryResultsWrapper
        The statsmodels results (params, bse, conf_int(), summary()).

    Raises
    ------
    SimTheoryInputError
        Non-finite or mismatched features, n <= p, or linearly dependent feature differences.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> from simtheory.bt import fit_bt_regression
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2000, 2)), rng.normal(size=(2000, 2))
    >>> first = rng.random(2000) < expit((a - b) @ [1.0, -0.5])
    >>> res = fit_bt_regression(np.where(first[:, None], a, b), np.where(first[:, None], b, a), rng)
    >>> res.params.round(1)
    array([ 1. , -0.5])
    """
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
    import statsmodels.api as sm  # imported here: 1.5 s and ~150 MB that the other BT fits do not need

    model = sm.Logit(y, X) if link == "logit" else sm.Probit(y, X)
    return model.fit(disp=0)
