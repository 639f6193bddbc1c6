"""Shared helpers: a tiny training config on real (synthetic-scene) data."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from eo2sar_train.config import TrainConfig, load_config

TRAINING = Path(__file__).resolve().parents[1]
REPO = TRAINING.parent
TINY_CONFIG = TRAINING / "configs" / "tiny-cpu.yaml"

torch.set_num_threads(min(2, torch.get_num_threads()))


def tiny_config(tmp: Path, method: str = "pairloss", *extra: str) -> TrainConfig:
    return load_config(TINY_CONFIG, [f"method={method}", f"out_dir={tmp}", "progress=false",
                                     "data.num_samples=4", "data.chip_size=32", "optim.max_steps=2", *extra])


@pytest.fixture
def tiny(tmp_path: Path):
    return lambda method="pairloss", *extra: tiny_config(tmp_path / method, method, *extra)
