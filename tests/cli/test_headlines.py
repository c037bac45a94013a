"""Headline rows (simtheory/runner/headlines.py): every verdict is a rule of simtheory.verify.rules applied to
the summary's numbers (interval = estimate +- 5 SE or a stated 95% interval), so moving the interval across
the boundary flips it, an interval that spans the boundary is 'inconclusive' (never holds / does not hold),
and an unreadable summary gives a 'not checkable' row."""

import json

import pytest

from simtheory.runner import headlines as H


def _example1(q_mc, se=1e-4):
    # paper 0.6749 at beta^2 sigma^2 = 1; quadrature as stated 0.72521, Var(r1-r2)=sigma^2 reading 0.67486
    return {
        "example1": [
            {
                "s2": 1.0,
                "q_mc": q_mc,
                "q_mc_se": se,
                "q_quad_iid": 0.7252134544218446,
                "q_quad_difference": 0.674856825266976,
                "q_paper": 0.6749,
            }
        ],
        "scenarios": [],
    }


def test_cross_prompt_example1_finding_and_its_flip():
    (row,) = H.headlines("cross_prompt", _example1(0.7252))
    assert (row.paper, row.verdict) == ("0.6749", "does not hold")
    assert "0.7252 [0.7250, 0.7254]" == row.ours  # 95% CI = 1.96 SE
    assert "Var(r1-r2)=sigma^2" in row.note and "0.6749" in row.note
    # Agreement with the paper's 0.6749 +- 5e-5 (half a unit of its last digit), read on ours +- 5 SE:
    # an interval containing 0.6749 but wider than the rounding band cannot confirm 4 digits
    assert H.headlines("cross_prompt", _example1(0.6749 + 5 * 1e-4))[0].verdict == "inconclusive"
    assert H.headlines("cross_prompt", _example1(0.6749 + 5 * 1e-4 + 6e-5))[0].verdict == "does not hold"
    assert H.headlines("cross_prompt", _example1(0.67491, se=1e-6))[0].verdict == "holds"


@pytest.mark.parametrize(
    "broken, z, verdict",
    [
        ("none", 5.5, "holds"),
        ("none", 3.0, "inconclusive"),  # the 5-SE interval spans 0
        ("none", -3.0, "inconclusive"),
        ("none", -5.5, "does not hold"),
        ("xi concave", -20.0, "counter-example"),
        ("xi concave", -2.0, "inconclusive"),
        ("f unimodal", 8.0, "still holds"),
        ("f unimodal", 4.0, "inconclusive"),
    ],
)
def test_cross_prompt_scenarios(broken, z, verdict):
    s = {
        "example1": [],
        "scenarios": [{"scenario": "s", "gap": z * 1e-3, "gap_se": 1e-3, "z": z, "assumption_broken": broken}],
    }
    assert H.headlines("cross_prompt", s)[0].verdict == verdict


def test_general_preference_table1_against_paper():
    acc = [
        {"dataset": "drop_x", "dim": 1, "mean": 0.62, "se": 0.002},
        {"dataset": "drop_x", "dim": 2, "mean": 1.0, "se": 0.0},
    ]
    s = {
        "accuracy": acc,
        "table1": [{"dataset": "drop_x", "bt": 62.0, "gpm_best": 100.0, "paper_bt": 62.4, "paper_gpm": 100.0}],
    }
    bt, gpm = H.headlines("general_preference_cyclic", s)
    assert bt.verdict == "inconclusive"  # 62.0 +- 5 x 0.2 contains 62.4 but is wider than 62.4 +- 0.005
    assert gpm.verdict == "holds" and gpm.note == "best dim 2"  # SE 0 over seeds: the point 100.0
    s["table1"][0]["bt"] = 51.6
    assert H.headlines("general_preference_cyclic", s)[0].verdict == "does not hold"


def test_risk_rate_uses_the_slope_ci():
    base = {"beta": 0.75, "d": 1, "alpha": 0.5, "theory_exponent": 0.53, "n_min": 500, "n_max": 32000, "points": 21}
    ok = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.6, "ci_lo": -0.65, "ci_hi": -0.55, "at_least_theory": True}]},
    )[0]
    assert ok.verdict == "holds" and ok.ours == "0.600 [0.550, 0.650]"
    spans = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.5, "ci_lo": -0.6, "ci_hi": -0.4, "at_least_theory": True}]},
    )[0]
    assert spans.verdict == "inconclusive" and spans.ours == "0.500 [0.400, 0.600]"  # CI contains 0.53
    wide = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.78, "ci_lo": -12.0, "ci_hi": 10.4, "at_least_theory": True}]},
    )[0]
    assert wide.verdict == "inconclusive" and "no decay" in wide.note  # 3 points: the CI includes no decay
    short = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.3, "ci_lo": -0.4, "ci_hi": -0.2, "at_least_theory": False}]},
    )[0]
    assert short.verdict == "does not hold"
    bad = H.headlines("risk_rate", {"slopes": [{**base, "measured_exponent": float("nan")}]})[0]
    assert bad.verdict == "not checkable"


def test_bounds_rows_count_and_empty_premise():
    rows = H.headlines(
        "reward_models_quantity",
        {
            "findings": {},
            "bounds": {
                "eq18_conditional_holds": [80, 80],
                "eq18_global_holds": [0, 0],
                "eq19_holds": [3, 4],
                "eq21_holds": [40, 40],
            },
        },
    )
    assert [r.verdict for r in rows] == ["holds", "inconclusive", "does not hold", "holds"]  # NoViolation
    assert rows[1].ours == "0 rows meet the premise"


def test_bt_sparsity_consistency_row():
    def rec(n, ratio, rmse, exists):
        return {
            "N": n,
            "ratio": ratio,
            "rmse": rmse,
            "rmse_sd": 0.05,
            "max_err": 1.0,
            "mle_exists": exists,
            "isolated": 0,
            "reps": 4,
        }

    table = [rec(50, 0.1, 2.5, 0.0), rec(50, 8.0, 0.30, 1.0), rec(200, 0.1, 2.6, 0.0), rec(200, 8.0, 0.27, 1.0)]
    rows = H.headlines("bt_sparsity", {"table": table})
    # RMSE change -0.03 +- 5 x 0.035 spans 0; 0/4 and 4/4 reps: Clopper-Pearson 95% CIs [0, 0.60] and
    # [0.40, 1] straddle 1/2: too few reps
    assert [r.verdict for r in rows] == ["inconclusive"] * 3 and "too few reps" in rows[1].note
    for r in table:
        r["reps"] = 10  # 0/10 -> [0, 0.31], 10/10 -> [0.69, 1]
    table[3]["rmse"] = 0.1  # error falls with N beyond 5 SE (0.022)
    assert [r.verdict for r in H.headlines("bt_sparsity", {"table": table})] == ["holds", "holds", "holds"]
    table[3]["rmse"] = 0.6  # error grows with N beyond 5 SE: not consistent
    assert H.headlines("bt_sparsity", {"table": table})[0].verdict == "does not hold"
    table[1]["mle_exists"] = table[3]["mle_exists"] = 0.0  # 0/10 where existence is expected
    assert H.headlines("bt_sparsity", {"table": table})[2].verdict == "does not hold"


def test_unknown_grid_malformed_summary_and_grid_provided_rows():
    assert H.headlines("no_such_grid", {"x": 1}) == []
    assert H.headlines("cross_prompt", None) == []
    (row,) = H.headlines("cross_prompt", {"example1": [{"s2": 1.0}]})
    assert row.verdict == "not checkable" and "KeyError" in row.note
    own = {"headlines": [{"claim": "c", "paper": "1", "ours": "1.0", "verdict": "holds"}]}
    assert H.headlines("cross_prompt", own)[0].claim == "c"


def test_print_headlines_reads_summary_json(tmp_path, capsys):
    (tmp_path / "summary.json").write_text(json.dumps(_example1(0.7252)))
    rows = H.print_headlines("cross_prompt", tmp_path)
    out = capsys.readouterr().out
    assert "Example 1" in out and "0.6749" in out and "does not hold" in out
    assert H.LAST["headlines"][0]["verdict"] == rows[0].verdict == "does not hold"
    assert json.loads((tmp_path / "headlines.json").read_text()) == json.loads(json.dumps(H.LAST))


def test_one_seed_gives_not_checkable_rows_not_a_crash():
    f = {
        "relative_drop_hi_to_lo_beta": {"bt_mlp": 0.14, "clf_mlp": 0.41},
        "clf_more_robust": {"clf_mlp": False},
        "bt_minus_clf_low_noise": {"clf_mlp@10": [-0.376, None]},
    }
    robust, low_noise = H.headlines("reward_models_quality", {"findings": f})
    assert robust.verdict == "not checkable" and "41.0% vs 14.0%" in robust.ours  # a point comparison only
    assert low_noise.verdict == "not checkable" and low_noise.ours == "-0.376"


def test_quantity_worst_n_uses_the_paired_se():
    f = {
        "clf_beats_bt_at_every_n": {
            "clf_mlp": {"holds": False, "diffs": [[0.01, 0.02], [-0.05, 0.02]]},
            "clf_lgb": {"holds": False, "diffs": [[-0.46, 0.02], [-0.10, 0.03]]},
        }
    }
    mlp, lgb = H.headlines("reward_models_quantity", {"findings": f})
    assert mlp.verdict == "inconclusive" and mlp.note == "z = -2.5"  # below 0 but within 5 SE: undecided
    assert lgb.verdict == "does not hold" and lgb.note == "z = -23.0"
    f["clf_beats_bt_at_every_n"]["clf_mlp"]["diffs"] = [[0.2, 0.02], [0.11, 0.02]]  # every n above 5 SE
    assert H.headlines("reward_models_quantity", {"findings": f})[0].verdict == "holds"


def test_quality_low_noise_difference_three_verdicts():
    def row(d, se):
        return H.headlines("reward_models_quality", {"findings": {"bt_minus_clf_low_noise": {"m": [d, se]}}})[0]

    assert [row(d, 0.01).verdict for d in (0.06, 0.02, -0.02, -0.06)] == [
        "holds",
        "inconclusive",
        "inconclusive",
        "does not hold",
    ]


def test_cross_prompt_cells_and_fig6_correlation():
    def rows(gains, fig6=None):
        f = {"xprompt_gain": gains, **({"fig6": fig6} if fig6 else {})}
        return H.headlines("reward_models_cross_prompt", {"findings": f})

    assert rows({"a": [0.1, 0.01], "b": [0.2, 0.01]})[0].verdict == "holds"
    assert rows({"a": [0.1, 0.01], "b": [0.02, 0.01]})[0].verdict == "inconclusive"
    assert rows({"a": [0.1, 0.01], "b": [-0.06, 0.01]})[0].verdict == "does not hold"
    one = rows({"a": [0.1, None]})[0]
    assert one.verdict == "not checkable" and "1 cells without SE" in one.note
    g = {"slope": -1.0, "intercept": 0.0, "p": 0.001, "n_points": 30}
    assert rows({}, {**g, "r": -0.8})[0].verdict == "holds"  # Fisher CI about [-0.90, -0.62]
    assert rows({}, {**g, "r": -0.2})[0].verdict == "inconclusive"  # CI spans 0
    assert rows({}, {**g, "r": 0.8})[0].verdict == "does not hold"
    assert rows({}, {**g, "r": -0.9, "n_points": 3})[0].verdict == "not checkable"


@pytest.mark.parametrize("z", [-7.0, -5.01, -4.99, -1.0, 0.0, 2.0, 4.99, 5.01, 9.0])
def test_an_interval_spanning_the_boundary_is_never_decided(z):
    """Every SE-based row: holds / does not hold only when ours +- 5 SE lies on one side of the boundary."""
    expect = "holds" if z > 5 else "does not hold" if z < -5 else "inconclusive"
    s = {"scenarios": [{"scenario": "s", "gap": z * 1e-3, "gap_se": 1e-3, "z": z, "assumption_broken": "none"}]}
    assert H.headlines("cross_prompt", s)[0].verdict == expect
    f = {"bt_minus_clf_low_noise": {"m": [z * 1e-3, 1e-3]}}
    assert H.headlines("reward_models_quality", {"findings": f})[0].verdict == expect
