"""Provenance of a run: which code, on which machine, with which threads (issue 20).

:func:`provenance` is recorded in every run manifest (``run.sqlite`` and ``meta.json``):

* ``git``: commit, whether the working tree is dirty, and the SHA-256 of ``git diff HEAD``
  (tracked changes) plus the names of untracked files under ``simtheory/``;
* ``source_sha256``: hash of every imported ``simtheory/**/*.py`` (relative path + bytes), which
  identifies the code even when it was not run from a git checkout;
* ``cpu``: model name, the SIMD flags numerical libraries dispatch on, and numpy's SIMD report;
* ``threads``: the OMP/MKL/OPENBLAS/NUMBA environment and the instruction-set overrides
  (``ATEN_CPU_CAPABILITY``, ``ONEDNN_MAX_CPU_ISA``, ``MKL_ENABLE_INSTRUCTIONS``, ...), numba's and
  torch's thread counts, torch's dispatch level, and the thread pools threadpoolctl sees;
  run manifests record it again after the cells ran (``threads_after_run``), when torch is loaded;
* ``versions``: Python and the scientific stack.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: CPU flags that BLAS, numpy, numba/LLVM and oneDNN choose kernels by
_SIMD_FLAG = re.compile(r"^(sse\d?(_\d)?|ssse3|avx\S*|fma\S*|f16c|bmi\d|amx\S*|vnni|sha_ni|aes)$")
#: environment overrides of instruction-set dispatch: with these a CPU behaves like an older one
DISPATCH_ENV = (
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "DNNL_MAX_CPU_ISA",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "OPENBLAS_CORETYPE",
    "NPY_DISABLE_CPU_FEATURES",
    "NUMBA_CPU_NAME",
    "NUMBA_CPU_FEATURES",
)
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "NUMBA_THREADING_LAYER",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "SIMTHEORY_CELL_BLAS_THREADS",
    *DISPATCH_ENV,
    "CUBLAS_WORKSPACE_CONFIG",
)
#: marker file: a folder (or any parent) holding it keeps committed results
COMMITTED_MARKER = ".simtheory-committed"


def _git(*args: str, cwd: Path = PACKAGE_DIR) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def git_state() -> dict[str, Any]:
    """Commit, dirty flag and diff hash of the checkout simtheory is imported from (None outside git)."""
    head = _git("rev-parse", "HEAD")
    if head is None or head.returncode != 0:
        return {"commit": None, "dirty": None, "diff_sha256": None, "untracked": []}
    diff = _git("diff", "HEAD", "--no-color", "--no-ext-diff", "--", ".")
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", ".")
    diff_bytes = diff.stdout if diff is not None else b""
    names = sorted(untracked.stdout.decode(errors="replace").split()) if untracked is not None else []
    names = [n for n in names if n.endswith((".py", ".toml"))]
    dirty = bool(diff_bytes) or bool(names)
    h = hashlib.sha256(diff_bytes)
    for n in names:  # untracked sources count as part of the diff
        h.update(n.encode())
        try:
            h.update((PACKAGE_DIR / n).read_bytes())
        except OSError:
            pass
    return {
        "commit": head.stdout.decode().strip(),
        "dirty": dirty,
        "diff_sha256": h.hexdigest() if dirty else None,
        "untracked": names,
    }


def source_sha256(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over (relative path, bytes) of every ``*.py`` and grid ``*.toml`` of the package."""
    h = hashlib.sha256()
    for p in sorted(list(root.rglob("*.py")) + list(root.glob("*/*.toml"))):
        if "__pycache__" in p.parts:
            continue
        h.update(str(p.relative_to(root)).encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def cpu_info() -> dict[str, Any]:
    """CPU model, SIMD flags (from /proc/cpuinfo) and numpy's SIMD/BLAS build report."""
    import platform

    out: dict[str, Any] = {
        "machine": platform.machine(),
        "model": platform.processor() or None,
        "simd_flags": [],
        "flags_sha256": None,
        "logical_cpus": os.cpu_count(),
    }
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, val = line.partition(":")
        key = key.strip()
        if key == "model name" and not out.get("model_name"):
            out["model_name"] = val.strip()
        elif key in ("flags", "Features") and out["flags_sha256"] is None:
            flags = sorted(val.split())
            out["simd_flags"] = [f for f in flags if _SIMD_FLAG.match(f)]
            out["flags_sha256"] = hashlib.sha256(" ".join(flags).encode()).hexdigest()
    try:
        import numpy as np

        cfg = np.show_config(mode="dicts")
        out["numpy_simd"] = cfg.get("SIMD Extensions")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        out["numpy_blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas}
    except Exception as exc:  # noqa: BLE001 - older numpy without mode="dicts"
        out["numpy_simd"] = f"unavailable: {type(exc).__name__}"
    return out


def thread_settings() -> dict[str, Any]:
    """Thread-related environment and the pools the numerical libraries actually use."""
    from simtheory.runner.determinism import blas_threads_per_cell

    out: dict[str, Any] = {
        "env": {k: os.environ.get(k) for k in THREAD_ENV if k in os.environ},
        "blas_threads_per_cell": blas_threads_per_cell(),
    }
    try:
        import numba

        out["numba_threads"] = numba.get_num_threads()
    except Exception as exc:  # noqa: BLE001
        out["numba_threads"] = f"unavailable: {type(exc).__name__}"
    if "torch" in sys.modules:  # do not import torch (seconds) just to ask
        torch = sys.modules["torch"]
        out["torch_threads"] = torch.get_num_threads()
        out["torch_deterministic"] = bool(torch.are_deterministic_algorithms_enabled())
        with contextlib.suppress(Exception):
            out["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    try:
        from threadpoolctl import threadpool_info

        out["threadpools"] = [
            {
                k: p.get(k)
                for k in ("user_api", "internal_api", "num_threads", "version", "architecture", "threading_layer")
            }
            for p in threadpool_info()
        ]
    except Exception as exc:  # noqa: BLE001 - threadpoolctl is optional
        out["threadpools"] = f"unavailable: {type(exc).__name__}"
    return out


def provenance() -> dict[str, Any]:
    """Everything needed to tell which code on which machine produced a result (see module docstring)."""
    from simtheory.runner.store import package_versions

    return {
        "git": git_state(),
        "source_sha256": source_sha256(),
        "cpu": cpu_info(),
        "threads": thread_settings(),
        "versions": package_versions(),
        "python_executable": sys.executable,
    }


def committed_folder(out: Path) -> Path | None:
    """The committed-results folder ``out`` lies in: ``paper_figs/`` or a folder with a
    ``.simtheory-committed`` marker (``out`` itself or a parent); None otherwise."""
    out = Path(out).resolve()
    for p in [out, *out.parents]:
        if p.name == "paper_figs" or (p / COMMITTED_MARKER).exists():
            return p
    return None
