"""Procedural EO/SAR scene pairs with known alignment (``eo2sar-synth``).

A scene is a land-cover map (water, forest, crops, bare soil, roads, buildings) rendered twice:

* EO: per-class surface reflectance (red, green, blue) with class texture, stored as
  reflectance x 10000 (uint16) or as a uint8 stretch (255 = reflectance 0.35);
* SAR: per-class sigma0 in dB with an incidence-angle trend across range (the sensor looks
  from the left, near range at column 0), double bounce at building walls facing the sensor,
  layover in front of them, radar shadow behind them, and Gamma speckle with L looks applied
  in linear power.

Three SAR products are kept: the aligned speckle-free sigma0 (``sar_clean_db``), the aligned
speckled image (``sar_db``) and the training image (``sar_train_db``), which is the speckled
image of a slightly warped scene (shift, rotation, scale: the misalignment knob). Everything
is deterministic given the seed; the misalignment direction depends only on the seed, so the
same seed at 0, 2, 4 and 8 px gives the same scene shifted further along the same direction.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

WATER, FOREST, CROPS, BARE, ROAD, BUILDING = range(6)
CLASS_NAMES = ("water", "forest", "crops", "bare_soil", "road", "building")
#: classes whose sigma0 is flat enough to estimate the equivalent number of looks on
HOMOGENEOUS_CLASSES = (WATER, BARE)

EO_BANDS = ("red", "green", "blue")
UINT8_FULL_SCALE_REFLECTANCE = 0.35
SAR_FLOOR_DB = -40.0

# sigma0 (dB) at the reference incidence angle, and its slope (dB per degree of incidence)
_SIGMA0_DB = {WATER: -21.0, FOREST: -7.5, CROPS: -10.5, BARE: -13.5, ROAD: -19.0, BUILDING: -9.0}
_INCIDENCE_SLOPE = {WATER: -0.30, FOREST: -0.05, CROPS: -0.15, BARE: -0.20, ROAD: -0.25, BUILDING: -0.10}
_REFLECTANCE = {
    WATER: (0.020, 0.035, 0.050),
    FOREST: (0.025, 0.050, 0.030),
    ROAD: (0.140, 0.140, 0.150),
}
_CROP_GREEN = np.array([0.040, 0.090, 0.040], np.float32)
_CROP_DRY = np.array([0.130, 0.115, 0.075], np.float32)
_BARE = np.array([0.200, 0.160, 0.120], np.float32)
_ROOFS = np.array(
    [[0.18, 0.18, 0.19], [0.26, 0.12, 0.09], [0.34, 0.34, 0.35], [0.09, 0.09, 0.10], [0.22, 0.20, 0.16]],
    np.float32,
)


@dataclass(frozen=True)
class Misalignment:
    """Warp from the aligned grid to the training SAR: a source pixel (x, y) is looked up at
    ``R(rotation)·scale·((x, y) − centre) + centre − (dx, dy)``, i.e. the content moves by
    (+dx, +dy) pixels."""

    dx: float = 0.0
    dy: float = 0.0
    rotation_deg: float = 0.0
    scale: float = 1.0

    @property
    def magnitude(self) -> float:
        return math.hypot(self.dx, self.dy)

    def is_identity(self) -> bool:
        return self.dx == 0 and self.dy == 0 and self.rotation_deg == 0 and self.scale == 1


@dataclass(frozen=True)
class SynthConfig:
    size: int = 256
    looks: float = 4.0
    misalignment_px: float = 0.0
    #: "subpixel": random direction, exact magnitude; "integer": shift rounded to whole pixels
    misalignment_mode: str = "subpixel"
    #: add a small rotation and scale change (their displacement at the scene edge is ≤ magnitude/4)
    rotation_scale: bool = True
    pixel_size: float = 10.0
    crs: str = "EPSG:32633"
    origin: tuple[float, float] = (500000.0, 5000000.0)
    incidence_near_deg: float = 30.0
    incidence_far_deg: float = 45.0

    def __post_init__(self) -> None:
        if self.size < 16:
            raise ValueError(f"scene size must be at least 16 px, got {self.size}")
        if self.looks <= 0:
            raise ValueError(f"looks must be positive, got {self.looks}")
        if not 0.0 <= self.misalignment_px <= 8.0:
            raise ValueError(f"misalignment must be within 0..8 px, got {self.misalignment_px}")
        if self.misalignment_mode not in ("subpixel", "integer"):
            raise ValueError(f"misalignment_mode must be 'subpixel' or 'integer', got {self.misalignment_mode!r}")


@dataclass
class Scene:
    seed: int
    eo: np.ndarray  # float32 [3,H,W] surface reflectance (red, green, blue)
    classes: np.ndarray  # uint8 [H,W]
    sar_clean_db: np.ndarray  # float32 [H,W] aligned, speckle-free sigma0 in dB
    sar_db: np.ndarray  # float32 [H,W] aligned, speckled
    sar_train_db: np.ndarray  # float32 [H,W] misaligned, speckled (what a trainer sees)
    misalignment: Misalignment
    looks: float
    transform: tuple[float, float, float, float, float, float]  # GDAL order: x0, dx, 0, y0, 0, -dy
    crs: str

    def eo_uint16(self) -> np.ndarray:
        return np.clip(np.rint(self.eo * 10000.0), 0, 65535).astype(np.uint16)

    def eo_uint8(self) -> np.ndarray:
        return np.clip(np.rint(self.eo / UINT8_FULL_SCALE_REFLECTANCE * 255.0), 0, 255).astype(np.uint8)

    def homogeneous_mask(self, erosion: int = 3) -> np.ndarray:
        """Pixels of flat classes (water, bare soil) at least ``erosion`` px away from any other class."""
        return homogeneous_mask(self.classes, erosion)


def homogeneous_mask(classes: np.ndarray, erosion: int = 3) -> np.ndarray:
    mask = np.isin(classes, HOMOGENEOUS_CLASSES)
    # same class in the whole (2e+1)² neighbourhood: erode each class's mask with a box
    same = np.ones_like(mask)
    padded = np.pad(classes, erosion, mode="edge")
    h, w = classes.shape
    for oy in range(2 * erosion + 1):
        for ox in range(2 * erosion + 1):
            same &= padded[oy:oy + h, ox:ox + w] == classes
    return mask & same


# ----------------------------------------------------------------------------- noise helpers

def _smooth_noise(rng: np.random.Generator, h: int, w: int, cell: float) -> np.ndarray:
    """Zero-mean, unit-variance noise with features about ``cell`` px wide (bicubic upsampling)."""
    cell_i = max(1, int(round(cell)))
    gh, gw = h // cell_i + 4, w // cell_i + 4
    grid = torch.from_numpy(rng.standard_normal((1, 1, gh, gw)).astype(np.float32))
    up = F.interpolate(grid, scale_factor=cell_i, mode="bicubic", align_corners=False)[0, 0].numpy()
    oy, ox = (int(v) for v in rng.integers(cell_i, 2 * cell_i, size=2))
    out = up[oy:oy + h, ox:ox + w]
    return ((out - out.mean()) / (out.std() + 1e-6)).astype(np.float32)


def _fractal(rng: np.random.Generator, h: int, w: int, cell: float, octaves: int = 3) -> np.ndarray:
    acc = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for i in range(octaves):
        acc += amp * _smooth_noise(rng, h, w, max(1.0, cell / 2 ** i))
        total += amp * amp
        amp *= 0.5
    return acc / math.sqrt(total)


# ----------------------------------------------------------------------------- land cover

@dataclass
class _Building:
    y0: int
    y1: int
    x0: int
    x1: int
    height_m: float
    roof: int


@dataclass
class _LandCover:
    classes: np.ndarray
    parcel_value: np.ndarray  # per-pixel parcel attribute in [0,1] (crop greenness / soil tone)
    rows: np.ndarray  # crop-row texture in [-1,1]
    buildings: list[_Building] = field(default_factory=list)


def _land_cover(rng: np.random.Generator, h: int, w: int) -> _LandCover:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)

    # field parcels: a rotated rectilinear grid with random spacing
    angle = rng.uniform(-0.6, 0.6)
    u = xx * math.cos(angle) + yy * math.sin(angle)
    v = -xx * math.sin(angle) + yy * math.cos(angle)
    span = float(h + w)

    def breaks() -> np.ndarray:
        return np.cumsum(rng.uniform(14, 48, size=int(2 * span / 14) + 2)) - span

    bu, bv = breaks(), breaks()
    iu, iv = np.searchsorted(bu, u), np.searchsorted(bv, v)
    n_u, n_v = len(bu) + 1, len(bv) + 1
    parcel = iu * n_v + iv
    n_parcels = n_u * n_v
    kind = rng.choice([CROPS, BARE, FOREST], size=n_parcels, p=[0.62, 0.26, 0.12])
    classes = kind[parcel].astype(np.uint8)
    parcel_value = rng.uniform(0, 1, size=n_parcels).astype(np.float32)[parcel]
    period = rng.uniform(2.5, 6.0, size=n_parcels).astype(np.float32)[parcel]
    along_u = rng.random(n_parcels)[parcel] < 0.5
    rows = np.sin(2 * math.pi * np.where(along_u, u, v) / period).astype(np.float32)

    # forest patches
    forest = _fractal(rng, h, w, cell=rng.uniform(24, 64))
    classes[forest > rng.uniform(0.7, 1.3)] = FOREST

    # urban block: a rectangle of bare ground with a street grid and buildings
    buildings: list[_Building] = []
    urban = np.zeros((h, w), bool)
    if rng.random() < 0.7:
        bh, bw = int(rng.uniform(0.3, 0.55) * h), int(rng.uniform(0.3, 0.55) * w)
        uy, ux = int(rng.integers(0, h - bh + 1)), int(rng.integers(0, w - bw + 1))
        urban[uy:uy + bh, ux:ux + bw] = True
        classes[urban] = BARE
        parcel_value[urban] = 0.15
        street = int(rng.integers(18, 34))
        for y in range(uy + street // 2, uy + bh, street):
            classes[y:y + 2, ux:ux + bw] = ROAD
        for x in range(ux + street // 2, ux + bw, street):
            classes[uy:uy + bh, x:x + 2] = ROAD
        # buildings inside each block, leaving a margin for shadows and streets
        for by in range(uy + street // 2 + 3, uy + bh - 4, street):
            for bx in range(ux + street // 2 + 3, ux + bw - 4, street):
                y, y_end = by, min(by + street - 5, uy + bh - 2)
                while y < y_end - 3:
                    hh = int(rng.integers(4, 11))
                    x, x_end = bx, min(bx + street - 8, ux + bw - 2)
                    while x < x_end - 3:
                        ww = int(rng.integers(4, 12))
                        if rng.random() < 0.8 and x + ww <= x_end and y + hh <= y_end:
                            buildings.append(_Building(y, y + hh, x, x + ww, float(rng.uniform(6, 40)),
                                                       int(rng.integers(0, len(_ROOFS)))))
                        x += ww + int(rng.integers(2, 5))
                    y += hh + int(rng.integers(2, 5))

    # water: a lake and/or a meandering river (painted over fields, under roads and buildings)
    lake = _smooth_noise(rng, h, w, cell=rng.uniform(40, 90))
    water = lake > rng.uniform(1.2, 2.0)
    if rng.random() < 0.6:
        transpose = rng.random() < 0.5
        a, b = (xx, yy) if not transpose else (yy, xx)
        extent = h if not transpose else w
        centre = rng.uniform(0.2, 0.8) * extent + rng.uniform(6, 20) * np.sin(
            a / rng.uniform(20, 60) + rng.uniform(0, 6.3)) + 5 * _smooth_noise(rng, h, w, 50)
        water |= np.abs(b - centre) < rng.uniform(2.0, 6.0)
    classes[water & ~urban] = WATER

    # a few straight country roads across the scene
    for _ in range(int(rng.integers(1, 4))):
        theta = rng.uniform(0, math.pi)
        c = rng.uniform(0.15, 0.85) * (h if rng.random() < 0.5 else w)
        dist = np.abs(xx * math.cos(theta) + yy * math.sin(theta) - c * (abs(math.cos(theta)) + abs(math.sin(theta))) / 1.2)
        classes[dist < rng.uniform(0.6, 1.6)] = ROAD

    for bld in buildings:
        classes[bld.y0:bld.y1, bld.x0:bld.x1] = BUILDING
    return _LandCover(classes, parcel_value, rows, buildings)


# ----------------------------------------------------------------------------- rendering

def _render_eo(rng: np.random.Generator, lc: _LandCover) -> np.ndarray:
    c = lc.classes
    h, w = c.shape
    eo = np.zeros((3, h, w), np.float32)
    canopy = 1.0 + 0.28 * _fractal(rng, h, w, cell=4, octaves=2)
    soil = 1.0 + 0.08 * _smooth_noise(rng, h, w, cell=12)
    turbid = 1.0 + 0.15 * _smooth_noise(rng, h, w, cell=40)
    g = lc.parcel_value
    for band in range(3):
        crop = (g * _CROP_GREEN[band] + (1 - g) * _CROP_DRY[band]) * (1.0 + 0.10 * lc.rows)
        bare = _BARE[band] * (0.8 + 0.4 * g) * soil
        layer = np.select(
            [c == WATER, c == FOREST, c == CROPS, c == BARE, c == ROAD],
            [_REFLECTANCE[WATER][band] * turbid, _REFLECTANCE[FOREST][band] * canopy, crop, bare,
             np.full((h, w), _REFLECTANCE[ROAD][band], np.float32)],
            default=0.0,
        )
        eo[band] = layer
    for bld in lc.buildings:
        eo[:, bld.y0:bld.y1, bld.x0:bld.x1] = _ROOFS[bld.roof][:, None, None]
        # sun from the north-west: a cast shadow to the south-east, darker ground (EO only)
        sh = max(1, int(round(bld.height_m / 12.0)))
        ys, xs = slice(bld.y1, min(h, bld.y1 + sh)), slice(bld.x0 + 1, min(w, bld.x1 + sh))
        ground = c[ys, xs] != BUILDING
        eo[:, ys, xs] = np.where(ground[None], eo[:, ys, xs] * 0.45, eo[:, ys, xs])
    eo += rng.normal(0.0, 0.002, size=eo.shape).astype(np.float32)
    return np.clip(eo, 0.001, 1.0)


def _incidence_deg(cfg: SynthConfig, w: int) -> np.ndarray:
    return np.linspace(cfg.incidence_near_deg, cfg.incidence_far_deg, w, dtype=np.float32)


def _render_sar_clean_db(rng: np.random.Generator, lc: _LandCover, cfg: SynthConfig) -> np.ndarray:
    c = lc.classes
    h, w = c.shape
    inc = _incidence_deg(cfg, w)[None, :]
    ref_inc = 0.5 * (cfg.incidence_near_deg + cfg.incidence_far_deg)
    base = np.zeros((h, w), np.float32)
    slope = np.zeros((h, w), np.float32)
    for k in range(len(CLASS_NAMES)):
        sel = c == k
        base[sel] = _SIGMA0_DB[k]
        slope[sel] = _INCIDENCE_SLOPE[k]
    g = lc.parcel_value
    wind = _smooth_noise(rng, h, w, cell=48)
    canopy = _fractal(rng, h, w, cell=5, octaves=2)
    texture = np.select(
        [c == WATER, c == FOREST, c == CROPS, c == BARE],
        [1.5 * wind, 0.9 * canopy, 6.0 * (g - 0.5) + 0.6 * lc.rows, 3.0 * (g - 0.5)],
        default=0.0,
    )
    db = base + texture + slope * (inc - ref_inc)
    power = np.power(10.0, db / 10.0, dtype=np.float32)

    tan_inc = np.tan(np.radians(inc[0]))
    px = cfg.pixel_size
    shadow = np.zeros((h, w), bool)
    for bld in lc.buildings:
        t = float(tan_inc[min(bld.x1, w - 1)])
        # radar shadow behind the far wall (ground range length h·tanθ)
        n_sh = max(1, int(round(bld.height_m * t / px)))
        shadow[bld.y0:bld.y1, bld.x1:min(w, bld.x1 + n_sh)] = True
    shadow &= c != BUILDING
    power[shadow] = 10 ** (-27.0 / 10)
    for bld in lc.buildings:
        t = float(tan_inc[bld.x0])
        roof_db = _SIGMA0_DB[BUILDING] + 1.5 * (bld.roof - 2)
        power[bld.y0:bld.y1, bld.x0:bld.x1] = 10 ** (roof_db / 10)
        # layover: wall returns land in front of the near wall (ground range length h/tanθ)
        n_lay = max(1, int(round(bld.height_m / (t * px))))
        xl = max(0, bld.x0 - n_lay)
        power[bld.y0:bld.y1, xl:bld.x0] += 10 ** (-6.0 / 10)
        # double bounce (wall + ground dihedral) at the foot of the wall facing the sensor
        power[bld.y0:bld.y1, bld.x0] = 10 ** ((2.0 + bld.height_m / 8.0) / 10)
    return (10.0 * np.log10(np.maximum(power, 10 ** (SAR_FLOOR_DB / 10)))).astype(np.float32)


def _draw_misalignment(rng: np.random.Generator, cfg: SynthConfig) -> Misalignment:
    # draw all numbers regardless of the magnitude so the direction depends on the seed only
    direction = rng.uniform(0, 2 * math.pi)
    rot_u, scale_u = rng.uniform(-1, 1, size=2)
    m = cfg.misalignment_px
    if m == 0:
        return Misalignment()
    dx, dy = m * math.cos(direction), m * math.sin(direction)
    if cfg.misalignment_mode == "integer":
        dx, dy = float(round(dx)), float(round(dy))
    rot, scale = 0.0, 1.0
    if cfg.rotation_scale:
        edge = 0.25 * m / (cfg.size / 2.0)  # displacement at the scene edge ≤ m/4
        rot = math.degrees(math.atan(edge)) * float(rot_u)
        scale = 1.0 + edge * float(scale_u)
        if cfg.misalignment_mode == "integer":
            rot, scale = 0.0, 1.0
    return Misalignment(dx, dy, rot, scale)


def warp(image: np.ndarray, mis: Misalignment) -> np.ndarray:
    """Resample a [H,W] image under ``mis`` (bilinear, border values repeated)."""
    if mis.is_identity():
        return image.copy()
    h, w = image.shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    a = math.radians(mis.rotation_deg)
    ca, sa = math.cos(a) * mis.scale, math.sin(a) * mis.scale
    xr, yr = xx - cx - mis.dx, yy - cy - mis.dy
    xs = ca * xr - sa * yr + cx
    ys = sa * xr + ca * yr + cy
    if mis.rotation_deg == 0 and mis.scale == 1 and float(mis.dx).is_integer() and float(mis.dy).is_integer():
        # whole-pixel shift: exact copy, no interpolation
        yi = np.clip(ys.astype(np.int64), 0, h - 1)
        xi = np.clip(xs.astype(np.int64), 0, w - 1)
        return image[yi, xi]
    grid = np.stack([(2 * xs + 1) / w - 1, (2 * ys + 1) / h - 1], axis=-1)[None].astype(np.float32)
    out = F.grid_sample(torch.from_numpy(np.ascontiguousarray(image, np.float32))[None, None],
                        torch.from_numpy(grid), mode="bilinear", padding_mode="border", align_corners=False)
    return out[0, 0].numpy()


def generate_scene(seed: int, cfg: SynthConfig = SynthConfig(), *, scene_index: int = 0) -> Scene:
    """Render one scene. ``scene_index`` places it on the map (scenes tile eastwards)."""
    ss = np.random.SeedSequence(int(seed))
    s_land, s_eo, s_sar, s_speckle, s_mis = (np.random.default_rng(s) for s in ss.spawn(5))
    pad = 12  # rendered margin: the misalignment warp samples real content, not padding
    size = cfg.size
    canvas = size + 2 * pad
    lc = _land_cover(s_land, canvas, canvas)
    eo = _render_eo(s_eo, lc)
    clean_db = _render_sar_clean_db(s_sar, lc, cfg)
    mis = _draw_misalignment(s_mis, cfg)
    clean_pow = np.power(10.0, clean_db / 10.0, dtype=np.float32)
    moved_pow = warp(clean_pow, mis)
    # speckle is tied to the sensor's pixel grid: one Gamma(L, 1/L) field for both products,
    # so 0 px misalignment gives a training image identical to the ground truth
    speckle = s_speckle.gamma(cfg.looks, 1.0 / cfg.looks, size=clean_pow.shape).astype(np.float32)
    floor = 10 ** (SAR_FLOOR_DB / 10)
    sar_db = 10.0 * np.log10(np.maximum(clean_pow * speckle, floor))
    train_db = 10.0 * np.log10(np.maximum(moved_pow * speckle, floor))
    crop = (slice(pad, pad + size), slice(pad, pad + size))
    x0 = cfg.origin[0] + scene_index * (size + 16) * cfg.pixel_size
    transform = (x0, cfg.pixel_size, 0.0, cfg.origin[1], 0.0, -cfg.pixel_size)
    return Scene(
        seed=int(seed),
        eo=np.ascontiguousarray(eo[(slice(None),) + crop]),
        classes=np.ascontiguousarray(lc.classes[crop]),
        sar_clean_db=np.ascontiguousarray(clean_db[crop]),
        sar_db=np.ascontiguousarray(sar_db[crop], dtype=np.float32),
        sar_train_db=np.ascontiguousarray(train_db[crop], dtype=np.float32),
        misalignment=mis,
        looks=cfg.looks,
        transform=transform,
        crs=cfg.crs,
    )


# ----------------------------------------------------------------------------- GeoTIFF output

SCENE_FILES = {
    "eo": "{name}_eo.tif",
    "sar": "{name}_sar.tif",
    "sar_aligned": "{name}_sar_aligned.tif",
    "sar_clean": "{name}_sar_clean.tif",
    "classes": "{name}_classes.tif",
}
MANIFEST = "manifest.json"


def write_geotiff(path: Path, data: np.ndarray, transform: tuple[float, ...], crs: str,
                  descriptions: tuple[str, ...] | None = None, nodata: float | None = None) -> None:
    """Write a tiled Deflate GeoTIFF via a temporary file and an atomic rename."""
    import rasterio
    from affine import Affine

    arr = data if data.ndim == 3 else data[None]
    path = Path(path)
    tmp = path.with_name(path.name[: -len(path.suffix)] + ".tmp.tif")
    profile = dict(driver="GTiff", width=arr.shape[2], height=arr.shape[1], count=arr.shape[0],
                   dtype=arr.dtype.name, crs=crs, transform=Affine.from_gdal(*transform),
                   compress="deflate", tiled=True, blockxsize=128, blockysize=128, nodata=nodata)
    if arr.shape[1] < 128 or arr.shape[2] < 128:
        profile.update(tiled=False)
        profile.pop("blockxsize")
        profile.pop("blockysize")
    try:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(arr)
            if descriptions:
                for i, d in enumerate(descriptions, start=1):
                    dst.set_band_description(i, d)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_scene(scene: Scene, out_dir: Path, name: str, eo_dtype: str = "uint16") -> dict[str, str]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if eo_dtype == "uint16":
        eo = scene.eo_uint16()
    elif eo_dtype == "uint8":
        eo = scene.eo_uint8()
    else:
        raise ValueError(f"eo_dtype must be 'uint16' or 'uint8', got {eo_dtype!r}")
    files = {k: v.format(name=name) for k, v in SCENE_FILES.items()}
    write_geotiff(out_dir / files["eo"], eo, scene.transform, scene.crs, EO_BANDS)
    write_geotiff(out_dir / files["sar"], scene.sar_train_db, scene.transform, scene.crs, ("VV_dB",))
    write_geotiff(out_dir / files["sar_aligned"], scene.sar_db, scene.transform, scene.crs, ("VV_dB",))
    write_geotiff(out_dir / files["sar_clean"], scene.sar_clean_db, scene.transform, scene.crs, ("VV_dB",))
    write_geotiff(out_dir / files["classes"], scene.classes, scene.transform, scene.crs, ("class",))
    return files


def write_dataset(out_dir: Path, count: int, cfg: SynthConfig, seed: int = 0, eo_dtype: str = "uint16",
                  progress: bool = True) -> Path:
    """Write ``count`` scenes plus ``manifest.json`` (per-scene seed and misalignment)."""
    out_dir = Path(out_dir)
    seeds = scene_seeds(seed, count)
    scenes = []
    it = range(count)
    if progress:
        from tqdm import tqdm
        it = tqdm(it, desc="eo2sar-synth", unit="scene")
    for i in it:
        scene = generate_scene(seeds[i], cfg, scene_index=i)
        name = f"scene_{i:05d}"
        files = write_scene(scene, out_dir, name, eo_dtype)
        scenes.append({"name": name, "seed": int(seeds[i]), "files": files,
                       "misalignment": asdict(scene.misalignment)})
    manifest = {
        "format": 1,
        "generator": "eo2sar-synth",
        "config": {**asdict(cfg), "origin": list(cfg.origin)},
        "seed": seed,
        "eo_dtype": eo_dtype,
        "eo_bands": list(EO_BANDS),
        "classes": list(CLASS_NAMES),
        "scenes": scenes,
    }
    tmp = out_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, out_dir / MANIFEST)
    return out_dir / MANIFEST


def scene_seeds(seed: int, count: int, stream: int = 0) -> list[int]:
    """Independent per-scene seeds; ``stream`` separates splits (train 0, val 1, test 2)."""
    ss = np.random.SeedSequence([int(seed), int(stream)])
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in ss.spawn(count)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="eo2sar-synth", description="Write synthetic EO/SAR scene pairs with known alignment as GeoTIFFs.")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--count", type=int, default=16, help="number of scenes (default 16)")
    p.add_argument("--size", type=int, default=256, help="scene width and height in px (default 256)")
    p.add_argument("--looks", type=float, default=4.0, help="number of looks of the Gamma speckle (default 4)")
    p.add_argument("--misalignment", type=float, default=0.0, help="training SAR misalignment in px, 0..8 (default 0)")
    p.add_argument("--misalignment-mode", choices=("subpixel", "integer"), default="subpixel")
    p.add_argument("--no-rotation-scale", action="store_true", help="shift only, no rotation/scale")
    p.add_argument("--eo-dtype", choices=("uint16", "uint8"), default="uint16",
                   help="uint16 = reflectance x 10000; uint8 = 255 at reflectance 0.35")
    p.add_argument("--crs", default="EPSG:32633")
    p.add_argument("--pixel-size", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    if a.count < 1:
        p.error("--count must be at least 1")
    try:
        cfg = SynthConfig(size=a.size, looks=a.looks, misalignment_px=a.misalignment,
                          misalignment_mode=a.misalignment_mode, rotation_scale=not a.no_rotation_scale,
                          pixel_size=a.pixel_size, crs=a.crs)
    except ValueError as e:
        p.error(str(e))
    manifest = write_dataset(a.out, a.count, cfg, seed=a.seed, eo_dtype=a.eo_dtype)
    print(f"wrote {a.count} scenes to {a.out} ({manifest.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
