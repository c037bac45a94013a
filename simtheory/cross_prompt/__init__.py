"""Cross-prompt annotation (*Rethinking BT*, Sec. 4): Example 1, eq. 25, Prop. 15 and Thm. 16.

* :mod:`.theory` - closed forms (Q_pair, the tau density of eq. 25) and design comparisons;
* :mod:`.grid` - the ``cross_prompt`` grid (``cross_prompt.toml``);
* :mod:`.claims` - the registered claims.
"""

from simtheory.cross_prompt.theory import (
    DesignComparison,
    compare_designs,
    error_rate_table,
    q_pair_gaussian,
    sample_tau,
    tau_cdf,
    tau_density,
)

__all__ = [
    "DesignComparison",
    "compare_designs",
    "error_rate_table",
    "q_pair_gaussian",
    "sample_tau",
    "tau_cdf",
    "tau_density",
]
