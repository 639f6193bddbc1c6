#!/usr/bin/env bash
# Does the 300-step ranking survive a 5x larger budget? cyclegan and pix2pix at 4 px for 1500 steps,
# against the default model's run (pairloss N=3, 4 px, 1500 steps, same config and seeds) which is
# evaluated, not retrained. From the repository root (after make_synthetic_demo_model.sh):
#   training/experiments/run_long.sh [OUT]
# then PYTHONPATH=training python3 training/experiments/recal_compare.py OUT (recalibrated statistics, as in §2)
set -euo pipefail
out=${1:-training/runs/compare-long}; cfg=training/experiments/configs/cpu-small.yaml
export PYTHONPATH=training
python3 -m eo2sar_train.compare --out "$out" --config "$cfg" --steps 1500 --reuse --no-progress \
    --methods cyclegan pix2pix --misalignments 4
python3 - "$out" <<'PY'
import json, shutil, sys, torch
from pathlib import Path
from eo2sar_train.evaluate import EvalConfig, evaluate_synthetic, load_generator
run = Path("training/runs/default-model"); ck = run / "checkpoints" / "last.pt"
summary, _ = evaluate_synthetic(load_generator(ck), EvalConfig(count=16, size=256, seed=0, looks=4.0))
row = {"method": "pairloss(N=3)", "misalignment_px": 4.0, **summary,
       "train_seconds": float((run / "train_seconds.txt").read_text()),
       "steps": int(torch.load(ck, map_location="cpu", weights_only=False)["step"]), "checkpoint": str(ck)}
dst = Path(sys.argv[1]) / "runs" / "pairloss_N3_m4"; (dst / "checkpoints").mkdir(parents=True, exist_ok=True)
# a copy, so recal_compare.py writes its recal.pt here and not over the default model's run
shutil.copyfile(ck, dst / "checkpoints" / "last.pt"); row["checkpoint"] = str(dst / "checkpoints" / "last.pt")
(dst / "metrics.json").write_text(json.dumps(row, indent=1))
PY
python3 -m eo2sar_train.compare --out "$out" --config "$cfg" --steps 1500 --reuse --no-progress \
    --methods cyclegan pix2pix pairloss --misalignments 4
