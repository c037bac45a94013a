"""Tie models fitted by ML (Rethinking BT Sec. 2; tutorial "What about ties?").

Rao-Kupper (1967), theta > 1, pi = exp(r):
  P(i > j) = pi_i / (pi_i + theta pi_j),  P(tie) = (theta^2 - 1) pi_i pi_j / ((pi_i + theta pi_j)(pi_j + theta pi_i)).
Davidson (1970), nu >= 0:
  P(i > j) = pi_i / D, P(tie) = nu sqrt(pi_i pi_j) / D, D = pi_i + pi_j + nu sqrt(pi_i pi_j).
Inputs: wins[i, j] = #(i beat j); ties[i, j] = #(i tied j): a symmetric matrix counts each unordered pair once,
otherwise upper and lower entries are added (only the upper triangle filled is the usual form).

Both are thin wrappers of :func:`simtheory.bt.model.fit` (sparse Newton, analytic Hessian): pass
``return_result=True`` for the full :class:`~simtheory.bt.model.BTResult` (covariance, SEs, sandwich, bootstrap,
log-likelihood). Existence: see :func:`simtheory.bt.model.check_existence` -- the win graph with each tie as an
edge both ways must be strongly connected, and there must be at least one tie and one decisive comparison.
"""

from __future__ import annotations

import numpy as np

from simtheory.bt.arena import _check_wins
from simtheory.bt.model import BTResult, fit


def _fit(wins, ties, tie_model: str, return_result: bool):
    W = _check_wins(wins)
    res = fit(W, ties=ties, tie_model=tie_model)
    if return_result:
        return res
    return res.scores.to_numpy(), res.tie_param


def fit_rao_kupper(wins, ties, return_result: bool = False) -> tuple[np.ndarray, float] | BTResult:
    """Rao-Kupper (1967) ML fit, P(tie) = (theta^2 - 1) pi_i pi_j / ((pi_i + theta pi_j)(pi_j + theta pi_i)).

    Parameters
    ----------
    wins, ties : array_like
        (N, N) count matrices (see module docstring).
    return_result : bool, default False
        Return the BTResult (params incl. log_theta, cov, SEs, loglik) instead of a tuple.

    Returns
    -------
    tuple of (numpy.ndarray, float) or BTResult
        (mean-zero scores r, theta > 1), or the BTResult.

    Raises
    ------
    SimTheoryInputError
        Bad counts, no ties / only ties, or a win graph (ties both ways) that is not strongly connected.

    Examples
    --------
    >>> from simtheory.bt import fit_rao_kupper
    >>> W = [[0, 75, 85], [23, 0, 80], [8, 29, 0]]
    >>> T = [[0, 5, 3], [0, 0, 4], [0, 0, 0]]
    >>> r, theta = fit_rao_kupper(W, T)
    >>> r.round(2), round(theta, 3)
    (array([ 1.09, -0.04, -1.05]), 1.127)
    """
    return _fit(wins, ties, "rao_kupper", return_result)


def fit_davidson(wins, ties, return_result: bool = False) -> tuple[np.ndarray, float] | BTResult:
    """Davidson (1970) ML fit, P(tie) = nu sqrt(pi_i pi_j) / (pi_i + pi_j + nu sqrt(pi_i pi_j)).

    Parameters
    ----------
    wins, ties : array_like
        (N, N) count matrices (see module docstring).
    return_result : bool, default False
        Return the BTResult (params incl. log_nu, cov, SEs, loglik) instead of a tuple.

    Returns
    -------
    tuple of (numpy.ndarray, float) or BTResult
        (mean-zero scores r, nu >= 0), or the BTResult.

    Raises
    ------
    SimTheoryInputError
        As :func:`fit_rao_kupper`.

    Examples
    --------
    >>> from simtheory.bt import fit_davidson
    >>> W = [[0, 75, 85], [23, 0, 80], [8, 29, 0]]
    >>> T = [[0, 5, 3], [0, 0, 4], [0, 0, 0]]
    >>> r, nu = fit_davidson(W, T)
    >>> r.round(2), round(nu, 3)
    (array([ 1.16, -0.05, -1.11]), 0.103)
    """
    return _fit(wins, ties, "davidson", return_result)
