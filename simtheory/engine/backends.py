"""Backend switch for the Monte-Carlo kernels: numpy (reference), numba, cupy (fused CUDA kernels),
cupy_array (the numpy code on the GPU, kept for comparison).

``auto`` picks cupy when it imports and a CUDA device is present, else numba
when it imports, else numpy. All backends draw from the same seed family
(a :class:`numpy.random.SeedSequence`) and give statistically identical
results; they are not bit-identical (each uses its own generator).
"""

from __future__ import annotations

import functools

from simtheory.validation import check_choice

BACKENDS = ("numpy", "numba", "cupy", "cupy_array")


@functools.cache
def numba_available() -> bool:
    try:
        import numba  # noqa: F401
    except Exception:
        return False
    return True


@functools.cache
def cupy_available() -> bool:
    """True when cupy imports and at least one CUDA device answers."""
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def available_backends() -> list[str]:
    """Backends usable here, fastest last.

    Returns
    -------
    list of str
        ``"numpy"`` always, then ``"numba"`` and ``"cupy"``, ``"cupy_array"`` when they work here.

    Examples
    --------
    >>> backends = available_backends()
    >>> backends[0], set(backends) <= set(BACKENDS)
    ('numpy', True)
    """
    return ["numpy"] + (["numba"] if numba_available() else []) + (["cupy", "cupy_array"] if cupy_available() else [])


def resolve_backend(name: str = "auto") -> str:
    """Map ``auto`` to the fastest available backend; reject unknown or unavailable names.

    Parameters
    ----------
    name : str, default "auto"
        ``"auto"`` or one of :data:`BACKENDS`.

    Returns
    -------
    str
        A backend name from :func:`available_backends`.

    Raises
    ------
    SimTheoryInputError
        If ``name`` is unknown or the backend is not available here.

    Examples
    --------
    >>> resolve_backend("numpy")
    'numpy'
    >>> resolve_backend() in available_backends()
    True
    >>> resolve_backend("torch")
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: backend: unknown value 'torch'; choose one of ...
    """
    check_choice("backend", name, ("auto",) + BACKENDS)
    if name == "auto":
        if cupy_available():
            return "cupy"
        return "numba" if numba_available() else "numpy"
    if name not in available_backends():
        from simtheory.validation import SimTheoryInputError

        raise SimTheoryInputError(
            "backend", f"{name!r} is not available here (available: {', '.join(available_backends())})"
        )
    return name
