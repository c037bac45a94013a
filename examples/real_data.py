"""Real human preference data in two steps: convert chosen/rejected text, then train and check reward models.

    python examples/real_data.py PREFS.jsonl[.gz] --out results/real_data [--quick] [--limit N]

Equivalent to::

    python -m simtheory.embed PREFS --out results/real_data/prefs.npz
    python -m simtheory.run reward_models_human --embeddings results/real_data/prefs.npz --out results/real_data/run

and prints ``run/report.txt``: held-out accuracy, log-loss and ECE (bootstrap SEs over prompts) of every
reward model, and one line per check (see docs/real_data.md). The conversion is skipped when the .npz exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simtheory.embeddings.convert import convert
from simtheory.runner.grids import run_grid
from simtheory.validation import SimTheoryInputError


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prefs", help="preference file (see python -m simtheory.embed --help)")
    ap.add_argument("--out", default="results/real_data")
    ap.add_argument("--quick", action="store_true", help="quick grid (fewer models, folds and resamples)")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N comparisons")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    npz = out / "prefs.npz"
    try:
        if not npz.exists():
            convert(args.prefs, npz, limit=args.limit)
        run = run_grid("reward_models_human", quick=args.quick, out=out / "run", overrides={"embeddings": str(npz)})
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print((run / "report.txt").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
