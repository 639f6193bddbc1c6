"""Evaluation on the real BigEarthNet test split (issue 9): models against trivial baselines.

    python -m eo2sar_train.realeval MODEL.onnx|CHECKPOINT.pt [...] [--json out.json]

Per test patch (120 px, VV dB; EO = the model's bands of red, green, blue, nir):

* ``r_ml``: Pearson r of the 5x5-multilooked dB images (linear-power mean), best over integer
  shifts within +-2 px (the pairs are co-registered to about a pixel, not exactly);
* ``psnr_ml``: PSNR of the multilooked images, both clipped to [-30, 5] dB (peak 35 dB);
* pooled over the split: dB-histogram ``w1_db`` against the real VV, ``enl`` (least-varying 10 %
  of 16 px blocks), the ``checker`` ratio (energy at periods 2 and 4 px over its neighbouring
  frequencies, generated / real: 1 = like real SAR), the ``water_land_db`` contrast (median VV of
  land minus water pixels, from the EO: water = dark in the near infrared, NIR < 800 and below half
  the patch's median NIR, which also finds the humic boreal lakes NDWI misses and leaves out
  uniformly dark winter fields; land = NDVI > 0.3, not water; patches with >= 3 % water and >= 5 %
  land: 4 of the 15 test patches, all labelled water) and per-class medians (patches carrying the label).

Baselines, always in the table: ``constant`` (the training median VV), ``linreg`` (per-pixel
least squares from the model's input bands plus NDVI, fit on the training split), ``best-band``
(the single input band with the highest training r, linearly mapped).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import realdata
from .losses import WATER_NIR_FRACTION, WATER_NIR_MAX
from .metrics import _blocks, multilook_db, wasserstein_db

EVAL_RANGE = (-30.0, 5.0)
Predictor = Callable[[np.ndarray], np.ndarray]   # raw EO [4,H,W] red/green/blue/nir -> VV dB [H,W]


def pearson_best_shift(a: np.ndarray, b: np.ndarray, max_shift: int = 2) -> float:
    best = -1.0
    h, w = a.shape
    m = max_shift
    for dy in range(-m, m + 1):
        for dx in range(-m, m + 1):
            aa = a[m + dy:h - m + dy, m + dx:w - m + dx].ravel()
            bb = b[m:h - m, m:w - m].ravel()
            if aa.std() == 0 or bb.std() == 0:
                r = 0.0
            else:
                r = float(np.corrcoef(aa, bb)[0, 1])
            best = max(best, r)
    return best


def psnr_ml(a: np.ndarray, b: np.ndarray) -> float:
    lo, hi = EVAL_RANGE
    mse = float(np.mean((np.clip(a, lo, hi) - np.clip(b, lo, hi)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10((hi - lo) ** 2 / mse)


def checker_energy(images: Sequence[np.ndarray]) -> float:
    """Mean power at the period-2 and period-4 bins (both axes and diagonals) over the median power
    of the surrounding bins (a 7x7 neighbourhood without the peak), spectra averaged over images."""
    spec = np.mean([np.abs(np.fft.fft2(im - im.mean())) ** 2 for im in images], axis=0)
    n = spec.shape[0]
    ratios = []
    for period in (2, 4):
        k = n // period
        for fy, fx in ((0, k), (k, 0), (k, k)):
            neigh = [spec[(fy + i) % n, (fx + j) % n] for i in range(-3, 4) for j in range(-3, 4)
                     if (i, j) != (0, 0) and not (fy == 0 and i == 0) and not (fx == 0 and j == 0)]
            ratios.append(spec[fy, fx] / max(float(np.median(neigh)), 1e-30))
    return float(np.mean(ratios))


def enl_pooled(images: Sequence[np.ndarray], window: int = 16) -> float:
    vals = []
    for db in images:
        b = _blocks(np.power(10.0, db / 10.0), window).reshape(-1, window * window)
        cv2 = b.var(axis=1, ddof=1) / np.maximum(b.mean(axis=1) ** 2, 1e-60)
        vals.append(cv2)
    cv2 = np.concatenate(vals)
    keep = cv2 <= np.quantile(cv2, 0.1)
    return float(1.0 / np.mean(cv2[keep]))


def water_land_masks(eo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(water, land) pixel masks of a raw red/green/blue/nir patch (see the module docstring)."""
    red, nir = eo[0].astype(np.float64), eo[3].astype(np.float64)
    ndvi = (nir - red) / np.maximum(nir + red, 1.0)
    water = (nir < WATER_NIR_MAX) & (nir < WATER_NIR_FRACTION * np.median(nir))
    return water, (ndvi > 0.3) & ~water


def _features(eo: np.ndarray, bands: Sequence[int]) -> np.ndarray:
    x = eo[list(bands)].reshape(len(bands), -1).astype(np.float64) / 10000.0
    red, nir = eo[0].astype(np.float64).ravel(), eo[3].astype(np.float64).ravel()
    ndvi = (nir - red) / np.maximum(nir + red, 1.0)
    return np.vstack([x, ndvi[None] if 3 in bands else np.zeros((0, x.shape[1])), np.ones((1, x.shape[1]))]).T


def fit_baselines(train: Sequence[tuple[np.ndarray, np.ndarray]], bands: Sequence[int]) -> dict[str, Predictor]:
    vv = np.concatenate([s[0].ravel() for _, s in train])
    med = float(np.median(vv))
    X = np.vstack([_features(e, bands) for e, _ in train])
    coef, *_ = np.linalg.lstsq(X, vv, rcond=None)
    best, best_r, best_ab = bands[0], -2.0, (0.0, med)
    for b in bands:
        xb = np.concatenate([e[b].ravel() for e, _ in train]).astype(np.float64)
        r = abs(float(np.corrcoef(xb, vv)[0, 1]))
        if r > best_r:
            a1, a0 = np.polyfit(xb, vv, 1)
            best, best_r, best_ab = b, r, (a1, a0)
    return {
        "constant": lambda eo: np.full(eo.shape[1:], med, np.float32),
        "linreg": lambda eo: (_features(eo, bands) @ coef).reshape(eo.shape[1:]).astype(np.float32),
        f"best-band ({realdata.EO_BAND_NAMES[best]})":
            lambda eo: (best_ab[0] * eo[best].astype(np.float64) + best_ab[1]).astype(np.float32),
    }


def model_predictor(path: Path) -> tuple[Predictor, list[int]]:
    from .evaluate import load_generator
    from .modelcard import ModelCard

    gen = load_generator(path)
    if path.suffix == ".onnx":
        import onnx
        card = ModelCard.from_metadata({p.key: p.value for p in onnx.load(str(path)).metadata_props})
        names = card.input_bands
    else:
        import torch
        names = torch.load(path, map_location="cpu", weights_only=False)["card"]["input_bands"]
    bands = [realdata.EO_BAND_NAMES.index(n) for n in names]
    return (lambda eo: gen.translate(eo[bands])), bands


def evaluate(predictors: dict[str, Predictor], test: Sequence[tuple[dict, np.ndarray, np.ndarray]]) -> list[dict]:
    rows = []
    real_imgs = [s[0] for _, _, s in test]
    for name, pred in [("real VV (reference)", None), *predictors.items()]:
        rs, ps, imgs, per_class = [], [], [], {}
        water, land = [], []
        for rec, eo, sar in test:
            real = sar[0]
            out = real if pred is None else pred(eo)
            imgs.append(out)
            ml_o, ml_r = multilook_db(out), multilook_db(real)
            rs.append(pearson_best_shift(ml_o, ml_r))
            ps.append(psnr_ml(ml_o, ml_r))
            for c in rec["classes"]:
                per_class.setdefault(c, []).append(out.ravel())
            wm, lm = water_land_masks(eo)
            if wm.mean() >= 0.03 and lm.mean() >= 0.05:
                water.append(out[wm])
                land.append(out[lm])
        row = {"model": name, "r_ml": float(np.mean(rs)), "r_ml_min": float(np.min(rs)),
               "psnr_ml": float(np.mean([p for p in ps if math.isfinite(p)] or [math.inf])),
               "w1_db": wasserstein_db(np.concatenate([i.ravel() for i in imgs]),
                                       np.concatenate([i.ravel() for i in real_imgs]), None),
               "enl": enl_pooled(imgs),
               "checker": checker_energy(imgs) / checker_energy(real_imgs),
               "water_land_db": float(np.median(np.concatenate(land)) - np.median(np.concatenate(water))) if water else math.nan}
        for c, v in sorted(per_class.items()):
            row[f"median_{c}"] = float(np.median(np.concatenate(v)))
        rows.append(row)
    return rows


def markdown(rows: Sequence[dict]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r.values()) + " |")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eo2sar-realeval", description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", type=Path)
    ap.add_argument("--split", default="test")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    index = realdata.load_index()
    load = lambda split: [(r, *realdata.load_pair(r)) for r in index if r["split"] == split]  # noqa: E731
    train, test = load("train"), load(a.split)
    preds: dict[str, Predictor] = {}
    band_sets: list[list[int]] = []
    for m in a.models:
        p, bands = model_predictor(m)
        preds[m.name if m.suffix == ".onnx" else f"{m.parent.parent.name}/{m.name}"] = p
        if bands not in band_sets:
            band_sets.append(bands)
    base: dict[str, Predictor] = {}
    for bands in band_sets or [[0, 1, 2, 3]]:
        # one set of baselines per input-band set, fit on the same bands the models get
        tag = "" if len(band_sets) <= 1 else " " + "".join(realdata.EO_BAND_NAMES[b][0].upper() for b in bands)
        base.update({k + tag: v for k, v in fit_baselines([(e, s) for _, e, s in train], bands).items()})
    rows = evaluate({**base, **preds}, test)
    print(markdown(rows))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
