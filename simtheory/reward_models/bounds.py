"""Proposition 14 (eqs. 16-19) and the classification union bound (eq. 21) of *Rethinking BT*, measured
for a trained reward model on held-out pairs with known golden reward and annotator ``xi = sigmoid(beta|dr|)``.

Eq. 16 (agreement with the annotations, L_oc = E 1[h = H], H = sign(r_hat1 - r_hat2)) is computed exactly
given the pairs (Rao-Blackwellised over the annotation): a pair on which H orders like the golden reward
agrees with h with probability xi(|dr|), otherwise with 1 - xi(|dr|).

Two readings of eq. 18 are checked, per bin of |dr| (quantile bins):

* *conditional*: eps_b = 1 - L_oc within the bin; the bound (1 - eps_b) xi^2 + eps_b (1 - xi)^2 (averaged
  over the bin) against the bin's order consistency c_b. Algebra: for one |dr| the bound is equivalent
  to c >= 1/4 (slack xi(1 - xi)(4c - 1)), so this reading is weak by construction;
* *global* (as stated): with e = 1 - L_oc <= delta * eps (eq. 17) and eps < 3/20, the bins where c_b falls
  below the bound must carry at most delta of the pairs; eq. 19 with kappa = P(xi < sqrt(eps^2 + 1 - 3 eps)
  + eps). eps is scanned over (e, 3/20) and the eps giving the largest eq.-19 bound is reported (the
  proposition holds for every admissible eps, so the best one is the sharpest check). If e >= 3/20 the
  premise of Proposition 14 fails and the global bounds are reported as not applicable (NaN).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from simtheory.validation import SimTheoryInputError

EPS_MAX = 3.0 / 20.0
TOL = 1e-12  # float rounding: where xi = 1.0 exactly the bound equals c (see module docstring)


def _bins(absdr: np.ndarray, n_bins: int) -> np.ndarray:
    edges = np.quantile(absdr, np.linspace(0, 1, n_bins + 1))
    return np.clip(np.searchsorted(edges, absdr, side="right") - 1, 0, n_bins - 1)


def prop14_bounds(s1, s2, r1, r2, beta: float, n_bins: int = 10, n_eps: int = 60) -> dict:
    """Proposition 14 (eqs. 16-19) for scores (s1, s2) of a model on pairs with golden rewards (r1, r2).

    Parameters
    ----------
    s1, s2 : array_like
        Model scores of the two responses of each held-out pair.
    r1, r2 : array_like
        Golden rewards of the same responses.
    beta : float
        Annotator inverse noise, xi = sigmoid(beta |dr|).
    n_bins : int, default 10
        Quantile bins of |dr| for eq. 18.
    n_eps : int, default 60
        Number of eps values scanned in (1 - L_oc, 3/20).

    Returns
    -------
    dict
        Flat dict: ``l_oc`` (eq. 16), order consistencies ``oc_ge`` / ``oc_gt`` and ``oc_ge_se``, the
        conditional eq. 18 check (``eq18_cond_*``), ``prop14_premise``, and for the global reading ``eps``,
        ``delta``, ``kappa``, ``eq18_*`` and ``eq19_*`` (NaN / None when the premise fails).

    Raises
    ------
    SimTheoryInputError
        ``n_eps`` < 1 when the premise holds.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.reward_models import SyntheticWorld, prop14_bounds
    >>> t = SyntheticWorld(d=4).pairs(400, 10.0, np.random.default_rng(1))
    >>> out = prop14_bounds(t.r1, t.r2, t.r1, t.r2, beta=10.0)  # the golden reward itself
    >>> out["oc_gt"], out["prop14_premise"], out["eq18_holds"], out["eq19_holds"]
    (1.0, True, True, True)
    """
    dr = np.asarray(r1) - np.asarray(r2)
    ds = np.asarray(s1) - np.asarray(s2)
    c = (ds * dr >= 0).astype(float)  # eq. 18 event: H (r1 - r2) >= 0
    c_strict = (ds * dr > 0).astype(float)  # eq. 19 event (strict)
    xi = expit(beta * np.abs(dr))
    agree = c * xi + (1 - c) * (1 - xi)  # E[1(h = H) | pair]
    l_oc = float(agree.mean())
    e = 1.0 - l_oc
    b = _bins(np.abs(dr), n_bins)
    cnt = np.bincount(b, minlength=n_bins).astype(float)
    nz = cnt > 0
    mean = lambda v: np.bincount(b, weights=v, minlength=n_bins)[nz] / cnt[nz]  # noqa: E731
    c_b, xi2_b, nxi2_b, agree_b = mean(c), mean(xi**2), mean((1 - xi) ** 2), mean(agree)
    eps_b = 1 - agree_b
    bound_cond = (1 - eps_b) * xi2_b + eps_b * nxi2_b
    w = cnt[nz] / cnt.sum()
    out: dict[str, Any] = {
        "l_oc": l_oc,
        "oc_ge": float(c.mean()),
        "oc_gt": float(c_strict.mean()),
        "oc_ge_se": float(c.std(ddof=1) / np.sqrt(len(c))),
        "eq18_cond_holds": bool(np.all(c_b >= bound_cond - TOL)),
        "eq18_cond_min_slack": float(np.min(c_b - bound_cond)),
        "eq18_cond_premise_bins": int(np.sum(eps_b < EPS_MAX)),
        "eq18_cond_holds_premise_bins": bool(np.all((c_b >= bound_cond - TOL) | (eps_b >= EPS_MAX))),
        "prop14_premise": bool(e < EPS_MAX),
    }
    nan = float("nan")
    out.update(
        {
            "eps": nan,
            "delta": nan,
            "kappa": nan,
            "eq18_viol_mass": nan,
            "eq18_holds": None,
            "eq18_min_slack": nan,
            "eq19_bound": nan,
            "eq19_holds": None,
            "eq19_slack": nan,
        }
    )
    if e >= EPS_MAX:
        return out
    best: tuple[float, float, float, float] | None = None
    for eps in np.linspace(max(e, 1e-6), EPS_MAX, n_eps + 2)[1:-1]:
        delta = e / eps
        thr = np.sqrt(eps**2 + 1 - 3 * eps) + eps
        kappa = float(np.mean(xi < thr))
        b19 = 1 - 4 * eps - kappa - delta
        if best is None or b19 > best[3]:
            best = (eps, delta, kappa, b19)
    if best is None:  # the scan over eps was empty
        raise SimTheoryInputError("n_eps", f"must be >= 1, got {n_eps}")
    eps, delta, kappa, b19 = best
    bound18 = (1 - eps) * xi2_b + eps * nxi2_b
    viol = float(np.sum(w[c_b < bound18]))
    out.update(
        {
            "eps": float(eps),
            "delta": float(delta),
            "kappa": kappa,
            "eq18_viol_mass": viol,
            "eq18_holds": bool(viol <= delta),
            "eq18_min_slack": float(np.min(c_b - bound18)),
            "eq19_bound": float(b19),
            "eq19_holds": bool(out["oc_gt"] >= b19),
            "eq19_slack": float(out["oc_gt"] - b19),
        }
    )
    return out


def eq21_union_bound(s1, s2, y) -> dict:
    """Eq. 21 for a classifier reward model (logit s, H_clf = sign(s)) on pairs with sampled labels y in {0,1}.

    joint = P(h = H(x1) and -h = H(x2)) (the classifier's order consistency), a1 = P(h = H(x1)),
    a2 = P(-h = H(x2)). Checks joint <= a1 + a2 (eq. 21 as printed), the union bound on errors
    1 - joint <= (1 - a1) + (1 - a2), and joint <= P(h = sign(s1 - s2)) (pairwise agreement).

    Parameters
    ----------
    s1, s2 : array_like
        Classifier logits of the first and second response of each pair.
    y : array_like
        Labels in {0, 1} (1 = first preferred).

    Returns
    -------
    dict
        ``eq21_joint``, ``eq21_a1``, ``eq21_a2``, ``eq21_pairwise``, the checks ``eq21_holds``,
        ``eq21_union_err_holds``, ``eq21_joint_le_pairwise`` and ``eq21_union_err_slack``.

    Examples
    --------
    >>> from simtheory.reward_models import eq21_union_bound
    >>> out = eq21_union_bound([1.0, -2.0, 0.5], [-1.0, 1.0, 2.0], [1, 0, 1])
    >>> round(out["eq21_joint"], 3), out["eq21_a1"], out["eq21_holds"], out["eq21_union_err_holds"]
    (0.667, 1.0, True, True)
    """
    h = 2 * np.asarray(y) - 1
    h1, h2 = np.sign(np.asarray(s1)), np.sign(np.asarray(s2))
    a1 = float(np.mean(h1 == h))
    a2 = float(np.mean(h2 == -h))
    joint = float(np.mean((h1 == h) & (h2 == -h)))
    pair = float(np.mean(np.sign(np.asarray(s1) - np.asarray(s2)) == h))
    return {
        "eq21_joint": joint,
        "eq21_a1": a1,
        "eq21_a2": a2,
        "eq21_pairwise": pair,
        "eq21_holds": bool(joint <= a1 + a2),
        "eq21_union_err_holds": bool(1 - joint <= (1 - a1) + (1 - a2) + TOL),
        "eq21_union_err_slack": float((2 - a1 - a2) - (1 - joint)),
        "eq21_joint_le_pairwise": bool(joint <= pair),
    }
