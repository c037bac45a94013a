"""The claim of this package, stated and simulated from scratch.

**Claim (BT rate in comparisons per player).** Fix ``n`` players with Bradley-Terry
scores ``theta`` (sum zero). Each of ``m`` rounds pairs the players by a uniformly random
perfect matching and every pair plays once, with ``P(i beats j) = sigmoid(theta_i - theta_j)``.
Then the root-mean-square error of the (sum-zero) BT maximum-likelihood scores decays as
``m ** (-1/2)``: ``RMSE(m) ~ C * m ** (-1/2)``.

Why: the Fisher information of ``theta`` is ``m`` times that of one round (the graph
Laplacian weighted by ``p_ij (1 - p_ij)``), and the MLE is asymptotically normal with
covariance the inverse information, so ``RMSE ~ sqrt(trace(I_1^+) / (n m))``.
"""

from __future__ import annotations

import numpy as np

from simtheory.bt import fit_bt


def true_scores(n_players: int, spread: float, seed: int) -> np.ndarray:
    """Sum-zero scores ``theta`` of ``n_players``: normal draws with sd ``spread``, centred."""
    theta = np.random.default_rng(seed).normal(0.0, spread, n_players)
    return theta - theta.mean()


def simulate_wins(theta: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """Win matrix ``W[i, j]`` = #(i beat j) after ``m`` rounds of random perfect matchings."""
    n = theta.size
    perm = np.argsort(rng.random((m, n)), axis=1)  # one random matching per round
    i, j = perm[:, 0::2].ravel(), perm[:, 1::2].ravel()
    i_wins = rng.random(i.size) < 1.0 / (1.0 + np.exp(-(theta[i] - theta[j])))
    W = np.zeros((n, n))
    np.add.at(W, (np.where(i_wins, i, j), np.where(i_wins, j, i)), 1.0)
    return W


def squared_error(theta: np.ndarray, m: int, rng: np.random.Generator) -> float:
    """Mean squared error of the BT MLE scores after ``m`` rounds (one replicate)."""
    fit = fit_bt(simulate_wins(theta, m, rng))
    return float(np.mean((fit.scores - theta) ** 2))


def asymptotic_mse_per_round(theta: np.ndarray) -> float:
    """``m * E[MSE]`` as ``m -> inf``: ``trace(I_1^+) / n``.

    ``I_1`` is the Fisher information of one round: a pair is matched with probability
    ``1 / (n - 1)``, so ``I_1`` is the Laplacian with weights ``p_ij (1 - p_ij) / (n - 1)``;
    ``^+`` is the pseudo-inverse (the sum-zero gauge).
    """
    n = theta.size
    p = 1.0 / (1.0 + np.exp(-(theta[:, None] - theta[None, :])))
    w = p * (1 - p) / (n - 1)
    np.fill_diagonal(w, 0.0)
    L = np.diag(w.sum(1)) - w
    return float(np.trace(np.linalg.pinv(L)) / n)
