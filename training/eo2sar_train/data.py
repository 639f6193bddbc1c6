"""EO/SAR pair datasets: georeferenced rasters, folders of pairs, MultiEarth, synthetic scenes.

Every dataset yields dicts of float32 tensors:

* ``eo``: [C,H,W] in [-1,1] (raw·scale + offset, see :func:`eo_scale_offset`);
* ``sar``: [1,H,W] in [-1,1], the SAR a trainer sees (for synthetic data: possibly misaligned);
* ``sar_aligned``: [1,H,W], the aligned ground truth when known, else the same as ``sar``;
* synthetic data only: ``sar_clean``: [1,H,W], the aligned speckle-free ground truth.

SAR values are dB clipped to ``sar_db_range`` and mapped linearly to [-1,1]
(:func:`db_to_sar` / :func:`sar_to_db`).
"""
from __future__ import annotations

import dataclasses
import os
import re
import warnings
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from . import misalign, synth
from .augment import AUGMENT_KINDS, augment_pair

KINDS = ("synthetic", "georef", "folder", "multiearth", "bigearthnet")
SPLITS = ("train", "val", "test", "all")
EO_SCALES = ("uint8", "reflectance10000")
SAR_SCALES = ("db", "linear", "uint8")
DEFAULT_DB_RANGE = (-25.0, 0.0)
IMAGE_SUFFIXES = (".png", ".tif", ".tiff", ".jpg", ".jpeg")


@dataclass
class DataConfig:
    """Where pairs come from and how they are normalised. YAML-friendly: see :meth:`from_dict`."""

    kind: str = "synthetic"
    #: folder kind: parent of ``eo_dir``/``sar_dir``; multiearth: folder with sent1/ and sent2/;
    #: synthetic: a folder written by ``eo2sar-synth`` (None = scenes generated on the fly)
    root: str | None = None
    #: georef kind: the two rasters on one common grid, and an optional cloud/invalid mask raster
    eo_path: str | None = None
    sar_path: str | None = None
    cloud_mask_path: str | None = None
    #: bits of the mask raster that mean cloud (e.g. (10, 11) for Sentinel-2 QA60); None = any nonzero
    cloud_mask_bits: tuple[int, ...] | None = None
    #: folder kind: sub-folders with matching file names, and an optional (eo, sar) name substitution
    eo_dir: str = "eo"
    sar_dir: str = "sar"
    name_map: tuple[str, str] | None = None
    #: 1-based raster band indexes (georef, folder) or band names (multiearth); None = kind default
    eo_bands: tuple[int | str, ...] | None = None
    #: what each EO channel is, for the model card (None = red, green, blue for 3 bands)
    eo_band_names: tuple[str, ...] | None = None
    sar_bands: tuple[int | str, ...] | None = None
    eo_scale: str = "reflectance10000"
    #: raw reflectance x 10000 value mapped to +1 (0 maps to -1)
    eo_reflectance_max: float = 10000.0
    sar_scale: str = "db"
    sar_db_range: tuple[float, float] = DEFAULT_DB_RANGE
    chip_size: int = 256
    #: stride of the candidate chip grid (None = chip_size // 2 for train, chip_size otherwise)
    chip_stride: int | None = None
    #: chips with more nodata/cloud pixels than this fraction are dropped
    max_invalid_fraction: float = 0.0
    #: held-out share: bottom rows (georef), hashed names (folder), latest dates/scenes (multiearth, synth folder)
    val_fraction: float = 0.2
    seed: int = 0
    #: "azimuth" (default): flips along azimuth only; "dihedral" also rotates, which turns the radar
    #: look direction (and layover/shadow) with the image, so it is not a label-preserving augmentation
    augment: str = "azimuth"
    # synthetic kind (on the fly)
    num_samples: int = 256
    num_eval_samples: int = 16
    scene_size: int | None = None
    looks: float = 4.0
    #: synthetic: the scene's misalignment; bigearthnet: misalignment injected into the training SAR
    #: (eo2sar_train.misalign: integer | subpixel | constant | field)
    misalignment_px: float = 0.0
    misalignment_mode: str = "subpixel"
    misalignment_rotation_scale: bool = True
    #: keep generated/read scenes in memory (synthetic and folder kinds)
    cache: bool = False
    # multiearth kind
    max_days: int = 30

    def __post_init__(self) -> None:
        for name in ("eo_bands", "eo_band_names", "sar_bands", "cloud_mask_bits", "name_map", "sar_db_range"):
            v = getattr(self, name)
            if isinstance(v, list):
                setattr(self, name, tuple(v))
        self.sar_db_range = (float(self.sar_db_range[0]), float(self.sar_db_range[1]))
        if self.kind not in KINDS:
            raise ValueError(f"data kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind == "bigearthnet" and self.misalignment_px > 0 and self.misalignment_mode not in misalign.MODES:
            raise ValueError(f"bigearthnet misalignment_mode must be one of {misalign.MODES}, "
                             f"got {self.misalignment_mode!r}")
        if self.eo_scale not in EO_SCALES:
            raise ValueError(f"eo_scale must be one of {EO_SCALES}, got {self.eo_scale!r}")
        if self.sar_scale not in SAR_SCALES:
            raise ValueError(f"sar_scale must be one of {SAR_SCALES}, got {self.sar_scale!r}")
        lo, hi = self.sar_db_range
        if not hi > lo:
            raise ValueError(f"sar_db_range must be (low, high) with high > low, got {self.sar_db_range}")
        if self.chip_size < 8:
            raise ValueError(f"chip_size must be at least 8, got {self.chip_size}")
        if self.augment not in AUGMENT_KINDS:
            raise ValueError(f"augment must be one of {AUGMENT_KINDS}, got {self.augment!r}")
        if not 0.0 <= self.max_invalid_fraction <= 1.0:
            raise ValueError(f"max_invalid_fraction must be within 0..1, got {self.max_invalid_fraction}")
        if not 0.0 <= self.val_fraction < 1.0:
            raise ValueError(f"val_fraction must be within 0..1, got {self.val_fraction}")
        if self.eo_reflectance_max <= 0:
            raise ValueError(f"eo_reflectance_max must be positive, got {self.eo_reflectance_max}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "DataConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ValueError(f"unknown data config key(s): {', '.join(unknown)}")
        return cls(**dict(d))

    def resolved_eo_bands(self) -> tuple[int | str, ...]:
        if self.eo_bands is not None:
            return tuple(self.eo_bands)
        if self.kind == "bigearthnet":
            return ("red", "green", "blue", "nir")
        return ("B4", "B3", "B2") if self.kind == "multiearth" else (1, 2, 3)

    def resolved_sar_bands(self) -> tuple[int | str, ...]:
        if self.sar_bands is not None:
            return tuple(self.sar_bands)
        return ("VV",) if self.kind in ("multiearth", "bigearthnet") else (1,)

    def synth_config(self) -> synth.SynthConfig:
        return synth.SynthConfig(size=self.scene_size or self.chip_size, looks=self.looks,
                                 misalignment_px=self.misalignment_px, misalignment_mode=self.misalignment_mode,
                                 rotation_scale=self.misalignment_rotation_scale)


# ----------------------------------------------------------------------------- value mapping

def db_to_sar(db: Any, db_range: tuple[float, float] = DEFAULT_DB_RANGE) -> Any:
    """dB → [-1,1] (clipped). Works on numpy arrays, tensors and floats."""
    lo, hi = db_range
    v = (db - lo) * (2.0 / (hi - lo)) - 1.0
    if isinstance(v, torch.Tensor):
        return v.clamp(-1.0, 1.0)
    return np.clip(v, -1.0, 1.0)


def sar_to_db(t: Any, db_range: tuple[float, float] = DEFAULT_DB_RANGE) -> Any:
    """[-1,1] → dB (the model card's output scale (hi-lo)/2 and offset (hi+lo)/2)."""
    lo, hi = db_range
    return t * ((hi - lo) / 2.0) + (hi + lo) / 2.0


def eo_scale_offset(cfg: DataConfig, n_bands: int | None = None) -> tuple[list[float], list[float]]:
    """Per-band (scale, offset) with x_model = x_raw·scale + offset, for the model card."""
    n = n_bands if n_bands is not None else len(cfg.resolved_eo_bands())
    top = 255.0 if cfg.eo_scale == "uint8" else cfg.eo_reflectance_max
    return [2.0 / top] * n, [-1.0] * n


def input_card(cfg: DataConfig) -> tuple[list[str], list[float], list[float]]:
    """Model-card input (bands, scale, offset) for data read per ``cfg``."""
    bands = cfg.resolved_eo_bands()
    if cfg.eo_band_names is not None:
        if len(cfg.eo_band_names) != len(bands):
            raise ValueError(f"eo_band_names {cfg.eo_band_names} do not match the {len(bands)} EO bands")
        names = list(cfg.eo_band_names)
    elif all(b in ("red", "green", "blue", "nir") for b in bands):
        names = [str(b) for b in bands]
    elif tuple(bands) in ((1, 2, 3), ("B4", "B3", "B2")):
        names = list(synth.EO_BANDS)
    else:
        names = [f"band{b}" if isinstance(b, int) else str(b) for b in bands]
    scale, offset = eo_scale_offset(cfg, len(bands))
    return names, scale, offset


def sar_scale_offset(cfg: DataConfig) -> tuple[list[float], list[float]]:
    """(scale, offset) with dB = y_model·scale + offset, for the model card."""
    lo, hi = cfg.sar_db_range
    return [(hi - lo) / 2.0], [(hi + lo) / 2.0]


def normalize_eo(raw: np.ndarray, cfg: DataConfig) -> np.ndarray:
    scale, offset = eo_scale_offset(cfg, raw.shape[0])
    return np.clip(raw.astype(np.float32) * np.float32(scale[0]) + np.float32(offset[0]), -1.0, 1.0).astype(np.float32)


def sar_raw_to_db(raw: np.ndarray, cfg: DataConfig) -> np.ndarray:
    """Raw SAR values (per ``sar_scale``) to dB."""
    raw = raw.astype(np.float32)
    if cfg.sar_scale == "db":
        return raw
    if cfg.sar_scale == "linear":
        with np.errstate(divide="ignore", invalid="ignore"):
            return (10.0 * np.log10(raw)).astype(np.float32)
    lo, hi = cfg.sar_db_range  # uint8: 0..255 spans the dB range (SEN1-2 style)
    return (lo + raw / 255.0 * (hi - lo)).astype(np.float32)


def _to_tensor(a: np.ndarray) -> torch.Tensor:
    a = a if a.ndim == 3 else a[None]
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def repo_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder above ``start`` holding ``.git`` or ``pom.xml``."""
    here = (start or Path(__file__)).resolve()
    for p in [here, *here.parents]:
        if (p / ".git").exists() or (p / "pom.xml").exists():
            return p
    raise FileNotFoundError(f"no repository root above {here}")


def default_multiearth_root() -> Path:
    """``../shared/data/multiearth`` from the repository root (of this package, else of the cwd)."""
    for start in (Path(__file__), Path.cwd()):
        try:
            cand = repo_root(start).parent / "shared" / "data" / "multiearth"
        except FileNotFoundError:
            continue
        if cand.is_dir():
            return cand
    raise FileNotFoundError("no ../shared/data/multiearth next to the repository; set the data root explicitly")


# ----------------------------------------------------------------------------- base

class _PairDataset(Dataset):
    """Shared pieces: split check, per-epoch deterministic augmentation."""

    def __init__(self, cfg: DataConfig, split: str) -> None:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        self.cfg = cfg
        self.split = split
        self.epoch: int | None = None

    def set_epoch(self, epoch: int) -> None:
        """Makes random crops/augmentation a pure function of (seed, index, epoch)."""
        self.epoch = int(epoch)

    def _rng(self, index: int) -> np.random.Generator:
        if self.epoch is not None:
            return np.random.default_rng([self.cfg.seed, index, self.epoch, 0xA06])
        # otherwise follow torch's RNG: seeded by the trainer / DataLoader worker, new draw each epoch
        return np.random.default_rng(int(torch.randint(0, 2**62, (1,)).item()))

    def _finish(self, sample: dict[str, torch.Tensor], index: int) -> dict[str, torch.Tensor]:
        if self.split == "train" and self.cfg.augment != "none":
            sample = augment_pair(sample, self.cfg.augment, self._rng(index))
        return sample

    def _stride(self) -> int:
        if self.cfg.chip_stride:
            return int(self.cfg.chip_stride)
        return max(1, self.cfg.chip_size // 2) if self.split == "train" else self.cfg.chip_size


def _grid_positions(lo: int, hi: int, chip: int, stride: int) -> list[int]:
    """Chip starts covering [lo, hi) with the last chip flush with ``hi``."""
    if hi - lo < chip:
        return []
    starts = list(range(lo, hi - chip + 1, stride))
    if starts[-1] != hi - chip:
        starts.append(hi - chip)
    return starts


def _band_indexes(bands: Sequence[int | str], count: int, path: str, what: str) -> list[int]:
    out = []
    for b in bands:
        if not isinstance(b, (int, np.integer)) or not 1 <= int(b) <= count:
            raise ValueError(f"{path}: {what} band {b!r} is not a band index within 1..{count}")
        out.append(int(b))
    return out


def _cloud_bits(mask: np.ndarray, bits: tuple[int, ...] | None) -> np.ndarray:
    m = mask.astype(np.int64)
    if bits is None:
        return m != 0
    sel = 0
    for b in bits:
        sel |= 1 << int(b)
    return (m & sel) != 0


# ----------------------------------------------------------------------------- georeferenced rasters

class GeorefPairDataset(_PairDataset):
    """Chips from an EO raster and a SAR raster on one common grid (same CRS, transform and size).

    Candidate chips lie on a regular grid; train uses the top ``1 - val_fraction`` of the rows,
    val/test the rest. Chips whose nodata/cloud share exceeds ``max_invalid_fraction`` are dropped.
    """

    def __init__(self, cfg: DataConfig, split: str) -> None:
        super().__init__(cfg, split)
        import rasterio

        if not cfg.eo_path or not cfg.sar_path:
            raise ValueError("georef data needs eo_path and sar_path")
        self._handles: dict[str, Any] = {}
        self._pid = -1
        for p in (cfg.eo_path, cfg.sar_path, cfg.cloud_mask_path):
            if p and not Path(p).is_file():
                raise FileNotFoundError(f"{p}: no such raster")
        with rasterio.open(cfg.eo_path) as eo, rasterio.open(cfg.sar_path) as sar:
            self.eo_bands = _band_indexes(cfg.resolved_eo_bands(), eo.count, cfg.eo_path, "EO")
            self.sar_bands = _band_indexes(cfg.resolved_sar_bands(), sar.count, cfg.sar_path, "SAR")
            if len(self.sar_bands) != 1:
                raise ValueError(f"{cfg.sar_path}: exactly one SAR band is supported, got {len(self.sar_bands)}")
            _check_same_grid(eo, sar, cfg.eo_path, cfg.sar_path)
            if cfg.cloud_mask_path:
                with rasterio.open(cfg.cloud_mask_path) as cm:
                    _check_same_grid(eo, cm, cfg.eo_path, cfg.cloud_mask_path)
            self.height, self.width = eo.height, eo.width
            self.crs, self.transform = eo.crs, eo.transform
        chip = cfg.chip_size
        split_row = int(round(self.height * (1.0 - cfg.val_fraction)))
        rows = (0, self.height) if split == "all" else (0, split_row) if split == "train" else (split_row, self.height)
        ys = _grid_positions(rows[0], rows[1], chip, self._stride())
        xs = _grid_positions(0, self.width, chip, self._stride())
        if not ys or not xs:
            raise ValueError(f"{cfg.eo_path}: {self.width}x{self.height} raster has no room for a {chip}px chip "
                             f"in the {split} split (rows {rows[0]}..{rows[1]})")
        self.windows = [(y, x) for y in ys for x in xs if self._valid(y, x)]
        if not self.windows:
            raise ValueError(f"{cfg.eo_path}: every {chip}px chip of the {split} split has more than "
                             f"{cfg.max_invalid_fraction:.0%} nodata/cloud pixels")

    def _open(self) -> dict[str, Any]:
        # rasterio handles must not cross fork(): reopen in each DataLoader worker
        if self._pid != os.getpid():
            import rasterio
            self._handles = {"eo": rasterio.open(self.cfg.eo_path), "sar": rasterio.open(self.cfg.sar_path)}
            if self.cfg.cloud_mask_path:
                self._handles["cloud"] = rasterio.open(self.cfg.cloud_mask_path)
            self._pid = os.getpid()
        return self._handles

    def _read(self, y: int, x: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from rasterio.windows import Window

        h = self._open()
        win = Window(x, y, self.cfg.chip_size, self.cfg.chip_size)
        eo = h["eo"].read(self.eo_bands, window=win)
        sar = h["sar"].read(self.sar_bands, window=win)[0]
        invalid = np.zeros(eo.shape[1:], bool)
        for b in self.eo_bands:
            invalid |= h["eo"].read_masks(b, window=win) == 0
        invalid |= h["sar"].read_masks(self.sar_bands[0], window=win) == 0
        sar_db = sar_raw_to_db(sar, self.cfg)
        invalid |= ~np.isfinite(sar_db)
        if "cloud" in h:
            invalid |= _cloud_bits(h["cloud"].read(1, window=win), self.cfg.cloud_mask_bits)
        return eo, sar_db, invalid

    def _valid(self, y: int, x: int) -> bool:
        _, _, invalid = self._read(y, x)
        return float(invalid.mean()) <= self.cfg.max_invalid_fraction

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        y, x = self.windows[index]
        eo, sar_db, invalid = self._read(y, x)
        sar_db = np.where(invalid, self.cfg.sar_db_range[0], sar_db)
        eo_n = np.where(invalid[None], -1.0, normalize_eo(eo, self.cfg))
        sar = _to_tensor(db_to_sar(sar_db, self.cfg.sar_db_range))
        return self._finish({"eo": _to_tensor(eo_n), "sar": sar, "sar_aligned": sar.clone()}, index)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_handles"], state["_pid"] = {}, -1
        return state


def _check_same_grid(a: Any, b: Any, pa: str, pb: str) -> None:
    if (a.width, a.height) != (b.width, b.height):
        raise ValueError(f"{pb}: size {b.width}x{b.height} differs from {pa} ({a.width}x{a.height}); "
                         f"resample both onto one grid first")
    if a.crs != b.crs:
        raise ValueError(f"{pb}: CRS {b.crs} differs from {pa} ({a.crs})")
    if not a.transform.almost_equals(b.transform, precision=1e-6):
        raise ValueError(f"{pb}: pixel grid {tuple(b.transform)[:6]} differs from {pa} ({tuple(a.transform)[:6]})")


# ----------------------------------------------------------------------------- folders of pairs

def _read_image(path: Path, bands: Sequence[int | str] | None = None) -> np.ndarray:
    """[C,H,W] from a PNG/JPEG/TIFF (georeferenced or not)."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        try:
            with rasterio.open(path) as ds:
                idx = _band_indexes(bands, ds.count, str(path), "image") if bands else list(range(1, ds.count + 1))
                return ds.read(idx)
        except rasterio.errors.RasterioIOError as e:
            raise ValueError(f"{path}: cannot read image ({e})") from None


class FolderPairDataset(_PairDataset):
    """SEN1-2-like pairs: ``root/eo_dir/NAME.png`` with ``root/sar_dir/NAME.png`` (PNG or TIFF).

    ``name_map=("_s2_", "_s1_")`` maps EO names to SAR names when they differ by a token.
    Images larger than the chip are cropped (random for train, centred otherwise).
    """

    def __init__(self, cfg: DataConfig, split: str) -> None:
        super().__init__(cfg, split)
        if not cfg.root:
            raise ValueError("folder data needs root")
        eo_dir, sar_dir = Path(cfg.root) / cfg.eo_dir, Path(cfg.root) / cfg.sar_dir
        for d in (eo_dir, sar_dir):
            if not d.is_dir():
                raise FileNotFoundError(f"{d}: no such folder")
        sar_files = {p.name: p for p in sar_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES}
        pairs = []
        for p in sorted(eo_dir.iterdir()):
            if p.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            name = p.name.replace(*cfg.name_map) if cfg.name_map else p.name
            if name in sar_files:
                pairs.append((p, sar_files[name]))
        if not pairs:
            raise ValueError(f"{eo_dir}: no file has a partner with the same name in {sar_dir}")
        self.pairs = [pr for pr in pairs if split == "all" or (self._is_val(pr[0].name) == (split != "train"))]
        if not self.pairs:
            raise ValueError(f"{cfg.root}: no pairs in the {split} split ({len(pairs)} pairs in all)")
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _is_val(self, name: str) -> bool:
        return zlib.crc32(name.encode()) % 1000 < self.cfg.val_fraction * 1000

    def __len__(self) -> int:
        return len(self.pairs)

    def _load(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if index in self._cache:
            return self._cache[index]
        eo_p, sar_p = self.pairs[index]
        eo = _read_image(eo_p, self.cfg.eo_bands)
        if self.cfg.eo_bands is None and eo.shape[0] > 3:
            eo = eo[:3]  # RGBA / multi-band files: the first three bands unless eo_bands says otherwise
        sar = _read_image(sar_p, self.cfg.sar_bands or (1,))
        if eo.shape[1:] != sar.shape[1:]:
            raise ValueError(f"{sar_p}: size {sar.shape[2]}x{sar.shape[1]} differs from {eo_p.name} "
                             f"({eo.shape[2]}x{eo.shape[1]})")
        if eo.shape[0] == 1:
            eo = np.repeat(eo, 3, axis=0)  # grey EO → 3 channels
        out = (eo, sar_raw_to_db(sar[0], self.cfg))
        if self.cfg.cache:
            self._cache[index] = out
        return out

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        eo, sar_db = self._load(index)
        c = self.cfg.chip_size
        h, w = sar_db.shape
        if h < c or w < c:
            raise ValueError(f"{self.pairs[index][0]}: {w}x{h} image is smaller than the {c}px chip")
        if self.split == "train":
            rng = self._rng(index)
            y, x = int(rng.integers(0, h - c + 1)), int(rng.integers(0, w - c + 1))
        else:
            y, x = (h - c) // 2, (w - c) // 2
        eo_n = normalize_eo(eo[:, y:y + c, x:x + c], self.cfg)
        sar_db = np.nan_to_num(sar_db[y:y + c, x:x + c], nan=self.cfg.sar_db_range[0],
                               neginf=self.cfg.sar_db_range[0], posinf=self.cfg.sar_db_range[1])
        sar = _to_tensor(db_to_sar(sar_db, self.cfg.sar_db_range))
        return self._finish({"eo": _to_tensor(eo_n), "sar": sar, "sar_aligned": sar.clone()}, index)


# ----------------------------------------------------------------------------- MultiEarth

_ME_NAME = re.compile(r"^Sentinel(?P<sat>[12])_(?P<band>[A-Za-z0-9]+)_(?P<lon>-?\d+(?:\.\d+)?)_"
                      r"(?P<lat>-?\d+(?:\.\d+)?)_(?P<y>\d{4})_(?P<m>\d{2})_(?P<d>\d{2})\.tiff?$")


@dataclass(frozen=True)
class MultiEarthPair:
    lon: float
    lat: float
    eo_date: date
    sar_date: date
    eo_files: tuple[Path, ...]
    qa_file: Path | None
    sar_file: Path

    @property
    def days_apart(self) -> int:
        return abs((self.eo_date - self.sar_date).days)

    @property
    def name(self) -> str:
        return f"{self.lon:.2f}_{self.lat:.2f}_S2_{self.eo_date.isoformat()}_S1_{self.sar_date.isoformat()}"


def find_multiearth_pairs(root: Path, eo_bands: Sequence[str] = ("B4", "B3", "B2"), sar_band: str = "VV",
                          max_days: int = 30) -> list[MultiEarthPair]:
    """Each Sentinel-2 acquisition with all ``eo_bands`` paired with the Sentinel-1 ``sar_band``
    image at the same location (lon/lat in the file name) nearest in date, within ``max_days``."""
    root = Path(root)
    s1: dict[tuple[str, str], list[tuple[date, Path]]] = {}
    s2: dict[tuple[str, str, date], dict[str, Path]] = {}
    for sub in ("sent1", "sent2"):
        if not (root / sub).is_dir():
            raise FileNotFoundError(f"{root / sub}: no such folder (expected the MultiEarth layout sent1/, sent2/)")
        for p in (root / sub).iterdir():
            m = _ME_NAME.match(p.name)
            if not m:
                continue
            loc = (m["lon"], m["lat"])
            day = date(int(m["y"]), int(m["m"]), int(m["d"]))
            if m["sat"] == "1" and m["band"] == sar_band:
                s1.setdefault(loc, []).append((day, p))
            elif m["sat"] == "2":
                s2.setdefault((*loc, day), {})[m["band"]] = p
    pairs = []
    for (lon, lat, day), files in sorted(s2.items()):
        if not all(b in files for b in eo_bands) or (lon, lat) not in s1:
            continue
        sar_day, sar_p = min(s1[(lon, lat)], key=lambda t: (abs((t[0] - day).days), t[0]))
        if abs((sar_day - day).days) > max_days:
            continue
        pairs.append(MultiEarthPair(float(lon), float(lat), day, sar_day, tuple(files[b] for b in eo_bands),
                                    files.get("QA60"), sar_p))
    return pairs


class MultiEarthDataset(_PairDataset):
    """MultiEarth 2022 patches: S2 bands (default B4/B3/B2, reflectance x 10000) → S1 VV (dB).

    Pairs by location and nearest date (:func:`find_multiearth_pairs`). Cloud = QA60 bits 10/11;
    nodata = EO value 0 or non-finite SAR. Split by date: the latest ``val_fraction`` of the
    pairs (at least one when there are two or more) are val/test, the rest train.
    """

    def __init__(self, cfg: DataConfig, split: str) -> None:
        super().__init__(cfg, split)
        root = Path(cfg.root) if cfg.root else default_multiearth_root()
        eo_bands = [str(b) for b in cfg.resolved_eo_bands()]
        sar_bands = [str(b) for b in cfg.resolved_sar_bands()]
        if len(sar_bands) != 1:
            raise ValueError(f"exactly one SAR band is supported, got {sar_bands}")
        pairs = find_multiearth_pairs(root, eo_bands, sar_bands[0], cfg.max_days)
        if not pairs:
            raise ValueError(f"{root}: no Sentinel-2 {'/'.join(eo_bands)} acquisition has a Sentinel-1 "
                             f"{sar_bands[0]} image at the same place within {cfg.max_days} days")
        by_date = sorted(range(len(pairs)), key=lambda i: (pairs[i].eo_date, i))
        n_val = 0 if len(pairs) < 2 or cfg.val_fraction == 0 else max(1, int(round(len(pairs) * cfg.val_fraction)))
        val_ids = set(by_date[len(pairs) - n_val:])
        keep = [i for i in range(len(pairs)) if split == "all" or ((i in val_ids) == (split != "train"))]
        if not keep:
            raise ValueError(f"{root}: no MultiEarth pairs in the {split} split ({len(pairs)} pairs in all)")
        self.pairs = [pairs[i] for i in keep]
        self.arrays = [self._load(p) for p in self.pairs]
        c = cfg.chip_size
        self.chips: list[tuple[int, int, int]] = []
        for k, (eo, _, invalid) in enumerate(self.arrays):
            h, w = invalid.shape
            for y in _grid_positions(0, h, c, self._stride()):
                for x in _grid_positions(0, w, c, self._stride()):
                    if float(invalid[y:y + c, x:x + c].mean()) <= cfg.max_invalid_fraction:
                        self.chips.append((k, y, x))
        if not self.chips:
            raise ValueError(f"{root}: no {c}px chip of the {split} split passes the cloud/nodata check")

    def _load(self, pair: MultiEarthPair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        eo = np.stack([_read_image(p)[0] for p in pair.eo_files])
        sar_db = sar_raw_to_db(_read_image(pair.sar_file)[0], self.cfg)
        if eo.shape[1:] != sar_db.shape:
            raise ValueError(f"{pair.sar_file}: size differs from {pair.eo_files[0].name}")
        invalid = (eo == 0).any(axis=0) | ~np.isfinite(sar_db)
        if pair.qa_file is not None:
            invalid |= _cloud_bits(_read_image(pair.qa_file)[0], self.cfg.cloud_mask_bits or (10, 11))
        return eo, sar_db, invalid

    def __len__(self) -> int:
        return len(self.chips)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        k, y, x = self.chips[index]
        eo, sar_db, invalid = self.arrays[k]
        c = self.cfg.chip_size
        inv = invalid[y:y + c, x:x + c]
        s = np.where(inv, self.cfg.sar_db_range[0], sar_db[y:y + c, x:x + c])
        eo_n = np.where(inv[None], -1.0, normalize_eo(eo[:, y:y + c, x:x + c], self.cfg))
        sar = _to_tensor(db_to_sar(s, self.cfg.sar_db_range))
        return self._finish({"eo": _to_tensor(eo_n), "sar": sar, "sar_aligned": sar.clone()}, index)


# ----------------------------------------------------------------------------- BigEarthNet (real)

class BigEarthNetDataset(_PairDataset):
    """Real Sentinel-2 L2A / Sentinel-1 GRD pairs extracted by :mod:`eo2sar_train.realdata`.

    EO bands by name (``red``, ``green``, ``blue``, ``nir``; reflectance x 10000), SAR ``VV``
    and/or ``VH`` (dB). Splits are the index's place-based ones (``realdata.TEST_SITES``); ``root``
    defaults to ``data/real``. Train draws a random ``chip_size`` crop per patch and epoch;
    val/test use the centred crop (the whole 120 px patch when chip_size is 120).
    """

    def __init__(self, cfg: DataConfig, split: str) -> None:
        super().__init__(cfg, split)
        from . import realdata

        root = Path(cfg.root) if cfg.root else realdata.default_root()
        records = realdata.load_index(root)
        eo_names = [str(b) for b in cfg.resolved_eo_bands()]
        sar_names = [str(b) for b in cfg.resolved_sar_bands()]
        for b in eo_names:
            if b not in realdata.EO_BAND_NAMES:
                raise ValueError(f"bigearthnet EO band {b!r} is not one of {realdata.EO_BAND_NAMES}")
        for b in sar_names:
            if b not in realdata.SAR_BANDS:
                raise ValueError(f"bigearthnet SAR band {b!r} is not one of {realdata.SAR_BANDS}")
        if cfg.chip_size > realdata.PATCH:
            raise ValueError(f"chip_size {cfg.chip_size} exceeds the {realdata.PATCH} px BigEarthNet patches")
        self.eo_idx = [realdata.EO_BAND_NAMES.index(b) for b in eo_names]
        self.sar_idx = [realdata.SAR_BANDS.index(b) for b in sar_names]
        self.records = [r for r in records if split == "all" or r["split"] == split]
        if not self.records:
            raise ValueError(f"{root}: no BigEarthNet pairs in the {split} split")
        self.arrays = [realdata.load_pair(r, root) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        eo, sar_db = self.arrays[index]
        c = self.cfg.chip_size
        h, w = eo.shape[1:]
        aligned_full = sar_full = np.nan_to_num(sar_db[self.sar_idx], nan=self.cfg.sar_db_range[0])
        if self.split == "train":
            rng = self._rng(index)
            y, x = int(rng.integers(0, h - c + 1)), int(rng.integers(0, w - c + 1))
            if self.cfg.misalignment_px > 0:  # injected (issue 10); val/test keep the natural registration
                d = misalign.displacement(self.cfg.misalignment_px, self.cfg.misalignment_mode, (h, w), rng)
                sar_full = misalign.warp(sar_full, d)
        else:
            y, x = (h - c) // 2, (w - c) // 2
        eo_n = normalize_eo(eo[self.eo_idx, y:y + c, x:x + c], self.cfg)
        sar = _to_tensor(db_to_sar(sar_full[:, y:y + c, x:x + c], self.cfg.sar_db_range))
        aligned = sar.clone() if sar_full is aligned_full else \
            _to_tensor(db_to_sar(aligned_full[:, y:y + c, x:x + c], self.cfg.sar_db_range))
        return self._finish({"eo": _to_tensor(eo_n), "sar": sar, "sar_aligned": aligned}, index)


# ----------------------------------------------------------------------------- synthetic

_SPLIT_STREAM = {"train": 0, "val": 1, "test": 2}


class SyntheticDataset(_PairDataset):
    """Synthetic pairs with known alignment.

    On the fly (``root`` None): ``num_samples`` train scenes or ``num_eval_samples`` val/test
    scenes of ``scene_size`` (default chip_size) px, each split with its own seed stream, so
    splits never share a scene and the same seed gives the same scenes at every misalignment.
    From a folder written by ``eo2sar-synth``: the latest ``val_fraction`` of the scenes are
    val/test; larger scenes are cut into chips (random for train, a grid otherwise).
    """

    def __init__(self, cfg: DataConfig, split: str) -> None:
        super().__init__(cfg, split)
        self._cache: dict[int, dict[str, np.ndarray]] = {}
        if cfg.root:
            import json
            mpath = Path(cfg.root) / synth.MANIFEST
            if not mpath.is_file():
                raise FileNotFoundError(f"{mpath}: not an eo2sar-synth folder (no {synth.MANIFEST})")
            manifest = json.loads(mpath.read_text())
            scenes = manifest["scenes"]
            n_val = 0 if cfg.val_fraction == 0 or len(scenes) < 2 else max(1, int(round(len(scenes) * cfg.val_fraction)))
            if split == "all":
                chosen = scenes
            else:
                chosen = scenes[len(scenes) - n_val:] if split != "train" else scenes[:len(scenes) - n_val]
            if not chosen:
                raise ValueError(f"{cfg.root}: no scenes in the {split} split ({len(scenes)} in all)")
            self.scenes = [{k: Path(cfg.root) / v for k, v in s["files"].items()} for s in chosen]
            self.eo_uint8 = manifest.get("eo_dtype") == "uint8"
            if self.eo_uint8 != (cfg.eo_scale == "uint8"):
                raise ValueError(f"{cfg.root}: EO is {manifest.get('eo_dtype')} but eo_scale is {cfg.eo_scale!r}")
            size = int(manifest["config"]["size"])
            c = cfg.chip_size
            if size < c:
                raise ValueError(f"{cfg.root}: {size}px scenes are smaller than the {c}px chip")
            if split == "train":
                self.chips = [(i, -1, -1) for i in range(len(self.scenes))]
            else:
                pos = _grid_positions(0, size, c, self._stride())
                self.chips = [(i, y, x) for i in range(len(self.scenes)) for y in pos for x in pos]
            self.seeds: list[int] = []
        else:
            count = cfg.num_samples if split == "train" else cfg.num_eval_samples
            if count < 1:
                raise ValueError(f"synthetic {split} split needs at least one scene, got {count}")
            stream = _SPLIT_STREAM.get(split, 0)
            self.seeds = synth.scene_seeds(cfg.seed, count, stream)
            self.synth_cfg = cfg.synth_config()
            if self.synth_cfg.size < cfg.chip_size:
                raise ValueError(f"scene_size {self.synth_cfg.size} is smaller than chip_size {cfg.chip_size}")
            self.chips = [(i, -1, -1) for i in range(count)]

    def __len__(self) -> int:
        return len(self.chips)

    def scene_arrays(self, i: int) -> dict[str, np.ndarray]:
        """Raw arrays of scene ``i``: eo (uint16/uint8 [3,H,W]), sar/sar_aligned/sar_clean (dB), classes."""
        if i in self._cache:
            return self._cache[i]
        if self.cfg.root:
            files = self.scenes[i]
            arr = {"eo": _read_image(files["eo"])}
            for k in ("sar", "sar_aligned", "sar_clean", "classes"):
                arr[k] = _read_image(files[k])[0]
        else:
            s = synth.generate_scene(self.seeds[i], self.synth_cfg, scene_index=i)
            arr = {"eo": s.eo_uint8() if self.cfg.eo_scale == "uint8" else s.eo_uint16(),
                   "sar": s.sar_train_db, "sar_aligned": s.sar_db, "sar_clean": s.sar_clean_db,
                   "classes": s.classes}
        if self.cfg.cache:
            self._cache[i] = arr
        return arr

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        i, y, x = self.chips[index]
        arr = self.scene_arrays(i)
        c = self.cfg.chip_size
        h, w = arr["sar"].shape
        if y < 0:
            if self.split == "train":
                rng = self._rng(index)
                y, x = int(rng.integers(0, h - c + 1)), int(rng.integers(0, w - c + 1))
            else:
                y, x = (h - c) // 2, (w - c) // 2
        win = (slice(y, y + c), slice(x, x + c))
        r = self.cfg.sar_db_range
        sample = {"eo": _to_tensor(normalize_eo(arr["eo"][(slice(None),) + win], self.cfg))}
        for k in ("sar", "sar_aligned", "sar_clean"):
            sample[k] = _to_tensor(db_to_sar(arr[k][win], r))
        return self._finish(sample, index)


def build_dataset(cfg: DataConfig, split: str) -> Dataset:
    """The dataset of ``cfg.kind`` for ``split`` ("train", "val", "test" or "all")."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if cfg.kind == "synthetic":
        return SyntheticDataset(cfg, split)
    if cfg.kind == "georef":
        return GeorefPairDataset(cfg, split)
    if cfg.kind == "folder":
        return FolderPairDataset(cfg, split)
    if cfg.kind == "multiearth":
        return MultiEarthDataset(cfg, split)
    if cfg.kind == "bigearthnet":
        return BigEarthNetDataset(cfg, split)
    raise ValueError(f"unknown data kind {cfg.kind!r}")
