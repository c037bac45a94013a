"""The verification report (simtheory/report.py) and the claims registry it reads.

The registry test parses the named test files (it does not run them). The writer tests use
stub claims, so they take milliseconds; the full quick report over every registered claim is
the slow test at the end.
"""
import json
import subprocess
import sys

import pytest

from simtheory.verify import report
from simtheory.verify.registry import VERDICTS, Claim, Outcome, all_claims
from simtheory.verify.report import REPO_ROOT, build_report, missing_tests

HERE = "tests/verify/test_report.py"


# ------------------------------------------------------------------ the registry

def test_every_registered_claim_names_existing_tests():
    claims = all_claims()  # also fails loudly if a claims module does not import
    problems = {c.id: missing_tests(c) for c in claims}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, f"claims whose tests do not exist (node ids are parsed, not run): {problems}"
    for c in claims:
        assert c.command.strip(), f"{c.id}: empty reproduce command"
        assert c.statement.strip() and c.where.strip(), f"{c.id}: empty statement/where"


def test_claim_ids_are_unique_and_well_formed():
    ids = [c.id for c in all_claims()]
    assert len(ids) == len(set(ids))
    assert all(i and " " not in i for i in ids), ids


def _claim(cid, compute=None, tests=(f"{HERE}::test_missing_tests_detects_bad_node_ids",), **kw):
    base = dict(document="rethinking_bradley_terry", where="Eq. (1)", statement=f"statement of {cid}",
                paper_value="0.5", command=f"pytest {HERE}")
    base.update(kw)
    return Claim(id=cid, tests=tests, compute=compute, **base)


def test_missing_tests_detects_bad_node_ids():
    ok = _claim("a", tests=(f"{HERE}::test_missing_tests_detects_bad_node_ids",
                            f"{HERE}::TestStubClass::test_method[param-1]"))
    assert missing_tests(ok) == []
    bad = [f"{HERE}::test_does_not_exist", "tests/no_such_file.py::test_x", HERE,
           f"{HERE}::TestStubClass::test_missing"]
    assert missing_tests(_claim("b", tests=bad)) == bad
    assert missing_tests(_claim("c", tests=())) == ["(no test named)"]


class TestStubClass:
    def test_method(self):  # target of the node-id parser test above
        assert HERE.endswith(".py")


def test_outcome_rejects_unknown_verdict():
    assert VERDICTS == ("holds", "holds within tolerance", "does not hold", "not checkable")
    for v in VERDICTS:
        assert Outcome("1", v, "x").verdict == v
    with pytest.raises(ValueError, match="verdict"):
        Outcome("1", "mostly holds", "x")
    with pytest.raises(ValueError, match="document"):
        _claim("d", document="some_other_paper")


# ------------------------------------------------------------------ the writer

class Counter:
    def __init__(self, outcome):
        self.calls = 0
        self.outcome = outcome

    def __call__(self, quick):
        self.calls += 1
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


@pytest.fixture
def stubs():
    return {
        "stub.holds": Counter(Outcome("0.501", "holds", "P(y=1) over n=10^4 pairs, seed 0", ci="[0.49, 0.51]",
                                      details={"figures": ["paper_figs/stubfam/fig_a.png"]})),
        "stub.fails": Counter(Outcome("0.70", "does not hold", "ratio at beta=1", ci="+-0.01")),
        "stub.raises": Counter(ZeroDivisionError("division by zero\nsecond line")),
        "stub.badreturn": Counter(0.5),
    }


def _claims(stubs):
    cs = [_claim(k, compute=v) for k, v in stubs.items()]
    cs.append(_claim("stub.nocheck", compute=None, document="general_preference_model", paper_value=None))
    cs.append(_claim("stub.pipe", compute=lambda q: Outcome("a|b", "holds within tolerance", "x|y"),
                     document="bradley_terry_tutorial", tests=("tests/nope.py::test_nope",)))
    return cs


def _figs(tmp_path):
    from PIL import Image  # matplotlib dependency

    fam = tmp_path / "paper_figs" / "stubfam"
    fam.mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(fam / "fig_a.png")
    return tmp_path / "paper_figs"


def test_report_writes_md_html_json_and_counts(stubs, tmp_path):
    figs = _figs(tmp_path)
    out = figs / "report"
    meta = build_report(_claims(stubs), out, quick=True, figures_dir=figs, root=tmp_path, progress=False)
    assert meta["counts"] == {"holds": 1, "holds within tolerance": 1, "does not hold": 1, "not checkable": 3}
    md = (out / "report.md").read_text()
    htm = (out / "report.html").read_text()
    for cid in ["stub.holds", "stub.fails", "stub.raises", "stub.badreturn", "stub.nocheck", "stub.pipe"]:
        assert f"`{cid}`" in md and f"id='{cid}'" in htm
    assert "| verdict | claims | Rethinking BT | BT tutorial | GPM |" in md
    assert "| holds | 1 | 1 | 0 | 0 |" in md and "| not checkable | 3 | 2 | 0 | 1 |" in md
    assert "ZeroDivisionError: division by zero second line" in md  # one line
    assert "compute returned float, expected Outcome" in md
    assert "a\\|b" in md  # pipes escaped in the table
    assert "tests/nope.py::test_nope" in md  # missing test listed under Problems
    assert "](../stubfam/fig_a.png)" in md and "src='../stubfam/fig_a.png'" in htm
    assert "[0.49, 0.51]" in md and "0.501" in htm
    data = json.loads((out / "report.json").read_text())
    assert [c["verdict"] for c in data["claims"]].count("not checkable") == 3
    assert all(c["verdict"] in VERDICTS for c in data["claims"])


def test_report_cache_reuse_rerun_and_invalidation(stubs, tmp_path):
    claims = _claims(stubs)
    build_report(claims, tmp_path, quick=True, figures_dir=None, root=REPO_ROOT, progress=False)
    assert stubs["stub.holds"].calls == 1
    meta = build_report(claims, tmp_path, quick=True, figures_dir=None, root=REPO_ROOT, progress=False)
    assert stubs["stub.holds"].calls == 1 and meta["n_cached"] == len(claims) - 2
    assert stubs["stub.raises"].calls == 2 and stubs["stub.badreturn"].calls == 2  # errors are always re-run
    assert meta["counts"]["does not hold"] == 1  # verdicts survive the cache round trip
    build_report(claims, tmp_path, quick=False, figures_dir=None, root=REPO_ROOT, progress=False)
    assert stubs["stub.holds"].calls == 2  # full and quick are cached separately
    build_report(claims, tmp_path, quick=True, rerun=True, figures_dir=None, root=REPO_ROOT, progress=False)
    assert stubs["stub.holds"].calls == 3
    changed = [_claim("stub.holds", compute=stubs["stub.holds"], paper_value="0.6")]
    build_report(changed, tmp_path, quick=True, figures_dir=None, root=REPO_ROOT, progress=False)
    assert stubs["stub.holds"].calls == 4  # the claim changed: cache invalid


def test_main_only_filter_and_bad_only(stubs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report, "collect_claims", lambda: (_claims(stubs), {}))
    assert report.main(["--quick", "--out", str(tmp_path), "--only", "stub.f,stub.nocheck", "--quiet",
                        "--no-figures"]) == 0
    md = (tmp_path / "report.md").read_text()
    assert "`stub.fails`" in md and "`stub.nocheck`" in md and "`stub.holds`" not in md
    assert stubs["stub.holds"].calls == 0
    assert report.main(["--out", str(tmp_path), "--only", "zzz"]) == 2
    assert "--only:" in capsys.readouterr().err


def test_per_claim_timeout(tmp_path, capsys):
    import time

    def slow(quick):
        try:
            time.sleep(10)
        except Exception:  # a check's own broad handler must not swallow the time limit
            return Outcome("1", "holds", "should not get here")

    t0 = time.perf_counter()
    meta = build_report([_claim("stub.slow", compute=slow)], tmp_path, quick=True, figures_dir=None,
                        root=REPO_ROOT, progress=False, timeout=0.3)
    assert time.perf_counter() - t0 < 5
    row = meta["rows"][0]
    assert row.outcome.verdict == "not checkable" and "timed out after 0.3 s" in row.error
    assert report.main(["--out", str(tmp_path), "--timeout", "-1", "--quiet"]) == 2
    assert "--timeout:" in capsys.readouterr().err


def test_empty_registry_and_module_import_error(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "collect_claims", lambda: ([], {"simtheory.verify.registry.broken": "ImportError: x"}))
    assert report.main(["--quick", "--out", str(tmp_path), "--quiet", "--no-figures"]) == 1
    md = (tmp_path / "report.md").read_text()
    assert "No claims are registered" in md and "simtheory.verify.registry.broken failed to import" in md


def test_module_entry_point_lists_claims():
    res = subprocess.run([sys.executable, "-m", "simtheory.verify.report", "--list"], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=120)
    assert res.returncode in (0, 1), res.stderr  # 1 only if a claims module fails to import
    assert len([ln for ln in res.stdout.splitlines() if ln.strip()]) == len(all_claims())


@pytest.mark.slow
def test_quick_report_over_all_claims(tmp_path):
    """Every registered claim's quick check runs without error in seconds (issue 8: < 5 min in all)."""
    meta = build_report(all_claims(), tmp_path, quick=True, figures_dir=None, progress=False)
    errors = {r.claim.id: r.error for r in meta["rows"] if r.error}
    assert not errors, errors
    assert all(r.outcome.verdict in VERDICTS for r in meta["rows"])
    assert meta["seconds_total"] < 300, f"quick report took {meta['seconds_total']:.0f} s"
