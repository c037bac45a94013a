"""Device choice for torch training (reward-model and risk-rate MLPs).

``torch_device()`` returns ``"cuda"`` when torch sees a CUDA device and ``"cpu"`` otherwise; the
environment variable ``SIMTHEORY_TORCH_DEVICE`` (``auto``, ``cpu``, ``cuda`` or ``cuda:N``) or an explicit
argument overrides it. Training on cuda is not bit-identical to cpu; results agree within the same
statistical tolerances (checked by ``benchmarks/gpu_check.py``).
"""

from __future__ import annotations

import os

from simtheory.validation import SimTheoryInputError

ENV = "SIMTHEORY_TORCH_DEVICE"


def torch_device(device: str | None = None) -> str:
    """Resolve a torch device name.

    Parameters
    ----------
    device : ``None`` (use ``$SIMTHEORY_TORCH_DEVICE``, default ``auto``), ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.

    Returns
    -------
    str
        ``"cpu"`` or a cuda device name.

    Raises
    ------
    SimTheoryInputError
        ``device`` (or the environment variable) names something else, or cuda where torch has no CUDA device.
    """
    name = device if device is not None else os.environ.get(ENV, "auto")
    arg = "device" if device is not None else ENV
    if not isinstance(name, str) or not (
        name in ("auto", "cpu", "cuda") or (name.startswith("cuda:") and name[5:].isdigit())
    ):
        raise SimTheoryInputError(arg, f"unknown device {name!r}; choose auto, cpu, cuda or cuda:N")
    if name == "cpu":
        return "cpu"
    import torch

    has_cuda = torch.cuda.is_available()
    if name == "auto":
        return "cuda" if has_cuda else "cpu"
    if not has_cuda:
        raise SimTheoryInputError(arg, f"{name!r} asked for, but torch sees no CUDA device")
    if ":" in name and int(name[5:]) >= torch.cuda.device_count():
        raise SimTheoryInputError(arg, f"{name!r}: only {torch.cuda.device_count()} CUDA device(s)")
    return name
