"""TuiGAN, the per-scene baseline, on real test patches (issue 10), scored like every other model.

    PYTHONPATH=training .venv/bin/python training/experiments/real/tuigan_eval.py \
        --models sample-data/models/eo2sar-default.onnx --json training/runs/real/tuigan/scores.json \
        --figure docs/images/tuigan-real.png

TuiGAN learns from two unpaired images. For each chosen test patch (the first whose dominant
land-cover class is water (with enough land beside it for the water-land contrast), arable and
forest) it gets that patch's Sentinel-2 red/green/blue/nir and,
as its one SAR image, the VV of a *training* patch of the same dominant class: never the test patch's
own VV, which is the answer it is scored against. Scenes train in parallel, one thread each. The
same patches are scored for the baselines (fit on the training split) and the given models, with
eo2sar_train.realeval's metrics, so the rows compare like with like (only 3 patches: read the
numbers as indicative; the water-land contrast is measured on the water patch alone).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from eo2sar_train import realdata, realeval
from eo2sar_train.tuigan import TuiGAN, TuiGANConfig

CLASSES = ("water", "arable", "forest")
DB_RANGE = (-35.0, 10.0)   # the shipped models' output range; TuiGAN's SAR side is normalised the same way


def choose(index: list[dict]) -> list[tuple[str, dict, dict]]:
    """(class, test record, reference training record) per class in CLASSES."""
    test = [r for r in index if r["split"] == "test"]
    train = [r for r in index if r["split"] == "train"]
    out = []
    def scores_contrast(r: dict) -> bool:  # realeval measures water-land only where both are present
        water, land = realeval.water_land_masks(realdata.load_pair(r)[0])
        return water.mean() >= 0.03 and land.mean() >= 0.05

    for c in CLASSES:
        t = next(r for r in test if r["classes"][0] == c and (c != "water" or scores_contrast(r)))
        ref = next((r for r in train if r["classes"][0] == c), None) or next(r for r in train if c in r["classes"])
        out.append((c, t, ref))
    return out


def _to_unit(sar_db: np.ndarray) -> np.ndarray:
    lo, hi = DB_RANGE
    return (np.clip(sar_db, lo, hi) - (hi + lo) / 2) / ((hi - lo) / 2)


def translate_one(args: tuple[dict, dict, TuiGANConfig]) -> tuple[np.ndarray, list[float]]:
    """Trains TuiGAN on (test EO, reference SAR); returns the VV dB and the seconds per scale."""
    import torch
    torch.set_num_threads(1)
    test_rec, ref_rec, cfg = args
    eo, _ = realdata.load_pair(test_rec)
    _, ref_sar = realdata.load_pair(ref_rec)
    x = torch.from_numpy(np.clip(eo.astype(np.float32) * (2 / 10000) - 1, -1, 1))[None]
    y = torch.from_numpy(_to_unit(ref_sar[:1].astype(np.float32)))[None]
    t = TuiGAN(cfg, x, y).fit(progress=True)
    lo, hi = DB_RANGE
    out = t.translate()[0, 0].numpy() * ((hi - lo) / 2) + (hi + lo) / 2
    return out.astype(np.float32), t.seconds_per_scale


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", type=Path, default=[])
    ap.add_argument("--iters", type=int, default=TuiGANConfig.iters)
    ap.add_argument("--scales", type=int, default=TuiGANConfig.scales)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--figure", type=Path)
    a = ap.parse_args(argv)
    cfg = replace(TuiGANConfig(), iters=a.iters, scales=a.scales)
    index = realdata.load_index()
    chosen = choose(index)
    start = time.perf_counter()
    with ProcessPoolExecutor(a.workers) as pool:
        results = list(pool.map(translate_one, [(t, ref, cfg) for _, t, ref in chosen]))
    wall = time.perf_counter() - start

    test = [(t, *realdata.load_pair(t)) for _, t, _ in chosen]
    by_id = {t["id"]: out for (_, t, _), (out, _) in zip(chosen, results)}
    outputs = {eo.tobytes(): by_id[rec["id"]] for rec, eo, _ in test}
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    preds: dict[str, realeval.Predictor] = dict(realeval.fit_baselines(train, [0, 1, 2, 3]))
    for m in a.models:
        preds[m.name] = realeval.model_predictor(m)[0]
    preds["TuiGAN (per scene)"] = lambda eo: outputs[eo.tobytes()]
    rows = realeval.evaluate(preds, test)
    print(realeval.markdown(rows))
    per_scene = [{"class": c, "test": t["id"], "reference_sar": ref["id"], "seconds_per_scale": s,
                  "r_ml": realeval.pearson_best_shift(realeval.multilook_db(out), realeval.multilook_db(sar[0]))}
                 for (c, t, ref), (out, s), (_, _, sar) in zip(chosen, results, test)]
    for p in per_scene:
        print(f"{p['class']}: {p['test']} <- SAR of {p['reference_sar']}: r_ml {p['r_ml']:.2f}, "
              f"{sum(p['seconds_per_scale']):.0f} s")
    print(f"wall {wall:.0f} s for {len(chosen)} scenes on {a.workers} workers; config {asdict(cfg)}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"config": asdict(cfg), "wall_s": wall, "scenes": per_scene, "rows": rows},
                                     indent=1))
    if a.figure:
        figure(chosen, test, results, preds, a.figure)
    return 0


def figure(chosen, test, results, preds, path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from figures import _rgb, _sar_ax, _save, plt

    names = [n for n in preds if n not in ("constant",) and not n.startswith("best-band")]
    cols = 3 + len(names)
    fig, axes = plt.subplots(len(test), cols, figsize=(2.3 * cols, 2.45 * len(test)), squeeze=False)
    for ax_row, (c, rec, ref), (rec2, eo, sar) in zip(axes, chosen, test):
        _, ref_sar = realdata.load_pair(ref)
        ax_row[0].imshow(_rgb(eo[:3])); ax_row[0].axis("off")
        ax_row[0].set_title(f"{c}: S2 RGB (test)", fontsize=7)
        _sar_ax(ax_row[1], ref_sar[0], "TuiGAN's SAR image\n(a training patch)")
        ax_row[1].title.set_fontsize(7)
        for ax, n in zip(ax_row[2:], names):
            out = preds[n](eo)
            r = realeval.pearson_best_shift(realeval.multilook_db(out), realeval.multilook_db(sar[0]))
            _sar_ax(ax, out, f"{n}\nr_ml {r:.2f}")
            ax.title.set_fontsize(7)
        _sar_ax(ax_row[-1], sar[0], "real S1 VV (the answer)")
        ax_row[-1].title.set_fontsize(7)
    fig.suptitle("TuiGAN (trained per scene on the EO patch and one unpaired SAR patch) vs the trained models",
                 fontsize=9)
    _save(fig, path, dpi=90)


if __name__ == "__main__":
    sys.exit(main())
