"""Headline rows of a grid run: the few findings a user should see on the console.

Each grid's ``summarize(rows, out_dir, params)`` returns a summary dict (``summary.json``).
:func:`headlines` turns it into rows ``claim | paper | ours (CI) | verdict`` through the
function registered for the grid in :data:`HEADLINES` (or takes ``summary["headlines"]``
when a grid writes its own). Verdicts are computed from the summary's numbers and their
standard errors, never written as literals:

* ``holds`` - ours agrees with the paper within ``Z`` standard errors plus the paper's
  rounding, or the stated inequality is not contradicted beyond ``Z`` SE, or (a "with high
  probability" statement) the Clopper-Pearson 95% interval of the frequency lies above 1/2;
* ``does not hold`` - it is contradicted beyond that;
* ``not checkable`` - the summary lacks what the check needs: no SE (one seed, a point
  comparison), an interval too wide to decide, no row meeting a bound's premise;
* ``counter-example`` / ``still holds`` - rows where a theorem's assumption is deliberately
  broken: the theorem makes no claim, the row reports what happens.

:func:`print_headlines` is called by ``python -m simtheory.run`` at the end of a run.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: agreement rule: |ours - paper| <= Z * SE + rounding of the paper's printed digits
Z = 5.0
#: two-sided 95% normal quantile for the printed confidence intervals
Z95 = 1.959963984540054


@dataclass
class Headline:
    """One headline row: the claim, the paper's number, ours with its CI, the verdict, a note."""

    claim: str
    paper: str
    ours: str
    verdict: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# ----------------------------------------------------------------------------- helpers


def _ci(value: float, se: float, digits: int = 4) -> str:
    """``value [lo, hi]`` with a 95% normal interval (``value`` alone when the SE is 0 or unknown)."""
    if se is None or not math.isfinite(se) or se <= 0:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{value - Z95 * se:.{digits}f}, {value + Z95 * se:.{digits}f}]"


def agree(ours: float, se: float, paper: float, rounding: float = 0.0) -> str:
    """``holds`` when ``|ours - paper| <= Z * se + rounding``, else ``does not hold``."""
    if any(v is None or not math.isfinite(v) for v in (ours, paper)):
        return "not checkable"
    se = se if (se is not None and math.isfinite(se)) else 0.0
    return "holds" if abs(ours - paper) <= Z * se + rounding else "does not hold"


def _rounding(printed: float) -> float:
    """Half a unit in the last printed digit of a paper number (0.6749 -> 5e-5)."""
    text = repr(float(printed))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return 0.5 * 10.0 ** (-decimals)


def _count_rows(label: str, paper: str, pair: Any, note: str = "") -> Headline:
    """A bound checked row by row: ``[k, n]`` rows satisfy it."""
    try:
        k, n = int(pair[0]), int(pair[1])
    except (TypeError, ValueError, IndexError):
        return Headline(label, paper, "-", "not checkable", "missing from the summary")
    if n == 0:
        return Headline(label, paper, "0 rows meet the premise", "not checkable", note)
    return Headline(label, paper, f"{k}/{n} rows", "holds" if k == n else "does not hold", note)


# ----------------------------------------------------------------------------- per grid


def cross_prompt(summary: dict) -> list[Headline]:
    """Example 1 (eq. 24) and Prop. 15 / Thm. 16 (eq. 26-27) of *Rethinking BT*, Sec. 4."""
    out = []
    for r in summary.get("example1", []):
        paper = float(r["q_paper"])
        verdict = agree(float(r["q_mc"]), float(r["q_mc_se"]), paper, _rounding(paper))
        note = ""
        # the paper's 4 digits against the Var(r1 - r2) = sigma^2 reading (quadrature), as the claim check does
        if verdict == "does not hold" and abs(float(r["q_quad_difference"]) - paper) <= 1.5e-4:
            note = f"paper = Var(r1-r2)=sigma^2 reading ({r['q_quad_difference']:.4f})"
        out.append(
            Headline(
                f"Example 1 Q_pair, beta^2 sigma^2 = {r['s2']:g}",
                f"{paper:.4f}",
                _ci(float(r["q_mc"]), float(r["q_mc_se"])),
                verdict,
                note,
            )
        )
    for s in summary.get("scenarios", []):
        gap, se, z = float(s["gap"]), float(s["gap_se"]), float(s["z"])
        broken = s.get("assumption_broken") or "none"
        ours = f"gap {_ci(gap, se)}"
        if broken == "none":
            out.append(
                Headline(
                    f"Thm 16: same <= cross ({s['scenario']})",
                    "gap >= 0",
                    ours,
                    "holds" if z > -Z else "does not hold",
                    f"z = {z:.1f}",
                )
            )
        else:
            out.append(
                Headline(
                    f"Thm 16 without '{broken}' ({s['scenario']})",
                    "no claim",
                    ours,
                    "counter-example" if z < -Z else "still holds",
                    f"z = {z:.1f}",
                )
            )
    return out


def bt_sparsity(summary: dict) -> list[Headline]:
    """Score recovery vs comparisons / (N log N) (tutorial: O(N log N) random comparisons suffice)."""
    table = summary.get("table", [])
    if not table:
        return []
    ratios = sorted({r["ratio"] for r in table})
    ns = sorted({r["N"] for r in table})
    at = {(r["N"], r["ratio"]): r for r in table}
    out = []
    hi = ratios[-1]
    if len(ns) > 1 and (ns[0], hi) in at and (ns[-1], hi) in at:
        a, b = at[(ns[0], hi)], at[(ns[-1], hi)]
        se = math.sqrt((a["rmse_sd"] or 0) ** 2 / a["reps"] + (b["rmse_sd"] or 0) ** 2 / b["reps"])
        out.append(
            Headline(
                f"RMSE does not grow with N at {hi:g} N log N comparisons",
                "consistent",
                f"RMSE {a['rmse']:.3f} (N={ns[0]}) -> {b['rmse']:.3f} (N={ns[-1]})",
                "holds" if b["rmse"] <= a["rmse"] + Z * se else "does not hold",
                f"{int(b['reps'])} reps per cell",
            )
        )
    for ratio in (ratios[0], hi):
        r = at.get((ns[-1], ratio))
        if r is None:
            continue
        reps = int(r["reps"])
        k = round(r["mle_exists"] * reps)
        lo, up = _clopper_pearson(k, reps)
        expect_exists = ratio >= 1
        # "w.h.p." read as P > 1/2: established when the 95% CI is above 1/2, contradicted when below
        if lo > 0.5:
            verdict = "holds" if expect_exists else "does not hold"
        elif up < 0.5:
            verdict = "does not hold" if expect_exists else "holds"
        else:
            verdict = "not checkable"
        out.append(
            Headline(
                f"MLE exists at {ratio:g} N log N comparisons (N={ns[-1]})",
                "yes (w.h.p.)" if expect_exists else "no (too sparse)",
                f"{k}/{reps} reps [{lo:.2f}, {up:.2f}]",
                verdict,
                "Clopper-Pearson 95% CI" + ("; too few reps" if verdict == "not checkable" else ""),
            )
        )
    return out


def _clopper_pearson(k: int, n: int) -> tuple[float, float]:
    from scipy.stats import beta

    if n == 0:
        return 0.0, 1.0
    lo = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    up = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return lo, up


def general_preference_cyclic(summary: dict) -> list[Headline]:
    """GPM paper, Table 1: BT vs GPM accuracy (%) on cyclic preference sub-datasets."""
    acc = {(a["dataset"], int(a["dim"])): a for a in summary.get("accuracy", [])}
    out = []
    for t in summary.get("table1", []):
        name = t["dataset"]
        dims = [d for (ds, d) in acc if ds == name]
        bt = acc.get((name, 1), {})
        best_dim = max((d for d in dims if d != 1), key=lambda d: acc[(name, d)]["mean"], default=None)
        gpm = acc.get((name, best_dim), {}) if best_dim is not None else {}
        for label, ours, rec, paper in (
            ("BT", t["bt"], bt, t["paper_bt"]),
            ("GPM", t["gpm_best"], gpm, t["paper_gpm"]),
        ):
            se = 100 * float(rec.get("se") or 0.0)
            out.append(
                Headline(
                    f"Table 1 {name}: {label} accuracy (%)",
                    f"{float(paper):.2f}",
                    _ci(float(ours), se, 2),
                    agree(float(ours), se, float(paper), _rounding(paper)),
                    f"best dim {best_dim}" if label == "GPM" else "",
                )
            )
    return out


def risk_rate(summary: dict) -> list[Headline]:
    """Theorem 10 / Corollary 11: the risk decays at least as fast as n^-e."""
    out = []
    for s in summary.get("slopes", []):
        e = float(s["theory_exponent"])
        m = s.get("measured_exponent")
        if m is None or not math.isfinite(float(m)):
            out.append(
                Headline(
                    f"Thm 10 rate (beta={s['beta']:g}, d={s['d']}, alpha={s['alpha']:g})",
                    f"exponent >= {e:.3f}",
                    "-",
                    "not checkable",
                    str(s.get("note", "")),
                )
            )
            continue
        lo, hi = -float(s["ci_hi"]), -float(s["ci_lo"])
        note = f"n = {s['n_min']}..{s['n_max']}, {s['points']} fits"
        if lo <= 0:  # the CI cannot even tell that the risk falls: no power to test the rate
            verdict, note = "not checkable", note + "; CI includes no decay"
        else:
            verdict = "holds" if s.get("at_least_theory") else "does not hold"
        out.append(
            Headline(
                f"Thm 10 rate (beta={s['beta']:g}, d={s['d']}, alpha={s['alpha']:g})",
                f"exponent >= {e:.3f}",
                f"{float(m):.3f} [{lo:.3f}, {hi:.3f}]",
                verdict,
                note,
            )
        )
    return out


def _bounds(summary: dict) -> list[Headline]:
    b = summary.get("bounds") or {}
    if not b:
        return []
    return [
        _count_rows("Eq. 18 (conditional) bound", "bound holds", b.get("eq18_conditional_holds")),
        _count_rows("Eq. 18 (global) bound, Prop. 14 premise", "bound holds", b.get("eq18_global_holds")),
        _count_rows("Eq. 19 bound", "bound holds", b.get("eq19_holds")),
        _count_rows("Eq. 21 bound", "bound holds", b.get("eq21_holds")),
    ]


def _num(x: Any) -> float:
    """A summary number as float; None (e.g. an SE over a single seed) becomes NaN."""
    return float("nan") if x is None else float(x)


def _diff_row(label: str, paper: str, pair: Any, positive: bool = True) -> Headline:
    d, se = _num(pair[0]), _num(pair[1])
    if not (math.isfinite(se) and se > 0):
        return Headline(label, paper, f"{d:.3f}", "not checkable", "no SE (one seed): run with more seeds")
    z = d / se
    ok = z > -Z if positive else z < Z
    return Headline(label, paper, _ci(d, se, 3), "holds" if ok else "does not hold", f"z = {z:.1f}")


_REPORT_SEC62 = "simtheory report --only rbt.sec6.2"


def reward_models_quality(summary: dict) -> list[Headline]:
    """Rethinking BT Sec. 6.2, Fig. 2: classifiers vs BT across annotation quality beta."""
    f = summary.get("findings") or {}
    out = []
    drops = f.get("relative_drop_hi_to_lo_beta") or {}
    for model in f.get("clf_more_robust") or {}:  # a point comparison of two ratios: no SE in the summary
        out.append(
            Headline(
                f"{model} loses less than bt_mlp as beta falls",
                "yes (Fig. 2)",
                f"drop {drops.get(model, float('nan')):.1%} vs {drops.get('bt_mlp', float('nan')):.1%}",
                "not checkable",
                "no SE here; SE verdict: " + _REPORT_SEC62,
            )
        )
    for key, pair in (f.get("bt_minus_clf_low_noise") or {}).items():
        out.append(_diff_row(f"BT - {key} at low noise (best-of-N gain)", "BT >= classifier", pair))
    return out + _bounds(summary)


def reward_models_quantity(summary: dict) -> list[Headline]:
    """Rethinking BT Sec. 6.2, Fig. 3: classifiers vs BT across annotation quantity."""
    f = summary.get("findings") or {}
    out = []
    for model, res in (f.get("clf_beats_bt_at_every_n") or {}).items():
        diffs = res.get("diffs") or []
        if not diffs:
            continue
        if not all(_num(se) > 0 for _, se in diffs):
            worst = min(diffs, key=lambda p: _num(p[0]))
            out.append(
                Headline(
                    f"{model} >= bt_mlp at every n",
                    "yes (Fig. 3)",
                    f"worst diff {_num(worst[0]):.3f}",
                    "not checkable",
                    "no SE (one seed): run with more seeds",
                )
            )
            continue
        worst = min(diffs, key=lambda p: _num(p[0]) / _num(p[1]))
        out.append(_diff_row(f"{model} - bt_mlp, worst n (best-of-N gain)", "> 0 at every n (Fig. 3)", worst))
    steps = f.get("steps_up") or {}
    if steps:
        slope = f.get("gain_per_doubling") or {}
        out.append(
            Headline(
                "gain rises at every doubling of n (steps up, gain/doubling)",
                "more annotations help",
                ", ".join(f"{m} {st} ({_num(slope.get(m)):+.3f})" for m, st in steps.items()),
                "not checkable",
                "no SE here; SE verdict: " + _REPORT_SEC62,
            )
        )
    return out + _bounds(summary)


def reward_models_cross_prompt(summary: dict) -> list[Headline]:
    """Rethinking BT Sec. 6.3, Fig. 6: cross-prompt annotations vs same-prompt."""
    f = summary.get("findings") or {}
    out = []
    gains = f.get("xprompt_gain") or {}
    if gains:
        n = len(gains)
        k_sig_neg = sum(1 for d, se in gains.values() if _num(se) > 0 and _num(d) / _num(se) < -Z)
        k_pos = sum(1 for d, _ in gains.values() if _num(d) > 0)
        n_se = sum(1 for _, se in gains.values() if _num(se) > 0)
        out.append(
            Headline(
                "cross-prompt >= same-prompt (best-of-N gain)",
                "yes (Fig. 6)",
                f"{k_pos}/{n} cells positive, {k_sig_neg} below -{Z:g} SE",
                ("holds" if k_sig_neg == 0 else "does not hold") if n_se else "not checkable",
                "" if n_se == n else f"{n - n_se} cells without SE",
            )
        )
    if "fig6" in f:
        g = f["fig6"]
        out.append(
            Headline(
                "gain falls as same-prompt |dr| grows (Fig. 6)",
                "negative slope",
                f"r = {g['r']:.2f}, p = {g['p']:.3g}, {g['n_points']} points",
                "holds" if g["slope"] < 0 and g["p"] < 0.05 else "does not hold",
            )
        )
    return out + _bounds(summary)


#: grid name -> function(summary dict) -> headline rows
HEADLINES: dict[str, Callable[[dict], list[Headline]]] = {
    "cross_prompt": cross_prompt,
    "bt_sparsity": bt_sparsity,
    "general_preference_cyclic": general_preference_cyclic,
    "risk_rate": risk_rate,
    "reward_models_quality": reward_models_quality,
    "reward_models_quantity": reward_models_quantity,
    "reward_models_cross_prompt": reward_models_cross_prompt,
}


def headlines(grid: str, summary: dict | None) -> list[Headline]:
    """Headline rows of ``grid`` from its summary dict (``[]`` when there is nothing to show).

    Parameters
    ----------
    grid : str
        Grid name (``simtheory/<topic>/<grid>.toml``).
    summary : dict or None
        What the grid's ``summarize`` returned (``summary.json``).

    Returns
    -------
    list of Headline
        A grid-provided ``summary["headlines"]`` wins; a summary the grid's function cannot
        read gives one ``not checkable`` row naming the error instead of a traceback.
    """
    if not summary:
        return []
    if isinstance(summary.get("headlines"), list):
        return [
            h if isinstance(h, Headline) else Headline(**{k: str(v) for k, v in h.items()})
            for h in summary["headlines"]
        ]
    fn = HEADLINES.get(grid)
    if fn is None:
        return []
    try:
        return fn(summary)
    except Exception as exc:  # noqa: BLE001 - a finished run must not crash on its headline table
        return [
            Headline(
                f"{grid} headlines", "-", "-", "not checkable", f"summary not readable: {type(exc).__name__}: {exc}"
            )
        ]


#: set by the ``simtheory run --format json`` wrapper: collect instead of printing
QUIET = False
#: the last run's (grid, out folder, rows), for the JSON wrapper
LAST: dict[str, Any] = {}


def print_headlines(grid: str, out: Path | str, file=None) -> list[Headline]:
    """Print the headline table of the run in ``out`` (reads ``out/summary.json``, writes ``out/headlines.json``).

    Parameters
    ----------
    grid : str
        Grid name or alias, as given on the command line.
    out : Path or str
        The run's output folder.
    file : text stream, optional
        Where to print (default stdout).

    Returns
    -------
    list of Headline
        The rows (also kept in :data:`LAST`); nothing is printed when :data:`QUIET` is set or
        when the grid has no headline rows.
    """
    from simtheory.runner.grids import get_grid

    out = Path(out)
    try:
        name = get_grid(grid).name  # aliases -> the grid's own name
    except Exception:  # noqa: BLE001 - the run itself already validated the name
        name = grid
    path = out / "summary.json"
    summary = json.loads(path.read_text()) if path.is_file() else None
    rows = headlines(name, summary)
    LAST.clear()
    LAST.update(grid=name, out=str(out), headlines=[r.as_dict() for r in rows])
    if rows:
        from simtheory.runner.store import write_json

        write_json(out / "headlines.json", LAST)
    if QUIET or not rows:
        return rows
    title = f"{name}: findings (ours = 95% CI; verdict: {Z:g}-SE rule)"
    try:
        from simtheory.cli.console import headline_table
    except ImportError:  # rich missing: plain lines
        print(
            title,
            *(
                f"  {r.claim} | paper {r.paper} | ours {r.ours} | {r.verdict}" + (f" ({r.note})" if r.note else "")
                for r in rows
            ),
            sep="\n",
            file=file or sys.stdout,
        )
        return rows
    headline_table(rows, title=title, file=file or sys.stdout)
    return rows
