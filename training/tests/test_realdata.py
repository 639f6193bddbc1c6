"""Real BigEarthNet pairs (eo2sar_train.realdata): extraction, place-based split, dataset kind.

Needs the extracted data (``scripts/fetch-real-data.sh``; scripts/test-all.sh runs it first).
"""
from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest

from eo2sar_train import realdata
from eo2sar_train.data import DataConfig, build_dataset, sar_to_db


@pytest.fixture(scope="module")
def index() -> list[dict]:
    return realdata.load_index()


def test_sixty_unique_pairs_with_real_values(index):
    assert len(index) == 60
    assert len({r["id"] for r in index}) == 60
    eo, sar = realdata.load_pair(index[0])
    assert eo.shape == (4, 120, 120) and eo.dtype == np.uint16
    assert sar.shape == (2, 120, 120) and sar.dtype == np.float32
    vv = np.concatenate([realdata.load_pair(r)[1][0].ravel() for r in index])
    # real Sentinel-1 VV backscatter in dB: median around -12, water below -18, bright targets above 0
    assert -16 < float(np.median(vv)) < -8
    assert np.percentile(vv, 1) < -18 and np.percentile(vv, 99.9) > 0


def test_neighbouring_patches_never_straddle_splits(index):
    for a, b in itertools.combinations(index, 2):
        same_datatake = realdata.datatake_key(a["datatake"]) == realdata.datatake_key(b["datatake"])
        if same_datatake and abs(a["row"] - b["row"]) <= 2 and abs(a["col"] - b["col"]) <= 2:
            assert a["site"] == b["site"] and a["split"] == b["split"], (a["id"], b["id"])
    splits = {s: [r for r in index if r["split"] == s] for s in ("train", "val", "test")}
    assert {s: len(v) for s, v in splits.items()} == {"train": 43, "val": 2, "test": 15}
    for cls in ("water", "urban", "forest", "arable"):
        assert any(cls in r["classes"] for r in splits["test"]), cls
        assert any(cls in r["classes"] for r in splits["train"]), cls


def test_georeferenced_pairs_written_as_geotiff(index):
    import rasterio

    geo = [r for r in index if r["georef"]]
    assert len(geo) == 6
    root = realdata.default_root()
    with rasterio.open(root / geo[0]["files"]["eo_tif"]) as eo, rasterio.open(root / geo[0]["files"]["sar_tif"]) as sar:
        assert eo.count == 4 and sar.count == 2
        assert eo.crs == sar.crs and eo.crs.to_epsg() == geo[0]["georef"]["epsg"]
        assert eo.transform == sar.transform and abs(eo.transform.a - 10) < 1e-9
        assert eo.descriptions == realdata.EO_BAND_NAMES and sar.descriptions == realdata.SAR_BANDS


def test_restricted_unpickler_refuses_other_globals():
    evil = pickle.dumps(print)  # a global outside the patch classes and numpy
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        realdata._PatchUnpickler(__import__("io").BytesIO(evil)).load()


def test_bigearthnet_dataset_kind(index):
    cfg = DataConfig(kind="bigearthnet", chip_size=96, eo_bands=("red", "nir"), sar_db_range=(-35.0, 10.0))
    train, test = build_dataset(cfg, "train"), build_dataset(cfg, "test")
    assert len(train) == 43 and len(test) == 15
    s = test[0]
    assert s["eo"].shape == (2, 96, 96) and s["sar"].shape == (1, 96, 96)
    rec = test.records[0]
    eo, sar = realdata.load_pair(rec)
    np.testing.assert_allclose(sar_to_db(s["sar"][0].numpy(), cfg.sar_db_range),
                               np.clip(sar[0, 12:108, 12:108], -35, 10), atol=1e-4)
    with pytest.raises(ValueError, match="not one of"):
        build_dataset(DataConfig(kind="bigearthnet", eo_bands=("swir",)), "train")
