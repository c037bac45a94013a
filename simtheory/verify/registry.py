"""The registry of checked claims: one entry per claim of the source documents.

Each topic package has a module ``simtheory/<topic>/claims.py`` that calls
:func:`register` at import time. :func:`all_claims` imports every topic's claims
module (:data:`CLAIM_MODULES`), so adding a check adds its row to the verification report
(``python -m simtheory.report``).

A claim declares its decision :class:`~simtheory.verify.rules.Rule`, its kind (:data:`KINDS`)
and the verdict we expect. Its check returns numbers (an :class:`Outcome` without a verdict);
:meth:`Claim.check` applies the rule. No claims module writes a verdict.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simtheory.verify.rules import (
    DECIDED,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_CHECKABLE,
    VERDICTS,
    Decision,
    Rule,
)

__all__ = [
    "CLAIM_MODULES",
    "DOCUMENTS",
    "FAILS",
    "HOLDS",
    "INCONCLUSIVE",
    "KINDS",
    "NOT_CHECKABLE",
    "VERDICTS",
    "Claim",
    "Outcome",
    "all_claims",
    "register",
]

DOCUMENTS = {
    "rethinking_bradley_terry": "Rethinking the Bradley-Terry Models in Preference-based Reward Modeling",
    "bradley_terry_tutorial": "The Bradley-Terry Model for Preferences (tutorial)",
    "general_preference_model": "Beyond Bradley-Terry Models: A General Preference Model (GPM)",
}

IDENTITY = "exact identity"
THEOREM = "theorem verified numerically"
SIMULATION = "empirical finding in simulation"
REAL_DATA = "finding on real data"
#: what a verdict is evidence of (the report groups and colours by it)
KINDS = {
    IDENTITY: "cannot fail by construction when the code is right; a check of the code",
    THEOREM: "holds for any input when the code and the statement are right; a check of both",
    SIMULATION: "depends on the simulated setup the claim states; evidence about that setup only",
    REAL_DATA: "measured on a real data set; evidence about that data set",
}


@dataclass
class Outcome:
    """What a claim's check computed: numbers for its rule, and text for the report.

    The verdict is not an argument: :meth:`Claim.check` sets :attr:`decision` from the rule.

    Attributes
    ----------
    value : str
        Our number(s) as one line of text.
    computed : str
        One line on what was computed (sample size, seed).
    numbers : dict
        The inputs of the claim's rule (see :mod:`simtheory.verify.rules`).
    ci : str or None
        The interval / standard error as text.
    details : dict
        Anything JSON-able for the report.
    decision : Decision or None
        Set by :meth:`Claim.check`; :attr:`verdict` is ``"not checkable"`` while it is None.

    Examples
    --------
    >>> out = Outcome("0.73", "n = 100000, seed 0", numbers={"estimate": 0.73, "se": 0.01})
    >>> out.verdict
    'not checkable'
    >>> Outcome.not_checkable("timed out").decision.reason
    'timed out'
    """

    value: str
    computed: str
    numbers: dict[str, Any] = field(default_factory=dict)
    ci: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    decision: Decision | None = None

    @property
    def verdict(self) -> str:
        return self.decision.verdict if self.decision is not None else NOT_CHECKABLE

    @classmethod
    def not_checkable(cls, why: str) -> Outcome:
        """The harness's outcome for a check that raised, timed out or returned nothing usable."""
        return cls("-", why, decision=Decision(NOT_CHECKABLE, why, "runs without error"))


@dataclass
class Claim:
    """A claim of a source document and how simtheory checks it.

    Attributes
    ----------
    id : str
        Stable identifier ("rbt.example1.qpair").
    document : str
        Key of :data:`DOCUMENTS`.
    where : str
        Equation/theorem ("Example 1, eq. 24").
    statement : str
        One line, what the source says.
    paper_value : str or None
        The source's number(s) as text, or None.
    tests : tuple of str
        Pytest node ids of the mechanism tests behind the check.
    command : str
        The shell command that reproduces the number.
    compute : callable, optional
        ``compute(quick) -> Outcome`` (numbers, no verdict); quick runs in seconds.
    rule : Rule
        The decision rule (same in quick and full mode).
    kind : str
        One of :data:`KINDS`.
    expected : str
        The verdict we expect (``tests/test_claims.py`` checks it in quick mode).
    expected_quick : str, optional
        Where quick mode cannot decide, what it gives instead.
    note : str, optional
        The referee note (required when ``expected`` is not "holds").
    figures : tuple of str
        Figures of the claim (paths relative to the repository).

    Raises
    ------
    ValueError
        If ``document`` or ``kind`` is unknown, ``rule`` is not a :class:`Rule`, ``expected`` /
        ``expected_quick`` is not a decided verdict, or a non-"holds" claim has no ``note``.

    Examples
    --------
    >>> from simtheory.verify.rules import Inequality
    >>> claim = Claim(
    ...     id="doc.example1.qpair",
    ...     document="rethinking_bradley_terry",
    ...     where="Example 1, eq. 24",
    ...     statement="Q_pair >= 1/2",
    ...     paper_value=None,
    ...     tests=(),
    ...     command="python -m simtheory.report",
    ...     compute=lambda quick: Outcome("0.73", "n = 1e5", numbers={"estimate": 0.73, "se": 0.01}),
    ...     rule=Inequality(">=", 0.5),
    ...     kind=THEOREM,
    ...     expected=HOLDS,
    ... )
    >>> claim.check(quick=True).verdict
    'holds'
    """

    id: str
    document: str
    where: str
    statement: str
    paper_value: str | None
    tests: tuple[str, ...]
    command: str
    compute: Callable[[bool], Outcome] | None = None
    rule: Rule | None = None
    kind: str | None = None
    expected: str | None = None
    expected_quick: str | None = None
    note: str | None = None
    figures: tuple[str, ...] = ()

    def __post_init__(self):
        if self.document not in DOCUMENTS:
            # documents of installed packages (entry points)
            from simtheory.plugins import load_documents

            load_documents()
        if self.document not in DOCUMENTS:
            raise ValueError(f"document: unknown document {self.document!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind: claim {self.id!r} must declare one of {list(KINDS)}, got {self.kind!r}")
        if not isinstance(self.rule, Rule):
            raise ValueError(f"rule: claim {self.id!r} must declare a decision rule")  # noqa: TRY004
        for name in ("expected", "expected_quick"):
            v = getattr(self, name)
            if (v is not None or name == "expected") and v not in DECIDED:
                raise ValueError(f"{name}: claim {self.id!r}: must be one of {DECIDED}, got {v!r}")
        if self.expected != HOLDS and not self.note:
            raise ValueError(f"note: claim {self.id!r} is expected '{self.expected}' and needs a referee note")
        self.tests = tuple(self.tests)
        self.figures = tuple(self.figures)

    def expected_in(self, quick: bool) -> str:
        return (self.expected_quick or self.expected) if quick else self.expected  # type: ignore[return-value]

    def check(self, quick: bool) -> Outcome:
        """Run the check and decide its verdict by :attr:`rule` (exceptions propagate)."""
        if self.compute is None:
            return Outcome.not_checkable("no numerical check registered")
        out = self.compute(quick)
        if not isinstance(out, Outcome):
            raise TypeError(f"compute returned {type(out).__name__}, expected Outcome")
        out.decision = self.rule.decide(out.numbers)  # type: ignore[union-attr]
        return out


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (claims modules call it at import time).

    Parameters
    ----------
    claim : Claim
        The claim; registering the same object again is a no-op.

    Returns
    -------
    Claim
        ``claim`` itself.

    Raises
    ------
    ValueError
        If another claim with the same id is already registered.

    Examples
    --------
    >>> import dataclasses
    >>> claim = all_claims()[0]
    >>> register(claim) is claim
    True
    >>> register(dataclasses.replace(claim))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: claim id '...' registered twice
    """
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
    """Import every claims module and return the registered claims, sorted by document and id.

    Returns
    -------
    list of Claim
        All registered claims, including those of installed plugin packages.

    Examples
    --------
    >>> claims = all_claims()
    >>> all(c.document in DOCUMENTS and c.kind in KINDS for c in claims)
    True
    >>> len({c.id for c in claims}) == len(claims)
    True
    """
    # claims of installed packages (entry points)
    from simtheory.plugins import claim_modules

    for name in (*CLAIM_MODULES, *claim_modules()):
        importlib.import_module(name)
    order = list(DOCUMENTS)
    return sorted(_REGISTRY.values(), key=lambda c: (order.index(c.document), c.id))
