"""Figures, tables and the results table of the reward-model grids (issue 4; *Rethinking BT* Section 6).

Reads ``paper_figs/reward_models/<grid>/results.csv`` (written by the commands in
``paper_figs/COMMANDS.sh``), redraws each grid's figure via its ``summarize`` and writes
``results_table.md`` + ``findings.json`` (with run metadata) into ``paper_figs/reward_models/``.
Usage: ``python paper_figs/make_reward_models.py [--root DIR]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from simtheory.reward_models import findings as F
from simtheory.reward_models.models import LABELS
from simtheory.runner import scripts
from simtheory.runner.grids import get_grid
from simtheory.runner.store import ResultStore, write_json

GRIDS = ("rm_quality", "rm_quantity", "rm_cross_prompt")
MODELS = ("bt_mlp", "clf_mlp", "clf_lgb", "linear_bt")


def pm(m, s):
    return f"{m:.3f} ± {s:.3f}" if np.isfinite(s) else f"{m:.3f}"


def gain_table(df, key: str, label: str) -> list[str]:
    g = df.groupby([key, "model"])["bon_gain"]
    mean, se, n = g.mean(), g.std(ddof=1) / np.sqrt(g.size()), g.size()
    err = df.groupby(key)["train_error_rate"].mean()
    lines = [
        f"| {label} | wrong labels | seeds | " + " | ".join(LABELS[m] for m in MODELS) + " |",
        "|---" * (3 + len(MODELS)) + "|",
    ]
    for k in sorted(df[key].unique()):
        lines.append(
            f"| {k:g} | {100 * err[k]:.1f}% | {n[(k, MODELS[0])]} | "
            + " | ".join(pm(mean[(k, m)], se[(k, m)]) for m in MODELS)
            + " |"
        )
    return lines


def bounds_lines(name, df) -> str:
    from simtheory.reward_models.grid_common import bounds_summary

    b = bounds_summary(df)
    f = lambda t: f"{t[0]}/{t[1]}"  # noqa: E731
    extra = (
        f"; eq. 19 bound at most {b['eq19_bound_max']:.3f} (median slack {b['eq19_slack_median']:.3f})"
        if b["prop14_premise_rows"]
        else ""
    )
    return (
        f"| {name} | {b['rows']} | {f(b['eq18_conditional_holds'])} (min slack {b['eq18_conditional_min_slack']:.3f}); "
        f"bins with eps_b < 3/20: {f(b['eq18_conditional_holds_premise_bins'])}"
        f" | {b['prop14_premise_rows']} | {f(b['eq18_global_holds'])} | {f(b['eq19_holds'])}{extra} | "
        f"{f(b['eq21_holds'])} | {f(b['eq21_union_err_holds'])} |"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--root",
        default=str(Path(__file__).resolve().parent / "reward_models"),
        help="folder holding the grid runs (rm_quality/, ...)",
    )
    ap.add_argument("--out", default=None, help="output folder (default: --root)")
    scripts.add_allow_dirty(ap)
    args = ap.parse_args(argv)
    root = Path(args.root)
    dest = Path(args.out) if args.out else root
    scripts.guard_out(dest, __file__, args.allow_dirty)
    dest.mkdir(parents=True, exist_ok=True)
    out, md = {}, ["# Reward models under noisy annotation: simulation results (issue 4)", ""]
    dfs = {}
    for g in GRIDS:
        path = root / g / "results.csv"
        if not path.exists():
            md.append(f"*{g}: not run for this folder*")
            continue
        meta = json.loads((root / g / "meta.json").read_text())
        mod = get_grid(g).load_module()
        (dest / g).mkdir(exist_ok=True)
        mod.summarize(ResultStore(path).read_rows(), dest / g, meta["params"])
        dfs[g] = F.load(g, root)
    if "rm_quality" in dfs:
        df = dfs["rm_quality"]
        q = out["rm_quality"] = F.quality(df)
        md += ["## Annotation quality (best-of-N golden gain, mean ± SE over seeds)", ""]
        md += gain_table(df, "beta", "beta") + [""]
        md.append(
            f"- CLF more robust as noise grows (drop of gain from beta={max(df['beta']):g} to "
            f"{min(df['beta']):g}; CLF drop - BT-MLP drop, paired): "
            + ", ".join(f"{LABELS[m]} {pm(*v)}" for m, v in q["clf_drop_minus_bt_drop"].items())
            + f" -> **{'holds' if q['clf_more_robust'] else 'does not hold'}**"
        )
        md.append(
            "- BT-MLP better at low noise (<10% wrong labels; BT-MLP - CLF): "
            + ", ".join(f"{k} {pm(*v)}" for k, v in q["bt_minus_clf_low_noise"].items())
            + f" -> **{'holds' if q['bt_better_low_noise'] else 'does not hold'}**"
        )
        md.append("")
    if "rm_quantity" in dfs:
        df = dfs["rm_quantity"]
        q = out["rm_quantity"] = F.quantity(df)
        md += ["## Annotation quantity at beta = 1 (best-of-N golden gain)", ""]
        md += gain_table(df, "n_annotations", "annotations") + [""]
        md.append(
            "- steps of n with rising gain: "
            + ", ".join(f"{LABELS[m]} {v}/{len(q['gain'][m]) - 1}" for m, v in q["steps_up"].items())
            + "; gain per doubling of n: "
            + ", ".join(f"{LABELS[m]} {v:.3f}" for m, v in q["gain_per_doubling"].items())
        )
        md.append(
            f"- CLF improves more consistently with quantity -> **{'holds' if q['clf_more_consistent'] else 'does not hold'}**"
        )
        md.append(
            "- CLF above BT-MLP at every n (CLF - BT-MLP): "
            + ", ".join(f"{k} {pm(*v)}" for k, v in q["clf_minus_bt"].items())
            + f" -> **{'holds' if q['clf_beats_bt_everywhere'] else 'does not hold'}**"
        )
        md.append("")
    if "rm_cross_prompt" in dfs:
        df = dfs["rm_cross_prompt"]
        q = out["rm_cross_prompt"] = F.cross_prompt(df)
        md += [
            "## Same- vs cross-prompt annotation (best-of-N gain; cross - same, paired over seeds)",
            "",
            "| design | beta | mean abs dr (same) | " + " | ".join(LABELS[m] for m in MODELS) + " |",
            "|---" * (3 + len(MODELS)) + "|",
        ]
        from simtheory.reward_models.grid_cross_prompt import figure6_points

        pts = figure6_points(df).set_index(["design", "beta", "model"])
        for d, b in sorted({(i[0], i[1]) for i in pts.index}):
            md.append(
                f"| {d} | {b:g} | {pts.loc[(d, b, MODELS[0]), 'mean_abs_dr_same']:.3f} | "
                + " | ".join(
                    pm(pts.loc[(d, b, m), "xprompt_gain"], pts.loc[(d, b, m), "xprompt_gain_se"]) for m in MODELS
                )
                + " |"
            )
        md.append("")
        md.append(
            f"- cross-prompt better: {q['significantly_positive']}/{q['n_points']} (design, beta, model) "
            f"points significantly positive (> 2 SE), {q['significantly_negative']} significantly negative "
            f"-> **{'holds' if q['cross_better'] else 'does not hold'}**"
        )
        md.append(
            "- mean cross-prompt gain by design: "
            + ", ".join(f"{k} {v:.3f}" for k, v in q["mean_xprompt_gain_by_design"].items())
            + (
                f" -> especially for Similar: **{'holds' if q['similar_gains_most'] else 'does not hold'}**"
                if q["similar_gains_most"] is not None
                else " (Similar design not run)"
            )
        )
        if "fig6" in q:
            f6 = q["fig6"]
            md.append(
                f"- Figure 6: cross-prompt gain = {f6['intercept']:.3f} + ({f6['slope']:.3f}) x mean|dr|, "
                f"Pearson r = {f6['r']:.3f} (p = {f6['p']:.2g}, {f6['n_points']} points)"
            )
        md.append("")
    if dfs:
        md += [
            "## Proposition 14 (eqs. 18, 19) and eq. 21 on every (cell, model) row",
            "",
            "| grid | rows | eq. 18 conditional holds | rows with premise 1-L_oc<3/20 | eq. 18 global holds | "
            "eq. 19 holds | eq. 21 holds | error union bound holds |",
            "|---" * 8 + "|",
        ]
        md += [bounds_lines(g, df) for g, df in dfs.items()]
        md.append("")
    (dest / "results_table.md").write_text("\n".join(md) + "\n")
    write_json(dest / "findings.json", {"findings": out})
    write_json(dest / "meta.json", scripts.script_record(__file__, argv, dest, allow_dirty=args.allow_dirty))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
