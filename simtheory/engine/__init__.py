"""The Monte-Carlo engine: no paper knowledge, only samplers, annotators, pairing designs and backends.

* :mod:`.utility_samplers` - location-scale utility families and prompt populations;
* :mod:`.annotators` - annotator correctness xi and BT / Thurstone label noise;
* :mod:`.pairing` - same / cross / similar / diversified pair designs;
* :mod:`.backends`, :mod:`.montecarlo` - numpy / numba / cupy pair statistics (validated once, by
  :func:`~.montecarlo.check_pair_params`, for every backend);
* :mod:`.order_consistency` - order-consistency counting kernels;
* :mod:`._numba_kernels` - numba kernels (counter-based SplitMix64, a SIMD Gaussian fast path);
* :mod:`.cupy_fused` - fused CUDA kernels (Philox4x32-10 streams, reduction in registers);
* :mod:`.devices` - torch device choice (cuda when available).
"""

from simtheory.engine.annotators import annotate, correctness, error_rate, prob_prefer_first
from simtheory.engine.backends import BACKENDS, available_backends, resolve_backend
from simtheory.engine.montecarlo import PairStats, Xi, pair_stats
from simtheory.engine.order_consistency import Fraction, order_consistency
from simtheory.engine.pairing import DESIGNS, sample_pairs
from simtheory.engine.utility_samplers import FAMILIES, PromptPopulation, standard_noise

__all__ = [
    "BACKENDS",
    "DESIGNS",
    "FAMILIES",
    "Fraction",
    "PairStats",
    "PromptPopulation",
    "Xi",
    "annotate",
    "available_backends",
    "correctness",
    "error_rate",
    "order_consistency",
    "pair_stats",
    "prob_prefer_first",
    "resolve_backend",
    "sample_pairs",
    "standard_noise",
]
