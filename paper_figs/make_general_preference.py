"""Figures for the general preference model (issue 6) into paper_figs/general_preference/:
accuracy vs embedding dimension (BT = 1; the gpm_cyclic grid, full parameters) and the GPO duality gap vs T.
Usage: python paper_figs/make_general_preference.py [--quick] [--out DIR] [--allow-dirty]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from simtheory.general_preference.games import (
    RPS_PI0,
    gap_curve,
    loglog_slope,
    random_game,
    rock_paper_scissors,
)
from simtheory.plotting import rate_curve
from simtheory.runner.store import paper_style, save_figure, write_json

OUT = Path(__file__).parent / "general_preference"
SEED = 2024


def accuracy_figure(quick: bool, out_dir: Path, allow_dirty: bool) -> dict:
    from simtheory.runner.grids import run_grid

    out = run_grid(
        "general_preference_cyclic",
        seed=SEED,
        out=str(out_dir / "gpm_cyclic"),
        quick=quick,
        progress=False,
        resume=False,
        allow_dirty=allow_dirty,
        command=f"python paper_figs/make_general_preference.py{' --quick' if quick else ''}",
    )
    import json

    return json.loads((Path(out) / "summary.json").read_text())


def gap_figure(out: Path) -> dict:
    import matplotlib.pyplot as plt

    Ts = np.unique(np.geomspace(100, 30_000, 12).astype(int))
    rng = np.random.default_rng(SEED)
    games = [
        ("rock-paper-scissors", rock_paper_scissors(), RPS_PI0),
        ("random n=8", random_game(8, rng), None),
        ("random n=32", random_game(32, rng), None),
    ]
    rows, slopes = [], {}
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    for i, (name, S, pi0) in enumerate(games):
        g = gap_curve(S, Ts, pi0)
        rows += [{"game": name, **r} for r in g]
        s, ci = loglog_slope(Ts, [r["gap"] for r in g])
        slopes[name] = {"slope": s, "ci95": ci}
        # log-log points, OLS slope with its 95 % band (deterministic curves: no error bars)
        rate_curve(Ts, [r["gap"] for r in g], ax=ax, color=f"C{i}", label=name, legend=False)
        ax.loglog(Ts, [r["bound"] for r in g], ":", color=f"C{i}", lw=0.8)
    ax.plot([], [], ":", color="k", lw=0.8, label="regret bound (dotted)")
    ax.set_xlabel("T (GPO / MWU iterations)")
    ax.set_ylabel("duality gap of averaged policy")
    ax.legend(fontsize=6, loc="lower left", bbox_to_anchor=(0.0, 1.02), frameon=False, ncol=2)
    save_figure(fig, out, "gpo_duality_gap")
    plt.close(fig)
    pd.DataFrame(rows).to_csv(out / "gpo_duality_gap.csv", index=False)
    return slopes


def main(argv=None):
    from simtheory.runner import scripts

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    scripts.add_arguments(ap, OUT)
    args = ap.parse_args(argv)
    out = Path(args.out)
    scripts.guard_out(out, __file__, args.allow_dirty)
    paper_style()
    out.mkdir(parents=True, exist_ok=True)
    summ = accuracy_figure(args.quick, out, args.allow_dirty)
    slopes = gap_figure(out)
    write_json(out / "summary.json", {"gap_slopes": slopes, "table1": summ.get("table1")})
    write_json(
        out / "meta.json",
        scripts.script_record(__file__, argv, out, allow_dirty=args.allow_dirty, seed=SEED, quick=args.quick),
    )
    print(slopes)
    print(summ.get("table1"))


if __name__ == "__main__":
    main()
