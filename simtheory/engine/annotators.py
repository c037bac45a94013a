"""Annotator models (eq. 15, 22-23 of *Rethinking BT*).

An annotator shown a pair with utility difference ``dr = r1 - r2`` labels the
pair *correctly* (prefers the higher-utility side) with probability
``xi(|dr|)``; the default is ``xi(d) = sigmoid(beta * d)``: ``beta = 0`` is a
random annotator (eq. 22), ``beta -> inf`` a perfect one (eq. 23).
Equivalently ``P(y1 > y2) = F(beta * dr)`` with ``F`` the logistic CDF (BT /
Gumbel or logistic bias, Remark 4) or the Gaussian CDF (Thurstone bias).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import expit, ndtr

from simtheory.validation import SimTheoryInputError, check_beta, check_choice, check_finite_array

LINKS = ("logistic", "gaussian")


def link_cdf(link: str) -> Callable[[np.ndarray], np.ndarray]:
    """CDF of the bias difference: logistic -> sigmoid (BT), gaussian -> Phi (Thurstone)."""
    check_choice("link", link, LINKS)
    return expit if link == "logistic" else ndtr


def prob_prefer_first(dr, beta: float = 1.0, link: str = "logistic") -> np.ndarray:
    """P(annotator prefers response 1) = F(beta * (r1 - r2)) (eq. 22-23, Remark 4).

    Parameters
    ----------
    dr : array_like
        Utility differences ``r1 - r2``; must be finite.
    beta : float, default 1.0
        Annotator sharpness, ``beta >= 0``; ``0`` is a random annotator, ``inf`` a perfect one.
    link : {"logistic", "gaussian"}, default "logistic"
        CDF ``F`` of the bias difference: logistic (BT) or Gaussian (Thurstone).

    Returns
    -------
    numpy.ndarray
        Probabilities that response 1 is preferred, same shape as ``dr`` (0.5 at ties when ``beta = inf``).

    Raises
    ------
    SimTheoryInputError
        If ``beta`` is negative or not a number, ``dr`` is not finite, or ``link`` is unknown.

    Examples
    --------
    >>> prob_prefer_first([1.0, 0.0, -1.0]).round(3)
    array([0.731, 0.5  , 0.269])
    >>> prob_prefer_first([1.0, -1.0], beta=float("inf"))
    array([1., 0.])
    """
    beta = check_beta(beta)
    dr = check_finite_array("dr", dr)
    if np.isinf(beta):
        return np.where(dr > 0, 1.0, np.where(dr < 0, 0.0, 0.5))
    return link_cdf(link)(beta * dr)


def correctness(abs_dr, beta: float = 1.0, xi: Callable | None = None, link: str = "logistic") -> np.ndarray:
    """xi(|dr|): probability that the label agrees with the utility order (eq. 15).

    Parameters
    ----------
    abs_dr : array_like
        Absolute utility differences ``|r1 - r2|``; must be finite.
    beta : float, default 1.0
        Annotator sharpness used by the default ``xi(d) = F(beta * d)``.
    xi : callable, optional
        Custom correctness map ``|dr| -> [1/2, 1]``; when given, ``beta`` and ``link`` are ignored.
    link : {"logistic", "gaussian"}, default "logistic"
        CDF ``F`` of the default correctness map.

    Returns
    -------
    numpy.ndarray
        Correctness probabilities, same shape as ``abs_dr``.

    Raises
    ------
    SimTheoryInputError
        If ``abs_dr`` is not finite, or ``beta`` / ``link`` are invalid.

    Examples
    --------
    >>> correctness([0.0, 2.0]).round(3)
    array([0.5  , 0.881])
    >>> correctness([0.0, 2.0], xi=lambda d: 0.5 + 0.1 * d).round(2)
    array([0.5, 0.7])
    """
    abs_dr = check_finite_array("abs_dr", abs_dr)
    if xi is not None:
        return np.asarray(xi(abs_dr), dtype=float)
    return prob_prefer_first(abs_dr, beta, link)


def annotate(
    r1,
    r2,
    beta: float = 1.0,
    rng: np.random.Generator | int | None = None,
    *,
    link: str = "logistic",
    xi: Callable | None = None,
) -> np.ndarray:
    """Noisy preference labels (eq. 15, 22-23): 1 where response 1 is preferred, else 0.

    With ``xi`` given (a monotone map from |dr| to [1/2, 1]) the label is correct
    with probability ``xi(|dr|)``; otherwise ``P(label=1) = F(beta * (r1 - r2))``.
    Ties (dr = 0) are broken by a fair coin.

    Parameters
    ----------
    r1, r2 : array_like
        Utilities of the first and second responses; finite, same shape.
    beta : float, default 1.0
        Annotator sharpness, ``beta >= 0`` or ``inf``.
    rng : numpy.random.Generator or int or None, optional
        Random generator or seed.
    link : {"logistic", "gaussian"}, default "logistic"
        CDF ``F`` of the bias difference (BT or Thurstone).
    xi : callable, optional
        Correctness map ``|dr| -> [0, 1]`` used instead of ``F(beta * dr)``.

    Returns
    -------
    numpy.ndarray of int8
        Labels, same shape as ``r1``.

    Raises
    ------
    SimTheoryInputError
        If ``r1`` / ``r2`` are not finite or differ in shape, ``beta`` / ``link`` are invalid,
        or ``xi`` maps outside [0, 1].

    Examples
    --------
    >>> annotate([1.0, 2.0, 3.0], [0.0, 0.0, 5.0], beta=float("inf"), rng=0)
    array([1, 1, 0], dtype=int8)
    >>> labels = annotate(np.ones(10_000), np.zeros(10_000), beta=1.0, rng=0)
    >>> round(float(labels.mean()), 2)  # sigmoid(1) = 0.731
    0.73
    """
    r1 = check_finite_array("r1", r1)
    r2 = check_finite_array("r2", r2)
    if r1.shape != r2.shape:
        raise SimTheoryInputError("r2", f"shape {r2.shape} differs from r1's {r1.shape}")
    rng = np.random.default_rng(rng)
    dr = r1 - r2
    if xi is None:
        p1 = prob_prefer_first(dr, beta, link)
    else:
        q = np.asarray(xi(np.abs(dr)), dtype=float)
        if np.any((q < 0) | (q > 1)) or not np.all(np.isfinite(q)):
            raise SimTheoryInputError("xi", "must map |dr| into [0, 1]")
        p1 = np.where(dr > 0, q, np.where(dr < 0, 1 - q, 0.5))
    return (rng.random(dr.shape) < p1).astype(np.int8)


def error_rate(dr, beta: float = 1.0, link: str = "logistic") -> float:
    """Expected fraction of wrong labels on pairs with differences ``dr``: mean of 1 - F(beta |dr|) (eq. 15).

    Parameters
    ----------
    dr : array_like
        Utility differences ``r1 - r2``; must be finite.
    beta : float, default 1.0
        Annotator sharpness, ``beta >= 0`` or ``inf``.
    link : {"logistic", "gaussian"}, default "logistic"
        CDF ``F`` of the bias difference.

    Returns
    -------
    float
        Mean label-error probability.

    Raises
    ------
    SimTheoryInputError
        If ``dr`` is not finite or ``beta`` / ``link`` are invalid.

    Examples
    --------
    >>> round(error_rate([1.0, -1.0]), 4)
    0.2689
    >>> error_rate([1.0, -1.0], beta=float("inf"))
    0.0
    """
    return float(np.mean(1.0 - prob_prefer_first(np.abs(check_finite_array("dr", dr)), beta, link)))
