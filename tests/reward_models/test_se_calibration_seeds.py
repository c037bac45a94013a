"""Calibration of the over-seeds standard errors of the reward-model grids: :func:`grid_common.aggregate`,
:func:`grid_common.paired_diff` and the cross-prompt gain of :func:`grid_cross_prompt.figure6_points`.

These SEs are sd / sqrt(n_seeds) with n_seeds = 5, so (estimate - truth) / SE follows Student's t with 4 degrees
of freedom, not N(0, 1). Each test maps the R = 100 t-scores to normal scores (Phi^-1(T_4(t))) and applies the
two-sided chi-square test at level 1e-4 of :func:`conftest.assert_se_calibrated` (chi^2(100) interval [54, 165]);
an SE off by a factor 2 (sum z^2 ~ 25 or 400) or sqrt(5) (a missing square root) is rejected. Synthetic rows: bon_gain ~ N(mean of the model, 1)
per seed with a shared per-seed effect (so pairing matters), seed 71.
"""

import numpy as np
import pandas as pd
from mc_helpers import assert_se_calibrated
from scipy import stats

from simtheory.reward_models.grid_common import aggregate, paired_diff
from simtheory.reward_models.grid_cross_prompt import figure6_points

R, SEEDS = 100, 5  # pandas pivots are slow (~10 ms each); R = 100 still rejects a factor 2 with certainty
MEANS = {"bt_mlp": 0.8, "clf_mlp": 0.6}


def _rows(rng, r):
    """Replicate r: one synthetic grid cell (design "d<r>") of 5 seeds x 2 models x 2 pairings."""
    n = SEEDS * len(MEANS) * 2
    rep = np.repeat(np.arange(SEEDS), n // SEEDS)
    model = np.tile(np.repeat(list(MEANS), 2), SEEDS)
    pairing = np.tile(["same", "cross"], n // 2)
    mu = np.array([MEANS[m] for m in model]) + np.where(pairing == "cross", 0.3, 0.0)
    gain = mu + rng.normal(size=SEEDS)[rep] + rng.normal(size=n)
    return pd.DataFrame(
        dict(R=r, rep=rep, model=model, pairing=pairing, design=f"d{r}", beta=1.0, bon_gain=gain, train_mean_abs_dr=1.0)
    )


def _normal_scores(t):
    return stats.norm.ppf(stats.t.cdf(np.asarray(t, float), df=SEEDS - 1))


def test_over_seed_standard_errors_calibrated():
    frames = [_rows(np.random.default_rng(s), r) for r, s in enumerate(np.random.SeedSequence(71).spawn(R))]
    df = pd.concat(frames, ignore_index=True)
    same = df[df["pairing"] == "same"]
    a = aggregate(same[same["model"] == "bt_mlp"], ["R"], metrics=("bon_gain",))
    agg_t = (a["bon_gain"] - MEANS["bt_mlp"]) / a["bon_gain_se"]
    pair_t = []
    for f in frames:
        d, se = paired_diff(f[f["pairing"] == "same"], ["rep"], "bt_mlp", "clf_mlp")
        pair_t.append((d - (MEANS["bt_mlp"] - MEANS["clf_mlp"])) / se)
    pts = figure6_points(df)
    pts = pts[pts["model"] == "clf_mlp"]
    assert len(pts) == R
    x_t = (pts["xprompt_gain"] - 0.3) / pts["xprompt_gain_se"]
    for name, t in (("aggregate", agg_t), ("paired_diff", pair_t), ("figure6_points xprompt_gain", x_t)):
        assert_se_calibrated(_normal_scores(t), np.ones(R), 0.0, seed=71, n=SEEDS, what=name)
