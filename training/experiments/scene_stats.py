"""Which normalisation statistics should a tiled translation use? (DESIGN §4 "Seams", measured.)

    PYTHONPATH=training python3 training/experiments/scene_stats.py \
        training/runs/default-model/checkpoints/recal.pt [--data synthetic|multiearth] [--count 8] [--size 512]

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
from collections import defaultdict
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from eo2sar_train import metrics
from eo2sar_train.data import DataConfig, MultiEarthDataset
from eo2sar_train.evaluate import EvalConfig, _scene_metrics, markdown_table, synthetic_test_set
from eo2sar_train.export import load_generator as load_checkpoint
from eo2sar_train.models import recalibrate_frozen_stats

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


def variants(g: nn.Module, x: torch.Tensor, tile: int, margin: int, thumbs: Sequence[int]) -> dict[str, np.ndarray]:
    """G's output (model units) on one normalised scene ``x`` [1, C, H, W] under each kind of statistics."""
    out = {
        "whole": run(with_stats_of(g, [x]), x),
        "per-tile": tiled(lambda t: run(with_stats_of(g, [t]), t), x, tile, margin),
        "frozen": run(g, x),
    }
    for k in thumbs:
        out[f"thumb/{k}"] = run(with_stats_of(g, [F.avg_pool2d(x, k)]), x)
    return out


def check_tiled_equals_whole(g: nn.Module, x: torch.Tensor, tile: int, margin: int, k: int) -> float:
    """Thumbnail statistics are fixed per scene, so the tiled output must equal the whole one (model units)."""
    gk = with_stats_of(g, [F.avg_pool2d(x, k)])
    diff = np.abs(tiled(lambda t: run(gk, t), x, tile, margin) - run(gk, x))
    return float(diff[margin:-margin, margin:-margin].max())  # the border differs: reflect vs the net's zero padding


def table(title: str, columns: Sequence[str], rows: dict[str, list[dict[str, float]]], aggregate: dict[str, str]) -> str:
    """Markdown table: one row per statistics kind, each column aggregated over scenes (mean, median or max)."""
    agg = {"mean": statistics.fmean, "median": statistics.median, "max": max}
    summary = [{"statistics": name, **{c: float(agg[aggregate[c]](r[c] for r in rs)) for c in columns}}
               for name, rs in rows.items()]
    return f"{title}\n\n{markdown_table(summary, ['statistics', *columns])}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--data", choices=["synthetic", "multiearth"], default="synthetic")
    ap.add_argument("--count", type=int, default=8, help="synthetic scenes")
    ap.add_argument("--size", type=int, default=512, help="synthetic scene size (px)")
    ap.add_argument("--tile", type=int, default=128)
    ap.add_argument("--margin", type=int, default=44)
    ap.add_argument("--thumbs", type=int, nargs="+", default=[2, 4, 8])
    ap.add_argument("--figure", type=Path, help="PNG: EO, truth and each kind of statistics for the first 3 scenes")
    a = ap.parse_args(argv)

    g, ckpt = load_checkpoint(a.checkpoint)
    g = g.eval()
    card, data = ckpt["card"], ckpt["config"]["data"]
    scale = torch.tensor(card["input_scale"], dtype=torch.float32).view(1, -1, 1, 1)
    offset = torch.tensor(card["input_offset"], dtype=torch.float32).view(1, -1, 1, 1)

    def to_db(y: np.ndarray) -> np.ndarray:
        return (y * float(card["output_scale"][0]) + float(card["output_offset"][0])).astype(np.float32)

    cfg = EvalConfig(count=a.count, size=a.size, seed=int(data["seed"]), looks=float(data["looks"]),
                     db_range=tuple(data["sar_db_range"]))
    if a.data == "synthetic":
        ds = synthetic_test_set(cfg)
        scenes = [(f"scene {i}", ds.scene_arrays(i)) for i in range(len(ds.seeds))]
    else:
        dcfg = DataConfig(kind="multiearth", chip_size=256, max_days=30, max_invalid_fraction=1.0, augment="none",
                          sar_db_range=cfg.db_range)
        me = MultiEarthDataset(dcfg, "all")
        scenes = [(p.name, {"eo": eo, "sar_real": sar}) for p, (eo, sar, _) in zip(me.pairs, me.arrays)]

    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    shown: list[tuple[str, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
    for i, (name, arr) in enumerate(scenes):
        x = (torch.from_numpy(arr["eo"].astype(np.float32))[None] * scale + offset).clamp(-1, 1)
        if i == 0:
            k = a.thumbs[0]
            print(f"check: thumb/{k} tiled vs whole, max |diff| away from the border "
                  f"{check_tiled_equals_whole(g, x, a.tile, a.margin, k):.2e} (model units)")
        outs = {n: to_db(y) for n, y in variants(g, x, a.tile, a.margin, a.thumbs).items()}
        for n, db in outs.items():
            d = np.abs(db - outs["whole"])
            row = {"mean_to_whole": float(d.mean()), "max_to_whole": float(d.max())}
            if a.data == "synthetic":
                row.update(_scene_metrics(db, arr, cfg))
            else:
                row.update(metrics.sar_metrics(db, None, arr["sar_real"], None, None, cfg.db_range, cfg.multilook,
                                               cfg.max_shift, cfg.enl_window))
            rows[n].append(row)
        if len(shown) < 3:
            shown.append((name, arr["eo"], arr["sar_real"] if a.data == "multiearth" else arr["sar_aligned"], outs))
        print(f"{name} done", file=sys.stderr)

    where = (f"{len(scenes)} held-out synthetic scenes of {a.size} px" if a.data == "synthetic"
             else f"{len(scenes)} MultiEarth pairs (S2 RGB -> real S1 VV)")
    title = f"{a.checkpoint}: {where}, tile {a.tile} + margin {a.margin}; distances to `whole` in dB"
    if a.data == "synthetic":
        cols = ["mean_to_whole", "max_to_whole", "psnr", "ssim", "hist_w1_db", "enl"]
    else:
        cols = ["mean_to_whole", "max_to_whole", "median_db", "median_db_truth", "iqr_db", "iqr_db_truth", "hist_w1_db",
                "enl", "enl_truth"]
    aggregate = {c: "max" if c == "max_to_whole" else "median" if c.startswith("enl") else "mean" for c in cols}
    print("\n" + table(title, cols, rows, aggregate))
    if a.figure:
        print(f"wrote {figure(shown, a.data, a.figure)}")
    return 0


def figure(shown: Sequence[tuple[str, np.ndarray, np.ndarray, dict[str, np.ndarray]]], data: str, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from PIL import Image

    from figures import _rgb, _sar_ax, _save

    kinds = list(shown[0][3])
    fig, axes = plt.subplots(len(shown), 2 + len(kinds), figsize=(2.3 * (2 + len(kinds)), 2.5 * len(shown)), squeeze=False)
    for row, (name, eo, truth, outs) in zip(axes, shown):
        row[0].imshow(_rgb(eo))
        row[0].set_title(name if data == "synthetic" else name.split("_S1")[0], fontsize=7)
        row[0].axis("off")
        _sar_ax(row[1], truth, "real S1 VV" if data == "multiearth" else "truth (speckled)")
        for ax, k in zip(row[2:], kinds):
            _sar_ax(ax, outs[k], f"{k} statistics")
    fig.tight_layout()
    _save(fig, path, dpi=60)
    # speckle-like texture compresses badly: a 256-colour palette keeps the picture and shrinks the file
    Image.open(path).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


if __name__ == "__main__":
    sys.exit(main())
