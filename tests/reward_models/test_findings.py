"""The Section-6 findings of *Rethinking BT* against the committed full-grid results
(``paper_figs/reward_models/<grid>/results.csv``; regenerate with ``sh paper_figs/reward_models/COMMANDS.sh``).

Full grids: 5 seeds per setting (run seed 0, per-cell SeedSequence), d = 16, best-of-500 on 100 held-out
prompts; rm_quality 40000 annotations, rm_quantity 5000-40000 at beta = 1, rm_cross_prompt 20000 annotations.
A difference is "established" when it exceeds 2 SE of the seed-paired difference (5 seeds, so SEs are
rough); findings that do not hold are strict xfails whose reason gives the measured numbers.
"""
import numpy as np
import pandas as pd
import pytest

from simtheory.reward_models.grid_common import bounds_summary
from simtheory.reward_models import findings as F


def _load(grid):
    df = F.load(grid)
    assert df is not None, f"paper_figs/reward_models/{grid}/results.csv missing"
    return df


def test_prop14_and_eq21_hold_on_every_full_grid_row():
    """440 (cell, model) rows: eq. 18 with per-bin eps everywhere; global eq. 18 and eq. 19 on every row whose
    held-out agreement satisfies the premise 1 - L_oc < 3/20; eq. 21 and the error union bound on every CLF row."""
    b = bounds_summary(pd.concat([_load(g) for g in ("rm_quality", "rm_quantity", "rm_cross_prompt")]))
    for k in ("eq18_conditional_holds", "eq18_global_holds", "eq19_holds", "eq21_holds", "eq21_union_err_holds"):
        assert b[k][0] == b[k][1], (k, b[k])
    assert b["prop14_premise_rows"] > 0      # the global bounds were exercised at all


@pytest.mark.xfail(strict=True, reason="measured (beta 10 -> 0.5, CLF drop - BT-MLP drop of best-of-500 gain): "
                   "CLF-MLP -0.043 +- 0.035 (not established), CLF-LGB +0.165 +- 0.048 (drops MORE); paper: CLF "
                   "more robust to label noise")
def test_clf_more_robust_to_label_noise():
    assert F.quality(_load("rm_quality"))["clf_more_robust"]


def test_bt_better_at_low_noise():
    """At beta = 10 (5.5% wrong labels) BT-MLP beats CLF-MLP (+0.083 +- 0.018) and CLF-LGB (+0.177 +- 0.014)."""
    q = F.quality(_load("rm_quality"))
    assert q["low_noise_betas"] == [10.0]
    assert q["bt_better_low_noise"], q["bt_minus_clf_low_noise"]


@pytest.mark.xfail(strict=True, reason="measured at beta = 1: gain per doubling of n BT-MLP 0.013, CLF-MLP 0.008, "
                   "CLF-LGB 0.131 (rising 3/3 steps but below BT-MLP at every n, -0.46 ... -0.11); CLF-MLP equals "
                   "BT-MLP within 1 SE; paper: CLF better at every n and improving more consistently")
def test_clf_improves_more_consistently_with_quantity():
    q = F.quantity(_load("rm_quantity"))
    assert q["clf_more_consistent"] and q["clf_beats_bt_everywhere"]


@pytest.mark.xfail(strict=True, reason="measured: 7/24 (design, beta, model) cross-minus-same gains > 2 SE, 0 below "
                   "-2 SE; for Random pairs only CLF-LGB at beta = 1 gains (+0.178 +- 0.021): cross-prompt never hurts "
                   "but helps mainly for Similar pairs; paper: cross-prompt substantially better")
def test_cross_prompt_beats_same_prompt():
    assert F.cross_prompt(_load("rm_cross_prompt"))["cross_better"]


def test_cross_prompt_gains_most_for_similar():
    """Mean cross-prompt gain over (model, beta): Similar 0.396 > Random 0.043, Diversified 0.018."""
    q = F.cross_prompt(_load("rm_cross_prompt"))
    assert q["similar_gains_most"], q["mean_xprompt_gain_by_design"]


def test_figure6_negative_correlation():
    """24 (design, beta, model) points: least-squares slope < 0 and Pearson r < 0 at p < 0.05 (measured
    r = -0.42, p = 0.04: weaker than the paper's 'highly correlated')."""
    f = F.cross_prompt(_load("rm_cross_prompt"))["fig6"]
    assert f["slope"] < 0 and f["r"] < 0 and f["p"] < 0.05, f
    assert np.isfinite(f["intercept"])
