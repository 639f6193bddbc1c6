#!/usr/bin/env bash
# The real-data comparison under injected misalignment (issue 10; docs/results.md §0.5), on the real training
# split with the SAR side moved by 0 (natural, <= 1 px), 4 and 8 px (eo2sar_train.misalign, mode "integer":
# one random direction per chip), seeds 0..2, the same compute for every method:
#   p2p     Pix2Pix, plain L1: 1200 steps at 96 px chips;
#   p2ptol  Pix2Pix, L1 to the best SAR shift within +-2 px (the shipped loss): the same;
#   pair    CycleGAN + pair loss (N = 3; about 2x the cost per step): 580 steps at 64 px chips;
#   cyc     CycleGAN: the same as pair without the pair loss;
# each with the CycleGAN schedule (constant, then linear decay) over its steps. Two runs at a time, one thread
# each: about 9 min per two runs on 2 CPU cores (the default p2p + pair grid: about 80 min). Then score them:
#   PYTHONPATH=training .venv/bin/python training/experiments/real/misalign_study.py training/runs/real/mis
# Usage: [METHODS="p2p pair"] misalign_grid.sh [SEEDS...]   (default seeds 0 1 2)
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=training/experiments/real
NET="model.generator.norm=batch model.generator.upsample=bilinear-conv model.generator.input_skip=true"
declare -A RECIPE=(
  [p2p]="method=pix2pix $NET optim.epochs=60 optim.epochs_decay=60"
  [p2ptol]="method=pix2pix $NET optim.epochs=60 optim.epochs_decay=60 loss.l1_max_shift=2"
  [pair]="method=pairloss $NET data.chip_size=64 optim.epochs=29 optim.epochs_decay=29"
  [cyc]="method=cyclegan $NET data.chip_size=64 optim.epochs=29 optim.epochs_decay=29"
)
read -r -a methods <<< "${METHODS:-p2p pair}"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
jobs=()
for seed in "${seeds[@]}"; do
  for m in 0 4 8; do
    for method in "${methods[@]}"; do
      [ -n "${RECIPE[$method]:-}" ] || { echo "unknown method $method (${!RECIPE[*]})" >&2; exit 2; }
      jobs+=("mis/$method-m$m-s$seed" "${RECIPE[$method]} data.misalignment_px=$m data.misalignment_mode=integer seed=$seed data.seed=$seed")
    done
  done
done
for ((i = 0; i < ${#jobs[@]}; i += 4)); do
  $R/run_round.sh "${jobs[@]:i:4}"
done
