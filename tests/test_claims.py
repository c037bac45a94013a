"""One source of truth for verdicts: every registered claim's quick check gives the verdict the claim
expects, and every claim's decision rule can reach at least two verdicts.

The expected verdict lives only in the claim (``Claim.expected``); the README's findings table is
generated from the registry and checked for staleness here. Quick checks run in this process (the report
runs them contained); their sample sizes and seeds are stated in each claim module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from simtheory.verify.registry import CLAIM_MODULES, KINDS, VERDICTS, Claim, all_claims
from simtheory.verify.rules import DECIDED, Rule

CLAIMS = all_claims()
IDS = [c.id for c in CLAIMS]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_quick_verdict_is_the_expected_one(claim: Claim):
    out = claim.check(True)
    assert out.decision is not None
    assert out.verdict == claim.expected_in(True), (
        f"{claim.id}: {out.verdict} ({out.decision.reason}); expected {claim.expected_in(True)}; value {out.value}"
    )
    # the rule decided from the numbers the check returned: deciding again gives the same
    assert claim.rule.decide(out.numbers) == out.decision


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_rule_can_reach_two_verdicts(claim: Claim):
    """Inputs on both sides of the claim's rule: no claim's verdict is fixed whatever it computes."""
    assert isinstance(claim.rule, Rule)
    verdicts = {claim.rule.decide(p).verdict for p in claim.rule.probes()}
    assert verdicts <= set(DECIDED)
    assert len(verdicts) >= 2, (claim.id, verdicts)
    assert "holds" in verdicts and "does not hold" in verdicts, (claim.id, verdicts)


def test_every_claim_declares_kind_expected_and_a_note_when_not_holding():
    for c in CLAIMS:
        assert c.kind in KINDS, c.id
        assert c.expected in DECIDED, c.id
        if c.expected != "holds":
            assert c.note and len(c.note) > 40, f"{c.id}: a claim not expected to hold needs a referee note"


def _verdict_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and n.value in VERDICTS + ("holds within tolerance",)
    ]


def test_no_verdict_literal_in_claims_modules():
    """Verdicts come only from rules: no claims module spells one (it imports the constants for ``expected``)."""
    found = {}
    for name in CLAIM_MODULES:
        path = ROOT / (name.replace(".", "/") + ".py")
        hits = _verdict_literals(path)
        if hits:
            found[name] = hits
    assert not found, found


def test_readme_findings_table_is_current():
    from simtheory.verify import findings_table

    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md (installed copy)")
    text = readme.read_text()
    assert findings_table.replace_block(text, findings_table.table(CLAIMS)) == text, (
        "README findings table is stale: run python -m simtheory.verify.findings_table"
    )


def test_claim_figures_exist():
    if not (ROOT / "paper_figs").is_dir():
        pytest.skip("no paper_figs/ (installed copy)")
    missing = {c.id: f for c in CLAIMS for f in c.figures if not (ROOT / f).is_file()}
    assert not missing, missing


@pytest.mark.slow
@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_full_verdict_is_the_expected_one(claim: Claim):
    """The full checks (minutes in all; the reward-model and risk-rate claims read the shipped full-grid rows)."""
    out = claim.check(False)
    assert out.verdict == claim.expected, (claim.id, out.verdict, out.decision.reason)
