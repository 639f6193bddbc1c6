"""Datasets: real GeoTIFFs and MultiEarth patches from ../shared/data, PNG folders, synthetic scenes."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from affine import Affine
from torch.utils.data import DataLoader

from eo2sar_train import data as D
from eo2sar_train import synth

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")

SHARED = D.repo_root(Path(__file__)).parent / "shared" / "data"
RGB = SHARED / "rasters" / "RGB.byte.tif"
MULTIEARTH = SHARED / "multiearth"


# ----------------------------------------------------------------------------- value mapping

def test_db_mapping_round_trip_and_clipping():
    db = np.array([-30.0, -25.0, -12.5, 0.0, 3.0])
    np.testing.assert_allclose(D.db_to_sar(db), [-1, -1, 0, 1, 1])
    np.testing.assert_allclose(D.sar_to_db(D.db_to_sar(db[1:4])), db[1:4])
    t = torch.tensor([-40.0, -10.0])
    assert torch.allclose(D.sar_to_db(D.db_to_sar(t, (-30.0, 5.0)), (-30.0, 5.0)), torch.tensor([-30.0, -10.0]))
    cfg = D.DataConfig()
    assert D.sar_scale_offset(cfg) == ([12.5], [-12.5])  # the model card's example


def test_eo_normalisation_and_model_card_input():
    u8 = D.DataConfig(eo_scale="uint8")
    np.testing.assert_allclose(D.normalize_eo(np.array([[[0, 255]]], np.uint8), u8), [[[-1, 1]]])
    refl = D.DataConfig(eo_scale="reflectance10000")
    np.testing.assert_allclose(D.normalize_eo(np.array([[[0, 5000, 10000, 20000]]], np.uint16), refl), [[[-1, 0, 1, 1]]])
    bands, scale, offset = D.input_card(refl)
    assert bands == ["red", "green", "blue"] and scale == [0.0002] * 3 and offset == [-1.0] * 3
    assert D.input_card(D.DataConfig(kind="multiearth"))[0] == ["red", "green", "blue"]


def test_config_errors_are_one_line_and_specific():
    with pytest.raises(ValueError, match="data kind must be one of"):
        D.DataConfig(kind="sen12")
    with pytest.raises(ValueError, match="sar_db_range"):
        D.DataConfig(sar_db_range=(0.0, -25.0))
    with pytest.raises(ValueError, match="unknown data config key"):
        D.DataConfig.from_dict({"kind": "georef", "chipsize": 3})
    cfg = D.DataConfig.from_dict({"kind": "georef", "eo_bands": [3, 2, 1], "sar_db_range": [-30, 5]})
    assert cfg.eo_bands == (3, 2, 1) and cfg.sar_db_range == (-30.0, 5.0)
    with pytest.raises(ValueError, match="split must be one of"):
        D.build_dataset(D.DataConfig(), "training")


# ----------------------------------------------------------------------------- georeferenced rasters

def _sar_on_grid_of(src: Path, dst: Path, transform: Affine | None = None, linear: bool = False) -> np.ndarray:
    """A float32 'SAR' raster in dB on ``src``'s grid: a function of its first band, NaN where it is nodata."""
    with rasterio.open(src) as ds:
        band = ds.read(1).astype(np.float32)
        valid = ds.read_masks(1) > 0
        profile = dict(driver="GTiff", width=ds.width, height=ds.height, count=1, dtype="float32",
                       crs=ds.crs, transform=transform or ds.transform)
    db = np.where(valid, -25.0 + band / 255.0 * 25.0, np.nan).astype(np.float32)
    with rasterio.open(dst, "w", **profile) as out:
        out.write((10 ** (db / 10) if linear else db)[None])
    return db


def test_georef_chips_from_real_geotiff_drop_nodata(tmp_path):
    sar_path = tmp_path / "sar.tif"
    db = _sar_on_grid_of(RGB, sar_path)
    cfg = D.DataConfig(kind="georef", eo_path=str(RGB), sar_path=str(sar_path), eo_scale="uint8",
                       chip_size=64, augment="none")
    train = D.build_dataset(cfg, "train")
    with rasterio.open(RGB) as ds:
        rgb, valid = ds.read(), ds.dataset_mask() > 0
        all_windows = len(D._grid_positions(0, int(round(ds.height * 0.8)), 64, 32)) * len(D._grid_positions(0, ds.width, 64, 32))
    assert 0 < len(train) < all_windows  # the nodata collar around the scene removes chips
    for (y, x) in train.windows:
        assert valid[y:y + 64, x:x + 64].all()
    i = len(train) // 2
    y, x = train.windows[i]
    s = train[i]
    assert s["eo"].shape == (3, 64, 64) and s["sar"].shape == (1, 64, 64) and s["eo"].dtype == torch.float32
    np.testing.assert_allclose(s["eo"].numpy(), rgb[:, y:y + 64, x:x + 64] / 255.0 * 2 - 1, atol=1e-6)
    np.testing.assert_allclose(s["sar"][0].numpy(), D.db_to_sar(db[y:y + 64, x:x + 64]), atol=1e-6)
    assert torch.equal(s["sar"], s["sar_aligned"])
    val = D.build_dataset(cfg, "val")
    split_row = int(round(718 * 0.8))
    assert min(y for y, _ in val.windows) >= split_row > max(y + 64 for y, _ in train.windows) - 1
    # allowing half the chip to be nodata keeps more chips
    loose = D.build_dataset(D.DataConfig(**{**cfg.__dict__, "max_invalid_fraction": 0.5}), "train")
    assert len(loose) > len(train)


def test_georef_band_order_linear_sar_and_workers(tmp_path):
    sar_path = tmp_path / "sar_linear.tif"
    db = _sar_on_grid_of(RGB, sar_path, linear=True)
    cfg = D.DataConfig(kind="georef", eo_path=str(RGB), sar_path=str(sar_path), eo_scale="uint8",
                       eo_bands=(3, 2, 1), sar_scale="linear", chip_size=128, augment="none")
    ds = D.build_dataset(cfg, "all")
    y, x = ds.windows[0]
    with rasterio.open(RGB) as src:
        blue = src.read(3)[y:y + 128, x:x + 128]
    s = ds[0]
    np.testing.assert_allclose(s["eo"][0].numpy(), blue / 255.0 * 2 - 1, atol=1e-6)
    np.testing.assert_allclose(s["sar"][0].numpy(), D.db_to_sar(db[y:y + 128, x:x + 128]), atol=1e-5)
    # rasterio handles are reopened inside DataLoader worker processes
    batches = list(DataLoader(ds, batch_size=4, num_workers=2))
    assert sum(b["eo"].shape[0] for b in batches) == len(ds)


def test_georef_rejects_a_sar_raster_on_another_grid(tmp_path):
    sar_path = tmp_path / "shifted.tif"
    with rasterio.open(RGB) as ds:
        shifted = ds.transform @ Affine.translation(3, 0)
    _sar_on_grid_of(RGB, sar_path, transform=shifted)
    cfg = D.DataConfig(kind="georef", eo_path=str(RGB), sar_path=str(sar_path), eo_scale="uint8", chip_size=64)
    with pytest.raises(ValueError, match="pixel grid"):
        D.build_dataset(cfg, "train")
    with pytest.raises(ValueError, match="band 4"):
        D.build_dataset(D.DataConfig(kind="georef", eo_path=str(RGB), sar_path=str(RGB), eo_bands=(1, 2, 4)), "train")
    with pytest.raises(FileNotFoundError, match="no such raster"):
        D.build_dataset(D.DataConfig(kind="georef", eo_path=str(tmp_path / "nope.tif"), sar_path=str(RGB)), "train")


def test_georef_cloud_mask_bits_drop_chips(tmp_path):
    sar_path = tmp_path / "sar.tif"
    _sar_on_grid_of(RGB, sar_path)
    with rasterio.open(RGB) as ds:
        h, w, profile = ds.height, ds.width, dict(driver="GTiff", width=ds.width, height=ds.height, count=1,
                                                  dtype="uint16", crs=ds.crs, transform=ds.transform)
    qa = np.zeros((h, w), np.uint16)
    qa[:, : w // 2] = 1 << 10  # opaque cloud on the western half
    qa[:, w // 2:] = 1 << 3    # a bit we do not treat as cloud
    with rasterio.open(tmp_path / "qa.tif", "w", **profile) as out:
        out.write(qa[None])
    base = dict(kind="georef", eo_path=str(RGB), sar_path=str(sar_path), eo_scale="uint8", chip_size=64)
    clear = D.build_dataset(D.DataConfig(**base), "train")
    masked = D.build_dataset(D.DataConfig(**base, cloud_mask_path=str(tmp_path / "qa.tif"), cloud_mask_bits=(10, 11)), "train")
    assert 0 < len(masked) < len(clear)
    assert all(x >= w // 2 for _, x in masked.windows)


# ----------------------------------------------------------------------------- folders of pairs

def _write_png(path: Path, arr: np.ndarray) -> None:
    arr = arr if arr.ndim == 3 else arr[None]
    with rasterio.open(path, "w", driver="PNG", width=arr.shape[2], height=arr.shape[1], count=arr.shape[0],
                       dtype="uint8") as out:
        out.write(arr)


def test_folder_pairs_sen12_names(tmp_path):
    (tmp_path / "s2").mkdir()
    (tmp_path / "s1").mkdir()
    rng = np.random.default_rng(0)
    arrays = {}
    for p in range(1, 11):
        eo = rng.integers(0, 256, (3, 80, 80), dtype=np.uint8)
        sar = rng.integers(0, 256, (80, 80), dtype=np.uint8)
        arrays[p] = (eo, sar)
        _write_png(tmp_path / "s2" / f"ROIs1158_spring_s2_1_p{p}.png", eo)
        _write_png(tmp_path / "s1" / f"ROIs1158_spring_s1_1_p{p}.png", sar)
    _write_png(tmp_path / "s2" / "ROIs1158_spring_s2_1_p99.png", arrays[1][0])  # no SAR partner: ignored
    cfg = D.DataConfig(kind="folder", root=str(tmp_path), eo_dir="s2", sar_dir="s1", name_map=("_s2_", "_s1_"),
                       eo_scale="uint8", sar_scale="uint8", chip_size=64, val_fraction=0.3, augment="none")
    train, val, every = (D.build_dataset(cfg, s) for s in ("train", "val", "all"))
    assert len(every) == 10 and len(train) + len(val) == 10 and len(val) > 0
    assert not {p[0].name for p in train.pairs} & {p[0].name for p in val.pairs}
    s = val[0]
    p = int(val.pairs[0][0].stem.split("_p")[1])
    eo, sar = arrays[p]
    np.testing.assert_allclose(s["eo"].numpy(), eo[:, 8:72, 8:72] / 255.0 * 2 - 1, atol=1e-6)  # centred crop
    # uint8 SAR spans the dB range linearly, so [-1,1] is the same linear map
    np.testing.assert_allclose(s["sar"][0].numpy(), sar[8:72, 8:72] / 255.0 * 2 - 1, atol=1e-5)
    t = train[0]
    assert t["eo"].shape == (3, 64, 64) and t["sar"].shape == (1, 64, 64)


def test_folder_rgba_png_uses_the_first_three_bands_and_tiff_sar_in_db(tmp_path):
    (tmp_path / "eo").mkdir()
    (tmp_path / "sar").mkdir()
    rgba = np.random.default_rng(1).integers(0, 256, (4, 40, 40), dtype=np.uint8)
    _write_png(tmp_path / "eo" / "tile.png", rgba)
    db = np.linspace(-30, 5, 1600, dtype=np.float32).reshape(1, 40, 40)
    with rasterio.open(tmp_path / "sar" / "tile.tif", "w", driver="GTiff", width=40, height=40, count=1,
                       dtype="float32") as out:
        out.write(db)
    (tmp_path / "sar" / "tile.png").write_bytes(b"")  # same stem, other suffix: not a partner of tile.png
    cfg = D.DataConfig(kind="folder", root=str(tmp_path), name_map=(".png", ".tif"), eo_scale="uint8",
                       chip_size=40, augment="none")
    s = D.build_dataset(cfg, "all")[0]
    np.testing.assert_allclose(s["eo"].numpy(), rgba[:3] / 255.0 * 2 - 1, atol=1e-6)
    np.testing.assert_allclose(s["sar"][0].numpy(), D.db_to_sar(db[0]), atol=1e-6)


def test_folder_without_matches_is_a_clear_error(tmp_path):
    (tmp_path / "eo").mkdir()
    (tmp_path / "sar").mkdir()
    _write_png(tmp_path / "eo" / "a.png", np.zeros((3, 8, 8), np.uint8))
    _write_png(tmp_path / "sar" / "b.png", np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match="no file has a partner"):
        D.build_dataset(D.DataConfig(kind="folder", root=str(tmp_path), chip_size=8), "all")


# ----------------------------------------------------------------------------- MultiEarth

def test_multiearth_pairs_by_location_and_nearest_date():
    pairs = D.find_multiearth_pairs(MULTIEARTH, max_days=30)
    got = {(p.eo_date, p.sar_date) for p in pairs}
    # S1 VV exists only at -55.20/-4.39 on 2019-05-27, 06-08, 06-20; S2 there on 06-06, 06-11, 07-11, 07-26, 2020-07-20
    assert got == {(date(2019, 6, 6), date(2019, 6, 8)), (date(2019, 6, 11), date(2019, 6, 8)),
                   (date(2019, 7, 11), date(2019, 6, 20))}
    assert all((p.lon, p.lat) == (-55.20, -4.39) and p.qa_file is not None for p in pairs)
    assert len(D.find_multiearth_pairs(MULTIEARTH, max_days=400)) == 5


def test_multiearth_dataset_values_and_split():
    cfg = D.DataConfig(kind="multiearth", root=str(MULTIEARTH), chip_size=128, augment="none")
    train, val = D.build_dataset(cfg, "train"), D.build_dataset(cfg, "val")
    assert [p.eo_date for p in val.pairs] == [date(2019, 7, 11)]  # the latest pair is held out
    assert len(train.pairs) == 2 and len(train) == 2 * 9 and len(val) == 4  # stride 64 train, 128 val
    s = val[0]
    _, y, x = val.chips[0]
    pair = val.pairs[0]
    with rasterio.open(pair.eo_files[0]) as r, rasterio.open(pair.sar_file) as v:
        red, vv = r.read(1), v.read(1)
    assert pair.eo_files[0].name.startswith("Sentinel2_B4_") and pair.sar_file.name.startswith("Sentinel1_VV_")
    np.testing.assert_allclose(s["eo"][0].numpy(), np.clip(red[y:y + 128, x:x + 128] * 2e-4 - 1, -1, 1), atol=1e-6)
    np.testing.assert_allclose(s["sar"][0].numpy(), D.db_to_sar(vv[y:y + 128, x:x + 128]), atol=1e-6)
    assert s["eo"].min() >= -1 and s["eo"].max() <= 1


def test_multiearth_default_root_is_the_shared_folder():
    assert D.default_multiearth_root().resolve() == MULTIEARTH.resolve()
    ds = D.build_dataset(D.DataConfig(kind="multiearth", chip_size=256), "all")
    assert len(ds) == 3


# ----------------------------------------------------------------------------- synthetic

def test_synthetic_on_the_fly_items():
    cfg = D.DataConfig(kind="synthetic", chip_size=64, num_samples=4, num_eval_samples=2, misalignment_px=4)
    train = D.build_dataset(cfg, "train")
    assert len(train) == 4
    s = train[0]
    assert set(s) == {"eo", "sar", "sar_aligned", "sar_clean"}
    assert s["eo"].shape == (3, 64, 64) and s["sar"].shape == s["sar_aligned"].shape == (1, 64, 64)
    for v in s.values():
        assert v.dtype == torch.float32 and v.min() >= -1 and v.max() <= 1
    assert not torch.equal(s["sar"], s["sar_aligned"])  # misaligned training SAR
    val = D.build_dataset(cfg, "val")
    assert len(val) == 2 and not torch.equal(val[0]["eo"], D.build_dataset(cfg, "test")[0]["eo"])
    # the same seed gives the same scenes; aligned data at misalignment 0
    aligned = D.build_dataset(D.DataConfig(**{**cfg.__dict__, "misalignment_px": 0.0}), "val")[0]
    assert torch.equal(aligned["sar"], aligned["sar_aligned"])
    torch.testing.assert_close(aligned["sar_aligned"], val[0]["sar_aligned"])


def test_synthetic_augmentation_is_shared_and_reproducible():
    cfg = D.DataConfig(kind="synthetic", chip_size=48, num_samples=2, augment="dihedral")
    a, b = D.build_dataset(cfg, "train"), D.build_dataset(cfg, "train")
    a.set_epoch(3)
    b.set_epoch(3)
    for k in ("eo", "sar", "sar_clean"):
        assert torch.equal(a[1][k], b[1][k])
    plain = D.build_dataset(D.DataConfig(**{**cfg.__dict__, "augment": "none"}), "train")[1]
    got = a[1]
    assert any(torch.equal(got["eo"], _dihedral(plain["eo"], k, f)) and torch.equal(got["sar"], _dihedral(plain["sar"], k, f))
               for k in range(4) for f in (False, True))


def _dihedral(t: torch.Tensor, k: int, flip: bool) -> torch.Tensor:
    from eo2sar_train.augment import apply_dihedral
    return apply_dihedral(t, k, flip)


def test_synthetic_from_written_folder(tmp_path):
    synth.write_dataset(tmp_path, 5, synth.SynthConfig(size=96, misalignment_px=2), seed=1, progress=False)
    cfg = D.DataConfig(kind="synthetic", root=str(tmp_path), chip_size=48, augment="none")
    train, val = D.build_dataset(cfg, "train"), D.build_dataset(cfg, "val")
    assert len(train) == 4 and len(val) == 4  # one held-out scene cut into a 2x2 grid of chips
    scene = synth.generate_scene(synth.scene_seeds(1, 5)[4], synth.SynthConfig(size=96, misalignment_px=2))
    s = val[3]
    np.testing.assert_allclose(s["eo"].numpy(), scene.eo_uint16()[:, 48:, 48:] * 2e-4 - 1, atol=1e-6)
    np.testing.assert_allclose(s["sar_clean"][0].numpy(), D.db_to_sar(scene.sar_clean_db[48:, 48:]), atol=1e-6)
    with pytest.raises(ValueError, match="eo_scale"):
        D.build_dataset(D.DataConfig(kind="synthetic", root=str(tmp_path), eo_scale="uint8", chip_size=48), "train")
