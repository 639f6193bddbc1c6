"""A global dB offset for a real-data model, fit on the training split, scored on the test split.

    PYTHONPATH=training .venv/bin/python training/experiments/real/level_offset.py sample-data/models/eo2sar-default.onnx

The offset is the one the export applies (``ship_real.level_offset``): the median of the 5x5-multilooked real VV
minus that of the model's multilooked output over the training patches; run on a shipped (calibrated) model it is
about 0. The script also prints the spread (std of the multilooked dB) of both, which says whether a stretch
would be warranted as well. It then scores the model as shipped and with the offset added (realeval's metrics).
Adding a constant leaves r and the water-land contrast unchanged by construction; PSNR, W1 and the per-class
medians show whether the level was off.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from eo2sar_train import realdata, realeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ship_real import level_offset, multilooked  # noqa: E402

COLUMNS = ("model", "r_ml", "r_ml_min", "psnr_ml", "w1_db", "enl", "checker", "water_land_db")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", type=Path)
    a = ap.parse_args()
    predict, _ = realeval.model_predictor(a.model)
    index = realdata.load_index()
    split = {s: [(r, *realdata.load_pair(r)) for r in index if r["split"] == s] for s in ("train", "test")}
    gen, real = multilooked(predict, [(eo, sar) for _, eo, sar in split["train"]])
    offset = level_offset(gen, real)   # what the export applies (ship_real.py)
    print(f"training split, multilooked: offset {offset:+.2f} dB; std real {real.std():.2f}, generated {gen.std():.2f} dB")
    rows = realeval.evaluate({a.model.name: predict,
                              f"{a.model.name} {offset:+.2f} dB": lambda eo: predict(eo) + np.float32(offset)},
                             split["test"])
    medians = sorted(k for k in rows[0] if k.startswith("median_"))
    print(realeval.markdown([{k: r[k] for k in (*COLUMNS, *medians)} for r in rows]))


if __name__ == "__main__":
    main()
