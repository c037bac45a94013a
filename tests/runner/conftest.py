"""Runner tests use the test-only grid ``tests/runner/_grids/tiny.toml`` (selected with SIMTHEORY_EXPERIMENTS)."""

import sys
from pathlib import Path

import pytest

GRIDS = Path(__file__).resolve().parent / "_grids"
if str(GRIDS) not in sys.path:  # before any cluster or subprocess starts, so they import the tiny grid too
    sys.path.insert(0, str(GRIDS))


@pytest.fixture(autouse=True)
def _tiny_grids(monkeypatch):
    monkeypatch.setenv("SIMTHEORY_EXPERIMENTS", str(GRIDS))
    monkeypatch.setenv("PYTHONPATH", str(GRIDS) + ":" + str(GRIDS.parent.parent.parent))
