#!/usr/bin/env bash
# The real-data comparison under injected misalignment (issue 10; docs/results.md §0.5): Pix2Pix (plain L1)
# and CycleGAN + pair loss (N = 3) trained on the real training split with the SAR side moved by 0 (natural,
# <= 1 px), 4 and 8 px (eo2sar_train.misalign, mode "integer": one random direction per chip), seeds 0..2,
# the same compute for both: Pix2Pix 1200 steps at 96 px chips, the pair loss (about 2x the cost per step)
# 580 steps at 64 px chips, both with the CycleGAN schedule over their steps. Two runs at a time, one thread
# each: about 80 min on 2 CPU cores. Then score them:
#   PYTHONPATH=training .venv/bin/python training/experiments/real/misalign_study.py training/runs/real/mis
# Usage: misalign_grid.sh [SEEDS...]   (default 0 1 2)
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=training/experiments/real
NET="model.generator.norm=batch model.generator.upsample=bilinear-conv model.generator.input_skip=true"
P2P="method=pix2pix $NET optim.epochs=60 optim.epochs_decay=60"
PAIR="method=pairloss $NET data.chip_size=64 optim.epochs=29 optim.epochs_decay=29"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
jobs=()
for seed in "${seeds[@]}"; do
  for m in 0 4 8; do
    mis="data.misalignment_px=$m data.misalignment_mode=integer seed=$seed data.seed=$seed"
    jobs+=("mis/p2p-m$m-s$seed" "$P2P $mis" "mis/pair-m$m-s$seed" "$PAIR $mis")
  done
done
for ((i = 0; i < ${#jobs[@]}; i += 4)); do
  $R/run_round.sh "${jobs[i]}" "${jobs[i+1]}" "${jobs[i+2]}" "${jobs[i+3]}"
done
