#!/bin/sh
# Every committed result in paper_figs/ and the package's shipped copies, from a clean checkout
# (run from the repository root; writing into paper_figs/ from a modified checkout is refused).
# Each result folder's meta.json records its command, commit and provenance, and
#     python -m simtheory.regenerate paper_figs/<folder>
# re-runs it and compares. About 45 min on 2 cores, most of it risk_rate and the reward models.
set -e
export OMP_NUM_THREADS=1
R="python -m simtheory.run"
D="--seed 0 --fresh --no-progress"

# BT foundations: figure script, and the sparsity grid
python paper_figs/make_bt.py
$R bt_sparsity $D --set reps=5 --out paper_figs/bt/bt_sparsity
# Same- vs cross-prompt annotation (the cross_prompt grid at 2e6 pairs per cell, Example 1 figure)
python paper_figs/make_cross_prompt.py --fresh
# General preference model (runs the general_preference_cyclic grid into gpm_cyclic/) and GPO
python paper_figs/make_general_preference.py

# Reward models (torch-trained rows regenerate within [regenerate] tolerance_se of the grid TOML)
S="--set d=32 --set golden_weight_scale=16.0"            # sensitivity run, declared before its results
E="--embeddings example --set n_annotations=2000"        # the shipped MiniLM example
for g in quality quantity cross_prompt; do
    $R reward_models_$g $D --out paper_figs/reward_models/rm_$g
    $R reward_models_$g $D $S --out paper_figs/reward_models/d32/rm_$g
done
$R reward_models_quality $D $E --out paper_figs/reward_models/minilm_example/rm_quality
$R reward_models_cross_prompt $D $E --out paper_figs/reward_models/minilm_example/rm_cross_prompt
python paper_figs/make_reward_models.py
python paper_figs/make_reward_models.py --root paper_figs/reward_models/d32
python paper_figs/make_reward_models.py --root paper_figs/reward_models/minilm_example

# Theorem 10 / Corollary 11 rates (336 cells, about 30 min with 2 workers)
$R risk_rate $D --scheduler local --workers 2 --out paper_figs/risk_rate/run
python paper_figs/make_risk_rate.py --from paper_figs/risk_rate/run

# Copies read by the claims of an installed simtheory, with PROVENANCE.json
python paper_figs/ship_results.py
