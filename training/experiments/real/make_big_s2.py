"""A large real-looking Sentinel-2 input for CLI speed/memory runs: the sample patch tiled to N x N px.

    .venv/bin/python training/experiments/real/make_big_s2.py /tmp/big-s2.tif [--size 2048]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parents[3]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path)
    ap.add_argument("--size", type=int, default=2048)
    a = ap.parse_args()
    with rasterio.open(ROOT / "sample-data" / "real-s2-l2a-eo.tif") as src:
        eo, profile = src.read(), dict(src.profile)
    reps = a.size // eo.shape[1] + 1
    big = np.tile(eo, (1, reps, reps))[:, :a.size, :a.size]
    profile.update(width=a.size, height=a.size, tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    with rasterio.open(a.output, "w", **profile) as dst:
        dst.write(big)
    print(f"wrote {a.output} ({a.size} x {a.size} x {eo.shape[0]})")


if __name__ == "__main__":
    main()
