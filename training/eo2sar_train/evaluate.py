"""Evaluate EO→SAR generators against aligned ground truth (``eo2sar-eval``).

A generator is a trainer checkpoint (``.pt``) or an exported ONNX file. Both are run through
their model card: raw EO → ``raw·scale + offset`` → G → ``y·scale + offset`` dB, so an ONNX
evaluation also checks the card a Java consumer will use.

Data: held-out synthetic scenes (the ``test`` split of the synthetic dataset: own seed stream,
never seen in training) with the speckle-free and speckled aligned truth, or the MultiEarth
pairs (real Sentinel-1 VV; no speckle-free truth, so structure is scored against the speckled
image after multilooking, and ENL uses no-reference homogeneous blocks).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

from . import metrics, synth
from .data import DataConfig, MultiEarthDataset, SyntheticDataset

#: metrics averaged over scenes (ENL: median, it is a ratio with a heavy tail)
SUMMARY_METRICS = ("psnr", "ssim", "psnr_shift", "hist_w1_db", "hist_intersection", "enl", "enl_truth",
                   "median_db", "median_db_truth", "iqr_db", "iqr_db_truth")


@dataclass
class LoadedGenerator:
    """A generator plus the model-card normalisation around it."""

    run: Callable[[np.ndarray], np.ndarray]  # [N,C,H,W] model space → [N,1,H,W] model space
    input_scale: list[float]
    input_offset: list[float]
    output_scale: float
    output_offset: float
    multiple: int
    name: str

    def translate(self, eo_raw: np.ndarray) -> np.ndarray:
        """Raw EO [C,H,W] → generated sigma0 [H,W] in dB on the same grid."""
        c, h, w = eo_raw.shape
        if c != len(self.input_scale):
            raise ValueError(f"{self.name}: model expects {len(self.input_scale)} EO bands, got {c}")
        x = eo_raw.astype(np.float32) * np.asarray(self.input_scale, np.float32)[:, None, None] \
            + np.asarray(self.input_offset, np.float32)[:, None, None]
        m = max(1, self.multiple)
        ph, pw = (-h) % m, (-w) % m
        if ph or pw:  # reflect-pad to the model's size multiple, crop afterwards
            x = np.pad(x, ((0, 0), (0, ph), (0, pw)), mode="reflect")
        y = self.run(x[None].astype(np.float32))[0, 0, :h, :w]
        return (y.astype(np.float64) * self.output_scale + self.output_offset).astype(np.float32)


def load_generator(path: str | Path, device: str = "cpu") -> LoadedGenerator:
    """An ``.onnx`` file (run with onnxruntime) or a trainer checkpoint (run with PyTorch)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    if path.suffix.lower() == ".onnx":
        import onnxruntime as ort

        from .modelcard import ModelCard

        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device.startswith("cuda") else ["CPUExecutionProvider"]
        sess = ort.InferenceSession(str(path), providers=providers)
        try:
            card = ModelCard.from_metadata(dict(sess.get_modelmeta().custom_metadata_map))
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        in_name = sess.get_inputs()[0].name
        return LoadedGenerator(lambda x: sess.run(None, {in_name: x})[0], card.input_scale, card.input_offset,
                               float(card.output_scale[0]), float(card.output_offset[0]), card.tile_multiple, path.name)
    from .export import load_generator as load_checkpoint

    g, ckpt = load_checkpoint(path)
    card = ckpt.get("card") or {}
    if not all(k in card for k in ("input_scale", "input_offset", "output_scale", "output_offset")):
        raise ValueError(f"{path}: checkpoint has no model card fields (input/output scale and offset)")
    dev = torch.device(device)
    g = g.to(dev).eval()

    def run(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():  # the clamp eo2sar-export puts into the graph, so checkpoint and ONNX agree
            return g(torch.from_numpy(x).to(dev).clamp(-1.0, 1.0)).float().cpu().numpy()

    return LoadedGenerator(run, list(card["input_scale"]), list(card["input_offset"]), float(card["output_scale"][0]),
                           float(card["output_offset"][0]), int(getattr(g, "multiple", 4)), path.name)


@dataclass
class EvalConfig:
    count: int = 16
    size: int = 256
    seed: int = 0
    looks: float = 4.0
    db_range: tuple[float, float] = (-25.0, 0.0)
    multilook: int = 5
    max_shift: int = 4
    enl_window: int = 16
    #: "auto": uint8 when the model's input scale is 2/255, else reflectance x 10000
    eo_dtype: str = "auto"


def _eo_scale_for(gen: LoadedGenerator | None, cfg: EvalConfig) -> str:
    if cfg.eo_dtype == "uint8":
        return "uint8"
    if cfg.eo_dtype == "uint16" or gen is None:
        return "reflectance10000"
    return "uint8" if math.isclose(gen.input_scale[0], 2.0 / 255.0, rel_tol=1e-3) else "reflectance10000"


def synthetic_test_set(cfg: EvalConfig, eo_scale: str = "reflectance10000") -> SyntheticDataset:
    """The held-out synthetic scenes (test split) evaluation runs on."""
    dcfg = DataConfig(kind="synthetic", chip_size=cfg.size, num_eval_samples=cfg.count, seed=cfg.seed,
                      looks=cfg.looks, eo_scale=eo_scale, sar_db_range=cfg.db_range, augment="none")
    return SyntheticDataset(dcfg, "test")


def _scene_metrics(pred_db: np.ndarray, arr: dict[str, np.ndarray], cfg: EvalConfig) -> dict[str, float]:
    return metrics.sar_metrics(pred_db, arr["sar_clean"], arr["sar_aligned"],
                               homogeneous=synth.homogeneous_mask(arr["classes"]), db_range=cfg.db_range,
                               looks=cfg.multilook, max_shift=cfg.max_shift, enl_window=cfg.enl_window)


def summarize(rows: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {"scenes": len(rows)}
    for k in SUMMARY_METRICS:
        vals = np.array([r[k] for r in rows if k in r], np.float64)
        vals = vals[~np.isnan(vals)]
        if vals.size == 0:
            out[k] = math.nan
        elif k.startswith("enl"):
            out[k] = float(np.median(vals))
        else:
            out[k] = float(np.mean(vals))
    return out


def evaluate_synthetic(gen: LoadedGenerator | str, cfg: EvalConfig = EvalConfig()) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Metrics of ``gen`` on the held-out synthetic scenes: (summary, per-scene rows).

    ``gen`` may also be a reference instead of a model: ``"truth"`` (the speckled aligned truth
    itself: the realism target) or ``"clean"`` (the speckle-free truth: perfect structure, no
    speckle, i.e. the ideal blurry model).
    """
    ds = synthetic_test_set(cfg, _eo_scale_for(gen if isinstance(gen, LoadedGenerator) else None, cfg))
    rows = []
    for i in range(len(ds.seeds)):
        arr = ds.scene_arrays(i)
        if isinstance(gen, LoadedGenerator):
            pred = gen.translate(arr["eo"])
        elif gen == "truth":
            pred = arr["sar_aligned"]
        elif gen == "clean":
            pred = arr["sar_clean"]
        else:
            raise ValueError(f"unknown reference {gen!r} (expected truth or clean)")
        rows.append({"scene": float(i), **_scene_metrics(pred, arr, cfg)})
    return summarize(rows), rows


def evaluate_multiearth(gen: LoadedGenerator, root: str | Path | None = None, cfg: EvalConfig = EvalConfig(),
                        max_days: int = 30) -> list[dict[str, Any]]:
    """Per MultiEarth pair: generated VV vs the real VV (distribution, ENL, multilooked PSNR/SSIM)."""
    dcfg = DataConfig(kind="multiearth", root=str(root) if root else None, chip_size=256, max_days=max_days,
                      max_invalid_fraction=1.0, augment="none", sar_db_range=cfg.db_range)
    ds = MultiEarthDataset(dcfg, "all")
    rows: list[dict[str, Any]] = []
    for pair, (eo, sar_db, invalid) in zip(ds.pairs, ds.arrays):
        pred = gen.translate(eo)
        m = metrics.sar_metrics(pred, None, sar_db, None, None, cfg.db_range, cfg.multilook, cfg.max_shift, cfg.enl_window)
        rows.append({"pair": pair.name, "days_apart": pair.days_apart,
                     "invalid_fraction": float(invalid.mean()), **m})
    return rows


# ----------------------------------------------------------------------------- tables

def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf"
        return f"{v:.4g}" if abs(v) >= 1e4 or abs(v) < 1e-3 and v != 0 else f"{v:.3f}"
    return str(v)


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c, "")) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_tables(rows: Sequence[dict[str, Any]], columns: Sequence[str], stem: Path, title: str = "") -> list[Path]:
    """``stem``.md, ``stem``.csv and ``stem``.json, each written atomically."""
    stem = Path(stem)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    md = (f"# {title}\n\n" if title else "") + markdown_table(rows, columns)
    paths = [stem.with_suffix(".md"), stem.with_suffix(".csv"), stem.with_suffix(".json")]
    _atomic_write(paths[0], md)
    _atomic_write(paths[1], buf.getvalue())
    _atomic_write(paths[2], json.dumps(list(rows), indent=1, default=str))
    return paths


SYNTH_COLUMNS = ("model", "scenes", "psnr", "ssim", "psnr_shift", "hist_w1_db", "hist_intersection", "enl",
                 "enl_truth", "median_db", "median_db_truth", "seconds")
MULTIEARTH_COLUMNS = ("model", "pair", "days_apart", "median_db", "median_db_truth", "iqr_db", "iqr_db_truth",
                      "enl", "enl_truth", "hist_w1_db", "psnr", "ssim")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="eo2sar-eval", description="Evaluate EO→SAR generators (checkpoint .pt or .onnx) "
                                "on held-out synthetic scenes with aligned ground truth, or on MultiEarth pairs.")
    p.add_argument("models", nargs="*", type=Path, help="checkpoints (.pt) and/or ONNX files")
    p.add_argument("--data", choices=("synthetic", "multiearth"), default="synthetic")
    p.add_argument("--multiearth-root", type=Path, help="MultiEarth folder (default ../shared/data/multiearth)")
    p.add_argument("--count", type=int, default=16, help="held-out synthetic scenes (default 16)")
    p.add_argument("--size", type=int, default=256, help="scene size in px (default 256)")
    p.add_argument("--seed", type=int, default=0, help="data seed; use the training data's seed (default 0)")
    p.add_argument("--looks", type=float, default=4.0)
    p.add_argument("--max-shift", type=int, default=4, help="shift-tolerant PSNR search radius in px (default 4)")
    p.add_argument("--references", action="store_true",
                   help="also score the speckled truth and the speckle-free truth as if they were models")
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", type=Path, help="write OUT.md, OUT.csv and OUT.json")
    a = p.parse_args(argv)
    if not a.models and not a.references:
        p.error("give at least one model or --references")
    if a.count < 1 or a.size < 32:
        p.error("--count must be >= 1 and --size >= 32")
    cfg = EvalConfig(count=a.count, size=a.size, seed=a.seed, looks=a.looks, max_shift=a.max_shift)
    rows: list[dict[str, Any]] = []
    try:
        if a.data == "multiearth":
            for m in a.models:
                gen = load_generator(m, a.device)
                rows += [{"model": m.name, **r} for r in evaluate_multiearth(gen, a.multiearth_root, cfg)]
            columns: Sequence[str] = MULTIEARTH_COLUMNS
        else:
            targets: list[Any] = (["truth", "clean"] if a.references else []) + list(a.models)
            for t in targets:
                t0 = time.perf_counter()
                gen = load_generator(t, a.device) if isinstance(t, Path) else t
                summary, _ = evaluate_synthetic(gen, cfg)
                label = t.name if isinstance(t, Path) else f"reference: {t}"
                rows.append({"model": label, **summary, "seconds": time.perf_counter() - t0})
            columns = SYNTH_COLUMNS
    except (ValueError, FileNotFoundError) as e:
        print(f"eo2sar-eval: error: {e}", file=sys.stderr)
        return 2
    print(markdown_table(rows, columns), end="")
    if a.out:
        title = f"eo2sar-eval on {a.data}" + (f" ({cfg.count} scenes of {cfg.size} px, seed {cfg.seed}, {cfg.looks:g} looks)"
                                              if a.data == "synthetic" else "")
        for path in write_tables(rows, columns, a.out, title):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
