"""Make the demo scene of sample-data/ (run from the repository root).

    python sample-data/make_sample_scene.py

Writes, deterministically (synthetic scene seed 14, eo2sar_train.synth):

* ``sample-data/demo-eo.tif``: 384x384 px, 3 bands (red, green, blue), uint16 surface
  reflectance x 10000 (Sentinel-2 L2A convention), EPSG:32633 (UTM 33N), 10 m pixels, Deflate;
* ``sample-data/demo-sar-truth.tif``: the same grid, float32 VV sigma0 in dB: band 1 the
  speckled truth (4 looks), band 2 the speckle-free truth, to compare a translation against.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "training"))  # works without installing eo2sar-train

import numpy as np  # noqa: E402

from eo2sar_train import synth  # noqa: E402

SEED = 14
SIZE = 384
LOOKS = 4.0
# UTM 33N, somewhere in the middle of the zone; a round origin keeps the grid easy to check
ORIGIN = (500000.0, 5000000.0)


def main() -> int:
    cfg = synth.SynthConfig(size=SIZE, looks=LOOKS, crs="EPSG:32633", pixel_size=10.0, origin=ORIGIN)
    scene = synth.generate_scene(SEED, cfg)
    eo_path, sar_path = HERE / "demo-eo.tif", HERE / "demo-sar-truth.tif"
    synth.write_geotiff(eo_path, scene.eo_uint16(), scene.transform, scene.crs, synth.EO_BANDS)
    # 0.01 dB steps: far below the speckle, and the file compresses to a fraction of its size
    truth = np.round(np.stack([scene.sar_db, scene.sar_clean_db]), 2).astype(np.float32)
    synth.write_geotiff(sar_path, truth, scene.transform, scene.crs, ("VV_dB_speckled", "VV_dB_speckle_free"))
    for p in (eo_path, sar_path):
        print(f"wrote {p.relative_to(HERE.parent)} ({p.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
