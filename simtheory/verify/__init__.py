"""The verify layer: the claim registry and the verification report."""
from simtheory.verify.registry import DOCUMENTS, VERDICTS, Claim, Outcome, all_claims, register

__all__ = ["DOCUMENTS", "VERDICTS", "Claim", "Outcome", "all_claims", "register"]
