"""Golden-proxy mode: a reward fitted to all human labels stands in for the unknown golden reward.

``python -m simtheory.reward_models.golden_proxy FILE.npz --out PROXY.npz [--model linear_bt_cv]``

*Rethinking BT* (Sec. 6.1) runs its simulations with golden reward models trained on real preference
data. This module does the same on a converted file: it fits ``--model`` (default ``linear_bt_cv``,
linear BT with L2 by cross-validation, the model that wins on held-out human labels in
docs/real_data.md) on *all* labelled pairs and writes a copy of the file with ``reward`` = the proxy's
score of every response, standardised to unit standard deviation of same-prompt differences
(so ``beta`` keeps the meaning it has in the synthetic grids). The file records ``reward_kind`` =
``"proxy: ..."``; the loader appends that to the data's ``source``, so every row of a grid run on it
(``python -m simtheory.run rm_quality --embeddings PROXY.npz``) names the proxy. Conclusions drawn
from such runs are about the proxy, not about human preferences.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

from simtheory.validation import SimTheoryInputError, check_choice

PROXY_MODELS = ("linear_bt_cv", "bt_mlp")


def make_proxy(path: str | Path, out: str | Path, *, model: str = "linear_bt_cv", seed: int = 0) -> dict:
    """Fit ``model`` on all labelled pairs of ``path`` and write ``out`` with the proxy reward.

    Parameters
    ----------
    path : a converted file (``python -m simtheory.embed``) with ``pairs`` and ``labels``.
    out : output ``.npz``; model : one of :data:`PROXY_MODELS`; seed : fit seed.

    Returns
    -------
    dict : ``reward_kind``, training accuracy and the scale applied.

    Raises
    ------
    SimTheoryInputError : no labelled pairs, bad ``out``, unknown model.
    """
    from simtheory.reward_models.human_labels import load_human
    from simtheory.reward_models.models import fit_model

    check_choice("--model", model, PROXY_MODELS)
    out = Path(out)
    if out.suffix != ".npz" or Path(out).resolve() == Path(path).resolve():
        raise SimTheoryInputError("--out", "must be a new .npz file")
    hd = load_human(path)
    idx = np.arange(hd.m)
    opts = (
        {"groups": hd.groups} if model == "linear_bt_cv" else {"epochs": 60, "hidden": 64, "lr": 1e-3, "batch_size": 64}
    )
    score = fit_model(model, hd.pair_data(idx), np.random.default_rng(seed), **opts)
    r = np.asarray(score(hd.x), dtype=float)
    d = r[hd.pairs[:, 0]] - r[hd.pairs[:, 1]]
    scale = float(np.sqrt(np.mean(d**2)))
    if not np.isfinite(scale) or scale <= 0:
        raise SimTheoryInputError("--model", f"{model} fitted a constant reward; no proxy")
    r = r / scale
    train_acc = float(np.mean((d > 0) == (hd.y == 1)))
    kind = (
        f"proxy: {model} fitted to all {hd.m} human-labelled pairs of {Path(path).name} "
        f"(training accuracy {train_acc:.3f}); not a golden reward"
    )
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k not in ("reward", "reward_kind")}
    arrays.update(reward=r, reward_kind=np.array(kind))
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, out)
    return {"reward_kind": kind, "train_accuracy": train_acc, "scale": scale}


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m simtheory.reward_models.golden_proxy", description=__doc__.splitlines()[0]
    )
    ap.add_argument("embeddings", metavar="FILE.npz")
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", default="linear_bt_cv")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        info = make_proxy(args.embeddings, args.out, model=args.model, seed=args.seed)
    except SimTheoryInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {json.dumps(info)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
