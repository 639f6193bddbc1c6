"""Train and evaluate the three methods across training misalignments (the paper's claim in numbers).

``eo2sar-compare --out runs/compare [--config base.yaml] [--steps N] [--pair-n 1,3] [key=value ...]`` (or ``python -m eo2sar_train.compare``)

List options (``--methods``, ``--misalignments``, ``--pair-n``) take space- or comma-separated
values; ``key=value`` config overrides may come anywhere, also right after a list option.

For every method (cyclegan, pix2pix, pairloss; pairloss once per ``--pair-n``) and every
misalignment (default 0, 2, 4, 8 px) it trains on the synthetic set with the same seed, data and
budget, evaluates on the held-out synthetic scenes against the aligned truth, and writes
``comparison.md``/``.csv``/``.json`` and ``comparison.png`` (each metric vs misalignment).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from .evaluate import EvalConfig, evaluate_synthetic, load_generator, markdown_table, write_tables

COLUMNS = ("method", "misalignment_px", "psnr", "ssim", "psnr_shift", "hist_w1_db", "hist_intersection", "enl",
           "enl_truth", "train_seconds", "steps")
#: (metric, title, better) for the figure
FIGURE_METRICS = (("psnr", "PSNR (dB, multilooked, vs speckle-free truth)", "higher"),
                  ("ssim", "SSIM (multilooked)", "higher"),
                  ("psnr_shift", "shift-tolerant PSNR (dB)", "higher"),
                  ("hist_w1_db", "dB histogram W1 vs speckled truth", "lower"),
                  ("hist_intersection", "dB histogram intersection", "higher"),
                  ("enl", "ENL on homogeneous areas (truth = L)", "closer to truth"))


def run_label(method: str, pair_n: int | None) -> str:
    return f"pairloss(N={pair_n})" if method == "pairloss" and pair_n is not None else method


def train_once(cfg: Any) -> Path:
    """Train one run (single process); returns the checkpoint path."""
    from .trainer import Trainer

    t = Trainer(cfg)
    t.fit()
    return Path(t.ckpt_path)


def compare(out: Path, methods: Sequence[str], misalignments: Sequence[float], pair_ns: Sequence[int],
            config: Path | None = None, overrides: Sequence[str] = (), steps: int | None = None,
            eval_count: int = 16, eval_size: int = 256, reuse: bool = False, device: str = "cpu",
            progress: bool = True) -> list[dict[str, Any]]:
    from .config import load_config

    out = Path(out)
    rows: list[dict[str, Any]] = []
    runs = [(m, n) for m in methods for n in (pair_ns if m == "pairloss" else [None])]
    for method, pair_n in runs:
        label = run_label(method, pair_n)
        for mis in misalignments:
            run_dir = out / "runs" / f"{label.replace('(', '_').replace(')', '').replace('=', '')}_m{mis:g}"
            result = run_dir / "metrics.json"
            if reuse and result.is_file():
                rows.append(json.loads(result.read_text()))
                continue
            ov = list(overrides) + [f"method={method}", f"out_dir={run_dir}", "data.kind=synthetic",
                                    f"data.misalignment_px={mis}", f"progress={str(progress).lower()}"]
            if pair_n is not None:
                ov.append(f"loss.pair_n={pair_n}")
            if steps is not None:
                ov.append(f"optim.max_steps={steps}")
            cfg = load_config(config, ov)
            t0 = time.perf_counter()
            ckpt = train_once(cfg)
            train_s = time.perf_counter() - t0
            ecfg = EvalConfig(count=eval_count, size=eval_size, seed=cfg.data.seed, looks=cfg.data.looks,
                              db_range=tuple(cfg.data.sar_db_range))
            summary, _ = evaluate_synthetic(load_generator(ckpt, device), ecfg)
            import torch
            step = int(torch.load(ckpt, map_location="cpu", weights_only=False).get("step", -1))
            row = {"method": label, "misalignment_px": float(mis), **summary, "train_seconds": train_s,
                   "steps": step, "checkpoint": str(ckpt)}
            run_dir.mkdir(parents=True, exist_ok=True)
            tmp = result.with_name(result.name + ".tmp")
            tmp.write_text(json.dumps(row, indent=1))
            os.replace(tmp, result)
            rows.append(row)
    return rows


def plot(rows: Sequence[dict[str, Any]], path: Path, references: dict[str, dict[str, float]] | None = None) -> Path:
    """One panel per metric, one line per method, misalignment on x."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for ax, (key, title, better) in zip(axes.flat, FIGURE_METRICS):
        for m in methods:
            pts = sorted((r["misalignment_px"], r[key]) for r in rows if r["method"] == m)
            xs = [p[0] for p in pts]
            ys = [p[1] if math.isfinite(p[1]) else float("nan") for p in pts]
            ax.plot(xs, ys, marker="o", label=m)
        for name, style in (("truth", "--"), ("clean", ":")):
            v = (references or {}).get(name, {}).get(key)
            if v is not None and math.isfinite(v):
                ax.axhline(v, color="grey", linestyle=style, linewidth=1, label=f"{name} (reference)")
        if key == "enl":
            ax.set_yscale("log")
        ax.set_title(f"{title}\n({better} is better)", fontsize=10)
        ax.set_xlabel("training misalignment (px)")
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="eo2sar-compare", description="Train cyclegan, pix2pix and pairloss across "
                                "training misalignments on synthetic data and tabulate/plot the metrics.")
    p.add_argument("--out", type=Path, required=True, help="output folder (runs/ and comparison.*)")
    p.add_argument("--config", type=Path, help="base training YAML; the method, misalignment and out_dir are set per run")
    # list options take space- or comma-separated values; a key=value after one of them is a config
    # override, not one of its values (argparse's nargs would otherwise swallow it), see _split_overrides
    p.add_argument("--methods", nargs="+", default=["cyclegan", "pix2pix", "pairloss"])
    p.add_argument("--misalignments", nargs="+", default=["0", "2", "4", "8"])
    p.add_argument("--pair-n", nargs="+", default=["3"], help="pairloss N values (several = ablation)")
    p.add_argument("--steps", type=int, help="optim.max_steps for every run (same budget)")
    p.add_argument("--eval-count", type=int, default=16)
    p.add_argument("--eval-size", type=int, default=256)
    p.add_argument("--device", default="cpu", help="device for evaluation (training uses the config's)")
    p.add_argument("--reuse", action="store_true", help="skip runs whose metrics.json exists")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("overrides", nargs="*", help="training config overrides, e.g. data.chip_size=64")
    a = p.parse_intermixed_args(argv)  # overrides may also sit between options
    extra: list[str] = []
    a.methods = _split_overrides(a.methods, extra)
    try:
        a.misalignments = [float(v) for v in _split_overrides(a.misalignments, extra)]
        a.pair_n = [int(v) for v in _split_overrides(a.pair_n, extra)]
    except ValueError as e:
        p.error(f"--misalignments takes numbers and --pair-n integers ({e})")
    given = list(argv if argv is not None else sys.argv[1:])
    # command-line order, so that of two overrides of one key the later still wins
    a.overrides = sorted(extra + list(a.overrides), key=lambda t: given.index(t) if t in given else len(given))
    if not a.methods or not a.misalignments or not a.pair_n:
        p.error("--methods, --misalignments and --pair-n need at least one value")
    bad = [m for m in a.methods if m not in ("cyclegan", "pix2pix", "pairloss")]
    if bad:
        p.error(f"unknown method(s) {', '.join(bad)}")
    if any(not 0 <= m <= 8 for m in a.misalignments):
        p.error("misalignments must be within 0..8 px")
    t0 = time.perf_counter()
    try:
        rows = compare(a.out, a.methods, a.misalignments, a.pair_n, a.config, a.overrides, a.steps,
                       a.eval_count, a.eval_size, a.reuse, a.device, not a.no_progress)
        from .config import load_config
        base = load_config(a.config, a.overrides)
        ecfg = EvalConfig(count=a.eval_count, size=a.eval_size, seed=base.data.seed, looks=base.data.looks,
                          db_range=tuple(base.data.sar_db_range))
        refs = {name: evaluate_synthetic(name, ecfg)[0] for name in ("truth", "clean")}
    except (ValueError, FileNotFoundError) as e:
        print(f"eo2sar-compare: error: {e}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - t0
    ref_rows = [{"method": f"reference: {k}", "misalignment_px": float("nan"), **v} for k, v in refs.items()]
    title = (f"EO→SAR methods vs training misalignment\n\n"
             f"command: `python -m eo2sar_train.compare {' '.join(shlex.quote(x) for x in (argv if argv is not None else sys.argv[1:]))}`  \n"
             f"seed {base.seed} (data seed {base.data.seed}), {a.eval_count} held-out scenes of {a.eval_size} px, "
             f"{base.data.looks:g} looks; wall time {wall:.0f} s on {platform.node()} ({_device_name()})")
    paths = write_tables(list(rows) + ref_rows, COLUMNS, a.out / "comparison", title)
    paths.append(plot(rows, a.out / "comparison.png", refs))
    print(markdown_table(list(rows) + ref_rows, COLUMNS), end="")
    for path in paths:
        print(f"wrote {path}")
    return 0


def _split_overrides(values: Sequence[str], overrides: list[str]) -> list[str]:
    """Values of a list option, comma lists split; ``key=value`` tokens are moved to ``overrides``."""
    out: list[str] = []
    for v in values:
        if "=" in v:
            overrides.append(v)
        else:
            out.extend(x for x in v.split(",") if x)
    return out


def _device_name() -> str:
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU, {os.cpu_count()} cores"


if __name__ == "__main__":
    sys.exit(main())
