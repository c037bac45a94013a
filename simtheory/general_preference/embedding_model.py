"""General preference model (GPM) on embeddings: a skew-symmetric preference score learned from pairs.

Each response embedding x (prompt and response, as in the reward models) is mapped by an MLP to
v(x) in R^k, k = 2m even; the preference score is the skew-symmetric bilinear form of the GPM paper
(Sec. 4, Theorem 4.4 / eq. of the block operator R):

    S(a, b) = sum_l lambda_l (v_a[2l] v_b[2l+1] - v_a[2l+1] v_b[2l]),    P(a > b) = sigmoid(S(a, b)),

with learned lambda_l >= 0 (softplus). S(a, b) = -S(b, a) by construction, so P(a > b) + P(b > a) = 1,
and S can be intransitive (cyclic) unlike a Bradley-Terry score difference r(a) - r(b). An odd k would
waste one dimension (an odd skew-symmetric form is singular), so k is even, 2 <= k <= 8. A BT model is
the special case v = (c, r(x)) with a constant first coordinate (k = 2).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simtheory.validation import SimTheoryInputError, check_positive_int

GPM_DIMS = (2, 4, 6, 8)


def check_gpm_dim(k) -> int:
    k = check_positive_int("k", k, minimum=2)
    if k % 2 or k > 8:
        raise SimTheoryInputError("k", f"must be even and in 2..8 (a skew-symmetric form pairs dimensions), got {k}")
    return k


class _GPMNet:
    def __init__(self, d: int, k: int, hidden: int):
        import torch

        self.torch = torch
        self.embed = torch.nn.Sequential(
            torch.nn.Linear(d, hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(hidden, hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(hidden, k),
        )
        self.raw_lambda = torch.nn.Parameter(torch.zeros(k // 2))
        self.k = k

    def parameters(self):
        return [*self.embed.parameters(), self.raw_lambda]

    def state_dict(self):
        return {"embed": self.embed.state_dict(), "raw_lambda": self.raw_lambda.detach().clone()}

    def load_state_dict(self, st):
        self.embed.load_state_dict(st["embed"])
        with self.torch.no_grad():
            self.raw_lambda.copy_(st["raw_lambda"])

    def train(self):
        self.embed.train()

    def score(self, a, b):
        va, vb = self.embed(a), self.embed(b)
        lam = self.torch.nn.functional.softplus(self.raw_lambda)
        cross = va[:, 0::2] * vb[:, 1::2] - va[:, 1::2] * vb[:, 0::2]
        return (cross * lam).sum(-1)


def fit_gpm(data, rng, *, k: int = 4, hidden: int = 64, **opts) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Fit a GPM (module docstring) to annotated pairs ``data`` (x1, x2, y; y = 1: first preferred).

    Parameters
    ----------
    data : :class:`simtheory.reward_models.data.PairData` (only x1, x2, y are used).
    rng : seed or numpy Generator (torch seed and mini-batch order).
    k : embedding dimension (even, 2..8).
    hidden : MLP width; ``opts``: ``epochs``, ``lr``, ``batch_size``, ``weight_decay``, ``val`` (PairData for
        early stopping), ``patience`` (as the reward-model MLPs in :mod:`simtheory.reward_models.models`).

    Returns
    -------
    callable : ``S(xa, xb)`` -> preference logits (n,), skew-symmetric: S(xa, xb) = -S(xb, xa).
    """
    import torch

    from simtheory.reward_models.models import _train
    from simtheory.runner.determinism import torch_training

    k = check_gpm_dim(k)
    rng = np.random.default_rng(rng)
    if data.n < 2 or len(np.unique(data.y)) < 2:
        raise SimTheoryInputError("data", "needs at least 2 annotated pairs with both labels present")
    with torch_training(int(rng.integers(2**31))):
        net = _GPMNet(data.x1.shape[1], k, int(hidden))
        t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32)

        def loss(a, b, y):
            return torch.nn.functional.binary_cross_entropy_with_logits(net.score(a, b), y)

        val = opts.get("val")
        if val is not None:
            val = (t(val.x1), t(val.x2), t(val.y))
        rec = _train(net, loss, (t(data.x1), t(data.x2), t(data.y)), data.n, opts, rng, val)

        def S(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return net.score(t(xa), t(xb)).numpy().astype(float)

        S.train_record = {**rec, "lambda": torch.nn.functional.softplus(net.raw_lambda).detach().numpy().tolist()}  # type: ignore[attr-defined]
        return S


def intransitive_triads(pairs: np.ndarray, labels: np.ndarray, n_items: int) -> dict:
    """Count 3-cycles a > b > c > a among labelled comparisons (majority vote per unordered pair; ties skipped).

    Returns ``{"triads": number of item triples with all three pairs compared, "cyclic": those that are cycles}``.
    """
    from collections import defaultdict

    pairs = np.asarray(pairs)
    votes: dict = defaultdict(int)
    for (i, j), y in zip(pairs, labels):
        w, l_ = (i, j) if y == 1 else (j, i)
        votes[(w, l_)] += 1
    beats: dict = defaultdict(set)
    for (w, l_), c in votes.items():
        if c > votes.get((l_, w), 0):
            beats[w].add(l_)
    adj: dict = defaultdict(set)
    for i, j in {tuple(sorted(map(int, p))) for p in pairs}:
        adj[i].add(j)
        adj[j].add(i)
    triads = cyclic = 0
    for a in adj:
        for b in adj[a]:
            if b <= a:
                continue
            for c in adj[a] & adj[b]:
                if c <= b:
                    continue
                triads += 1
                if (b in beats[a] and c in beats[b] and a in beats[c]) or (
                    a in beats[b] and b in beats[c] and c in beats[a]
                ):
                    cyclic += 1
    return {"triads": triads, "cyclic": cyclic}
