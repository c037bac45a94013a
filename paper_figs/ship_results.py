"""Copy committed full-grid results into the package (``simtheory/*/results/``) with their provenance.

The claims of an installed simtheory read these copies (the wheel has no ``paper_figs/``):

* ``simtheory/reward_models/results/<grid>.csv.gz``: ``paper_figs/reward_models/<grid>/results.csv``,
  gzip -9 without a timestamp, so the bytes depend only on the rows;
* ``simtheory/risk_rate/results/slopes.csv``: ``paper_figs/risk_rate/slopes.csv``.

``PROVENANCE.json`` next to them names, for each file, its source, the SHA-256 of the source bytes,
the command, commit, dirty flag and source hash recorded by the run that produced it.
``tests/test_shipped_results.py`` checks that each copy equals its source.

Usage: python paper_figs/ship_results.py
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RM_GRIDS = ("rm_quality", "rm_quantity", "rm_cross_prompt")


def _record(meta: dict, source: Path) -> dict:
    from simtheory.runner.provenance import file_sha256

    prov = meta.get("provenance") or {}
    git = prov.get("git") or {}
    return {
        "source": str(source.relative_to(ROOT)),
        "source_sha256": file_sha256(source),
        "command": meta.get("command"),
        "git_commit": git.get("commit", meta.get("git_commit")),
        "dirty": git.get("dirty"),
        "source_tree_sha256": prov.get("source_sha256"),
        "created_utc": meta.get("created_utc"),
        "seed": meta.get("seed"),
        "params": meta.get("params"),
    }


def main() -> int:
    rm = ROOT / "simtheory" / "reward_models" / "results"
    entries = {}
    for grid in RM_GRIDS:
        src = HERE / "reward_models" / grid / "results.csv"
        meta = json.loads((src.parent / "meta.json").read_text())
        data = gzip.compress(src.read_bytes(), compresslevel=9, mtime=0)
        (rm / f"{grid}.csv.gz").write_bytes(data)
        entries[grid] = {"file": f"{grid}.csv.gz", **_record(meta, src)}
    (rm / "PROVENANCE.json").write_text(json.dumps(entries, indent=2) + "\n")

    rr = ROOT / "simtheory" / "risk_rate" / "results"
    src = HERE / "risk_rate" / "slopes.csv"
    meta = json.loads((src.parent / "meta.json").read_text())
    run_meta = json.loads((HERE / "risk_rate" / "run" / "meta.json").read_text())
    (rr / "slopes.csv").write_bytes(src.read_bytes())
    entry = {"file": "slopes.csv", **_record(meta, src)}
    entry["grid_run"] = _record(run_meta, HERE / "risk_rate" / "run" / "results.csv")
    (rr / "PROVENANCE.json").write_text(json.dumps({"slopes.csv": entry}, indent=2) + "\n")
    print("shipped:", ", ".join([*entries, "slopes.csv"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
