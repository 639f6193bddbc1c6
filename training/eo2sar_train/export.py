"""Export the EO->SAR generator G to ONNX with the model card embedded (DESIGN §6).

``eo2sar-export CHECKPOINT -o model.onnx [--fp16]``: dynamic batch/height/width, opset >= 17,
``metadata_props`` = model card, and a parity check against PyTorch in onnxruntime. A
tile-invariant G first gets its frozen statistics re-estimated with the final weights over
training chips (``--no-recalibrate`` to skip, ``--recalibrate-chips N``).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import onnx
import torch
from torch import nn

from .modelcard import ModelCard
from .models import FrozenStatNorm, GeneratorConfig, build_generator, receptive_radius, recalibrate_frozen_stats

log = logging.getLogger(__name__)
DEFAULT_OPSET = 18
#: training chips the frozen statistics are re-estimated over, and which draw of them (the same
#: defaults as training/experiments/recalibrate.py, so both give identical statistics)
RECALIBRATION_CHIPS = 512
RECALIBRATION_SEED = 123
PARITY_SHAPES: tuple[tuple[int, int, int], ...] = ((1, 64, 64), (2, 100, 132))


class _ClampInput(nn.Module):
    """Clamps the normalised input to [-1, 1] inside the graph, as training's ``normalize_eo`` does.

    Without it a consumer that applies only the card's scale/offset feeds bright clouds or snow
    (reflectance > 1) as x > 1, a range the generator never saw. In the graph, every consumer
    (Java CLI, GeoServer, onnxruntime users) gets the training preprocessing without a card change.
    """

    def __init__(self, g: nn.Module) -> None:
        super().__init__()
        self.g = g

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.g(x.clamp(-1.0, 1.0))


class _Fp16Wrapper(nn.Module):
    """Runs G in float16 but keeps float32 input/output, so consumers need not change."""

    def __init__(self, g: nn.Module) -> None:
        super().__init__()
        self.g = g.half()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.g(x.half()).float()


def margin_for(g: nn.Module, in_ch: int, multiple: int = 4) -> int:
    """Smallest multiple of ``multiple`` that covers G's receptive-field radius."""
    r = receptive_radius(g, in_ch)
    return -(-r // multiple) * multiple


def tiling_fields(g: nn.Module, spec: dict, margin: int | None = None) -> dict:
    """Card fields tile_multiple, tile_margin (measured unless given) and tile_invariant of G.

    Only per-image (instance) statistics make a tile differ from the same region of the whole
    image; tile-invariant, batch (eval: running statistics) and none are fixed affine maps.
    """
    multiple = int(getattr(g, "multiple", 4))
    return {"tile_multiple": multiple,
            "tile_margin": margin if margin is not None else margin_for(g, spec["in_ch"], multiple),
            "tile_invariant": spec["config"].get("norm", "instance") != "instance"}


def export_onnx(g: nn.Module, card: ModelCard, path: str | Path, in_ch: int,
                opset: int = DEFAULT_OPSET, fp16: bool = False) -> Path:
    """Write G (eval mode, CPU), its input clamped to [-1, 1], to ``path`` atomically; returns the path."""
    if opset < 17:
        raise ValueError(f"opset {opset} < 17 is not supported")
    path = Path(path)
    g = g.eval().cpu().float()
    module: nn.Module = _ClampInput(_Fp16Wrapper(_copy(g)) if fp16 else g).eval()
    sample = torch.zeros(1, in_ch, 64, 64)
    axes = {0: "batch", 2: "height", 3: "width"}
    with torch.no_grad():
        program = torch.onnx.export(module, (sample,), None, dynamo=True, opset_version=opset,
                                    input_names=["input"], output_names=["output"],
                                    dynamic_axes={"input": axes, "output": axes}, verbose=False)
    proto = program.model_proto
    # The exporter names the output's size "4*(((height - 1)//4)) + 4"; inputs are multiples of
    # tile.multiple, so the output has exactly the input's size: say so.
    for dim, name in zip(proto.graph.output[0].type.tensor_type.shape.dim, ["batch", None, "height", "width"]):
        if name is not None:
            dim.dim_param = name
    # The exporter annotates nodes with Python stack traces (absolute local paths, line numbers):
    # drop them so the file is reproducible and says nothing about the machine that made it.
    for node in proto.graph.node:
        del node.metadata_props[:]
    for info in [*proto.graph.value_info, *proto.graph.input, *proto.graph.output]:
        del info.metadata_props[:]
    onnx.helper.set_model_props(proto, card.to_metadata())
    proto.producer_name = "eo2sar-train"
    proto.doc_string = card.description
    onnx.checker.check_model(proto)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        onnx.save_model(proto, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _copy(g: nn.Module) -> nn.Module:
    import copy
    return copy.deepcopy(g)


def parity_check(g: nn.Module, onnx_path: str | Path, in_ch: int,
                 shapes: Sequence[tuple[int, int, int]] = PARITY_SHAPES, seed: int = 0) -> float:
    """Max |PyTorch - onnxruntime| over random inputs in [-1, 1] of the given (batch, h, w)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    gen = torch.Generator().manual_seed(seed)
    g = g.eval().cpu().float()
    worst = 0.0
    for b, h, w in shapes:
        x = torch.rand(b, in_ch, h, w, generator=gen) * 2 - 1
        with torch.no_grad():
            expected = g(x).numpy()
        got = session.run(None, {name: x.numpy()})[0]
        if got.shape != expected.shape:
            raise AssertionError(f"onnx output shape {got.shape} != torch {expected.shape}")
        worst = max(worst, float(np.abs(got.astype(np.float32) - expected).max()))
    return worst


def load_generator(checkpoint: str | Path) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild G from a trainer checkpoint (its ``generator`` entry + ``G`` weights)."""
    ckpt = torch.load(checkpoint, map_location="cpu", weights_only=False)
    if "G" not in ckpt or "generator" not in ckpt:
        raise ValueError(f"{checkpoint}: not an eo2sar-train checkpoint (no 'G'/'generator' entries)")
    spec = ckpt["generator"]
    g = build_generator(GeneratorConfig(**spec["config"]), spec["in_ch"], spec["out_ch"])
    g.load_state_dict(_strip_prefixes(ckpt["G"]))
    return g.eval(), ckpt


def training_chips(config: dict[str, Any], chips: int, seed: int = RECALIBRATION_SEED,
                   batch: int = 8) -> tuple[int, Iterator[torch.Tensor]]:
    """A deterministic draw of ``chips`` training EO chips from a checkpoint's saved config.

    Returns (number of chips, iterator of model-space batches [B, C, H, W]); the chips are the
    first ``chips`` of a seeded permutation of the training split, loaded lazily batch by batch.
    """
    from .config import _build, TrainConfig
    from .data import build_dataset

    if chips < 1:
        raise ValueError(f"recalibration needs at least 1 chip, got {chips}")
    cfg = _build(TrainConfig, config, "")
    ds = build_dataset(cfg.data, "train")
    if len(ds) == 0:
        raise ValueError("recalibration: the checkpoint's training data has no chips")
    with torch.random.fork_rng(devices=[]):  # seeded draw without disturbing the caller's RNG
        torch.manual_seed(seed)
        idx = torch.randperm(len(ds))[:chips].tolist()

    def batches() -> Iterator[torch.Tensor]:
        for i in range(0, len(idx), batch):
            # unseeded datasets draw their augmentation from torch's RNG: keep that reproducible too
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed + 1 + i)
                yield torch.stack([torch.as_tensor(ds[j]["eo"]) for j in idx[i:i + batch]]).float()

    return len(idx), batches()


def recalibrate_checkpoint_generator(g: nn.Module, ckpt: dict[str, Any], chips: int = RECALIBRATION_CHIPS,
                                     seed: int = RECALIBRATION_SEED) -> int:
    """Re-estimate G's frozen statistics over training chips of ``ckpt``'s own data config.

    Returns the number of chips used (0 when G has no tile-invariant normalisation: untouched).
    """
    if not any(isinstance(m, FrozenStatNorm) for m in g.modules()):
        return 0
    if not isinstance(ckpt.get("config"), dict):
        raise ValueError("checkpoint has no training 'config': cannot draw chips to recalibrate "
                         "the normalisation statistics (use --no-recalibrate)")
    _, batches = training_chips(ckpt["config"], chips, seed)
    return recalibrate_frozen_stats(g, batches)


def recalibration_note(chips: int) -> str:
    return f"recalibrated with the final weights over {chips} training chips"


def _strip_prefixes(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # DDP ("module.") and torch.compile ("_orig_mod.") wrap parameter names.
    out = {}
    for k, v in state.items():
        for p in ("module.", "_orig_mod."):
            while k.startswith(p):
                k = k[len(p):]
        out[k] = v
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eo2sar-export", description="Export generator G of a checkpoint to ONNX with its model card.")
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    ap.add_argument("--fp16", action="store_true", help="also write <output>-fp16.onnx (float16 weights and compute)")
    ap.add_argument("--name"), ap.add_argument("--version"), ap.add_argument("--description")
    ap.add_argument("--tile-size", type=int)
    ap.add_argument("--margin", type=int, help="context margin in px (default: receptive field radius, rounded up)")
    ap.add_argument("--no-check", action="store_true", help="skip the onnxruntime parity check")
    ap.add_argument("--no-recalibrate", action="store_true",
                    help="tile-invariant G: export the training-time moving-average statistics as they are")
    ap.add_argument("--recalibrate-chips", type=int, default=RECALIBRATION_CHIPS,
                    help=f"tile-invariant G: training chips to re-estimate the frozen statistics over "
                         f"(default {RECALIBRATION_CHIPS})")
    args = ap.parse_args(argv)
    if args.recalibrate_chips < 1:
        ap.error("--recalibrate-chips must be >= 1")
    try:
        g, ckpt = load_generator(args.checkpoint)
        spec = ckpt["generator"]
        fields = dict(ckpt.get("card") or {})
        if not fields:
            raise ValueError(f"{args.checkpoint}: checkpoint has no model card fields ('card')")
        if not args.no_recalibrate:
            # the EMA of per-image statistics lags the final weights (docs/results.md §2.1)
            n = recalibrate_checkpoint_generator(g, ckpt, args.recalibrate_chips)
            if n:
                training = dict(fields.get("training") or {})
                training["norm_statistics"] = recalibration_note(n)
                training["norm_statistics_chips"] = n
                fields["training"] = training
                print(f"recalibrated the frozen normalisation statistics over {n} training chips")
        for key in ("name", "version", "description"):
            if getattr(args, key):
                fields[key] = getattr(args, key)
        if args.tile_size:
            fields["tile_size"] = args.tile_size
        fields.update(tiling_fields(g, spec, args.margin))
        card = ModelCard(**fields)
        outputs = [(args.output, False)]
        if args.fp16:
            outputs.append((args.output.with_name(args.output.stem + "-fp16.onnx"), True))
        for path, half in outputs:
            export_onnx(g, card, path, spec["in_ch"], args.opset, fp16=half)
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, margin {card.tile_margin} px, "
                  f"tile_invariant {card.tile_invariant})")
            if not args.no_check:
                try:
                    err = parity_check(g, path, spec["in_ch"])
                    print(f"parity {path.name}: max abs error vs PyTorch = {err:.3g}")
                except Exception as e:  # fp16 kernels may be missing on the CPU provider
                    if not half:
                        raise
                    print(f"parity {path.name}: not checked on CPU ({str(e).splitlines()[0]})")
    except (ValueError, FileNotFoundError) as e:
        print(f"eo2sar-export: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
