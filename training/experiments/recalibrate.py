"""Re-estimate the frozen normalisation statistics of a tile-invariant generator with its FINAL weights.

The trainer's ``FrozenStatNorm`` keeps an exponential moving average (momentum 0.01) of per-image
means/variances *along the training trajectory*: after a few hundred steps it still mixes in
statistics of much earlier weights, and eval/export (which use only those statistics) can then
differ a lot from what the trained network does in training mode. (Seen here: a pix2pix generator
after 300 steps gives structured output in training mode and an almost constant image in eval
mode.) This is the usual "precise BN" fix: run the final generator in training mode over a few
hundred training chips and set the statistics to their plain average. Weights are not touched.

    PYTHONPATH=training python3 training/experiments/recalibrate.py RUN/checkpoints/last.pt -o RUN/checkpoints/recal.pt [--chips 512]

The output is a trainer-format checkpoint (only G's buffers changed), usable by eo2sar-eval,
eo2sar-export and ship_default.py.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import torch
import yaml

from eo2sar_train.config import load_config
from eo2sar_train.data import build_dataset
from eo2sar_train.export import load_generator
from eo2sar_train.models import FrozenStatNorm


@torch.no_grad()
def recalibrate(g: torch.nn.Module, chips: torch.Tensor, batch: int = 8) -> int:
    """Set every FrozenStatNorm's running mean/var to the average over ``chips`` (model space [N,C,H,W])."""
    norms = [m for m in g.modules() if isinstance(m, FrozenStatNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.running_mean.zero_()
        m.running_var.zero_()
    g.train()
    n_batches = 0
    for i in range(0, len(chips), batch):
        n_batches += 1
        for m in norms:  # cumulative average: the k-th batch gets weight 1/k
            m.momentum = 1.0 / n_batches
        g(chips[i:i + batch])
    for m, mom in zip(norms, saved):
        m.momentum = mom
    g.eval()
    return len(norms)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--chips", type=int, default=512, help="training chips to average over (default 512)")
    ap.add_argument("--seed", type=int, default=123, help="which augmentation draw (the scenes are the training split)")
    a = ap.parse_args(argv)
    g, ckpt = load_generator(a.checkpoint)
    with tempfile.TemporaryDirectory() as tmpdir:  # the run's own config, as saved in the checkpoint
        cfg_path = Path(tmpdir) / "config.yaml"
        cfg_path.write_text(yaml.safe_dump(ckpt["config"]))
        cfg = load_config(cfg_path)
    ds = build_dataset(cfg.data, "train")
    torch.manual_seed(a.seed)
    idx = torch.randperm(len(ds))[:a.chips].tolist()
    chips = torch.stack([torch.as_tensor(ds[i]["eo"]) for i in idx]).float()
    n = recalibrate(g, chips)
    ckpt = dict(ckpt)
    ckpt["G"] = g.state_dict()
    card = dict(ckpt.get("card") or {})
    training = dict(card.get("training") or {})
    training["norm_statistics"] = f"recalibrated with the final weights over {len(idx)} training chips (recalibrate.py)"
    card["training"] = training
    ckpt["card"] = card
    a.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.output.with_name(a.output.name + ".tmp")
    torch.save(ckpt, tmp)
    tmp.replace(a.output)
    print(f"recalibrated {n} normalisation layers over {len(idx)} chips -> {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
