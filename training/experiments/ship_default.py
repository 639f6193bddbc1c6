"""Step 2 of sample-data/models/make_synthetic_demo_model.sh: evaluate a trained run and export it with a full card.

    PYTHONPATH=training python3 training/experiments/ship_default.py training/runs/default-model \
        -o sample-data/models/eo2sar-default.onnx

The model card's ``eo2sar.training`` JSON gets, on top of what the trainer records (method, N,
generator, steps, data config), the training wall time and machine, the held-out synthetic metrics
(``eo2sar_train.evaluate``, 16 test scenes of 256 px) and the exact commands. Then G is exported
with ``eo2sar_train.export`` (fp32, opset 18, dynamic batch/height/width, receptive-field margin)
and checked against PyTorch with onnxruntime.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any, Sequence

import torch

from eo2sar_train.evaluate import EvalConfig, evaluate_synthetic, load_generator as load_eval_generator
from eo2sar_train.export import export_onnx, load_generator, margin_for, parity_check
from eo2sar_train.modelcard import ModelCard


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _finite(v: float) -> float | None:
    """JSON has no Infinity/NaN (Java's parser rejects them): e.g. PSNR of the speckle-free reference is inf."""
    return round(float(v), 4) if math.isfinite(v) else None


def machine() -> dict[str, Any]:
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {"device": "cuda" if gpu else "cpu", "gpu": gpu, "cpu": cpu_name(), "cpu_cores": os.cpu_count(),
            "torch": torch.__version__, "python": platform.python_version()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="training out_dir (checkpoints/last.pt, train_seconds.txt)")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--checkpoint", type=Path, help="checkpoint inside RUN to ship (default checkpoints/last.pt; "
                    "make_synthetic_demo_model.sh ships checkpoints/recal.pt, see recalibrate.py)")
    ap.add_argument("--eval-count", type=int, default=16)
    ap.add_argument("--eval-size", type=int, default=256)
    ap.add_argument("--command", default="sample-data/models/make_synthetic_demo_model.sh",
                    help="the command that made the model, recorded in the card")
    a = ap.parse_args(argv)
    ckpt_path = a.checkpoint or a.run / "checkpoints" / "last.pt"
    if not ckpt_path.is_file():
        print(f"ship_default: error: {ckpt_path} does not exist (train first)", file=sys.stderr)
        return 2
    g, ckpt = load_generator(ckpt_path)
    spec, cfg = ckpt["generator"], ckpt["config"]
    fields = dict(ckpt["card"])
    secs = a.run / "train_seconds.txt"

    data = cfg["data"]
    ecfg = EvalConfig(count=a.eval_count, size=a.eval_size, seed=int(data["seed"]), looks=float(data["looks"]),
                      db_range=tuple(data["sar_db_range"]))
    summary, _ = evaluate_synthetic(load_eval_generator(ckpt_path), ecfg)
    refs = {name: evaluate_synthetic(name, ecfg)[0] for name in ("truth", "clean")}
    keys = ("psnr", "ssim", "psnr_shift", "hist_w1_db", "hist_intersection", "enl", "enl_truth", "median_db",
            "median_db_truth", "iqr_db", "iqr_db_truth")

    training = dict(fields["training"])
    training.update({
        "train_seconds": float(secs.read_text()) if secs.is_file() else None,
        "machine": machine(),
        "eval": {"data": f"{ecfg.count} held-out synthetic scenes (test split, data seed {ecfg.seed}) of "
                         f"{ecfg.size} px, {ecfg.looks:g} looks; PSNR/SSIM after 5x5 multilook vs speckle-free "
                         f"truth, shift-tolerant PSNR (+-{ecfg.max_shift} px), dB histogram W1 and ENL vs speckled truth",
                 "metrics": {k: _finite(summary[k]) for k in keys},
                 "reference_speckled_truth": {k: _finite(refs["truth"][k]) for k in keys},
                 "reference_speckle_free_truth": {k: _finite(refs["clean"][k]) for k in keys}},
        "command": a.command,
        "note": "tiny CPU-trained demonstration model on synthetic scenes; not for real Sentinel-1 work",
    })
    fields["training"] = training
    multiple = int(getattr(g, "multiple", 4))
    fields["tile_multiple"] = multiple
    fields["tile_margin"] = margin_for(g, spec["in_ch"], multiple)
    fields["tile_invariant"] = spec["config"].get("norm") == "tile-invariant"
    card = ModelCard(**fields)
    a.output.parent.mkdir(parents=True, exist_ok=True)
    export_onnx(g, card, a.output, spec["in_ch"])
    err = parity_check(g, a.output, spec["in_ch"])
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e6:.2f} MB), margin {card.tile_margin} px, "
          f"tile_invariant {card.tile_invariant}, parity max abs error {err:.3g}")
    print(json.dumps(training["eval"]["metrics"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
