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
