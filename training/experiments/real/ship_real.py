"""Export runs trained on the real pairs to ONNX with a card that says, in numbers, how good the model is.

    PYTHONPATH=training python3 training/experiments/real/ship_real.py training/runs/real/RUN [RUN ...] \
        -o sample-data/models/eo2sar-default.onnx [--name eo2sar-default --version 0.3.0]
    PYTHONPATH=training python3 training/experiments/real/ship_real.py --recalibrate MODEL.onnx [--version V]

Several runs (seeds of one config) are shipped as the mean of their generators. The output level is
set on the training split: the card's output offset moves by the median of the multilooked real VV
minus that of the multilooked output over the training patches (the L1-trained generators sit ~1 dB
low; docs/results.md §0.4). ``--recalibrate`` does that, and what follows, for an exported file. On top of the
trainer's card fields: the real test-split scores of the exported file next to the
baselines (``eo2sar_train.realeval``), written into ``eo2sar.training.eval`` and, in words and
numbers, into ``eo2sar.description``; the typical input range (``eo2sar.input.range``: per input band, the median over the clear
training patches of each patch's 2nd/98th percentile) that ``eo2sar translate`` compares
inputs with; training wall time, machine and command. Then G is exported (fp32, opset 18) and
checked against PyTorch with onnxruntime.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
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


def describe(name: str, rows: dict[str, dict[str, Any]], bands: Sequence[str], recipe: str, level_db: float) -> str:
    m, lin, real = rows[name], rows["linreg"], rows["real VV (reference)"]
    classes = sorted(k[len("median_"):] for k in real if k.startswith("median_"))
    per_class = ", ".join(f"{c} {m['median_' + c]:.1f} dB (real {real['median_' + c]:.1f})" for c in classes)
    worst = max(classes, key=lambda c: abs(m["median_" + c] - real["median_" + c]))
    return (f"Sentinel-2 L2A ({', '.join(bands)}; reflectance x 10000, 10 m) -> Sentinel-1 IW GRD VV sigma0 in dB. "
            f"{recipe} on 43 real BigEarthNet pairs (2 CPU cores), output level set on them ({level_db:+.2f} dB). "
            f"On 15 held-out real test patches (other places): 5x5-multilooked Pearson r {m['r_ml']:.2f} "
            f"(per-pixel linear regression {lin['r_ml']:.2f}, constant {rows['constant']['r_ml']:.2f}); water-land "
            f"contrast {m['water_land_db']:.1f} dB (real {real['water_land_db']:.1f}); dB histogram W1 {m['w1_db']:.2f} dB "
            f"(regression {lin['w1_db']:.2f}); checkerboard energy {m['checker']:.2f}x real SAR; smoother than SAR "
            f"(ENL {m['enl']:.0f}, real speckle {real['enl']:.0f}): an expected-backscatter map, not a speckle simulation. "
            f"Median per class: {per_class}; furthest off: {worst}. "
            f"Learnt from 43 patches of 120 px in northern and central Europe: expect errors on other climates, "
            f"terrain (no slope/look-angle input), cities and any imagery that is not Sentinel-2 L2A at 10 m.")


def multilooked(predict: realeval.Predictor,
                train: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The 5x5-multilooked output and real VV (dB) of the training patches, pooled."""
    gen = np.concatenate([realeval.multilook_db(predict(eo)).ravel() for eo, _ in train])
    real = np.concatenate([realeval.multilook_db(sar[0]).ravel() for _, sar in train])
    return gen, real


def level_offset(gen: np.ndarray, real: np.ndarray) -> float:
    """dB to add so that the median of the multilooked output (:func:`multilooked`) is the real VV's."""
    return float(np.median(real) - np.median(gen))


def write_card(path: Path, card: ModelCard) -> None:
    proto = onnx.load(str(path))
    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, card.to_metadata())
    proto.doc_string = card.description
    tmp = path.with_suffix(".tmp.onnx")
    onnx.save(proto, str(tmp))
    os.replace(tmp, path)


def calibrate_and_score(path: Path, fields: dict[str, Any], recipe: str, training: dict[str, Any]) -> ModelCard:
    """Sets the output level of the exported ``path`` on the training split, scores it on the test split and writes
    the card (``fields`` with ``training`` and a description of ``recipe``, e.g. "Pix2Pix ..., 1200 steps")."""
    bands = [realdata.EO_BAND_NAMES.index(n) for n in fields["input_bands"]]
    index = realdata.load_index()
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    test = [(r, *realdata.load_pair(r)) for r in index if r["split"] == "test"]
    offset = level_offset(*multilooked(realeval.model_predictor(path)[0], train))  # the card as exported (or shipped)
    fields["output_offset"] = [round(o + offset, 4) for o in fields["output_offset"]]
    training["level_offset_db"] = round(training.get("level_offset_db", 0.0) + offset, 4)
    write_card(path, ModelCard(**fields))
    predict, _ = realeval.model_predictor(path)
    label = fields["name"]
    rows = {r["model"]: r for r in realeval.evaluate({**realeval.fit_baselines(train, bands), label: predict}, test)}
    training["eval"] = {"data": "real BigEarthNet test split (15 patches, 9 sites; docs/data.md); "
                                "metrics as in eo2sar_train.realeval",
                        "metrics": {k: _finite(rows[label][k]) for k in rows[label] if k != "model"},
                        "baselines": {n: {k: _finite(r[k]) for k in ROW_KEYS} for n, r in rows.items() if n != label}}
    fields["training"] = training
    fields["description"] = describe(label, rows, fields["input_bands"], recipe, training["level_offset_db"])
    card = ModelCard(**fields)
    write_card(path, card)
    return card


def recalibrate(path: Path, version: str | None) -> ModelCard:
    """Level and scores of an exported real-data model set again (its weights untouched)."""
    card = ModelCard.from_metadata({p.key: p.value for p in onnx.load(str(path)).metadata_props})
    recipe = re.search(r"dB\. (.+ steps) on ", card.description)
    if recipe is None:
        raise ValueError(f"{path}: the card's description does not name its recipe (was it made by ship_real.py?)")
    fields = dataclasses.asdict(card)
    fields["version"] = version or fields["version"]
    training = dict(fields["training"])
    training["command"] = f"{training.get('command', '?')}, then ship_real.py --recalibrate"
    return calibrate_and_score(path, fields, recipe.group(1), training)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="*", type=Path,
                    help="training out_dirs (checkpoints/last.pt, train_seconds.txt); several = their mean (seeds)")
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--recalibrate", type=Path, metavar="MODEL.onnx",
                    help="set the level and the scores of this exported model again, instead of exporting runs")
    ap.add_argument("--name", help="card name (default: the training config's)")
    ap.add_argument("--version", help="card version (default: the training config's)")
    ap.add_argument("--tile-size", type=int, help="recommended tile in the card (default: the training config's); "
                    "smaller tiles cost the CLI less memory (docs/benchmarks.md)")
    ap.add_argument("--command", default="training/experiments/real/make_real_models.sh",
                    help="the command that made the model, recorded in the card")
    a = ap.parse_args(argv)
    if a.recalibrate:
        card = recalibrate(a.recalibrate, a.version)
        print(f"recalibrated {a.recalibrate}: level offset {card.training['level_offset_db']:+.2f} dB in all")
        print(card.description)
        return 0
    if not a.runs or a.output is None:
        ap.error("give training runs and -o OUTPUT, or --recalibrate MODEL.onnx")
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

    a.output.parent.mkdir(parents=True, exist_ok=True)
    export_onnx(g, ModelCard(**fields), a.output, spec["in_ch"])
    err = parity_check(g, a.output, spec["in_ch"])

    secs = [float((r / "train_seconds.txt").read_text()) for r in a.runs if (r / "train_seconds.txt").is_file()]
    training = dict(fields["training"])
    training.update({
        "seeds": [int(c["config"]["seed"]) for _, c in loaded],
        "train_seconds": secs,
        "machine": machine(),
        "command": a.command,
    })
    shift = int(cfg["loss"].get("l1_max_shift", 0))
    p2p = "Pix2Pix (ResNet generator" + (f", L1 to the best SAR shift within +-{shift} px)" if shift else ")")
    method = {"pairloss": f"CycleGAN + pair loss (N={cfg['loss']['pair_n']})", "pix2pix": p2p,
              "cyclegan": "CycleGAN"}[cfg["method"]]
    if len(loaded) > 1:
        method = f"mean of {len(loaded)} {method} generators (seeds {', '.join(map(str, training['seeds']))})"
    card = calibrate_and_score(a.output, fields, f"{method}, {int(ckpt.get('step', 0))} steps", training)
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e6:.2f} MB), margin {card.tile_margin} px, "
          f"tile_invariant {card.tile_invariant}, parity max abs error {err:.3g}")
    print(card.description)
    print(json.dumps(card.training["eval"]["metrics"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
