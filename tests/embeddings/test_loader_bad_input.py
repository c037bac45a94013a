"""Issue 11, items 8-9: every malformed adapter input is one SimTheoryInputError line naming the field."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from simtheory.embeddings.loader import MinMaxScaler, load_embeddings
from simtheory.validation import SimTheoryInputError

GOOD = dict(prompt_id="p", embedding_1=[0.0, 1.0], embedding_2=[1.0, 0.0], label=1)


def _jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


CASES = {
    "jsonl_number": lambda p: _jsonl(p / "a.jsonl", ["5"]),
    "jsonl_list": lambda p: _jsonl(p / "a.jsonl", ["[1, 2, 3]"]),
    "jsonl_not_utf8": lambda p: (p / "a.jsonl").write_bytes(b'{"prompt_id": "\xff\xfe"}\n') and p / "a.jsonl",
    "jsonl_string_reward": lambda p: _jsonl(p / "a.jsonl", [json.dumps({**GOOD, "reward_1": "high", "reward_2": 1.0})]),
    "csv_empty": lambda p: (p / "a.csv").write_text("") or p / "a.csv",
    "csv_header_only": lambda p: (p / "a.csv").write_text("prompt_id,emb_0\n") or p / "a.csv",
    "csv_malformed": lambda p: (p / "a.csv").write_text('prompt_id,emb_0\n"a,1\nb,2,3,4\n') or p / "a.csv",
    "csv_not_utf8": lambda p: (p / "a.csv").write_bytes(b"prompt_id,emb_0\n\xff\xfe,1\n") and p / "a.csv",
    "csv_string_reward": lambda p: (p / "a.csv").write_text("prompt_id,emb_0,reward\na,1,x\nb,2,y\n") or p / "a.csv",
    "csv_renamed_columns": lambda p: (
        (p / "a.csv").write_text("question,emb_0,score\na,1,0.5\nb,2,0.1\n") or p / "a.csv"
    ),
    "csv_no_prompt_column": lambda p: (p / "a.csv").write_text("emb_0,emb_1\n1,2\n3,4\n") or p / "a.csv",
    "parquet_corrupt": lambda p: (p / "a.parquet").write_bytes(b"PAR1 this is not parquet PAR1") and p / "a.parquet",
    "npz_corrupt": lambda p: (p / "a.npz").write_bytes(gzip.compress(b"junk")) and p / "a.npz",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_one_line_error(tmp_path, case):
    path = CASES[case](tmp_path)
    with pytest.raises(SimTheoryInputError) as e:
        load_embeddings(path)
    msg = str(e.value)
    assert "\n" not in msg and ": " in msg and e.value.argument in ("embeddings", "prompt_id", "reward", "reward_1")


def test_huge_finite_values_scale_without_nan(tmp_path):
    """1.5e308 - (-1.5e308) overflows; the scaler halves first, so the result is exact and finite."""
    x = np.array([[1.5e308, 0.0], [-1.5e308, 1.0], [0.0, 0.5]])
    z, clipped = MinMaxScaler.fit(x).transform(x)
    assert np.all(np.isfinite(z)) and clipped == 0
    np.testing.assert_allclose(z[:, 0], [1.0, 0.0, 0.5])
    np.savez(tmp_path / "h.npz", embeddings=x, prompt_ids=np.array(["a", "a", "b"]))
    assert np.all(np.isfinite(load_embeddings(tmp_path / "h.npz").embeddings))


def test_single_prompt_file_is_refused_by_golden_reward_grids(tmp_path):
    from simtheory.reward_models.grid_common import _real_split

    df = pd.DataFrame({"prompt_id": ["a"] * 4, "reward": [0.0, 1.0, 2.0, 3.0], "emb_0": [0.1, 0.2, 0.3, 0.4]})
    df.to_csv(tmp_path / "one.csv", index=False)
    data = load_embeddings(tmp_path / "one.csv")
    with pytest.raises(SimTheoryInputError, match="^embeddings: needs at least 2 prompts"):
        _real_split(data, np.random.default_rng(0))
