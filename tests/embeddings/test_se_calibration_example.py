"""SE calibration of the shipped MiniLM example's averages over train/test splits (issue 18).

:func:`simtheory.embeddings.example.bt_order_consistency` (used by :func:`~simtheory.embeddings.example.reports`
and the claim ``rbt.sec6.3.xprompt_real_embeddings``) reports, for every design and test-pair set, the mean over
``n_rep`` random prompt splits and se = sd / sqrt(n_rep). This test repeats the whole n_rep-split average
R = 400 times (seeds 1000..1399) with n_rep = 5, the claim's quick setting, where z = (mean - mu) / se follows
t(4), not N(0, 1), and no truth mu is known. So for each of the 19 reported (mean, se) pairs it uses the one-way
ANOVA ratio var(means) / mean(se^2), which is F(399, 1600) distributed when the SE is calibrated
(:func:`mc_helpers.assert_small_sample_se_calibrated`); tolerance: the two-sided CHI2_LEVEL (1e-4) interval
[0.73, 1.35]; measured 0.86-1.09. An SE scaled by 2 or by 1/2 gives a ratio near 0.25 or 4 and fails for all
19 quantities (checked on the same replicates with the SE scaled). 2000 splits with one BLAS thread (the L-BFGS
fits are many times slower with several threads on a busy machine): about 2.5 min.
"""

import pytest
from mc_helpers import assert_small_sample_se_calibrated
from threadpoolctl import threadpool_limits

from simtheory.embeddings.example import bt_order_consistency, load_example

R, N_REP, SEED0, N_TRAIN_PAIRS = 400, 5, 1000, 400


def _reported(rep: dict) -> dict[str, dict]:
    """Every (mean, se) pair of one report, keyed 'design.pairs' or the paired-difference name."""
    out = {}
    for k, v in rep.items():
        if isinstance(v, dict):
            if "se" in v:
                out[k] = v
            else:
                out.update({f"{k}.{kk}": vv for kk, vv in v.items()})
    return out


@pytest.mark.slow
def test_split_average_se_calibrated():
    data = load_example()
    with threadpool_limits(1):
        reps = [
            _reported(bt_order_consistency(data, beta=1.0, n_train_pairs=N_TRAIN_PAIRS, n_rep=N_REP, seed=SEED0 + r))
            for r in range(R)
        ]
    assert len(reps[0]) == 19
    for key in reps[0]:
        assert_small_sample_se_calibrated(
            [x[key]["mean"] for x in reps],
            [x[key]["se"] for x in reps],
            N_REP,
            seed=f"{SEED0}..{SEED0 + R - 1}",
            what=f"{key} (R = {R}, n_rep = {N_REP})",
        )
