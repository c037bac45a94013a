"""Input validation with one-line, argument-naming errors.

Every public entry point validates its arguments with these helpers so that bad
input fails with ``SimTheoryInputError: <argument>: <what is wrong>`` instead of
a traceback from deep inside numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np


class SimTheoryInputError(ValueError):
    """Bad user input. The message is one line and starts with the argument name.

    A subclass of :class:`ValueError`; picklable, so it crosses process boundaries (Dask,
    multiprocessing) intact.

    Parameters
    ----------
    name : str
        The offending argument (for example ``"beta"`` or ``"--seed"``).
    problem : str
        What is wrong; whitespace is collapsed to keep the message on one line.

    Attributes
    ----------
    argument : str
        The offending argument.
    reason : str
        The one-line problem description.

    Examples
    --------
    >>> err = SimTheoryInputError("beta", "must be >= 0,   got -1")
    >>> str(err), err.argument, isinstance(err, ValueError)
    ('beta: must be >= 0, got -1', 'beta', True)
    >>> import pickle
    >>> pickle.loads(pickle.dumps(err)).reason
    'must be >= 0, got -1'
    """

    def __init__(self, name: str, problem: str):
        self.argument = name
        self.reason = " ".join(str(problem).split())  # one line, whatever the caller passed
        super().__init__(f"{name}: {self.reason}")

    def __reduce__(self):  # picklable (Dask, multiprocessing): rebuild from (argument, reason)
        return (type(self), (self.argument, self.reason))


def check_finite_array(
    name: str, x, *, ndim: int | None = None, shape: Sequence[int | None] | None = None, dtype=float
) -> np.ndarray:
    """Return ``x`` as an array after checking dtype, dimensionality, shape and finiteness."""
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise SimTheoryInputError(name, f"cannot be converted to a {np.dtype(dtype).name} array") from None
    if ndim is not None and arr.ndim != ndim:
        raise SimTheoryInputError(name, f"expected a {ndim}-d array, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise SimTheoryInputError(name, f"expected shape {want}, got {arr.shape}")
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise SimTheoryInputError(name, f"contains {bad} NaN/inf value(s)")
    return arr


def check_scalar(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """Check a real scalar lies in [low, high] (ends open if asked). Returns it as float/int."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SimTheoryInputError(name, f"expected a number, got {type(value).__name__} {value!r}")
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise SimTheoryInputError(name, f"must be finite, got {value}")
    if integer and int(value) != value:
        raise SimTheoryInputError(name, f"must be an integer, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise SimTheoryInputError(name, f"must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise SimTheoryInputError(name, f"must be {'<' if high_open else '<='} {high}, got {value}")
    return int(value) if integer else float(value)


def check_beta(beta, name: str = "beta") -> float:
    """Annotator sharpness beta >= 0 (beta = 0: random annotator; beta = inf: perfect)."""
    if isinstance(beta, (float, np.floating)) and math.isinf(beta) and beta > 0:
        return float("inf")
    return check_scalar(name, beta, low=0.0)


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    return int(check_scalar(name, value, low=minimum, integer=True))


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    choices = list(choices)
    if value not in choices:
        raise SimTheoryInputError(name, f"unknown value {value!r}; choose one of {', '.join(map(str, choices))}")
    return value
