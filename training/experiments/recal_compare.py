"""Re-evaluate every run of an eo2sar_train.compare folder after recalibrating its frozen statistics.

    PYTHONPATH=training python3 training/experiments/recal_compare.py training/runs/compare/main [--chips 256]

For each runs/<run>/checkpoints/last.pt: recalibrate.py's statistics re-estimate (final weights,
training chips) -> checkpoints/recal.pt, the same held-out evaluation as compare.py ->
runs/<run>/metrics-recal.json; then comparison-recal.{md,csv,json,png} next to comparison.*.
Runs whose metrics-recal.json exists are skipped (resumable).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

import torch
import yaml

from eo2sar_train.compare import COLUMNS, plot
from eo2sar_train.config import load_config
from eo2sar_train.data import build_dataset
from eo2sar_train.evaluate import EvalConfig, evaluate_synthetic, load_generator, write_tables
from eo2sar_train.export import load_generator as load_checkpoint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recalibrate import recalibrate  # noqa: E402


def recal_run(metrics_path: Path, chips: int) -> dict[str, Any]:
    row = json.loads(metrics_path.read_text())
    ck = Path(row["checkpoint"])
    g, ckpt = load_checkpoint(ck)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.yaml"
        p.write_text(yaml.safe_dump(ckpt["config"]))
        cfg = load_config(p)
    t0 = time.perf_counter()
    ds = build_dataset(cfg.data, "train")
    torch.manual_seed(123)
    idx = torch.randperm(len(ds))[:chips].tolist()
    recalibrate(g, torch.stack([torch.as_tensor(ds[i]["eo"]) for i in idx]).float())
    ckpt = dict(ckpt)
    ckpt["G"] = g.state_dict()
    out = ck.with_name("recal.pt")
    torch.save(ckpt, out)
    ecfg = EvalConfig(count=16, size=256, seed=cfg.data.seed, looks=cfg.data.looks, db_range=tuple(cfg.data.sar_db_range))
    summary, _ = evaluate_synthetic(load_generator(out), ecfg)
    new = {**row, **summary, "checkpoint": str(out), "recal_chips": len(idx), "recal_seconds": time.perf_counter() - t0}
    tmp = metrics_path.with_name("metrics-recal.json.tmp")
    tmp.write_text(json.dumps(new, indent=1))
    os.replace(tmp, metrics_path.with_name("metrics-recal.json"))
    return new


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a compare --out folder")
    ap.add_argument("--chips", type=int, default=256)
    a = ap.parse_args(argv)
    rows = []
    for m in sorted((a.folder / "runs").glob("*/metrics.json")):
        done = m.with_name("metrics-recal.json")
        rows.append(json.loads(done.read_text()) if done.is_file() else recal_run(m, a.chips))
        print(f"{rows[-1]['method']} {rows[-1]['misalignment_px']:g} px: psnr {rows[-1]['psnr']:.2f} "
              f"W1 {rows[-1]['hist_w1_db']:.2f} enl {rows[-1]['enl']:.1f}", flush=True)
    order = {"cyclegan": 0, "pix2pix": 1}
    rows.sort(key=lambda r: (order.get(r["method"], 2), r["method"], r["misalignment_px"]))
    ecfg = EvalConfig(count=16, size=256, seed=0, looks=4.0)
    refs = {name: evaluate_synthetic(name, ecfg)[0] for name in ("truth", "clean")}
    ref_rows = [{"method": f"reference: {k}", "misalignment_px": float("nan"), **v} for k, v in refs.items()]
    title = ("EO→SAR methods vs training misalignment, frozen statistics recalibrated with the final weights "
             f"(training/experiments/recal_compare.py {a.folder})")
    for p in write_tables(rows + ref_rows, COLUMNS, a.folder / "comparison-recal", title):
        print(f"wrote {p}")
    print(f"wrote {plot(rows, a.folder / 'comparison-recal.png', refs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
