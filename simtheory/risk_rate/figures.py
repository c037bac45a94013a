"""Slope tables and figures of the rate study (rate curves per d; Corollary 11 error vs p0)."""

from __future__ import annotations

import numpy as np

from simtheory.risk_rate.rates import fit_slope, theory_exponent


def _frame(rows, kind):
    import pandas as pd

    df = pd.DataFrame([r for r in rows if r.get("kind") == kind])
    return df


def _risk_col(df) -> str:
    """The risk analysed: of the best-training-loss restart when there were several restarts."""
    return "risk_best_restart" if "risk_best_restart" in df and df["restarts"].max() > 1 else "risk"


def slope_table(rows):
    """Per (beta, d, alpha): empirical slope of log R_B on log n (95% t-CI, plain OLS over all (n, rep) points), the
    theoretical exponent e of Theorem 10, and the bound's local slope -e + 2/ln(n_mid) (log^2 n factor).
    ``slope`` uses, per fit, the restart with the lowest training loss (the closest we get to the empirical risk
    minimiser of eq. 9; column ``risk_best_restart``); ``slope_restart0`` uses restart 0 alone, whose gap to the
    best training loss found is ``delta_n`` (eq. 10)."""
    import pandas as pd

    df = _frame(rows, "fit")
    out = []
    for (beta, d, alpha), g in df.groupby(["beta", "d", "alpha"]):
        e = theory_exponent(beta, int(d), alpha)
        rec = dict(
            beta=beta,
            d=int(d),
            alpha=alpha,
            n_min=int(g.n.min()),
            n_max=int(g.n.max()),
            points=len(g),
            theory_exponent=e,
            bound_local_slope=-e + 2.0 / np.log(np.sqrt(g.n.min() * g.n.max())),
            delta_n_max=float(g.delta_n.max()),
            delta_n_median=float(g.delta_n.median()),
        )
        try:
            groups = None  # every point is an independent data set, fit and test set: plain OLS
            f = fit_slope(g.n.to_numpy(float), g[_risk_col(g)].to_numpy(float), groups=groups)
            rec.update(
                slope=f.slope,
                slope_se=f.se,
                ci_lo=f.ci[0],
                ci_hi=f.ci[1],
                measured_exponent=-f.slope,
                at_least_theory=bool(-f.ci[0] >= e),  # -slope + CI half-width >= e
                at_least_bound_local=bool(-f.ci[0] >= -rec["bound_local_slope"]),
            )
            if _risk_col(g) != "risk":
                f0 = fit_slope(g.n.to_numpy(float), g.risk.to_numpy(float), groups=groups)
                rec.update(slope_restart0=f0.slope, ci_lo_restart0=f0.ci[0], ci_hi_restart0=f0.ci[1])
        except Exception as exc:  # too few points
            rec.update(
                slope=np.nan,
                slope_se=np.nan,
                ci_lo=np.nan,
                ci_hi=np.nan,
                measured_exponent=np.nan,
                at_least_theory=False,
                note=str(exc),
            )
        out.append(rec)
    return pd.DataFrame(out)


def plot_rates(rows, table, out_dir, name: str = "risk_rate_curves"):
    """One panel per d: mean R_B (+- SE over reps) vs n, log-log, per (beta, alpha); dashed: slope -e of
    Theorem 10 anchored at the first point of each curve."""
    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    import matplotlib.pyplot as plt

    df = _frame(rows, "fit")
    ds = sorted(df.d.unique())
    fig, axes = plt.subplots(1, len(ds), figsize=(2.2 * len(ds) + 0.4, 2.5), squeeze=False, sharey=False)
    combos = sorted({(b, a) for b, a in zip(df.beta, df.alpha)})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, d in zip(axes[0], ds):
        for k, (b, a) in enumerate(combos):
            g = df[(df.d == d) & (df.beta == b) & (df.alpha == a)]
            if g.empty:
                continue
            s = g.groupby("n")[_risk_col(g)].agg(["mean", "std", "count"]).reset_index()
            se = (s["std"].fillna(0) / np.sqrt(s["count"])).to_numpy()
            c = colors[k % len(colors)]
            row = table[(table.d == d) & (table.beta == b) & (table.alpha == a)]
            slope = float(row.slope.iloc[0]) if len(row) else np.nan
            ax.errorbar(
                s.n, s["mean"], yerr=se, marker="o", ms=3, color=c, lw=1, label=f"β={b:g}, α={a:g}: {slope:.2f}"
            )
            e = theory_exponent(b, int(d), a)
            n0, r0 = s.n.iloc[0], s["mean"].iloc[0]
            nn = np.array([s.n.min(), s.n.max()], float)
            ax.plot(nn, r0 * (nn / n0) ** (-e), ls="--", color=c, lw=0.9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"d = {d}")
        ax.set_xlabel("n (labelled pairs)")
        ax.legend(fontsize=5.5, title="measured slope", title_fontsize=5.5)
    axes[0][0].set_ylabel(r"$R_B$ (mean ± SE over reps)")
    fig.tight_layout()
    save_figure(fig, out_dir, name)
    plt.close(fig)


def plot_cor11(rows, out_dir, name: str = "risk_rate_cor11"):
    """Corollary 11: mean |Δr - Δr̂| per p0 bin at the largest n, one line per d (pooled over beta, alpha and
    reps); dashed: the factor 1/(p(1-p)) of eq. 14 at the bin midpoints, scaled to the d = 1 curve at p = 0.5."""
    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    import matplotlib.pyplot as plt

    df = _frame(rows, "cor11")
    if df.empty:
        return
    fig, ax = plt.subplots(figsize=(3.4, 2.6))
    first: tuple[np.ndarray, np.ndarray] | None = None
    for d in sorted(df.d.unique()):
        g = df[df.d == d]
        g = g[g.n == g.n.max()]
        s = g.groupby(["p_lo", "p_hi"]).agg(dr=("dr_err", "mean")).reset_index()
        mid = 0.5 * (s.p_lo + s.p_hi)
        ax.plot(mid, s.dr, marker="o", ms=3, lw=1, label=f"d={d}, n={int(g.n.max())}")
        if first is None:
            first = (mid.to_numpy(), s.dr.to_numpy())
    assert first is not None  # df is not empty, so the loop ran
    mid, dr = first
    ref = 1.0 / (mid * (1 - mid))
    k = np.argmin(np.abs(mid - 0.5))
    ax.plot(mid, ref / ref[k] * dr[k], ls="--", color="k", lw=0.8, label="∝ 1/(p(1-p))")
    ax.set_xscale("logit")
    ax.set_yscale("log")
    ax.set_xlabel(r"$p_0$ bin midpoint (logit scale)")
    ax.set_ylabel(r"mean $|\Delta r - \Delta\hat r|$")
    ax.legend(fontsize=6)
    fig.tight_layout()
    save_figure(fig, out_dir, name)
    plt.close(fig)
