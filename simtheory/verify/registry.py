"""The registry of checked claims: one entry per claim of the source documents.

Each topic package has a module ``simtheory/<topic>/claims.py`` that calls
:func:`register` at import time. :func:`all_claims` imports every topic's claims
module (:data:`CLAIM_MODULES`), so adding a check adds its row to the verification report
(``python -m simtheory.report``) and the test suite checks that every claim
names at least one existing test.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

VERDICTS = ("holds", "holds within tolerance", "does not hold", "not checkable")
DOCUMENTS = {
    "rethinking_bradley_terry": "Rethinking the Bradley-Terry Models in Preference-based Reward Modeling",
    "bradley_terry_tutorial": "The Bradley-Terry Model for Preferences (tutorial)",
    "general_preference_model": "Beyond Bradley-Terry Models: A General Preference Model (GPM)",
}


@dataclass
class Outcome:
    """What a claim's check computed.

    value: our number(s) as text; ci: its confidence interval / standard error as text;
    verdict: one of :data:`VERDICTS`; computed: one line on what was computed.
    """

    value: str
    verdict: str
    computed: str
    ci: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict: must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass
class Claim:
    """A claim of a source document and how simtheory checks it.

    id: stable identifier ("rbt.example1.qpair"); document: key of :data:`DOCUMENTS`;
    where: equation/theorem ("Example 1, eq. 24"); statement: one line;
    paper_value: the document's number(s) as text (or None);
    tests: pytest node ids that check the claim ("tests/test_x.py::test_y");
    command: the shell command that reproduces the number;
    compute: ``compute(quick: bool) -> Outcome`` (quick must run in seconds).
    """

    id: str
    document: str
    where: str
    statement: str
    paper_value: str | None
    tests: tuple[str, ...]
    command: str
    compute: Callable[[bool], Outcome] | None = None

    def __post_init__(self):
        if self.document not in DOCUMENTS:
            # documents of installed packages (entry points)
            from simtheory.plugins import load_documents

            load_documents()
        if self.document not in DOCUMENTS:
            raise ValueError(f"document: unknown document {self.document!r}")
        self.tests = tuple(self.tests)


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    if claim.id in _REGISTRY and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"claim id {claim.id!r} registered twice")
    _REGISTRY[claim.id] = claim
    return claim


#: the claims module of every topic package
CLAIM_MODULES = (
    "simtheory.cross_prompt.claims",
    "simtheory.bt.claims",
    "simtheory.reward_models.claims",
    "simtheory.risk_rate.claims",
    "simtheory.general_preference.claims",
    "simtheory.embeddings.claims",
)


def all_claims() -> list[Claim]:
    """Import every claims module and return the registered claims, sorted by document and id."""
    # claims of installed packages (entry points)
    from simtheory.plugins import claim_modules

    for name in (*CLAIM_MODULES, *claim_modules()):
        importlib.import_module(name)
    order = list(DOCUMENTS)
    return sorted(_REGISTRY.values(), key=lambda c: (order.index(c.document), c.id))
