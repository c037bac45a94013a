"""Classic Bradley-Terry ("arena") maximum likelihood: P(i > j) = sigma(r_i - r_j).

Tutorial eq. "log L(r) = sum_i log sigma(r_w - r_l)"; Rethinking BT Sec. 2 (Bradley & Terry 1952).
Solved by damped Newton on the win matrix, gauge fixed by sum(r) = 0; standard errors from the
(gauge-restricted) inverse Fisher information. Optional penalty ``lam * sum over comparisons (r_w^2 + r_l^2)``
(the tutorial's reward regularisation; equal to lam * sum_i n_i r_i^2 with n_i the comparisons of player i;
a player without comparisons gets weight 1, i.e. raw score 0). The penalised optimum is unique; the returned
scores are shifted to mean zero afterwards.

Existence (Zermelo 1929 / Ford 1957): the unpenalised MLE exists iff the directed "i beat j" graph is
strongly connected. We raise a one-line error when it does not (players without comparisons, disconnected
comparison graph, a player who won or lost every game) unless ``lam > 0`` is given, never a silent NaN/inf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit, log_expit

from simtheory.validation import SimTheoryInputError, check_finite_array, check_positive_int, check_scalar


@dataclass
class BTFit:
    """Result of :func:`fit_bt`: BT maximum-likelihood scores, P(i > j) = sigma(r_i - r_j) (Rethinking BT, Sec. 2).

    Attributes
    ----------
    scores : numpy.ndarray
        Mean-zero scores r, shape (N,).
    se : numpy.ndarray
        Fisher-information standard errors in the gauge sum(r) = 0.
    cov : numpy.ndarray
        Covariance: pseudo-inverse of the gauge-restricted Fisher information (penalised Hessian if lam > 0).
    loglik : float
        Log-likelihood without the penalty.
    n_iter : int
        Newton iterations used.
    converged : bool
        Whether the Newton iteration met its tolerance.
    lam : float
        The penalty; with lam > 0 the SE of a player without comparisons is inf.

    Examples
    --------
    >>> from simtheory.bt import fit_bt
    >>> res = fit_bt([[0, 3, 2], [1, 0, 2], [1, 1, 0]])
    >>> bool(res.converged), abs(float(res.scores.sum())) < 1e-12
    (True, True)
    """

    scores: np.ndarray  # mean-zero scores r
    se: np.ndarray  # Fisher-information standard errors (gauge sum r = 0)
    cov: np.ndarray  # covariance (pseudo-inverse of the gauge-restricted Fisher information)
    loglik: float  # log-likelihood (without penalty)
    n_iter: int
    converged: bool
    lam: float  # penalty; with lam > 0, se comes from the penalised Hessian (inf: no comparisons)


def win_matrix(winners, losers, n_players: int | None = None) -> np.ndarray:
    """Win matrix W[i, j] = number of times i beat j (the data of the BT likelihood, tutorial eq. log L(r)).

    Parameters
    ----------
    winners, losers : array_like of int
        Winner and loser index of each comparison (equal lengths).
    n_players : int, optional
        Number of players N >= 2; default: the largest index + 1.

    Returns
    -------
    numpy.ndarray
        (N, N) float array of win counts with zero diagonal.

    Raises
    ------
    SimTheoryInputError
        Non-integer (e.g. 1.5) or negative indices, unequal lengths, self-comparisons, index >= n_players.

    Examples
    --------
    >>> from simtheory.bt import win_matrix
    >>> win_matrix([0, 0, 1], [1, 2, 2])
    array([[0., 1., 1.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    from simtheory.bt.model import _index_array

    w = _index_array("winners", winners)
    l = _index_array("losers", losers)
    if w.shape != l.shape:
        raise SimTheoryInputError("losers", f"length {l.size} differs from winners' length {w.size}")
    if np.any(w == l):
        raise SimTheoryInputError("losers", "a player cannot play itself (winner == loser)")
    n = (
        int(max(w.max(initial=-1), l.max(initial=-1)) + 1)
        if n_players is None
        else check_positive_int("n_players", n_players, 2)
    )
    if w.size and max(w.max(), l.max()) >= n:
        raise SimTheoryInputError("winners", f"index >= n_players={n}")
    W = np.zeros((n, n))
    np.add.at(W, (w, l), 1.0)
    return W


def _check_wins(W) -> np.ndarray:
    W = check_finite_array("wins", W, ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] < 2:
        raise SimTheoryInputError("wins", f"expected a square (N, N) matrix with N >= 2, got {W.shape}")
    if np.any(W < 0):
        raise SimTheoryInputError("wins", "counts must be >= 0")
    if np.any(np.diag(W) != 0):
        raise SimTheoryInputError("wins", "diagonal (self-comparisons) must be 0")
    if W.sum() > 1e15:  # also catches overflow to inf (e.g. counts x 1e300), which made the solve fail
        raise SimTheoryInputError(
            "wins",
            f"total count {W.sum():.3g} > 1e15 is not representable exactly in "
            "float64; rescale (the MLE is scale-invariant, the SEs are not)",
        )
    return W


def check_mle_exists(W: np.ndarray) -> None:
    """Raise SimTheoryInputError unless the unpenalised BT MLE exists (Ford's strong-connectivity condition)."""
    games = W.sum(0) + W.sum(1)
    if np.any(games == 0):
        idx = np.flatnonzero(games == 0)
        raise SimTheoryInputError(
            "wins",
            f"player(s) {idx[:5].tolist()} have no comparisons; their score is "
            "not identifiable (drop them or pass lam > 0)",
        )
    ncc, _ = connected_components(csr_matrix(W + W.T), directed=False)
    if ncc > 1:
        raise SimTheoryInputError(
            "wins",
            f"comparison graph is disconnected ({ncc} components): scores of "
            "different components are not comparable, the MLE does not exist (pass lam > 0)",
        )
    nscc, lab = connected_components(csr_matrix(W), directed=True, connection="strong")
    if nscc > 1:
        allw = np.flatnonzero(W.sum(0) == 0)
        alll = np.flatnonzero(W.sum(1) == 0)
        what = (
            f"player(s) {allw[:5].tolist()} won every comparison"
            if allw.size
            else f"player(s) {alll[:5].tolist()} lost every comparison"
            if alll.size
            else "a group of players beat everyone outside it"
        )
        raise SimTheoryInputError(
            "wins",
            f"{what}: the win graph is not strongly connected, so the BT MLE does "
            "not exist (likelihood increases as scores diverge); pass lam > 0 to regularise",
        )


def _neg_loglik(r, W, pen_w, lam):
    D = r[:, None] - r[None, :]
    return float(-(W * log_expit(D)).sum() + lam * (pen_w * r**2).sum())


def fit_bt(wins, lam: float = 0.0, tol: float = 1e-10, max_iter: int = 200) -> BTFit:
    """ML (or penalised, lam > 0) BT scores maximising the tutorial's log L(r) from ``wins[i, j]`` = #(i beat j).

    Damped Newton: gradient g_i = sum_j n_ij p_ij - w_i (+ 2 lam n_i r_i), Hessian = weighted graph Laplacian
    L_ij = -n_ij p_ij (1 - p_ij) (+ 2 lam diag(n_i)); the gauge sum r = 0 is imposed by solving with L + 11^T/N.

    Cost: dense, O(N^3) time per Newton step plus a full N x N inverse for ``cov`` (always formed), O(N^2)
    memory (several N x N arrays). This is the reference implementation used by the claims and paper figures
    (N <= a few hundred); for arena-scale data (thousands of players, millions of battles) use
    :func:`simtheory.bt.fit`, which takes the battles directly, solves the same unpenalised MLE with a sparse
    or matrix Newton and computes SEs (``bse()``) without the dense covariance.

    Parameters
    ----------
    wins : array_like
        (N, N) non-negative win counts, N >= 2, zero diagonal.
    lam : float, default 0.0
        Penalty ``lam * sum_i n_i r_i^2``; lam > 0 also fits data where the MLE does not exist.
    tol : float, default 1e-10
        Convergence tolerance on the gradient / step.
    max_iter : int, default 200
        Maximum Newton iterations.

    Returns
    -------
    BTFit
        Mean-zero scores, standard errors, covariance, log-likelihood and convergence flags.

    Raises
    ------
    SimTheoryInputError
        Bad counts (not square, negative, non-zero diagonal, total > 1e15), negative lam, or (lam = 0) a win
        graph that is not strongly connected, so the MLE does not exist (Ford 1957).

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.bt import fit_bt, simulate_arena, win_matrix
    >>> w, l = simulate_arena([1.0, 0.0, -1.0], 300, np.random.default_rng(0))
    >>> res = fit_bt(win_matrix(w, l))
    >>> res.scores.round(2), bool(res.converged)
    (array([ 1.16, -0.06, -1.11]), True)
    >>> fit_bt([[0, 1], [0, 0]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: wins: player(s) [0] won every comparison...
    """
    W = _check_wins(wins)
    lam = check_scalar("lam", lam, low=0.0)
    if lam == 0.0:
        check_mle_exists(W)
    n = W.shape[0]
    Nij = W + W.T
    games_i = Nij.sum(1)
    wins_i = W.sum(1)
    pen_w = np.maximum(games_i, 1.0)  # penalty weight n_i (1 for players without comparisons)
    ones = np.ones((n, n)) / n if lam == 0.0 else np.zeros((n, n))  # gauge only matters without penalty
    r = np.zeros(n)
    f = _neg_loglik(r, W, pen_w, lam)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported after the loop
        P = expit(r[:, None] - r[None, :])
        g = (Nij * P).sum(1) - wins_i + 2 * lam * pen_w * r
        Wt = Nij * P * (1 - P)
        H = np.diag(Wt.sum(1)) - Wt + np.diag(2 * lam * pen_w)
        step = np.linalg.solve(H + ones, g)
        if lam == 0.0:
            step -= step.mean()
        t = 1.0
        while True:
            r_new = r - t * step
            f_new = _neg_loglik(r_new, W, pen_w, lam)
            if f_new <= f - 1e-4 * t * (g @ step) or t < 1e-8:
                break
            t *= 0.5
        r, f = r_new, f_new
        if np.max(np.abs(g)) < tol * max(1.0, games_i.max()) or np.max(np.abs(t * step)) < tol:
            converged = True
            break
    r = r - r.mean()  # report mean-zero scores (differences unchanged)
    P = expit(r[:, None] - r[None, :])
    Wt = Nij * P * (1 - P)
    info = np.diag(Wt.sum(1)) - Wt  # Fisher information (unpenalised)
    if lam == 0.0:
        cov = np.linalg.inv(info + ones) - ones  # pseudo-inverse restricted to sum r = 0
    else:  # penalised: inverse of the penalised Hessian
        cov = np.linalg.inv(info + np.diag(2 * lam * pen_w))
        cov[games_i == 0, :] = np.inf  # no comparisons: score is the prior mode, SE infinite
        cov[:, games_i == 0] = np.inf
    loglik = float((W * log_expit(r[:, None] - r[None, :])).sum())
    return BTFit(
        scores=r,
        se=np.sqrt(np.clip(np.diag(cov), 0, None)),
        cov=cov,
        loglik=loglik,
        n_iter=it,
        converged=converged,
        lam=lam,
    )


def simulate_arena(true_r, n_comparisons: int, rng: np.random.Generator, link: str = "logistic"):
    """Random pairs (uniform over unordered pairs) with BT (or Thurstone) outcomes; returns (winners, losers).

    Parameters
    ----------
    true_r : array_like
        (N,) true scores, N >= 2.
    n_comparisons : int
        Number of battles.
    rng : numpy.random.Generator
        Source of randomness.
    link : {'logistic', 'probit'}, default 'logistic'
        BT (logistic) or Thurstone (probit) outcome model.

    Returns
    -------
    winners, losers : numpy.ndarray
        Integer index arrays of length ``n_comparisons``.

    Raises
    ------
    SimTheoryInputError
        Unknown link, fewer than 2 players, non-finite scores, n_comparisons < 1.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.bt import simulate_arena
    >>> w, l = simulate_arena([1.0, 0.0, -1.0], 300, np.random.default_rng(0))
    >>> w.shape, bool((w != l).all())
    ((300,), True)
    """
    from scipy.stats import norm

    from simtheory.validation import check_choice

    check_choice("link", link, ["logistic", "probit"])
    r = check_finite_array("true_r", true_r, ndim=1)
    if r.size < 2:
        raise SimTheoryInputError("true_r", f"need at least 2 players, got {r.size}")
    m = check_positive_int("n_comparisons", n_comparisons)
    n = r.size
    i = rng.integers(0, n, size=m)
    j = (i + rng.integers(1, n, size=m)) % n
    d = r[i] - r[j]
    p = expit(d) if link == "logistic" else norm.cdf(d)
    first = rng.random(m) < p
    return np.where(first, i, j), np.where(first, j, i)


def gradient_descent_bt(winners, losers, n_players: int, lr: float = 0.1, steps: int = 2000):
    """The tutorial's plain loop: full-batch gradient descent on the mean BT loss, mean re-anchored each step.

    Parameters
    ----------
    winners, losers : array_like of int
        Winner and loser index of each comparison.
    n_players : int
        Number of players N >= 2.
    lr : float, default 0.1
        Learning rate (> 0).
    steps : int, default 2000
        Number of gradient steps (>= 0).

    Returns
    -------
    numpy.ndarray
        History of the mean-zero scores, shape (steps + 1, n_players); row 0 is all zeros.

    Raises
    ------
    SimTheoryInputError
        Negative, non-integer or out-of-range indices, unequal lengths, bad lr/steps.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.bt import gradient_descent_bt, simulate_arena
    >>> w, l = simulate_arena([1.0, 0.0, -1.0], 300, np.random.default_rng(0))
    >>> hist = gradient_descent_bt(w, l, 3, lr=1.0, steps=200)
    >>> hist.shape, hist[-1].round(2)
    ((201, 3), array([ 1.16, -0.06, -1.11]))
    """
    from simtheory.bt.model import _index_array

    n_players = check_positive_int("n_players", n_players, 2)
    w = _index_array("winners", winners, n_players)
    l = _index_array("losers", losers, n_players)
    if w.shape != l.shape or w.size == 0:
        raise SimTheoryInputError("losers", f"length {l.size} must equal winners' length {w.size} (> 0)")
    lr = check_scalar("lr", lr, low=0.0, low_open=True)
    steps = int(check_scalar("steps", steps, low=0, integer=True))
    r = np.zeros(n_players)
    hist = [r.copy()]
    for _ in range(steps):
        q = expit(-(r[w] - r[l]))
        g = np.zeros(n_players)
        np.add.at(g, w, -q)
        np.add.at(g, l, q)
        r = r - lr * g / w.size
        r -= r.mean()
        hist.append(r.copy())
    return np.array(hist)


def tutorial_round_robin(true_r=(2.0, 1.0, 0.5, -0.5, -1.5), k: int = 40, seed: int = 0) -> np.ndarray:
    """The tutorial's recovery data: every pair plays ``k`` matches, outcomes drawn with the legacy
    ``np.random.seed(seed)`` stream in the tutorial's order; returns the win matrix W[i, j]."""
    r = check_finite_array("true_r", true_r, ndim=1)
    k = check_positive_int("k", k)
    rs = np.random.RandomState(seed)
    W = np.zeros((r.size, r.size))
    for i in range(r.size):
        for j in range(i + 1, r.size):
            w = rs.binomial(k, 1 / (1 + np.exp(-(r[i] - r[j]))))
            W[i, j], W[j, i] = w, k - w
    return W
