"""Headline rows of a grid run: the few findings a user should see on the console.

Each grid's ``summarize(rows, out_dir, params)`` returns a summary dict (``summary.json``).
:func:`headlines` turns it into rows ``claim | paper | ours (CI) | verdict`` through the
function registered for the grid in :data:`HEADLINES` (or takes ``summary["headlines"]``
when a grid writes its own). Verdicts are never written as literals: each row hands the
summary's numbers to a decision rule of :mod:`simtheory.verify.rules` (the rules of the
verification report), read on the interval ``estimate +- Z SE`` (or a stated 95% interval:
Clopper-Pearson for a frequency, Fisher for a correlation, the OLS t-interval of a slope):

* ``holds`` - the interval lies entirely on the claimed side of the boundary (for agreement
  with a paper's number: inside the paper's value +- half a unit of its last printed digit);
* ``does not hold`` - it lies entirely on the other side;
* ``inconclusive`` - it spans the boundary: the run cannot decide;
* ``not checkable`` - the summary lacks what the check needs (no SE: one seed, a point
  comparison);
* ``counter-example`` / ``still holds`` - rows where a theorem's assumption is deliberately
  broken (the theorem makes no claim): the conclusion's rule does not hold / holds
  (``inconclusive`` when the interval spans its boundary).

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

from simtheory.verify.rules import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_CHECKABLE,
    Agreement,
    Each,
    Inequality,
    NoViolation,
    Proportion,
    Rule,
)

#: half-width, in standard errors, of the interval the rules read (estimate +- Z SE)
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


def _verdict(rule: Rule, numbers: dict) -> str:
    """The rule's verdict on ``numbers`` (``holds``, ``does not hold`` or ``inconclusive``)."""
    return rule.decide(numbers).verdict


def agree(ours: float, se: float, paper: float, rounding: float = 0.0) -> str:
    """:class:`~simtheory.verify.rules.Agreement` of ``ours +- Z se`` with ``paper +- rounding``.

    ``holds`` when the interval lies inside ``[paper - rounding, paper + rounding]``, ``does not hold``
    when it lies entirely outside, ``inconclusive`` when it straddles an edge; ``not checkable`` when a
    number is missing. An unknown SE counts as 0 (the interval is the point).
    """
    if any(v is None or not math.isfinite(v) for v in (ours, paper)):
        return NOT_CHECKABLE
    se = se if (se is not None and math.isfinite(se) and se > 0) else 0.0
    return _verdict(Agreement(paper, rounding, "ours", z=Z), {"estimate": ours, "se": se})


def _broken(verdict: str) -> str:
    """A deliberately broken assumption: the theorem's conclusion fails (counter-example) or holds anyway."""
    return {FAILS: "counter-example", HOLDS: "still holds"}.get(verdict, verdict)


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
        return Headline(label, paper, "-", NOT_CHECKABLE, "missing from the summary")
    verdict = _verdict(NoViolation("rows"), {"violations": n - k, "cases": n})
    return Headline(label, paper, f"{k}/{n} rows" if n else "0 rows meet the premise", verdict, note)


# ----------------------------------------------------------------------------- per grid


def cross_prompt(summary: dict) -> list[Headline]:
    """Example 1 (eq. 24) and Prop. 15 / Thm. 16 (eq. 26-27) of *Rethinking BT*, Sec. 4."""
    out = []
    for r in summary.get("example1", []):
        paper = float(r["q_paper"])
        verdict = agree(float(r["q_mc"]), float(r["q_mc_se"]), paper, _rounding(paper))
        note = ""
        # the paper's 4 digits against the Var(r1 - r2) = sigma^2 reading (quadrature), as the claim check does
        if verdict == FAILS and abs(float(r["q_quad_difference"]) - paper) <= 1.5e-4:
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
        verdict = _verdict(Inequality(">=", 0.0, "gap", z=Z), {"estimate": gap, "se": se})
        if broken == "none":
            out.append(
                Headline(
                    f"Thm 16: same <= cross ({s['scenario']})",
                    "gap >= 0",
                    ours,
                    verdict,
                    f"z = {z:.1f}",
                )
            )
        else:
            out.append(
                Headline(
                    f"Thm 16 without '{broken}' ({s['scenario']})",
                    "no claim",
                    ours,
                    _broken(verdict),
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
                _verdict(Inequality("<=", 0.0, "RMSE growth", z=Z), {"estimate": b["rmse"] - a["rmse"], "se": se}),
                f"{int(b['reps'])} reps per cell",
            )
        )
    for ratio in (ratios[0], hi):
        r = at.get((ns[-1], ratio))
        if r is None:
            continue
        reps = int(r["reps"])
        k = round(r["mle_exists"] * reps)
        expect_exists = ratio >= 1
        # "w.h.p." read as P >= 1/2 (too sparse: P <= 1/2), decided on the Clopper-Pearson 95% interval
        rule = Proportion(">=" if expect_exists else "<=", 0.5, "P(MLE exists)")
        lo, up = rule.interval(k, reps)
        verdict = _verdict(rule, {"successes": k, "trials": reps})
        out.append(
            Headline(
                f"MLE exists at {ratio:g} N log N comparisons (N={ns[-1]})",
                "yes (w.h.p.)" if expect_exists else "no (too sparse)",
                f"{k}/{reps} reps [{lo:.2f}, {up:.2f}]",
                verdict,
                "Clopper-Pearson 95% CI" + ("; too few reps" if verdict == INCONCLUSIVE else ""),
            )
        )
    return out


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
                    NOT_CHECKABLE,
                    str(s.get("note", "")),
                )
            )
            continue
        lo, hi = -float(s["ci_hi"]), -float(s["ci_lo"])
        note = f"n = {s['n_min']}..{s['n_max']}, {s['points']} fits, 95% CI of the slope"
        if lo <= 0:
            note += "; CI includes no decay"
        verdict = _verdict(Inequality(">=", e, "decay exponent"), {"estimate": float(m), "lo": lo, "hi": hi})
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
        return Headline(label, paper, f"{d:.3f}", NOT_CHECKABLE, "no SE (one seed): run with more seeds")
    verdict = _verdict(Inequality(">=" if positive else "<=", 0.0, label, z=Z), {"estimate": d, "se": se})
    return Headline(label, paper, _ci(d, se, 3), verdict, f"z = {d / se:.1f}")


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
                NOT_CHECKABLE,
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
                    NOT_CHECKABLE,
                    "no SE (one seed): run with more seeds",
                )
            )
            continue
        worst = min(diffs, key=lambda p: _num(p[0]) / _num(p[1]))
        row = _diff_row(f"{model} - bt_mlp, worst n (best-of-N gain)", "> 0 at every n (Fig. 3)", worst)
        # the verdict covers every n (Each: the worst z decides, as the rule reads every interval)
        row.verdict = _verdict(
            Each(Inequality(">=", 0.0, f"{model} - bt_mlp", z=Z), "n"),
            {"items": [{"estimate": _num(d), "se": _num(se)} for d, se in diffs]},
        )
        out.append(row)
    steps = f.get("steps_up") or {}
    if steps:
        slope = f.get("gain_per_doubling") or {}
        out.append(
            Headline(
                "gain rises at every doubling of n (steps up, gain/doubling)",
                "more annotations help",
                ", ".join(f"{m} {st} ({_num(slope.get(m)):+.3f})" for m, st in steps.items()),
                NOT_CHECKABLE,
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
        with_se = [{"estimate": _num(d), "se": _num(se)} for d, se in gains.values() if _num(se) > 0]
        k_sig_neg = sum(1 for x in with_se if x["estimate"] / x["se"] < -Z)
        k_pos = sum(1 for d, _ in gains.values() if _num(d) > 0)
        rule = Each(Inequality(">=", 0.0, "cross - same gain", z=Z), "cell")
        out.append(
            Headline(
                "cross-prompt >= same-prompt (best-of-N gain)",
                "yes (Fig. 6)",
                f"{k_pos}/{n} cells positive, {k_sig_neg} below -{Z:g} SE",
                _verdict(rule, {"items": with_se}) if with_se else NOT_CHECKABLE,
                "" if len(with_se) == n else f"{n - len(with_se)} cells without SE (not in the verdict)",
            )
        )
    if "fig6" in f:
        g = f["fig6"]
        r, n_pts = float(g["r"]), int(g["n_points"])
        ours = f"r = {r:.2f}, p = {g['p']:.3g}, {n_pts} points"
        if n_pts > 3 and abs(r) < 1:
            h = Z95 / math.sqrt(n_pts - 3)
            lo, hi = math.tanh(math.atanh(r) - h), math.tanh(math.atanh(r) + h)
            ours += f" [{lo:.2f}, {hi:.2f}]"
            verdict = _verdict(Inequality("<=", 0.0, "Pearson r"), {"estimate": r, "lo": lo, "hi": hi})
            note = "Fisher 95% CI of r"
        else:
            verdict, note = NOT_CHECKABLE, "too few points for Fisher's interval of r"
        out.append(Headline("gain falls as same-prompt |dr| grows (Fig. 6)", "negative slope", ours, verdict, note))
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
            Headline(f"{grid} headlines", "-", "-", NOT_CHECKABLE, f"summary not readable: {type(exc).__name__}: {exc}")
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
    title = f"{name}: findings (ours = 95% CI; verdict: rule on ours +- {Z:g} SE, inconclusive if it spans)"
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
