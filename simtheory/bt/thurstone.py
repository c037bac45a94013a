"""Thurstone (probit) paired comparisons: P(i > j) = Phi(r_i - r_j) (Rethinking BT Sec. 2, Remark 8).

Fitted by ML with scipy L-BFGS-B (analytic gradient), gauge sum r = 0 (last score = -sum of others).
Same existence condition as BT (see arena.check_mle_exists).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_ndtr

from simtheory.bt.arena import _check_wins, check_mle_exists
from simtheory.validation import check_scalar


def _full(x):
    return np.append(x, -x.sum())


def fit_thurstone(wins, lam: float = 0.0, return_result: bool = False):
    """Thurstone (Remark 8) mean-zero scores maximising sum_ij W_ij log Phi(r_i - r_j) - lam sum_i n_i r_i^2.

    Parameters
    ----------
    wins : array_like
        (N, N) win counts.
    lam : float, default 0.0
        Penalty (lam > 0 allows data where the MLE does not exist; then no SEs).
    return_result : bool, default False
        With lam = 0, return the :class:`~simtheory.bt.model.BTResult` of ``fit(wins, link='probit')``
        (SEs, covariance, log-likelihood) instead of the score array.

    Returns
    -------
    numpy.ndarray or BTResult
        The (N,) mean-zero scores, or the BTResult with ``return_result=True``.

    Raises
    ------
    SimTheoryInputError
        Bad counts, or (lam = 0) a win graph that is not strongly connected; ``return_result`` with lam > 0.

    Examples
    --------
    >>> from simtheory.bt import fit_thurstone
    >>> W = [[0, 75, 85], [23, 0, 80], [8, 29, 0]]
    >>> fit_thurstone(W).round(2)
    array([ 0.7 , -0.03, -0.66])
    """
    W = _check_wins(wins)
    lam = check_scalar("lam", lam, low=0.0)
    if return_result:
        if lam != 0.0:
            from simtheory.validation import SimTheoryInputError

            raise SimTheoryInputError("return_result", "SEs are available for the unpenalised fit (lam = 0) only")
        from simtheory.bt.model import fit

        return fit(W, link="probit")
    if lam == 0.0:
        check_mle_exists(W)
    n = W.shape[0]
    games = (W + W.T).sum(1)
    mask = W > 0

    def fg(x):
        r = _full(x)
        D = r[:, None] - r[None, :]
        lp = log_ndtr(D)
        f = -(W[mask] * lp[mask]).sum() + lam * (games * r**2).sum()
        mills = np.exp(-0.5 * D**2 - lp) / np.sqrt(2 * np.pi)  # phi/Phi, stable
        G = W * mills
        gr = -(G.sum(1) - G.sum(0)) + 2 * lam * games * r
        return f, gr[:-1] - gr[-1]

    res = minimize(
        fg, np.zeros(n - 1), jac=True, method="L-BFGS-B", options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 5000}
    )
    return _full(res.x)
