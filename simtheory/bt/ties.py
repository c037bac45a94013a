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
    """Rao-Kupper ML fit.

    Parameters
    ----------
    wins, ties : (N, N) count matrices (see module docstring).
    return_result : return the BTResult (params incl. log_theta, cov, SEs, loglik) instead of a tuple.

    Returns
    -------
    (mean-zero scores r, theta) or BTResult.

    Raises
    ------
    SimTheoryInputError
        Bad counts, no ties / only ties, or a win graph (ties both ways) that is not strongly connected.
    """
    return _fit(wins, ties, "rao_kupper", return_result)


def fit_davidson(wins, ties, return_result: bool = False) -> tuple[np.ndarray, float] | BTResult:
    """Davidson ML fit; returns (mean-zero scores r, nu) or the BTResult (params incl. log_nu). Raises as
    :func:`fit_rao_kupper`."""
    return _fit(wins, ties, "davidson", return_result)
