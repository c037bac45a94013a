"""Determinism helpers: BLAS pinned per cell (threadpoolctl) and repeatable torch training."""

import pytest


def test_cell_threads_pins_blas_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from simtheory.runner.determinism import cell_threads

    before = [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    with cell_threads():
        inside = [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    after = [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert all(n == 1 for n in inside) and after == before


def test_deterministic_torch_training_repeats_bit_for_bit():
    torch = pytest.importorskip("torch")
    from simtheory.runner.determinism import deterministic_torch

    def train():
        g = deterministic_torch(seed=5, threads=1)
        x = torch.randn(256, 4, generator=g)
        y = (x.sum(1, keepdim=True) > 0).float()
        net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x, y), batch_size=32, shuffle=True, generator=g
        )
        for _ in range(3):
            for xb, yb in loader:
                opt.zero_grad()
                torch.nn.functional.binary_cross_entropy_with_logits(net(xb), yb).backward()
                opt.step()
        return torch.cat([p.detach().flatten() for p in net.parameters()])

    threads, det = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    try:
        assert torch.equal(train(), train())
    finally:  # leave torch as the other tests found it
        torch.use_deterministic_algorithms(det)
        torch.set_num_threads(threads)


def test_torch_training_restores_caller_state_and_repeats():
    """The grids' torch fits run inside ``torch_training``: same seed -> same weights, and the
    caller's global RNG stream and deterministic-algorithms flag are untouched."""
    torch = pytest.importorskip("torch")
    from simtheory.runner.determinism import torch_training

    torch.use_deterministic_algorithms(False)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    weights = []
    for _ in range(2):
        with torch_training(9) as g:
            assert torch.are_deterministic_algorithms_enabled()
            net = torch.nn.Linear(4, 2)
            weights.append((net.weight.detach().clone(), torch.randperm(10, generator=g)))
    assert torch.equal(weights[0][0], weights[1][0]) and torch.equal(weights[0][1], weights[1][1])
    assert not torch.are_deterministic_algorithms_enabled()
    assert torch.equal(torch.rand(3), expected)  # the caller's stream did not move


def test_reward_model_fits_run_deterministic(monkeypatch):
    """fit_model's torch fitters enter torch_training (a deterministic-mode fit, seeded from rng)."""
    pytest.importorskip("torch")
    import numpy as np

    from simtheory.reward_models import models as M
    from simtheory.reward_models.data import PairData
    from simtheory.runner import determinism

    seen = []
    real = determinism.torch_training

    def spy(seed, threads=1):
        seen.append(seed)
        return real(seed, threads)

    monkeypatch.setattr(determinism, "torch_training", spy)
    x1, x2 = np.random.default_rng(0).normal(size=(2, 60, 3))
    r1, r2 = x1.sum(1), x2.sum(1)
    data = PairData(x1=x1, x2=x2, r1=r1, r2=r2, y=(r1 > r2).astype(float), beta=1.0)
    a = M.fit_model("bt_mlp", data, 0, epochs=1)(x1)
    b = M.fit_model("bt_mlp", data, 0, epochs=1)(x1)
    assert len(seen) == 2 and seen[0] == seen[1]
    np.testing.assert_array_equal(a, b)
