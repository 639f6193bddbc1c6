#!/usr/bin/env bash
# Trains real-data variants side by side, one CPU thread each (2 cores), from
# training/experiments/real/real-cpu.yaml plus each run's overrides; writes
# training/runs/real/NAME/{checkpoints/last.pt,train.log,train_seconds.txt}.
# Usage: run_round.sh NAME "OVERRIDES" [NAME "OVERRIDES" ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
export PYTHONPATH="$ROOT/training" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
train() {  # NAME OVERRIDES
  local out="training/runs/real/$1" start end
  mkdir -p "$out"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$PY" -m eo2sar_train.trainer --config training/experiments/real/real-cpu.yaml out_dir="$out" resume=false $2 \
      > "$out/train.log" 2>&1
  end=$(date +%s.%N)
  "$PY" -c "print(round($end - $start, 1))" > "$out/train_seconds.txt"
  echo "$1: $(cat "$out/train_seconds.txt") s"
}
pids=()
while [ $# -ge 2 ]; do
  train "$1" "$2" &
  pids+=($!)
  shift 2
done
for p in "${pids[@]}"; do wait "$p"; done
