"""The verify layer: the claim registry, decision rules and the verification report."""

from simtheory.verify.registry import (
    DOCUMENTS,
    KINDS,
    VERDICTS,
    Claim,
    Outcome,
    all_claims,
    register,
)
from simtheory.verify.rules import (
    Agreement,
    AllOf,
    Decision,
    Each,
    GoodnessOfFit,
    Identity,
    Inequality,
    NoViolation,
    Proportion,
    Rule,
)

__all__ = [
    "DOCUMENTS",
    "KINDS",
    "VERDICTS",
    "Agreement",
    "AllOf",
    "Claim",
    "Decision",
    "Each",
    "GoodnessOfFit",
    "Identity",
    "Inequality",
    "NoViolation",
    "Outcome",
    "Proportion",
    "Rule",
    "all_claims",
    "register",
]
