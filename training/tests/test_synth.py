"""Synthetic scenes: determinism, SAR physics, misalignment, GeoTIFF output."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from eo2sar_train import metrics, synth
from eo2sar_train.synth import BARE, BUILDING, CROPS, FOREST, ROAD, WATER, SynthConfig


def test_same_seed_same_scene_and_different_seed_differs():
    cfg = SynthConfig(size=96, misalignment_px=3)
    a, b = synth.generate_scene(7, cfg), synth.generate_scene(7, cfg)
    for k in ("eo", "classes", "sar_clean_db", "sar_db", "sar_train_db"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
    c = synth.generate_scene(8, cfg)
    assert not np.array_equal(a.classes, c.classes)


def test_scene_shapes_ranges_and_classes():
    seen = set()
    for seed in range(6):
        s = synth.generate_scene(seed, SynthConfig(size=128))
        assert s.eo.shape == (3, 128, 128) and s.eo.dtype == np.float32
        assert s.sar_db.shape == s.sar_clean_db.shape == s.sar_train_db.shape == s.classes.shape == (128, 128)
        assert 0.0 < s.eo.min() and s.eo.max() <= 1.0
        assert np.isfinite(s.sar_db).all()
        seen |= set(np.unique(s.classes).tolist())
        # per-class physics on the speckle-free image: water darkest, forest brighter than bare soil
        means = {k: s.sar_clean_db[s.classes == k].mean() for k in np.unique(s.classes)}
        if WATER in means and FOREST in means:
            assert means[WATER] < means[FOREST] - 8
        # EO: vegetation is greener than red, bare soil redder than green
        if FOREST in means:
            f = s.eo[:, s.classes == FOREST].mean(axis=1)
            assert f[1] > f[0]
    assert {WATER, FOREST, CROPS, BARE, ROAD, BUILDING} <= seen


def _flat_land_cover(h: int, w: int) -> synth._LandCover:
    return synth._LandCover(classes=np.full((h, w), BARE, np.uint8), parcel_value=np.full((h, w), 0.5, np.float32),
                            rows=np.zeros((h, w), np.float32))


def test_incidence_angle_trend_across_range():
    cfg = SynthConfig(size=64)
    db = synth._render_sar_clean_db(np.random.default_rng(0), _flat_land_cover(32, 64), cfg)
    # bare soil loses 0.2 dB per degree; incidence goes 30 → 45 degrees from near to far range
    np.testing.assert_allclose(db[:, 0] - db[:, -1], 0.2 * 15.0, atol=1e-4)
    assert np.all(np.diff(db[0]) < 0)


def test_building_double_bounce_layover_and_shadow():
    cfg = SynthConfig(size=64)
    lc = _flat_land_cover(40, 64)
    b = synth._Building(y0=10, y1=30, x0=30, x1=40, height_m=30.0, roof=2)
    lc.buildings.append(b)
    lc.classes[10:30, 30:40] = BUILDING
    db = synth._render_sar_clean_db(np.random.default_rng(0), lc, cfg)
    rows = slice(10, 30)
    ground = db[35:40, 30:40].mean()
    wall = db[rows, 30]  # foot of the wall facing the sensor (near range is column 0)
    assert wall.min() > 0.0 > ground and wall.min() > db[rows, 31:40].max() + 5
    assert db[rows, 29].mean() > ground + 2  # layover in front of the wall
    shadow = db[rows, 40]
    np.testing.assert_allclose(shadow, -27.0, atol=1e-4)  # radar shadow behind the far wall
    n_shadow = int(round(30.0 * np.tan(np.radians(synth._incidence_deg(cfg, 64)[40])) / 10.0))
    np.testing.assert_allclose(db[rows, 40:40 + n_shadow], -27.0, atol=1e-4)
    assert np.all(db[rows, 40 + n_shadow] > -20)


def test_zero_misalignment_training_sar_is_the_truth():
    s = synth.generate_scene(3, SynthConfig(size=96, misalignment_px=0))
    np.testing.assert_array_equal(s.sar_train_db, s.sar_db)
    assert s.misalignment.is_identity()


@pytest.mark.parametrize("m", [2.0, 4.0, 8.0])
def test_integer_misalignment_is_recovered_by_shift_search(m):
    cfg = SynthConfig(size=128, misalignment_px=m, misalignment_mode="integer")
    s = synth.generate_scene(11, cfg)
    mis = s.misalignment
    assert mis.rotation_deg == 0 and mis.scale == 1
    assert float(mis.dx).is_integer() and float(mis.dy).is_integer()
    # content moved by (+dy, +dx): pred[y + dy, x + dx] matches ref[y, x]
    _, shift = metrics.shift_tolerant_psnr(s.sar_train_db, s.sar_db, max_shift=8)
    assert shift == (int(mis.dy), int(mis.dx))
    # the speckle field belongs to the sensor grid: removing it leaves the shifted clean scene
    dy, dx, k = int(mis.dy), int(mis.dx), 8
    speckle_db = s.sar_db - s.sar_clean_db
    unspeckled = (s.sar_train_db - speckle_db)[k + dy:128 - k + dy, k + dx:128 - k + dx]
    np.testing.assert_allclose(unspeckled, s.sar_clean_db[k:128 - k, k:128 - k], atol=2e-3)


def test_subpixel_misalignment_has_the_requested_magnitude_and_same_direction():
    a = synth.generate_scene(5, SynthConfig(size=128, misalignment_px=2))
    b = synth.generate_scene(5, SynthConfig(size=128, misalignment_px=8))
    assert a.misalignment.magnitude == pytest.approx(2.0)
    assert b.misalignment.magnitude == pytest.approx(8.0)
    assert np.arctan2(a.misalignment.dy, a.misalignment.dx) == pytest.approx(np.arctan2(b.misalignment.dy, b.misalignment.dx))
    assert abs(b.misalignment.rotation_deg) < 2 and abs(b.misalignment.scale - 1) < 0.02
    np.testing.assert_array_equal(a.eo, b.eo)  # only the training SAR depends on the misalignment
    np.testing.assert_array_equal(a.sar_db, b.sar_db)
    assert not np.array_equal(a.sar_train_db, b.sar_train_db)


def test_speckle_has_the_requested_number_of_looks():
    for looks in (1.0, 4.0):
        vals = []
        for seed in range(4):
            s = synth.generate_scene(seed, SynthConfig(size=256, looks=looks))
            # ratio to the speckle-free truth is pure Gamma(L, 1/L) speckle
            ratio_db = s.sar_db - s.sar_clean_db
            vals.append(metrics.enl(ratio_db, np.ones((16, 16), bool), window=16))
        assert np.mean(vals) == pytest.approx(looks, rel=0.05)


def test_homogeneous_mask_is_flat_classes_away_from_edges():
    s = synth.generate_scene(2, SynthConfig(size=128))
    m = s.homogeneous_mask(erosion=2)
    assert m.any()
    assert np.isin(s.classes[m], synth.HOMOGENEOUS_CLASSES).all()


def test_write_dataset_georeferenced_geotiffs(tmp_path):
    cfg = SynthConfig(size=64, misalignment_px=2)
    manifest_path = synth.write_dataset(tmp_path, 2, cfg, seed=4, progress=False)
    manifest = json.loads(manifest_path.read_text())
    assert len(manifest["scenes"]) == 2
    scene = synth.generate_scene(manifest["scenes"][1]["seed"], cfg, scene_index=1)
    files = manifest["scenes"][1]["files"]
    with rasterio.open(tmp_path / files["eo"]) as ds:
        assert ds.crs.to_epsg() == 32633
        assert ds.res == (10.0, 10.0)
        assert ds.count == 3 and ds.dtypes[0] == "uint16"
        np.testing.assert_array_equal(ds.read(), scene.eo_uint16())
        left = ds.bounds.left
    with rasterio.open(tmp_path / manifest["scenes"][0]["files"]["eo"]) as ds0:
        assert ds0.bounds.right < left  # scenes do not overlap on the map
    with rasterio.open(tmp_path / files["sar"]) as ds:
        assert ds.dtypes[0] == "float32"
        np.testing.assert_array_equal(ds.read(1), scene.sar_train_db)
    with rasterio.open(tmp_path / files["sar_clean"]) as ds:
        np.testing.assert_array_equal(ds.read(1), scene.sar_clean_db)
    assert not list(tmp_path.glob("*.tmp*"))


def test_cli_writes_uint8_scenes(tmp_path):
    assert synth.main(["--out", str(tmp_path), "--count", "1", "--size", "32", "--eo-dtype", "uint8",
                       "--misalignment", "1.5", "--seed", "3"]) == 0
    with rasterio.open(tmp_path / "scene_00000_eo.tif") as ds:
        assert ds.dtypes[0] == "uint8" and ds.width == 32


def test_cli_rejects_bad_misalignment(tmp_path, capsys):
    with pytest.raises(SystemExit):
        synth.main(["--out", str(tmp_path), "--misalignment", "9"])
    assert "0..8" in capsys.readouterr().err
