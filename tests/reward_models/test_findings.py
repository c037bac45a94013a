"""The Section-6 findings of *Rethinking BT* against the committed full-grid results
(``paper_figs/reward_models/<grid>/results.csv``; regenerate with ``sh paper_figs/COMMANDS.sh``).

Full grids: 5 seeds per setting (run seed 0, per-cell SeedSequence), d = 16, best-of-500 on 100 held-out
prompts; rm_quality 40000 annotations, rm_quantity 5000-40000 at beta = 1, rm_cross_prompt 20000 annotations.
A difference is "established" when it exceeds 2 SE of the seed-paired difference (5 seeds, so SEs are
rough); findings that do not hold are claims (``tests/test_claims.py`` checks their verdicts) whose referee notes give the measured
numbers. The findings are recomputed from the raw rows (per-seed best-of-N gains) by
:mod:`simtheory.reward_models.findings`; a missing results file raises FileNotFoundError (so an xfail cannot pass on
it) and :func:`test_full_grid_results_present` is the precondition that must pass.
"""

import numpy as np
import pandas as pd
import pytest

from simtheory.reward_models import findings as F
from simtheory.reward_models.grid_common import bounds_summary

GRIDS = ("rm_quality", "rm_quantity", "rm_cross_prompt")
ROWS = {"rm_quality": 120, "rm_quantity": 80, "rm_cross_prompt": 240}


def _load(grid):
    df = F.load(grid)
    if df is None:
        raise FileNotFoundError(f"paper_figs/reward_models/{grid}/results.csv missing")
    return df


@pytest.mark.parametrize("grid", GRIDS)
def test_full_grid_results_present(grid):
    """Precondition of every test below: the committed full grid is there and finished (all rows, 4 models x
    5 seeds per setting)."""
    df = _load(grid)
    assert len(df) == ROWS[grid], len(df)
    assert df.groupby("model")["rep"].nunique().to_dict() == {
        m: 5 for m in ("bt_mlp", "clf_lgb", "clf_mlp", "linear_bt")
    }


def test_eq19_and_eq21_recomputed_from_the_rows():
    """440 (cell, model) rows. Eq. 19 recomputed from each row's eps, delta, kappa: oc_gt >= 1 - 4 eps - kappa -
    delta wherever the premise 1 - L_oc < 3/20 holds (and such rows exist); eq. 21's error union bound recomputed
    from the stored a1, a2, joint: 1 - joint <= (1 - a1) + (1 - a2) on every classifier row."""
    df = pd.concat([_load(g) for g in GRIDS])
    prem = df[df["prop14_premise"].astype(bool)]
    assert len(prem) > 0
    num = lambda frame, c: frame[c].astype(float).to_numpy()  # noqa: E731
    b19 = 1 - 4 * num(prem, "eps") - num(prem, "kappa") - num(prem, "delta")
    assert np.allclose(b19, num(prem, "eq19_bound"), atol=1e-9)
    assert np.all(num(prem, "oc_gt") >= b19), prem.loc[num(prem, "oc_gt") < b19, ["model", "oc_gt", "eq19_bound"]]
    clf = df[df["model"].str.startswith("clf")]
    assert len(clf) > 0
    assert np.all(1 - num(clf, "eq21_joint") <= (1 - num(clf, "eq21_a1")) + (1 - num(clf, "eq21_a2")) + 1e-12)


def test_snapshot_eq18_flags_on_every_full_grid_row():
    """Snapshot (reads the stored per-row flags; the per-bin quantities are not stored, so eq. 18 cannot be
    recomputed here - the quick-grid tests in test_grids.py recompute it on fresh runs): eq. 18 with per-bin eps
    on every row, global eq. 18 on every row where the premise holds."""
    b = bounds_summary(pd.concat([_load(g) for g in GRIDS]))
    for k in ("eq18_conditional_holds", "eq18_global_holds"):
        assert b[k][0] == b[k][1], (k, b[k])


def test_bt_better_at_low_noise():
    """At beta = 10 (5.5% wrong labels) BT-MLP beats CLF-MLP (+0.083 +- 0.018) and CLF-LGB (+0.177 +- 0.014)."""
    q = F.quality(_load("rm_quality"))
    assert q["low_noise_betas"] == [10.0]
    assert q["bt_better_low_noise"], q["bt_minus_clf_low_noise"]


def test_cross_prompt_gains_most_for_similar():
    """Mean cross-prompt gain over (model, beta): Similar 0.396 > Random 0.043, Diversified 0.018."""
    q = F.cross_prompt(_load("rm_cross_prompt"))
    assert q["similar_gains_most"], q["mean_xprompt_gain_by_design"]


def test_figure6_negative_correlation():
    """24 (design, beta, model) points: least-squares slope < 0 and Pearson r < 0 at p < 0.05 (measured
    r = -0.42, p = 0.04: weaker than the paper's 'highly correlated')."""
    f = F.cross_prompt(_load("rm_cross_prompt"))["fig6"]
    assert f["slope"] < 0 and f["r"] < 0 and f["p"] < 0.05, f
