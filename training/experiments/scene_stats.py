"""Which normalisation statistics should a tiled translation use? (DESIGN §4 "Seams", measured.)

    PYTHONPATH=training python3 training/experiments/scene_stats.py \
        training/runs/default-model/checkpoints/recal.pt [--count 8] [--size 512] [--tile 128] [--margin 44]

A generator trained with per-image statistics (instance norm, or our tile-invariant norm, which
trains exactly like instance norm) can be run with different statistics. On held-out synthetic
scenes (test split) this compares, per scene:

- ``whole``: each norm layer's statistics of the whole scene (= instance norm on the whole raster;
  the reference "whole-image output" of DESIGN §4; needs the whole raster in one piece);
- ``per-tile``: instance norm on each tile (tile + margin, reflect-padded at the raster border, core
  kept): what a plain CycleGAN export does when tiled — seams;
- ``frozen``: the checkpoint's statistics (the training average; what the shipped model does);
- ``thumb/K``: statistics of a K-times downsampled thumbnail of the scene, applied to full-resolution
  tiles (Thumbnail Instance Normalization, Chen et al. 2022).

Frozen and thumbnail statistics are fixed per scene, so their tiled output equals their whole-scene
output exactly (checked here on the first scene); only ``per-tile`` is run tile by tile. Reported:
the distance to ``whole`` (fidelity, dB) and the quality against the synthetic truth.
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from eo2sar_train.evaluate import EvalConfig, _scene_metrics, synthetic_test_set
from eo2sar_train.export import load_generator as load_checkpoint
from eo2sar_train.models import recalibrate_frozen_stats

QUALITY = ("psnr", "ssim", "hist_w1_db", "enl")


def with_stats_of(g: nn.Module, images: Sequence[torch.Tensor]) -> nn.Module:
    """A copy of G whose frozen statistics are the per-image statistics of ``images`` (averaged)."""
    h = copy.deepcopy(g)
    recalibrate_frozen_stats(h, images)
    return h.eval()


def run(g: nn.Module, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return g(x).numpy()[0, 0]


def tiled(translate_tile: Callable[[torch.Tensor], np.ndarray], x: torch.Tensor, tile: int, margin: int) -> np.ndarray:
    """Core tiles of ``tile`` px with ``margin`` of context (reflect padding outside the scene), cropped and stitched."""
    _, _, h, w = x.shape
    padded = F.pad(x, (margin, margin + tile, margin, margin + tile), mode="reflect")
    out = np.zeros((h, w), np.float32)
    for y0 in range(0, h, tile):
        for x0 in range(0, w, tile):
            win = padded[:, :, y0:y0 + tile + 2 * margin, x0:x0 + tile + 2 * margin]
            core = translate_tile(win)[margin:margin + tile, margin:margin + tile]
            out[y0:y0 + tile, x0:x0 + tile] = core[:min(tile, h - y0), :min(tile, w - x0)]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--tile", type=int, default=128)
    ap.add_argument("--margin", type=int, default=44)
    ap.add_argument("--thumbs", type=int, nargs="+", default=[2, 4, 8])
    a = ap.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))

    g, ckpt = load_checkpoint(a.checkpoint)
    g = g.eval()
    card, data = ckpt["card"], ckpt["config"]["data"]
    scale = torch.tensor(card["input_scale"], dtype=torch.float32).view(1, -1, 1, 1)
    offset = torch.tensor(card["input_offset"], dtype=torch.float32).view(1, -1, 1, 1)
    to_db = lambda y: y * float(card["output_scale"][0]) + float(card["output_offset"][0])  # noqa: E731
    cfg = EvalConfig(count=a.count, size=a.size, seed=int(data["seed"]), looks=float(data["looks"]),
                     db_range=tuple(data["sar_db_range"]))
    ds = synthetic_test_set(cfg)

    names = ["whole", "per-tile", "frozen", *[f"thumb/{k}" for k in a.thumbs]]
    fidelity: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    quality: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for i in range(len(ds.seeds)):
        arr = ds.scene_arrays(i)
        x = (torch.from_numpy(arr["eo"].astype(np.float32))[None] * scale + offset).clamp(-1, 1)
        outputs = {
            "whole": run(with_stats_of(g, [x]), x),
            "per-tile": tiled(lambda t: run(with_stats_of(g, [t]), t), x, a.tile, a.margin),
            "frozen": run(g, x),
        }
        for k in a.thumbs:
            gk = with_stats_of(g, [F.avg_pool2d(x, k)])
            outputs[f"thumb/{k}"] = run(gk, x)
            if i == 0 and k == a.thumbs[0]:  # fixed statistics: tiled == whole, up to float rounding
                diff = np.abs(tiled(lambda t: run(gk, t), x, a.tile, a.margin) - outputs[f"thumb/{k}"])
                inner = diff[a.margin:-a.margin, a.margin:-a.margin]  # the raster border differs: reflect vs zero padding
                print(f"check: thumb/{k} tiled vs whole, max |diff| away from the border {inner.max():.2e} (model units)")
        ref = to_db(outputs["whole"])
        for n, y in outputs.items():
            db = to_db(y)
            d = np.abs(db - ref)
            fidelity[n].append((float(d.mean()), float(d.max())))
            quality[n].append(_scene_metrics(db.astype(np.float32), arr, cfg))
        print(f"scene {i + 1}/{len(ds.seeds)} done", file=sys.stderr)

    print(f"\n{a.checkpoint}: {len(ds.seeds)} held-out synthetic scenes of {a.size} px, tile {a.tile} + margin {a.margin}\n")
    print("| statistics | mean \\|Δ\\| to whole (dB) | max \\|Δ\\| to whole (dB) | PSNR (ML) | SSIM (ML) | W1 dB | ENL (truth 4) |")
    print("|---|---|---|---|---|---|---|")
    for n in names:
        mean_d = statistics.fmean(f[0] for f in fidelity[n])
        max_d = max(f[1] for f in fidelity[n])
        q = {k: statistics.fmean(r[k] for r in quality[n]) for k in QUALITY if k != "enl"}
        enl = statistics.median(r["enl"] for r in quality[n])
        print(f"| {n} | {mean_d:.3f} | {max_d:.2f} | {q['psnr']:.2f} | {q['ssim']:.3f} | {q['hist_w1_db']:.2f} | {enl:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
