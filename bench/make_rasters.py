"""Generate the benchmark rasters (not test data): tiled Deflate GeoTIFFs in UTM 18N, no nodata.

Content is the valid interior of ../shared/data/rasters/RGB.byte.tif mirrored to the requested
size (real Landsat texture, values 0..255), stored as uint8 or uint16.

    python bench/make_rasters.py OUT.tif SIZE [uint8|uint16]
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / ".." / "shared" / "data" / "rasters" / "RGB.byte.tif"


@dataclass
class Spec:
    out: Path
    size: int
    dtype: str = "uint8"
    block: int = 256


def texture() -> np.ndarray:
    with rasterio.open(SOURCE) as src:
        rgb = src.read()
    # the interior block without the nodata collar
    return rgb[:, 250:470, 250:550]


def tile_of(tex: np.ndarray, y0: int, x0: int, h: int, w: int) -> np.ndarray:
    """Mirror-periodic extension of ``tex`` sampled at rows y0..y0+h, cols x0..x0+w."""
    th, tw = tex.shape[1:]
    ys = np.arange(y0, y0 + h) % (2 * th)
    ys = np.where(ys < th, ys, 2 * th - 1 - ys)
    xs = np.arange(x0, x0 + w) % (2 * tw)
    xs = np.where(xs < tw, xs, 2 * tw - 1 - xs)
    return tex[:, ys][:, :, xs]


def main(spec: Spec) -> None:
    tex = texture()
    profile = dict(driver="GTiff", width=spec.size, height=spec.size, count=3, dtype=spec.dtype,
                   crs="EPSG:32618", transform=from_origin(101985.0, 2826915.0, 30.0, 30.0),
                   tiled=True, blockxsize=spec.block, blockysize=spec.block, compress="deflate",
                   BIGTIFF="IF_SAFER")
    rows = 1024
    with rasterio.open(spec.out, "w", **profile) as dst:
        for y in range(0, spec.size, rows):
            h = min(rows, spec.size - y)
            dst.write(tile_of(tex, y, 0, h, spec.size).astype(spec.dtype), window=Window(0, y, spec.size, h))
    print(f"wrote {spec.out} {spec.size}x{spec.size}x3 {spec.dtype}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(Spec(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "uint8"))
