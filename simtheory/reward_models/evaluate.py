"""Evaluation against the golden reward (Section 6): best-of-N gain and order consistency."""

from __future__ import annotations

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array


def best_of_n(score: np.ndarray, golden: np.ndarray) -> dict:
    """Best-of-N golden-reward gain on held-out prompts (Section 6 of *Rethinking BT*).

    Parameters
    ----------
    score : array_like
        Reward-model scores, shape (n_prompts, N).
    golden : array_like
        Golden rewards of the same responses, same shape.

    Returns
    -------
    dict
        ``bon_gain``: mean golden reward of the response the RM ranks first minus that of a random response
        (the prompt's mean over its N responses), ``bon_gain_se`` its standard error, ``bon_oracle_gain`` the
        same for the golden argmax, ``bon_gain_frac`` their ratio.

    Raises
    ------
    SimTheoryInputError
        Non-finite or non-2-D inputs, or different shapes.

    Examples
    --------
    >>> from simtheory.reward_models import best_of_n
    >>> out = best_of_n([[1, 0], [0, 1]], [[1.0, 0.0], [1.0, 0.0]])
    >>> out["bon_gain"], out["bon_oracle_gain"], out["bon_gain_frac"]
    (0.0, 0.5, 0.0)
    """
    score = check_finite_array("score", score, ndim=2)
    golden = check_finite_array("golden", golden, ndim=2)
    if score.shape != golden.shape:
        raise SimTheoryInputError("score", f"shape {score.shape} differs from golden's {golden.shape}")
    pick = golden[np.arange(len(golden)), np.argmax(score, axis=1)]
    base = golden.mean(axis=1)
    gains = pick - base
    oracle = golden.max(axis=1) - base
    return {
        "bon_gain": float(gains.mean()),
        "bon_gain_se": float(gains.std(ddof=1) / np.sqrt(len(gains))),
        "bon_oracle_gain": float(oracle.mean()),
        "bon_gain_frac": float(gains.mean() / oracle.mean()),
    }


def pairwise_accuracy(s1, s2, r1, r2) -> tuple[float, float]:
    """Order consistency with the golden reward (Section 6): P(sign(s1 - s2) = sign(r1 - r2)), ties count 1/2.

    Kendall's tau over such pairs is 2 * accuracy - 1.

    Parameters
    ----------
    s1, s2 : array_like
        Model scores of the first and second response of each pair.
    r1, r2 : array_like
        Golden rewards of the same responses.

    Returns
    -------
    accuracy, se : float
        The order consistency and its standard error.

    Examples
    --------
    >>> from simtheory.reward_models import pairwise_accuracy
    >>> acc, se = pairwise_accuracy([1, 2, 3], [0, 3, 1], [1, 1, 1], [0, 0, 0])
    >>> round(acc, 3), round(se, 3)
    (0.667, 0.333)
    """
    ok = np.sign(np.asarray(s1) - np.asarray(s2)) * np.sign(np.asarray(r1) - np.asarray(r2))
    v = np.where(ok > 0, 1.0, np.where(ok < 0, 0.0, 0.5))
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))


def order_consistency(score: np.ndarray, golden: np.ndarray, n_pairs: int, rng, pairing: str = "same") -> tuple:
    """Pairwise accuracy on ``n_pairs`` random pairs of the (n_prompts, N) pool, same or cross prompt."""
    p, n = golden.shape
    a = rng.integers(p, size=n_pairs)
    i = rng.integers(n, size=n_pairs)
    if pairing == "same":
        b, j = a, (i + rng.integers(1, n, size=n_pairs)) % n
    else:
        b, j = (a + rng.integers(1, p, size=n_pairs)) % p, rng.integers(n, size=n_pairs)
    return pairwise_accuracy(score[a, i], score[b, j], golden[a, i], golden[b, j])
