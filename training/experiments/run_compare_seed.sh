#!/usr/bin/env bash
# Replicate of run_compare.sh (main grid, then the N ablation at 4 px) with another model-initialisation
# seed (same data: data.seed stays 0), to see how much of a difference between methods is seed noise,
# then the recalibrated re-evaluation of every run (recal_compare.py). From the repository root:
#   [MISALIGNMENTS="4"] [ABLATION=0] training/experiments/run_compare_seed.sh SEED [STEPS] [OUT]
set -euo pipefail
seed=$1; steps=${2:-300}; out=${3:-training/runs/compare-seed$seed}
cfg=training/experiments/configs/cpu-small.yaml
export PYTHONPATH=training
python3 -m eo2sar_train.compare seed="$seed" --out "$out/main" --config "$cfg" \
    --steps "$steps" --reuse --no-progress --methods cyclegan pix2pix pairloss --misalignments ${MISALIGNMENTS:-0 2 4 8} --pair-n 3
python3 training/experiments/recal_compare.py "$out/main"
if [ "${ABLATION:-1}" = 1 ]; then
  mkdir -p "$out/ablation/runs"
  [ -e "$out/ablation/runs/pairloss_N3_m4" ] || cp -r "$out/main/runs/pairloss_N3_m4" "$out/ablation/runs/"
  python3 -m eo2sar_train.compare seed="$seed" --out "$out/ablation" --config "$cfg" \
      --steps "$steps" --reuse --no-progress --methods pairloss --misalignments 4 --pair-n 1 2 3 4 5
  python3 training/experiments/recal_compare.py "$out/ablation"
fi
