"""Writes the GDAL per-dataset mask test rasters: the four bands of sample-data/real-s2-l2a-eo.tif
(uint16, 120 px, UTM) with a mask that is 0 (nodata) on the 30 top rows,
- mask-internal.tif: the mask as an internal mask directory (GDAL_TIFF_INTERNAL_MASK=YES, GDAL's default
  for new files since 3.x is internal too), and
- mask-external.tif + mask-external.tif.msk: the mask in a sidecar file (GDAL_TIFF_INTERNAL_MASK=NO).

    .venv/bin/python src/core/src/test/resources/rasters/make_masked.py
"""
from pathlib import Path

import numpy as np
import rasterio

here = Path(__file__).resolve().parent
root = here.parents[5]
with rasterio.open(root / "sample-data" / "real-s2-l2a-eo.tif") as src:
    bands = src.read()
    profile = dict(src.profile)
mask = np.full(bands.shape[1:], 255, np.uint8)
mask[:30, :] = 0
profile.update(compress="deflate", nodata=None, tiled=True, blockxsize=64, blockysize=64)
for name, internal in (("mask-internal.tif", True), ("mask-external.tif", False)):
    for old in (here / name, here / (name + ".msk")):
        old.unlink(missing_ok=True)
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=internal):
        with rasterio.open(here / name, "w", **profile) as dst:
            dst.write(bands)
            dst.write_mask(mask)
    print("wrote", here / name, "(internal mask)" if internal else "(+ .msk)")
