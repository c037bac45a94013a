"""The claim in the simtheory report (entry point ``simtheory.claims``)."""

from __future__ import annotations

import os
from pathlib import Path

from simtheory.verify.registry import Claim, Outcome, register
from simtheory.verify.rules import Agreement


def compute(quick: bool) -> Outcome:
    """Run the grid (quick: 5 values of m x 100 replicates) and check the slope's CI against -1/2."""
    from own_theorem.grid import rmse_table
    from simtheory.runner.grids import run_grid
    from simtheory.runner.store import ResultStore
    from simtheory.testing import check_rate

    out = Path(os.environ.get("OWN_THEOREM_RESULTS", "results")) / ("own_theorem_bt_rate" + ("_quick" if quick else ""))
    run_grid("own_theorem_bt_rate", quick=quick, seed=0, out=out, progress=False)
    ms, rmse, se = rmse_table(ResultStore(out / "results.csv").read_rows())
    check = check_rate(ms, rmse, se, expected=-0.5, alpha=0.01, seed=0)
    outcome = check.outcome(
        f"BT MLE RMSE at m = {ms.min()}..{ms.max()} rounds (16 players, WLS log-log fit)",
        value=f"slope {check.estimate:.3f} (99% CI [{check.ci[0]:.3f}, {check.ci[1]:.3f}])",
    )
    outcome.details["figures"] = [str(out / "bt_rate.png")]
    return outcome


CLAIM = register(
    Claim(
        id="own.bt_rate.slope",
        document="own_theorem",
        where="own_theorem.theory (claim)",
        statement="RMSE of the BT MLE scores decays as m^(-1/2) in the rounds m of random matchings",
        paper_value="slope -0.5",
        tests=("tests/test_bt_rate.py::test_rmse_decays_as_inverse_sqrt_m",),  # relative to this project
        command="python -m simtheory.run own_theorem_bt_rate",
        compute=compute,
        rule=Agreement(reference=-0.5, tol=0.05, quantity="slope of log RMSE on log m (99% CI)"),
        kind="theorem verified numerically",
        expected="holds",
    )
)
