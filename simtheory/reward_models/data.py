"""Synthetic prompt-response embeddings with a known (golden) reward, and the annotation designs of Section 6.

A response to prompt x has embedding ``Psi = w * p_x + (1 - w) * u`` with ``p_x, u ~ U[0,1]^d`` (so
Psi is in [0,1]^d and same-prompt responses share the prompt component ``p_x``). The golden reward is a
fixed random one-hidden-layer tanh network of Psi (smooth), rescaled so that the reward difference of
two random responses to one prompt has standard deviation ``dr_scale`` (default 1: with
``xi = sigmoid(beta dr)`` the paper's beta grid 0.5 ... 10 then gives about 38% ... 5% wrong labels).

Designs (Section 6.3): each annotation draws a fresh prompt with ``k`` responses and selects two -
``random`` (two random ones), ``similar`` (the two middle-ranked by golden reward), ``diversified``
(the best and the worst), via :func:`simtheory.engine.pairing.selected_pair`. The cross-prompt version pairs
the first selected response of prompt i with the second selected response of another prompt
(a random cyclic shift of a shuffled order), so both versions use the same pool of responses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simtheory.engine.annotators import annotate
from simtheory.engine.pairing import selected_pair
from simtheory.validation import SimTheoryInputError, check_choice, check_positive_int, check_scalar

DESIGNS = ("random", "similar", "diversified")
PAIRINGS = ("same", "cross")


@dataclass
class PairData:
    """Annotated pairs of Section 6 (*Rethinking BT*), labels drawn with xi = sigmoid(beta dr).

    Properties ``n`` (number of pairs) and ``dr`` (= r1 - r2); :meth:`error_rate` is the fraction of labels
    against the golden order.

    Attributes
    ----------
    x1, x2 : numpy.ndarray
        Embeddings of the two responses, shape (n, d).
    r1, r2 : numpy.ndarray
        Golden rewards, shape (n,).
    y : numpy.ndarray
        Labels in {0, 1}, 1 = first response preferred.
    beta : float
        The annotator's inverse noise level.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.reward_models import PairData
    >>> r1, y = np.array([1.0, 0.0, 2.0]), np.array([1, 1, 0])
    >>> pairs = PairData(np.zeros((3, 2)), np.ones((3, 2)), r1, np.zeros(3), y, beta=2.0)
    >>> pairs.n, pairs.dr.tolist(), round(pairs.error_rate(), 3)
    (3, [1.0, 0.0, 2.0], 0.667)
    """

    x1: np.ndarray
    x2: np.ndarray
    r1: np.ndarray
    r2: np.ndarray
    y: np.ndarray
    beta: float

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def dr(self) -> np.ndarray:
        return self.r1 - self.r2

    def error_rate(self) -> float:
        """Fraction of labels that disagree with the golden order."""
        return float(np.mean((self.y == 1) != (self.dr > 0)))


@dataclass
class SyntheticWorld:
    """Golden reward r(Psi) and response generator of the Section 6 simulations (see the module docstring).

    Methods: ``reward(psi)``, ``responses(n_prompts, k, rng)`` and ``pairs(n, beta, rng, design, pairing, k)``
    (the designs of Section 6.3).

    Attributes
    ----------
    d : int, default 16
        Embedding dimension.
    prompt_weight : float, default 0.5
        Weight w in [0, 1] of the shared prompt component of Psi.
    hidden : int, default 32
        Hidden units of the golden tanh network.
    weight_scale : float, default 8.0
        Scale of the golden network's input weights (larger: rougher reward).
    dr_scale : float, default 1.0
        Standard deviation of the reward difference of two responses to one prompt.
    world_seed : int, default 12345
        Seed of the golden network.

    Raises
    ------
    SimTheoryInputError
        d < 1, prompt_weight outside [0, 1], dr_scale <= 0; bad ``pairs`` arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.reward_models import SyntheticWorld
    >>> world = SyntheticWorld(d=4)
    >>> world.reward(world.responses(2, 3, np.random.default_rng(0))).shape
    (2, 3)
    >>> pairs = world.pairs(200, 2.0, np.random.default_rng(0), design="diversified", pairing="cross")
    >>> pairs.x1.shape, round(pairs.error_rate(), 2)
    ((200, 4), 0.09)
    """

    d: int = 16
    prompt_weight: float = 0.5
    hidden: int = 32
    weight_scale: float = 8.0
    dr_scale: float = 1.0
    world_seed: int = 12345

    def __post_init__(self):
        self.d = check_positive_int("d", self.d, 1)
        check_scalar("prompt_weight", self.prompt_weight, low=0.0, high=1.0)
        check_scalar("dr_scale", self.dr_scale, low=1e-12)
        rng = np.random.default_rng(self.world_seed)
        self._w = rng.normal(0, self.weight_scale / np.sqrt(self.d), (self.d, self.hidden))
        self._b = -0.5 * self._w.sum(0) + rng.normal(0, 1, self.hidden)  # centre tanh around Psi ~ 0.5
        self._v = rng.normal(0, 1, self.hidden)
        self._scale, self._shift = 1.0, 0.0
        cal = self.responses(2000, 2, np.random.default_rng(self.world_seed + 1))
        r = self.reward(cal)
        sd = np.std(r[:, 0] - r[:, 1])
        self._scale, self._shift = self.dr_scale / sd, -np.mean(r) * self.dr_scale / sd

    def reward(self, psi: np.ndarray) -> np.ndarray:
        """Golden reward of embeddings ``psi`` (..., d)."""
        return self._scale * (np.tanh(psi @ self._w + self._b) @ self._v) + self._shift

    def responses(self, n_prompts: int, k: int, rng) -> np.ndarray:
        """Embeddings (n_prompts, k, d) of k responses to each of n_prompts fresh prompts."""
        p = rng.random((n_prompts, 1, self.d))
        u = rng.random((n_prompts, k, self.d))
        return self.prompt_weight * p + (1 - self.prompt_weight) * u

    def pairs(self, n: int, beta: float, rng, design: str = "random", pairing: str = "same", k: int = 10) -> PairData:
        """``n`` annotated pairs of the given design (Section 6.3) and pairing (same / cross prompt)."""
        n = check_positive_int("n", n, 2)
        check_choice("design", design, DESIGNS)
        check_choice("pairing", pairing, PAIRINGS)
        k = check_positive_int("k", k, 2)
        psi = self.responses(n, k, rng)
        r = self.reward(psi)
        if design == "random":
            i1, i2 = np.zeros(n, int), np.ones(n, int)
        else:
            v1, v2 = selected_pair(r, design)
            i1, i2 = np.argmax(r == v1[:, None], axis=1), np.argmax(r == v2[:, None], axis=1)
        rows = np.arange(n)
        a, b = rows, rows
        if pairing == "cross":
            perm = rng.permutation(n)
            a, b = perm, np.roll(perm, int(rng.integers(1, n)))
        x1, x2 = psi[a, i1[a]], psi[b, i2[b]]
        r1, r2 = r[a, i1[a]], r[b, i2[b]]
        flip = rng.random(n) < 0.5  # random presentation order
        x1, x2 = np.where(flip[:, None], x2, x1), np.where(flip[:, None], x1, x2)
        r1, r2 = np.where(flip, r2, r1), np.where(flip, r1, r2)
        y = annotate(r1, r2, beta, rng).astype(np.int64)
        return PairData(x1, x2, r1, r2, y, float(beta))


def world_from_params(params: dict) -> SyntheticWorld:
    """The :class:`SyntheticWorld` (Section 6 simulations) of a grid's ``params``.

    Parameters
    ----------
    params : dict
        Grid parameters; the keys d, prompt_weight, golden_hidden, golden_weight_scale, world_seed are
        used (the others are ignored; a missing key takes the SyntheticWorld default).

    Returns
    -------
    SyntheticWorld

    Raises
    ------
    SimTheoryInputError
        A value that does not convert to its type, or one SyntheticWorld rejects.

    Examples
    --------
    >>> from simtheory.reward_models import world_from_params
    >>> world = world_from_params({"d": 4, "world_seed": 1, "n_train": 100})
    >>> world.d, world.hidden, world.world_seed
    (4, 32, 1)
    """
    try:
        return SyntheticWorld(
            d=int(params.get("d", 16)),
            prompt_weight=float(params.get("prompt_weight", 0.5)),
            hidden=int(params.get("golden_hidden", 32)),
            weight_scale=float(params.get("golden_weight_scale", 8.0)),
            world_seed=int(params.get("world_seed", 12345)),
        )
    except (TypeError, ValueError) as e:
        if isinstance(e, SimTheoryInputError):
            raise
        raise SimTheoryInputError("params", f"bad world parameter: {e}") from None


def real_pairs(data, rows: np.ndarray, n: int, beta: float, rng, pairing: str = "same") -> PairData:
    """Annotated pairs of real embeddings (an :class:`~simtheory.embeddings.EmbeddingData`) restricted to ``rows``;
    the golden reward is the file's ``reward``."""
    check_choice("pairing", pairing, PAIRINGS)
    if data.reward is None:
        raise SimTheoryInputError(
            "embeddings", "the file has no golden reward ('reward'), which reward-model grids need"
        )
    sub = data.subset(rows)
    i, j = sub.sample_pairs(n, pairing, rng)
    x, r = sub.embeddings, sub.reward
    y = annotate(r[i], r[j], beta, rng).astype(np.int64)
    return PairData(x[i], x[j], r[i], r[j], y, float(beta))
