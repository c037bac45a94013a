"""Grid ``cross_prompt``: Example 1, Proposition 15 and Theorem 16 of *Rethinking BT* (Section 4).

Cells of three kinds (``part``):

* ``example1``  - Q_pair at beta^2 sigma^2 in s2_values, Gaussian utilities, same prompt, vs quadrature;
* ``design``    - (family, design, beta*sigma): E|dr|, Q = E xi(|dr|) and label accuracy;
* ``scenario``  - the counter-examples and controls of :mod:`simtheory.cross_prompt.theory` (same vs cross).

With ``--embeddings FILE`` (``params["embeddings"]``) the grid runs on real responses instead:
cells ``(part="real", design in {same, cross}, beta)`` estimate the same statistics from random pairs
of the file's responses and their golden reward (:func:`simtheory.embeddings.checks.pair_stats_real`).
"""

from __future__ import annotations

import math

import numpy as np

from simtheory.cross_prompt.theory import CONTROLS, COUNTER_EXAMPLES, PAPER_Q_PAIR, compare_designs, q_pair_gaussian
from simtheory.engine.montecarlo import Xi, pair_stats
from simtheory.engine.utility_samplers import PromptPopulation
from simtheory.runner.store import paper_style, save_figure

COLORS = {"same": "C0", "similar": "C2", "diversified": "C4"}
SCENARIOS = {s.name: s for s in COUNTER_EXAMPLES + CONTROLS}


REAL_DESIGNS = ("same", "cross")


def cells(params: dict) -> list[dict]:
    if params.get("embeddings"):
        return [{"part": "real", "design": d, "beta": float(b)} for d in REAL_DESIGNS for b in params["beta_sigma"]]
    out = [{"part": "example1", "s2": float(s2)} for s2 in params["s2_values"]]
    for fam in params["families"]:
        for design in params["designs"]:
            for bs in params["beta_sigma"]:
                out.append({"part": "design", "family": fam, "design": design, "beta_sigma": float(bs)})
    out += [{"part": "scenario", "scenario": name} for name in SCENARIOS]
    return out


def _population(params: dict, family: str) -> PromptPopulation:
    return PromptPopulation(
        mu_sd=params["mu_sd"],
        sigma_median=params["sigma"],
        sigma_logsd=params["sigma_logsd"],
        family=family,
        df=params.get("df", 5.0),
    )


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    n = int(params["n_pairs"])
    if cell["part"] == "example1":
        s2 = cell["s2"]
        st = pair_stats(n, "same", PromptPopulation(), Xi("sigmoid", math.sqrt(s2)), seed=seed, backend=backend)
        return [
            {
                "q_mc": st.mean["tau"],
                "q_mc_se": st.se["tau"],
                "q_quad_iid": q_pair_gaussian(s2, "iid"),
                "q_quad_difference": q_pair_gaussian(s2, "difference"),
                "q_paper": PAPER_Q_PAIR.get(s2),
                "n_pairs": n,
                "backend": backend,
            }
        ]
    if cell["part"] == "real":
        from simtheory.embeddings import load_for_grid
        from simtheory.embeddings.checks import pair_stats_real
        from simtheory.validation import SimTheoryInputError

        data = load_for_grid(params)
        if data is None:
            raise SimTheoryInputError(
                "embeddings", "cells of part 'real' need params['embeddings'] (--embeddings FILE)"
            )
        if data.reward is None:
            raise SimTheoryInputError(
                "embeddings",
                "the file has no golden reward column/array ('reward'), which the cross-prompt checks need",
            )
        st = pair_stats_real(data, n, cell["design"], Xi("sigmoid", cell["beta"]), seed=seed)
        return [{**st.row(), "source": str(params["embeddings"])}]
    if cell["part"] == "design":
        pop = _population(params, cell["family"])
        beta = cell["beta_sigma"] / params["sigma"]
        st = pair_stats(n, cell["design"], pop, Xi("sigmoid", beta), k=int(params["k"]), seed=seed, backend=backend)
        return [st.row()]
    sc = SCENARIOS[cell["scenario"]]
    cmp = compare_designs(sc.population, sc.xi, n_pairs=n, seed=int(seed.generate_state(1)[0]), backend=backend)
    return [
        {
            "stat": s,
            "same": c.same,
            "same_se": c.same_se,
            "cross": c.cross,
            "cross_se": c.cross_se,
            "gap": c.gap,
            "gap_se": c.gap_se,
            "z": c.z,
            "assumption_broken": sc.assumption_broken,
            "n_pairs": n,
            "backend": backend,
        }
        for s, c in cmp.items()
    ]


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    import json

    import matplotlib.pyplot as plt

    paper_style()
    summary: dict = {"example1": [], "scenarios": [], "figures": []}
    design_rows = []
    for r in rows:
        cell = json.loads(r["cell"])
        if cell["part"] == "example1":
            summary["example1"].append(
                {
                    "s2": cell["s2"],
                    **{k: r[k] for k in ("q_mc", "q_mc_se", "q_quad_iid", "q_quad_difference", "q_paper")},
                }
            )
        elif cell["part"] == "scenario" and r.get("stat") == "tau":
            summary["scenarios"].append(
                {
                    "scenario": cell["scenario"],
                    "gap": r["gap"],
                    "gap_se": r["gap_se"],
                    "z": r["z"],
                    "assumption_broken": r["assumption_broken"] or "none",
                }
            )
        elif cell["part"] == "design":
            design_rows.append({**cell, **r})
        elif cell["part"] == "real":
            design_rows.append({**cell, **r, "family": "real embeddings", "beta_sigma": cell["beta"]})
    summary["example1"].sort(key=lambda d: d["s2"])
    fams = sorted({r["family"] for r in design_rows})
    if design_rows:
        ncol = min(4, len(fams))
        nrow = -(-len(fams) // ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(2.3 * ncol, 2.2 * nrow), sharey=True, squeeze=False)
        for ax in axes.flat[len(fams) :]:
            ax.set_visible(False)
        for ax, fam in zip(axes.flat, fams):
            for design in REAL_DESIGNS if params.get("embeddings") else params["designs"]:
                pts = sorted(
                    (r["beta_sigma"], r["tau"], r["tau_se"])
                    for r in design_rows
                    if r["family"] == fam and r["design"] == design
                )
                if pts:
                    x, y, e = map(np.array, zip(*pts))
                    base = {"cross": "same"}.get(design, design.removesuffix("_x"))
                    ax.errorbar(
                        x,
                        y,
                        yerr=2 * e,
                        marker="o",
                        ms=3,
                        label=design,
                        color=COLORS.get(base),
                        ls="--" if design.endswith(("cross", "_x")) else "-",
                    )
            ax.set_xscale("log")
            ax.set_title(fam)
            ax.set_xlabel(r"$\beta\sigma$")
        for row in axes:
            row[0].set_ylabel(r"$Q = \mathrm{E}\,\sigma(\beta|\Delta r|)$")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower right" if len(fams) % ncol else "upper center",
            ncol=2,
            fontsize=7,
            bbox_to_anchor=(0.98, 0.08) if len(fams) % ncol else (0.5, 1.08),
        )
        fig.tight_layout()
        summary["figures"] += [str(p) for p in save_figure(fig, out_dir, "q_vs_beta_sigma")]
        plt.close(fig)
    return summary
