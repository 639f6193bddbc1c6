"""Pictures of real test patches for docs/results.md and the README (issue 9).

    PYTHONPATH=training python3 training/experiments/real/figures_real.py patches MODEL [MODEL ...] -o docs/images/real-test-patches.png
    PYTHONPATH=training python3 training/experiments/real/figures_real.py readme EO.tif CLI_OUT.tif REAL_S1.tif -o docs/images/readme-real.png

``patches``: one row per land-cover class (the test patch with most of it), columns Sentinel-2
RGB | each model (checkpoint or ONNX) | the linear-regression baseline | real Sentinel-1 VV, all
at full resolution (120 px, nearest neighbour), VV in dB on one grey scale [-25, 0].
``readme``: the shipped sample patch through ``eo2sar translate`` next to the real VV.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from figures import _read, _rgb, _sar_ax, _save, plt  # noqa: E402  (same look as the synthetic figures)

from eo2sar_train import realdata, realeval  # noqa: E402

CLASSES = ("water", "urban", "forest", "arable", "pasture")


def _label(path: Path) -> str:
    return path.stem if path.suffix == ".onnx" else path.parent.parent.name


def patches(a: argparse.Namespace) -> None:
    index = realdata.load_index()
    test = [(r, *realdata.load_pair(r)) for r in index if r["split"] == "test"]
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    models = [(_label(m), realeval.model_predictor(m)[0]) for m in a.models]
    linreg = realeval.fit_baselines(train, [0, 1, 2, 3])["linreg"]
    rows = []
    for c in CLASSES:  # the patch where the class is the first (dominant) label, else any carrying it
        cand = [t for t in test if c in t[0]["classes"]]
        cand.sort(key=lambda t: t[0]["classes"].index(c))
        if cand and all(cand[0][0]["id"] != r[0]["id"] for _, r in rows):
            rows.append((c, cand[0]))
    cols = 3 + len(models)
    fig, axes = plt.subplots(len(rows), cols, figsize=(2.3 * cols, 2.45 * len(rows)), squeeze=False)
    for ax_row, (c, (rec, eo, sar)) in zip(axes, rows):
        real = sar[0]
        ax_row[0].imshow(_rgb(eo[:3])); ax_row[0].axis("off")
        ax_row[0].set_title(f"{c}: S2 RGB\n{rec['id'][-22:]}", fontsize=7)
        for ax, (name, pred) in zip(ax_row[1:], models + [("linear regression", linreg)]):
            out = pred(eo)
            r = realeval.pearson_best_shift(realeval.multilook_db(out), realeval.multilook_db(real))
            _sar_ax(ax, out, f"{name}\nr_ml {r:.2f}, median {np.median(out):.1f} dB")
            ax.title.set_fontsize(7)
        _sar_ax(ax_row[-1], real, f"real S1 VV\nmedian {np.median(real):.1f} dB")
        ax_row[-1].title.set_fontsize(7)
    fig.suptitle("Real test patches (never trained on), 120 px at 10 m, VV dB on [-25, 0]", fontsize=9)
    _save(fig, a.output, dpi=90)


def readme(a: argparse.Namespace) -> None:
    with __import__("rasterio").open(a.eo) as r:
        eo = r.read()
    pred, real = _read(a.pred), _read(a.real)
    r = realeval.pearson_best_shift(realeval.multilook_db(pred), realeval.multilook_db(real))
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3))
    axes[0].imshow(_rgb(eo[:3])); axes[0].axis("off"); axes[0].set_title("real Sentinel-2 L2A (RGB shown)", fontsize=9)
    _sar_ax(axes[1], pred, f"eo2sar translate (default model)\nmultilooked r {r:.2f}")
    _sar_ax(axes[2], real, "real Sentinel-1 VV, same place")
    fig.suptitle("Test patch never seen in training: a lake, peat bog and forest in Finland, 1.2 km, VV dB on [-25, 0]", fontsize=8)
    _save(fig, a.output, dpi=90)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("patches"); p.add_argument("models", nargs="+", type=Path); p.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("readme")
    for n in ("eo", "pred", "real"):
        p.add_argument(n)
    p.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args(argv)
    {"patches": patches, "readme": readme}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
