"""Claims checked on a user's own human preference labels: ``python -m simtheory.report --embeddings FILE``.

``FILE`` is an ``.npz`` written by ``python -m simtheory.embed`` (prompt and response embeddings plus the
human chosen/rejected labels). The claims train the package's reward models on the file's own labels
(grid ``reward_models_human``, quick settings; no golden reward, no simulated annotator) and decide each
verdict by its rule from the held-out numbers. They are registered only when the report is given a file
(the environment variable ``SIMTHEORY_REPORT_EMBEDDINGS``, which ``--embeddings`` sets); checks that would
need a golden reward (Prop. 14's bounds) are not among them: the grid's ``report.txt`` says so.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from simtheory.verify.registry import HOLDS, REAL_DATA, Claim, Outcome, register
from simtheory.verify.rules import Each, Inequality, NoViolation

DOC = "rethinking_bradley_terry"
GPM_DOC = "general_preference_model"
ENV = "SIMTHEORY_REPORT_EMBEDDINGS"
T = "tests/embeddings/test_human_labels.py::"
CMD = "python -m simtheory.report --embeddings FILE.npz"


@functools.lru_cache(maxsize=1)
def _summary(path: str, quick: bool) -> dict:
    from simtheory.reward_models.human_labels import run_human

    return run_human(path, quick=quick, seed=0)


def _file() -> str:
    path = os.environ.get(ENV)
    if not path:
        raise RuntimeError(f"no embeddings file: set {ENV} or pass --embeddings to the report")
    return path


def _heldout_vs_bt(quick: bool, prefix: str, sign: float) -> Outcome:
    """Held-out accuracy of the models named ``prefix*`` minus BT-MLP's (``sign`` = -1: BT minus them)."""
    met = _summary(_file(), quick).get("heldout", {}).get("metrics", {})
    names = [m for m in met if m.startswith(prefix) and "accuracy_minus_ref" in met[m]]
    if not names:
        raise RuntimeError(f"no {prefix}* model with a held-out comparison in the run")
    items = [{"estimate": sign * met[m]["accuracy_minus_ref"], "se": met[m]["accuracy_minus_ref_se"]} for m in names]
    what = "BT-MLP - " if sign < 0 else ""
    return Outcome(
        value="; ".join(
            f"{what}{m}{'' if sign < 0 else ' - BT-MLP'}: {x['estimate']:+.3f} +- {x['se']:.3f}"
            for m, x in zip(names, items)
        ),
        numbers={"items": items, "labels": names},
        ci="SE by bootstrap over prompts (paired with BT-MLP)",
        computed="held-out pairwise accuracy on the file's human labels, folds grouped by prompt",
    )


def _robust(quick: bool) -> Outcome:
    noise = _summary(_file(), quick).get("label_noise", {})
    rob = {k[len("clf_more_robust_") :]: v for k, v in noise.items() if k.startswith("clf_more_robust_")}
    if not rob:
        raise RuntimeError("the run has no label-noise comparison of BT-MLP with a classifier")
    names = sorted(rob)
    items = [{"estimate": rob[m]["acc_at_high_noise_bt_minus_clf"], "se": rob[m]["se"]} for m in names]
    return Outcome(
        value="; ".join(
            f"BT-MLP - {m} at the highest flip rate: {x['estimate']:+.3f} +- {x['se']:.3f}"
            for m, x in zip(names, items)
        ),
        numbers={"items": items, "labels": names},
        ci="SE over folds",
        computed="held-out accuracy after flipping the file's human labels at known rates",
    )


def _eq21(quick: bool) -> Outcome:
    eq21 = _summary(_file(), quick).get("eq21_labels", {})
    if "verdict" in eq21 or not eq21:
        raise RuntimeError(str(eq21.get("verdict", "no classification model in the run")))
    viol = sum(1 - v["eq21_joint"] > (1 - v["eq21_a1"]) + (1 - v["eq21_a2"]) + 1e-12 for v in eq21.values())
    return Outcome(
        value=", ".join(
            f"{m}: 1 - joint = {1 - v['eq21_joint']:.3f} <= {2 - v['eq21_a1'] - v['eq21_a2']:.3f}"
            for m, v in eq21.items()
        ),
        numbers={"violations": viol, "cases": len(eq21)},
        computed="eq. 21's error form on held-out human labels for each classification reward model",
    )


def register_human_claims() -> None:
    """Register the real-data claims (only when the report was given an embeddings file)."""
    if not os.environ.get(ENV):
        return
    from simtheory.reward_models.human_labels import CLF_ROBUST_RULE

    real: dict[str, Any] = {"kind": REAL_DATA, "expected": HOLDS, "command": CMD}
    register(
        Claim(
            "real.rbt.sec6.2.bt_beats_clf",
            DOC,
            "Section 6.2 (on human labels)",
            "BT reward models are at least as accurate as classification reward models on held-out human labels",
            "BT better at low noise",
            (T + "test_grid_end_to_end_flags_collapsed_model",),
            compute=lambda q: _heldout_vs_bt(q, "clf", -1.0),
            rule=Each(Inequality(">=", 0.0, "BT-MLP - CLF held-out accuracy"), "classifier"),
            **real,
        )
    )
    register(
        Claim(
            "real.rbt.sec6.2.clf_robust_to_noise",
            DOC,
            "Section 6.2, Figure 2 (on human labels)",
            "classification reward models lose less accuracy than BT as labels are flipped",
            "CLF more robust",
            (T + "test_grid_end_to_end_flags_collapsed_model",),
            compute=_robust,
            # the rule of the grid's own summary (label_noise), so report and report.txt agree
            rule=Each(CLF_ROBUST_RULE, "classifier"),
            **real,
        )
    )
    register(
        Claim(
            "real.rbt.eq21.labels",
            DOC,
            "Section 3.3, eq. 21 (error form, on human labels)",
            "1 - L_oc <= (1 - a1) + (1 - a2) for each classification reward model",
            None,
            (T + "test_grid_end_to_end_flags_collapsed_model",),
            compute=_eq21,
            rule=NoViolation("classification models"),
            **real,
        )
    )
    register(
        Claim(
            "real.gpm.beats_bt",
            GPM_DOC,
            "Sec. 6 (on human labels)",
            "GPM reward models are at least as accurate as BT on held-out human labels",
            "GPM better than BT",
            (T + "test_grid_end_to_end_flags_collapsed_model",),
            compute=lambda q: _heldout_vs_bt(q, "gpm", 1.0),
            rule=Each(Inequality(">=", 0.0, "GPM - BT-MLP held-out accuracy"), "GPM"),
            **real,
        )
    )
