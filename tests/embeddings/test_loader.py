"""The real-embedding adapter: formats, validation errors, [0, 1]^d scaling, scaler reuse, grid hook."""

import json

import numpy as np
import pandas as pd
import pytest
from mc_helpers import Z

from simtheory.embeddings import EmbeddingData, load_embeddings, load_for_grid
from simtheory.embeddings.example import example_path, load_example
from simtheory.validation import SimTheoryInputError


def _toy(n=12, d=4, seed=0):
    rng = np.random.default_rng(seed)
    emb = rng.normal(size=(n, d)) * 3 + 1
    pids = np.array([f"p{i // 3}" for i in range(n)])
    rids = np.array([f"r{i % 3}" for i in range(n)])
    reward = emb @ np.arange(1, d + 1)
    pairs = np.array([[0, 1], [3, 5], [2, 7]])
    labels = np.array([1, 0, 1])
    return emb, pids, rids, reward, pairs, labels


def _check_scaled(data: EmbeddingData, emb):
    assert data.embeddings.min() == 0.0 and data.embeddings.max() == 1.0
    np.testing.assert_allclose(data.embeddings.min(axis=0), 0.0)
    np.testing.assert_allclose(data.embeddings.max(axis=0), 1.0)
    np.testing.assert_allclose(data.raw, emb)


def test_npz_roundtrip(tmp_path):
    emb, pids, rids, reward, pairs, labels = _toy()
    np.savez(
        tmp_path / "a.npz",
        embeddings=emb,
        prompt_ids=pids,
        response_ids=rids,
        reward=reward,
        pairs=pairs,
        labels=labels,
    )
    d = load_embeddings(tmp_path / "a.npz")
    _check_scaled(d, emb)
    assert d.n == 12 and d.dim == 4 and d.n_prompts == 4
    np.testing.assert_array_equal(d.pairs, pairs)
    np.testing.assert_array_equal(d.labels, labels)
    np.testing.assert_allclose(d.reward, reward)
    # the scaled embedding is an affine map of the raw one per dimension
    np.testing.assert_allclose(d.embeddings * (d.scaler.hi - d.scaler.lo) + d.scaler.lo, emb)


def test_npy_parquet_csv_agree(tmp_path):
    emb, pids, rids, reward, *_ = _toy()
    np.save(tmp_path / "a.npy", emb)
    df = pd.DataFrame({"prompt_id": pids, "response_id": rids, "reward": reward, "embedding": list(emb)})
    df.to_parquet(tmp_path / "a.parquet")
    df.assign(embedding=[json.dumps(list(map(float, e))) for e in emb]).to_csv(tmp_path / "a.csv", index=False)
    wide = pd.DataFrame(emb, columns=[f"emb_{j}" for j in range(emb.shape[1])]).assign(prompt_id=pids)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    ref = load_embeddings(tmp_path / "a.npy")
    assert set(ref.prompt_ids) == {"p0"}
    for name in ("a.parquet", "a.csv", "wide.csv"):
        d = load_embeddings(tmp_path / name)
        np.testing.assert_allclose(d.embeddings, ref.embeddings, atol=1e-12)
        np.testing.assert_array_equal(d.prompt_ids, pids)


def test_jsonl_pairs_deduplicate_responses(tmp_path):
    emb, pids, rids, reward, pairs, labels = _toy()
    lines = [
        dict(
            prompt_id_1=pids[a],
            prompt_id_2=pids[b],
            response_id_1=rids[a],
            response_id_2=rids[b],
            embedding_1=emb[a].tolist(),
            embedding_2=emb[b].tolist(),
            reward_1=reward[a],
            reward_2=reward[b],
            label=int(y),
        )
        for (a, b), y in zip([[0, 1], [1, 2], [0, 2], [3, 0]], [1, 0, 1, 1])
    ]
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    d = load_embeddings(tmp_path / "p.jsonl")
    assert d.n == 4 and d.pairs.shape == (4, 2)
    np.testing.assert_allclose(d.raw[d.pairs[:, 0]], emb[[0, 1, 0, 3]])
    np.testing.assert_array_equal(d.labels, [1, 0, 1, 1])
    # same response id with another embedding: an id mismatch naming the field
    lines[2]["embedding_1"] = (emb[0] + 1).tolist()
    (tmp_path / "bad.jsonl").write_text("\n".join(json.dumps(x) for x in lines))
    with pytest.raises(SimTheoryInputError, match=r"^embedding_1: line 3: .*id mismatch"):
        load_embeddings(tmp_path / "bad.jsonl")


def test_scaler_reused_on_held_out_data(tmp_path):
    emb, pids, *_ = _toy(n=30)
    train = load_embeddings(_save(tmp_path / "tr.npz", emb[:20], pids[:20]))
    test = load_embeddings(_save(tmp_path / "te.npz", emb[20:], pids[20:]), scaler=train.scaler)
    z, n_clip = train.scaler.transform(emb[20:])
    np.testing.assert_allclose(test.embeddings, z)
    assert test.n_clipped == n_clip and 0.0 <= test.embeddings.min() and test.embeddings.max() <= 1.0
    with pytest.raises(SimTheoryInputError, match="^embeddings: has 3 dimensions"):
        train.scaler.transform(emb[:, :3])


def _save(path, emb, pids=None, **more):
    arrays = {"embeddings": emb, **more}
    if pids is not None:
        arrays["prompt_ids"] = pids
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "make, field, text",
    [
        (
            lambda e, p: dict(embeddings=np.where(np.arange(e.size).reshape(e.shape) == 5, np.nan, e)),
            "embeddings",
            "NaN",
        ),
        (lambda e, p: dict(embeddings=e[:, 0]), "embeddings", "2-d"),
        (lambda e, p: dict(embeddings=e.astype(str)), "embeddings", "not numeric"),
        (lambda e, p: dict(embeddings=e, prompt_ids=p[:-1]), "prompt_ids", "11 entries"),
        (lambda e, p: dict(embeddings=e, reward=np.ones(5)), "reward", "shape"),
        (lambda e, p: dict(embeddings=e, pairs=np.array([[0, 99]])), "pairs", "out of range"),
        (lambda e, p: dict(embeddings=e, pairs=np.array([[0, 1]]), labels=np.array([2])), "labels", "0 or 1"),
        (lambda e, p: dict(embeddings=e, labels=np.array([1])), "labels", "without pairs"),
        (
            lambda e, p: dict(embeddings=e, prompt_ids=np.zeros(12), response_ids=np.zeros(12)),
            "response_ids",
            "duplicate",
        ),
    ],
)
def test_bad_input_one_line_error_naming_field(tmp_path, make, field, text):
    emb, pids, *_ = _toy()
    np.savez(tmp_path / "x.npz", **make(emb, pids))
    with pytest.raises(SimTheoryInputError) as e:
        load_embeddings(tmp_path / "x.npz")
    msg = str(e.value)
    assert msg.startswith(f"{field}: ") and text in msg and "\n" not in msg


def test_bad_paths(tmp_path):
    with pytest.raises(SimTheoryInputError, match="^embeddings: no such file"):
        load_embeddings(tmp_path / "missing.npz")
    (tmp_path / "x.txt").write_text("1 2 3")
    with pytest.raises(SimTheoryInputError, match="^embeddings: unsupported file type"):
        load_embeddings(tmp_path / "x.txt")
    pd.DataFrame({"prompt_id": ["a", "b"], "embedding": ["[1, 2]", "[1, 2, 3]"]}).to_csv(tmp_path / "r.csv")
    with pytest.raises(SimTheoryInputError, match="^embedding: row 1 has length"):
        load_embeddings(tmp_path / "r.csv")


def test_load_for_grid_hook():
    assert load_for_grid({}) is None and load_for_grid({"embeddings": None}) is None
    d = load_for_grid({"embeddings": str(example_path())})
    assert isinstance(d, EmbeddingData) and d.reward is not None
    assert load_for_grid({"embeddings": "example"}).n == d.n


def test_shipped_example_is_valid():
    """120 responses, 24 prompts x 5, 384-d MiniLM; golden reward r = z.w + b as documented, sd 1."""
    d = load_example()
    assert (d.n, d.dim, d.n_prompts) == (120, 384, 24)
    with np.load(example_path()) as f:
        np.testing.assert_allclose(d.embeddings @ f["golden_w"] + f["golden_b"], d.reward, atol=1e-9)
    assert abs(d.reward.std() - 1.0) < 1e-9
    np.testing.assert_allclose(np.linalg.norm(d.raw, axis=1), 1.0, atol=1e-5)  # L2-normalised MiniLM output


def test_sample_pairs_respects_design():
    d = load_example()
    g = d.prompt_ids
    i, j = d.sample_pairs(5000, "same", rng=1)
    assert np.all(g[i] == g[j]) and np.all(i != j)
    i, j = d.sample_pairs(5000, "cross", rng=1)
    assert np.all(g[i] != g[j])
    # every row is drawn as first element: 5000 draws over 120 rows, each count within 5 SE of 5000/120
    counts = np.bincount(i, minlength=d.n)
    p = 1 / d.n
    assert np.all(np.abs(counts - 5000 * p) < Z * np.sqrt(5000 * p * (1 - p)))
    with pytest.raises(SimTheoryInputError, match="^design: "):
        d.sample_pairs(10, "diagonal")


def test_npz_object_array_and_missing_key(tmp_path):
    emb, pids, *_ = _toy()
    np.savez(tmp_path / "o.npz", embeddings=emb, prompt_ids=np.array(list(pids), dtype=object))
    with pytest.raises(SimTheoryInputError, match="^prompt_ids: is an object"):
        load_embeddings(tmp_path / "o.npz")
    np.savez(tmp_path / "k.npz", X=emb)
    with pytest.raises(SimTheoryInputError, match="^embeddings: k.npz has no array 'embeddings'"):
        load_embeddings(tmp_path / "k.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(SimTheoryInputError, match="^embeddings: cannot read junk.npz"):
        load_embeddings(tmp_path / "junk.npz")


def test_pair_stats_real_matches_exact_pair_quality():
    """200000 random pairs (seed 2) of the shipped example: E|dr| and Q within 5 SE of the exact
    all-pairs values (pairs are uniform over each design's pair set: every prompt has 5 responses)."""
    from simtheory.embeddings.checks import pair_stats_real
    from simtheory.embeddings.example import pair_quality
    from simtheory.engine.montecarlo import Xi

    d = load_example()
    exact = pair_quality(d.reward, d.prompt_index, beta=1.0)
    for design in ("same", "cross"):
        ps = pair_stats_real(d, 200_000, design, Xi("sigmoid", 1.0), seed=2)
        assert abs(ps.mean["abs_dr"] - exact[design]["abs_dr"]) < Z * ps.se["abs_dr"]
        assert abs(ps.mean["tau"] - exact[design]["Q"]) < Z * ps.se["tau"]
