"""Where the water-land contrast is lost: per patch, the median VV of the EO's water and land pixels,
real against generated, on the training and the test split (the masks and patch rule of realeval's
``water_land_db``).

    PYTHONPATH=training .venv/bin/python training/experiments/real/water_land_patches.py \
        sample-data/models/eo2sar-default.onnx

Prints one markdown row per patch with water, then the pooled medians of each split.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from eo2sar_train import realdata, realeval


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", type=Path)
    a = ap.parse_args()
    predict, _ = realeval.model_predictor(a.model)
    index = realdata.load_index()
    print("| split | site (datatake_row_col of its first patch) | water % | real water | real land | generated water | generated land |")
    print("|---|---|---|---|---|---|---|")
    pooled: dict[str, dict[str, list[np.ndarray]]] = {}
    for split in ("train", "test"):
        p = pooled.setdefault(split, {"real water": [], "real land": [], "gen water": [], "gen land": []})
        for rec in (r for r in index if r["split"] == split):
            eo, sar = realdata.load_pair(rec)
            water, land = realeval.water_land_masks(eo)
            if water.mean() < 0.03 or land.mean() < 0.05:
                continue
            real, gen = sar[0], predict(eo)
            for k, v in (("real water", real[water]), ("real land", real[land]),
                         ("gen water", gen[water]), ("gen land", gen[land])):
                p[k].append(v)
            print(f"| {split} | {rec['site']} | {100 * water.mean():.0f} | {np.median(real[water]):.1f} | "
                  f"{np.median(real[land]):.1f} | {np.median(gen[water]):.1f} | {np.median(gen[land]):.1f} |")
    for split, p in pooled.items():
        m = {k: float(np.median(np.concatenate(v))) for k, v in p.items()}
        print(f"| **{split}, pooled** ({len(p['real water'])} patches) | | | {m['real water']:.1f} | "
              f"{m['real land']:.1f} | {m['gen water']:.1f} | {m['gen land']:.1f} |")
        print(f"<!-- {split}: water-land real {m['real land'] - m['real water']:.1f} dB, "
              f"generated {m['gen land'] - m['gen water']:.1f} dB -->")


if __name__ == "__main__":
    main()
