"""Unit checks of :mod:`simtheory.reward_models` (data, models, evaluation, Prop. 14 / eq. 21 bounds).

Monte-Carlo assertions give n, seed and a tolerance of Z = 5 standard errors (``conftest.Z``).
"""

import numpy as np
import pytest
from mc_helpers import Z
from scipy.special import expit

from simtheory.reward_models import (
    SyntheticWorld,
    best_of_n,
    eq21_union_bound,
    fit_model,
    pairwise_accuracy,
    prop14_bounds,
)
from simtheory.reward_models.data import real_pairs
from simtheory.validation import SimTheoryInputError


@pytest.fixture(scope="module")
def world():
    return SyntheticWorld(d=16)


def test_embeddings_in_unit_cube_and_same_prompt_dr_has_unit_sd(world):
    """Psi in [0,1]^d. The golden reward is scaled so that sd(dr) = 1 exactly on its calibration sample (2000
    same-prompt pairs, seed world_seed + 1); on n = 20000 fresh pairs (seed 1) sd(dr) = 1 within Z SE, the SE
    combining both samples (SE of an sd ~ sd / sqrt(2 n) for each)."""
    rng = np.random.default_rng(1)
    psi = world.responses(10, 7, rng)
    assert psi.shape == (10, 7, 16) and psi.min() >= 0 and psi.max() <= 1
    cal = world.reward(world.responses(2000, 2, np.random.default_rng(world.world_seed + 1)))
    assert np.std(cal[:, 0] - cal[:, 1]) == pytest.approx(1.0, rel=1e-12)
    pr = world.pairs(20000, 1.0, rng)
    se = np.sqrt(1 / (2 * pr.n) + 1 / (2 * 2000))
    assert abs(pr.dr.std() - 1.0) < Z * se, (pr.dr.std(), se)


def test_designs_order_mean_abs_dr_and_cross_prompt_adds_diversity(world):
    """n = 5000 pairs per design (seed 2): E|dr| similar < random < diversified, and the cross-prompt
    re-pairing of the similar pool has larger E|dr| than same-prompt similar (differences > 5 SE)."""
    m = {}
    for design in ("similar", "random", "diversified"):
        for pairing in ("same", "cross"):
            d = np.abs(world.pairs(5000, 1.0, np.random.default_rng(2), design, pairing).dr)
            m[design, pairing] = (d.mean(), d.std() / np.sqrt(d.size))

    def gt(a, b):
        return m[a][0] - m[b][0] > Z * np.hypot(m[a][1], m[b][1])

    assert gt(("random", "same"), ("similar", "same")) and gt(("diversified", "same"), ("random", "same"))
    assert gt(("similar", "cross"), ("similar", "same"))


def test_label_error_rate_matches_the_annotator(world):
    """n = 40000 pairs at beta = 1 (seed 3): wrong-label fraction = E sigmoid(-beta|dr|) within 5 SE."""
    pr = world.pairs(40000, 1.0, np.random.default_rng(3))
    expected = np.mean(expit(-np.abs(pr.dr)))
    se = np.sqrt(expected * (1 - expected) / pr.n)
    assert abs(pr.error_rate() - expected) < Z * se


@pytest.mark.parametrize("model", ["bt_mlp", "clf_mlp", "clf_lgb", "linear_bt"])
def test_every_model_learns_the_order_from_clean_labels(world, model):
    """3000 pairs at beta = 10 (seed 4), tiny nets: held-out same-prompt order consistency on 4000 pairs
    exceeds 0.5 + 5 SE (a random scorer would not) and best-of-100 gain is positive by 5 SE."""
    rng = np.random.default_rng(4)
    tr = world.pairs(3000, 10.0, rng)
    score = fit_model(model, tr, 5, hidden=16, epochs=5, n_estimators=40)
    te = world.pairs(4000, 10.0, rng)
    acc, se = pairwise_accuracy(score(te.x1), score(te.x2), te.r1, te.r2)
    assert acc > 0.5 + Z * se, (model, acc, se)
    psi = world.responses(30, 100, rng)
    b = best_of_n(score(psi), world.reward(psi))
    assert b["bon_gain"] > Z * b["bon_gain_se"], b


def test_models_are_deterministic_given_the_seed(world):
    tr = world.pairs(500, 3.0, np.random.default_rng(6))
    x = world.responses(2, 5, np.random.default_rng(7))
    for m in ("bt_mlp", "clf_lgb"):
        a = fit_model(m, tr, 11, hidden=8, epochs=2, n_estimators=10)(x)
        b = fit_model(m, tr, 11, hidden=8, epochs=2, n_estimators=10)(x)
        np.testing.assert_array_equal(a, b)


def test_prop14_conditional_bound_is_c_ge_quarter():
    """Eq. 18 with the bin's own eps: (1-eps) xi^2 + eps (1-xi)^2 <= c  <=>  c >= 1/4 (one |dr| value);
    a scorer that orders 20% of the pairs right violates it, one that orders 30% right satisfies it."""
    rng = np.random.default_rng(8)
    n = 10000
    r1, r2 = np.full(n, 0.3), np.zeros(n)
    for frac, ok in ((0.2, False), (0.3, True)):
        right = rng.random(n) < frac
        s1, s2 = np.where(right, 1.0, -1.0), np.zeros(n)
        out = prop14_bounds(s1, s2, r1, r2, beta=2.0, n_bins=1)
        c = right.mean()
        xi = expit(0.6)
        assert out["eq18_cond_min_slack"] == pytest.approx(xi * (1 - xi) * (4 * c - 1), abs=1e-12)
        assert out["eq18_cond_holds"] is ok


def test_prop14_global_bounds_hold_for_the_golden_scorer_and_premise_flag():
    """The golden reward itself at beta = 20 (n = 20000, seed 9): premise e < 3/20 holds, eq. 18 has no
    violating bins and eq. 19 holds; at beta = 0.5 the premise fails and the global bounds are NaN."""
    rng = np.random.default_rng(9)
    r1, r2 = rng.normal(size=20000), rng.normal(size=20000)
    out = prop14_bounds(r1, r2, r1, r2, beta=20.0)
    assert out["prop14_premise"] and out["eq18_holds"] and out["eq19_holds"] and out["oc_ge"] == 1.0
    out = prop14_bounds(r1, r2, r1, r2, beta=0.5)
    assert not out["prop14_premise"] and np.isnan(out["eq19_bound"]) and out["eq19_holds"] is None


def test_eq21_exact_values_on_a_tight_hand_example():
    """10 pairs, all labelled 'first preferred' (h = +1). Errors E1 = {sign(s1) != h} (pair 0) and
    E2 = {sign(s2) != -h} (pairs 1-8) are disjoint, so the union bound 1 - joint <= P(E1) + P(E2) is an equality:
    a1 = 0.9, a2 = 0.2, joint = 0.1, slack 0. Computing a2 as P(sign(s2) = h) would give 0.8 and violate it."""
    y = np.ones(10, int)
    s1 = np.array([-1.0] + [1.0] * 9)
    s2 = np.array([-1.0] + [1.0] * 8 + [-1.0])
    out = eq21_union_bound(s1, s2, y)
    assert (out["eq21_a1"], out["eq21_a2"], out["eq21_joint"], out["eq21_pairwise"]) == pytest.approx(
        (0.9, 0.2, 0.1, 0.1)
    )
    assert out["eq21_union_err_slack"] == pytest.approx(0.0, abs=1e-12) and out["eq21_union_err_holds"]
    assert out["eq21_holds"] and out["eq21_joint_le_pairwise"]


def test_eq21_slack_is_the_probability_of_both_errors():
    """Inclusion-exclusion: (1 - a1) + (1 - a2) - (1 - joint) = P(E1 and E2), recomputed here on 5000 random
    pairs (seed 10) with random labels; a wrong a1, a2 or joint changes it."""
    rng = np.random.default_rng(10)
    s1, s2, y = rng.normal(size=5000), rng.normal(size=5000), rng.integers(0, 2, 5000)
    out = eq21_union_bound(s1, s2, y)
    h = 2 * y - 1
    both = np.mean((np.sign(s1) != h) & (np.sign(s2) != -h))
    assert out["eq21_union_err_slack"] == pytest.approx(both, abs=1e-12)
    assert out["eq21_a1"] == pytest.approx(np.mean(np.sign(s1) == h)) and out["eq21_joint"] <= out["eq21_pairwise"]


def test_pairwise_accuracy_counts_ties_one_half():
    """Hand example: r = (1, 1, 2, 3), scores (0, 1, 1, 2) on all 6 pairs: two pairs tied (one in r, one in the
    score) count 1/2, four concordant count 1: accuracy 5/6 exactly."""
    r = np.array([1.0, 1.0, 2.0, 3.0])
    sc = np.array([0.0, 1.0, 1.0, 2.0])
    i, j = np.triu_indices(4, 1)
    acc, _ = pairwise_accuracy(sc[i], sc[j], r[i], r[j])
    assert acc == pytest.approx(5 / 6, abs=1e-15)


def test_best_of_n_oracle_scorer_gets_the_oracle_gain():
    g = np.random.default_rng(11).normal(size=(20, 50))
    b = best_of_n(g, g)
    assert b["bon_gain"] == pytest.approx(b["bon_oracle_gain"]) and b["bon_gain_frac"] == pytest.approx(1.0)


def test_bad_inputs_raise_one_line_errors(world):
    with pytest.raises(SimTheoryInputError, match="d"):
        SyntheticWorld(d=0)
    with pytest.raises(SimTheoryInputError, match="design"):
        world.pairs(10, 1.0, np.random.default_rng(0), design="bogus")
    with pytest.raises(SimTheoryInputError, match="beta"):
        world.pairs(10, -1.0, np.random.default_rng(0))
    with pytest.raises(SimTheoryInputError, match="model"):
        fit_model("svm", world.pairs(10, 1.0, np.random.default_rng(0)), 0)
    with pytest.raises(SimTheoryInputError, match="score"):
        best_of_n(np.zeros((2, 3)), np.zeros((3, 2)))


def test_real_pairs_need_a_golden_reward():
    from simtheory.embeddings import load_for_grid

    data = load_for_grid({"embeddings": "example"})
    pr = real_pairs(data, np.arange(data.n), 50, 1.0, np.random.default_rng(0), "cross")
    assert pr.n == 50 and pr.x1.shape[1] == data.dim
    import dataclasses

    with pytest.raises(SimTheoryInputError, match="embeddings"):
        real_pairs(dataclasses.replace(data, reward=None), np.arange(data.n), 5, 1.0, np.random.default_rng(0))
