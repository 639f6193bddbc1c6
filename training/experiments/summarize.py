"""Merge eo2sar_train.compare results over seeds into markdown tables and a figure (issue 5, docs/results.md).

    python3 training/experiments/summarize.py [--file metrics-recal.json] [--plot OUT.png] \
        training/runs/compare/main training/runs/compare-seed1/main ...

Each folder is one model seed (same data, same budget) and holds runs/*/<file> (one per method x
misalignment). Prints:
1. mean ± sample standard deviation over seeds per method and misalignment (n = seeds present);
2. per metric, the method with the best mean at each misalignment and in how many seeds it was best;
3. paired differences (same seed, same misalignment) of the pair loss against each baseline:
   mean ± sd and in how many seeds the pair loss was better. With 5 seeds, 5/5 is the strongest
   statement possible (one-sided sign test p = 1/32).
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Sequence

METRICS = (("psnr", "PSNR", 1), ("ssim", "SSIM", 1), ("psnr_shift", "shift-tol. PSNR", 1),
           ("hist_w1_db", "W1 dB", -1), ("hist_intersection", "hist. ∩", 1), ("enl", "ENL", 0))
ENL_TRUTH = 4.0  # 4-look truth; "closer to the truth" is better (log ratio)
PAIR = "pairloss(N=3)"

#: {(method, misalignment): {seed index: metrics row}}
Runs = dict[tuple[str, float], dict[int, dict[str, Any]]]


def load(folders: Sequence[Path], name: str = "metrics.json") -> Runs:
    runs: Runs = defaultdict(dict)
    for seed, folder in enumerate(folders):
        for m in sorted((folder / "runs").glob(f"*/{name}")):
            r = json.loads(m.read_text())
            runs[(r["method"], float(r["misalignment_px"]))][seed] = r
    return runs


def score(key: str, sign: int, v: float) -> float:
    """Larger is better. ENL: minus the log-distance to the truth's ENL."""
    if sign == 0:
        return -abs(math.log(max(v, 1e-9) / ENL_TRUTH))
    return sign * v


def _fmt(key: str, v: float, signed: bool = False) -> str:
    digits = 3 if key in ("ssim", "hist_intersection") else 1 if key == "enl" and not signed else 2
    return f"{v:{'+' if signed else ''}.{digits}f}"


def _mean_sd(vals: Sequence[float]) -> tuple[float, float]:
    return statistics.fmean(vals), (statistics.stdev(vals) if len(vals) > 1 else 0.0)


def mean_table(runs: Runs) -> list[str]:
    lines = ["| method | mis. (px) | n | " + " | ".join(t for _, t, _ in METRICS) + " | train s |",
             "|---|---|---|" + "---|" * (len(METRICS) + 1)]
    for method, mis in sorted(runs, key=lambda k: (k[1], k[0])):
        rs = list(runs[(method, mis)].values())
        cells = []
        for key, _, _ in METRICS:
            m, sd = _mean_sd([r[key] for r in rs])
            cells.append(_fmt(key, m) + (f" ± {_fmt(key, sd)}" if len(rs) > 1 else ""))
        secs = statistics.fmean(r["train_seconds"] for r in rs)
        lines.append(f"| {method} | {mis:g} | {len(rs)} | " + " | ".join(cells) + f" | {secs:.0f} |")
    return lines


def best_table(runs: Runs) -> list[str]:
    mis_values = sorted({k[1] for k in runs})
    lines = ["| metric | " + " | ".join(f"{m:g} px" for m in mis_values) + " |", "|---|" + "---|" * len(mis_values)]
    for key, title, sign in METRICS:
        row = []
        for mis in mis_values:
            cells = {method: seeds for (method, m), seeds in runs.items() if m == mis}
            if not cells:
                row.append("")
                continue
            best = max(cells, key=lambda meth: statistics.fmean(score(key, sign, r[key]) for r in cells[meth].values()))
            shared = set.intersection(*(set(s) for s in cells.values()))
            wins = sum(1 for seed in shared
                       if max(cells, key=lambda meth: score(key, sign, cells[meth][seed][key])) == best)
            row.append(f"{best} ({wins}/{len(shared)})")
        lines.append(f"| {title} | " + " | ".join(row) + " |")
    return lines


def paired_table(runs: Runs, pair: str = PAIR) -> list[str]:
    """pair − baseline per seed (sign as measured; 'better' uses the metric's direction)."""
    baselines = sorted({m for m, _ in runs if m != pair})
    mis_values = sorted({mis for m, mis in runs if m == pair})
    titles = [f"Δ{t}" if sign else f"Δ{t} closeness (log)" for _, t, sign in METRICS]
    lines = ["| vs | mis. (px) | n | " + " | ".join(titles) + " |",
             "|---|---|---|" + "---|" * len(METRICS)]
    for base in baselines:
        for mis in mis_values:
            a, b = runs.get((pair, mis), {}), runs.get((base, mis), {})
            seeds = sorted(set(a) & set(b))
            if not seeds:
                continue
            cells = []
            for key, _, sign in METRICS:
                if sign == 0:  # ENL: difference of log-distances to the truth (positive = pair loss closer)
                    d = [score(key, sign, a[s][key]) - score(key, sign, b[s][key]) for s in seeds]
                else:
                    d = [a[s][key] - b[s][key] for s in seeds]
                better = sum(1 for s in seeds if score(key, sign, a[s][key]) > score(key, sign, b[s][key]))
                m, sd = _mean_sd(d)
                cells.append(f"{_fmt(key, m, signed=True)} ± {_fmt(key, sd)} ({better}/{len(seeds)})")
            lines.append(f"| {base} | {mis:g} | {len(seeds)} | " + " | ".join(cells) + " |")
    return lines


def plot(runs: Runs, path: Path) -> Path:
    """One panel per metric: mean ± sd over seeds vs misalignment, one line per method."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = sorted({m for m, _ in runs})
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for ax, (key, title, sign) in zip(axes.flat, METRICS):
        for i, method in enumerate(methods):
            pts = sorted((mis, [r[key] for r in seeds.values()]) for (m, mis), seeds in runs.items() if m == method)
            xs = [p[0] + (i - 1) * 0.12 for p in pts]  # small dodge so the error bars do not overlap
            stats = [_mean_sd(p[1]) for p in pts]
            ax.errorbar(xs, [s[0] for s in stats], yerr=[s[1] for s in stats], marker="o", capsize=3, label=method)
        if key == "enl":
            ax.axhline(ENL_TRUTH, color="grey", ls="--", lw=1, label="truth")
            ax.set_yscale("log")
        better = {1: "higher is better", -1: "lower is better", 0: "closer to truth is better"}[sign]
        ax.set_title(f"{title} ({better})")
        ax.set_xlabel("training misalignment (px)")
        ax.grid(alpha=0.3)
    n = max(len(s) for s in runs.values())
    axes.flat[0].legend()
    fig.suptitle(f"Mean ± sd over {n} model seeds (same data and budget)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path, default=[Path("training/runs/compare/main")],
                    help="one compare output folder per seed")
    ap.add_argument("--file", default="metrics.json", help="metrics file per run (metrics-recal.json after recal_compare.py)")
    ap.add_argument("--plot", type=Path, help="write the mean ± sd figure here")
    a = ap.parse_args(argv)
    runs = load(a.folders, a.file)
    if not runs:
        print(f"summarize: no runs/*/{a.file} under {', '.join(map(str, a.folders))}", file=sys.stderr)
        return 2
    n = max(len(s) for s in runs.values())
    print(f"Mean ± sd over up to {n} seed(s); {len(runs)} method × misalignment cells\n")
    print("\n".join(mean_table(runs)))
    print("\nBest mean per metric and misalignment (in how many seeds that method was best)\n")
    print("\n".join(best_table(runs)))
    if any(m == PAIR for m, _ in runs):
        print(f"\n{PAIR} minus each baseline, same seed: mean ± sd (seeds where {PAIR} is better)\n")
        print("\n".join(paired_table(runs)))
    if a.plot:
        print(f"\nwrote {plot(runs, a.plot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
