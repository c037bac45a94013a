"""Truncated KL risk R_B (Definition 9, eq. 11 of *Rethinking BT*; Bos and Schmidt-Hieber, 2022).

For two-class probability vectors p0 = (p0, 1 - p0) and p_hat = (q, 1 - q),

    R_B(p0, p_hat) = E[ p0 * min(B, log(p0 / q)) + (1 - p0) * min(B, log((1 - p0) / (1 - q))) ],

the expectation over the pair distribution of (Psi1, Psi2). We estimate it by the mean over held-out pairs
drawn from that distribution, with the usual standard error sd / sqrt(M) of the pointwise terms.
Terms with p0 = 0 (resp. 1 - p0 = 0) contribute 0 (0 * min(B, .) = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array, check_scalar


@dataclass(frozen=True)
class RiskEstimate:
    """Monte-Carlo estimate of the truncated KL risk R_B (Definition 9, eq. 11): ``value`` +- ``se`` from ``m`` pairs.

    Attributes
    ----------
    value : float
        Mean of the pointwise terms over the held-out pairs.
    se : float
        Its standard error sd / sqrt(m).
    m : int
        Number of held-out pairs.

    Examples
    --------
    >>> from simtheory.risk_rate import truncated_kl_risk
    >>> r = truncated_kl_risk([0.7, 0.2, 0.5], [0.6, 0.3, 0.5])
    >>> round(r.value, 4), round(r.se, 4), r.m
    (0.0158, 0.008, 3)
    """

    value: float
    se: float
    m: int


def _probs(name: str, p) -> np.ndarray:
    arr = check_finite_array(name, p)
    if arr.size == 0:
        raise SimTheoryInputError(name, "must not be empty")
    if np.any(arr < 0) or np.any(arr > 1):
        raise SimTheoryInputError(name, "probabilities must lie in [0, 1]")
    return arr


def _term(a: np.ndarray, b: np.ndarray, B: float) -> np.ndarray:
    out = np.zeros(np.broadcast(a, b).shape)
    a, b = np.broadcast_arrays(a, b)
    pos = a > 0
    with np.errstate(divide="ignore"):
        ratio = np.where(pos, np.log(np.where(pos, a, 1.0)) - np.log(b), 0.0)  # log(a/b); +inf where b = 0
    out[pos] = a[pos] * np.minimum(B, ratio[pos])
    return out


def truncated_kl_pointwise(p0, p_hat, B: float = 3.0) -> np.ndarray:
    """Pointwise term p0^T min(B, log(p0 / p_hat)) of the truncated KL risk (Definition 9, eq. 11).

    Parameters
    ----------
    p0 : array_like
        True probabilities that the first response is preferred, in [0, 1].
    p_hat : array_like
        Fitted probabilities, same shape.
    B : float
        Truncation level, > 0.

    Returns
    -------
    numpy.ndarray
        One term per pair, each in [0, B].

    Raises
    ------
    SimTheoryInputError
        If a probability lies outside [0, 1], the shapes differ or ``B <= 0``.

    Examples
    --------
    >>> truncated_kl_pointwise([0.5], [0.5]).tolist()
    [0.0]
    """
    p0 = _probs("p0", p0)
    q = _probs("p_hat", p_hat)
    if p0.shape != q.shape:
        raise SimTheoryInputError("p_hat", f"shape {q.shape} differs from p0 shape {p0.shape}")
    B = check_scalar("B", B, low=0.0, low_open=True)
    return _term(p0, q, B) + _term(1.0 - p0, 1.0 - q, B)


def truncated_kl_risk(p0, p_hat, B: float = 3.0, weights=None) -> RiskEstimate:
    """Truncated KL risk R_B (eq. 11) with its Monte-Carlo standard error.

    Parameters
    ----------
    p0, p_hat, B
        As in :func:`truncated_kl_pointwise`; the pairs are draws from the pair distribution.
    weights : array_like, optional
        Probabilities of a discrete pair distribution (sum 1); the risk is then exact and se = 0.

    Returns
    -------
    RiskEstimate
        ``value`` (mean of the pointwise terms), ``se`` = sd / sqrt(m) and ``m``.

    Examples
    --------
    >>> r = truncated_kl_risk([0.9, 0.8], [0.9, 0.8])
    >>> r.value, r.m
    (0.0, 2)
    """
    t = truncated_kl_pointwise(p0, p_hat, B)
    if weights is not None:
        w = check_finite_array("weights", weights)
        if w.shape != t.shape or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise SimTheoryInputError("weights", "must be non-negative, shaped like p0 and sum to 1")
        return RiskEstimate(float(np.sum(w * t)), 0.0, int(t.size))
    m = t.size
    se = float(np.std(t, ddof=1) / np.sqrt(m)) if m > 1 else float("nan")
    return RiskEstimate(float(np.mean(t)), se, int(m))
