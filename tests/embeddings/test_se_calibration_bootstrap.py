"""SE calibration of the prompt bootstrap of the human-label mode (``human_labels.bootstrap_metrics``).

R = 300 replicates (seed 81). Each replicate draws G = 120 prompts i.i.d., 3 labelled pairs per prompt: score
difference d ~ N(0, 1) and y ~ Bernoulli(sigmoid(s d)), where s = 2 for 70% of the prompts and s = -2 (the
prompt's annotators prefer the other answer) for 30%, shared by the prompt's pairs: a predictor is right or
wrong on a whole prompt at once, so the resampling unit matters. Two fixed predictors: the
reference ``a`` = sigmoid(1.5 d) and ``b`` = sigmoid(0.7 d + 0.5 e), e ~ N(0, 1). Each replicate reports the
held-out metrics with bootstrap SEs (400 resamples of the prompts). For accuracy, log-loss, the paired
differences b - a and ECE (its spread only: ECE is a biased estimator of the calibration error), the z-scores against the mean of the R estimates must have SD 1: two-sided chi-square test
of sum z^2 (df = R - 1) at level CHI2_LEVEL (``tests/mc_helpers.py``). An SE scaled by 2 or 1/2 fails it, and
so does a bootstrap over pairs instead of prompts (SD(z) 1.13-1.32 for accuracy and log-loss; measured when
the test was written, against a chi-square(299) band of about [0.83, 1.16]).
"""

import numpy as np
from mc_helpers import assert_se_calibrated
from scipy.special import expit

from simtheory.reward_models.human_labels import bootstrap_metrics

R, G, K, N_BOOT, SEED = 300, 120, 3, 400, 81


def _replicate(rng):
    groups = np.repeat(np.arange(G), K)
    d = rng.normal(size=G * K)
    s = np.repeat(np.where(rng.random(G) < 0.7, 2.0, -2.0), K)  # 30% of the prompts: labels reversed
    y = (rng.random(G * K) < expit(s * d)).astype(float)
    preds = {"a": expit(1.5 * d), "b": expit(0.7 * d + 0.5 * rng.normal(size=G * K))}
    return bootstrap_metrics(preds, y, groups, n_boot=N_BOOT, seed=int(rng.integers(2**31)), reference="a")


def test_prompt_bootstrap_se_calibrated():
    rng = np.random.default_rng(SEED)
    reps = [_replicate(rng) for _ in range(R)]
    for model, key in (
        ("a", "accuracy"),
        ("a", "log_loss"),
        ("b", "accuracy"),
        ("b", "log_loss"),
        ("b", "accuracy_minus_ref"),
        ("b", "log_loss_minus_ref"),
        ("a", "ece"),
        ("b", "ece"),
    ):
        assert_se_calibrated(
            [r[model][key] for r in reps],
            [r[model][f"{key}_se"] for r in reps],
            None,
            against_mean=True,
            seed=SEED,
            n=G * K,
            what=f"{model} {key} (R = {R}, {G} prompts x {K} pairs)",
        )
