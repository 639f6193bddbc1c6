"""Inference throughput (Mpix/s) of an eo2sar generator through PyTorch or onnxruntime, CPU or CUDA.

    PYTHONPATH=training python3 training/experiments/bench_infer.py sample-data/models/eo2sar-default.onnx \
        --backend torch --device cuda --tile 512 --batch 8 [--bf16] [--channels-last] [--compile]
    PYTHONPATH=training python3 training/experiments/bench_infer.py sample-data/models/eo2sar-default.onnx \
        --backend onnxruntime --device cpu --tile 512 --batch 1 --threads 2

PyTorch: the generator is rebuilt from the model card's ``training.generator`` entry (same
architecture and FLOPs; weights from ``--checkpoint`` when given, else random — speed does not
depend on the weight values). Each timed call runs ``batch`` tiles of (tile + 2·margin)² input
pixels (the margin from the card, as the Java pipeline reads them); Mpix/s counts *output core*
pixels (tile²·batch per call), i.e. the useful throughput. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np


def _card(path: Path) -> dict[str, Any]:
    import onnx

    meta = {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}
    if "eo2sar.training" not in meta:
        raise SystemExit(f"{path}: no eo2sar.training entry in the model card")
    return {"margin": int(meta["eo2sar.tile.margin"]), "in_ch": len(json.loads(meta["eo2sar.input.bands"])),
            "training": json.loads(meta["eo2sar.training"]), "name": meta["eo2sar.name"]}


def _torch_runner(a: argparse.Namespace, card: dict[str, Any]) -> tuple[Callable[[np.ndarray], Any], str]:
    import torch

    from eo2sar_train.models import GeneratorConfig, build_generator

    if a.threads:
        torch.set_num_threads(a.threads)
    g = build_generator(GeneratorConfig(**card["training"]["generator"]), card["in_ch"], 1)
    if a.checkpoint:
        from eo2sar_train.export import load_generator
        g, _ = load_generator(a.checkpoint)
    dev = torch.device(a.device)
    g = g.eval().to(dev)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    g = g.to(memory_format=fmt)
    if a.compile:
        g = torch.compile(g)
    amp = a.bf16 and dev.type == "cuda"

    def run(x: np.ndarray) -> Any:
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            t = torch.from_numpy(x).to(dev, non_blocking=True).contiguous(memory_format=fmt)
            y = g(t).float().cpu()  # include the copy back, as a real pipeline would
        return y

    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else _cpu()
    return run, f"torch {torch.__version__} on {name}"


def _ort_runner(a: argparse.Namespace) -> tuple[Callable[[np.ndarray], Any], str]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    if a.threads:
        so.intra_op_num_threads = a.threads
    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if a.device.startswith("cuda") else ["CPUExecutionProvider"]
    sess = ort.InferenceSession(str(a.model), so, providers=providers)
    name = sess.get_inputs()[0].name
    return (lambda x: sess.run(None, {name: x})[0]), f"onnxruntime {ort.__version__} {sess.get_providers()[0]} on {_cpu()}"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ({os.cpu_count()} cores)"
    except OSError:
        pass
    return platform.machine()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", type=Path, help="an eo2sar ONNX model (its card gives the architecture and margin)")
    p.add_argument("--backend", choices=("torch", "onnxruntime"), default="torch")
    p.add_argument("--device", default="cpu")
    p.add_argument("--checkpoint", type=Path, help="trainer checkpoint for the PyTorch weights (optional)")
    p.add_argument("--tile", type=int, default=512, help="core tile (px)")
    p.add_argument("--margin", type=int, help="context margin (default: the card's)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0 = library default)")
    p.add_argument("--bf16", action="store_true", help="bf16 autocast (CUDA, PyTorch)")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--compile", action="store_true", help="torch.compile (PyTorch)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args(argv)
    card = _card(a.model)
    margin = card["margin"] if a.margin is None else a.margin
    side = a.tile + 2 * margin
    run, desc = _torch_runner(a, card) if a.backend == "torch" else _ort_runner(a)
    x = np.random.default_rng(0).uniform(-1, 1, (a.batch, card["in_ch"], side, side)).astype(np.float32)
    cuda = a.device.startswith("cuda")
    sync: Callable[[], None] = lambda: None  # noqa: E731
    if cuda and a.backend == "torch":
        import torch
        sync = torch.cuda.synchronize
    for _ in range(a.warmup):
        run(x)
    sync()
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        run(x)
        sync()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    core_px = a.tile * a.tile * a.batch
    out = {"model": card["name"], "backend": a.backend, "device": a.device, "runtime": desc, "tile": a.tile,
           "margin": margin, "batch": a.batch, "threads": a.threads or "default", "bf16": a.bf16 and cuda,
           "channels_last": a.channels_last, "compile": a.compile, "median_s_per_call": round(med, 4),
           "core_mpix_per_s": round(core_px / med / 1e6, 3), "input_mpix_per_s": round(side * side * a.batch / med / 1e6, 3),
           "load_avg_1min": round(os.getloadavg()[0], 2)}
    if cuda and a.backend == "torch":
        import torch
        out["gpu_peak_mem_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
