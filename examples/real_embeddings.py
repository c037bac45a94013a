"""Real-embedding example: the cross-prompt and order-consistency reports on MiniLM embeddings.

    python examples/real_embeddings.py                 # uses the shipped minilm.npz (no extra needed)
    python examples/real_embeddings.py --embed         # re-embeds the shipped texts (pip install -e '.[embed]')
    python examples/real_embeddings.py --embeddings my.npz   # your own file (needs a 'reward' field)

Writes ``report.json`` (numbers, config, seed, versions) into ``--out`` (default results/real_embeddings)
and prints a short table. See simtheory/adapters/example.py for the data, the golden reward and the reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simtheory.embeddings.example import build_example, load_example, reports
from simtheory.embeddings.loader import load_embeddings
from simtheory.runner.store import run_metadata, write_json
from simtheory.validation import SimTheoryInputError


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embed", action="store_true", help="re-embed the shipped texts first (needs the embed extra)")
    ap.add_argument("--embeddings", default=None, help="a file for simtheory.embeddings.load_embeddings")
    ap.add_argument("--beta", type=float, default=1.0)
    ap.add_argument("--n-train-pairs", type=int, default=400)
    ap.add_argument("--n-rep", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="results/real_embeddings")
    a = ap.parse_args(argv)
    try:
        if a.embed:
            import tempfile

            path = build_example(Path(tempfile.mkdtemp()) / "minilm.npz")
            data = load_example(path)
        elif a.embeddings:
            data = load_embeddings(a.embeddings)
        else:
            data = load_example()
        rep = reports(data, beta=a.beta, n_train_pairs=a.n_train_pairs, n_rep=a.n_rep, seed=a.seed)
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "report.json", run_metadata(example="real_embeddings", args=vars(a), report=rep))
    pq, bt = rep["pair_quality"], rep["bt_order_consistency"]
    print(f"{rep['data']['n']} responses, {rep['data']['n_prompts']} prompts, d = {rep['data']['dim']}")
    for k in ("same", "same_iid", "cross"):
        print(f"  {k:<9} E|dr| = {pq[k]['abs_dr']:.3f}   Q(beta={a.beta}) = {pq[k]['Q']:.3f}")
    for k in ("same", "cross"):
        oc = bt[k]["any"]
        print(
            f"  linear BT trained on {k:<5}-prompt pairs: held-out order consistency {oc['mean']:.3f} +- {oc['se']:.3f}"
        )
    d = bt["cross_minus_same_any"]
    print(f"  cross - same: {d['mean']:+.4f} +- {d['se']:.4f} (SE over {a.n_rep} splits)")
    print(f"wrote {out}/report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
