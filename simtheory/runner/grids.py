"""Grids: declared in ``simtheory/<topic>/*.toml``, run cell by cell into a resumable run store.

A grid file names a Python module and its parameters::

    name = "cross_prompt"
    description = "one line"
    module = "simtheory.cross_prompt.grid"
    [params]          # full run
    betas = [0.5, 1.0]
    [quick]           # overrides merged into params under --quick
    n_pairs = 100_000

Optional top-level keys: ``aliases``, ``uses_embeddings = true`` (the grid accepts
``--embeddings FILE``) and a ``[regenerate]`` table for :mod:`simtheory.regenerate`
(``ignore_columns``, ``stochastic_rows``, ``tolerance_se``).

The module provides

* ``cells(params) -> list[dict]``: the grid cells (JSON-serialisable dicts);
* ``run_cell(cell, params, seed, backend) -> list[dict]``: result rows for one cell,
  where ``seed`` is a :class:`numpy.random.SeedSequence` derived from the run seed
  and the cell key only (so serial, resumed and distributed runs agree);
* optionally ``summarize(rows, out_dir, params) -> dict``: figures and a summary.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomllib

from simtheory.runner.store import cell_key
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
    """A grid declaration read from a ``*.toml`` file (see the module docstring).

    Attributes
    ----------
    name : str
        Grid name (the file's ``name``, else its stem).
    description : str
        One-line description.
    module : str
        Python module that provides ``cells``, ``run_cell`` and optionally ``summarize``.
    params : dict
        Parameters of the full run.
    quick : dict
        Overrides merged into ``params`` under ``--quick``.
    path : pathlib.Path or None
        The grid file.
    aliases : list of str
        Other names accepted by :func:`get_grid`.
    uses_embeddings : bool
        Whether the grid accepts ``--embeddings FILE``.
    regenerate : dict
        Settings for :mod:`simtheory.regenerate`.

    Examples
    --------
    >>> grid = get_grid("rm_quality")
    >>> grid.name, grid.module
    ('reward_models_quality', 'simtheory.reward_models.grid_quality')
    >>> grid.resolved_params(overrides={"betas": [1.0]})["betas"]
    [1.0]
    """

    name: str
    description: str
    module: str
    params: dict[str, Any]
    quick: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    aliases: list[str] = field(default_factory=list)
    uses_embeddings: bool = False
    regenerate: dict[str, Any] = field(default_factory=dict)

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
    """All declared grids, by name, read from :func:`grid_files`.

    Returns
    -------
    dict of str to Grid
        The grids, keyed by their names (aliases are not keys).

    Examples
    --------
    >>> grids = available_grids()
    >>> "cross_prompt" in grids, grids["cross_prompt"].module
    (True, 'simtheory.cross_prompt.grid')
    """
    grids = {}
    for path in grid_files():
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        name = data.get("name", path.stem)
        grids[name] = Grid(
            name=name,
            description=data.get("description", ""),
            module=data["module"],
            params=data.get("params", {}),
            quick=data.get("quick", {}),
            path=path,
            aliases=list(data.get("aliases", [])),
            uses_embeddings=bool(data.get("uses_embeddings", False)),
            regenerate=dict(data.get("regenerate", {})),
        )
    return grids


def get_grid(name: str) -> Grid:
    """The grid called ``name`` (or with that alias), or the grid file ``name`` if it ends in ``.toml``.

    Parameters
    ----------
    name : str
        A grid name, an alias, or a path to a grid file.

    Returns
    -------
    Grid
        The grid declaration.

    Raises
    ------
    SimTheoryInputError
        If no grid has that name or alias.

    Examples
    --------
    >>> get_grid("gpm_cyclic").name
    'general_preference_cyclic'
    >>> get_grid("nope")
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: grid: unknown grid 'nope'; available: ...
    """
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
    """Seed of a cell: depends only on the run seed and the cell's canonical key.

    Parameters
    ----------
    root_seed : int
        The run seed.
    cell : dict
        A grid cell (JSON-serialisable).

    Returns
    -------
    numpy.random.SeedSequence
        Seed with entropy ``root_seed`` and spawn key the CRC-32 of the cell's key, so serial,
        resumed and distributed runs draw the same numbers.

    Examples
    --------
    >>> a = cell_seed(0, {"beta": 1.0, "family": "gaussian"})
    >>> b = cell_seed(0, {"family": "gaussian", "beta": 1.0})
    >>> bool((a.generate_state(2) == b.generate_state(2)).all())
    True
    >>> bool((a.generate_state(2) == cell_seed(1, {"beta": 1.0, "family": "gaussian"}).generate_state(2)).all())
    False
    """
    return np.random.SeedSequence(entropy=int(root_seed), spawn_key=(zlib.crc32(cell_key(cell).encode()),))


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` with the value read as TOML (numbers, lists, strings, booleans)."""
    if "=" not in text:
        raise SimTheoryInputError("--set", f"expected key=value, got {text!r}")
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key:
        raise SimTheoryInputError("--set", f"missing parameter name in {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "table"
    return type(v).__name__


def _check_value(name: str, declared: Any, value: Any) -> Any:
    """``value`` checked against the type of the declared default (int stays int, floats finite)."""
    want, got = _kind(declared), _kind(value)
    if want == "int":
        if got != "int":
            raise SimTheoryInputError(name, f"expected an integer, got {value!r}")
        if abs(value) >= 2**63:
            raise SimTheoryInputError(name, f"integer out of range: {value}")
        return value
    if want == "float":
        if got not in ("int", "float"):
            raise SimTheoryInputError(name, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise SimTheoryInputError(name, f"must be finite, got {value}")
        return float(value)
    if want in ("bool", "str", "table") and got != want:
        expect = {"bool": "true or false", "str": "a string", "table": "a TOML table"}[want]
        raise SimTheoryInputError(name, f"expected {expect}, got {value!r}")
    if want == "list":
        if got != "list":
            raise SimTheoryInputError(name, f"expected a list like [1, 2], got {value!r}")
        kinds = {_kind(x) for x in declared}
        if len(kinds) == 1 and declared and kinds.pop() in ("int", "float", "str", "bool"):
            return [_check_value(f"{name}[{i}]", declared[0], x) for i, x in enumerate(value)]
    return value


def check_overrides(grid: Grid, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Overrides checked against the grid's declared parameters (names and types).

    Raises SimTheoryInputError naming ``--set KEY`` for an unknown key or a value of the wrong
    type (``n_pairs=2.5``, ``abc``, ``nan``, ``1e13`` for an integer), and ``--embeddings`` on a
    grid that does not declare ``uses_embeddings = true``.
    """
    import difflib

    out: dict[str, Any] = {}
    declared = {**grid.params, **grid.quick}
    for key, value in (overrides or {}).items():
        if key == "embeddings":
            if value is None or value == "":
                continue
            if not grid.uses_embeddings:
                users = sorted(n for n, g in available_grids().items() if g.uses_embeddings)
                raise SimTheoryInputError(
                    "--embeddings",
                    f"grid {grid.name!r} does not use embeddings (grids that do: {', '.join(users) or 'none'})",
                )
            if value == "example":  # the shipped MiniLM example (simtheory.embeddings.example)
                out[key] = value
                continue
            if not isinstance(value, (str, os.PathLike)) or not Path(value).is_file():
                raise SimTheoryInputError("--embeddings", f"no such file: {value}")
            out[key] = str(value)
            continue
        if key not in declared:
            close = difflib.get_close_matches(key, list(declared), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SimTheoryInputError(
                f"--set {key}",
                f"grid {grid.name!r} has no parameter {key!r}{hint} (parameters: {', '.join(sorted(declared))})",
            )
        out[key] = _check_value(f"--set {key}", declared[key], value)
    return out


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise SimTheoryInputError("--seed", f"expected a non-negative integer, got {seed!r}")
    if not 0 <= int(seed) < 2**63:
        raise SimTheoryInputError("--seed", f"must be an integer in [0, 2**63), got {seed}")
    return int(seed)


def execute_serial(
    run_cell: Callable, todo: list[dict], params: dict, seed: int, backend: str, store: Any, progress: bool
) -> None:
    """Run the cells one after the other in this process, storing each as it finishes."""
    from tqdm.auto import tqdm

    from simtheory.runner.determinism import cell_threads

    for cell in tqdm(todo, desc="cells", unit="cell", disable=not progress, file=sys.stderr):
        t0 = time.perf_counter()
        with cell_threads():
            rows = run_cell(cell, params, cell_seed(seed, cell), backend)
        store.append(cell, rows, seconds=round(time.perf_counter() - t0, 4))


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: the finished cells are stored; rerunning the same command resumes."""

    def __init__(self, saved: int, total: int):
        self.saved, self.total = saved, total
        super().__init__(f"interrupted: {saved} of {total} cells saved; rerun the same command to resume")


def _is_interrupt(exc: BaseException) -> bool:
    """A SystemError that wraps a KeyboardInterrupt (Ctrl-C inside a numba kernel)."""
    seen = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return _SIGINT_SEEN[0]


_SIGINT_SEEN = [False]


@contextlib.contextmanager
def _watch_sigint():
    """Remember that SIGINT arrived (a numba kernel may turn the KeyboardInterrupt into a SystemError)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):  # Ctrl-C ignored by the caller (nohup, ...): leave it so
        yield
        return

    def handler(signum, frame):
        _SIGINT_SEEN[0] = True
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt

    _SIGINT_SEEN[0] = False
    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def fingerprint_of(
    grid: Grid, *, quick: bool, seed: int, backend: str, params: dict[str, Any], inputs: dict[str, str]
) -> dict[str, Any]:
    """What must be equal for a stored cell to be reused: grid, parameters, seed, backend,
    package version and the content hash of every input file."""
    from simtheory.runner.store import jsonable, package_versions

    return jsonable(
        {
            "grid": grid.name,
            "quick": bool(quick),
            "seed": seed,
            "backend": backend,
            "params": params,
            "inputs": inputs,
            "simtheory_version": package_versions().get("simtheory"),
        }
    )


def run_grid(
    name: str,
    *,
    quick: bool = False,
    seed: int = 0,
    backend: str = "auto",
    out: Path | str | None = None,
    resume: bool = True,
    overrides: dict[str, Any] | None = None,
    progress: bool = True,
    executor: Callable | None = None,
    allow_dirty: bool = False,
    command: str | None = None,
) -> Path:
    """Run grid ``name`` into the run store ``out/run.sqlite`` and export ``results.csv``,
    ``meta.json``, ``summary.json`` and figures.

    Every input is validated before anything is written. ``resume`` (default) reuses the stored
    cells when the fingerprint (grid, parameters, seed, backend, version, input hashes) matches;
    ``resume=False`` (``--fresh``) replaces the old results once the first new cell is stored.
    ``executor(run_cell, todo, params, seed, backend, store, progress)`` runs the unfinished
    cells (default: serial). ``allow_dirty`` permits writing into a committed results folder
    (``paper_figs/`` or one marked ``.simtheory-committed``) from a modified checkout.

    Parameters
    ----------
    name : str
        Grid name, alias or grid file (see :func:`get_grid`).
    quick : bool, default False
        Merge the grid's ``[quick]`` overrides into its parameters.
    seed : int, default 0
        Run seed in [0, 2^63); each cell's seed comes from :func:`cell_seed`.
    backend : str, default "auto"
        Monte-Carlo backend (see :func:`~simtheory.engine.backends.resolve_backend`).
    out : pathlib.Path or str, optional
        Output folder (default ``results/<grid>[_quick]``).
    resume : bool, default True
        Reuse stored cells with a matching fingerprint; False replaces them.
    overrides : dict, optional
        Parameter overrides (``--set key=value``), checked against the declared types.
    progress : bool, default True
        Show progress.
    executor : callable, optional
        Runs the unfinished cells (default: serial).
    allow_dirty : bool, default False
        Permit writing into a committed results folder from a modified checkout.
    command : str, optional
        Command line recorded in the manifest (default ``sys.argv``).

    Returns
    -------
    pathlib.Path
        The output folder.

    Raises
    ------
    SimTheoryInputError
        bad parameters, a fingerprint mismatch, a locked, damaged or foreign folder.
    RunInterrupted
        Ctrl-C; the finished cells are stored.

    Examples
    --------
    A run such as ``run_grid("cross_prompt", quick=True, out=folder)`` takes seconds; bad input
    fails before anything is written:

    >>> run_grid("cross_prompt", seed=-1)
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: --seed: must be an integer in [0, 2**63), got -1
    >>> run_grid("cross_prompt", overrides={"n_pairs": "many"})
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: --set n_pairs: expected an integer, got 'many'
    """
    from simtheory.engine.backends import resolve_backend
    from simtheory.runner import provenance as prov
    from simtheory.runner.runstore import STORE, FolderLock, RunStore, folder_state
    from simtheory.runner.scripts import guard_out

    grid = get_grid(name)
    seed = check_seed(seed)
    checked = check_overrides(grid, overrides)
    params = grid.resolved_params(quick, checked)
    backend = resolve_backend(backend)
    inputs = {}
    if params.get("embeddings"):
        path = params["embeddings"]
        if path == "example":
            from simtheory.embeddings.example import example_path

            path = example_path()
        inputs["embeddings"] = prov.file_sha256(path)
    out = Path(out) if out is not None else Path("results") / (grid.name + ("_quick" if quick else ""))
    mod = grid.load_module()
    if hasattr(mod, "validate"):
        mod.validate(params)
    cells = mod.cells(params)
    provenance = prov.provenance()
    guard_out(out, None, allow_dirty, dirty=bool(provenance["git"].get("dirty")))
    kind, _ = folder_state(out)
    if kind == "legacy" and resume:
        raise SimTheoryInputError(
            "--out",
            f"{out} holds results of an older simtheory without a run store; "
            "pass --fresh to replace them or choose a new --out",
        )
    fingerprint = fingerprint_of(grid, quick=quick, seed=seed, backend=backend, params=params, inputs=inputs)
    command = command if command is not None else " ".join(sys.argv)
    manifest = {
        "grid": grid.name,
        "description": grid.description,
        "quick": bool(quick),
        "seed": seed,
        "backend": backend,
        "params": params,
        "inputs": inputs,
        "grid_file": str(grid.path),
        "n_cells": len(cells),
        "command": command,
    }
    created_dir = not out.exists()
    new_store = kind == "new" and not (out / STORE).exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimTheoryInputError("--out", f"cannot create the folder {out}: {exc.strerror or exc}") from None
    lock = FolderLock(out).acquire()
    store = None
    finished = 0
    ok = False
    try:
        kind, _ = folder_state(out)  # again, now that we hold the lock
        store = RunStore.open(
            out,
            fingerprint=fingerprint,
            manifest=manifest,
            cells=cells,
            fresh=not resume,
            kind=kind,
            argv=command,
            provenance=provenance,
            allow_dirty=allow_dirty,
        )
        done = store.finished_cells()
        todo = [c for c in cells if cell_key(c) not in done]
        n_resumed = len(cells) - len(todo)
        t0 = time.perf_counter()
        try:
            with _watch_sigint():
                (executor or execute_serial)(mod.run_cell, todo, params, seed, backend, store, progress)
        except (KeyboardInterrupt, SystemError) as exc:
            if isinstance(exc, SystemError) and not _is_interrupt(exc):
                raise
            store.end_session("interrupted")
            raise RunInterrupted(store.n_finished(), len(cells)) from None
        except BaseException:
            store.end_session("failed")
            raise
        try:
            _export(
                store,
                out,
                mod,
                params,
                manifest,
                provenance,
                n_resumed=n_resumed,
                allow_dirty=allow_dirty,
                wall=round(time.perf_counter() - t0, 3),
                n_cells=len(cells),
            )
        except KeyboardInterrupt:
            store.end_session("interrupted")
            raise RunInterrupted(store.n_finished(), len(cells)) from None
        ok = True
    finally:
        if store is not None:
            finished = store.n_finished()
            store.close()
        lock.release()
        if new_store and finished == 0 and not ok:
            _remove_empty_store(out, remove_dir=created_dir)  # a run that stored nothing leaves nothing behind
    return out


def _remove_empty_store(out: Path, *, remove_dir: bool) -> None:
    from simtheory.runner.runstore import LOCK, STORE

    for name in (STORE, STORE + "-wal", STORE + "-shm", STORE + "-journal", LOCK):
        with contextlib.suppress(OSError):
            (out / name).unlink()
    if remove_dir:
        with contextlib.suppress(OSError):
            out.rmdir()


def _export(
    store: Any,
    out: Path,
    mod: Any,
    params: dict,
    manifest: dict,
    provenance: dict,
    *,
    n_resumed: int,
    allow_dirty: bool,
    wall: float,
    n_cells: int,
) -> None:
    """Write results.csv, summary.json, figures and meta.json from the store (each file atomically)."""
    import json
    import shutil
    import tempfile

    from simtheory.runner import provenance as prov
    from simtheory.runner.runstore import EXPORTS
    from simtheory.runner.store import (
        TMP_PREFIX,
        ResultStore,
        atomic_write,
        csv_text,
        jsonable,
        package_versions,
        write_json,
    )

    store.finish_fresh()
    for stale in out.glob(TMP_PREFIX + "*"):  # left by a crash (we hold the folder lock)
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                stale.unlink()
    fields, rows = store.export_rows()
    written = {"results.csv": atomic_write(out / "results.csv", csv_text(fields, rows))}
    meta = {
        "created_utc": provenance_time(),
        "git_commit": provenance["git"].get("commit"),
        "versions": package_versions(),
        **manifest,
        "n_cells_resumed": n_resumed,
        "wall_seconds": wall,
        "complete": store.n_finished() == n_cells,
        "allow_dirty": bool(allow_dirty),
        "fingerprint": store.fingerprint,
        "provenance": {**provenance, "threads_after_run": prov.thread_settings()},
    }
    rows_back = ResultStore(out / "results.csv").read_rows()
    figures: list[str] = []
    if hasattr(mod, "summarize"):
        # The grid's summary and figures are written into a staging folder inside ``out`` (ignored as
        # simtheory's own temporary files), recorded in the store, and only then moved into place: a
        # crash at any instant leaves no file that the store does not know.
        staging = Path(tempfile.mkdtemp(dir=out, prefix=TMP_PREFIX + "export-"))
        try:
            summary = mod.summarize(rows_back, staging, params)
            figures = sorted(p.name for p in staging.iterdir() if p.is_file())
            store.record_files(dict.fromkeys([*figures, "summary.json"]))
            for name in figures:
                os.replace(staging / name, out / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        summary = json.loads(
            json.dumps(jsonable(summary)).replace(json.dumps(str(staging))[1:-1], json.dumps(str(out))[1:-1])
        )
        meta["summary"] = summary
        write_json(out / "summary.json", summary)
    store.end_session("finished")
    meta["sessions"] = store.sessions()
    meta["mixed_code"] = len({s["source_sha256"] for s in meta["sessions"] if s["cells_saved"]}) > 1
    files = set(written) | {"meta.json"} | set(figures) | ({"summary.json"} if "summary" in meta else set())
    meta["files"] = sorted(files | (set(EXPORTS) & {p.name for p in out.iterdir()}))
    store.record_files(dict.fromkeys(meta["files"]))
    write_json(out / "meta.json", jsonable(meta))


def provenance_time() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
