"""Geometric augmentation applied identically to every image of a pair.

``dihedral``: the 8 flips/rotations by 90°. ``azimuth``: only the flip along azimuth (rows),
which keeps the radar's look direction (near range on the left) and therefore the side of
double bounce, layover and shadow — the safe choice when the SAR geometry matters.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import torch

AUGMENT_KINDS = ("none", "dihedral", "azimuth")


def apply_dihedral(t: torch.Tensor, k: int, flip: bool) -> torch.Tensor:
    """Rotate the last two dims by ``k``·90° after an optional vertical flip."""
    if flip:
        t = torch.flip(t, dims=(-2,))
    if k % 4:
        t = torch.rot90(t, k % 4, dims=(-2, -1))
    return t.contiguous()


def draw_transform(kind: str, rng: np.random.Generator) -> tuple[int, bool]:
    if kind not in AUGMENT_KINDS:
        raise ValueError(f"augment must be one of {AUGMENT_KINDS}, got {kind!r}")
    if kind == "none":
        return 0, False
    flip = bool(rng.random() < 0.5)
    k = int(rng.integers(0, 4)) if kind == "dihedral" else 0
    return k, flip


def augment_pair(sample: Mapping[str, torch.Tensor], kind: str, rng: np.random.Generator) -> dict[str, torch.Tensor]:
    """One random transform drawn from ``kind`` applied to every [..., H, W] tensor of ``sample``."""
    k, flip = draw_transform(kind, rng)
    return {key: apply_dihedral(v, k, flip) if isinstance(v, torch.Tensor) and v.ndim >= 2 else v
            for key, v in sample.items()}
