#!/usr/bin/env python3
"""Does the pair loss shrink the scale of the features h_G/h_F it compares?

L1 in feature space falls when h_G(x) and h_G(F(y)) are both scaled down, and the residual blocks
after h are nearly scale-invariant under instance norm, so G/F can lower L_X/L_Y without better
fakes. This trains the tiny config (ngf 8, 3 residual blocks, instance norm, 32 px chips, batch 4)
for cyclegan, pairloss and pairloss with ``loss.pair_detach_real=true`` from the same seed and
prints mean |h_G(x)|, mean |h_F(y)| and the cycle L1 on one fixed batch.

    python3 training/bench/pair_feature_scale.py [--steps 600]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # works without `pip install -e training`
from eo2sar_train.config import load_config  # noqa: E402
from eo2sar_train.losses import l1  # noqa: E402
from eo2sar_train.trainer import Trainer  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "configs" / "tiny-cpu.yaml"
RUNS = (("cyclegan", "cyclegan", False), ("pairloss", "pairloss", False), ("pairloss, real detached", "pairloss", True))


def measure(method: str, detach: bool, steps: int, n: int = 3) -> list[tuple[int, float, float, float]]:
    out = tempfile.mkdtemp(prefix="eo2sar-scale-")
    cfg = load_config(TINY, [f"method={method}", f"loss.pair_detach_real={str(detach).lower()}", f"out_dir={out}",
                             "progress=false", "resume=false", "data.num_samples=64", "optim.max_steps=0",
                             "optim.epochs=100000", "log_every=0", "image_every=0", "ckpt_every=0",
                             "model.generator.norm=instance", "model.generator.n_blocks=3", "batch_size=4"])
    t = Trainer(cfg)
    loader = t.loader()
    probe = next(iter(loader))
    rows = []

    def record(step: int) -> None:
        g, f = t.nets["G"], t.nets["F"]
        with torch.no_grad():
            x, y = probe["eo"], probe["sar"]
            rows.append((step, float(g.features(x, n).abs().mean()), float(f.features(y, n).abs().mean()),
                         float(l1(f(g(x)), x) + l1(g(f(y)), y))))

    record(0)
    step = 0
    while step < steps:
        for batch in loader:
            t.train_step(batch)
            step += 1
            if step % max(1, steps // 3) == 0 or step == steps:
                record(step)
            if step >= steps:
                break
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    print("| run | step | mean abs h_G(x) | mean abs h_F(y) | cycle L1 |\n|---|---|---|---|---|")
    for label, method, detach in RUNS:
        for step, hg, hf, cyc in measure(method, detach, a.steps):
            print(f"| {label} | {step} | {hg:.4f} | {hf:.4f} | {cyc:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
