"""Consistency rate of the arena BT MLE: RMSE of the scores vs matches per pair (Rethinking BT, Sec. 2).

With every pair of ``n`` players compared ``K`` times, the MLE error falls like 1/sqrt(K):
the log-log slope of RMSE against K is -1/2.
"""

from __future__ import annotations

import numpy as np

from simtheory.bt.arena import fit_bt


def rmse_vs_matches(Ks=(10, 20, 40, 80, 160, 320, 640), n: int = 10, reps: int = 20, seed: int = 7):
    """RMSE of fitted scores (true r evenly spaced on [-1.5, 1.5]) for each K; returns (Ks, rmse)."""
    rng = np.random.default_rng(seed)
    true_r = np.linspace(-1.5, 1.5, n)
    iu = np.triu_indices(n, 1)
    p = 1 / (1 + np.exp(-(true_r[iu[0]] - true_r[iu[1]])))
    rmse = []
    for K in Ks:
        e = []
        for _ in range(reps):
            k = rng.binomial(K, p)
            W = np.zeros((n, n))
            W[iu] = k
            W[iu[1], iu[0]] = K - k
            e.append(np.mean((fit_bt(W).scores - true_r) ** 2))
        rmse.append(np.sqrt(np.mean(e)))
    return np.asarray(Ks, dtype=float), np.asarray(rmse)


def consistency_slope(**kw) -> tuple[float, float]:
    """Least-squares slope of log RMSE on log K and its standard error."""
    Ks, rmse = rmse_vs_matches(**kw)
    (slope, _), cov = np.polyfit(np.log(Ks), np.log(rmse), 1, cov=True)
    return float(slope), float(np.sqrt(cov[0, 0]))
