"""Real BigEarthNet pairs (eo2sar_train.realdata): extraction, place-based split, dataset kind.

Needs the extracted data (``scripts/fetch-real-data.sh``; scripts/test-all.sh runs it first).
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path
import pickle

import numpy as np
import pytest
import torch

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


def test_water_weighted_l1_finds_realevals_water_and_trains(index, tmp_path):
    """loss.l1_water_weight: the trainer's water pixels (from the normalised input) are realeval's, on real patches."""
    from eo2sar_train import realeval
    from eo2sar_train.config import load_config
    from eo2sar_train.trainer import Trainer

    real_cfg = Path(__file__).resolve().parents[1] / "experiments" / "real" / "real-cpu.yaml"
    cfg = load_config(real_cfg, ["method=pix2pix", f"out_dir={tmp_path}", "progress=false", "optim.max_steps=2",
                                 "data.chip_size=120", "loss.l1_water_weight=4", "model.generator.ngf=4",
                                 "model.generator.n_blocks=1", "model.ndf=4"])
    trainer = Trainer(cfg)
    test = build_dataset(cfg.data, "test")
    lakes = 0
    for i, rec in enumerate(test.records):
        eo, _ = realdata.load_pair(rec)
        expected, _ = realeval.water_land_masks(eo)
        weight = trainer._l1_weight(test[i]["eo"][None])
        np.testing.assert_array_equal(weight[0, 0].numpy() == 4.0, expected)
        lakes += int(expected.mean() >= 0.03)
    assert lakes == 4                                    # the 4 test patches realeval scores water-land on
    trainer.fit()
    assert trainer.step == 2
    with pytest.raises(ValueError, match="needs a 'nir' band"):
        load_config(real_cfg, ["method=pix2pix", "loss.l1_water_weight=4", "data.eo_bands=[red,green,blue]",
                               "in_channels=3"])
    with pytest.raises(ValueError, match="weights the pix2pix L1"):
        load_config(real_cfg, ["loss.l1_water_weight=4"])          # the YAML's method is pairloss
    with pytest.raises(ValueError, match="l1_shift_cells"):
        load_config(real_cfg, ["method=pix2pix", "loss.l1_shift_cells=3"])  # cells without a shift to choose
    assert load_config(real_cfg, ["method=pix2pix", "loss.l1_max_shift=2", "loss.l1_shift_cells=3"]).loss.l1_shift_cells == 3


@pytest.mark.parametrize("mode", ["integer", "subpixel", "constant", "field"])
def test_injected_misalignment_moves_the_training_sar_only(index, mode):
    from eo2sar_train import misalign
    from eo2sar_train.metrics import shift_tolerant_psnr

    cfg = DataConfig(kind="bigearthnet", chip_size=96, eo_bands=("red", "nir"), sar_db_range=(-35.0, 10.0),
                     augment="none", misalignment_px=4.0, misalignment_mode=mode)
    train = build_dataset(cfg, "train")
    train.set_epoch(0)
    s = train[0]
    moved, aligned = s["sar"][0].numpy(), s["sar_aligned"][0].numpy()
    assert np.abs(moved - aligned).mean() > 0.01
    if mode in ("integer", "constant"):          # whole pixels: the best shift recovers the aligned image
        _, shift = shift_tolerant_psnr(moved, aligned, max_shift=5)
        assert math.hypot(*shift) == pytest.approx(4.0, abs=0.5)
        assert mode != "constant" or shift == (0, 4)
    d = misalign.displacement(4.0, mode, (120, 120), np.random.default_rng(1))
    assert np.sqrt((d ** 2).sum(0)).max() == pytest.approx(4.0, abs=1e-4)
    test = build_dataset(cfg, "test")[0]
    assert torch.equal(test["sar"], test["sar_aligned"])   # the test split keeps its natural registration
    with pytest.raises(ValueError, match="misalignment_mode must be one of"):
        DataConfig(kind="bigearthnet", misalignment_px=2.0, misalignment_mode="rigid")
