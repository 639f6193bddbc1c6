"""Writes rgba-alpha-left.tif: the RGB bands of sample-data/real-s2-l2a-eo.tif (uint16, 120 px, UTM) plus
an unassociated alpha band (TIFF ExtraSamples = 2, as GDAL writes RGBA) that is 0 on the 40 left columns.

    .venv/bin/python src/core/src/test/resources/rasters/make_rgba.py
"""
from pathlib import Path

import numpy as np
import rasterio

here = Path(__file__).resolve().parent
root = here.parents[5]
with rasterio.open(root / "sample-data" / "real-s2-l2a-eo.tif") as src:
    rgb = src.read([1, 2, 3])
    profile = dict(src.profile)
alpha = np.full(rgb.shape[1:], 65535, np.uint16)
alpha[:, :40] = 0
profile.update(count=4, photometric="RGB", alpha="YES", compress="deflate", nodata=None)
with rasterio.open(here / "rgba-alpha-left.tif", "w", **profile) as dst:
    dst.write(np.concatenate([rgb, alpha[None]]))
print("wrote", here / "rgba-alpha-left.tif")
