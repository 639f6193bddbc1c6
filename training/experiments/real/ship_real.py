"""Export runs trained on the real pairs to ONNX with a card that says, in numbers, how good the model is.

    PYTHONPATH=training python3 training/experiments/real/ship_real.py training/runs/real/RUN [RUN ...] \
        -o sample-data/models/eo2sar-default.onnx [--name eo2sar-default --version 0.3.0]

Several runs (seeds of one config) are shipped as the mean of their generators. On top of the
trainer's card fields: the real test-split scores of the exported file next to the
baselines (``eo2sar_train.realeval``), written into ``eo2sar.training.eval`` and, in words and
numbers, into ``eo2sar.description``; the typical input range (``eo2sar.input.range``: per input band, the median over the clear
training patches of each patch's 2nd/98th percentile) that ``eo2sar translate`` compares
inputs with; training wall time, machine and command. Then G is exported (fp32, opset 18) and
checked against PyTorch with onnxruntime.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import onnx

from eo2sar_train import realdata, realeval
from eo2sar_train.export import export_onnx, load_generator, parity_check, tiling_fields
from eo2sar_train.modelcard import ModelCard
from eo2sar_train.models import MeanOfGenerators

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ship_default import _finite, machine  # noqa: E402  (same machine record as the synthetic model)

ROW_KEYS = ("r_ml", "r_ml_min", "psnr_ml", "w1_db", "enl", "checker", "water_land_db")


def input_range(bands: Sequence[int]) -> list[list[float]]:
    """Per band, the median over clear training patches of each patch's 2nd and 98th percentile: a typical
    scene's range (pooled percentiles would be set by the few cloud and snow patches)."""
    eos = [realdata.load_pair(r)[0] for r in realdata.load_index() if r["split"] == "train" and not r["cloud_or_snow"]]
    per_patch = np.array([[np.percentile(e[b], (2, 98)) for b in bands] for e in eos])  # [patch, band, 2]
    return [[round(float(v), 1) for v in band] for band in np.median(per_patch, axis=0)]


def describe(name: str, rows: dict[str, dict[str, Any]], bands: Sequence[str], steps: int, method: str) -> str:
    m, lin, real = rows[name], rows["linreg"], rows["real VV (reference)"]
    classes = sorted(k[len("median_"):] for k in real if k.startswith("median_"))
    per_class = ", ".join(f"{c} {m['median_' + c]:.1f} dB (real {real['median_' + c]:.1f})" for c in classes)
    worst = max(classes, key=lambda c: abs(m["median_" + c] - real["median_" + c]))
    return (f"Sentinel-2 L2A ({', '.join(bands)}; reflectance x 10000, 10 m) -> Sentinel-1 IW GRD VV sigma0 in dB. "
            f"{method}, {steps} steps on 43 real BigEarthNet pairs (2 CPU cores). "
            f"On 15 held-out real test patches (other places): 5x5-multilooked Pearson r {m['r_ml']:.2f} "
            f"(per-pixel linear regression {lin['r_ml']:.2f}, constant {rows['constant']['r_ml']:.2f}); water-land "
            f"contrast {m['water_land_db']:.1f} dB (real {real['water_land_db']:.1f}); dB histogram W1 {m['w1_db']:.2f} dB "
            f"(regression {lin['w1_db']:.2f}); checkerboard energy {m['checker']:.2f}x real SAR; smoother than SAR "
            f"(ENL {m['enl']:.0f}, real speckle {real['enl']:.0f}): an expected-backscatter map, not a speckle simulation. "
            f"Median per class: {per_class}; furthest off: {worst}. "
            f"Learnt from 43 patches of 120 px in northern and central Europe: expect errors on other climates, "
            f"terrain (no slope/look-angle input), cities and any imagery that is not Sentinel-2 L2A at 10 m.")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path,
                    help="training out_dirs (checkpoints/last.pt, train_seconds.txt); several = their mean (seeds)")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--name", help="card name (default: the training config's)")
    ap.add_argument("--version", help="card version (default: the training config's)")
    ap.add_argument("--tile-size", type=int, help="recommended tile in the card (default: the training config's); "
                    "smaller tiles cost the CLI less memory (docs/benchmarks.md)")
    ap.add_argument("--command", default="training/experiments/real/make_real_models.sh",
                    help="the command that made the model, recorded in the card")
    a = ap.parse_args(argv)
    paths = [r / "checkpoints" / "last.pt" for r in a.runs]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"ship_real: error: {', '.join(missing)} missing (train first)", file=sys.stderr)
        return 2
    loaded = [load_generator(p) for p in paths]
    ckpt = loaded[0][1]
    spec, cfg = ckpt["generator"], ckpt["config"]
    if any(c["generator"] != spec or c["card"]["input_bands"] != ckpt["card"]["input_bands"] for _, c in loaded):
        print("ship_real: error: the runs differ in generator or input bands", file=sys.stderr)
        return 2
    g = loaded[0][0] if len(loaded) == 1 else MeanOfGenerators([m for m, _ in loaded]).eval()
    fields = dict(ckpt["card"])
    fields["name"] = a.name or fields["name"]
    fields["version"] = a.version or fields["version"]
    fields["tile_size"] = a.tile_size or fields["tile_size"]
    fields.update(tiling_fields(g, spec))
    bands = [realdata.EO_BAND_NAMES.index(n) for n in fields["input_bands"]]
    fields["input_range"] = input_range(bands)

    # export, then score the exported file itself and write the scores into its card
    a.output.parent.mkdir(parents=True, exist_ok=True)
    export_onnx(g, ModelCard(**fields), a.output, spec["in_ch"])
    err = parity_check(g, a.output, spec["in_ch"])
    predict, _ = realeval.model_predictor(a.output)
    index = realdata.load_index()
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    test = [(r, *realdata.load_pair(r)) for r in index if r["split"] == "test"]
    label = fields["name"]
    rows = {r["model"]: r for r in realeval.evaluate({**realeval.fit_baselines(train, bands), label: predict}, test)}

    secs = [float((r / "train_seconds.txt").read_text()) for r in a.runs if (r / "train_seconds.txt").is_file()]
    training = dict(fields["training"])
    training.update({
        "seeds": [int(c["config"]["seed"]) for _, c in loaded],
        "train_seconds": secs,
        "machine": machine(),
        "eval": {"data": "real BigEarthNet test split (15 patches, 9 sites; docs/data.md); "
                         "metrics as in eo2sar_train.realeval",
                 "metrics": {k: _finite(rows[label][k]) for k in rows[label] if k != "model"},
                 "baselines": {n: {k: _finite(r[k]) for k in ROW_KEYS} for n, r in rows.items() if n != label}},
        "command": a.command,
    })
    shift = int(cfg["loss"].get("l1_max_shift", 0))
    p2p = "Pix2Pix (ResNet generator" + (f", L1 to the best SAR shift within +-{shift} px)" if shift else ")")
    method = {"pairloss": f"CycleGAN + pair loss (N={cfg['loss']['pair_n']})", "pix2pix": p2p,
              "cyclegan": "CycleGAN"}[cfg["method"]]
    if len(loaded) > 1:
        method = f"mean of {len(loaded)} {method} generators (seeds {', '.join(map(str, training['seeds']))})"
    fields["training"] = training
    fields["description"] = describe(label, rows, fields["input_bands"], int(ckpt.get("step", 0)), method)
    card = ModelCard(**fields)
    proto = onnx.load(str(a.output))
    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, card.to_metadata())
    proto.doc_string = card.description
    tmp = a.output.with_suffix(".tmp.onnx")
    onnx.save(proto, str(tmp))
    os.replace(tmp, a.output)
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e6:.2f} MB), margin {card.tile_margin} px, "
          f"tile_invariant {card.tile_invariant}, parity max abs error {err:.3g}")
    print(card.description)
    print(json.dumps(training["eval"]["metrics"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
