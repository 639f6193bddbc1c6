#!/usr/bin/env bash
# Step 1 of make_synthetic_demo_model.sh: train (timed). Usage: train_default.sh OUT_DIR STEPS [key=value overrides...]
set -euo pipefail
out=${1:-training/runs/default-model}; steps=${2:-1500}
start=$(date +%s.%N)
PYTHONPATH=training python3 -m eo2sar_train.trainer --config training/experiments/configs/cpu-small.yaml \
    method=pairloss loss.pair_n=3 out_dir="$out" optim.max_steps="$steps" resume=false "${@:3}"
end=$(date +%s.%N)
python3 -c "print(round($end - $start, 1))" > "$out/train_seconds.txt"
echo "train wall time: $(cat "$out/train_seconds.txt") s"
