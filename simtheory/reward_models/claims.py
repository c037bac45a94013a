"""Claims of *Rethinking BT* Sections 3 and 6 checked with trained reward models and a known golden reward
(:mod:`simtheory.reward_models`, grids ``rm_quality``, ``rm_quantity``, ``rm_cross_prompt``).

``compute`` reads the committed full-grid results in ``paper_figs/reward_models/`` (seconds); the
commands that regenerate them are in ``paper_figs/reward_models/COMMANDS.sh``.
"""
from __future__ import annotations

from simtheory.verify.registry import Claim, Outcome, register

DOC = "rethinking_bradley_terry"
T = "tests/reward_models/test_findings.py::"
G = "tests/reward_models/test_grids.py::"
U = "tests/reward_models/test_units.py::"
CMD = "sh paper_figs/reward_models/COMMANDS.sh"


def _df(grid):
    from simtheory.reward_models import findings as F

    return F.load(grid)


def _missing(grid) -> Outcome:
    return Outcome(value="no results", verdict="not checkable",
                   computed=f"paper_figs/reward_models/{grid}/results.csv is missing; run {CMD}")


def _seeds(df) -> str:
    return f"{df['rep'].nunique()} seeds, {int(df['n_train'].max())} annotations max, best-of-{int(df['bon_n'].iloc[0])}"


def _pm(v) -> str:
    return f"{v[0]:+.3f} ± {v[1]:.3f}"


def _bounds(quick: bool) -> Outcome:
    import pandas as pd

    from simtheory.reward_models.grid_common import bounds_summary

    dfs = [d for d in (_df(g) for g in ("rm_quality", "rm_quantity", "rm_cross_prompt")) if d is not None]
    if not dfs:
        return _missing("rm_*")
    b = bounds_summary(pd.concat(dfs, ignore_index=True))
    ok = all(b[k][0] == b[k][1] for k in ("eq18_conditional_holds", "eq18_global_holds", "eq19_holds"))
    v = (f"eq. 18 (per-bin eps) {b['eq18_conditional_holds'][0]}/{b['eq18_conditional_holds'][1]} rows; premise "
         f"1-L_oc < 3/20 on {b['prop14_premise_rows']} rows, there eq. 18 {b['eq18_global_holds'][0]}/"
         f"{b['eq18_global_holds'][1]}, eq. 19 {b['eq19_holds'][0]}/{b['eq19_holds'][1]}")
    if b["prop14_premise_rows"]:
        v += (f" (largest eq.-19 bound {b['eq19_bound_max']:.3f}, median slack {b['eq19_slack_median']:.3f}; "
              "eq. 18 with the bin's own eps is equivalent to c >= 1/4)")
    return Outcome(value=v, verdict="holds" if ok else "does not hold",
                   computed="trained RMs on held-out pairs, exact E[1(h=H)]; bins of |dr|; see reward_models.bounds",
                   details=b)


def _eq21(quick: bool) -> Outcome:
    import pandas as pd

    from simtheory.reward_models.grid_common import bounds_summary

    dfs = [d for d in (_df(g) for g in ("rm_quality", "rm_quantity", "rm_cross_prompt")) if d is not None]
    if not dfs:
        return _missing("rm_*")
    b = bounds_summary(pd.concat(dfs, ignore_index=True))
    ok = b["eq21_holds"][0] == b["eq21_holds"][1] and b["eq21_union_err_holds"][0] == b["eq21_union_err_holds"][1]
    return Outcome(value=f"eq. 21 {b['eq21_holds'][0]}/{b['eq21_holds'][1]} classifier rows; error union bound "
                         f"{b['eq21_union_err_holds'][0]}/{b['eq21_union_err_holds'][1]}",
                   verdict="holds" if ok else "does not hold",
                   computed="CLF-MLP / CLF-LGB logits as H_clf on held-out annotated pairs with sampled labels")


def _quality(which: str):
    def compute(quick: bool) -> Outcome:
        from simtheory.reward_models import findings as F

        df = _df("rm_quality")
        if df is None:
            return _missing("rm_quality")
        q = F.quality(df)
        if which == "robust":
            v = "CLF drop - BT-MLP drop (beta 10 -> 0.5): " + ", ".join(
                f"{m} {_pm(d)}" for m, d in q["clf_drop_minus_bt_drop"].items())
            ok = q["clf_more_robust"]
        else:
            v = "BT-MLP - CLF at <10% wrong labels: " + ", ".join(
                f"{k} {_pm(d)}" for k, d in q["bt_minus_clf_low_noise"].items())
            ok = q["bt_better_low_noise"]
        return Outcome(value=v, ci="± 1 SE over seeds (paired); established at 2 SE", verdict="holds" if ok else
                       "does not hold", computed=f"best-of-N golden gain, {_seeds(df)}", details=q)
    return compute


def _quantity(quick: bool) -> Outcome:
    from simtheory.reward_models import findings as F

    df = _df("rm_quantity")
    if df is None:
        return _missing("rm_quantity")
    q = F.quantity(df)
    v = ("rising steps " + ", ".join(f"{m} {s}" for m, s in q["steps_up"].items()) + "; gain/doubling "
         + ", ".join(f"{m} {s:.3f}" for m, s in q["gain_per_doubling"].items()))
    ok = q["clf_more_consistent"] and q["clf_beats_bt_everywhere"]
    return Outcome(value=v, verdict="holds" if ok else "does not hold",
                   computed=f"best-of-N golden gain vs n at beta = 1, {_seeds(df)}", details=q)


def _cross(which: str):
    def compute(quick: bool) -> Outcome:
        from simtheory.reward_models import findings as F

        df = _df("rm_cross_prompt")
        if df is None:
            return _missing("rm_cross_prompt")
        q = F.cross_prompt(df)
        if which == "better":
            v = (f"{q['significantly_positive']}/{q['n_points']} (design, beta, model) cross-prompt gains > 2 SE, "
                 f"{q['significantly_negative']} < -2 SE")
            ok = q["cross_better"]
        elif which == "similar":
            v = "mean cross-prompt gain: " + ", ".join(f"{k} {x:.3f}" for k, x in q["mean_xprompt_gain_by_design"].items())
            ok = q["similar_gains_most"]
        else:
            f = q["fig6"]
            v = f"slope {f['slope']:.3f}, Pearson r = {f['r']:.3f} (p = {f['p']:.2g}, {f['n_points']} points)"
            ok = f["r"] < 0 and f["p"] < 0.05
        return Outcome(value=v, verdict="holds" if ok else "does not hold",
                       computed=f"best-of-N gain cross - same prompt pairs, {_seeds(df)}", details=q)
    return compute


register(Claim(id="rbt.prop14.rm_order_consistency_bounds", document=DOC, where="Proposition 14, eqs. 16-19",
               statement="trained reward models satisfy the lower bounds of eq. 18 (per dr bin) and eq. 19",
               paper_value=None, tests=(T + "test_prop14_and_eq21_hold_on_every_full_grid_row",
                                        U + "test_prop14_conditional_bound_is_c_ge_quarter",
                                        G + "test_quick_grid_runs_bounds_hold_and_resumes"),
               command=CMD, compute=_bounds))
register(Claim(id="rbt.eq21.clf_union_bound", document=DOC, where="Section 3.3, eq. 21",
               statement="classification order consistency is bounded by the per-item accuracies (union bound)",
               paper_value=None, tests=(T + "test_prop14_and_eq21_hold_on_every_full_grid_row",
                                        U + "test_eq21_union_bound_and_its_power"), command=CMD, compute=_eq21))
register(Claim(id="rbt.sec6.2.clf_robust_to_noise", document=DOC, where="Section 6.2, Figure 2",
               statement="classification RMs lose less as annotation error grows than BT RMs",
               paper_value="CLF more robust", tests=(T + "test_clf_more_robust_to_label_noise",),
               command=CMD, compute=_quality("robust")))
register(Claim(id="rbt.sec6.2.bt_better_low_noise", document=DOC, where="Section 6.2, Figure 2",
               statement="BT RMs beat classification RMs when fewer than 10% of labels are wrong",
               paper_value="BT better at < 10% wrong labels", tests=(T + "test_bt_better_at_low_noise",),
               command=CMD, compute=_quality("low")))
register(Claim(id="rbt.sec6.2.clf_quantity", document=DOC, where="Section 6.2, Figure 3",
               statement="classification RMs beat BT at every annotation count and improve more consistently",
               paper_value="CLF consistently better", tests=(T + "test_clf_improves_more_consistently_with_quantity",),
               command=CMD, compute=_quantity))
register(Claim(id="rbt.sec6.3.xprompt_rm_gain", document=DOC, where="Section 6.3, Figure 4",
               statement="cross-prompt annotations give better reward models than same-prompt ones",
               paper_value="cross-prompt better", tests=(T + "test_cross_prompt_beats_same_prompt",),
               command=CMD, compute=_cross("better")))
register(Claim(id="rbt.sec6.3.xprompt_similar", document=DOC, where="Section 6.3, Figure 5",
               statement="the cross-prompt gain is largest for Similar (middle-of-10) pairs",
               paper_value="large for Similar, ~0 for Diversified", tests=(T + "test_cross_prompt_gains_most_for_similar",),
               command=CMD, compute=_cross("similar")))
register(Claim(id="rbt.sec6.3.fig6_correlation", document=DOC, where="Section 6.3, Figure 6",
               statement="the cross-prompt gain falls with the mean |dr| of same-prompt annotations",
               paper_value="highly correlated", tests=(T + "test_figure6_negative_correlation",),
               command=CMD, compute=_cross("fig6")))
