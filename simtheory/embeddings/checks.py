"""The synthetic-data statistics computed on real data: grids call these when ``load_for_grid`` returns data."""

from __future__ import annotations

import numpy as np

from simtheory.embeddings.loader import EmbeddingData
from simtheory.engine.montecarlo import PairStats, Xi, _finish
from simtheory.validation import SimTheoryInputError, check_positive_int


def pair_stats_real(
    data: EmbeddingData,
    n_pairs: int,
    design: str = "same",
    xi: Xi | None = None,
    *,
    seed: int | np.random.SeedSequence = 0,
) -> PairStats:
    """E|dr|, E xi(|dr|) = Q and label accuracy (as :func:`simtheory.engine.montecarlo.pair_stats`) over ``n_pairs``
    random pairs of real responses, dr from the golden reward ``data.reward``; ``design`` is ``same``
    (one prompt, two distinct responses), ``cross`` (two prompts) or ``any`` (Prop. 15 / Thm. 16 on real data)."""
    if data.reward is None:
        raise SimTheoryInputError("embeddings", "the data have no golden reward ('reward' field)")
    n_pairs = check_positive_int("n_pairs", n_pairs)
    xi = xi or Xi("sigmoid", 1.0)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    rng = np.random.default_rng(ss)
    i, j = data.sample_pairs(n_pairs, design, rng)
    d = np.abs(data.reward[i] - data.reward[j])
    tau = xi(d)
    correct = (rng.random(n_pairs) < tau).astype(float)
    vals = np.stack([d, tau, correct])
    config = dict(design=design, n_pairs=n_pairs, xi=xi.__dict__, source=data.source, seed_entropy=str(ss.entropy))
    return _finish(n_pairs, vals.sum(axis=1), (vals * vals).sum(axis=1), "numpy", config)
