"""The verification report: which claims of the source documents hold numerically, and by how much.

``python -m simtheory.report [--quick] [--out DIR] [--only PREFIX] [--rerun] [--timeout S]`` runs the
check of every claim registered in :mod:`simtheory.verify.registry` and writes ``DIR/report.md``,
``DIR/report.html`` and ``DIR/report.json``: one row per claim, sorted by document (kind, rule, the
paper's number, ours with its interval, verdict, the verdict we expect, the referee note, the command
reproducing it), and a count per verdict.

Each check runs contained, in a separate worker process: whatever it does (raise, ``sys.exit``, return
something that is not an :class:`~simtheory.verify.registry.Outcome` or not JSON, catch
``BaseException``, run past ``--timeout``, kill its process) the report is written, the claim is "not
checkable" with a one-line error, and the command exits 1. Outcomes are cached under
``DIR/cache/{quick,full}/`` until the claim or its module's source changes; the verdict is re-decided
from the cached numbers by the claim's current rule. The Markdown and HTML carry no build time, so
rebuilding an unchanged report leaves them byte-identical; the JSON carries the timings.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import contextlib
import datetime as _dt
import hashlib
import importlib
import inspect
import json
import math
import multiprocessing as mp
import os
import pickle
import sys
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simtheory.runner.store import git_commit, jsonable, package_versions, write_json
from simtheory.validation import SimTheoryInputError
from simtheory.verify.registry import DOCUMENTS, KINDS, VERDICTS, Claim, Outcome
from simtheory.verify.rules import Decision

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_ROOT.parent if (PACKAGE_ROOT.parent / "pyproject.toml").exists() else Path.cwd()
DEFAULT_OUT = REPO_ROOT / "paper_figs" / "report"
SLOW_QUICK_SECONDS = 30.0  # a quick check slower than this is flagged in the report
QUICK_TIMEOUT = 120.0  # default per-claim time limit of --quick

SHORT_DOC = {
    "rethinking_bradley_terry": "Rethinking BT",
    "bradley_terry_tutorial": "BT tutorial",
    "general_preference_model": "GPM",
}


# ----------------------------------------------------------------------------- claims and tests


def collect_claims() -> tuple[list[Claim], dict[str, str]]:
    """Import every topic's claims module (:data:`~simtheory.verify.registry.CLAIM_MODULES`); a module
    that fails to import is reported (module -> one-line error) instead of stopping the report."""
    from simtheory.verify import registry

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
    if not (root / "tests").is_dir():
        return []  # an installed copy without the source tree: nothing to parse
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
    quick: bool = True

    @property
    def expected(self) -> str | None:
        return self.claim.expected_in(self.quick)

    @property
    def matches_expected(self) -> bool:
        return self.outcome.verdict == self.expected


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    if len(msg) > 300:
        msg = msg[:297] + "..."
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def fingerprint(claim: Claim) -> str:
    """Hash of the claim's metadata and of the source file of its check (cache key)."""
    h = hashlib.sha256()
    for part in (
        claim.id,
        claim.document,
        claim.where,
        claim.statement,
        str(claim.paper_value),
        claim.command,
        str(claim.kind),
        str(claim.rule),
    ):
        h.update(part.encode() + b"\0")
    if claim.compute is not None:
        try:
            h.update(Path(inspect.getsourcefile(claim.compute) or "").read_bytes())
        except (TypeError, OSError):
            h.update(repr(claim.compute).encode())
    return h.hexdigest()[:16]


def _cache_path(cache_dir: Path, claim: Claim) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in claim.id)
    return cache_dir / f"{safe}.json"


def outcome_to_dict(o: Outcome) -> dict:
    """A JSON-safe dict of an outcome (anything not JSON-able becomes its repr)."""
    d = {
        "value": str(o.value),
        "computed": str(o.computed),
        "ci": None if o.ci is None else str(o.ci),
        "numbers": o.numbers,
        "details": o.details,
        "verdict": o.verdict,
        "reason": o.decision.reason if o.decision else None,
        "would_hold": o.decision.would_hold if o.decision else None,
    }
    return json.loads(json.dumps(jsonable(d), default=repr))


def _outcome_from(data: dict) -> Outcome:
    dec = Decision(data["verdict"], data.get("reason") or "", data.get("would_hold"))
    return Outcome(
        value=data["value"],
        computed=data["computed"],
        numbers=data.get("numbers") or {},
        ci=data.get("ci"),
        details=data.get("details") or {},
        decision=dec,
    )


def _redecide(claim: Claim, outcome: Outcome) -> Outcome:
    """Re-apply the claim's current rule to cached numbers (a changed rule never serves a stale verdict)."""
    if outcome.verdict != "not checkable" and claim.rule is not None:
        outcome.decision = claim.rule.decide(outcome.numbers)
    return outcome


def _check_in_process(claim: Claim, quick: bool) -> dict:
    """Run ``claim.check(quick)`` here; never raises (BaseException included): a dict with outcome and error."""
    t0 = time.perf_counter()
    error = None
    try:
        out = outcome_to_dict(claim.check(quick))
        if out["verdict"] == "not checkable":
            error = str(out["computed"])
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, ... all go into the report
        error = _one_line(exc)
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        out = outcome_to_dict(Outcome.not_checkable(f"check raised {error}{where}"))
    return {"outcome": out, "seconds": time.perf_counter() - t0, "error": error}


def _worker(spec: tuple) -> dict:
    """Worker-process entry: rebuild the claim (unpickle, or import its module and look it up) and check it."""
    modules, claim_id, blob, quick = spec
    try:
        if blob is not None:
            claim = pickle.loads(blob)
        else:
            from simtheory.verify import registry

            for m in modules:
                importlib.import_module(m)
            claim = registry._REGISTRY[claim_id]
    except BaseException as exc:  # noqa: BLE001
        return {
            "outcome": outcome_to_dict(Outcome.not_checkable(f"could not load the claim: {_one_line(exc)}")),
            "seconds": 0.0,
            "error": _one_line(exc),
        }
    res = _check_in_process(claim, quick)
    try:
        pickle.dumps(res)
    except BaseException as exc:  # noqa: BLE001
        res = {
            "outcome": outcome_to_dict(Outcome.not_checkable(f"unpicklable result: {_one_line(exc)}")),
            "seconds": res["seconds"],
            "error": _one_line(exc),
        }
    return res


#: the worker runs single-threaded BLAS / OpenMP / torch: checks are small, and on a shared machine threads
#: only contend (the embedding check runs 5x slower with them); results do not depend on the thread count
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _worker_env():
    """Set :data:`WORKER_ENV` (unless the user set them) while a worker process is spawned."""
    old = {k: os.environ.get(k) for k in WORKER_ENV}
    for k, v in WORKER_ENV.items():
        os.environ.setdefault(k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class ContainedRunner:
    """Runs checks one at a time in a spawned worker process, restarted after a crash or a timeout."""

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout
        self._pool: cf.ProcessPoolExecutor | None = None

    def _get(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"))
        return self._pool

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                proc.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, claim: Claim, quick: bool) -> dict:
        try:
            blob = pickle.dumps(claim)
        except Exception:  # noqa: BLE001 - closures: load by id in the worker instead
            blob = None
        modules = [*__import__("simtheory.verify.registry", fromlist=["x"]).CLAIM_MODULES]
        mod = getattr(claim.compute, "__module__", None)
        if mod and mod not in modules:
            modules.append(mod)
        t0 = time.perf_counter()
        try:
            with _worker_env():  # the pool spawns its worker on the first submit
                fut = self._get().submit(_worker, (modules, claim.id, blob, quick))
            return fut.result(timeout=self.timeout)
        except cf.TimeoutError:
            self._kill()
            err = f"ClaimTimeout: timed out after {self.timeout:g} s"
        except BaseException as exc:  # noqa: BLE001 - BrokenProcessPool (os._exit, a crash), pickling, ...
            self._kill()
            err = f"worker process failed: {_one_line(exc)}"
        return {
            "outcome": outcome_to_dict(Outcome.not_checkable(f"check {err}")),
            "seconds": time.perf_counter() - t0,
            "error": err,
        }


def evaluate(
    claim: Claim,
    *,
    quick: bool,
    cache_dir: Path | None,
    rerun: bool = False,
    root: Path | str = REPO_ROOT,
    runner: ContainedRunner | None = None,
) -> Row:
    """The report row of ``claim``: from the cache when valid (and not ``rerun``), else computed
    (in ``runner``'s worker process, or in this process when ``runner`` is None)."""
    fp = fingerprint(claim)
    path = _cache_path(cache_dir, claim) if cache_dir is not None else None
    if path is not None and not rerun and path.exists():
        try:
            data = json.loads(path.read_text())
            # a check that raised is always re-run (the bug may be fixed outside the claims module)
            if data.get("fingerprint") == fp and data.get("quick") == quick and not data.get("error"):
                row = Row(
                    claim,
                    _redecide(claim, _outcome_from(data["outcome"])),
                    data["seconds"],
                    cached=True,
                    error=None,
                    missing=missing_tests(claim, root),
                    quick=quick,
                )
                return row
        except (ValueError, KeyError, TypeError):
            pass  # unreadable cache: recompute
    res = runner.run(claim, quick) if runner is not None else _check_in_process(claim, quick)
    outcome, error = _outcome_from(res["outcome"]), res["error"]
    seconds = round(float(res["seconds"]), 3)
    if path is not None:
        write_json(
            path,
            {
                "id": claim.id,
                "fingerprint": fp,
                "quick": quick,
                "seconds": seconds,
                "error": error,
                "computed_utc": _now(),
                "git_commit": git_commit(),
                "outcome": res["outcome"],
            },
        )
    return Row(claim, outcome, seconds, cached=False, error=error, missing=missing_tests(claim, root), quick=quick)


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


def _rule_text(c: Claim) -> str:
    return c.rule.describe() if c.rule is not None else "-"


def _provenance(r: Row, meta: dict) -> dict:
    p = {
        "git_commit": meta.get("git_commit"),
        "mode": "quick" if r.quick else "full",
        "simtheory": meta.get("versions", {}).get("simtheory"),
        "cached": r.cached,
    }
    data = r.outcome.details.get("provenance") if isinstance(r.outcome.details, dict) else None
    if data:
        p["data"] = data
    return p


def row_json(r: Row, meta: dict, out: Path, root: Path) -> dict:
    """Every field a report page needs for one claim."""
    c, o = r.claim, r.outcome
    return {
        "id": c.id,
        "document": c.document,
        "document_title": DOCUMENTS.get(c.document),
        "where": c.where,
        "statement": c.statement,
        "kind": c.kind,
        "kind_meaning": KINDS.get(c.kind or ""),
        "rule": c.rule.to_json() if c.rule is not None else None,
        "paper_value": c.paper_value,
        "value": str(o.value),
        "ci": o.ci,
        "numbers": o.numbers,
        "computed": o.computed,
        "verdict": o.verdict,
        "reason": o.decision.reason if o.decision else None,
        "would_hold": o.decision.would_hold if o.decision else None,
        "expected": r.expected,
        "expected_full": c.expected,
        "matches_expected": r.matches_expected,
        "referee_note": c.note,
        "figures": [_rel(f, out, root) for f in _figures_of(r)],
        "command": c.command,
        "tests": list(c.tests),
        "missing_tests": r.missing,
        "provenance": _provenance(r, meta),
        "seconds": r.seconds,
        "cached": r.cached,
        "error": r.error,
    }


def _figures_of(r: Row) -> list[str]:
    figs = list(r.claim.figures) + [f for f in _claim_figures(r) if f not in r.claim.figures]
    return figs


def write_markdown(
    rows: list[Row], path: Path, meta: dict, figures: dict[str, list[Path]], root: Path = REPO_ROOT
) -> Path:
    """The Markdown report (no build time or timings, so an unchanged rebuild is byte-identical)."""
    out = path.parent
    counts = verdict_counts(rows)
    lines = [
        "# simtheory verification report",
        "",
        f"{'Quick' if meta['quick'] else 'Full'} checks; {meta['n_claims']} claims. Rebuild: `{meta['command']}`. "
        "How to read a verdict: `docs/reading_verdicts.md`. Commit, versions and timings: `report.json` "
        "(kept out of this page so that rebuilding an unchanged report does not change it).",
        "",
    ]
    if meta["quick"]:
        lines += [
            "Quick mode: small samples and the same rules as the full report, so some claims are "
            "inconclusive here that the full report (`python -m simtheory.report`) decides.",
            "",
        ]
    docs = [d for d in DOCUMENTS if any(r.claim.document == d for r in rows)]
    by_doc = {d: verdict_counts(r for r in rows if r.claim.document == d) for d in docs}

    def trow(cells):
        return "| " + " | ".join(map(str, cells)) + " |"

    lines += [
        "## Summary",
        "",
        trow(["verdict", "claims", *(SHORT_DOC.get(d, d) for d in docs)]),
        trow(["---"] * (2 + len(docs))),
    ]
    lines += [trow([v, n, *(by_doc[d][v] for d in docs)]) for v, n in counts.items()]
    kinds = {k: sum(r.claim.kind == k for r in rows) for k in KINDS}
    lines += ["", "Kinds: " + "; ".join(f"{k}: {n}" for k, n in kinds.items()), ""]
    problems = _problems(rows, meta)
    if problems:
        lines += ["## Problems", ""] + [f"- {_md(p)}" for p in problems] + [""]
    if not rows:
        lines += ["No claims are registered yet (add them in `simtheory/<topic>/claims.py`).", ""]
    for doc, title in DOCUMENTS.items():
        doc_rows = [r for r in rows if r.claim.document == doc]
        if not doc_rows:
            continue
        lines += [
            f"## {title}",
            "",
            "| claim | where | statement | kind | rule | paper | ours (CI) | verdict | expected | reproduce |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in doc_rows:
            c, o = r.claim, r.outcome
            figs = " ".join(f"[fig]({_rel(f, out, root)})" for f in _figures_of(r))
            reason = f" — {_md(o.decision.reason)}" if o.decision and o.decision.reason else ""
            want = f" To hold: {_md(o.decision.would_hold)}." if o.decision and o.decision.would_hold else ""
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{c.id}`",
                        _md(c.where),
                        _md(c.statement),
                        _md(c.kind),
                        _md(_rule_text(c)),
                        _md(c.paper_value),
                        _md(_ours(o)) + f"<br>{_md(o.computed)}" + (f" {figs}" if figs else ""),
                        f"**{o.verdict}**{reason}{want}",
                        _md(r.expected) + ("" if r.matches_expected else " (**differs**)"),
                        f"`{_md(c.command)}`",
                    ]
                )
                + " |"
            )
        lines.append("")
        notes = [r for r in doc_rows if r.claim.note]
        if notes:
            lines += (
                ["Referee notes:", ""]
                + [f"- `{r.claim.id}` ({r.outcome.verdict}): {_md(r.claim.note)}" for r in notes]
                + [""]
            )
    if figures:
        lines += ["## Figures", ""]
        for family, pngs in figures.items():
            lines += [f"### {family}", ""]
            lines += [f"![{family}/{p.stem}]({_rel(p, out, root)})" for p in pngs]
            lines.append("")
    lines += [
        "## Verdicts",
        "",
        "- **holds**: the interval of our estimate lies on the claimed side of the rule's boundary "
        "(an identity: the error is within its numerical tolerance);",
        "- **does not hold**: the interval lies on the other side; the row says what would have made it hold;",
        "- **inconclusive**: the interval spans the boundary, the sample cannot decide;",
        "- **not checkable**: the check failed to run (the error is shown).",
        "",
    ]
    path.write_text("\n".join(lines))
    return path


def _problems(rows: list[Row], meta: dict) -> list[str]:
    out = [f"claims module {m} failed to import: {e}" for m, e in meta.get("import_errors", {}).items()]
    for r in rows:
        if r.missing:
            out.append(f"{r.claim.id}: test(s) not found: {', '.join(r.missing)}")
        if r.error:
            out.append(f"{r.claim.id}: check raised {r.error}")
        elif not r.matches_expected:
            out.append(f"{r.claim.id}: verdict '{r.outcome.verdict}' differs from the expected '{r.expected}'")
    return out


# ----------------------------------------------------------------------------- driver


def build_report(
    claims: list[Claim],
    out: Path | str = DEFAULT_OUT,
    *,
    quick: bool = False,
    rerun: bool = False,
    figures_dir: Path | str | None = REPO_ROOT / "paper_figs",
    import_errors: dict | None = None,
    root: Path | str = REPO_ROOT,
    progress: bool = True,
    command: str | None = None,
    timeout: float | None = None,
    contained: bool = True,
) -> dict:
    """Evaluate ``claims`` (cached under ``out/cache``) and write ``out/report.{md,html,json}``.

    Parameters
    ----------
    contained : run each check in a worker process (default); False runs them in this process.
    timeout : per-claim limit in seconds (contained mode only), None for none.

    Returns the report's metadata (paths, counts per verdict, timings, rows).
    """
    out = Path(out)
    root = Path(root)
    out.mkdir(parents=True, exist_ok=True)
    cache_dir = out / "cache" / ("quick" if quick else "full")
    t0 = time.perf_counter()
    rows: list[Row] = []
    runner = ContainedRunner(timeout) if contained else None
    try:
        for i, claim in enumerate(claims, 1):
            row = evaluate(claim, quick=quick, cache_dir=cache_dir, rerun=rerun, root=root, runner=runner)
            rows.append(row)
            if progress:
                src = "cached" if row.cached else f"{row.seconds:.1f} s"
                print(f"[{i}/{len(claims)}] {claim.id}: {row.outcome.verdict} ({src})", file=sys.stderr)
    finally:
        if runner is not None:
            runner.close()
    meta: dict[str, Any] = {
        "git_commit": git_commit(),
        "quick": quick,
        "n_claims": len(rows),
        "command": command or ("python -m simtheory.report" + (" --quick" if quick else "")),
        "import_errors": dict(import_errors or {}),
        "versions": package_versions(),
        "counts": verdict_counts(rows),
        "n_errors": sum(bool(r.error) for r in rows),
        "n_unexpected": sum(not r.matches_expected for r in rows),
    }
    figures = find_figures(Path(figures_dir) if figures_dir is not None else None, out)
    md = write_markdown(rows, out / "report.md", meta, figures, root)
    timing = {
        "created_utc": _now(),
        "n_cached": sum(r.cached for r in rows),
        "seconds_total": round(time.perf_counter() - t0, 3),
        "seconds_computed": round(sum(r.seconds for r in rows if not r.cached), 3),
    }
    claims_json = [row_json(r, meta, out, root) for r in rows]
    from simtheory.runner.provenance import provenance

    write_json(
        out / "report.json",
        {**meta, **timing, "provenance": provenance(), "kinds": KINDS, "claims": claims_json},
    )
    # the page (simtheory.verify.html): figures beside claims, filters, fits 1366 px; no build time or
    # commit in it, so an unchanged rebuild is byte-identical
    from simtheory.verify.html import render

    page_meta = {k: v for k, v in meta.items() if k not in ("git_commit", "versions")}
    htm = render(
        {**page_meta, "claims": claims_json},
        out / "report.html",
        figures={fam: [_rel(p, out, root) for p in pngs] for fam, pngs in figures.items()},
        problems=_problems(rows, meta),
    )
    meta.update(timing, markdown=md, html=htm, rows=rows)
    return meta


def _parse_timeout(text: str | None, quick: bool) -> float | None:
    if text is None:
        return QUICK_TIMEOUT if quick else None
    try:
        t = float(text)
    except ValueError:
        raise SimTheoryInputError("--timeout", f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise SimTheoryInputError("--timeout", f"must be finite and > 0 seconds, got {text}")
    return t


def build_parser() -> argparse.ArgumentParser:
    from simtheory.runner.scripts import add_allow_dirty

    p = argparse.ArgumentParser(
        prog="python -m simtheory.report",
        description="Check every registered paper claim and write report.md / report.html.",
    )
    p.add_argument("--quick", action="store_true", help="quick checks (small samples; seconds per claim)")
    p.add_argument("--out", default=None, help="output folder (default paper_figs/report in the repository)")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PREFIX",
        help="only claims whose id starts with PREFIX (repeatable, or comma-separated)",
    )
    p.add_argument("--rerun", action="store_true", help="recompute instead of re-using cached results")
    p.add_argument(
        "--timeout",
        default=None,
        metavar="SECONDS",
        help="per-claim time limit (finite, > 0); a check past it is 'not checkable' "
        "(default: 120 with --quick, none otherwise)",
    )
    p.add_argument("--list", action="store_true", help="list the registered claims and exit")
    p.add_argument("--no-figures", action="store_true", help="do not embed the figures of paper_figs/")
    p.add_argument("--quiet", action="store_true", help="no per-claim progress lines")
    add_allow_dirty(p)
    p.add_argument(
        "--embeddings",
        default=None,
        metavar="FILE",
        help="add the real-data claims checked on FILE.npz (written by python -m simtheory.embed): reward "
        "models trained and evaluated on the file's own human labels",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when every check ran, 1 when a check errored or a claims module failed to import, 2 on bad input."""
    args = build_parser().parse_args(argv)
    try:
        timeout = _parse_timeout(args.timeout, args.quick)
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.embeddings:
        from simtheory.embeddings.human_claims import ENV

        path = Path(args.embeddings)
        if not path.is_file():
            print(f"error: {SimTheoryInputError('--embeddings', f'no such file: {path}')}", file=sys.stderr)
            return 2
        os.environ[ENV] = str(path.resolve())  # the claims (and their worker processes) read it
    claims, import_errors = collect_claims()
    for mod, err in import_errors.items():
        print(f"warning: claims module {mod} failed to import: {err}", file=sys.stderr)
    prefixes = [p.strip() for arg in args.only for p in arg.split(",") if p.strip()]
    if prefixes:
        claims = [c for c in claims if any(c.id.startswith(p) for p in prefixes)]
        if not claims:
            print(
                f"error: {SimTheoryInputError('--only', f'no registered claim id starts with {prefixes}')}",
                file=sys.stderr,
            )
            return 2
    if args.list:
        for c in claims:
            print(f"{c.id:<40} {SHORT_DOC.get(c.document, c.document):<14} {c.where}")
        return 0
    out = Path(args.out) if args.out else DEFAULT_OUT
    try:
        from simtheory.runner.scripts import guard_out

        guard_out(out, __file__, args.allow_dirty)
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    command = (
        "python -m simtheory.report"
        + (" --quick" if args.quick else "")
        + "".join(f" --only {p}" for p in prefixes)
        + (f" --embeddings {args.embeddings}" if args.embeddings else "")
    )
    meta = build_report(
        claims,
        out,
        quick=args.quick,
        rerun=args.rerun,
        timeout=timeout,
        figures_dir=None if args.no_figures else REPO_ROOT / "paper_figs",
        import_errors=import_errors,
        progress=not args.quiet,
        command=command,
    )
    counts = ", ".join(f"{n} {v}" for v, n in meta["counts"].items())
    print(
        f"wrote {meta['markdown']} and {meta['html']} ({meta['n_claims']} claims: {counts}; "
        f"{meta['seconds_total']:.1f} s)"
    )
    if meta["n_errors"]:
        print(f"error: {meta['n_errors']} check(s) could not run (see Problems in the report)", file=sys.stderr)
    return 1 if (import_errors or meta["n_errors"]) else 0


if __name__ == "__main__":
    sys.exit(main())
