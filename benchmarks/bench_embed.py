"""Converter / embedding throughput and the human-label run's wall time on real HH-RLHF pairs.

    nice python benchmarks/bench_embed.py --pairs 100 --embeddings /tmp/hh.npz [--full]

1. Throughput: the first ``--pairs`` comparisons of the HH-RLHF sample (``$SIMTHEORY_HH_RLHF`` or
   ``../shared/data/hh_rlhf_harmless``; else the repository's synthetic sample) are converted with the
   shipped MiniLM at 1 and at 2 torch threads, in this process, one after the other on the same texts:
   texts/s of prompts (long, dialogue history) and responses (one turn), and the 2-thread/1-thread ratio.
2. Wall time of ``python -m simtheory.run reward_models_human --embeddings FILE`` (``--quick``; with ``--full``
   also the full grid) on a converted file (``--embeddings``, e.g. all 1,156 pairs).

Output: ``benchmarks/results/bench_embed.csv`` and ``.json`` (with machine and versions).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results"


def _data_file() -> Path:
    cands = [Path(os.environ["SIMTHEORY_HH_RLHF"])] if os.environ.get("SIMTHEORY_HH_RLHF") else []
    cands += [ROOT / "../shared/data/hh_rlhf_harmless", ROOT / "../../shared/data/hh_rlhf_harmless"]
    for c in cands:
        f = c / "harmless_base_test_part1.jsonl.gz"
        if f.is_file():
            return f.resolve()
    return ROOT / "tests/embeddings/data/sample_prefs.jsonl"


def throughput(n_pairs: int, batch_size: int) -> list[dict]:
    import torch

    from simtheory.embeddings.convert import (
        SentenceTransformerEncoder,
        read_preferences,
    )

    src = _data_file()
    prefs, _ = read_preferences(src)
    prefs = prefs[:n_pairs]
    prompts = list(dict.fromkeys(p.prompt for p in prefs))
    responses = list(dict.fromkeys(t for p in prefs for t in (p.a, p.b)))
    t0 = time.perf_counter()
    enc = SentenceTransformerEncoder()
    load_s = time.perf_counter() - t0
    enc.encode(prompts[:8], keep="end", batch_size=batch_size)  # warm-up
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for kind, texts, keep in (("prompts", prompts, "end"), ("responses", responses, "start")):
            t0 = time.perf_counter()
            enc.count_tokens(texts)
            tok_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            enc.encode(texts, keep=keep, batch_size=batch_size)
            sec = time.perf_counter() - t0
            rows.append(
                {
                    "stage": "embed",
                    "what": kind,
                    "threads": threads,
                    "n_texts": len(texts),
                    "mean_tokens": float(sum(map(int, enc.count_tokens(texts))) / len(texts)),
                    "seconds": round(sec, 3),
                    "tokenize_seconds": round(tok_s, 3),
                    "texts_per_s": round(len(texts) / sec, 2),
                    "model_load_s": round(load_s, 2),
                    "source": src.name,
                }
            )
    for r in rows:
        one = next(x for x in rows if x["what"] == r["what"] and x["threads"] == 1)
        r["ratio_vs_1_thread"] = round(r["texts_per_s"] / one["texts_per_s"], 3)
    return rows


def grid_time(path: str, quick: bool) -> dict:
    from simtheory.runner.grids import run_grid

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = run_grid(
            "reward_models_human", quick=quick, out=Path(tmp) / "run", progress=False, overrides={"embeddings": path}
        )
        sec = time.perf_counter() - t0
        s = json.loads((out / "summary.json").read_text())
    m = s["heldout"]["metrics"]
    return {
        "stage": "human_grid_quick" if quick else "human_grid_full",
        "what": Path(path).name,
        "n_texts": s["data"]["pairs"],
        "seconds": round(sec, 2),
        "accuracy": json.dumps({k: [round(v["accuracy"], 3), round(v["accuracy_se"], 3)] for k, v in m.items()}),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=100, help="comparisons embedded for the throughput stage")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--embeddings", default=None, help="converted file for the human-label run's wall time")
    ap.add_argument("--full", action="store_true", help="also time the full (not --quick) human-label grid")
    ap.add_argument("--skip-embed", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from simtheory.runner.store import package_versions

    rows = [] if args.skip_embed else throughput(args.pairs, args.batch_size)
    if args.embeddings:
        rows.append(grid_time(args.embeddings, True))
        if args.full:
            rows.append(grid_time(args.embeddings, False))
    OUT.mkdir(exist_ok=True)
    fields = sorted({k for r in rows for k in r}, key=lambda k: (k not in ("stage", "what", "threads"), k))
    with (OUT / "bench_embed.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    meta = {
        "rows": rows,
        "cpu_count": os.cpu_count(),
        "load_avg": os.getloadavg(),
        "versions": package_versions(),
        "note": "2-core machine shared with other jobs; load average at the end recorded",
    }
    (OUT / "bench_embed.json").write_text(json.dumps(meta, indent=2))
    for r in rows:
        print(
            {
                k: r[k]
                for k in r
                if k
                in ("stage", "what", "threads", "n_texts", "seconds", "texts_per_s", "ratio_vs_1_thread", "mean_tokens")
            }
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
