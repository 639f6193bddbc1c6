#!/usr/bin/env bash
# Replicate of the main grid of run_compare.sh with another model-initialisation seed (same data:
# data.seed stays 0), to see how much of a difference between methods is seed noise. From the repo root:
#   [MISALIGNMENTS="4"] training/experiments/run_compare_seed.sh SEED [STEPS] [OUT]
set -euo pipefail
seed=$1; steps=${2:-300}; out=${3:-training/runs/compare-seed$seed}
export PYTHONPATH=training
python3 -m eo2sar_train.compare seed="$seed" --out "$out/main" --config training/experiments/configs/cpu-small.yaml \
    --steps "$steps" --reuse --no-progress --methods cyclegan pix2pix pairloss --misalignments ${MISALIGNMENTS:-0 2 4 8} --pair-n 3
