"""Tie models fitted by ML (Rethinking BT Sec. 2; tutorial "What about ties?").

Rao-Kupper (1967), theta > 1, pi = exp(r):
  P(i > j) = pi_i / (pi_i + theta pi_j),  P(tie) = (theta^2 - 1) pi_i pi_j / ((pi_i + theta pi_j)(pi_j + theta pi_i)).
Davidson (1970), nu >= 0:
  P(i > j) = pi_i / D, P(tie) = nu sqrt(pi_i pi_j) / D, D = pi_i + pi_j + nu sqrt(pi_i pi_j).
Inputs: wins[i, j] = #(i beat j); ties[i, j] = #(i tied j) (symmetric, counted once per unordered pair when
only the upper triangle is filled). Optimised with scipy L-BFGS-B over (r[:-1], log(theta - 1) or log nu).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from simtheory.bt.arena import _check_wins
from simtheory.validation import SimTheoryInputError, check_finite_array


def _prep(wins, ties):
    W = _check_wins(wins)
    T = check_finite_array("ties", ties, shape=W.shape)
    if np.any(T < 0):
        raise SimTheoryInputError("ties", "counts must be >= 0")
    T = np.triu(T + T.T if np.allclose(np.tril(T, -1), 0) else T, 1)
    if T.sum() == 0:
        raise SimTheoryInputError("ties", "no ties observed: the tie parameter is not identifiable (use fit_bt)")
    if np.any((W + W.T + T + T.T).sum(1) == 0):
        raise SimTheoryInputError("wins", "some player has no comparisons")
    return W, T


def _fit(nll, n, x0_extra):
    x0 = np.append(np.zeros(n - 1), x0_extra)
    res = minimize(nll, x0, method="L-BFGS-B", options={"gtol": 1e-9, "maxiter": 5000})
    r = np.append(res.x[:n - 1], -res.x[:n - 1].sum())
    return r, res


def fit_rao_kupper(wins, ties):
    """Returns (mean-zero scores r, theta)."""
    W, T = _prep(wins, ties)
    n = W.shape[0]

    def nll(x):
        r = np.append(x[:n - 1], -x[:n - 1].sum())
        lt = np.log1p(np.exp(x[-1]))  # log theta, theta = 1 + e^a > 1
        D = r[:, None] - r[None, :]
        # log P(i>j) = -log(1 + theta e^{-D}) = -logaddexp(0, lt - D)
        lw = -np.logaddexp(0.0, lt - D)
        lt_ = np.log(np.expm1(2 * lt)) + lw + lw.T  # (theta^2-1) * P(i>j) P(j>i) / ... identity
        return -(W * lw).sum() - (T * lt_).sum()

    r, res = _fit(nll, n, 0.0)
    return r, float(1.0 + np.exp(res.x[-1]))  # theta = 1 + e^a


def fit_davidson(wins, ties):
    """Returns (mean-zero scores r, nu)."""
    W, T = _prep(wins, ties)
    n = W.shape[0]

    def nll(x):
        r = np.append(x[:n - 1], -x[:n - 1].sum())
        lnu = x[-1]
        a = r[:, None]
        b = r[None, :]
        logD = np.logaddexp(np.logaddexp(a, b), lnu + 0.5 * (a + b))
        return -(W * (a - logD)).sum() - (T * (lnu + 0.5 * (a + b) - logD)).sum()

    r, res = _fit(nll, n, 0.0)
    return r, float(np.exp(res.x[-1]))
