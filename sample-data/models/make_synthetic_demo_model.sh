#!/usr/bin/env bash
# Reproduces sample-data/models/eo2sar-synthetic-demo.onnx. Run from the repository root:
#   sample-data/models/make_synthetic_demo_model.sh
# 1. trains CycleGAN + pair loss (N=3) on synthetic scenes (CPU config
#    training/experiments/configs/cpu-small.yaml, 1500 steps, seed 0; about 10 min on 2 CPU cores),
# 2. re-estimates the frozen normalisation statistics with the final weights over 512 training chips
#    (training/experiments/recalibrate.py; the trainer's moving average lags the weights),
# 3. evaluates it on 16 held-out synthetic scenes and exports G to ONNX (fp32) with the model card.
# Needs the training package's dependencies (pip install -e 'training[test]').
# Bit-identical weights are not guaranteed across machines/thread counts (CPU float reductions).
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${EO2SAR_RUN:-training/runs/default-model}
training/experiments/train_default.sh "$run" 1500
PYTHONPATH=training python3 training/experiments/recalibrate.py "$run/checkpoints/last.pt" -o "$run/checkpoints/recal.pt"
PYTHONPATH=training python3 training/experiments/ship_default.py "$run" --checkpoint "$run/checkpoints/recal.pt" \
    -o sample-data/models/eo2sar-synthetic-demo.onnx
