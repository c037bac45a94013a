#!/bin/sh
# Exact commands that produced the full-grid outputs in this folder (run from the repository root).
export OMP_NUM_THREADS=1
(python -m simtheory.run rm_quality --seed 0 --out paper_figs/reward_models/rm_quality --no-progress &&
 python -m simtheory.run rm_quantity --seed 0 --out paper_figs/reward_models/rm_quantity --no-progress) &
python -m simtheory.run rm_cross_prompt --seed 0 --out paper_figs/reward_models/rm_cross_prompt --no-progress
wait
python paper_figs/make_reward_models.py   # results table (results_table.md) + combined figure from the CSVs

# Sensitivity run (declared before its results were seen): a 32-dimensional, more nonlinear golden reward.
S="--set d=32 --set golden_weight_scale=16.0"
(python -m simtheory.run rm_quality --seed 0 $S --out paper_figs/reward_models/d32/rm_quality --no-progress &&
 python -m simtheory.run rm_quantity --seed 0 $S --out paper_figs/reward_models/d32/rm_quantity --no-progress) &
python -m simtheory.run rm_cross_prompt --seed 0 $S --out paper_figs/reward_models/d32/rm_cross_prompt --no-progress
wait
python paper_figs/make_reward_models.py --root paper_figs/reward_models/d32

# Real embeddings: the shipped 120-response MiniLM example (24 prompts x 5; train on 12 prompts, best-of-5 on 12).
R="--embeddings example --set n_annotations=2000"
python -m simtheory.run rm_quality --seed 0 $R --out paper_figs/reward_models/minilm_example/rm_quality --no-progress
python -m simtheory.run rm_cross_prompt --seed 0 $R --out paper_figs/reward_models/minilm_example/rm_cross_prompt --no-progress
