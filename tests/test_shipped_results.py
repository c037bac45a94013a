"""The result files shipped inside the package (read by the claims of an installed copy) are exact
copies of committed runs that recorded a clean checkout (``paper_figs/ship_results.py``)."""

import gzip
import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [
    (ROOT / "simtheory" / "reward_models" / "results", g) for g in ("rm_quality", "rm_quantity", "rm_cross_prompt")
] + [(ROOT / "simtheory" / "risk_rate" / "results", "slopes.csv")]


@pytest.mark.parametrize("folder, key", SHIPPED, ids=[k for _, k in SHIPPED])
def test_shipped_copy_equals_its_committed_source(folder, key):
    entry = json.loads((folder / "PROVENANCE.json").read_text())[key]
    data = (folder / entry["file"]).read_bytes()
    if entry["file"].endswith(".gz"):
        data = gzip.decompress(data)
    assert hashlib.sha256(data).hexdigest() == entry["source_sha256"]
    assert entry["dirty"] is False and len(entry["git_commit"]) == 40 and len(entry["source_tree_sha256"]) == 64
    source = ROOT / entry["source"]
    if not source.exists():
        pytest.skip(f"{entry['source']} is not in this checkout (installed copy)")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == entry["source_sha256"], (
        f"{entry['source']} changed since it was shipped: run python paper_figs/ship_results.py"
    )
    meta = json.loads((source.parent / "meta.json").read_text())
    assert meta["provenance"]["git"]["commit"] == entry["git_commit"]
