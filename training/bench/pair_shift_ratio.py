#!/usr/bin/env python3
"""How shift-tolerant is the pair loss, before and after some pairloss training?

ratio(loss) = loss(x, x shifted by 1 px) / loss(x, an unrelated scene), on held-out synthetic
scenes (speckle-free SAR), for the N=3 feature loss (h_G, h_F of the trained G, F) and for
pixel L1. Lower = more tolerant of a small shift relative to a real difference.

    python3 training/bench/pair_shift_ratio.py --steps 0 100 300
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eo2sar_train import data  # noqa: E402
from eo2sar_train.config import load_config  # noqa: E402
from eo2sar_train.losses import l1, pair_loss  # noqa: E402
from eo2sar_train.trainer import Trainer  # noqa: E402

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "tiny-cpu.yaml"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, nargs="+", default=[0, 100])
    ap.add_argument("--chip", type=int, default=32)
    ap.add_argument("--pairs", type=int, default=4, help="held-out scene pairs to measure on")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    test = data.build_dataset(data.DataConfig(kind="synthetic", chip_size=64, num_eval_samples=2 * args.pairs,
                                              augment="none", seed=99), "test")
    print("| training steps | pair L_X ratio | pair L_Y ratio | pixel L1 EO ratio | pixel L1 SAR ratio |")
    print("|---|---|---|---|---|")
    for steps in args.steps:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = load_config(CONFIG, [f"out_dir={tmp}", "resume=false", "progress=false", "data.num_samples=64",
                                       f"data.chip_size={args.chip}", f"optim.max_steps={max(steps, 1)}",
                                       "optim.epochs=100000", "model.generator.norm=instance", "image_every=0",
                                       "ckpt_every=0", "batch_size=4"])
            t = Trainer(cfg)
            if steps:
                t.fit()
            g, f = t.nets["G"].eval(), t.nets["F"].eval()
        sums = torch.zeros(4)
        for i in range(args.pairs):
            a, b = test[2 * i], test[2 * i + 1]
            x, y, xo, yo = a["eo"][None], a["sar_clean"][None], b["eo"][None], b["sar_clean"][None]
            xs, ys = torch.roll(x, 1, dims=3), torch.roll(y, 1, dims=3)
            with torch.no_grad():
                ox, oy = pair_loss(g, f, x, y, xo, yo)
                sx, sy = pair_loss(g, f, x, y, xs, ys)
            sums += torch.tensor([float(sx / ox), float(sy / oy), float(l1(x, xs) / l1(x, xo)), float(l1(y, ys) / l1(y, yo))])
        r = (sums / args.pairs).tolist()
        print(f"| {steps} | {r[0]:.3f} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
