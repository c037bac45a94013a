"""Result folders: a transactional SQLite run store and its exports.

Layout written for a grid run::

    OUT/
      run.sqlite     the run store (the truth): manifest + fingerprint, one transaction per finished cell
      results.csv    export of the store: one row per (cell, statistic), cells in grid order
      meta.json      export: config, seed, backend, fingerprint, provenance, timings
      summary.json   grid-level summary written by the grid's ``summarize``
      *.pdf, *.png   figures
      .simtheory.lock  exclusive lock of the run holding the folder

Every file but the store is written atomically (a unique temporary file in the folder, created
with ``O_EXCL`` so that it never follows a planted symlink, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import functools
import io
import json
import math
import os
import platform
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_VERSIONED = [
    "numpy",
    "scipy",
    "numba",
    "sympy",
    "statsmodels",
    "matplotlib",
    "pandas",
    "torch",
    "lightgbm",
    "cupy",
    "dask",
    "distributed",
    "choix",
]


def package_versions() -> dict[str, str]:
    """Versions of Python, simtheory and the scientific stack (only those importable)."""
    return dict(_package_versions())


@functools.lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for name in ["simtheory", *_VERSIONED]:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None


def jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays and Paths so ``json.dump`` accepts them."""
    import numpy as np

    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and math.isnan(obj):  # NaN -> null
        return None
    return obj


TMP_PREFIX = ".simtheory-tmp-"


def atomic_write(path: Path | str, data: bytes | str, *, writer=None) -> Path:
    """Write ``path`` atomically: a unique temporary file in the same folder (``mkstemp``:
    ``O_CREAT | O_EXCL``, so never through a symlink), fsync, then ``os.replace``.

    ``writer(fh)`` (a binary file object) may stand in for ``data``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            if writer is not None:
                writer(fh)
            else:
                fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def write_json(path: Path | str, data: Any) -> None:
    atomic_write(path, json.dumps(jsonable(data), indent=2, sort_keys=False) + "\n")


def cell_key(cell: dict) -> str:
    """Canonical string identifying a grid cell (used for resume and seeding)."""
    return json.dumps(jsonable(cell), sort_keys=True, separators=(",", ":"))


def csv_text(fields: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=fields, restval="")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


class ResultStore:
    """Reader of an exported ``results.csv`` (``read_rows`` parses numbers back).

    Every row carries a ``cell`` column (the canonical cell key). ``append`` is kept for
    callers that build a CSV by hand; grid runs write through :class:`RunStore`.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()

    def finished_cells(self) -> set[str]:
        if not self.path.exists():
            return set()
        with self.path.open(newline="") as fh:
            return {row["cell"] for row in csv.DictReader(fh) if row.get("cell")}

    def read_rows(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        return [{k: _parse(v) for k, v in row.items()} for row in rows]

    def append(self, cell: dict, rows: Iterable[dict[str, Any]]) -> None:
        key = cell_key(cell)
        rows = [{"cell": key, **{k: jsonable(v) for k, v in r.items()}} for r in rows]
        if not rows:
            rows = [{"cell": key}]
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            existing = self._header()
            fields = list(existing) if existing else []
            for r in rows:
                for k in r:
                    if k not in fields:
                        fields.append(k)
            if existing and fields != existing:
                self._rewrite_with(fields)
            new = not self.path.exists() or self.path.stat().st_size == 0
            with self.path.open("a", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, restval="")
                if new:
                    w.writeheader()
                w.writerows(rows)
                fh.flush()
                os.fsync(fh.fileno())

    def _header(self) -> list[str] | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        with self.path.open(newline="") as fh:
            return next(csv.reader(fh), None)

    def _rewrite_with(self, fields: list[str]) -> None:
        with self.path.open(newline="") as fh:
            old = list(csv.DictReader(fh))
        atomic_write(self.path, csv_text(fields, old))


def _parse(v: str) -> Any:
    if v is None or v == "":
        return None
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    if v in ("True", "False"):
        return v == "True"
    return v


def save_figure(fig, out_dir: Path | str, name: str, *, dpi: int = 200) -> list[Path]:
    """Save a matplotlib figure as vector PDF and PNG; returns the two paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.pdf", out_dir / f"{name}.png"]
    atomic_write(paths[0], b"", writer=lambda fh: fig.savefig(fh, format="pdf", bbox_inches="tight"))
    atomic_write(paths[1], b"", writer=lambda fh: fig.savefig(fh, format="png", bbox_inches="tight", dpi=dpi))
    return paths


def paper_style() -> None:
    """Matplotlib settings for paper figures (vector text, readable sizes, no GUI backend)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "font.size": 9,
            "axes.titlesize": 9,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "figure.figsize": (3.4, 2.6),
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def run_metadata(**extra: Any) -> dict[str, Any]:
    return {
        "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "versions": package_versions(),
        **extra,
    }
