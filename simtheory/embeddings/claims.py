"""Claims checked on real text embeddings (the shipped all-MiniLM-L6-v2 example, :mod:`simtheory.embeddings.example`)."""

from __future__ import annotations

from simtheory.verify.registry import INCONCLUSIVE, REAL_DATA, Claim, Outcome, register
from simtheory.verify.rules import Each, Inequality

DOC = "rethinking_bradley_terry"
T = "tests/embeddings/test_example.py::"
KEYS = ("cross_minus_same_any", "similar_x_minus_similar_any")


def _xprompt_real(quick: bool) -> Outcome:
    from simtheory.embeddings.example import load_example, reports

    n_rep = 5 if quick else 20
    rep = reports(load_example(), beta=1.0, n_train_pairs=400, n_rep=n_rep, seed=0)
    bt = rep["bt_order_consistency"]
    val = ", ".join(
        f"{k.split('_any')[0].replace('_minus_', ' - ')} = {bt[k]['mean']:+.3f} +- {bt[k]['se']:.3f}" for k in KEYS
    )
    return Outcome(
        value=f"held-out order consistency gain: {val}",
        numbers={
            "items": [{"estimate": bt[k]["mean"], "se": bt[k]["se"]} for k in KEYS],
            "labels": [k.split("_any")[0] for k in KEYS],
        },
        ci=f"SE over {n_rep} train/test prompt splits (seed 0)",
        computed="linear BT (L2) fits on 400 BT-annotated pairs (beta = 1) of 120 MiniLM-embedded responses "
        "(24 prompts); golden reward = ridge map of author grades; prompt means nearly equal by design",
        details={"oc": {d: bt[d]["any"] for d in ("same", "cross", "similar", "similar_x")}},
    )


register(
    Claim(
        "rbt.sec6.3.xprompt_real_embeddings",
        DOC,
        "Section 6.3, Figures 4-5",
        "Cross-prompt annotation gives better reward models than same-prompt annotation, above all when "
        "same-prompt pairs are similar (checked on the shipped MiniLM example)",
        "cross-prompt better in all setups (BoN gains; Figs. 4-5)",
        (T + "test_linear_bt_order_consistency_measured", T + "test_pair_quality_same_vs_cross_measured"),
        "python examples/real_embeddings.py --n-rep 20",
        _xprompt_real,
        rule=Each(Inequality(">=", 0.0, "cross - same held-out order consistency"), "design"),
        kind=REAL_DATA,
        expected=INCONCLUSIVE,
        note="On the shipped 120-response MiniLM example, random cross- vs same-prompt pairs differ by +0.005 "
        "+- 0.009 in held-out order consistency (20 splits; +0.005 +- 0.031 with 5), within noise, and "
        "Similar cross- vs same-prompt pairs by +0.014 +- 0.011 (20 splits; +0.053 +- 0.015 with 5). "
        "24 prompts whose means are nearly equal by design leave little prompt-level signal for "
        "cross-prompt pairs to exploit, so this data set cannot decide the claim; it does not "
        "contradict it.",
    )
)


# the real-data claims on a user's own human labels (python -m simtheory.report --embeddings FILE)
from simtheory.embeddings.human_claims import register_human_claims  # noqa: E402

register_human_claims()
