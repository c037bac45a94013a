"""Figure: Q_pair vs beta*sigma for same- vs cross-prompt designs (Rethinking BT, Section 4).

    python paper_figs/make_cross_prompt.py [--quick] [--n-pairs N] [--seed S] [--out DIR] [--allow-dirty]

Runs the ``cross_prompt`` grid into ``paper_figs/cross_prompt/`` (results.csv, meta.json with config,
seed and versions, summary.json, q_vs_beta_sigma.pdf/.png), draws example1_q.pdf/.png with
``simtheory.plotting.q_curve`` and prints the Example 1 table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simtheory.runner import scripts
from simtheory.runner.grids import run_grid

HERE = Path(__file__).resolve().parent


def example1_figure(summary: dict, out: Path) -> list[Path]:
    """Example 1: Q_pair vs beta^2 sigma^2 (MC with +-1.96 SE band, quadrature for i.i.d. rewards,
    quadrature with Var(dr) = sigma^2, and the paper's table) via :func:`simtheory.plotting.q_curve`."""
    import matplotlib.pyplot as plt

    from simtheory.plotting import q_curve

    ex = summary["example1"]
    s2 = [r["s2"] for r in ex]
    f = q_curve(
        s2,
        [r["q_mc"] for r in ex],
        [r["q_mc_se"] for r in ex],
        label="Monte Carlo",
        reference=(s2, [r["q_quad_iid"] for r in ex]),
        reference_label="quadrature, i.i.d. rewards",
        xlabel=r"$\beta^2\sigma^2$",
        ylabel=r"$Q_{\mathrm{pair}}$",
        logx=True,
        legend=False,
    )
    f.ax.plot(s2, [r["q_quad_difference"] for r in ex], ":", color="C1", label=r"quadrature, Var$(\Delta r)=\sigma^2$")
    f.ax.plot(s2, [r["q_paper"] for r in ex], "x", color="C3", label="paper (Example 1)")
    f.ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), frameon=False)
    from simtheory.plotting import save

    paths = save(f.fig, out, "example1_q")
    plt.close(f.fig)
    return paths


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n-pairs", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--fresh", action="store_true", help="recompute every cell instead of resuming")
    scripts.add_arguments(ap, HERE / "cross_prompt")
    args = ap.parse_args(argv)
    out = run_grid(
        "cross_prompt",
        quick=args.quick,
        seed=args.seed,
        backend=args.backend,
        out=Path(args.out),
        resume=not args.fresh,
        overrides=None if args.quick else {"n_pairs": args.n_pairs},
        allow_dirty=args.allow_dirty,
        command=" ".join(["python paper_figs/make_cross_prompt.py", *scripts.recorded_argv(argv or sys.argv[1:])]),
    )
    summary = json.loads((out / "summary.json").read_text())
    example1_figure(summary, out)
    print("beta^2 sigma^2   Q MC (+-SE)        quadrature (iid)  (Var dr = sigma^2)  paper")
    for r in summary["example1"]:
        print(
            f"{r['s2']:>14} {r['q_mc']:.4f} (+-{r['q_mc_se']:.4f})   {r['q_quad_iid']:.4f}            "
            f"{r['q_quad_difference']:.4f}              {r['q_paper']}"
        )
    for s in summary["scenarios"]:
        print(f"{s['scenario']:<45} gap = {s['gap']:+.4f}  z = {s['z']:+.1f}")


if __name__ == "__main__":
    main()
