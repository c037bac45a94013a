"""The verification report (simtheory/verify/report.py) and the claims registry it reads.

The registry test parses the named test files (it does not run them). The writer tests use stub
claims run in this process (milliseconds); the containment tests run stub checks that exit, kill their
process, swallow BaseException past the time limit or return non-JSON details in the report's worker
process (a few seconds); the full quick report over every registered claim is the slow test at the end.
"""

import json
import subprocess
import sys

import pytest

from simtheory.verify import report
from simtheory.verify.registry import VERDICTS, Claim, Outcome, all_claims
from simtheory.verify.report import REPO_ROOT, build_report, missing_tests
from simtheory.verify.rules import Agreement, Identity

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
    base = dict(
        document="rethinking_bradley_terry",
        where="Eq. (1)",
        statement=f"statement of {cid}",
        paper_value="0.5",
        command=f"pytest {HERE}",
        rule=Agreement(0.5, 0.01, "P(y=1)"),
        kind="empirical finding in simulation",
        expected="holds",
    )
    base.update(kw)
    return Claim(id=cid, tests=tests, compute=compute, **base)


def test_missing_tests_detects_bad_node_ids():
    ok = _claim(
        "a", tests=(f"{HERE}::test_missing_tests_detects_bad_node_ids", f"{HERE}::TestStubClass::test_method[param-1]")
    )
    assert missing_tests(ok) == []
    bad = [
        f"{HERE}::test_does_not_exist",
        "tests/no_such_file.py::test_x",
        HERE,
        f"{HERE}::TestStubClass::test_missing",
    ]
    assert missing_tests(_claim("b", tests=bad)) == bad
    assert missing_tests(_claim("c", tests=())) == ["(no test named)"]


class TestStubClass:
    def test_method(self):  # target of the node-id parser test above
        assert HERE.endswith(".py")


def test_claim_and_outcome_validation():
    assert VERDICTS == ("holds", "does not hold", "inconclusive", "not checkable")
    with pytest.raises(TypeError):
        Outcome("1", "holds", "x", verdict="holds")  # a verdict is never an argument
    with pytest.raises(ValueError, match="document"):
        _claim("d", document="some_other_paper")
    with pytest.raises(ValueError, match="kind"):
        _claim("d", kind="a feeling")
    with pytest.raises(ValueError, match="rule"):
        _claim("d", rule=None)
    with pytest.raises(ValueError, match="note"):
        _claim("d", expected="does not hold")
    with pytest.raises(ValueError, match="expected"):
        _claim("d", expected="holds within tolerance")
    assert Outcome.not_checkable("why").verdict == "not checkable"


def test_rules_decide_with_intervals():
    from simtheory.verify.rules import AllOf, Each, Inequality, NoViolation

    r = Inequality(">=", 0.0, "gap")
    assert r.decide({"estimate": 0.3, "se": 0.1}).verdict == "holds"
    assert r.decide({"estimate": 0.1, "se": 0.1}).verdict == "inconclusive"
    d = r.decide({"estimate": -0.3, "se": 0.1})
    assert d.verdict == "does not hold" and "above 0" in d.would_hold
    assert r.decide({"estimate": 0.5, "lo": -0.1, "hi": 1.0}).verdict == "inconclusive"
    a = Agreement(1.7, 0.1)
    assert [a.decide({"estimate": x, "se": s}).verdict for x, s in ((1.7, 0.01), (2.0, 0.01), (1.79, 0.02))] == [
        "holds",
        "does not hold",
        "inconclusive",
    ]
    assert Identity(1e-6).decide({"error": 2e-6}).verdict == "does not hold"
    assert NoViolation().decide({"violations": 0, "cases": 0}).verdict == "inconclusive"
    both = AllOf(x=r, y=Identity(0.1))
    assert both.decide({"x": {"estimate": 1.0}, "y": {"error": 0.0}}).verdict == "holds"
    assert both.decide({"x": {"estimate": 0.0, "se": 1.0}, "y": {"error": 1.0}}).verdict == "does not hold"
    assert Each(r).decide({"items": [{"estimate": 1.0}, {"estimate": 0.1, "se": 1}]}).verdict == "inconclusive"
    with pytest.raises(ValueError, match="NaN"):
        r.decide({"estimate": float("nan")})


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
        "stub.holds": Counter(
            Outcome(
                "0.501",
                "P(y=1) over n=10^4 pairs, seed 0",
                {"estimate": 0.501, "se": 0.001},
                ci="[0.499, 0.503]",
                details={"figures": ["paper_figs/stubfam/fig_a.png"]},
            )
        ),
        "stub.fails": Counter(Outcome("0.70", "ratio at beta=1", {"estimate": 0.70, "se": 0.01}, ci="+-0.01")),
        "stub.raises": Counter(ZeroDivisionError("division by zero\nsecond line")),
        "stub.badreturn": Counter(0.5),
    }


def _claims(stubs):
    cs = [_claim(k, compute=v) for k, v in stubs.items()]
    cs.append(_claim("stub.nocheck", compute=None, document="general_preference_model", paper_value=None))
    cs.append(
        _claim(
            "stub.pipe",
            compute=lambda q: Outcome("a|b", "x|y", {"estimate": 0.5, "se": 0.5}),
            document="bradley_terry_tutorial",
            tests=("tests/nope.py::test_nope",),
        )
    )
    return cs


def _figs(tmp_path):
    from PIL import Image  # matplotlib dependency

    fam = tmp_path / "paper_figs" / "stubfam"
    fam.mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(fam / "fig_a.png")
    return tmp_path / "paper_figs"


def _build(claims, out, **kw):
    kw.setdefault("figures_dir", None)
    kw.setdefault("root", REPO_ROOT)
    return build_report(claims, out, quick=kw.pop("quick", True), progress=False, contained=False, **kw)


def test_report_writes_md_html_json_and_counts(stubs, tmp_path):
    figs = _figs(tmp_path)
    (tmp_path / "tests").mkdir()  # a source tree: named tests are looked up
    out = figs / "report"
    meta = _build(_claims(stubs), out, figures_dir=figs, root=tmp_path)
    assert meta["counts"] == {"holds": 1, "does not hold": 1, "inconclusive": 1, "not checkable": 3}
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
    assert "[0.499, 0.503]" in md and "0.501" in htm
    assert "P(y=1) agrees with 0.5 within 0.01" in md  # the rule is shown
    assert "To hold: holds with an interval inside [0.49, 0.51]" in md  # what would have made it hold
    assert "differs from the expected 'holds'" in md
    data = json.loads((out / "report.json").read_text())
    assert [c["verdict"] for c in data["claims"]].count("not checkable") == 3
    row = next(c for c in data["claims"] if c["id"] == "stub.fails")
    for key in (
        "id",
        "document",
        "where",
        "statement",
        "kind",
        "rule",
        "paper_value",
        "value",
        "ci",
        "verdict",
        "expected",
        "referee_note",
        "figures",
        "command",
        "provenance",
        "would_hold",
    ):
        assert key in row, key
    assert row["verdict"] == "does not hold" and row["expected"] == "holds" and not row["matches_expected"]
    assert row["provenance"]["mode"] == "quick"


def test_rebuilt_report_is_byte_identical(stubs, tmp_path):
    claims = [c for c in _claims(stubs) if c.id in ("stub.holds", "stub.fails")]
    _build(claims, tmp_path)
    first = {n: (tmp_path / n).read_bytes() for n in ("report.md", "report.html")}
    _build(claims, tmp_path, rerun=True)
    assert {n: (tmp_path / n).read_bytes() for n in ("report.md", "report.html")} == first
    assert "created_utc" in json.loads((tmp_path / "report.json").read_text())  # build time: JSON only


def test_report_cache_reuse_rerun_and_invalidation(stubs, tmp_path):
    claims = _claims(stubs)
    _build(claims, tmp_path)
    assert stubs["stub.holds"].calls == 1
    meta = _build(claims, tmp_path)
    assert stubs["stub.holds"].calls == 1 and meta["n_cached"] == len(claims) - 3  # errors (and no check) re-run
    assert stubs["stub.raises"].calls == 2 and stubs["stub.badreturn"].calls == 2  # errors are always re-run
    assert meta["counts"]["does not hold"] == 1  # verdicts survive the cache round trip
    _build(claims, tmp_path, quick=False)
    assert stubs["stub.holds"].calls == 2  # full and quick are cached separately
    _build(claims, tmp_path, rerun=True)
    assert stubs["stub.holds"].calls == 3
    changed = [_claim("stub.holds", compute=stubs["stub.holds"], paper_value="0.6")]
    _build(changed, tmp_path)
    assert stubs["stub.holds"].calls == 4  # the claim changed: cache invalid
    stricter = [
        _claim("stub.holds", compute=stubs["stub.holds"], paper_value="0.6", rule=Agreement(0.6, 0.01, "P(y=1)"))
    ]
    meta = _build(stricter, tmp_path)
    assert meta["rows"][0].outcome.verdict == "does not hold"  # a changed rule never serves a stale verdict


def test_main_only_filter_and_bad_arguments(stubs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report, "collect_claims", lambda: (_claims(stubs), {}))
    monkeypatch.setattr(
        report,
        "build_report",
        lambda *a, **k: _build(*a[:2], **{x: k[x] for x in ("quick", "rerun", "import_errors") if x in k}),
    )
    assert (
        report.main(["--quick", "--out", str(tmp_path), "--only", "stub.f,stub.nocheck", "--quiet", "--no-figures"])
        == 1
    )  # stub.nocheck has no check: an error, exit 1
    md = (tmp_path / "report.md").read_text()
    assert "`stub.fails`" in md and "`stub.nocheck`" in md and "`stub.holds`" not in md
    assert stubs["stub.holds"].calls == 0
    assert report.main(["--quick", "--out", str(tmp_path), "--only", "stub.f", "--quiet", "--no-figures"]) == 0
    assert report.main(["--out", str(tmp_path), "--only", "zzz"]) == 2
    assert "--only:" in capsys.readouterr().err
    for bad in ("-1", "0", "inf", "nan", "abc"):
        assert report.main(["--out", str(tmp_path), "--timeout", bad, "--quiet"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: --timeout:"), err


# ------------------------------------------------------------------ containment (module-level stubs: the
# worker process unpickles them by reference)


def check_exits(quick):
    sys.exit(3)


def check_kills_its_process(quick):
    import os

    os._exit(9)


def check_swallows_everything(quick):
    import time

    while True:
        try:
            time.sleep(30)
        except BaseException:  # noqa: BLE001 - a check that swallows its own timeout
            pass


def check_non_json(quick):
    return Outcome("0.5", "x", {"estimate": 0.5, "se": 0.001}, details={"obj": object(), "set": {1, 2}})


def check_good(quick):
    return Outcome("0.5", "x", {"estimate": 0.5, "se": 0.001})


def test_each_check_is_contained(tmp_path, monkeypatch, capsys):
    claims = [
        _claim("c.exit", compute=check_exits),
        _claim("c.kill", compute=check_kills_its_process),
        _claim("c.swallow", compute=check_swallows_everything),
        _claim("c.nonjson", compute=check_non_json),
        _claim("c.good", compute=check_good),
    ]
    meta = build_report(claims, tmp_path, quick=True, figures_dir=None, root=REPO_ROOT, progress=False, timeout=3)
    v = {r.claim.id: (r.outcome.verdict, r.error) for r in meta["rows"]}
    assert v["c.good"] == ("holds", None) and v["c.nonjson"] == ("holds", None)
    assert v["c.exit"][0] == "not checkable" and "SystemExit" in v["c.exit"][1]
    assert v["c.kill"][0] == "not checkable" and "worker process failed" in v["c.kill"][1]
    assert v["c.swallow"][0] == "not checkable" and "timed out after 3 s" in v["c.swallow"][1]
    data = json.loads((tmp_path / "report.json").read_text())
    assert (
        "object object" in json.dumps(next(c for c in data["claims"] if c["id"] == "c.nonjson")["numbers"])
        or data["claims"]
    )
    assert meta["n_errors"] == 3 and (tmp_path / "report.md").exists()


def test_empty_registry_and_module_import_error(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "collect_claims", lambda: ([], {"simtheory.verify.registry.broken": "ImportError: x"}))
    assert report.main(["--quick", "--out", str(tmp_path), "--quiet", "--no-figures"]) == 1
    md = (tmp_path / "report.md").read_text()
    assert "No claims are registered" in md and "simtheory.verify.registry.broken failed to import" in md


def test_module_entry_point_lists_claims():
    res = subprocess.run(
        [sys.executable, "-m", "simtheory.verify.report", "--list"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert res.returncode in (0, 1), res.stderr  # 1 only if a claims module fails to import
    assert len([ln for ln in res.stdout.splitlines() if ln.strip()]) == len(all_claims())


@pytest.mark.slow
def test_quick_report_over_all_claims(tmp_path):
    """Every registered claim's quick check runs contained without error (CI budget: about 60 s on 2 cores)."""
    meta = build_report(all_claims(), tmp_path, quick=True, figures_dir=None, progress=False)
    errors = {r.claim.id: r.error for r in meta["rows"] if r.error}
    assert not errors, errors
    assert meta["counts"]["not checkable"] == 0
    assert meta["seconds_total"] < 300, f"quick report took {meta['seconds_total']:.0f} s"
