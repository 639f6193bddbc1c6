#!/usr/bin/env python3
"""Training throughput: the reference configuration vs our fastest one, measured in one run.

Reference: ResNet-9blocks, ngf 64, batch 1, 256x256, fp32, NCHW, eager (the CycleGAN paper's setup).
Fastest: the same model with a larger batch and, on CUDA, bf16 autocast + channels_last +
torch.compile. Each configuration runs full training steps (both generators, both
discriminators, all losses of the chosen method) on in-memory batches, so data loading is not
measured. Reports images/s and peak GPU memory (CUDA) or peak RSS (CPU).

    python3 training/bench/bench_train.py [--steps 20] [--method pairloss] [--write docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eo2sar_train.config import load_config  # noqa: E402
from eo2sar_train.trainer import Trainer  # noqa: E402



@dataclass
class Result:
    name: str
    batch: int
    settings: str
    images_per_s: float
    step_ms: float
    peak_mem_mb: float


def run(name: str, method: str, batch: int, size: int, steps: int, warmup: int, device: str,
        bf16: bool, channels_last: bool, compile_: bool, tmp: Path) -> Result:
    cfg = load_config(None, [f"method={method}", f"device={device}", f"batch_size={batch}", f"bf16={bf16}",
                             f"channels_last={channels_last}", f"compile={compile_}", "resume=false",
                             f"out_dir={tmp / name}", "model.generator.ngf=64", "model.generator.n_blocks=9",
                             "model.ndf=64", f"data.chip_size={size}"])
    g = torch.Generator().manual_seed(0)
    samples = [{"eo": torch.rand(3, size, size, generator=g) * 2 - 1, "sar": torch.rand(1, size, size, generator=g) * 2 - 1}
               for _ in range(batch)]
    trainer = Trainer(cfg, dataset=samples)
    batch_t = {k: torch.stack([s[k] for s in samples]) for k in ("eo", "sar")}
    cuda = trainer.device.type == "cuda"
    if cuda:
        batch_t = {k: v.pin_memory() for k, v in batch_t.items()}
    for _ in range(warmup):  # includes torch.compile's compilation
        trainer.train_step(batch_t)
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(steps):
        trainer.train_step(batch_t)
    if cuda:
        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = ", ".join(s for s, on in (("fp32", not (bf16 and cuda)), ("bf16 autocast", bf16 and cuda),
                                         ("channels_last", channels_last and cuda), ("torch.compile", compile_)) if on)
    del trainer
    if cuda:
        torch.cuda.empty_cache()
    return Result(name, batch, settings, steps * batch / dt, dt / steps * 1000, peak)


def table(results: list[Result], method: str, size: int, steps: int, device_desc: str) -> str:
    ref = results[0].images_per_s
    lines = [f"Device: {device_desc}. Method `{method}` (G, F, D_Y, D_X, all its losses), ResNet-9blocks ngf 64, "
             f"PatchGAN ndf 64, {size}x{size}, {steps} timed steps after warm-up, in-memory batches.", "",
             "| configuration | batch | settings | images/s | ms/step | peak memory (MB) | speed-up |",
             "|---|---|---|---|---|---|---|"]
    mem = "GPU allocated" if "cuda" in device_desc.lower() or "gpu" in device_desc.lower() else "process RSS"
    for r in results:
        lines.append(f"| {r.name} | {r.batch} | {r.settings} | {r.images_per_s:.3g} | {r.step_ms:.0f} | "
                     f"{r.peak_mem_mb:.0f} ({mem}) | {r.images_per_s / ref:.2f}x |")
    return "\n".join(lines)


def write_section(path: Path, key: str, title: str, body: str) -> None:
    """Replace (or append) this script's own section; other sections are left untouched."""
    begin, end = f"<!-- bench_train:{key}:begin -->", f"<!-- bench_train:{key}:end -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n## {title}\n\n{body}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", default="pairloss", choices=["cyclegan", "pix2pix", "pairloss"])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--steps", type=int, default=None, help="timed steps (default 30 on CUDA, 3 on CPU)")
    ap.add_argument("--warmup", type=int, default=None, help="untimed steps first (default 5 on CUDA, 1 on CPU)")
    ap.add_argument("--fast-batch", type=int, default=None, help="batch of the fast configuration (default 8 CUDA, 4 CPU)")
    ap.add_argument("--no-compile", action="store_true", help="leave torch.compile out of the fast configuration")
    ap.add_argument("--write", type=Path, help="replace this benchmark's section in this markdown file")
    args = ap.parse_args(argv)
    cuda = torch.cuda.is_available() and args.device != "cpu"
    device = "cuda" if cuda else "cpu"
    steps = args.steps or (30 if cuda else 3)
    warmup = args.warmup if args.warmup is not None else (5 if cuda else 1)
    fast_batch = args.fast_batch or (8 if cuda else 4)
    compile_ = cuda and not args.no_compile  # CPU: compilation time dwarfs a few-step benchmark
    if cuda:
        desc = f"{torch.cuda.get_device_name()} (CUDA), PyTorch {torch.__version__}"
    else:
        desc = f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, PyTorch {torch.__version__}"
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        results = [
            run("reference", args.method, 1, args.size, steps, warmup, device, False, False, False, Path(tmp)),
            run("fastest", args.method, fast_batch, args.size, steps, warmup, device, True, True, compile_, Path(tmp)),
        ]
    body = table(results, args.method, args.size, steps, desc)
    print(body)
    if args.write:
        title = f"Training throughput ({'GPU' if cuda else 'CPU'}; training/bench/bench_train.py)"
        if not cuda:
            body += ("\n\nOn CPU the fast configuration only changes the batch: bf16 autocast, channels_last and "
                     "torch.compile are CUDA settings of the trainer. A few steps only; on a shared machine the numbers are a lower bound.")
        write_section(args.write, "gpu" if cuda else "cpu", title, body)
        print(f"wrote section '{title}' in {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
