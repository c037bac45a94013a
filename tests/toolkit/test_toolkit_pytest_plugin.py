"""The pytest plugin: reproducible seeds, backend parametrisation, claim marker, --simtheory-report."""

import json
import re

import pytest

from simtheory.pytest_plugin import node_seed

pytest_plugins = ["pytester"]
PLUGIN = ("-p", "no:simtheory", "-p", "simtheory.pytest_plugin")  # works with or without the entry point


def test_seed_is_reproducible_and_depends_on_node_and_root(pytester):
    pytester.makepyfile(
        test_a="""
        def test_x(st_seed, st_rng):
            print("SEED", st_seed, st_rng.integers(10**9))
        def test_y(st_seed):
            print("SEED", st_seed)
    """
    )
    runs = [pytester.runpytest(*PLUGIN, "-s", *extra) for extra in ((), ("--simtheory-seed", "5"))]
    seeds = [re.findall(r"SEED (\d+)", r.stdout.str()) for r in runs]
    assert seeds[0] == [str(node_seed("test_a.py::test_x", 0)), str(node_seed("test_a.py::test_y", 0))]
    assert seeds[1] == [str(node_seed("test_a.py::test_x", 5)), str(node_seed("test_a.py::test_y", 5))]
    assert len(set(seeds[0] + seeds[1])) == 4


def test_failure_report_shows_the_seed(pytester):
    pytester.makepyfile(
        test_b="""
        def test_fails(st_seed):
            assert st_seed < 0
    """
    )
    r = pytester.runpytest(*PLUGIN)
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines([f"*st_seed = {node_seed('test_b.py::test_fails', 0)}*"])


def test_backend_parametrisation_skips_cupy_visibly(pytester):
    from simtheory.engine.backends import cupy_available

    pytester.makepyfile(
        test_c="""
        def test_backend(st_backend):
            assert st_backend in ("numpy", "numba", "cupy")
    """
    )
    r = pytester.runpytest(*PLUGIN, "-rs", "-m", "not gpu or gpu")
    if cupy_available():
        r.assert_outcomes(passed=3)
    else:
        r.assert_outcomes(passed=2, skipped=1)
        r.stdout.fnmatch_lines(["*SKIPPED*backend cupy: needs cupy and a CUDA device*"])
    r = pytester.runpytest(*PLUGIN, "-m", "not gpu", "--simtheory-backends", "numpy,cupy")
    r.assert_outcomes(passed=1, deselected=1)  # the cupy case carries the gpu marker
    r = pytester.runpytest(*PLUGIN, "--simtheory-backends", "numpy,tpu")
    assert r.ret != 0
    assert "--simtheory-backends: unknown backend(s) ['tpu']" in r.stderr.str()


@pytest.mark.slow
def test_report_of_exercised_claims(pytester):
    """A claim registered by the tested package, linked by the marker, gets its verdict in the report."""
    pytester.makepyfile(
        toolkit_demo_claims="""
        import numpy as np
        from simtheory.plugins import register_document
        from simtheory.testing import check_mean
        from simtheory.verify.registry import Claim, register

        register_document("toolkit_demo", "A demo note", short="demo")

        def compute(quick):
            rng = np.random.default_rng(3)
            return check_mean(rng.uniform(0, 1, 2000), 0.5, seed=3).outcome("mean of U(0,1)")

        register(Claim(id="demo.uniform_mean", document="toolkit_demo", where="Lemma 1",
                       statement="E U(0,1) = 1/2", paper_value="0.5", tests=("test_d.py::test_mean",),
                       command="pytest test_d.py", compute=compute))
    """
    )
    pytester.makepyfile(
        test_d="""
        import pytest
        import toolkit_demo_claims  # noqa: F401  (registers the claim)

        @pytest.mark.claim("demo.uniform_mean", "demo.not_registered")
        def test_mean(st_rng):
            assert abs(st_rng.uniform(0, 1, 1000).mean() - 0.5) < 0.1

        def test_unrelated():
            pass
    """
    )
    pytester.syspathinsert()
    r = pytester.runpytest(*PLUGIN, "--simtheory-report", "rep")
    r.assert_outcomes(passed=2)
    r.stdout.fnmatch_lines(["*simtheory report:*1 claims exercised: 1 holds*unknown claim ids*demo.not_registered*"])
    data = json.loads((pytester.path / "rep" / "report.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["demo.uniform_mean"]
    assert data["claims"][0]["verdict"] == "holds" and data["claims"][0]["missing_tests"] == []
    links = json.loads((pytester.path / "rep" / "pytest_claims.json").read_text())
    assert links["claims"]["demo.uniform_mean"] == [{"test": "test_d.py::test_mean", "outcome": "passed"}]
    assert "A demo note" in (pytester.path / "rep" / "report.html").read_text()
