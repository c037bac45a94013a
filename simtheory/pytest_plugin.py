"""pytest plugin of simtheory (entry point ``pytest11``: ``simtheory = "simtheory.pytest_plugin"``).

Fixtures
--------
``st_seed``
    An int seed per test, reproducible from the test's node id and ``--simtheory-seed``
    (default 0): the same test gets the same seed in every run, on every machine, in any
    order or under xdist; a failing test's report shows it.
``st_rng``
    ``numpy.random.default_rng(st_seed)``.
``st_backend``
    Parametrises a test over the Monte-Carlo backends ``numpy``, ``numba``, ``cupy``;
    the cupy case is marked ``gpu`` and skipped, with its reason shown, without cupy
    and a CUDA device. ``--simtheory-backends numpy,numba`` restricts the list.

Marker
------
``@pytest.mark.claim("my_note.thm1", ...)`` links a test to registered claim ids.

Options
-------
``--simtheory-report DIR`` writes the verification report (quick checks) of the claims
the run exercised: claims named by a ``claim`` marker of a test that ran, and claims
whose ``tests`` list a node id that ran. ``DIR/pytest_claims.json`` lists, per claim,
the tests that exercised it and their outcomes. Without the entry point installed,
load the plugin with ``pytest -p simtheory.pytest_plugin``.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

BACKENDS = ("numpy", "numba", "cupy")
_OUTCOMES = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("simtheory", "simtheory: Monte-Carlo checks of theorems")
    g.addoption(
        "--simtheory-seed", type=int, default=0, metavar="INT", help="root seed of the st_seed fixture (default 0)"
    )
    g.addoption(
        "--simtheory-report",
        default=None,
        metavar="DIR",
        help="write the verification report of the claims this run exercised into DIR",
    )
    g.addoption(
        "--simtheory-backends",
        default=",".join(BACKENDS),
        metavar="LIST",
        help="backends of the st_backend fixture (comma-separated; default numpy,numba,cupy)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim(*ids): the test checks these simtheory claims (registry ids)")
    config.addinivalue_line("markers", "gpu: needs cupy and a CUDA device")
    config.stash[_OUTCOMES] = {}
    config.pluginmanager.register(_Recorder(config.stash[_OUTCOMES]), "simtheory-recorder")
    _backends(config)  # a bad --simtheory-backends is a one-line usage error


def _backends(config: pytest.Config) -> list[str]:
    wanted = [b.strip() for b in config.getoption("--simtheory-backends").split(",") if b.strip()]
    unknown = [b for b in wanted if b not in BACKENDS]
    if unknown or not wanted:
        raise pytest.UsageError(f"--simtheory-backends: unknown backend(s) {unknown}; choose from {BACKENDS}")
    return wanted


def node_seed(nodeid: str, root_seed: int = 0) -> int:
    """The seed of a test: ``crc32("<root_seed>:<nodeid>")`` (an int in [0, 2**32))."""
    return zlib.crc32(f"{int(root_seed)}:{nodeid}".encode())


@pytest.fixture
def st_seed(request: pytest.FixtureRequest) -> int:
    """Reproducible per-test seed (node id + ``--simtheory-seed``); recorded in the test report."""
    seed = node_seed(request.node.nodeid, request.config.getoption("--simtheory-seed"))
    request.node.user_properties.append(("simtheory_seed", seed))
    return seed


@pytest.fixture
def st_rng(st_seed: int):
    """``numpy.random.default_rng(st_seed)``."""
    import numpy as np

    return np.random.default_rng(st_seed)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "st_backend" not in metafunc.fixturenames:
        return
    wanted = _backends(metafunc.config)
    params = [pytest.param(b, marks=[pytest.mark.gpu] if b == "cupy" else [], id=b) for b in wanted]
    metafunc.parametrize("st_backend", params, indirect=True)


@pytest.fixture
def st_backend(request: pytest.FixtureRequest) -> str:
    """The backend name of this parametrisation; skips (visibly) when it is not available here."""
    from simtheory.engine.backends import cupy_available, numba_available

    name = getattr(request, "param", "numpy")
    if name == "cupy" and not cupy_available():
        pytest.skip("backend cupy: needs cupy and a CUDA device (none here)")
    if name == "numba" and not numba_available():
        pytest.skip("backend numba: numba is not installed")
    return name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        ids = [i for m in item.iter_markers("claim") for i in m.args]
        if ids:  # user_properties travel with the report (also from xdist workers)
            item.user_properties.append(("simtheory_claims", ids))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    seeds = [v for k, v in item.user_properties if k == "simtheory_seed"]
    if seeds and report.failed:
        root = item.config.getoption("--simtheory-seed")
        report.sections.append(("simtheory", f"st_seed = {seeds[0]} (--simtheory-seed {root})"))
    return report


class _Recorder:
    """Records each test's outcome and claim ids into this session's dict (in the xdist controller too)."""

    def __init__(self, record: dict):
        self.record = record

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            props = report.user_properties
            ids = [i for k, v in props if k == "simtheory_claims" for i in v]  # type: ignore[attr-defined]
            self.record[report.nodeid] = {"claims": ids, "outcome": report.outcome}


def _exercised(outcomes: dict[str, dict], claims) -> tuple[list, dict[str, list[dict]], list[str]]:
    """Claims the run exercised, the tests per claim id, and unknown claim ids of markers."""
    by_id = {c.id: c for c in claims}
    tests: dict[str, list[dict]] = {}
    unknown = set()
    ran = {nid: o for nid, o in outcomes.items() if o["outcome"] != "skipped"}
    for nid, o in ran.items():
        for cid in o["claims"]:
            if cid in by_id:
                tests.setdefault(cid, []).append({"test": nid, "outcome": o["outcome"]})
            else:
                unknown.add(cid)
    bare = {nid.split("[", 1)[0]: nid for nid in ran}
    for c in claims:
        for t in c.tests:
            for nid in {t, t.split("[", 1)[0]}:
                if nid in ran or nid in bare:
                    real = nid if nid in ran else bare[nid]
                    entry = {"test": real, "outcome": ran[real]["outcome"]}
                    if entry not in tests.setdefault(c.id, []):
                        tests[c.id].append(entry)
    chosen = [c for c in claims if c.id in tests]
    return chosen, tests, sorted(unknown)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    out = config.getoption("--simtheory-report")
    if not out or hasattr(config, "workerinput"):  # xdist workers do not write the report
        return
    from simtheory.verify.registry import all_claims
    from simtheory.verify.report import build_report

    out_dir = Path(out)
    if not out_dir.is_absolute():
        out_dir = Path(config.invocation_params.dir) / out_dir
    record = {k: v for k, v in config.stash[_OUTCOMES].items() if k != "__summary__"}
    claims, tests, unknown = _exercised(record, all_claims())
    meta = build_report(
        claims,
        out_dir,
        quick=True,
        figures_dir=None,
        root=Path(config.rootpath),
        progress=False,
        command=f"pytest --simtheory-report {out}",
    )
    (out_dir / "pytest_claims.json").write_text(
        json.dumps({"claims": tests, "unknown_claim_ids": unknown}, indent=2) + "\n"
    )
    counts = ", ".join(f"{n} {v}" for v, n in meta["counts"].items() if n)
    line = f"simtheory report: {meta['html']} ({len(claims)} claims exercised: {counts}"
    if unknown:
        line += f"; unknown claim ids in markers: {', '.join(unknown)}"
    config.stash[_OUTCOMES]["__summary__"] = {"claims": [], "outcome": line + ")"}


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    summary = config.stash.get(_OUTCOMES, {}).get("__summary__")
    if summary:
        terminalreporter.write_line(summary["outcome"])
