"""Merge eo2sar_train.compare results over seeds into markdown tables (issue 5, docs/results.md).

    python3 training/experiments/summarize.py [--file=metrics-recal.json] training/runs/compare/main [more folders: seeds]

Reads each folder's runs/*/metrics.json (one per method x misalignment), prints:
1. the per-seed table (seed 0 = the first folder) is in each folder's comparison.md already;
2. mean over seeds and the seed spread (max - min) per method and misalignment;
3. per metric, which method is best at each misalignment, and whether the margin over the
   runner-up exceeds the seed spread of the two.
"""
from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

METRICS = (("psnr", "PSNR", 1), ("ssim", "SSIM", 1), ("psnr_shift", "shift-tol. PSNR", 1),
           ("hist_w1_db", "W1 dB", -1), ("hist_intersection", "hist. ∩", 1), ("enl", "ENL", 0))
ENL_TRUTH = 4.0  # 4-look truth; "closer to the truth" is better (log ratio)


def load(folders: list[Path], name: str = "metrics.json") -> dict[tuple[str, float], list[dict[str, Any]]]:
    runs: dict[tuple[str, float], list[dict[str, Any]]] = defaultdict(list)
    for f in folders:
        for m in sorted((f / "runs").glob(f"*/{name}")):
            r = json.loads(m.read_text())
            runs[(r["method"], float(r["misalignment_px"]))].append(r)
    return runs


def score(key: str, sign: int, v: float) -> float:
    if sign == 0:  # ENL: distance to the truth's ENL in log space, smaller is better -> negate
        return -abs(math.log(max(v, 1e-9) / ENL_TRUTH))
    return sign * v


def main(argv: list[str]) -> int:
    name = "metrics.json"
    if argv and argv[0].startswith("--file="):
        name, argv = argv[0].split("=", 1)[1], argv[1:]
    folders = [Path(a) for a in argv] or [Path("training/runs/compare/main")]
    runs = load(folders, name)
    n_seeds = max(len(v) for v in runs.values())
    print(f"Mean over {n_seeds} seed(s) (± half the max−min spread when 2+ seeds); {len(runs)} method×misalignment cells\n")
    print("| method | mis. (px) | " + " | ".join(t for _, t, _ in METRICS) + " | train s |")
    print("|---|---|" + "---|" * (len(METRICS) + 1))
    for (method, mis) in sorted(runs, key=lambda k: (k[1], k[0])):
        rs = runs[(method, mis)]
        cells = []
        for key, _, _ in METRICS:
            vals = [r[key] for r in rs]
            mean = sum(vals) / len(vals)
            spread = (max(vals) - min(vals)) / 2
            fmt = "{:.3f}" if key in ("ssim", "hist_intersection") else "{:.2f}" if key != "enl" else "{:.1f}"
            cells.append(fmt.format(mean) + (f" ± {fmt.format(spread)}" if len(vals) > 1 else ""))
        secs = sum(r["train_seconds"] for r in rs) / len(rs)
        print(f"| {method} | {mis:g} | " + " | ".join(cells) + f" | {secs:.0f} |")
    print("\nBest method per metric and misalignment (mean over seeds); '*' = margin over the runner-up "
          "larger than both their seed spreads\n")
    mis_values = sorted({k[1] for k in runs})
    print("| metric | " + " | ".join(f"{m:g} px" for m in mis_values) + " |")
    print("|---|" + "---|" * len(mis_values))
    for key, title, sign in METRICS:
        row = []
        for mis in mis_values:
            cands = []
            for (method, m), rs in runs.items():
                if m != mis:
                    continue
                s = [score(key, sign, r[key]) for r in rs]
                cands.append((sum(s) / len(s), (max(s) - min(s)) / 2, method))
            cands.sort(reverse=True)
            if not cands:
                row.append("")
                continue
            best = cands[0]
            sig = len(cands) > 1 and n_seeds > 1 and best[0] - cands[1][0] > max(best[1], cands[1][1]) * 2
            row.append(best[2] + (" *" if sig else ""))
        print(f"| {title} | " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
