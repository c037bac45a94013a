"""Rate curves of Theorem 10 and the Corollary 11 error profile (Rethinking BT, Sec. 2.4).

Usage:
    python paper_figs/make_risk_rate.py --from paper_figs/risk_rate/run   # re-draw from a finished grid run
    python paper_figs/make_risk_rate.py --quick                  # run the quick grid (seconds) and draw it

Writes into paper_figs/risk_rate/: risk_rate_curves.{pdf,png}, risk_rate_cor11.{pdf,png},
risk_rate_example.{pdf,png} (one configuration drawn with simtheory.plotting.rate_curve),
risk_rate_fits.csv (one row per fit), risk_rate_cor11.csv (p0-bin rows), slopes.csv and
meta.json (the script's record: command, provenance, hashes of the data files, source run).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "risk_rate"


def rate_figure(fits, out: Path, beta: float | None = None, d: int | None = None, alpha: float | None = None):
    """One configuration's risk vs n with :func:`simtheory.plotting.rate_curve`: mean over reps with its SE,
    the WLS slope with its 95 % band and the Theorem 10 exponent anchored at the smallest n
    (writes ``risk_rate_example.{pdf,png}``; default: the first (beta, d, alpha) of the grid)."""
    import matplotlib.pyplot as plt
    import numpy as np

    from simtheory.plotting import rate_curve

    col = "risk_best_restart" if "risk_best_restart" in fits and fits["restarts"].max() > 1 else "risk"
    keys = sorted(fits.groupby(["beta", "d", "alpha"]).groups)
    want = [
        k
        for k in keys
        if (beta is None or k[0] == beta) and (d is None or k[1] == d) and (alpha is None or k[2] == alpha)
    ]
    b, dd, a = want[0]
    g = fits[(fits.beta == b) & (fits.d == dd) & (fits.alpha == a)]
    agg = g.groupby("n")[col].agg(["mean", "std", "count"]).reset_index()
    se = (agg["std"] / np.sqrt(agg["count"])).to_numpy() if agg["count"].min() > 1 else None
    f = rate_curve(
        agg["n"],
        agg["mean"],
        se,
        expected_slope=-float(g.theory_exponent.iloc[0]),
        anchor="first",
        expected_label=f"Theorem 10: n^-{float(g.theory_exponent.iloc[0]):.3f}",
        label=f"R_B, mean of {int(agg['count'].min())}+ reps",
        xlabel="n (annotated pairs)",
        ylabel="risk R_B (Theorem 10)",
        title=f"beta={b:g}, d={dd:g}, alpha={a:g}",
        out=out,
        name="risk_rate_example",
    )
    plt.close(f.fig)
    return f


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", default=None, help="folder of a risk_rate grid run (results.csv)")
    ap.add_argument("--quick", action="store_true", help="run the quick grid into a temporary folder first")
    from simtheory.runner import scripts

    scripts.add_arguments(ap, OUT)
    a = ap.parse_args(argv)
    from simtheory.risk_rate.grid import summarize
    from simtheory.runner.store import ResultStore, write_json

    scripts.guard_out(Path(a.out), __file__, a.allow_dirty)

    if a.quick or a.src is None:
        from simtheory.runner.grids import run_grid

        src = Path(tempfile.mkdtemp(prefix="risk_rate_quick_"))
        run_grid("risk_rate", quick=True, seed=0, out=src, progress=False)
    else:
        src = Path(a.src)
    rows = ResultStore(src / "results.csv").read_rows()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    df = pd.DataFrame(rows)
    fit_cols = [
        c
        for c in df.columns
        if c not in ("p_lo", "p_hi", "count", "dr_err", "dr_err_se", "p_err", "p_err_se", "inv_pq", "bin")
    ]
    df[df.kind == "fit"][fit_cols].dropna(axis=1, how="all").to_csv(out / "risk_rate_fits.csv", index=False)
    cor = df[df.kind == "cor11"][
        [
            "d",
            "beta",
            "alpha",
            "n",
            "rep",
            "bin",
            "p_lo",
            "p_hi",
            "count",
            "dr_err",
            "dr_err_se",
            "p_err",
            "p_err_se",
            "inv_pq",
        ]
    ]
    cor.to_csv(out / "risk_rate_cor11.csv", index=False, float_format="%.6g")
    src_meta = json.loads((src / "meta.json").read_text()) if (src / "meta.json").exists() else {}
    params = src_meta.get("params", {})
    summary = summarize(rows, out, params)
    rate_figure(df[df.kind == "fit"], out)
    (out / "summary.json").unlink(missing_ok=True)
    write_json(
        out / "meta.json",
        scripts.script_record(
            __file__,
            argv,
            out,
            allow_dirty=a.allow_dirty,
            figure="risk_rate",
            source_run=str(src),
            source_commit=src_meta.get("git_commit"),
            source_source_sha256=(src_meta.get("provenance") or {}).get("source_sha256"),
            n_fits=int((df.kind == "fit").sum()),
            summary=summary,
        ),
    )
    print(pd.read_csv(out / "slopes.csv").to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
