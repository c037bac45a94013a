"""One cell of the rate study: draw n labelled pairs, fit the Siamese BT MLP, measure R_B, Delta_n and the
Corollary 11 reward-difference error along p0 bins on a held-out set of pairs from the same distribution."""

from __future__ import annotations

import time

import numpy as np

from simtheory.risk_rate.mlp import architecture, cross_entropy, fit_siamese_bt
from simtheory.risk_rate.rates import theory_exponent
from simtheory.risk_rate.risk import truncated_kl_risk
from simtheory.risk_rate.truth import make_reward, sample_pairs, small_value_index
from simtheory.validation import check_positive_int, check_scalar

#: p0 bin edges for Corollary 11 (symmetric, finer towards 0 and 1 where eq. 14 predicts the blow-up)
COR11_EDGES = (0.0, 0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.99, 1.0)


def run_fit(
    *,
    d: int,
    beta: float,
    alpha: float,
    n: int,
    seed: np.random.SeedSequence,
    B: float = 3.0,
    kappa: float = 1.0,
    n_levels: int = 10,
    function_seed: int = 20241124,
    m_test: int = 50_000,
    restarts: int = 2,
    max_steps: int = 2000,
    c_w: float = 2.0,
    w_min: int = 16,
    w_max: int = 64,
    lr: float = 2e-3,
) -> list[dict]:
    """Rows: one ``kind="fit"`` row (risk, SE, Delta_n, architecture, timings) and one ``kind="cor11"`` row
    per p0 bin (mean |Delta r - Delta r_hat| and mean |p0 - p_hat| with SEs)."""
    import torch

    torch.set_num_threads(1)
    d = check_positive_int("d", d)
    n = check_positive_int("n", n, minimum=10)
    check_scalar("B", B, low=0.0, low_open=True)
    restarts = check_positive_int("restarts", restarts)
    m_test = check_positive_int("m_test", m_test, minimum=2)
    reward = make_reward(beta, d, kappa, n_levels, function_seed)
    data_ss, test_ss, init_ss = seed.spawn(3)
    rng = np.random.default_rng(data_ss)
    psi1, psi2, p0_train, y = sample_pairs(n, reward, alpha, rng)
    tpsi1, tpsi2, tp0, _ = sample_pairs(m_test, reward, alpha, np.random.default_rng(test_ss))
    width, depth = architecture(n, beta, d, alpha, c_w, w_min, w_max)
    inits = [int(s.generate_state(1)[0]) for s in init_ss.spawn(restarts)]
    t0 = time.perf_counter()
    fits = [fit_siamese_bt(psi1, psi2, y, width=width, depth=depth, seed=s, max_steps=max_steps, lr=lr) for s in inits]
    fit_s = time.perf_counter() - t0
    fit = fits[0]
    # Delta_n, eq. 10: full-sample CE of p_hat minus the best full-sample CE among the restarts
    full_ce = [cross_entropy(f.model.logit(psi1, psi2), y) for f in fits]
    truth_ce = cross_entropy(np.log(p0_train) - np.log1p(-p0_train), y)
    phat = fit.model.prob(tpsi1, tpsi2)
    eps = 1e-12
    phat = np.clip(phat, eps, 1 - eps)
    risk = truncated_kl_risk(tp0, phat, B)
    risks_all = [truncated_kl_risk(tp0, np.clip(f.model.prob(tpsi1, tpsi2), eps, 1 - eps), B).value for f in fits]
    base = dict(d=d, beta=float(beta), alpha=float(alpha), n=n, B=float(B))
    rows = [
        dict(
            base,
            kind="fit",
            bin=-1,
            risk=risk.value,
            risk_se=risk.se,
            m_test=risk.m,
            risk_best_restart=risks_all[int(np.argmin(full_ce))],
            risk_restart_mean=float(np.mean(risks_all)),
            delta_n=full_ce[0] - min(full_ce),
            train_ce=full_ce[0],
            train_ce_truth=truth_ce,
            excess_train_ce=full_ce[0] - truth_ce,
            val_ce=fit.val_loss,
            steps=fit.steps,
            best_step=fit.best_step,
            width=width,
            depth=depth,
            restarts=restarts,
            theory_exponent=theory_exponent(beta, d, alpha),
            alpha_hat=small_value_index(tp0),
            fit_seconds=round(fit_s, 3),
        )
    ]
    # Corollary 11 (eqs. 13-14): errors along p0 bins
    rows += [dict(base, kind="cor11", **r) for r in binned_errors(tp0, phat)]
    return rows


def binned_errors(tp0: np.ndarray, phat: np.ndarray, edges=None) -> list[dict]:
    """Corollary 11 (eqs. 13-14): mean reward-difference and probability errors in bins of p0.

    Parameters
    ----------
    tp0 : numpy.ndarray
        True P(first preferred) of held-out pairs, in (0, 1).
    phat : numpy.ndarray
        Fitted probabilities of the same pairs, in (0, 1).
    edges : sequence of float, optional
        Bin edges of p0 (default :data:`COR11_EDGES`).

    Returns
    -------
    list of dict
        One row per bin with at least 2 pairs: ``bin``, ``p_lo``, ``p_hi``, ``count``, the mean
        |logit p0 - logit p_hat| (``dr_err``) and |p0 - p_hat| (``p_err``) with their standard errors
        sd / sqrt(count), and the bin's mean 1 / (p0 (1 - p0)) (``inv_pq``).

    Examples
    --------
    >>> import numpy as np
    >>> rows = binned_errors(np.array([0.5, 0.52, 0.55]), np.array([0.5, 0.5, 0.5]), edges=[0.0, 1.0])
    >>> rows[0]["count"], round(rows[0]["p_err"], 4)
    (3, 0.0233)
    """
    logit0 = np.log(tp0) - np.log1p(-tp0)
    dr_err = np.abs(logit0 - (np.log(phat) - np.log1p(-phat)))
    p_err = np.abs(tp0 - phat)
    edges = np.asarray(COR11_EDGES if edges is None else edges)
    b = np.clip(np.digitize(tp0, edges) - 1, 0, len(edges) - 2)
    rows = []
    for k in range(len(edges) - 1):
        sel = b == k
        cnt = int(sel.sum())
        if cnt < 2:
            continue
        pm = tp0[sel]
        rows.append(
            dict(
                bin=k,
                p_lo=float(edges[k]),
                p_hi=float(edges[k + 1]),
                count=cnt,
                dr_err=float(dr_err[sel].mean()),
                dr_err_se=float(dr_err[sel].std(ddof=1) / np.sqrt(cnt)),
                p_err=float(p_err[sel].mean()),
                p_err_se=float(p_err[sel].std(ddof=1) / np.sqrt(cnt)),
                inv_pq=float(np.mean(1.0 / (pm * (1 - pm)))),
            )
        )
    return rows
