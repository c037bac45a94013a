"""Rich output of the ``simtheory`` command: tables, JSON, one-line errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

VERDICT_STYLE = {
    "holds": "green",
    "holds within tolerance": "yellow green",
    "does not hold": "bold red",
    "inconclusive": "yellow",
    "not checkable": "dim",
    "counter-example": "magenta",
    "still holds": "cyan",
}


def console(file: IO[str] | None = None, stderr: bool = False):
    """A Rich console on ``file`` (default stdout, or stderr); plain text when not a terminal."""
    from rich.console import Console

    con = Console(stderr=stderr, soft_wrap=False) if file is None else Console(file=file, soft_wrap=False)
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con.width = 120  # logs and pipes: wide enough for a findings table
    return con


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    file: IO[str] | None = None,
    styles: dict[int, Any] | None = None,
) -> None:
    """Print a Rich table; ``styles`` maps a column index to a function value -> Rich style."""
    from rich.table import Table

    rows = [list(r) for r in rows]
    t = Table(title=title, title_justify="left", show_lines=False)
    # the first column holds identifiers (claim ids, grid names): never break them
    ids = [str(r[0]) for r in rows if r]
    first = max(map(len, ids)) if ids and not any(" " in x for x in ids) else None
    for i, c in enumerate(columns):
        t.add_column(c, overflow="fold", min_width=min(max(first, len(c)), 40) if i == 0 and first else None)
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            text = "" if v is None else str(v)
            style = (styles or {}).get(i)
            cells.append(f"[{style(text)}]{_escape(text)}[/]" if style and style(text) else _escape(text))
        t.add_row(*cells)
    console(file).print(t)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def verdict_style(v: str) -> str:
    return VERDICT_STYLE.get(v, "")


def headline_table(rows, title: str, file: IO[str] | None = None) -> None:
    """The findings of a grid run: claim | paper | ours (95% CI) | verdict | note."""
    table(
        title,
        ["claim", "paper", "ours (95% CI)", "verdict", "note"],
        [(r.claim, r.paper, r.ours, r.verdict, r.note) for r in rows],
        file=file,
        styles={3: verdict_style},
    )


def print_json(data: Any, file: IO[str] | None = None) -> None:
    """Machine-readable output (``--format json``): one JSON document on stdout."""
    from simtheory.runner.store import jsonable

    print(json.dumps(jsonable(data), indent=2), file=file or sys.stdout)


def error(message: str) -> None:
    """The one-line error convention: ``error: <argument>: <reason>`` on stderr."""
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
