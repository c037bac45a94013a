#!/usr/bin/env bash
# CI: committed results still come out of the code that is committed with them (issue 20).
# Cheap results are re-run in full; long grids re-run a few hash-chosen cells (--sample K), which
# catches any change of the code that alters their numbers. Each line exits 1 on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
R="python -m simtheory.regenerate"
$R paper_figs/bt                                  # figure script: consistency, BT vs Thurstone, walkthrough
$R paper_figs/bt/bt_sparsity --sample 12          # grid (135 rows), ~25 s
$R paper_figs/cross_prompt --sample 4             # the Example 1 / Theorem 16 grid at 2e6 pairs per cell
$R paper_figs/reward_models/rm_quantity --sample 2
$R paper_figs/reward_models/rm_quality --sample 2
$R paper_figs/reward_models/rm_cross_prompt --sample 2
$R paper_figs/reward_models/d32/rm_quality --sample 1
$R paper_figs/reward_models/minilm_example/rm_cross_prompt --sample 1   # real embeddings (the shipped example)
$R paper_figs/reward_models                       # tables and findings from the committed runs
$R paper_figs/general_preference/gpm_cyclic --sample 2
$R paper_figs/risk_rate/run --sample 3
$R paper_figs/risk_rate                           # slopes.csv (shipped) from the committed run
