"""Theorem 10's rate and log-log slope fits.

phi_n = 2^{((1+a)b + (3+a)d)/((1+a)b + d)} n^{-(1+a)b/((1+a)b + d)} (Theorem 10); the bound is
R_B <= C' B phi_n L log^2 n, so the *theoretical exponent* is e = (1+a)b/((1+a)b + d) and the bound's local
log-log slope over n in [n_lo, n_hi] is -e + 2/ln(n) (log^2 n) plus d ln L / d ln n (depth L ~ log n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array, check_scalar


def theory_exponent(beta: float, d: int, alpha: float) -> float:
    """Polynomial exponent e = (1+alpha) beta / ((1+alpha) beta + d) of phi_n (Theorem 10).

    Parameters
    ----------
    beta : float
        Hoelder smoothness of the true reward, > 0.
    d : int
        Input dimension, >= 1.
    alpha : float
        Small-value index of the pair distribution, >= 0.

    Returns
    -------
    float
        The exponent e in (0, 1): the risk bound decays like n^(-e) up to log factors.

    Examples
    --------
    >>> theory_exponent(2.0, 2, 0.0)
    0.5
    """
    beta = check_scalar("beta", beta, low=0.0, low_open=True)
    d = int(check_scalar("d", d, low=1, integer=True))
    alpha = check_scalar("alpha", alpha, low=0.0)
    k = (1.0 + alpha) * beta
    return k / (k + d)


def phi_n(n, beta: float, d: int, alpha: float) -> np.ndarray:
    """The rate phi_n of Theorem 10, including its constant 2^{((1+a)b + (3+a)d)/((1+a)b + d)}.

    Parameters
    ----------
    n : array_like
        Sample sizes, >= 1.
    beta, d, alpha
        As in :func:`theory_exponent`.

    Returns
    -------
    numpy.ndarray
        phi_n at each n.

    Examples
    --------
    >>> float(phi_n([4.0], 2.0, 2, 0.0)[0])  # 2^((2 + 6) / 4) * 4^(-1/2)
    2.0
    """
    n = check_finite_array("n", n)
    if np.any(n < 1):
        raise SimTheoryInputError("n", "sample sizes must be >= 1")
    e = theory_exponent(beta, d, alpha)
    k = (1.0 + alpha) * beta
    return 2.0 ** ((k + (3.0 + alpha) * d) / (k + d)) * n ** (-e)


@dataclass(frozen=True)
class SlopeFit:
    """OLS fit log(risk) = a + slope log(n); ``ci`` is the (1 - level) t-interval of the slope."""

    slope: float
    se: float
    ci: tuple[float, float]
    intercept: float
    n_points: int


def fit_slope(n, risk, level: float = 0.05, groups=None) -> SlopeFit:
    """Slope of log(risk) on log(n) by statsmodels OLS, with a t confidence interval.

    Parameters
    ----------
    n : array_like
        Sample size of each point (e.g. one point per seed and size).
    risk : array_like
        Positive risk estimates, same length.
    level : float
        1 - confidence level of the interval.
    groups : array_like, optional
        Cluster of each point (e.g. its seed); the SE is then cluster-robust.

    Returns
    -------
    SlopeFit
        Slope, its SE and CI, intercept and number of points.

    Raises
    ------
    SimTheoryInputError
        For non-positive n or risk, length mismatch, or fewer than 2 distinct sizes / 3 points.

    Examples
    --------
    >>> fit = fit_slope([100, 200, 400, 800], [0.1, 0.05, 0.025, 0.0125])
    >>> round(fit.slope, 6)
    -1.0
    """
    import statsmodels.api as sm

    n = check_finite_array("n", n, ndim=1)
    risk = check_finite_array("risk", risk, ndim=1)
    if n.shape != risk.shape:
        raise SimTheoryInputError("risk", f"length {risk.size} differs from n length {n.size}")
    if np.any(n <= 0):
        raise SimTheoryInputError("n", "must be positive")
    if np.any(risk <= 0):
        raise SimTheoryInputError("risk", "must be positive to take logs")
    if np.unique(n).size < 2 or n.size < 3:
        raise SimTheoryInputError("n", "need at least 2 distinct sizes and 3 points")
    check_scalar("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    X = sm.add_constant(np.log(n))
    model = sm.OLS(np.log(risk), X)
    if groups is not None:
        res = model.fit(cov_type="cluster", cov_kwds={"groups": np.asarray(groups)})
    else:
        res = model.fit()
    lo, hi = res.conf_int(alpha=level)[1]
    return SlopeFit(float(res.params[1]), float(res.bse[1]), (float(lo), float(hi)), float(res.params[0]), int(n.size))
