"""Pictures and small tables for docs/results.md (issue 5). Run from the repository root with PYTHONPATH=training.

    python3 training/experiments/figures.py whole MODEL.onnx RASTER.tif -o WHOLE.tif
    python3 training/experiments/figures.py seam TILED_IN TILED_TI WHOLE_IN WHOLE_TI -o docs/images/seam-map.png
    python3 training/experiments/figures.py demo EO.tif CLI_OUT.tif TRUTH.tif -o docs/images/demo-before-after.png
    python3 training/experiments/figures.py multiearth sample-data/models/eo2sar-default.onnx -o docs/images/multiearth.png
    python3 training/experiments/figures.py methods training/runs/compare/main -m 4 --table comparison-recal.json -o docs/images/methods-4px.png
    python3 training/experiments/figures.py curves training/runs/compare/main -m 4 -o docs/images/training-curves.png

Every command prints the numbers it shows (JSON) so they can go into the text.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import rasterio  # noqa: E402

DB_RANGE = (-25.0, 0.0)


def _save(fig: Any, path: Path, dpi: int = 80) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    os.replace(tmp, path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)", file=sys.stderr)


def _read(path: str | Path, band: int = 1) -> np.ndarray:
    with rasterio.open(path) as r:
        return r.read(band).astype(np.float64)


def _rgb(eo: np.ndarray) -> np.ndarray:
    """[3,H,W] raw EO -> [H,W,3] display image with a 2-98 % stretch per band."""
    out = np.empty(eo.shape[1:] + (3,), np.float64)
    for i in range(3):
        b = eo[i].astype(np.float64)
        lo, hi = np.nanpercentile(b, [2, 98])
        out[..., i] = np.clip((b - lo) / max(hi - lo, 1e-9), 0, 1)
    return out


def _sar_ax(ax: Any, db: np.ndarray, title: str) -> None:
    ax.imshow(db, cmap="gray", vmin=DB_RANGE[0], vmax=DB_RANGE[1], interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.axis("off")


def seam(a: argparse.Namespace) -> dict[str, Any]:
    """|tiled - whole| for the instance-norm and the tile-invariant model, on pixels valid in both."""
    res: dict[str, Any] = {}
    diffs = []
    for label, tiled, whole in (("instance norm", a.tiled_in, a.whole_in), ("tile-invariant (frozen stats)", a.tiled_ti, a.whole_ti)):
        t, w = _read(tiled), _read(whole)
        d = np.abs(t - w)
        ok = np.isfinite(d)
        res[label] = {"max_db": float(d[ok].max()), "mean_db": float(d[ok].mean()), "p99_db": float(np.percentile(d[ok], 99)),
                      "pixels": int(ok.sum())}
        diffs.append((label, np.where(ok, d, np.nan)))
    vmax = max(1e-6, max(float(np.nanpercentile(d, 99.5)) for _, d in diffs))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    for ax, (label, d) in zip(axes, diffs):
        im = ax.imshow(d, cmap="magma", vmin=0, vmax=vmax, interpolation="nearest")
        r = res[label]
        ax.set_title(f"{label}\nmax {r['max_db']:.3g} dB, mean {r['mean_db']:.3g} dB", fontsize=9)
        ax.axis("off")
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="|tiled − whole| (dB)")
    fig.suptitle(f"Seam map on {a.raster}: Java CLI --tile {a.tile} (model-card margin) vs {a.whole_label}", fontsize=10)
    _save(fig, a.output)
    return res


def whole(a: argparse.Namespace) -> dict[str, Any]:
    """The whole raster as ONE model input through onnxruntime (model-card normalisation, reflect-padded
    to tile.multiple, nodata -> NaN): the reference a tiled translation should reproduce."""
    import onnxruntime as ort

    from eo2sar_train.modelcard import ModelCard

    sess = ort.InferenceSession(str(a.model), providers=["CPUExecutionProvider"])
    card = ModelCard.from_metadata(dict(sess.get_modelmeta().custom_metadata_map))
    with rasterio.open(a.raster) as r:
        eo, profile, nodata = r.read().astype(np.float32), r.profile, r.nodata
    x = eo * np.float32(card.input_scale)[:, None, None] + np.float32(card.input_offset)[:, None, None]
    h, w = x.shape[1:]
    m = card.tile_multiple
    x = np.pad(x, ((0, 0), (0, (-h) % m), (0, (-w) % m)), mode="reflect")
    y = sess.run(None, {sess.get_inputs()[0].name: x[None]})[0][0, 0, :h, :w]
    y = (y * card.output_scale[0] + card.output_offset[0]).astype(np.float32)
    if nodata is not None:
        y[(eo == nodata).all(0)] = np.nan
    profile.update(count=1, dtype="float32", nodata=float("nan"), compress="deflate")
    with rasterio.open(a.output, "w", **profile) as dst:
        dst.write(y, 1)
    return {"model": card.name, "size": [h, w]}


def demo(a: argparse.Namespace) -> dict[str, Any]:
    from eo2sar_train import metrics

    with rasterio.open(a.eo) as r:
        eo = r.read()
    pred, truth, clean = _read(a.pred), _read(a.truth, 1), _read(a.truth, 2)
    res = {"psnr_ml_vs_clean": metrics.psnr_ml(pred, clean, DB_RANGE),
           "ssim_ml_vs_clean": metrics.ssim_ml(pred, clean, DB_RANGE),
           "w1_db_vs_speckled": metrics.wasserstein_db(pred, truth, DB_RANGE),
           "median_db": float(np.median(pred)), "median_db_truth": float(np.median(truth)),
           "iqr_db": float(np.subtract(*np.percentile(pred, [75, 25]))),
           "iqr_db_truth": float(np.subtract(*np.percentile(truth, [75, 25])))}
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.9))
    axes[0].imshow(_rgb(eo)); axes[0].set_title("EO input (demo-eo.tif, RGB)", fontsize=9); axes[0].axis("off")
    _sar_ax(axes[1], pred, "eo2sar translate (default model)")
    _sar_ax(axes[2], truth, "truth, speckled (4 looks)")
    _sar_ax(axes[3], clean, "truth, speckle-free")
    fig.suptitle(f"Demo scene, VV dB in [-25, 0]: PSNR(5x5 ML vs speckle-free) {res['psnr_ml_vs_clean']:.2f} dB, "
                 f"SSIM {res['ssim_ml_vs_clean']:.3f}, dB-histogram W1 vs speckled {res['w1_db_vs_speckled']:.2f} dB", fontsize=9)
    _save(fig, a.output, dpi=72)
    return res


def multiearth(a: argparse.Namespace) -> dict[str, Any]:
    """Each MultiEarth pair: S2 RGB | generated VV | real S1 VV."""
    from eo2sar_train.data import DataConfig, MultiEarthDataset
    from eo2sar_train.evaluate import load_generator

    gen = load_generator(a.model)
    ds = MultiEarthDataset(DataConfig(kind="multiearth", chip_size=256, max_days=30, max_invalid_fraction=1.0,
                                      augment="none"), "all")
    n = len(ds.pairs)
    fig, axes = plt.subplots(n, 3, figsize=(8.4, 2.9 * n), squeeze=False)
    for row, (pair, (eo, sar_db, _)) in zip(axes, zip(ds.pairs, ds.arrays)):
        row[0].imshow(_rgb(eo)); row[0].set_title(f"S2 RGB {pair.name.split('_S1')[0]}", fontsize=7); row[0].axis("off")
        _sar_ax(row[1], gen.translate(eo), "generated VV (default model)")
        _sar_ax(row[2], sar_db, f"real S1 VV ({pair.days_apart} d apart)")
    fig.suptitle("MultiEarth (Amazon) pairs, VV dB in [-25, 0]", fontsize=10)
    _save(fig, a.output, dpi=56)
    return {"pairs": [p.name for p in ds.pairs]}


def _run_dirs(root: Path, mis: float, table: str = "comparison.json") -> list[tuple[str, Path]]:
    rows = json.loads((root / table).read_text()) if (root / table).is_file() else []
    out = []
    for r in rows:
        if r.get("checkpoint") and float(r["misalignment_px"]) == mis:
            out.append((r["method"], Path(r["checkpoint"])))
    return out


def methods(a: argparse.Namespace) -> dict[str, Any]:
    """One held-out test scene: EO | G(EO) per method | truth (speckled, speckle-free)."""
    from eo2sar_train.evaluate import EvalConfig, load_generator, synthetic_test_set

    runs = _run_dirs(a.root, a.misalignment, a.table)
    ds = synthetic_test_set(EvalConfig(count=max(a.scene + 1, 1), size=a.size, seed=0))
    arr = ds.scene_arrays(a.scene)
    preds = [(m, load_generator(ck).translate(arr["eo"])) for m, ck in runs]
    n = 1 + len(preds) + 2
    fig, axes = plt.subplots(1, n, figsize=(2.9 * n, 3.3))
    axes[0].imshow(_rgb(arr["eo"])); axes[0].set_title("EO input", fontsize=9); axes[0].axis("off")
    for ax, (m, p) in zip(axes[1:], preds):
        _sar_ax(ax, p, f"{m}")
    _sar_ax(axes[-2], arr["sar_aligned"], "truth (speckled)")
    _sar_ax(axes[-1], arr["sar_clean"], "truth (speckle-free)")
    fig.suptitle(f"Held-out synthetic scene {a.scene}, models trained with {a.misalignment:g} px misalignment ({a.table}); VV dB in [-25, 0]",
                 fontsize=10)
    _save(fig, a.output, dpi=68)
    return {"methods": [m for m, _ in preds]}


def curves(a: argparse.Namespace) -> dict[str, Any]:
    """Generator losses vs step from each run's TensorBoard log."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    runs = _run_dirs(a.root, a.misalignment)
    tags = ("G_gan", "cycle", "l1", "pair_x", "pair_y", "D_Y")
    fig, axes = plt.subplots(1, len(runs), figsize=(5 * len(runs), 3.6), squeeze=False)
    for ax, (m, ck) in zip(axes[0], runs):
        ev = sorted(glob.glob(str(ck.parent.parent / "tb" / "events.*")))
        acc = EventAccumulator(ev[-1], size_guidance={"scalars": 0})
        acc.Reload()
        have = acc.Tags()["scalars"]
        for t in tags:
            if f"loss/{t}" in have:
                s = acc.Scalars(f"loss/{t}")
                y = np.array([e.value for e in s])
                k = min(5, len(y))  # light smoothing, the raw curves are GAN-noisy
                ys = np.convolve(y, np.ones(k) / k, mode="valid")
                ax.plot([e.step for e in s][k - 1:], ys, label=t)
        ax.set_yscale("log")
        ax.set_title(f"{m} ({a.misalignment:g} px)", fontsize=10)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Training losses (moving mean of 5 logged points)", fontsize=10)
    _save(fig, a.output)
    return {"runs": [m for m, _ in runs]}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seam")
    for k in ("tiled_in", "tiled_ti", "whole_in", "whole_ti"):
        s.add_argument(k, type=Path)
    s.add_argument("--tile", default="128")
    s.add_argument("--raster", default="RGB.byte.tif")
    s.add_argument("--whole-label", default="one whole-raster input (onnxruntime)")
    wh = sub.add_parser("whole")
    wh.add_argument("model", type=Path)
    wh.add_argument("raster", type=Path)
    d = sub.add_parser("demo")
    for k in ("eo", "pred", "truth"):
        d.add_argument(k, type=Path)
    me = sub.add_parser("multiearth")
    me.add_argument("model", type=Path)
    for name in ("methods", "curves"):
        q = sub.add_parser(name)
        q.add_argument("root", type=Path, help="compare --out folder (comparison.json)")
        q.add_argument("-m", "--misalignment", type=float, default=4.0)
        q.add_argument("--scene", type=int, default=0)
        q.add_argument("--size", type=int, default=256)
        q.add_argument("--table", default="comparison.json",
                       help="which compare table names the checkpoints (comparison-recal.json: recalibrated)")
    for q in sub.choices.values():
        q.add_argument("-o", "--output", type=Path, required=True)
    a = p.parse_args(argv)
    res = {"seam": seam, "whole": whole, "demo": demo, "multiearth": multiearth, "methods": methods, "curves": curves}[a.cmd](a)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
