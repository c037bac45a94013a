"""numba kernel of :func:`simtheory.bt.fit`: the win matrix of (winners, losers) index arrays in one pass."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def count_wins(w, l, n):  # pragma: no cover - compiled
    """W[i, j] = #(w == i and l == j) for indices in [0, n) with w != l; returns (W, k) with k the first battle
    that breaks these rules (-1: none). One pass over the battles instead of numpy's key, bincount and range
    checks (five passes)."""
    W = np.zeros((n, n))
    for k in range(w.size):
        a = w[k]
        b = l[k]
        if a < 0 or b < 0 or a >= n or b >= n or a == b:
            return W, k
        W[a, b] += 1.0
    return W, -1
