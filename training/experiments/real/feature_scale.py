"""Does the pair loss shrink the encoder features it compares? (issue 10: the affine-free instance norm)

    PYTHONPATH=training .venv/bin/python training/experiments/real/feature_scale.py \
        training/runs/real/mis/{cyc,pair}{inst,instna}-m0-s0

The pair loss is an L1 between h(real) and h(fake), the first N blocks' features of G and F, so scaling the
features down lowers it without making the two more alike. With a learnt affine after the instance norm
(``instance``) the encoders can do exactly that; the reference's affine-free norm (``instance-noaffine``)
pins each channel's spread. Per run: mean |h_G(x)| on the real test EO, mean |h_F(y)| on the real test VV
(model space, the run's N), and the mean learnt scale |gamma| of the norms inside those N blocks. The
shrinkage is the pair-loss run over the CycleGAN run with the same norm.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from eo2sar_train import realdata
from eo2sar_train.export import _strip_prefixes, load_generator
from eo2sar_train.models import GeneratorConfig, build_generator


def _f_net(ckpt: dict) -> nn.Module:
    """F, the SAR->EO generator of a cycle checkpoint (export.load_generator rebuilds only G)."""
    spec = ckpt["generator"]
    f = build_generator(GeneratorConfig(**spec["config"]), spec["out_ch"], spec["in_ch"])
    f.load_state_dict(_strip_prefixes(ckpt["F"]))
    return f.eval()


def _gamma(g: nn.Module, n: int) -> float:
    """Mean |learnt scale| of the norm layers in the first n blocks (nan without a learnt affine)."""
    w = [m.weight.detach().abs().mean().item() for b in g.blocks[:n] for m in b.modules()
         if isinstance(m, (nn.InstanceNorm2d, nn.BatchNorm2d)) and m.weight is not None]
    return float(np.mean(w)) if w else float("nan")


def measure(run: Path, test: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    g, ckpt = load_generator(run / "checkpoints" / "last.pt")
    f = _f_net(ckpt)
    n = int(ckpt["config"]["loss"]["pair_n"])
    card = ckpt["card"]
    bands = [realdata.EO_BAND_NAMES.index(b) for b in card["input_bands"]]
    scale = np.asarray(card["input_scale"], np.float32)[:, None, None]
    offset = np.asarray(card["input_offset"], np.float32)[:, None, None]
    hx, hy = [], []
    with torch.no_grad():
        for eo, sar in test:
            x = torch.from_numpy((eo[bands].astype(np.float32) * scale + offset).clip(-1, 1))[None]
            y = ((sar[:1] - card["output_offset"][0]) / card["output_scale"][0]).clip(-1, 1).astype(np.float32)
            hx.append(g.features(x, n).abs().mean().item())
            hy.append(f.features(torch.from_numpy(y)[None], n).abs().mean().item())
    return {"run": run.name, "method": ckpt["config"]["method"], "norm": ckpt["generator"]["config"]["norm"],
            "n": n, "h_g": float(np.mean(hx)), "h_f": float(np.mean(hy)), "gamma_g": _gamma(g, n),
            "gamma_f": _gamma(f, n)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", type=Path, nargs="+", help="finished cyclegan / pairloss run folders")
    a = ap.parse_args(argv)
    test = [realdata.load_pair(r) for r in realdata.load_index() if r["split"] == "test"]
    rows = [measure(r, test) for r in a.runs]
    print("| run | method | norm | N | mean \\|h_G(x)\\| | mean \\|h_F(y)\\| | mean \\|γ\\| G / F | "
          "pair / CycleGAN, same norm: h_G, h_F |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ref = next((c for c in rows if c["method"] == "cyclegan" and c["norm"] == r["norm"]), None)
        ratio = (f"{r['h_g'] / ref['h_g']:.2f}, {r['h_f'] / ref['h_f']:.2f}"
                 if ref is not None and r["method"] == "pairloss" else "")
        gam = "–" if np.isnan(r["gamma_g"]) else f"{r['gamma_g']:.2f} / {r['gamma_f']:.2f}"
        print(f"| {r['run']} | {r['method']} | {r['norm']} | {r['n']} | {r['h_g']:.3f} | {r['h_f']:.3f} | "
              f"{gam} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
