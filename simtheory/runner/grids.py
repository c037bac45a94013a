"""Grids: declared in ``experiments/<name>.toml``, run cell by cell, resumable.

A grid file names a Python module and its parameters::

    name = "cross_prompt"
    description = "one line"
    module = "simtheory.cross_prompt.grid"
    [params]          # full run
    betas = [0.5, 1.0]
    [quick]           # overrides merged into params under --quick
    n_pairs = 100_000

The module provides

* ``cells(params) -> list[dict]``: the grid cells (JSON-serialisable dicts);
* ``run_cell(cell, params, seed, backend) -> list[dict]``: result rows for one cell,
  where ``seed`` is a :class:`numpy.random.SeedSequence` derived from the run seed
  and the cell key only (so serial, resumed and distributed runs agree);
* optionally ``summarize(rows, out_dir, params) -> dict``: figures and a summary.
"""
from __future__ import annotations

import importlib
import os
import sys
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from simtheory.runner.store import ResultStore, cell_key, run_metadata, write_json
from simtheory.validation import SimTheoryInputError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def grid_files() -> list[Path]:
    """Grid declarations: ``simtheory/<topic>/*.toml`` (package data) plus ``$SIMTHEORY_EXPERIMENTS/*.toml``."""
    files = sorted(PACKAGE_ROOT.glob("*/*.toml"))
    env = os.environ.get("SIMTHEORY_EXPERIMENTS")
    if env:
        files += sorted(Path(env).glob("*.toml"))
    # grids of installed packages ("simtheory.grids" entry points)
    from simtheory.plugins import grid_files as plugin_grid_files

    return files + plugin_grid_files()


@dataclass
class Grid:
    name: str
    description: str
    module: str
    params: dict[str, Any]
    quick: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    aliases: list[str] = field(default_factory=list)

    def resolved_params(self, quick: bool = False, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        p = dict(self.params)
        if quick:
            p.update(self.quick)
        for k, v in (overrides or {}).items():
            p[k] = v
        return p

    def load_module(self):
        return importlib.import_module(self.module)


def available_grids() -> dict[str, Grid]:
    grids = {}
    for path in grid_files():
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        name = data.get("name", path.stem)
        grids[name] = Grid(name=name, description=data.get("description", ""), module=data["module"],
                           params=data.get("params", {}), quick=data.get("quick", {}), path=path,
                           aliases=list(data.get("aliases", [])))
    return grids


def get_grid(name: str) -> Grid:
    if name.endswith(".toml"):
        # a grid file from anywhere: python -m simtheory.run path/to/grid.toml
        from simtheory.plugins import grid_from_file

        return grid_from_file(name)
    grids = available_grids()
    for grid in grids.values():
        if name in grid.aliases:
            return grid
    if name not in grids:
        raise SimTheoryInputError("grid", f"unknown grid {name!r}; available: {', '.join(sorted(grids)) or '(none)'}")
    return grids[name]


def cell_seed(root_seed: int, cell: dict) -> np.random.SeedSequence:
    """Seed of a cell: depends only on the run seed and the cell's canonical key."""
    return np.random.SeedSequence(entropy=int(root_seed), spawn_key=(zlib.crc32(cell_key(cell).encode()),))


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` with the value read as TOML (numbers, lists, strings, booleans)."""
    if "=" not in text:
        raise SimTheoryInputError("--set", f"expected key=value, got {text!r}")
    key, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip(), value


def execute_serial(run_cell: Callable, todo: list[dict], params: dict, seed: int, backend: str,
                   store: ResultStore, progress: bool) -> None:
    from tqdm.auto import tqdm

    for cell in tqdm(todo, desc="cells", unit="cell", disable=not progress, file=sys.stderr):
        rows = run_cell(cell, params, cell_seed(seed, cell), backend)
        store.append(cell, rows)


def run_grid(name: str, *, quick: bool = False, seed: int = 0, backend: str = "auto",
             out: Path | str | None = None, resume: bool = True, overrides: dict[str, Any] | None = None,
             progress: bool = True, executor: Callable | None = None) -> Path:
    """Run grid ``name`` and write ``meta.json``, ``results.csv`` and figures into ``out``.

    ``executor(run_cell, todo, params, seed, backend, store, progress)`` runs the
    unfinished cells (default: serial with a progress bar).
    """
    from simtheory.engine.backends import resolve_backend

    grid = get_grid(name)
    params = grid.resolved_params(quick, overrides)
    backend = resolve_backend(backend)
    out = Path(out) if out is not None else Path("results") / (grid.name + ("_quick" if quick else ""))
    out.mkdir(parents=True, exist_ok=True)
    mod = grid.load_module()
    cells = mod.cells(params)
    store = ResultStore(out / "results.csv")
    if not resume and store.path.exists():
        store.path.unlink()
    done = store.finished_cells()
    todo = [c for c in cells if cell_key(c) not in done]
    meta = run_metadata(grid=name, description=grid.description, quick=quick, seed=seed, backend=backend,
                        params=params, n_cells=len(cells), n_cells_resumed=len(cells) - len(todo),
                        grid_file=str(grid.path), command=" ".join(sys.argv))
    write_json(out / "meta.json", meta)
    t0 = time.perf_counter()
    (executor or execute_serial)(mod.run_cell, todo, params, seed, backend, store, progress)
    meta["wall_seconds"] = round(time.perf_counter() - t0, 3)
    rows = store.read_rows()
    if hasattr(mod, "summarize"):
        meta["summary"] = mod.summarize(rows, out, params)
        write_json(out / "summary.json", meta["summary"])
    write_json(out / "meta.json", meta)
    return out
