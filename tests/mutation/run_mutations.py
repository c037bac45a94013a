"""Run the curated mutation suite (``tests/mutation/mutations.py``) and report the mutation score.

For every mutation: copy the repository's package, tests and config into a temporary folder, replace the snippet
(it must occur exactly once, else the row reads ``stale``), and run the mutation's declared fast subset of the
default suite there (``python -m pytest -p no:xdist -x -m 'not slow'`` with ``PYTHONPATH`` set to the copy).
Status: ``killed`` (the subset fails: pytest exit code 1), ``survived`` (it passes), ``stale`` (snippet not found or
ambiguous), ``error`` (any other outcome, e.g. a timeout or a collection error). With ``--baseline`` (default on),
the unmutated copy must pass the union of the subsets first, otherwise a kill would mean nothing.

Usage::

    python tests/mutation/run_mutations.py [--jobs 1] [--only NAME ...] [--out results/mutation] [--no-baseline]

Prints a table and the score (killed / total) and writes ``mutations.csv`` to ``--out``; exit code 0 only when
every mutation is killed and the baseline passes.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutations import MUTATIONS, Mutation  # noqa: E402

COPY = ("simtheory", "tests", "proofs_check", "examples", "paper_figs", "pyproject.toml")
_IGNORE = shutil.ignore_patterns(".pytest_cache", "*.pyc", "mutation_runs")


def IGNORE(folder: str, names: list[str]) -> set[str]:  # noqa: N802 - used like shutil.ignore_patterns
    """Skip caches and run outputs, but keep packaged results (``simtheory/<topic>/results/``)."""
    skip = set(_IGNORE(folder, names))
    if "results" in names and not Path(folder).resolve().is_relative_to((ROOT / "simtheory").resolve()):
        skip.add("results")
    return skip


def make_copy(dst: Path) -> Path:
    """Copy the parts of the repository the tests need (numba caches keep their source stamps: copy2)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=IGNORE, copy_function=shutil.copy2)
        elif src.exists():
            shutil.copy2(src, dst / name)
    return dst


def apply(m: Mutation, root: Path) -> str | None:
    """Apply ``m`` in ``root``; return None on success, else why it could not be applied."""
    path = root / m.file
    if not path.exists():
        return f"{m.file} missing"
    text = path.read_text()
    n = text.count(m.old)
    if n != 1:
        return f"snippet found {n} times in {m.file}"
    path.write_text(text.replace(m.old, m.new))
    return None


def run_pytest(root: Path, tests, timeout: float) -> tuple[int, str, float]:
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-x",
        "-q",
        "-m",
        "not slow",
        "-W",
        "ignore",
        *tests,
    ]
    t0 = time.time()
    try:
        res = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
        return res.returncode, res.stdout + res.stderr, time.time() - t0
    except subprocess.TimeoutExpired as e:
        return -1, f"timeout after {timeout:.0f} s\n{e.stdout or ''}", time.time() - t0


def first_failure(out: str) -> str:
    m = re.search(r"^(FAILED|ERROR) (\S+)", out, re.M)
    if m:
        return m.group(2)
    m = re.search(r"^XPASS.*$", out, re.M)
    return m.group(0) if m else ""


def run_one(m: Mutation, base: Path, work: Path, timeout: float) -> dict:
    root = work / m.name
    shutil.copytree(base, root, copy_function=shutil.copy2)
    why = apply(m, root)
    row = {"name": m.name, "kind": m.kind, "file": m.file, "tests": " ".join(m.tests)}
    if why:
        row.update(status="stale", rc="", seconds=0.0, caught_by=why)
    else:
        rc, out, sec = run_pytest(root, m.tests, timeout)
        status = {0: "survived", 1: "killed"}.get(rc, "error")
        row.update(
            status=status,
            rc=rc,
            seconds=round(sec, 1),
            caught_by=first_failure(out) if rc == 1 else out.strip().splitlines()[-1:][0] if out.strip() else "",
        )
    shutil.rmtree(root, ignore_errors=True)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--only", nargs="*", default=None, help="names of the mutations to run")
    ap.add_argument("--out", default=str(ROOT / "results" / "mutation"))
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per pytest run")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    args = ap.parse_args(argv)
    muts = [m for m in MUTATIONS if args.only is None or m.name in args.only]
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:40s} {m.kind:20s} {m.file}")
        return 0
    if args.only and len(muts) != len(args.only):
        unknown = sorted(set(args.only) - {m.name for m in MUTATIONS})
        print(f"error: --only: unknown mutation(s) {unknown}", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="simtheory_mut_") as tmp:
        base = make_copy(Path(tmp) / "base")
        baseline_ok = True
        if not args.no_baseline:
            union = list(dict.fromkeys(t for m in muts for t in m.tests))
            rc, out, sec = run_pytest(base, union, args.timeout)
            baseline_ok = rc == 0
            print(
                f"baseline (unmutated copy, {len(union)} test selections): "
                f"{'pass' if baseline_ok else 'FAIL'} in {sec:.0f} s"
            )
            if not baseline_ok:
                print(out[-3000:])
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            rows = []
            for row in ex.map(lambda m: run_one(m, base, Path(tmp), args.timeout), muts):
                rows.append(row)
                print(f"{row['status']:9s} {row['seconds']:6.1f}s  {row['name']:40s} {row['caught_by']}", flush=True)
    killed = sum(r["status"] == "killed" for r in rows)
    with open(out_dir / "mutations.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["name", "kind", "file", "tests", "status", "rc", "seconds", "caught_by"])
        w.writeheader()
        w.writerows(rows)
    print(
        f"\nmutation score: {killed}/{len(rows)} = {100 * killed / max(1, len(rows)):.0f}% killed"
        f"{'' if baseline_ok else ' (BASELINE FAILED: score meaningless)'}; table: {out_dir / 'mutations.csv'}"
    )
    return 0 if baseline_ok and killed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
