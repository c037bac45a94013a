"""Headline rows (simtheory/runner/headlines.py): every verdict is computed from the summary's numbers,
so moving a number across the 5-SE line flips it; an unreadable summary gives a 'not checkable' row."""

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
    # within 5 SE + half a unit of the paper's last digit: holds
    assert H.headlines("cross_prompt", _example1(0.6749 + 5 * 1e-4))[0].verdict == "holds"
    assert H.headlines("cross_prompt", _example1(0.6749 + 5 * 1e-4 + 6e-5))[0].verdict == "does not hold"


@pytest.mark.parametrize(
    "broken, z, verdict",
    [
        ("none", 3.0, "holds"),
        ("none", -5.5, "does not hold"),
        ("xi concave", -20.0, "counter-example"),
        ("f unimodal", 4.0, "still holds"),
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
    assert bt.verdict == "holds"  # |62.0 - 62.4| = 0.4 <= 5 * 0.2 + 0.05
    assert gpm.verdict == "holds" and gpm.note == "best dim 2"
    s["table1"][0]["bt"] = 51.6
    assert H.headlines("general_preference_cyclic", s)[0].verdict == "does not hold"


def test_risk_rate_uses_the_slope_ci():
    base = {"beta": 0.75, "d": 1, "alpha": 0.5, "theory_exponent": 0.53, "n_min": 500, "n_max": 32000, "points": 21}
    ok = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.5, "ci_lo": -0.6, "ci_hi": -0.4, "at_least_theory": True}]},
    )[0]
    assert ok.verdict == "holds" and ok.ours == "0.500 [0.400, 0.600]"
    wide = H.headlines(
        "risk_rate",
        {"slopes": [{**base, "measured_exponent": 0.78, "ci_lo": -12.0, "ci_hi": 10.4, "at_least_theory": True}]},
    )[0]
    assert wide.verdict == "not checkable"  # 3 points: the CI includes 'no decay at all'
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
    assert [r.verdict for r in rows] == ["holds", "not checkable", "does not hold", "holds"]


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
    # 0/4 and 4/4 reps: Clopper-Pearson 95% CIs [0, 0.60] and [0.40, 1] straddle 1/2: too few reps
    assert [r.verdict for r in rows] == ["holds", "not checkable", "not checkable"]
    for r in table:
        r["reps"] = 10  # 0/10 -> [0, 0.31], 10/10 -> [0.69, 1]
    assert [r.verdict for r in H.headlines("bt_sparsity", {"table": table})] == ["holds", "holds", "holds"]
    table[3]["rmse"] = 0.6  # error grows with N beyond 5 SE: not consistent
    assert H.headlines("bt_sparsity", {"table": table})[0].verdict == "does not hold"


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
    assert mlp.verdict == "holds" and mlp.note == "z = -2.5"  # below 0 but within 5 SE: not contradicted
    assert lgb.verdict == "does not hold" and lgb.note == "z = -23.0"
