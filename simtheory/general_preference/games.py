"""Game dynamics of Section 5 / Appendix C.4: GPO as multiplicative weights on a preference-score game.

The symmetric zero-sum game has payoff x^T S y (S skew-symmetric, |S| <= 1 after scaling), value 0.
GPO's update (eq. 5.3 with the exact normaliser) on a finite response set is multiplicative weights
pi_{t+1}(y) propto pi_t(y) exp(eta * (S pi_t)(y)); Theorem 5.1 bounds the duality gap of the averaged policy
by O(1/sqrt(T)) with eta ~ 1/sqrt(T) (Freund & Schapire 1999).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog
from scipy.special import logsumexp

from simtheory.general_preference.embedding import check_skew
from simtheory.validation import SimTheoryInputError, check_positive_int, check_scalar


def duality_gap(S, pi) -> float:
    """max_x x^T S pi - min_y pi^T S y = 2 max_i (S pi)_i for skew-symmetric S (0 iff pi is a Nash equilibrium)."""
    Spi = S @ pi
    return float(Spi.max() - (pi @ S).min())


def nash_equilibrium(S) -> tuple[np.ndarray, float]:
    """Maximin strategy of the row player by linear programming (scipy.optimize.linprog, HiGHS).

    max v s.t. (S^T x)_j >= v for all j, sum x = 1, x >= 0. Returns (x, v); v = 0 for skew-symmetric S.
    """
    S = np.asarray(S, float)
    n = S.shape[0]
    c = np.zeros(n + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-S.T, np.ones((n, 1))])
    res = linprog(
        c,
        A_ub=A_ub,
        b_ub=np.zeros(n),
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * n + [(None, None)],
        method="highs",
    )
    if not res.success:
        raise RuntimeError(f"linprog failed: {res.message}")
    x = np.clip(res.x[:n], 0, None)
    return x / x.sum(), float(res.x[-1])


def gpo_mwu(S, T: int, eta: float | None = None, pi0=None) -> dict:
    """T steps of GPO / multiplicative weights in self-play; returns last and averaged policies and the
    regret bound of Theorem 5.1 (payoffs in [-1, 1]): gap(pi_bar) <= 2 (L / (eta T) + eta / 2) with
    L = ln(1 / min pi0) (= ln n for uniform pi0), minimised by eta = sqrt(2 L / T) to 2 sqrt(2 L / T)."""
    S = check_skew(S, "S")
    T = check_positive_int("T", T)
    n = S.shape[0]
    if np.abs(S).max() > 1 + 1e-12:
        raise SimTheoryInputError("S", "preference scores must be scaled into [-1, 1] (Theorem 5.1)")
    pi0 = np.full(n, 1.0 / n) if pi0 is None else np.asarray(pi0, float)
    if pi0.shape != (n,) or np.any(pi0 <= 0) or abs(pi0.sum() - 1) > 1e-9:
        raise SimTheoryInputError("pi0", f"must be a strictly positive probability vector of length {n}")
    L = math.log(1.0 / pi0.min())
    if eta is None:
        eta = math.sqrt(2 * L / T)
    eta = check_scalar("eta", eta, low=0.0, low_open=True)
    logpi = np.log(pi0)
    avg = np.zeros(n)
    for _ in range(T):
        pi = np.exp(logpi - logsumexp(logpi))
        avg += pi
        logpi = logpi + eta * (S @ pi)
    avg /= T
    bound = 2 * (L / (eta * T) + eta / 2)
    return {
        "avg": avg,
        "last": np.exp(logpi - logsumexp(logpi)),
        "eta": eta,
        "bound": bound,
        "gap_avg": duality_gap(S, avg),
    }


def rock_paper_scissors() -> np.ndarray:
    """S[i, j] = 1 if i beats j: rock > scissors > paper > rock (order R, P, S)."""
    return np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])


#: non-uniform start for rock-paper-scissors (the uniform start is already the equilibrium)
RPS_PI0 = np.array([0.6, 0.3, 0.1])


def random_game(n: int, rng: np.random.Generator) -> np.ndarray:
    """Random skew-symmetric game scaled to max |S| = 1."""
    G = rng.normal(size=(n, n))
    S = (G - G.T) / 2
    return S / np.abs(S).max()


def gap_curve(S, Ts, pi0=None) -> list[dict]:
    """Duality gap of the averaged GPO policy at each horizon T (eta tuned per T as in Theorem 5.1),
    and its L1 distance to the LP Nash equilibrium."""
    x, v = nash_equilibrium(S)
    rows = []
    for T in Ts:
        out = gpo_mwu(S, int(T), pi0=pi0)
        rows.append(
            {
                "T": int(T),
                "gap": out["gap_avg"],
                "bound": out["bound"],
                "dist_to_nash": float(np.abs(out["avg"] - x).sum()),
                "nash_value": v,
                "nash_gap": duality_gap(S, x),
            }
        )
    return rows


def loglog_slope(x, y) -> tuple[float, tuple[float, float]]:
    """OLS slope of log y on log x with a 95% t confidence interval."""
    from scipy import stats

    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    r = stats.linregress(lx, ly)
    t = stats.t.ppf(0.975, len(lx) - 2)
    return float(r.slope), (float(r.slope - t * r.stderr), float(r.slope + t * r.stderr))
