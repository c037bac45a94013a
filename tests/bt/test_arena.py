"""Classic BT arena: tutorial walkthrough, recovery example, choix anchor, consistency slope, bad inputs."""

import numpy as np
import pytest
from mc_helpers import CHI2_LEVEL, assert_se_calibrated

from simtheory.bt import bt_loss, bt_loss_grad, fit_bt, gradient_descent_bt, simulate_arena, win_matrix
from simtheory.validation import SimTheoryInputError

TUT_W = [0, 0, 0, 0, 0, 0, 1, 1, 2]  # A>B x3, A>C x3, B>C x2, C>B x1 (tutorial Step 2)
TUT_L = [1, 1, 1, 2, 2, 2, 2, 2, 1]


def _tutorial_mean_loss(r, w, l):
    """The tutorial's mean BT loss -mean log sigma(r_w - r_l), written out independently of the library."""
    return float(np.mean(np.logaddexp(0.0, -(r[w] - r[l]))))


def test_tutorial_walkthrough():
    """Tutorial Steps 2-4 (3 items, 9 votes): the printed first-step numbers, then optimality checks, not the
    code's own long-run output."""
    w, l = np.array(TUT_W), np.array(TUT_L)
    # Step 3: summed gradient of the BT loss at r = 0 is (-3.0, +1.0, +2.0) (tutorial table)
    gw, gl = bt_loss_grad(np.zeros(9), np.zeros(9))
    g = np.zeros(3)
    np.add.at(g, w, gw)
    np.add.at(g, l, gl)
    assert np.allclose(g, [-3.0, 1.0, 2.0], rtol=0, atol=1e-15)
    # Step 4: one step with lr 0.1 over N = 9 pairs gives (+0.033, -0.011, -0.022) (tutorial, 3 decimals)
    hist = gradient_descent_bt(w, l, 3, lr=0.1, steps=2000)
    assert np.allclose(hist[1], [0.1 * 3 / 9, -0.1 / 9, -0.2 / 9], rtol=0, atol=1e-15)
    assert np.round(hist[1], 3).tolist() == [0.033, -0.011, -0.022]
    # The tutorial's "~2000 steps recover (1.5, -0.1, -1.4)" cannot happen: A won all its 6 games, so the MLE does
    # not exist (Ford's condition) and the loss has no minimiser; its infimum, approached as r_A -> inf, is the
    # B-vs-C sub-problem (2 wins to 1) at r_B - r_C = log 2: (2 log 1.5 + log 3) / 9.
    with pytest.raises(SimTheoryInputError, match="won every comparison"):
        fit_bt(win_matrix(w, l, 3))
    inf_loss = (2 * np.log(1.5) + np.log(3.0)) / 9
    losses = np.array([_tutorial_mean_loss(r, w, l) for r in hist])
    assert np.all(np.diff(losses) < 0) and losses[-1] > inf_loss  # strictly descending, never reaching it
    r = hist[-1]
    assert r[0] > r[1] > r[2] and abs(r.mean()) < 1e-12 and r[0] - hist[-1000][0] > 0.05  # r_A still climbing
    gap_err = [abs(hist[k][1] - hist[k][2] - np.log(2.0)) for k in (250, 500, 1000, 2000)]
    assert all(a > b for a, b in zip(gap_err, gap_err[1:])), gap_err  # B - C -> log 2


def test_tutorial_penalised_fit_is_stationary():
    """With the tutorial's reward regularisation lam = 1e-3 per comparison, the penalised objective
    f(r) = -sum W_ij log sigma(r_i - r_j) + lam sum_i n_i r_i^2 (written out here) is strictly convex, so its
    minimiser is the unique zero of the gradient: central differences (h = 1e-6) of f at the returned scores
    are < 1e-6, and the Hessian is positive definite. Every item played n_i = 6 games, so the optimum has mean 0
    and the reported mean-zero scores are the optimum itself."""
    w, l = np.array(TUT_W), np.array(TUT_L)
    W = win_matrix(w, l, 3)
    lam = 1e-3
    n_i = (W + W.T).sum(1)

    def f(r):
        return float(-(W * -np.logaddexp(0.0, -(r[:, None] - r[None, :]))).sum() + lam * np.sum(n_i * r**2))

    fit = fit_bt(W, lam=lam)
    assert fit.converged and abs(fit.scores.mean()) < 1e-12
    h = 1e-6
    E = np.eye(3)
    grad = np.array([(f(fit.scores + h * e) - f(fit.scores - h * e)) / (2 * h) for e in E])
    assert np.max(np.abs(grad)) < 1e-6, grad
    h = 1e-4
    H = np.array(
        [
            [
                (
                    f(fit.scores + h * (a + b))
                    - f(fit.scores + h * (a - b))
                    - f(fit.scores - h * (a - b))
                    + f(fit.scores - h * (a + b))
                )
                / (4 * h * h)
                for b in E
            ]
            for a in E
        ]
    )
    assert np.linalg.eigvalsh(H).min() > 0
    assert fit.scores[0] > fit.scores[1] > fit.scores[2]


def test_softplus_loss_stable():
    d = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    loss = bt_loss(d, np.zeros_like(d))
    assert np.all(np.isfinite(loss))
    assert np.allclose(loss, [1000.0, 50.0, np.log(2), np.exp(-50.0), 0.0], rtol=1e-12, atol=1e-300)
    gw, gl = bt_loss_grad(d, np.zeros_like(d))
    assert np.allclose(gw, -gl) and np.allclose(gw[[0, 2, 4]], [-1.0, -0.5, 0.0])
    # finite-difference check of the gradient
    rw, rl, h = np.array([0.3]), np.array([-0.4]), 1e-6
    num = (bt_loss(rw + h, rl) - bt_loss(rw - h, rl)) / (2 * h)
    assert np.allclose(num, bt_loss_grad(rw, rl)[0], atol=1e-8)


def test_tutorial_recovery_example():
    """5 items, r = (2, 1, 0.5, -0.5, -1.5), K = 40 per pair, np.random.seed(0) as in the tutorial."""
    from simtheory.bt.arena import tutorial_round_robin

    true_r = np.array([2.0, 1.0, 0.5, -0.5, -1.5])
    W = tutorial_round_robin(true_r, 40, seed=0)
    fit = fit_bt(W)
    c = true_r - true_r.mean()
    err = fit.scores - c
    assert np.corrcoef(fit.scores, c)[0, 1] > 0.99
    # Statistically justified: each |error| < 4 Fisher SEs (SE ~ 0.17 here), i.e. NOT "a few hundredths"
    assert np.all(np.abs(err) < 4 * fit.se), (err, fit.se)
    assert fit.se.min() > 0.1  # the SE itself rules out a guaranteed "few hundredths" accuracy at K = 40
    # the tutorial's GD loop reaches the same point (it is the ML solution here)
    w, l = np.nonzero(W)
    reps = W[w, l].astype(int)
    hist = gradient_descent_bt(np.repeat(w, reps), np.repeat(l, reps), 5, lr=0.1, steps=2000)
    assert np.abs(hist[-1] - fit.scores).max() < 0.05


@pytest.mark.parametrize("n", [100, 1000])
def test_anchor_choix(n):
    choix = pytest.importorskip("choix")
    rng = np.random.default_rng(12345 + n)
    true_r = rng.normal(size=n)
    wi, lo = simulate_arena(true_r, 30 * n, rng)
    W = win_matrix(wi, lo, n)
    fit = fit_bt(W)
    ref = choix.ilsr_pairwise(n, np.c_[wi, lo], alpha=0.0, tol=1e-12, max_iter=10_000)
    ref -= ref.mean()
    assert np.max(np.abs(fit.scores - ref)) < 1e-6


def test_consistency_rate():
    """Error ~ c / sqrt(K): log-log slope of RMSE vs matches per pair. N=10, K in 10..640, 20 seeds each (seed 7).
    The slope of a least-squares fit on 7 points, each averaged over 20 reps, has SD ~ 0.03; tolerance 0.15."""
    from simtheory.bt.consistency import consistency_slope

    slope, _ = consistency_slope(n=10, reps=20, seed=7)
    assert abs(slope + 0.5) < 0.15, slope


def test_fisher_se_calibrated():
    """The reported Fisher-information SEs are calibrated: R = 200 replicate arenas (N = 6 players, K = 50 games
    per pair, seed 3); for each player, sum over replicates of ((score - true score) / reported SE)^2 passes the
    two-sided chi^2(200) test at level 1e-4 / 6 (Bonferroni over players). Scores and truth are both mean-zero."""
    rng = np.random.default_rng(3)
    n, K, R = 6, 50, 200
    true_r = np.linspace(-1, 1, n)
    iu = np.triu_indices(n, 1)
    est, ses = [], []
    for _ in range(R):
        k = rng.binomial(K, 1 / (1 + np.exp(-(true_r[iu[0]] - true_r[iu[1]]))))
        W = np.zeros((n, n))
        W[iu] = k
        W[iu[1], iu[0]] = K - k
        f = fit_bt(W)
        est.append(f.scores)
        ses.append(f.se)
    est, ses = np.array(est), np.array(ses)
    for i in range(n):
        assert_se_calibrated(
            est[:, i], ses[:, i], true_r[i], seed=3, n=K, level=CHI2_LEVEL / n, what=f"fit_bt SE of player {i}"
        )


def test_bad_inputs():
    W = np.array([[0, 2, 1, 0], [1, 0, 2, 0], [1, 1, 0, 0], [0, 0, 0, 0]], float)
    with pytest.raises(SimTheoryInputError, match="no comparisons"):
        fit_bt(W)
    W2 = np.zeros((4, 4))
    W2[0, 1] = W2[1, 0] = W2[2, 3] = W2[3, 2] = 2
    with pytest.raises(SimTheoryInputError, match="disconnected"):
        fit_bt(W2)
    W3 = np.array([[0, 2, 1], [1, 0, 2], [0, 0, 0]], float)
    with pytest.raises(SimTheoryInputError, match="lost every comparison"):
        fit_bt(W3)
    with pytest.raises(SimTheoryInputError, match="^wins"):
        fit_bt(np.array([[0, np.nan], [1, 0]]))
    with pytest.raises(SimTheoryInputError, match="^lam"):
        fit_bt(W3, lam=-1)
    with pytest.raises(SimTheoryInputError, match="^losers"):
        win_matrix([0, 1], [0, 2])
    # documented regularisation: lam > 0 gives finite scores in all three cases
    for M in (W, W2, W3):
        f = fit_bt(M, lam=1e-2)
        assert np.all(np.isfinite(f.scores)) and f.converged and np.abs(f.scores).max() < 20
    assert np.isinf(fit_bt(W, lam=1e-2).se[3])  # no comparisons: SE infinite, not NaN
    # sparse random arena with isolated players (regression: a singular solve once gave scores ~1e16)
    rng = np.random.default_rng(0)
    Ws = win_matrix(*simulate_arena(rng.normal(size=300), 150, rng), 300)
    fs = fit_bt(Ws, lam=1e-3)
    assert fs.converged and np.abs(fs.scores).max() < 50
