"""Real-embedding adapter: load prompt/response embeddings and preference annotations from files.

*Rethinking BT* (Section 2.2, the setting of Theorem 10) assumes a known embedding map
Psi(x, y) in [0, 1]^d and a reward r(Psi(x, y)). Real sentence embeddings are not in [0, 1]^d,
so :func:`load_embeddings` rescales every coordinate with a per-dimension min-max map

    z_j = (e_j - lo_j) / (hi_j - lo_j),    lo_j, hi_j = min / max of dimension j on the *fit* data,

(a constant dimension, hi_j == lo_j, maps to 0). The fitted :class:`MinMaxScaler` is returned
with the data; pass it as ``scaler=`` when loading held-out data so both use the same map
(held-out values outside the fit range are clipped to [0, 1] and the number clipped is recorded).

Supported files (one row = one prompt-response pair unless stated):

* ``.npz`` - arrays ``embeddings`` (n, d); optional ``prompt_ids`` (n,), ``response_ids`` (n,),
  ``prompt_embeddings`` (n, d_p) (appended to the response embedding), ``reward`` (n,) golden
  reward, ``pairs`` (m, 2) integer row indices and ``labels`` (m,) (1 = first preferred).
* ``.npy`` - the (n, d) embedding matrix alone (all rows are one prompt, ``"p0"``).
* ``.parquet`` / ``.csv`` - columns ``prompt_id``, ``embedding`` (a list column; in CSV a
  JSON list ``"[0.1, 0.2]"`` or space-separated numbers) or ``emb_0 ... emb_{d-1}``, optional
  ``response_id``, ``reward``, ``prompt_embedding``.
* ``.jsonl`` - one annotated pair per line: ``prompt_id_1``/``prompt_id_2`` (or one ``prompt_id``),
  ``embedding_1``, ``embedding_2``, optional ``response_id_1``/``response_id_2``, ``reward_1``/
  ``reward_2`` and ``label``. Responses that share a (prompt id, response id) are stored once; the
  same id with a different embedding is an id mismatch.

Every problem is a one-line :class:`~simtheory.validation.SimTheoryInputError` naming the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array

FORMATS = (".npz", ".npy", ".parquet", ".csv", ".jsonl")
#: columns a CSV / Parquet embedding table may hold (besides emb_0 .. emb_{d-1}); anything else is refused,
#: so a renamed prompt or reward column is an error rather than a file with one prompt and no reward
TABLE_COLUMNS = ("prompt_id", "response_id", "embedding", "prompt_embedding", "reward")


@dataclass(frozen=True)
class MinMaxScaler:
    """Per-dimension min-max map onto [0, 1]^d (Rethinking BT Sec. 2.2 assumes Psi in [0, 1]^d).

    ``MinMaxScaler.fit(x)`` fits it on (n, d) data; ``transform(x)`` returns the scaled copy clipped to
    [0, 1] and the number of clipped entries; ``as_dict()`` gives a JSON-ready form.

    Attributes
    ----------
    lo, hi : numpy.ndarray
        Per-dimension minimum and maximum of the fit data, shape (d,).

    Raises
    ------
    SimTheoryInputError
        Non-finite or empty data, or a dimension mismatch in ``transform``.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.embeddings import MinMaxScaler
    >>> scaler = MinMaxScaler.fit(np.array([[0.0, 10.0], [2.0, 20.0]]))
    >>> z, n_clipped = scaler.transform(np.array([[1.0, 15.0], [3.0, 20.0]]))
    >>> z.tolist(), n_clipped
    ([[0.5, 0.5], [1.0, 1.0]], 1)
    """

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> MinMaxScaler:
        x = check_finite_array("embeddings", x, ndim=2)
        if x.shape[0] == 0:
            raise SimTheoryInputError("embeddings", "no rows to fit the scaler on")
        return cls(x.min(axis=0), x.max(axis=0))

    def transform(self, x: np.ndarray) -> tuple[np.ndarray, int]:
        """Scaled copy of ``x`` clipped to [0, 1], and the number of clipped entries."""
        x = check_finite_array("embeddings", x, ndim=2)
        if x.shape[1] != self.lo.size:
            raise SimTheoryInputError(
                "embeddings", f"has {x.shape[1]} dimensions, the scaler was fit on {self.lo.size}"
            )
        # halve before subtracting (exact in binary floating point): hi - lo of finite values near
        # +-1.7e308 would overflow to inf and turn the scaled values into NaN
        lo, span = self.lo / 2, self.hi / 2 - self.lo / 2
        with np.errstate(invalid="ignore", over="ignore"):
            z = np.where(span > 0, (x / 2 - lo) / np.where(span > 0, span, 1.0), 0.0)
        if not np.all(np.isfinite(z)):
            raise SimTheoryInputError("embeddings", "values too large to scale (not finite after min-max scaling)")
        n_clipped = int(np.count_nonzero((z < 0) | (z > 1)))
        return np.clip(z, 0.0, 1.0), n_clipped

    def as_dict(self) -> dict:
        return {"lo": self.lo.tolist(), "hi": self.hi.tolist()}


@dataclass
class EmbeddingData:
    """Scaled embeddings Psi in [0, 1]^d (Rethinking BT Sec. 2.2) of n prompt-response pairs, with optional
    golden reward and annotated pairs.

    Properties ``n``, ``dim``, ``n_prompts`` and ``prompt_index``; methods ``sample_pairs`` (same / cross /
    any prompt), ``subset`` and ``summary``.

    Attributes
    ----------
    embeddings : numpy.ndarray
        (n, d) float64 in [0, 1].
    prompt_ids, response_ids : numpy.ndarray
        (n,) str identifiers.
    scaler : MinMaxScaler
        The map used.
    reward : numpy.ndarray or None
        (n,) golden reward.
    pairs : numpy.ndarray or None
        (m, 2) int row indices of annotated pairs.
    labels : numpy.ndarray or None
        (m,) int in {0, 1}, 1 = the first of the pair preferred.
    raw : numpy.ndarray or None
        The unscaled embeddings.
    source : str
        Where the data came from.
    n_clipped : int
        Entries clipped by a reused scaler.
    meta : dict
        Extra information (e.g. ``reward_kind`` of a proxy reward).

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.embeddings import EmbeddingData, MinMaxScaler
    >>> x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    >>> data = EmbeddingData(x, np.array(["p", "p", "q"]), np.array(["a", "b", "c"]), MinMaxScaler.fit(x))
    >>> data.n, data.dim, data.n_prompts, data.prompt_index.tolist()
    (3, 2, 2, [0, 0, 1])
    >>> i, j = data.sample_pairs(3, "cross", rng=0)
    >>> bool(np.all(data.prompt_ids[i] != data.prompt_ids[j])), data.subset([0, 1]).n
    (True, 2)
    """

    embeddings: np.ndarray
    prompt_ids: np.ndarray
    response_ids: np.ndarray
    scaler: MinMaxScaler
    reward: np.ndarray | None = None
    pairs: np.ndarray | None = None
    labels: np.ndarray | None = None
    raw: np.ndarray | None = None
    source: str = ""
    n_clipped: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.embeddings.shape[0]

    @property
    def dim(self) -> int:
        return self.embeddings.shape[1]

    @property
    def prompt_index(self) -> np.ndarray:
        """Integer code (0..n_prompts-1) of each row's prompt."""
        return np.unique(self.prompt_ids, return_inverse=True)[1]

    @property
    def n_prompts(self) -> int:
        return int(np.unique(self.prompt_ids).size)

    def sample_pairs(self, n: int, design: str = "same", rng=None) -> tuple[np.ndarray, np.ndarray]:
        """Row indices (i, j) of ``n`` random pairs: ``same`` (one prompt, two distinct responses),
        ``cross`` (two different prompts) or ``any``. The first row is uniform over all rows, the
        second uniform over its allowed partners (as in :func:`simtheory.engine.order_consistency.order_consistency`)."""
        from simtheory.engine.order_consistency import OC_DESIGNS, _groups, _partner
        from simtheory.validation import check_choice, check_positive_int

        n = check_positive_int("n", n)
        check_choice("design", design, OC_DESIGNS)
        g = _groups(self.prompt_ids, self.n)
        if design == "same" and g.sizes.min() < 2:
            raise SimTheoryInputError("design", "'same' needs at least 2 responses for every prompt")
        if design == "cross" and g.sizes.size < 2:
            raise SimTheoryInputError("design", "'cross' needs at least 2 prompts")
        rng = np.random.default_rng(rng)
        u = rng.random((2, n))
        i, j = _partner(u[0], u[1], self.n, g.offset, g.size, g.pos, OC_DESIGNS.index(design))
        return g.order[i], g.order[j]

    def subset(self, rows) -> EmbeddingData:
        """Rows ``rows`` (pairs touching other rows are dropped; indices renumbered)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        pairs = labels = None
        if self.pairs is not None:
            new = np.full(self.n, -1)
            new[rows] = np.arange(rows.size)
            keep = (new[self.pairs] >= 0).all(axis=1)
            pairs = new[self.pairs[keep]]
            labels = None if self.labels is None else self.labels[keep]
        return replace(
            self,
            embeddings=self.embeddings[rows],
            prompt_ids=self.prompt_ids[rows],
            response_ids=self.response_ids[rows],
            reward=None if self.reward is None else self.reward[rows],
            raw=None if self.raw is None else self.raw[rows],
            pairs=pairs,
            labels=labels,
        )

    def summary(self) -> dict:
        return dict(
            source=self.source,
            n=self.n,
            dim=self.dim,
            n_prompts=self.n_prompts,
            has_reward=self.reward is not None,
            n_pairs=0 if self.pairs is None else int(self.pairs.shape[0]),
            n_clipped=self.n_clipped,
        )


# ----------------------------------------------------------------------------------------------
# readers: each returns a dict of raw fields (embeddings, prompt_ids, ...) for _assemble
# ----------------------------------------------------------------------------------------------


def _as_ids(name: str, values, n: int) -> np.ndarray:
    ids = np.asarray(values)
    if ids.ndim != 1:
        raise SimTheoryInputError(name, f"expected a 1-d array, got shape {ids.shape}")
    if ids.shape[0] != n:
        raise SimTheoryInputError(name, f"has {ids.shape[0]} entries but embeddings has {n} rows")
    if ids.dtype.kind == "f" and not np.all(np.isfinite(ids)):
        raise SimTheoryInputError(name, "contains NaN")
    if ids.dtype == object and any(v is None or (isinstance(v, float) and v != v) for v in ids):
        raise SimTheoryInputError(name, "contains missing values")
    return ids.astype(str)


def _read_npz(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as z:
            if "embeddings" not in z.files:
                raise SimTheoryInputError(
                    "embeddings", f"{path.name} has no array 'embeddings' (found: {', '.join(z.files)})"
                )
            out = {}
            for k in z.files:
                try:
                    out[k] = z[k]
                except ValueError:
                    raise SimTheoryInputError(k, "is an object (pickled) array; store numbers or strings") from None
            return out
    except SimTheoryInputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable archive
        raise SimTheoryInputError("embeddings", f"cannot read {path.name}: {type(exc).__name__}") from None


def _parse_vector(cell, name: str, row: int) -> np.ndarray:
    if isinstance(cell, str):
        s = cell.strip()
        try:
            v = json.loads(s) if s.startswith("[") else [float(t) for t in s.replace(",", " ").split()]
        except ValueError:
            raise SimTheoryInputError(name, f"row {row}: cannot parse {s[:30]!r} as a vector") from None
        return np.asarray(v, dtype=float)
    if cell is None:
        raise SimTheoryInputError(name, f"row {row}: missing")
    try:
        return np.asarray(cell, dtype=float)
    except (TypeError, ValueError):
        raise SimTheoryInputError(name, f"row {row}: not numeric") from None


def _stack(name: str, cells) -> np.ndarray:
    vecs = [_parse_vector(c, name, i) for i, c in enumerate(cells)]
    if not vecs:
        raise SimTheoryInputError(name, "no rows")
    d = vecs[0].shape
    for i, v in enumerate(vecs):
        if v.ndim != 1 or v.shape != d:
            raise SimTheoryInputError(name, f"row {i} has length {v.shape}, row 0 has {d}")
    return np.vstack(vecs)


def _read_table(path: Path) -> dict:
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        try:
            df = pd.read_parquet(path)
        except ImportError:
            raise SimTheoryInputError(
                "embeddings", "reading Parquet needs pyarrow (pip install simtheory[parquet])"
            ) from None
        except Exception as exc:  # noqa: BLE001 - corrupt or non-Parquet file (ArrowInvalid, OSError, ...)
            raise SimTheoryInputError(
                "embeddings", f"cannot read {path.name} as Parquet: {type(exc).__name__}"
            ) from None
    else:
        try:
            df = pd.read_csv(path)
        except pd.errors.EmptyDataError:
            raise SimTheoryInputError("embeddings", f"{path.name} is empty") from None
        except UnicodeDecodeError:
            raise SimTheoryInputError("embeddings", f"{path.name} is not UTF-8 text") from None
        except (pd.errors.ParserError, ValueError) as exc:
            raise SimTheoryInputError(
                "embeddings", f"{path.name} is not a well-formed CSV file ({type(exc).__name__})"
            ) from None
    if len(df) == 0:
        raise SimTheoryInputError("embeddings", f"{path.name} has a header but no rows")
    cols = [str(c) for c in df.columns]
    unknown = [c for c in cols if c not in TABLE_COLUMNS and not c.startswith(("emb_", "Unnamed: "))]
    if unknown:
        raise SimTheoryInputError(
            "embeddings",
            f"{path.name}: unknown column(s) {', '.join(unknown[:5])}; "
            f"expected {', '.join(TABLE_COLUMNS)} or emb_0..emb_(d-1)",
        )
    if "prompt_id" not in cols:
        raise SimTheoryInputError("prompt_id", f"{path.name} has no 'prompt_id' column (found: {', '.join(cols[:8])})")
    out: dict = {}
    if "embedding" in df.columns:
        out["embeddings"] = _stack("embedding", df["embedding"].tolist())
    else:
        cols = sorted((c for c in df.columns if str(c).startswith("emb_")), key=lambda c: int(str(c)[4:]))
        if not cols:
            raise SimTheoryInputError("embedding", f"{path.name} has no 'embedding' column and no emb_0.. columns")
        try:
            out["embeddings"] = df[cols].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise SimTheoryInputError("embedding", "emb_* columns are not numeric") from None
    if "prompt_embedding" in df.columns:
        out["prompt_embeddings"] = _stack("prompt_embedding", df["prompt_embedding"].tolist())
    for col, key in (("prompt_id", "prompt_ids"), ("response_id", "response_ids"), ("reward", "reward")):
        if col in df.columns:
            out[key] = df[col].to_numpy()
    return out


def _read_jsonl(path: Path) -> dict:
    emb: list[np.ndarray] = []
    rew: list[float] = []
    pids, rids, pairs, labels = [], [], [], []
    index: dict[tuple[str, str], int] = {}
    has_reward = None
    try:
        with path.open(encoding="utf-8") as fh:
            lines = [ln for ln in fh if ln.strip()]
    except UnicodeDecodeError:
        raise SimTheoryInputError("embeddings", f"{path.name} is not UTF-8 text") from None
    if not lines:
        raise SimTheoryInputError("embeddings", f"{path.name} is empty")
    for ln, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            raise SimTheoryInputError("embeddings", f"{path.name} line {ln} is not valid JSON") from None
        if not isinstance(rec, dict):
            raise SimTheoryInputError(
                "embeddings", f"{path.name} line {ln} is a JSON {type(rec).__name__}, expected an object {{...}}"
            )
        pair = []
        for s in ("1", "2"):
            pid = rec.get(f"prompt_id_{s}", rec.get("prompt_id"))
            if pid is None:
                raise SimTheoryInputError(f"prompt_id_{s}", f"line {ln}: missing (give prompt_id or prompt_id_{s})")
            if f"embedding_{s}" not in rec:
                raise SimTheoryInputError(f"embedding_{s}", f"line {ln}: missing")
            vec = _parse_vector(rec[f"embedding_{s}"], f"embedding_{s}", ln)
            rid = rec.get(f"response_id_{s}")
            key = (str(pid), str(rid) if rid is not None else f"__line{ln}_{s}")
            r = rec.get(f"reward_{s}")
            if r is not None and (isinstance(r, bool) or not isinstance(r, (int, float))):
                raise SimTheoryInputError(f"reward_{s}", f"line {ln}: expected a number, got {type(r).__name__}")
            if has_reward is None:
                has_reward = r is not None
            elif has_reward != (r is not None):
                raise SimTheoryInputError(f"reward_{s}", f"line {ln}: given on some lines but not others")
            if key in index:
                j = index[key]
                if emb[j].shape != vec.shape or not np.allclose(emb[j], vec, rtol=1e-6, atol=1e-8):
                    raise SimTheoryInputError(
                        f"embedding_{s}",
                        f"line {ln}: response id {key[1]!r} of prompt {key[0]!r} "
                        "was seen before with a different embedding (id mismatch)",
                    )
                if r is not None and not np.isclose(rew[j], float(r)):
                    raise SimTheoryInputError(
                        f"reward_{s}", f"line {ln}: response id {key[1]!r} was seen before with reward {rew[j]}"
                    )
            else:
                index[key] = j = len(emb)
                emb.append(vec)
                pids.append(key[0])
                rids.append(key[1])
                rew.append(float(r) if r is not None else np.nan)
            pair.append(j)
        pairs.append(pair)
        if "label" in rec:
            labels.append(rec["label"])
        elif labels:
            raise SimTheoryInputError("label", f"line {ln}: missing (given on earlier lines)")
    out = {
        "embeddings": _stack("embedding_1", emb),
        "prompt_ids": np.array(pids),
        "response_ids": np.array(rids),
        "pairs": np.array(pairs),
    }
    if has_reward:
        out["reward"] = np.array(rew)
    if labels:
        out["labels"] = np.array(labels)
    return out


def _assemble(raw: dict, source: str, scaler: MinMaxScaler | None) -> EmbeddingData:
    x = raw["embeddings"]
    if np.asarray(x).dtype.kind not in "biuf":
        raise SimTheoryInputError("embeddings", f"dtype {np.asarray(x).dtype} is not numeric")
    x = check_finite_array("embeddings", x, ndim=2)
    n = x.shape[0]
    if n < 2 or x.shape[1] < 1:
        raise SimTheoryInputError("embeddings", f"need at least 2 rows and 1 dimension, got shape {x.shape}")
    if raw.get("prompt_embeddings") is not None:
        pe = check_finite_array("prompt_embeddings", raw["prompt_embeddings"], ndim=2)
        if pe.shape[0] != n:
            raise SimTheoryInputError("prompt_embeddings", f"has {pe.shape[0]} rows but embeddings has {n}")
        x = np.hstack([pe, x])
    pids = _as_ids("prompt_ids", raw["prompt_ids"], n) if raw.get("prompt_ids") is not None else np.full(n, "p0")
    rids = (
        _as_ids("response_ids", raw["response_ids"], n)
        if raw.get("response_ids") is not None
        else np.arange(n).astype(str)
    )
    keys = np.char.add(np.char.add(pids, "\x00"), rids)
    if np.unique(keys).size != n:
        raise SimTheoryInputError("response_ids", "duplicate (prompt_id, response_id) rows")
    reward = None
    if raw.get("reward") is not None:
        if np.asarray(raw["reward"]).dtype.kind not in "biuf":
            raise SimTheoryInputError("reward", f"must be numeric, got dtype {np.asarray(raw['reward']).dtype}")
        reward = check_finite_array("reward", raw["reward"], shape=(n,))
    pairs = labels = None
    if raw.get("pairs") is not None:
        p = np.asarray(raw["pairs"])
        if p.dtype.kind not in "iu" and not (p.dtype.kind == "f" and np.all(p == np.round(p))):
            raise SimTheoryInputError("pairs", f"must hold integer row indices, got dtype {p.dtype}")
        if p.ndim != 2 or p.shape[1] != 2:
            raise SimTheoryInputError("pairs", f"expected shape (m, 2), got {p.shape}")
        p = p.astype(np.int64)
        if p.size and (p.min() < 0 or p.max() >= n):
            raise SimTheoryInputError("pairs", f"row index out of range [0, {n}) (min {p.min()}, max {p.max()})")
        if np.any(p[:, 0] == p[:, 1]):
            raise SimTheoryInputError("pairs", "a pair compares a row with itself")
        pairs = p
    if raw.get("labels") is not None:
        if pairs is None:
            raise SimTheoryInputError("labels", "given without pairs")
        lab = check_finite_array("labels", raw["labels"], shape=(pairs.shape[0],))
        if not np.all((lab == 0) | (lab == 1)):
            raise SimTheoryInputError("labels", "must be 0 or 1 (1 = first response preferred)")
        labels = lab.astype(np.int8)
    fitted = scaler is None
    scaler = scaler or MinMaxScaler.fit(x)
    z, n_clipped = scaler.transform(x)
    return EmbeddingData(
        z, pids, rids, scaler, reward, pairs, labels, raw=x, source=source, n_clipped=0 if fitted else n_clipped
    )


def load_embeddings(path: str | Path, *, scaler: MinMaxScaler | None = None) -> EmbeddingData:
    """Load, validate and min-max scale embeddings onto Psi in [0, 1]^d (Rethinking BT Sec. 2.2).

    Parameters
    ----------
    path : str or Path
        A ``.npz``, ``.npy``, ``.parquet``, ``.csv`` or ``.jsonl`` file (see the module docstring for formats).
    scaler : MinMaxScaler, optional
        Reuse a fitted scaler (for held-out data); default fits one on this file.

    Returns
    -------
    EmbeddingData

    Raises
    ------
    SimTheoryInputError
        Missing file, unsupported type, or any bad field (one line naming the field).

    Examples
    --------
    >>> from simtheory.embeddings import load_embeddings
    >>> from simtheory.embeddings.example import example_path
    >>> data = load_embeddings(example_path())
    >>> data.n, data.dim, data.n_prompts, bool(data.embeddings.min() >= 0 and data.embeddings.max() <= 1)
    (120, 384, 24, True)
    >>> load_embeddings("missing.npz")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: embeddings: no such file: missing.npz
    """
    if not isinstance(path, (str, Path)):
        raise SimTheoryInputError("embeddings", f"expected a file path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise SimTheoryInputError("embeddings", f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        raw = _read_npz(path)
    elif suffix == ".npy":
        try:
            raw = {"embeddings": np.load(path, allow_pickle=False)}
        except Exception as exc:  # noqa: BLE001
            raise SimTheoryInputError("embeddings", f"cannot read {path.name}: {type(exc).__name__}") from None
    elif suffix in (".parquet", ".csv"):
        raw = _read_table(path)
    elif suffix in (".jsonl", ".json"):
        raw = _read_jsonl(path)
    else:
        raise SimTheoryInputError("embeddings", f"unsupported file type {suffix!r}; use one of {', '.join(FORMATS)}")
    data = _assemble(raw, str(path), scaler)
    kind = raw.get("reward_kind")
    if kind is not None and data.reward is not None:
        # a proxy reward (simtheory.reward_models.golden_proxy): every result that records the source says so
        data.meta["reward_kind"] = str(kind)
        data.source = f"{path} [{str(kind).split(';')[0]}]"
    return data


def load_for_grid(params: dict) -> EmbeddingData | None:
    """The adapter hook for grids: real embeddings Psi (Rethinking BT Sec. 2.2) if ``params`` names a file.

    Parameters
    ----------
    params : dict
        Grid parameters; ``params["embeddings"]`` (set by ``--embeddings FILE``) is a path, or ``"example"``
        for the shipped MiniLM example (:func:`simtheory.embeddings.example.example_path`).

    Returns
    -------
    EmbeddingData or None
        The loaded data, or None when no file is named.

    Raises
    ------
    SimTheoryInputError
        As :func:`load_embeddings`.

    Examples
    --------
    >>> from simtheory.embeddings import load_for_grid
    >>> load_for_grid({"d": 4}) is None
    True
    >>> load_for_grid({"embeddings": "example"}).summary()["has_reward"]
    True
    """
    path = params.get("embeddings") if isinstance(params, dict) else None
    if path in (None, "", False):
        return None
    if path == "example":
        from simtheory.embeddings.example import example_path

        path = example_path()
    return load_embeddings(path)
