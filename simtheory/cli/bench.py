"""``simtheory bench`` and ``simtheory figures``: run the repository's scripts with provenance.

The scripts live next to the package in a source checkout (``benchmarks/bench_*.py``,
``paper_figs/make_*.py``) and are not installed with the wheel; they are found relative to
the repository (``$SIMTHEORY_REPO`` overrides), else a one-line error says so.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simtheory.validation import SimTheoryInputError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent

#: ``simtheory bench NAME`` -> (script in benchmarks/, file its ``--out`` names)
BENCHMARKS: dict[str, tuple[str, str]] = {
    "engines": ("bench_engines.py", "bench_engines.csv"),
    "bt": ("bench_bt_vs_choix.py", "bench_bt_vs_choix.json"),
    "embed": ("bench_embed.py", "bench_embed.csv"),
    "backends": ("bench_backends.py", "bench_backends.csv"),
    "gpm": ("bench_gpm_query.py", "bench_gpm_query.json"),
}


def repo_root() -> Path | None:
    """The source checkout holding the scripts: ``$SIMTHEORY_REPO``, the package's parent, or the cwd."""
    env = os.environ.get("SIMTHEORY_REPO")
    candidates = ([Path(env)] if env else []) + [PACKAGE_ROOT.parent, Path.cwd()]
    for c in candidates:
        if (c / "benchmarks").is_dir() or (c / "paper_figs").is_dir():
            return c.resolve()
    return None


def _folder(sub: str) -> Path:
    root = repo_root()
    if root is None or not (root / sub).is_dir():
        raise SimTheoryInputError(
            sub,
            f"the {sub}/ scripts ship with the source repository, not the installed "
            "package: run from a checkout (git clone ...; pip install -e .) or set "
            "SIMTHEORY_REPO",
        )
    return root / sub


def benchmark_script(name: str) -> Path:
    if name not in BENCHMARKS:
        raise SimTheoryInputError("benchmark", f"unknown benchmark {name!r}; available: {', '.join(BENCHMARKS)}")
    path = _folder("benchmarks") / BENCHMARKS[name][0]
    if not path.is_file():
        raise SimTheoryInputError("benchmark", f"{name!r} needs {path}, which this checkout does not have")
    return path


def figure_scripts(names: Sequence[str] = ()) -> list[Path]:
    """``paper_figs/make_<name>.py`` for each name (all of them when none is given)."""
    folder = _folder("paper_figs")
    scripts = sorted(folder.glob("make_*.py"))
    if not names:
        return scripts
    known = {p.stem.removeprefix("make_"): p for p in scripts}
    bad = [n for n in names if n.removeprefix("make_").removesuffix(".py") not in known]
    if bad:
        raise SimTheoryInputError(
            "figures", f"unknown figure script(s) {', '.join(bad)}; available: {', '.join(known)}"
        )
    return [known[n.removeprefix("make_").removesuffix(".py")] for n in names]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _env(root: Path) -> dict[str, str]:
    """Children import the same simtheory as this process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_ROOT.parent), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run_script(cmd: list[str], cwd: Path, log: Path | None, echo) -> tuple[int, float]:
    """Run ``cmd``, echoing its output line by line (``echo``) and saving it to ``log``."""
    t0 = time.perf_counter()
    with subprocess.Popen(
        cmd, cwd=cwd, env=_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as proc:
        fh = log.open("w") if log is not None else None
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                echo(line.rstrip("\n"))
                if fh:
                    fh.write(line)
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait(10)
            raise
        finally:
            if fh:
                fh.close()
        rc = proc.wait()
    return rc, time.perf_counter() - t0


def run_benchmark(name: str, out: Path | str | None = None, extra: Sequence[str] = (), echo=print) -> dict[str, Any]:
    """Run ``benchmarks/<script>`` into ``out`` (default ``results/bench/<name>-<UTC time>``) and write
    ``provenance.json`` (command, timings, exit status, git commit, versions, machine, sha256 of each file)
    and, where the script draws none, a figure of its CSV.

    Returns the provenance dict. Raises :class:`SimTheoryInputError` for an unknown or missing script.
    """
    from simtheory.runner.store import git_commit, package_versions, write_json

    script = benchmark_script(name)
    root = script.parent.parent
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(out) if out is not None else Path("results") / "bench" / f"{name}-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    cmd = [sys.executable, str(script), *extra]
    if "--out" not in extra and "--out" in script.read_text():
        cmd += ["--out", str(out / BENCHMARKS[name][1])]
    started = _now()
    rc, seconds = run_script(cmd, root, out / "log.txt", echo)
    figure = None
    if rc == 0 and not list(out.glob("*.png")):
        figure = draw_figure(name, out)
    files = sorted(p for p in out.iterdir() if p.is_file() and p.name != "provenance.json")
    prov = {
        "benchmark": name,
        "script": str(script),
        "command": cmd,
        "cwd": str(root),
        "started_utc": started,
        "finished_utc": _now(),
        "wall_seconds": round(seconds, 3),
        "returncode": rc,
        "git_commit": git_commit(),
        "versions": package_versions(),
        "cpu_count": os.cpu_count(),
        "NUMBA_NUM_THREADS": os.environ.get("NUMBA_NUM_THREADS"),
        "figure": str(figure) if figure else None,
        "files": {p.name: _sha256(p) for p in files},
        "out": str(out),
    }
    write_json(out / "provenance.json", prov)
    return prov


def draw_figure(name: str, out: Path) -> Path | None:
    """A throughput figure from the benchmark's CSV (``<name>.png``), or None when there is no CSV to draw."""
    import pandas as pd

    csvs = sorted(out.glob("*.csv"))
    if not csvs:  # a script that writes JSON rows only (bench_bt_vs_choix): tabulate them first
        for js in sorted(out.glob("*.json")):
            rows = json.loads(js.read_text()).get("rows") if js.name != "provenance.json" else None
            if isinstance(rows, list) and rows and isinstance(rows[0], dict):
                pd.DataFrame(rows).to_csv(js.with_suffix(".csv"), index=False)
                csvs = [js.with_suffix(".csv")]
                break
    if not csvs:
        return None
    df = pd.read_csv(csvs[0])
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if {"backend", "pairs_per_second"} <= set(df.columns):
        label = df["backend"].astype(str) + (" x" + df["threads"].astype(str) if "threads" in df else "")
        groups = [c for c in ("kernel", "n_pairs") if c in df.columns]
        df = df.assign(config=label, case=df[groups].astype(str).agg(" n=".join, axis=1) if groups else "all")
        pivot = df.pivot_table(index="case", columns="config", values="pairs_per_second")
        ax = pivot.plot.bar(logy=True, figsize=(6.4, 3.2), rot=0)
        ax.set_ylim(bottom=float(df["pairs_per_second"].min()) / 10)  # bars visibly start below the slowest
        ax.set_ylabel("pairs per second")
    elif {"N", "ours_s", "choix_s"} <= set(df.columns):  # bench_bt_vs_choix: fit time vs players
        _, ax = plt.subplots(figsize=(6.4, 3.2))
        for ref, g in df.groupby("reference" if "reference" in df.columns else (lambda _: "choix")):
            ax.loglog(g["N"], g["choix_s"], "o--", label=f"choix {ref}")
        ours = df.groupby("N")["ours_s"].min()
        ax.loglog(ours.index, ours.values, "s-", color="k", label="simtheory fit_bt")
        ax.set_xlabel("players N")
        ax.set_ylabel("seconds")
        ax.legend(fontsize=7)
    else:
        num = df.select_dtypes("number")
        if num.empty:
            return None
        ax = num.plot(marker="o", logy=bool((num > 0).all().all()), figsize=(6.4, 3.2))
        ax.set_xlabel("row of " + csvs[0].name)
    ax.set_title(f"simtheory bench {name}", fontsize=9)
    ax.figure.tight_layout()
    path = out / f"{csvs[0].stem}.png"
    ax.figure.savefig(path, dpi=130)
    plt.close(ax.figure)
    return path


def run_figures(names: Sequence[str] = (), quick: bool = False, echo=print) -> list[dict[str, Any]]:
    """Run ``paper_figs/make_*.py`` (``--quick`` passed to the scripts that accept it); one dict per script."""
    results = []
    for script in figure_scripts(names):
        cmd = [sys.executable, str(script)]
        if quick and "--quick" in script.read_text():
            cmd.append("--quick")
        echo(f"$ {' '.join(cmd)}")
        rc, seconds = run_script(cmd, script.parent.parent, None, echo)
        results.append({"script": script.name, "command": cmd, "returncode": rc, "seconds": round(seconds, 2)})
    return results
