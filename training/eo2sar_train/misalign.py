"""Injected misalignment of the SAR side of a real pair (issue 10): the real pairs are co-registered to
about a pixel; these modes make them worse in controlled ways, to measure what each loss tolerates.

Each mode moves the SAR image by a displacement of magnitude ``px`` (pixels) and leaves the EO alone:

* ``integer``: one translation per sample, random direction, rounded to whole pixels (no resampling);
* ``subpixel``: the same without rounding (bilinear resampling, which smooths the speckle a little);
* ``constant``: the same translation (``px`` to the east) for every sample: a systematic offset, which
  a model can learn to reproduce, unlike the random ones;
* ``field``: non-rigid, a smooth random displacement field (a 4 x 4 grid of random vectors, bicubic
  upsampled), scaled so its largest displacement is ``px``.

Displacements are applied to the whole 120 px patch before the training crop, so the borders that the
resampling repeats stay outside a 96 px crop for ``px`` up to 12.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

MODES = ("integer", "subpixel", "constant", "field")


def displacement(px: float, mode: str, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """[2,H,W] displacement (dy, dx) in pixels: the SAR pixel at p comes from p - d."""
    if mode not in MODES:
        raise ValueError(f"misalignment mode must be one of {MODES}, got {mode!r}")
    h, w = shape
    if mode == "field":
        coarse = torch.from_numpy(rng.normal(size=(1, 2, 4, 4)).astype(np.float32))
        d = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)[0].numpy()
        return d * (px / max(float(np.sqrt((d ** 2).sum(0)).max()), 1e-12))
    angle = 0.0 if mode == "constant" else rng.uniform(0, 2 * math.pi)
    dy, dx = px * math.sin(angle), px * math.cos(angle)
    if mode == "integer":
        dy, dx = float(round(dy)), float(round(dx))
    return np.stack([np.full((h, w), dy, np.float32), np.full((h, w), dx, np.float32)])


def warp(image: np.ndarray, d: np.ndarray) -> np.ndarray:
    """[C,H,W] image resampled at p - d (bilinear; border values repeated); whole-pixel translations are exact."""
    if np.all(d == d[:, :1, :1]) and float(d[0, 0, 0]).is_integer() and float(d[1, 0, 0]).is_integer():
        dy, dx = int(d[0, 0, 0]), int(d[1, 0, 0])
        h, w = image.shape[1:]
        ys = np.clip(np.arange(h) - dy, 0, h - 1)
        xs = np.clip(np.arange(w) - dx, 0, w - 1)
        return image[:, ys][:, :, xs].copy()
    c, h, w = image.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sy, sx = yy - d[0], xx - d[1]
    grid = torch.from_numpy(np.stack([sx / (w - 1) * 2 - 1, sy / (h - 1) * 2 - 1], -1)[None].astype(np.float32))
    out = F.grid_sample(torch.from_numpy(image[None].astype(np.float32)), grid, mode="bilinear",
                        padding_mode="border", align_corners=True)
    return out[0].numpy()
