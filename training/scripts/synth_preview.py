#!/usr/bin/env python3
"""Render synthetic scenes side by side as a PNG: EO | land cover | SAR speckle-free | SAR speckled | training SAR.

Usage (from the repository root):
    python3 training/scripts/synth_preview.py --out docs/img/synthetic-scenes.png [--seeds 1 2 3] [--misalignment 8]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # works without `pip install -e training`

import numpy as np  # noqa: E402

from eo2sar_train import synth  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--looks", type=float, default=4.0)
    p.add_argument("--misalignment", type=float, default=8.0)
    a = p.parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    cover = ListedColormap(["#2b5d9b", "#1f5a2a", "#8fbf4a", "#c8a878", "#555555", "#d04040"])
    cfg = synth.SynthConfig(size=a.size, looks=a.looks, misalignment_px=a.misalignment)
    titles = ("EO (RGB, stretched)", "land cover", "SAR truth, speckle-free (dB)", f"SAR truth, {a.looks:g} looks",
              f"training SAR ({a.misalignment:g} px misaligned)")
    fig, axes = plt.subplots(len(a.seeds), 5, figsize=(17, 3.5 * len(a.seeds)), squeeze=False)
    for row, seed in zip(axes, a.seeds):
        s = synth.generate_scene(seed, cfg)
        row[0].imshow(np.clip(s.eo.transpose(1, 2, 0) / 0.3, 0, 1))
        row[1].imshow(s.classes, cmap=cover, vmin=-0.5, vmax=5.5, interpolation="nearest")
        for ax, img in zip(row[2:], (s.sar_clean_db, s.sar_db, s.sar_train_db)):
            ax.imshow(img, cmap="gray", vmin=-25, vmax=0)
        row[0].set_ylabel(f"seed {seed}")
    for ax, t in zip(axes[0], titles):
        ax.set_title(t, fontsize=10)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.out.with_name(a.out.stem + ".tmp.png")
    fig.savefig(tmp, dpi=90)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
