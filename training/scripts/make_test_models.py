#!/usr/bin/env python3
"""Regenerate the tiny ONNX generators used by the Java tests.

Writes ``src/core/src/test/resources/models/tiny-instancenorm.onnx`` and
``tiny-tileinvariant.onnx``: the real ResNet generator topology (7x7 stem, two stride-2
downsamplings, residual blocks, two transposed-conv upsamplings, 7x7 head, reflect padding) at
small width (ngf 8, 2 residual blocks) with fixed-seed random weights (N(0, 0.02), not trained).
The tile-invariant variant gets real normalisation statistics: its running mean/variance are
calibrated on seeded smooth-noise images, so eval-mode normalisation is a non-trivial affine map.

Usage (from the repository root): ``python3 training/scripts/make_test_models.py [--out DIR]``
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # works without `pip install -e training`
from eo2sar_train.export import export_onnx, parity_check
from eo2sar_train.modelcard import ModelCard
from eo2sar_train.models import FrozenStatNorm, ResnetGenerator, init_weights, receptive_radius

SEED = 1234
NGF, N_BLOCKS = 8, 2
MULTIPLE = 4
REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "src" / "core" / "src" / "test" / "resources" / "models"


def smooth_noise(gen: torch.Generator, n: int, size: int) -> torch.Tensor:
    """Images in [-1, 1] with structure at several scales (a stand-in for real scenes)."""
    x = torch.zeros(n, 3, size, size)
    for cells in (4, 16, 64):
        x += F.interpolate(torch.randn(n, 3, cells, cells, generator=gen), size=(size, size), mode="bilinear", align_corners=False)
    return torch.tanh(x / 2)


def build(norm: str) -> ResnetGenerator:
    torch.manual_seed(SEED)
    g = init_weights(ResnetGenerator(3, 1, NGF, N_BLOCKS, norm=norm, upsample="transpose"))
    if norm == "tile-invariant":
        gen = torch.Generator().manual_seed(SEED + 1)
        for m in g.modules():
            if isinstance(m, FrozenStatNorm):
                m.momentum = 0.2
        g.train()
        with torch.no_grad():
            for _ in range(20):
                g(smooth_noise(gen, 4, 96))
    return g.eval()


def card(norm: str, radius: int, margin: int) -> ModelCard:
    invariant = norm == "tile-invariant"
    kind = ("frozen normalisation statistics: a tile's output equals the same region of the whole-image output "
            "once the margin covers the receptive field" if invariant else
            "instance normalisation: each tile is normalised by its own statistics, so tiles show seams")
    return ModelCard(
        name=f"tiny-{'tileinvariant' if invariant else 'instancenorm'}",
        version="0.1.0",
        description=(f"Test model, NOT trained: ResNet generator ngf {NGF}, {N_BLOCKS} residual blocks, fixed-seed "
                     f"({SEED}) random weights; {kind}. Receptive field radius {radius} px, margin {margin} px. "
                     f"Made by training/scripts/make_test_models.py."),
        input_bands=["red", "green", "blue"],
        input_scale=[2 / 255] * 3,   # uint8 0..255 -> [-1, 1]
        input_offset=[-1.0] * 3,
        output_bands=["VV"], output_unit="dB", output_scale=[12.5], output_offset=[-12.5],
        tile_multiple=MULTIPLE, tile_size=256, tile_margin=margin, gsd=10, tile_invariant=invariant,
        training={"method": "none", "purpose": "pipeline tests", "seed": SEED,
                  "generator": {"kind": "resnet", "ngf": NGF, "n_blocks": N_BLOCKS, "norm": norm, "upsample": "transpose"},
                  "receptive_field_radius": radius},
    )


def tile_vs_whole(path: Path, margin: int) -> float:
    """Max |tile output core - whole-image output| for one interior tile (onnxruntime)."""
    import onnxruntime as ort

    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = smooth_noise(torch.Generator().manual_seed(7), 1, 192).numpy()
    whole = s.run(None, {"input": x})[0]
    y0, x0, core = 64, 64, 64
    tile = x[:, :, y0 - margin:y0 + core + margin, x0 - margin:x0 + core + margin]
    out = s.run(None, {"input": np.ascontiguousarray(tile)})[0][:, :, margin:margin + core, margin:margin + core]
    return float(np.abs(out - whole[:, :, y0:y0 + core, x0:x0 + core]).max())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    for norm, filename in (("instance", "tiny-instancenorm.onnx"), ("tile-invariant", "tiny-tileinvariant.onnx")):
        g = build(norm)
        radius = receptive_radius(g, 3)
        margin = max(32, -(-radius // MULTIPLE) * MULTIPLE)
        path = export_onnx(g, card(norm, radius, margin), args.out / filename, in_ch=3)
        err = parity_check(g, path, 3)
        seam = tile_vs_whole(path, margin)
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {path.stat().st_size / 1e3:.0f} kB, "
              f"receptive radius {radius} px, margin {margin} px, parity max abs err {err:.2e} "
              f"(64x64, 2x100x132), interior tile vs whole max abs diff {seam:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
