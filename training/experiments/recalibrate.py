"""Re-estimate the frozen normalisation statistics of a tile-invariant generator with its FINAL weights.

The trainer's ``FrozenStatNorm`` keeps an exponential moving average (momentum 0.01) of per-image
means/variances *along the training trajectory*: after a few hundred steps it still mixes in
statistics of much earlier weights, and eval/export (which use only those statistics) can then
differ a lot from what the trained network does in training mode. (Seen here: a pix2pix generator
after 300 steps gives structured output in training mode and an almost constant image in eval
mode.) This is the usual "precise BN" fix: run the final generator in training mode over a few
hundred training chips and set the statistics to their plain average. Weights are not touched.
The work is done by the package (``eo2sar_train.models.recalibrate_frozen_stats``); eo2sar-export
now does the same by default, so this script is only needed for a recalibrated *checkpoint*
(evaluation, recal_compare.py).

    PYTHONPATH=training python3 training/experiments/recalibrate.py RUN/checkpoints/last.pt -o RUN/checkpoints/recal.pt [--chips 512]

The output is a trainer-format checkpoint (only G's buffers changed), usable by eo2sar-eval,
eo2sar-export and ship_default.py.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import torch

from eo2sar_train.export import (RECALIBRATION_CHIPS, RECALIBRATION_SEED, load_generator, recalibration_note,
                                 training_chips)
from eo2sar_train.models import FrozenStatNorm, recalibrate_frozen_stats


def recalibrate(g: torch.nn.Module, chips: torch.Tensor, batch: int = 8) -> int:
    """Set every FrozenStatNorm's running mean/var to the average over ``chips`` (model space [N,C,H,W]).

    Returns the number of normalisation layers recalibrated.
    """
    recalibrate_frozen_stats(g, (chips[i:i + batch] for i in range(0, len(chips), batch)))
    g.eval()
    return sum(isinstance(m, FrozenStatNorm) for m in g.modules())


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--chips", type=int, default=RECALIBRATION_CHIPS,
                    help=f"training chips to average over (default {RECALIBRATION_CHIPS})")
    ap.add_argument("--seed", type=int, default=RECALIBRATION_SEED,
                    help="which draw of chips (the scenes are the training split)")
    a = ap.parse_args(argv)
    g, ckpt = load_generator(a.checkpoint)
    n_chips, batches = training_chips(ckpt["config"], a.chips, a.seed)
    recalibrate_frozen_stats(g, batches)
    g.eval()
    n = sum(isinstance(m, FrozenStatNorm) for m in g.modules())
    ckpt = dict(ckpt)
    ckpt["G"] = g.state_dict()
    card = dict(ckpt.get("card") or {})
    training = dict(card.get("training") or {})
    training["norm_statistics"] = recalibration_note(n_chips) + " (recalibrate.py)"
    training["norm_statistics_chips"] = n_chips
    card["training"] = training
    ckpt["card"] = card
    a.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.output.with_name(a.output.name + ".tmp")
    torch.save(ckpt, tmp)
    tmp.replace(a.output)
    print(f"recalibrated {n} normalisation layers over {n_chips} chips -> {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
