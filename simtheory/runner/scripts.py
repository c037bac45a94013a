"""Provenance and guards for the figure scripts (``paper_figs/make_*.py``), issue 20.

A grid run records itself (``meta.json`` written by :func:`simtheory.runner.grids.run_grid`). A figure
script that computes numbers of its own records the same way through :func:`script_record`:

* ``script`` (path relative to the repository root), ``script_sha256`` and ``argv``: the exact
  command, without ``--out`` / ``--allow-dirty``, so that :mod:`simtheory.runner.regenerate` can
  re-run it into a temporary folder;
* ``outputs``: SHA-256 of every data file (CSV, JSON, Markdown) in the output folder, the files
  that ``regenerate`` compares (grid runs in subfolders have their own records);
* ``provenance``: the same record as a grid run (commit, dirty flag and diff hash, source hash,
  CPU, threads, versions), plus whether the script itself differs from the commit.

:func:`guard_out` refuses to write into a committed results folder (``paper_figs/``) from a
checkout whose ``simtheory/`` or script has uncommitted changes, unless ``--allow-dirty`` is given
(and then the flag is recorded).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simtheory.runner import provenance as prov
from simtheory.validation import SimTheoryInputError

REPO_ROOT = prov.PACKAGE_DIR.parent
#: data files a script's record lists (and ``regenerate`` compares); figures are drawn from them
DATA_SUFFIXES = (".csv", ".json", ".md")
#: options that say where and how to write, not what to compute: left out of the recorded argv
_WHERE = ("--out", "--allow-dirty")


def add_allow_dirty(ap: argparse.ArgumentParser) -> None:
    """Add ``--allow-dirty`` (see :func:`guard_out`) to a parser: the run CLI, the report, the figure scripts."""
    ap.add_argument(
        "--allow-dirty",
        action="store_true",
        help="allow writing into a committed results folder (paper_figs/) from a modified checkout",
    )


def add_arguments(ap: argparse.ArgumentParser, default_out: Path) -> None:
    """Add ``--out`` (default ``default_out``) and ``--allow-dirty`` to a figure script's parser."""
    ap.add_argument("--out", default=str(default_out), help=f"output folder (default {default_out})")
    add_allow_dirty(ap)


def script_dirty(script: Path | str) -> bool | None:
    """True when ``script`` differs from the commit (or is untracked); None outside git."""
    script = Path(script).resolve()
    r = prov._git("status", "--porcelain", "--", str(script), cwd=script.parent)
    if r is None or r.returncode != 0:
        return None
    return bool(r.stdout.strip())


def guard_out(out: Path | str, script: Path | str | None, allow_dirty: bool, *, dirty: bool | None = None) -> None:
    """Refuse a committed results folder as ``out`` when simtheory or ``script`` is modified.

    ``dirty``: simtheory's dirty flag when the caller already has it (a grid run's provenance);
    otherwise it is asked from git.

    Raises
    ------
    SimTheoryInputError
        ``--out`` lies in ``paper_figs/`` (or a marked folder), the checkout is dirty and
        ``allow_dirty`` is False.
    """
    committed = prov.committed_folder(Path(out))
    if committed is None or allow_dirty:
        return
    if dirty is None:
        dirty = bool(prov.git_state().get("dirty"))
    if dirty or (script is not None and script_dirty(script)):
        raise SimTheoryInputError(
            "--out",
            f"{out} is in the committed results folder {committed} and the checkout has uncommitted "
            "changes; commit them first or pass --allow-dirty",
        )


def recorded_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` without the options in :data:`_WHERE` (and their values)."""
    out: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        name = a.split("=", 1)[0]
        if name in _WHERE:
            skip = name == "--out" and "=" not in a
            continue
        out.append(a)
    return out


def script_record(
    script: Path | str, argv: Sequence[str] | None, out: Path | str, *, allow_dirty: bool = False, **extra: Any
) -> dict[str, Any]:
    """The ``meta.json`` of a figure script's run (see the module docstring).

    Parameters
    ----------
    script : path
        the running script (``__file__``).
    argv : sequence of str, optional
        its arguments (default ``sys.argv[1:]``).
    out : path
        the folder it wrote; every data file in it is hashed into ``outputs``.
    allow_dirty : bool
        recorded as given.
    **extra
        further fields (seed, quick, summary, ...).
    """
    from simtheory.runner.store import run_metadata

    script = Path(script).resolve()
    try:
        rel = str(script.relative_to(REPO_ROOT))
    except ValueError:
        rel = str(script)
    out = Path(out)
    outputs = {
        p.name: prov.file_sha256(p)
        for p in sorted(out.iterdir())
        if p.is_file() and p.suffix in DATA_SUFFIXES and p.name != "meta.json"
    }
    kept = recorded_argv(sys.argv[1:] if argv is None else argv)
    return run_metadata(
        script=rel,
        script_sha256=prov.file_sha256(script),
        argv=kept,
        command=" ".join(["python", rel, *kept]),
        allow_dirty=bool(allow_dirty),
        outputs=outputs,
        provenance={**prov.provenance(), "script_dirty": script_dirty(script)},
        **extra,
    )
