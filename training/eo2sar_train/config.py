"""Training configuration: dataclasses, YAML loading and ``section.key=value`` overrides."""
from __future__ import annotations

import dataclasses
import os
import random
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence

import numpy as np
import torch
import yaml

from .data import DataConfig
from .models import GeneratorConfig

Method = Literal["cyclegan", "pix2pix", "pairloss"]
METHODS = ("cyclegan", "pix2pix", "pairloss")


@dataclass
class ModelConfig:
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)
    ndf: int = 64
    d_layers: int = 3
    d_norm: str = "instance"


@dataclass
class LossConfig:
    lambda_cycle: float = 10.0
    lambda_identity: float = 0.5      # times lambda_cycle, as in CycleGAN
    lambda_l1: float = 100.0          # pix2pix reconstruction weight
    l1_max_shift: int = 0             # pix2pix: L1 with each chip's best shift of the SAR within +-this (px)
    #: with l1_max_shift: the chip's crop cut into this many x this many regions, each with its own best shift
    l1_shift_cells: int = 1
    #: pix2pix: L1 weight of the EO's water pixels (losses.dark_nir_water; needs a nir input band), 1 = none.
    #: Taken from the input, not the SAR, so it emphasises water without moving the per-pixel optimum.
    l1_water_weight: float = 1.0
    lambda_pair: float = 10.0         # weight of L_X + L_Y (pairloss)
    pair_n: int = 3                   # blocks of G/F in h_G/h_F (3 = stem + two downsamplings)
    pair_detach_real: bool = False    # stop gradients through h_G(x), h_F(y) (see losses.pair_loss)
    #: "none": L1 of the features as they are (the method as first measured); "scale": each L1 over
    #: the mean |real feature| (detached), so lambda_pair means the same for every N and scaling the
    #: features down no longer lowers the loss
    pair_norm: str = "none"
    pool_size: int = 50


@dataclass
class OptimConfig:
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    epochs: int = 100                 # constant learning rate ...
    epochs_decay: int = 100           # ... then linear decay to zero
    max_steps: int = 0                # stop after this many iterations (0 = no limit)


@dataclass
class CardConfig:
    """Model card fields for export (DESIGN §6); None values are derived from the data config."""
    name: str = "eo2sar"
    version: str = "0.1.0"
    description: str = "EO->SAR generator"
    input_bands: list[str] | None = None
    input_scale: list[float] | None = None
    input_offset: list[float] | None = None
    output_bands: list[str] = field(default_factory=lambda: ["VV"])
    output_unit: str = "dB"
    output_scale: list[float] | None = None     # None: from data.sar_db_range
    output_offset: list[float] | None = None
    tile_size: int = 512
    gsd: float = 10.0


@dataclass
class TrainConfig:
    method: Method = "pairloss"
    seed: int = 0
    out_dir: str = "runs/default"
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    card: CardConfig = field(default_factory=CardConfig)
    in_channels: int = 3
    out_channels: int = 1
    batch_size: int = 1
    num_workers: int = 2
    device: str = "auto"              # auto | cpu | cuda | cuda:N
    bf16: bool = True                 # bf16 autocast (CUDA only)
    channels_last: bool = True        # (CUDA only)
    cudnn_benchmark: bool = True      # (CUDA only) chips have one size, so cuDNN's autotuning pays once
    compile: bool = False             # torch.compile the generators and discriminators
    log_every: int = 50
    image_every: int = 500
    ckpt_every: int = 1000            # iterations; a checkpoint is also written at every epoch end
    resume: bool = True               # continue from out_dir/checkpoints/last.pt when present
    progress: bool = True             # tqdm bar

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got '{self.method}'")
        if self.method == "pairloss" and self.model.generator.kind != "resnet":
            raise ValueError(f"the pair loss compares the first blocks of a ResNet generator; "
                             f"model.generator.kind={self.model.generator.kind!r} has none (use resnet, or method=pix2pix)")
        if self.loss.l1_shift_cells != 1:
            if self.loss.l1_shift_cells < 1 or self.loss.l1_max_shift <= 0 or self.method != "pix2pix":
                raise ValueError(f"loss.l1_shift_cells ({self.loss.l1_shift_cells}) must be >= 1 and needs method=pix2pix "
                                 f"with loss.l1_max_shift > 0 (got {self.method!r}, {self.loss.l1_max_shift})")
        if self.loss.l1_water_weight != 1.0:
            if self.method != "pix2pix":
                raise ValueError(f"loss.l1_water_weight weights the pix2pix L1; method={self.method!r} has none")
            if self.loss.l1_water_weight <= 0:
                raise ValueError(f"loss.l1_water_weight must be > 0, got {self.loss.l1_water_weight}")
            if "nir" not in self.data.resolved_eo_bands() or self.data.eo_scale != "reflectance10000":
                raise ValueError("loss.l1_water_weight finds water as dark NIR reflectance: it needs a 'nir' band "
                                 f"in data.eo_bands and data.eo_scale=reflectance10000 (got {self.data.resolved_eo_bands()}, "
                                 f"{self.data.eo_scale!r})")


def _build(cls: type, values: Any, where: str) -> Any:
    """Recursively turn a YAML mapping into the dataclass ``cls`` (unknown keys are errors)."""
    if not dataclasses.is_dataclass(cls):
        return values
    if values is None:
        return cls()
    if not isinstance(values, dict):
        raise ValueError(f"config '{where or 'root'}' must be a mapping, got {values!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(f"unknown config key(s) {', '.join((where + '.' if where else '') + k for k in unknown)}")
    kwargs = {}
    for key, value in values.items():
        t = hints[key]
        sub = next((a for a in (typing.get_args(t) or (t,)) if dataclasses.is_dataclass(a)), None)
        kwargs[key] = _build(sub, value, f"{where}.{key}" if where else key) if sub else value
    return cls(**kwargs)


def to_dict(cfg: Any) -> dict[str, Any]:
    """Plain YAML/JSON-safe dict (tuples become lists)."""
    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v
    return plain(dataclasses.asdict(cfg))


def _set_dotted(d: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        d = d.setdefault(k, {})
        if not isinstance(d, dict):
            raise ValueError(f"override '{dotted}': '{k}' is not a section")
    d[keys[-1]] = value


def load_config(path: str | Path | None = None, overrides: Sequence[str] = ()) -> TrainConfig:
    """Defaults <- YAML file <- ``section.key=value`` overrides (values parsed as YAML)."""
    raw: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"config file {path} does not exist")
        raw = yaml.safe_load(path.read_text()) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"config file {path} must contain a mapping")
    base = to_dict(_build(TrainConfig, raw, ""))
    for item in overrides:
        if "=" not in item:
            raise ValueError(f"override '{item}' must look like section.key=value")
        key, value = item.split("=", 1)
        _set_dotted(base, key.strip(), yaml.safe_load(value))
    return _build(TrainConfig, base, "")


def save_config(cfg: TrainConfig, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(to_dict(cfg), sort_keys=False))


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (all devices)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
