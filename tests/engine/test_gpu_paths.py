"""GPU paths that run through torch: device choice, GPM scores / accuracy / fit on a torch device.

On a machine without CUDA the torch functions run on the cpu device and must equal the numpy/scipy code; the
cuda variants are marked ``gpu`` and skip, with the reason shown, where torch sees no CUDA device.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs torch (pip install simtheory[models])")

from simtheory.engine.devices import torch_device  # noqa: E402
from simtheory.general_preference import gpu as gg  # noqa: E402
from simtheory.general_preference.cyclic import accuracy, fit_scores, tournament_data  # noqa: E402
from simtheory.general_preference.operator import preference_score, score_matrix  # noqa: E402
from simtheory.validation import SimTheoryInputError  # noqa: E402

HAS_CUDA = torch.cuda.is_available()
DEVICES = ["cpu"] + (["cuda"] if HAS_CUDA else [])


def test_torch_device_choice(monkeypatch):
    monkeypatch.delenv("SIMTHEORY_TORCH_DEVICE", raising=False)
    assert torch_device() == ("cuda" if HAS_CUDA else "cpu")
    assert torch_device("cpu") == "cpu"
    monkeypatch.setenv("SIMTHEORY_TORCH_DEVICE", "cpu")
    assert torch_device() == "cpu"
    monkeypatch.setenv("SIMTHEORY_TORCH_DEVICE", "tpu")
    with pytest.raises(SimTheoryInputError, match="^SIMTHEORY_TORCH_DEVICE:"):
        torch_device()
    with pytest.raises(SimTheoryInputError, match="^device:"):
        torch_device("gpu0")
    if not HAS_CUDA:
        with pytest.raises(SimTheoryInputError, match="no CUDA device"):
            torch_device("cuda")


@pytest.mark.parametrize("device", [pytest.param(d, marks=[pytest.mark.gpu] if d == "cuda" else []) for d in DEVICES])
def test_gpm_scores_and_accuracy_equal_numpy(device):
    rng = np.random.default_rng(0)
    V = rng.normal(size=(300, 6))
    gate = rng.uniform(0.2, 2.0, size=3)
    S = score_matrix(V, gate)
    assert np.allclose(gg.score_matrix(V, gate, device=device), S, rtol=0, atol=1e-12 * np.abs(S).max())
    pairs = rng.integers(0, 300, size=(5000, 2))
    s = preference_score(V[pairs[:, 0]], V[pairs[:, 1]], gate)
    assert np.allclose(
        gg.pair_scores(V, pairs, gate, device=device, batch=777), s, rtol=0, atol=1e-12 * np.abs(s).max()
    )
    P = score_matrix(rng.normal(size=(300, 6)))
    assert gg.accuracy(S, P, pairs, device=device) == accuracy(S, P, pairs)


@pytest.mark.parametrize("device", [pytest.param(d, marks=[pytest.mark.gpu] if d == "cuda" else []) for d in DEVICES])
def test_gpm_fit_matches_scipy(device):
    """Same objective and random start as cyclic.fit_scores (L-BFGS, one start): fitted NLL within 0.1 % and the same
    accuracy on a 10-item tournament with 40 annotations per pair (seed 3)."""
    d = tournament_data(10, 1.0, 40, np.random.default_rng(3))
    S1 = fit_scores(d.W, 4, seed=0, restarts=1)
    S2 = gg.fit_scores(d.W, 4, seed=0, restarts=1, device=device)
    assert gg.nll(S2, d.W) == pytest.approx(gg.nll(S1, d.W), rel=1e-3)
    assert accuracy(S2, d.P, d.pairs) == accuracy(S1, d.P, d.pairs)


def test_gpm_bad_input_one_line():
    with pytest.raises(SimTheoryInputError, match="^pairs:"):
        gg.pair_scores(np.ones((3, 2)), np.array([[0, 3]]))
    with pytest.raises(SimTheoryInputError, match="^dim:"):
        gg.fit_scores(np.ones((3, 3)), 3)
