"""Cyclic preference data, Hodge (Balduzzi) decomposition and BT vs GPM maximum-likelihood fits (Sec. 6.2).

Items are tabular: each response has free parameters (a reward for BT, an embedding of dimension 2m for GPM).
Data are win counts W[i, j] = number of annotations preferring item i over item j.
Accuracy is measured against the true preference direction sign(P[i, j]) of every labelled pair, a tie
(|s| < 1e-9) counting 1/2 (a coin flip).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import OptimizeResult, minimize
from scipy.special import expit, log_expit

from simtheory.general_preference.operator import block_operator
from simtheory.validation import SimTheoryInputError, check_finite_array, check_positive_int, check_scalar

#: Table 1 of the GPM paper (Gemma-2B-it): BT RM and GPM accuracy on the four "drop one criterion" sub-datasets.
PAPER_TABLE1 = {"No. 1": (62.4, 100.0), "No. 2": (61.6, 100.0), "No. 3": (50.0, 100.0), "No. 4": (62.9, 100.0)}
CRITERIA = ("instruction_following", "honesty", "truthfulness", "helpfulness")
TIE = 1e-9


@dataclass
class PrefData:
    """Skew-symmetric truth P (n x n), labelled pairs (i, j) with i < j, win counts W (n x n)."""

    P: np.ndarray
    pairs: np.ndarray
    W: np.ndarray
    name: str


def cycle_matrix(n: int, margin: float = 1.0) -> np.ndarray:
    """Pure n-cycle 0 > 1 > ... > n-1 > 0 on adjacent pairs: P[i, i+1 mod n] = margin (0 elsewhere)."""
    n = check_positive_int("n", n, minimum=3)
    P = np.zeros((n, n))
    for i in range(n):
        j = (i + 1) % n
        P[i, j], P[j, i] = margin, -margin
    return P


def hodge_decomposition(P) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balduzzi et al. (2018) decomposition of a skew-symmetric P on the complete graph.

    P = grad(r) + C with grad(r)[i, j] = r_i - r_j, r = mean_j P[i, j], and C divergence-free (C 1 = 0).
    Returns (r, grad, C); grad and C are orthogonal in the Frobenius inner product.
    """
    P = check_finite_array("P", P, ndim=2)
    if P.shape[0] != P.shape[1] or np.abs(P + P.T).max() > 1e-10 * max(1.0, np.abs(P).max()):
        raise SimTheoryInputError("P", "must be a square skew-symmetric matrix")
    r = P.mean(axis=1)
    G = r[:, None] - r[None, :]
    return r, G, P - G


def random_tournament(
    n: int, cyclic_weight: float, rng: np.random.Generator, r_sd: float = 1.0, c_sd: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P = grad(r) + cyclic_weight * C with r ~ N(0, r_sd^2) and C a random divergence-free skew matrix.

    Returns (P, grad(r), cyclic part); hodge_decomposition(P) recovers the two parts exactly.
    """
    n = check_positive_int("n", n, minimum=3)
    cyclic_weight = check_scalar("cyclic_weight", cyclic_weight, low=0.0)
    r = rng.normal(scale=r_sd, size=n)
    r -= r.mean()
    A = rng.normal(scale=c_sd, size=(n, n))
    A = (A - A.T) / 2
    _, _, C = hodge_decomposition(A)
    G = r[:, None] - r[None, :]
    return G + cyclic_weight * C, G, cyclic_weight * C


def sample_counts(P, pairs, m: int, rng: np.random.Generator, flip: float = 0.0) -> np.ndarray:
    """m annotations per pair (i, j): i wins w.p. sigmoid(P[i, j]); with ``flip`` > 0 the label instead
    follows sign(P[i, j]) and is flipped w.p. ``flip`` (deterministic preferences with annotator noise)."""
    n = P.shape[0]
    W = np.zeros((n, n))
    i, j = pairs[:, 0], pairs[:, 1]
    p = expit(P[i, j]) if flip == 0.0 else np.where(P[i, j] > 0, 1 - flip, flip)
    wins = rng.binomial(m, p)
    np.add.at(W, (i, j), wins)
    np.add.at(W, (j, i), m - wins)
    return W


def cycle_data(n: int, m: int, rng: np.random.Generator, flip: float = 0.1, copies: int = 1) -> PrefData:
    """``copies`` independent n-cycles (block-diagonal), m annotations per adjacent pair, label flip prob ``flip``."""
    base = cycle_matrix(n)
    P = np.kron(np.eye(copies), base)
    pairs = np.array(
        [(min(i, j), max(i, j)) for i in range(n * copies) for j in range(i + 1, n * copies) if P[i, j] != 0]
    )
    return PrefData(P, pairs, sample_counts(P, pairs, m, rng, flip=flip), f"cycle{n}")


def paper_subdataset(drop: int, n_instances: int, m: int, rng: np.random.Generator, flip: float = 0.1) -> PrefData:
    """Paper-style sub-dataset (App. E): the 4-criteria cycle IF > honesty > truthfulness > helpfulness > IF over
    one response per criterion, with criterion ``drop`` removed, gives a 3-cycle per instance;
    ``n_instances`` independent instances, m annotations per pair, label flip probability ``flip``."""
    if drop not in range(4):
        raise SimTheoryInputError("drop", f"must be 0..3 (index into {CRITERIA}), got {drop!r}")
    d = cycle_data(3, m, rng, flip=flip, copies=n_instances)
    d.name = f"drop_{CRITERIA[drop]}"
    return d


def tournament_data(n: int, cyclic_weight: float, m: int, rng: np.random.Generator) -> PrefData:
    P, _, _ = random_tournament(n, cyclic_weight, rng)
    pairs = np.array(list(itertools.combinations(range(n), 2)))
    return PrefData(P, pairs, sample_counts(P, pairs, m, rng), f"tournament_w{cyclic_weight:g}")


# ----------------------------------------------------------------------------------------------- fitting


def _pair_arrays(W):
    iu, ju = np.nonzero(np.triu(W + W.T, 1))
    return iu, ju, W[iu, ju], W[ju, iu]


def _nll(theta, n, dim, l2, i, j, wij, wji):
    """Negative log-likelihood over labelled pairs only (O(#pairs * dim)) and its gradient."""
    if dim == 1:
        s = theta[i] - theta[j]
    else:
        V = theta.reshape(n, dim)
        RVi = V[i] @ block_operator(dim).T  # rows (R v_i)^T
        s = np.einsum("pk,pk->p", RVi, V[j])
    loss = -np.sum(wij * log_expit(s) + wji * log_expit(-s)) + l2 * np.sum(theta**2)
    g = -wij * expit(-s) + wji * expit(s)  # dL/ds
    if dim == 1:
        grad = np.bincount(i, g, n) - np.bincount(j, g, n)
    else:
        R = block_operator(dim)
        gv = np.zeros((n, dim))
        np.add.at(gv, j, g[:, None] * RVi)  # d s / d v_j = R v_i
        np.add.at(gv, i, g[:, None] * (V[j] @ R))  # d s / d v_i = R^T v_j
        grad = gv.ravel()
    return loss, grad + 2 * l2 * theta


def fit_scores(W, dim: int, seed: int = 0, l2: float = 1e-3, restarts: int = 3, init_sd: float = 0.5) -> np.ndarray:
    """Penalised maximum likelihood (L-BFGS) of BT (dim = 1: s = r_i - r_j) or GPM (dim even: s = <R v_i, v_j>).

    Returns the fitted score matrix S; the best of ``restarts`` random initialisations (N(0, init_sd^2)).
    """
    W = check_finite_array("W", W, ndim=2)
    dim = check_positive_int("dim", dim)
    if dim != 1 and dim % 2:
        raise SimTheoryInputError("dim", f"must be 1 (BT) or even (GPM), got {dim}")
    n = W.shape[0]
    args = (n, dim, l2) + _pair_arrays(W)
    rng = np.random.default_rng(seed)
    best: OptimizeResult | None = None
    for _ in range(1 if dim == 1 else restarts):
        x0 = np.zeros(n) if dim == 1 else rng.normal(scale=init_sd, size=n * dim)
        res = minimize(_nll, x0, args=args, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
        if best is None or res.fun < best.fun:
            best = res
    if best is None:  # no restart ran
        raise SimTheoryInputError("restarts", f"must be >= 1, got {restarts}")
    th = best.x
    if dim == 1:
        return th[:, None] - th[None, :]
    V = th.reshape(n, dim)
    return V @ block_operator(dim).T @ V.T


def accuracy(S, P, pairs) -> float:
    """Fraction of labelled pairs whose predicted direction sign(S) matches sign(P); ties (|S| < 1e-9) count 1/2."""
    i, j = pairs[:, 0], pairs[:, 1]
    s, p = S[i, j], P[i, j]
    keep = p != 0
    s, p = s[keep], p[keep]
    hit = np.where(np.abs(s) < TIE, 0.5, (np.sign(s) == np.sign(p)).astype(float))
    return float(hit.mean())


# ----------------------------------------------------------------------------------------- enumeration


def best_transitive_accuracy(P, pairs=None) -> Fraction:
    """Exact best accuracy of ANY BT model (any reward vector r) on the labelled pairs of P, by enumeration.

    The accuracy depends on r only through the weak order it induces (ties score 1/2), and every weak order
    of n items is realised by a level assignment in {0, ..., n-1}^n, so enumerating those n^n assignments is
    exhaustive (n <= 7). Returns a Fraction.
    """
    P = check_finite_array("P", P, ndim=2)
    n = P.shape[0]
    if n > 7:
        raise SimTheoryInputError("P", f"enumeration is limited to n <= 7 items, got {n}")
    if pairs is None:
        pairs = np.array([(i, j) for i, j in itertools.combinations(range(n), 2) if P[i, j] != 0])
    sgn = np.sign(P[pairs[:, 0], pairs[:, 1]])
    best = Fraction(0)
    for levels in itertools.product(range(n), repeat=n):
        lv = np.array(levels)
        d = np.sign(lv[pairs[:, 0]] - lv[pairs[:, 1]])
        score = Fraction(int(2 * np.sum(d == sgn) + np.sum(d == 0)), 2 * len(pairs))
        best = max(best, score)
    return best
