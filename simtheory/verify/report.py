"""The verification report: which claims of the source documents hold numerically, and by how much.

``python -m simtheory.report [--quick] [--out DIR] [--only PREFIX] [--rerun]`` runs the check
of every claim registered in :mod:`simtheory.verify.registry` (``compute(quick) -> Outcome``) and
caches each outcome as JSON under ``DIR/cache/{quick,full}/``. A cached outcome is re-used
until the claim or its module's source changes (never with ``--rerun``; a check that raised
is always re-run). It writes ``DIR/report.md``, ``DIR/report.html`` and ``DIR/report.json``:
one row per claim (document, where, statement, what was computed, the paper's number, ours
with its CI, verdict, the command reproducing it), a count per verdict, and the figures of
``paper_figs/``. A check that raises is reported as "not checkable" with its error.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as _dt
import hashlib
import html
import importlib
import inspect
import json
import os
import pkgutil
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from simtheory.verify.registry import DOCUMENTS, VERDICTS, Claim, Outcome
from simtheory.runner.store import git_commit, package_versions, write_json
from simtheory.validation import SimTheoryInputError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_ROOT.parent if (PACKAGE_ROOT.parent / "pyproject.toml").exists() else Path.cwd()
DEFAULT_OUT = REPO_ROOT / "paper_figs" / "report"
SLOW_QUICK_SECONDS = 30.0  # a quick check slower than this is flagged in the report
QUICK_TIMEOUT = 120.0  # default per-claim time limit of --quick

SHORT_DOC = {"rethinking_bradley_terry": "Rethinking BT", "bradley_terry_tutorial": "BT tutorial",
             "general_preference_model": "GPM"}
VERDICT_CLASS = {"holds": "holds", "holds within tolerance": "tol", "does not hold": "fails",
                 "not checkable": "na"}


# ----------------------------------------------------------------------------- claims and tests

def collect_claims() -> tuple[list[Claim], dict[str, str]]:
    """Import every topic's claims module (:data:`~simtheory.verify.registry.CLAIM_MODULES`); a module
    that fails to import is reported (module -> one-line error) instead of stopping the report."""
    import simtheory.verify.registry as registry

    errors: dict[str, str] = {}
    for name in registry.CLAIM_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - reported in the report
            errors[name] = _one_line(exc)
    # claims of installed packages (entry points)
    from simtheory.plugins import import_claim_modules

    errors.update(import_claim_modules())
    order = list(DOCUMENTS)
    # the registry itself (all_claims() would re-raise the broken module's import error)
    claims = sorted(registry._REGISTRY.values(), key=lambda c: (order.index(c.document), c.id))
    return claims, errors


def _defined_tests(path: Path) -> set[str]:
    """``name`` and ``Class::name`` of the test functions defined in a test file (parsed, not run)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}::{sub.name}")
    return names


def missing_tests(claim: Claim, root: Path | str = REPO_ROOT) -> list[str]:
    """The node ids of ``claim.tests`` that do not name an existing test (plus a note if none).

    A node id is ``path/to/test_file.py::test_name`` (or ``::Class::test_name``, optionally
    with a ``[param]`` suffix); the file is parsed, the tests are not run.
    """
    root = Path(root)
    if not claim.tests:
        return ["(no test named)"]
    bad = []
    cache: dict[Path, set[str]] = {}
    for node in claim.tests:
        file, sep, rest = str(node).partition("::")
        path = root / file
        if not sep or not rest or not path.is_file():
            bad.append(node)
            continue
        if path not in cache:
            try:
                cache[path] = _defined_tests(path)
            except SyntaxError:
                cache[path] = set()
        func = rest.split("[", 1)[0]
        if func not in cache[path]:
            bad.append(node)
    return bad


# ----------------------------------------------------------------------------- running checks

@dataclass
class Row:
    """One claim's line of the report."""

    claim: Claim
    outcome: Outcome
    seconds: float
    cached: bool = False
    error: str | None = None
    missing: list[str] = field(default_factory=list)


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    if len(msg) > 300:
        msg = msg[:297] + "..."
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def fingerprint(claim: Claim) -> str:
    """Hash of the claim's metadata and of the source file of its check (cache key)."""
    h = hashlib.sha256()
    for part in (claim.id, claim.document, claim.where, claim.statement, str(claim.paper_value), claim.command):
        h.update(part.encode() + b"\0")
    if claim.compute is not None:
        try:
            h.update(Path(inspect.getsourcefile(claim.compute)).read_bytes())
        except (TypeError, OSError):
            h.update(repr(claim.compute).encode())
    return h.hexdigest()[:16]


def _cache_path(cache_dir: Path, claim: Claim) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in claim.id)
    return cache_dir / f"{safe}.json"


def _outcome_from(data: dict) -> Outcome:
    return Outcome(value=data["value"], verdict=data["verdict"], computed=data["computed"],
                   ci=data.get("ci"), details=data.get("details") or {})


class ClaimTimeout(BaseException):
    """A claim's check ran past the report's per-claim time limit (a BaseException, so that a
    check's own ``except Exception`` does not swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise :class:`ClaimTimeout` in the main thread after ``seconds`` (Unix; no-op elsewhere)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _alarm(signum, frame):
        raise ClaimTimeout(f"timed out after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_claim(claim: Claim, quick: bool, timeout: float | None = None) -> tuple[Outcome, float, str | None]:
    """Run ``claim.compute(quick)``; an exception, a bad return or running past ``timeout``
    seconds gives "not checkable" (compiled code is only interrupted when it returns)."""
    t0 = time.perf_counter()
    error = None
    if claim.compute is None:
        outcome = Outcome("-", "not checkable", "no numerical check registered")
    else:
        try:
            with _time_limit(timeout):
                outcome = claim.compute(quick)
        except (Exception, ClaimTimeout) as exc:  # noqa: BLE001 - the report shows it
            error = _one_line(exc)
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
            outcome = Outcome("-", "not checkable", f"check raised {error}{where}")
        else:
            if not isinstance(outcome, Outcome):
                error = f"TypeError: compute returned {type(outcome).__name__}, expected Outcome"
                outcome = Outcome("-", "not checkable", f"check failed: {error}")
    return outcome, time.perf_counter() - t0, error


def evaluate(claim: Claim, *, quick: bool, cache_dir: Path | None, rerun: bool = False,
             root: Path | str = REPO_ROOT, timeout: float | None = None) -> Row:
    """The report row of ``claim``: from the cache when valid (and not ``rerun``), else computed."""
    fp = fingerprint(claim)
    path = _cache_path(cache_dir, claim) if cache_dir is not None else None
    if path is not None and not rerun and path.exists():
        try:
            data = json.loads(path.read_text())
            # a check that raised is always re-run (the bug may be fixed outside the claims module)
            if data.get("fingerprint") == fp and data.get("quick") == quick and not data.get("error"):
                return Row(claim, _outcome_from(data["outcome"]), data["seconds"], cached=True,
                           error=data.get("error"), missing=missing_tests(claim, root))
        except (ValueError, KeyError, TypeError):
            pass  # unreadable cache: recompute
    outcome, seconds, error = run_claim(claim, quick, timeout)
    if path is not None:
        write_json(path, {"id": claim.id, "fingerprint": fp, "quick": quick, "seconds": round(seconds, 3),
                          "error": error, "computed_utc": _now(), "git_commit": git_commit(),
                          "outcome": {"value": str(outcome.value), "verdict": outcome.verdict,
                                      "computed": outcome.computed, "ci": outcome.ci,
                                      "details": outcome.details}})
    return Row(claim, outcome, round(seconds, 3), cached=False, error=error, missing=missing_tests(claim, root))


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- figures

def _claim_figures(row: Row) -> list[str]:
    figs = row.outcome.details.get("figures") or row.outcome.details.get("figure") or []
    return [figs] if isinstance(figs, str) else [str(f) for f in figs]


def find_figures(figures_dir: Path | None, out: Path) -> dict[str, list[Path]]:
    """PNG figures under ``figures_dir/<family>/`` (the report's own folder excluded), by family."""
    found: dict[str, list[Path]] = {}
    if figures_dir is None or not Path(figures_dir).is_dir():
        return found
    out = out.resolve()
    for sub in sorted(p for p in Path(figures_dir).iterdir() if p.is_dir()):
        if sub.resolve() == out or out in sub.resolve().parents or sub.resolve() in out.parents:
            continue
        pngs = sorted(sub.rglob("*.png"))
        if pngs:
            found[sub.name] = pngs
    return found


def _rel(path: Path | str, out: Path, root: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        p = root / p
    return Path(os.path.relpath(p.resolve(), out.resolve())).as_posix()


# ----------------------------------------------------------------------------- writers

def verdict_counts(rows: Iterable[Row]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for r in rows:
        counts[r.outcome.verdict] += 1
    return counts


def _ours(o: Outcome) -> str:
    return f"{o.value} ({o.ci})" if o.ci else str(o.value)


def _md(text: Any) -> str:
    return " ".join(str(text if text is not None else "-").split()).replace("|", "\\|")


def write_markdown(rows: list[Row], path: Path, meta: dict, figures: dict[str, list[Path]],
                   root: Path = REPO_ROOT) -> Path:
    out = path.parent
    counts = verdict_counts(rows)
    lines = ["# simtheory verification report", "",
             f"Generated {meta['created_utc']} from commit `{meta.get('git_commit') or 'unknown'}` "
             f"({'quick' if meta['quick'] else 'full'} checks; {meta['n_claims']} claims; "
             f"{meta['seconds_total']:.1f} s, {meta['n_cached']} from cache). "
             f"Rebuild: `{meta['command']}`.", ""]
    if meta["quick"]:
        lines += ["Quick mode: small samples, so the intervals are wide; the full report "
                  "(`python -m simtheory.report`) uses the full sample sizes.", ""]
    docs = [d for d in DOCUMENTS if any(r.claim.document == d for r in rows)]
    by_doc = {d: verdict_counts(r for r in rows if r.claim.document == d) for d in docs}

    def trow(cells):
        return "| " + " | ".join(map(str, cells)) + " |"

    lines += ["## Summary", "", trow(["verdict", "claims", *(SHORT_DOC.get(d, d) for d in docs)]),
              trow(["---"] * (2 + len(docs)))]
    lines += [trow([v, n, *(by_doc[d][v] for d in docs)]) for v, n in counts.items()]
    lines.append("")
    problems = _problems(rows, meta)
    if problems:
        lines += ["## Problems", ""] + [f"- {_md(p)}" for p in problems] + [""]
    if not rows:
        lines += ["No claims are registered yet (add them in `simtheory/claims/<family>.py`).", ""]
    for doc, title in DOCUMENTS.items():
        doc_rows = [r for r in rows if r.claim.document == doc]
        if not doc_rows:
            continue
        lines += [f"## {title}", "",
                  "| claim | where | statement | computed | paper | ours (CI) | verdict | s | reproduce |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in doc_rows:
            c, o = r.claim, r.outcome
            figs = " ".join(f"[fig]({_rel(f, out, root)})" for f in _claim_figures(r))
            lines.append("| " + " | ".join([
                f"`{c.id}`", _md(c.where), _md(c.statement), _md(o.computed) + (f" {figs}" if figs else ""),
                _md(c.paper_value), _md(_ours(o)), f"**{o.verdict}**", f"{r.seconds:.1f}",
                f"`{_md(c.command)}`"]) + " |")
        lines.append("")
    if figures:
        lines += ["## Figures", ""]
        for family, pngs in figures.items():
            lines += [f"### {family}", ""]
            lines += [f"![{family}/{p.stem}]({_rel(p, out, root)})" for p in pngs]
            lines.append("")
    lines += ["## Verdicts", "",
              "- **holds**: our number agrees with the paper's (or the stated property is observed) "
              "within the Monte-Carlo / numerical error;",
              "- **holds within tolerance**: agrees up to a stated tolerance larger than the error "
              "(e.g. rounding in the paper, an asymptotic statement at finite n);",
              "- **does not hold**: the measured value contradicts the claim beyond its error;",
              "- **not checkable**: no numerical check (or the check failed to run; the error is shown).", ""]
    path.write_text("\n".join(lines))
    return path


def _problems(rows: list[Row], meta: dict) -> list[str]:
    out = [f"claims module {m} failed to import: {e}" for m, e in meta.get("import_errors", {}).items()]
    for r in rows:
        if r.missing:
            out.append(f"{r.claim.id}: test(s) not found: {', '.join(r.missing)}")
        if r.error:
            out.append(f"{r.claim.id}: check raised {r.error}")
        if meta["quick"] and r.seconds > SLOW_QUICK_SECONDS:
            out.append(f"{r.claim.id}: quick check took {r.seconds:.0f} s (> {SLOW_QUICK_SECONDS:.0f} s)")
    return out


_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:1.5em;color:#222;font-size:14px}
table{border-collapse:collapse;margin:0.5em 0 1.5em 0}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f2f2f2} td.num{text-align:right;white-space:nowrap}
code{font-size:12px;background:#f6f6f6;padding:1px 3px}
.v{font-weight:bold;white-space:nowrap;padding:2px 6px;border-radius:3px}
.holds{background:#c8efc8}.tol{background:#e6f5c6}.fails{background:#f7c6c0}.na{background:#e4e4e4}
.figs{display:flex;flex-wrap:wrap;gap:12px}.figs figure{margin:0;width:340px}
.figs img{width:340px;border:1px solid #ddd}.figs figcaption{font-size:12px;color:#555}
.problems li{color:#8a1f11} .muted{color:#666;font-size:12px}
"""


def write_html(rows: list[Row], path: Path, meta: dict, figures: dict[str, list[Path]],
               root: Path = REPO_ROOT) -> Path:
    e = html.escape
    out = path.parent
    counts = verdict_counts(rows)
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<title>simtheory verification report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>simtheory verification report</h1>",
             f"<p>Generated {e(meta['created_utc'])} from commit <code>{e(str(meta.get('git_commit') or 'unknown'))}"
             f"</code>; {'quick' if meta['quick'] else 'full'} checks; {meta['n_claims']} claims; "
             f"{meta['seconds_total']:.1f} s ({meta['n_cached']} from cache). "
             f"Rebuild: <code>{e(meta['command'])}</code></p>"]
    if meta["quick"]:
        parts.append("<p class='muted'>Quick mode: small samples, so the intervals are wide; "
                     "<code>python -m simtheory.report</code> runs the full checks.</p>")
    docs = [d for d in DOCUMENTS if any(r.claim.document == d for r in rows)]
    by_doc = {d: verdict_counts(r for r in rows if r.claim.document == d) for d in docs}
    parts.append("<h2>Summary</h2><table><tr><th>verdict</th><th>claims</th>"
                 + "".join(f"<th>{e(SHORT_DOC.get(d, d))}</th>" for d in docs) + "</tr>")
    parts += [f"<tr><td><span class='v {VERDICT_CLASS[v]}'>{e(v)}</span></td><td class='num'>{n}</td>"
              + "".join(f"<td class='num'>{by_doc[d][v]}</td>" for d in docs) + "</tr>"
              for v, n in counts.items()]
    parts.append(f"<tr><th>total</th><th class='num'>{len(rows)}</th>"
                 + "".join(f"<th class='num'>{sum(by_doc[d].values())}</th>" for d in docs) + "</tr></table>")
    problems = _problems(rows, meta)
    if problems:
        parts.append("<h2>Problems</h2><ul class='problems'>" + "".join(f"<li>{e(p)}</li>" for p in problems)
                     + "</ul>")
    if not rows:
        parts.append("<p>No claims are registered yet "
                     "(add them in <code>simtheory/claims/&lt;family&gt;.py</code>).</p>")
    head = ("<tr><th>claim</th><th>where</th><th>statement</th><th>computed</th><th>paper</th>"
            "<th>ours (CI)</th><th>verdict</th><th>s</th><th>reproduce / tests</th></tr>")
    for doc, title in DOCUMENTS.items():
        doc_rows = [r for r in rows if r.claim.document == doc]
        if not doc_rows:
            continue
        parts.append(f"<h2>{e(title)}</h2><table>{head}")
        for r in doc_rows:
            c, o = r.claim, r.outcome
            figs = "".join(f"<br><a href='{e(_rel(f, out, root))}'><img src='{e(_rel(f, out, root))}' "
                           f"alt='figure' style='width:220px'></a>" for f in _claim_figures(r))
            tests = "<br>".join(f"<code>{e(t)}</code>" for t in c.tests)
            cached = " <span class='muted'>(cached)</span>" if r.cached else ""
            parts.append(
                f"<tr id='{e(c.id)}'><td><code>{e(c.id)}</code></td><td>{e(c.where)}</td><td>{e(c.statement)}</td>"
                f"<td>{e(o.computed)}{figs}</td><td>{e(str(c.paper_value) if c.paper_value is not None else '-')}</td>"
                f"<td>{e(str(o.value))}" + (f"<br><span class='muted'>{e(o.ci)}</span>" if o.ci else "")
                + f"</td><td><span class='v {VERDICT_CLASS[o.verdict]}'>{e(o.verdict)}</span></td>"
                f"<td class='num'>{r.seconds:.1f}{cached}</td><td><code>{e(c.command)}</code><br>{tests}</td></tr>")
        parts.append("</table>")
    if figures:
        parts.append("<h2>Figures</h2>")
        for family, pngs in figures.items():
            parts.append(f"<h3>{e(family)}</h3><div class='figs'>")
            for p in pngs:
                rel = e(_rel(p, out, root))
                parts.append(f"<figure><a href='{rel}'><img src='{rel}' alt='{e(p.stem)}'></a>"
                             f"<figcaption>{e(p.stem)}</figcaption></figure>")
            parts.append("</div>")
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items() if k != "platform")
    parts.append(f"<p class='muted'>{e(versions)}</p></body></html>")
    path.write_text("\n".join(parts) + "\n")
    return path


# ----------------------------------------------------------------------------- driver

def build_report(claims: list[Claim], out: Path | str = DEFAULT_OUT, *, quick: bool = False, rerun: bool = False,
                 figures_dir: Path | str | None = REPO_ROOT / "paper_figs", import_errors: dict | None = None,
                 root: Path | str = REPO_ROOT, progress: bool = True, command: str | None = None,
                 timeout: float | None = None) -> dict:
    """Evaluate ``claims`` (cached under ``out/cache``) and write ``out/report.{md,html,json}``.

    Returns the report's metadata (paths, counts per verdict, timings).
    """
    out = Path(out)
    root = Path(root)
    out.mkdir(parents=True, exist_ok=True)
    cache_dir = out / "cache" / ("quick" if quick else "full")
    t0 = time.perf_counter()
    rows: list[Row] = []
    for i, claim in enumerate(claims, 1):
        row = evaluate(claim, quick=quick, cache_dir=cache_dir, rerun=rerun, root=root, timeout=timeout)
        rows.append(row)
        if progress:
            src = "cached" if row.cached else f"{row.seconds:.1f} s"
            print(f"[{i}/{len(claims)}] {claim.id}: {row.outcome.verdict} ({src})", file=sys.stderr)
    meta = {
        "created_utc": _now(), "git_commit": git_commit(), "quick": quick, "n_claims": len(rows),
        "n_cached": sum(r.cached for r in rows), "seconds_total": time.perf_counter() - t0,
        "seconds_computed": round(sum(r.seconds for r in rows if not r.cached), 3),
        "command": command or ("python -m simtheory.report" + (" --quick" if quick else "")),
        "import_errors": dict(import_errors or {}), "versions": package_versions(),
        "counts": verdict_counts(rows),
    }
    figures = find_figures(Path(figures_dir) if figures_dir is not None else None, out)
    md = write_markdown(rows, out / "report.md", meta, figures, root)
    claims_json = [
        {"id": r.claim.id, "document": r.claim.document, "where": r.claim.where, "statement": r.claim.statement,
         "paper_value": r.claim.paper_value, "value": str(r.outcome.value), "ci": r.outcome.ci,
         "verdict": r.outcome.verdict, "computed": r.outcome.computed, "seconds": r.seconds, "cached": r.cached,
         "error": r.error, "tests": list(r.claim.tests), "missing_tests": r.missing, "command": r.claim.command}
        for r in rows]
    write_json(out / "report.json", {**meta, "claims": claims_json})
    # the page: figures beside claims, filters, fits 1366 px
    from simtheory.verify.html import render

    htm = render({**meta, "claims": [dict(c, figures=[_rel(f, out, root) for f in _claim_figures(r)])
                                     for c, r in zip(claims_json, rows)]}, out / "report.html",
                 figures={fam: [_rel(p, out, root) for p in pngs] for fam, pngs in figures.items()},
                 problems=_problems(rows, meta))
    meta.update(markdown=md, html=htm, rows=rows)
    return meta


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m simtheory.report",
                                description="Check every registered paper claim and write report.md / report.html.")
    p.add_argument("--quick", action="store_true", help="quick checks (small samples; seconds per claim)")
    p.add_argument("--out", default=None, help="output folder (default paper_figs/report in the repository)")
    p.add_argument("--only", action="append", default=[], metavar="PREFIX",
                   help="only claims whose id starts with PREFIX (repeatable, or comma-separated)")
    p.add_argument("--rerun", action="store_true", help="recompute instead of re-using cached results")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="per-claim time limit; a check past it is 'not checkable' (default: 120 with --quick, "
                        "none otherwise; 0 = none)")
    p.add_argument("--list", action="store_true", help="list the registered claims and exit")
    p.add_argument("--no-figures", action="store_true", help="do not embed the figures of paper_figs/")
    p.add_argument("--quiet", action="store_true", help="no per-claim progress lines")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    claims, import_errors = collect_claims()
    for mod, err in import_errors.items():
        print(f"warning: claims module {mod} failed to import: {err}", file=sys.stderr)
    prefixes = [p.strip() for arg in args.only for p in arg.split(",") if p.strip()]
    if prefixes:
        claims = [c for c in claims if any(c.id.startswith(p) for p in prefixes)]
        if not claims:
            print(f"error: {SimTheoryInputError('--only', f'no registered claim id starts with {prefixes}')}",
                  file=sys.stderr)
            return 2
    if args.list:
        for c in claims:
            print(f"{c.id:<40} {SHORT_DOC.get(c.document, c.document):<14} {c.where}")
        return 0
    command = "python -m simtheory.report" + (" --quick" if args.quick else "") + "".join(
        f" --only {p}" for p in prefixes)
    timeout = args.timeout if args.timeout is not None else (QUICK_TIMEOUT if args.quick else None)
    if timeout is not None and timeout < 0:
        print(f"error: {SimTheoryInputError('--timeout', f'must be >= 0 seconds, got {timeout}')}", file=sys.stderr)
        return 2
    meta = build_report(claims, Path(args.out) if args.out else DEFAULT_OUT, quick=args.quick, rerun=args.rerun,
                        timeout=timeout or None,
                        figures_dir=None if args.no_figures else REPO_ROOT / "paper_figs",
                        import_errors=import_errors, progress=not args.quiet, command=command)
    counts = ", ".join(f"{n} {v}" for v, n in meta["counts"].items())
    print(f"wrote {meta['markdown']} and {meta['html']} ({meta['n_claims']} claims: {counts}; "
          f"{meta['seconds_total']:.1f} s)")
    return 1 if import_errors else 0


if __name__ == "__main__":
    sys.exit(main())
