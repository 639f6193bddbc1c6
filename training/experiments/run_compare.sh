#!/usr/bin/env bash
# Issue 5 experiment, CPU-sized (no GPU lent): the three methods at training misalignments 0/2/4/8 px,
# then the pair-loss N ablation (1..5) at 4 px, same seeds/data/budget. From the repository root:
#   training/experiments/run_compare.sh [STEPS] [OUT]
# Writes OUT/main/comparison.{md,csv,json,png} and OUT/ablation/comparison.{md,csv,json,png}.
set -euo pipefail
steps=${1:-400}; out=${2:-training/runs/compare}
cfg=training/experiments/configs/cpu-small.yaml
export PYTHONPATH=training
python3 -m eo2sar_train.compare --out "$out/main" --config "$cfg" --steps "$steps" --reuse --no-progress \
    --methods cyclegan pix2pix pairloss --misalignments 0 2 4 8 --pair-n 3
# N ablation at 4 px: the N=3 run is the one above (same seed, data, budget), reused.
mkdir -p "$out/ablation/runs"
[ -e "$out/ablation/runs/pairloss_N3_m4" ] || cp -r "$out/main/runs/pairloss_N3_m4" "$out/ablation/runs/"
python3 -m eo2sar_train.compare --out "$out/ablation" --config "$cfg" --steps "$steps" --reuse --no-progress \
    --methods pairloss --misalignments 4 --pair-n 1 2 3 4 5
