"""Real HH-RLHF pairs (../shared/data/hh_rlhf_harmless, not in the repository): skipped when absent.
Nothing of the (offensive, red-teaming) text is printed; only counts are asserted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "harmless_base_test_part1.jsonl.gz"


def hh_rlhf_file() -> Path | None:
    """The shared HH-RLHF file: ``$SIMTHEORY_HH_RLHF`` (folder), else ``shared/data/hh_rlhf_harmless`` beside
    the repository or one level further up (git worktrees)."""
    cands = [Path(os.environ["SIMTHEORY_HH_RLHF"])] if os.environ.get("SIMTHEORY_HH_RLHF") else []
    cands += [ROOT / "../shared/data/hh_rlhf_harmless", ROOT / "../../shared/data/hh_rlhf_harmless"]
    for c in cands:
        if (c / NAME).is_file():
            return (c / NAME).resolve()
    return None


HH = hh_rlhf_file()
needs_data = pytest.mark.skipif(HH is None, reason="HH-RLHF sample not found (set SIMTHEORY_HH_RLHF)")


@needs_data
def test_hh_rlhf_pairs_parse():
    """README: 1,156 pairs sharing every turn but the last; a few empty chosen responses."""
    from simtheory.embeddings.convert import read_preferences

    prefs, stats = read_preferences(HH)
    assert stats["records"] == 1156 and stats["shape"] == "dialogue_pairs"
    assert stats["prompt_mismatch"] + stats["identical_texts"] + len(prefs) == 1156
    assert len(prefs) > 1100 and all(p.prompt.endswith("Assistant:") for p in prefs)


@needs_data
@pytest.mark.slow
def test_hh_rlhf_convert_and_quick_human_grid(tmp_path):
    """First 120 pairs through MiniLM and the quick human-label grid: every model has an SE, the checks
    that need a golden reward say so."""
    pytest.importorskip("sentence_transformers")
    from simtheory.embeddings.convert import convert
    from simtheory.runner.grids import run_grid

    meta = convert(HH, tmp_path / "hh.npz", progress=False, limit=120, log=lambda *a, **k: None)
    assert meta["truncation"]["pairs"] == 120
    out = run_grid(
        "reward_models_human",
        quick=True,
        out=tmp_path / "run",
        progress=False,
        overrides={"embeddings": str(tmp_path / "hh.npz"), "n_boot": 200},
    )
    s = json.loads((out / "summary.json").read_text())
    for m in s["heldout"]["metrics"].values():
        assert m["n_pairs"] == 120 and (m["accuracy_se"] > 0 or m["label"] == "random baseline")
    assert all("golden reward" in v["verdict"] or "premise not met" in v["verdict"] for v in s["prop14"].values())
    assert np.isfinite(s["heldout"]["metrics"]["bt_mlp"]["log_loss"])
