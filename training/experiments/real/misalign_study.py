"""Scores the injected-misalignment grid (misalign_grid.sh) on the real test split, with bootstrap CIs.

    PYTHONPATH=training .venv/bin/python training/experiments/real/misalign_study.py training/runs/real/mis \
        --json training/runs/real/mis/study.json --figure docs/images/misalignment-real.png

Runs are the finished folders ``METHOD-mPX-sSEED`` (``checkpoints/last.pt`` and ``train_seconds.txt``).
Per (method, misalignment), over its seeds: ``r_ml`` (realeval's multilooked Pearson r, best of +-2 px)
averaged over seeds per test patch, then over the 15 patches, with a 95 % bootstrap interval over patches
(10 000 resamples: the uncertainty of the scene sample, not of the seeds; the seed spread is given beside
it); the seeds' W1, checker, water-land contrast and per-class median error |generated - real| and
per-class W1, each the mean over seeds. The baselines (fit on the natural training pairs) sit in the
same table.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from eo2sar_train import realdata, realeval
from eo2sar_train.metrics import wasserstein_db

CLASSES = ("arable", "forest", "pasture", "urban", "water")
RUN = re.compile(r"(?P<method>.+)-m(?P<m>\d+(?:\.\d+)?)-s(?P<seed>\d+)$")
BASELINES = {"constant": "constant (training median)", "linreg": "linear regression", "best-band (nir)": "best band (nir)"}
#: display names, in table order
NAMES = {"p2p": "Pix2Pix (L1)", "p2ptol": "Pix2Pix, ±2 px shift-tolerant L1",
         "p2punet": "Pix2Pix, the reference's U-Net (dropout 0.5), 1200 steps",
         "p2punetc": "Pix2Pix, the reference's U-Net (dropout 0.5), 3600 steps = the same compute",
         "pair": "CycleGAN + pair loss (N = 3)", "cyc": "CycleGAN",
         **{f"pairN{n}": f"CycleGAN + pair loss, N = {n}, normalised per N" for n in range(1, 6)},
         "pairinst": "CycleGAN + pair loss, instance norm with learnt affine",
         "pairinstna": "CycleGAN + pair loss, affine-free instance norm (reference)",
         "cycinst": "CycleGAN, instance norm with learnt affine",
         "cycinstna": "CycleGAN, affine-free instance norm (reference)",
         "p2pconst": "Pix2Pix (L1), constant offset", "pairconst": "CycleGAN + pair loss, constant offset",
         "p2pfield": "Pix2Pix (L1), non-rigid field", "pairfield": "CycleGAN + pair loss, non-rigid field"}


def scores(pred: realeval.Predictor, test: list[tuple[dict, np.ndarray, np.ndarray]]) -> dict:
    """Per-patch r and the pooled realism numbers of one predictor."""
    outs = [pred(eo) for _, eo, _ in test]
    reals = [s[0] for _, _, s in test]
    r = [realeval.pearson_best_shift(realeval.multilook_db(o), realeval.multilook_db(s)) for o, s in zip(outs, reals)]
    lookup = {eo.tobytes(): o for (_, eo, _), o in zip(test, outs)}
    row = realeval.evaluate({"m": lambda eo: lookup[eo.tobytes()]}, test)[1]
    per_class = {}
    for c in CLASSES:
        idx = [i for i, (rec, _, _) in enumerate(test) if c in rec["classes"]]
        if idx:
            g = np.concatenate([outs[i].ravel() for i in idx])
            t = np.concatenate([reals[i].ravel() for i in idx])
            per_class[c] = {"median_err": float(np.median(g) - np.median(t)), "w1": wasserstein_db(g, t, None)}
    return {"r": r, "w1": row["w1_db"], "checker": row["checker"], "water_land": row["water_land_db"],
            "per_class": per_class}


def bootstrap_ci(per_patch: np.ndarray, n: int = 10_000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    means = per_patch[rng.integers(0, len(per_patch), (n, len(per_patch)))].mean(1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def summarise(runs: dict[tuple[str, float], list[dict]]) -> list[dict]:
    rows = []
    order = list(NAMES)
    for (method, m), seeds in sorted(runs.items(), key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order
                                                                    else len(order), kv[0][0], kv[0][1])):
        r = np.array([s["r"] for s in seeds])                 # [seeds, patches]
        lo, hi = bootstrap_ci(r.mean(0))
        pc = {c: {k: float(np.mean([s["per_class"][c][k] for s in seeds])) for k in ("median_err", "w1")}
              for c in CLASSES if all(c in s["per_class"] for s in seeds)}
        rows.append({"method": method, "misalignment_px": m, "seeds": len(seeds), "r_ml": float(r.mean()),
                     "r_ci": [lo, hi], "r_seeds": [float(v) for v in r.mean(1)],
                     "w1": float(np.mean([s["w1"] for s in seeds])),
                     "checker": float(np.mean([s["checker"] for s in seeds])),
                     "water_land": float(np.mean([s["water_land"] for s in seeds])),
                     "class_median_abs_err": float(np.mean([abs(v["median_err"]) for v in pc.values()])),
                     "per_class": pc,
                     "steps_seconds": [s.get("steps_seconds") for s in seeds]})
    return rows


def markdown(rows: list[dict], base: list[dict]) -> str:
    head = ("| method | misalignment | r_ml [95 % CI] | seeds' r | W1 dB | checker | water−land dB | "
            "class median mean \\|Δ\\| dB | " + " | ".join(f"{c} Δ / W1" for c in CLASSES) + " | steps / s per run |")
    out = [head, "|" + "---|" * (9 + len(CLASSES))]
    for b in base:
        pcs = " | ".join(f"{b['per_class'][c]['median_err']:+.1f} / {b['per_class'][c]['w1']:.1f}" for c in CLASSES)
        out.append(f"| {BASELINES.get(b['method'], b['method'])} | – | {b['r_ml']:.2f} [{b['r_ci'][0]:.2f}, {b['r_ci'][1]:.2f}] | | "
                   f"{b['w1']:.2f} | {b['checker']:.2f} | {b['water_land']:.1f} | {b['class_median_abs_err']:.1f} | "
                   f"{pcs} | |")
    for r in rows:
        pcs = " | ".join(f"{r['per_class'][c]['median_err']:+.1f} / {r['per_class'][c]['w1']:.1f}"
                         if c in r["per_class"] else "–" for c in CLASSES)
        done = [st for st in r["steps_seconds"] if st]
        steps = (f"{done[0][0]} / " + ", ".join(f"{st[1]:.0f}" for st in done) if len({st[0] for st in done}) == 1
                 else ", ".join(f"{st[0]} / {st[1]:.0f}" for st in done))
        out.append(f"| {NAMES.get(r['method'], r['method'])} | {r['misalignment_px']:g} px | {r['r_ml']:.2f} "
                   f"[{r['r_ci'][0]:.2f}, {r['r_ci'][1]:.2f}] | {' / '.join(f'{v:.2f}' for v in r['r_seeds'])} | "
                   f"{r['w1']:.2f} | {r['checker']:.2f} | {r['water_land']:.1f} | {r['class_median_abs_err']:.1f} | "
                   f"{pcs} | {steps} |")
    # typographic minus signs in the numbers, as in the docs' tables
    return "\n".join(re.sub(r"(?<![\w.])-(?=\d)", "−", line) for line in out)


def figure(rows: list[dict], base: list[dict], path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from figures import _save, plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 4.8))
    for method in sorted({r["method"] for r in rows}):
        rs = sorted((r for r in rows if r["method"] == method), key=lambda r: r["misalignment_px"])
        if len(rs) < 2:  # a single misalignment (the constant-offset and field runs): in the table only
            continue
        seeds = min(r["seeds"] for r in rs)
        label = f"{NAMES.get(method, method)} ({seeds} seed{'s' if seeds > 1 else ''})"
        m = [r["misalignment_px"] for r in rs]
        y = np.array([r["r_ml"] for r in rs])
        err = np.array([[r["r_ml"] - r["r_ci"][0], r["r_ci"][1] - r["r_ml"]] for r in rs]).T
        axes[0].errorbar(m, y, yerr=err, marker="o", capsize=3, label=label)
        axes[1].plot(m, [r["class_median_abs_err"] for r in rs], marker="o", label=label)
        axes[2].plot(m, [r["water_land"] for r in rs], marker="o", label=label)
    for b, style in zip(base, (":", "--", "-.")):
        axes[0].axhline(b["r_ml"], color="grey", ls=style, lw=1, label=BASELINES.get(b["method"], b["method"]))
        axes[1].axhline(b["class_median_abs_err"], color="grey", ls=style, lw=1)
        axes[2].axhline(b["water_land"], color="grey", ls=style, lw=1)
    axes[2].axhline(10.8, color="k", lw=1, label="real VV")
    for ax, t in zip(axes, ("r_ml vs real VV (95 % CI over test patches)",
                            "per-class median error, mean |Δ| (dB)", "water − land contrast (dB)")):
        ax.set_xlabel("injected SAR misalignment (px)")
        ax.set_title(t, fontsize=9)
        ax.set_xticks(sorted({r["misalignment_px"] for r in rows}))
    handles, labels = axes[0].get_legend_handles_labels()
    h2, l2 = axes[2].get_legend_handles_labels()
    fig.legend(handles + h2[-1:], labels + l2[-1:], loc="lower center", ncol=3, fontsize=7, frameon=False)
    fig.subplots_adjust(bottom=0.33, top=0.88, wspace=0.25)
    fig.suptitle("Real test split (15 patches, 9 sites): training under injected misalignment (means over seeds)", fontsize=9)
    _save(fig, path, dpi=100)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--figure", type=Path)
    ap.add_argument("--only", default="", help="score only the runs whose method matches this regex "
                    "(e.g. 'pairN.*|pair' for the N ablation)")
    a = ap.parse_args(argv)
    index = realdata.load_index()
    test = [(r, *realdata.load_pair(r)) for r in index if r["split"] == "test"]
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    base = []
    for name, pred in realeval.fit_baselines(train, [0, 1, 2, 3]).items():
        s = scores(pred, test)
        base.append({"method": name, **s, "r_ml": float(np.mean(s["r"])), "r_ci": bootstrap_ci(np.array(s["r"])),
                     "class_median_abs_err": float(np.mean([abs(v["median_err"]) for v in s["per_class"].values()]))})
    runs: dict[tuple[str, float], list[dict]] = {}
    # finished runs only: run_round.sh writes train_seconds.txt when the trainer exits
    for d in sorted(p for p in a.root.iterdir() if (p / "train_seconds.txt").is_file()):
        match = RUN.match(d.name)
        if not match or (a.only and not re.fullmatch(a.only, match["method"])):
            continue
        s = scores(realeval.model_predictor(d / "checkpoints" / "last.pt")[0], test)
        step = torch.load(d / "checkpoints" / "last.pt", map_location="cpu", weights_only=False).get("step")
        s["steps_seconds"] = (step, float((d / "train_seconds.txt").read_text()))
        runs.setdefault((match["method"], float(match["m"])), []).append(s)
        print(f"{d.name}: r_ml {np.mean(s['r']):.3f}, water-land {s['water_land']:.1f}", flush=True)
    rows = summarise(runs)
    print(markdown(rows, base))
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "baselines": base}, indent=1))
    if a.figure:
        figure(rows, base, a.figure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
