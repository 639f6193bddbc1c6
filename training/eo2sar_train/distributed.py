"""Multi-GPU / multi-machine training through PyTorch's own DDP, launched by ``torchrun``.

``torchrun --nproc_per_node=N -m eo2sar_train.trainer --config X.yaml`` sets RANK, LOCAL_RANK and
WORLD_SIZE; we then use NCCL on GPUs and gloo on CPU, and a DistributedSampler for the data.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Iterator

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def resolve_device(pref: str, info: DistInfo) -> torch.device:
    """``auto`` -> cuda when available; with DDP each process takes GPU LOCAL_RANK."""
    if pref == "auto":
        pref = "cuda" if torch.cuda.is_available() else "cpu"
    if pref.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device '{pref}' requested but CUDA is not available to PyTorch")
        index = info.local_rank if info.enabled else (int(pref.split(":")[1]) if ":" in pref else 0)
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    if pref != "cpu":
        raise ValueError(f"unknown device '{pref}' (expected auto, cpu, cuda or cuda:N)")
    return torch.device("cpu")


def init_distributed(device_pref: str = "auto") -> DistInfo:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1); otherwise single process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistInfo()
    info = DistInfo(int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0")), world)
    if not dist.is_initialized():
        use_nccl = device_pref != "cpu" and torch.cuda.is_available()
        dist.init_process_group(backend="nccl" if use_nccl else "gloo")
    return info


def wrap(module: nn.Module, info: DistInfo, device: torch.device) -> nn.Module:
    if not info.enabled or not any(p.requires_grad for p in module.parameters()):
        return module
    ids = [device.index] if device.type == "cuda" else None
    # Running statistics (tile-invariant norm) are averaged over ranks by average_buffers()
    # rather than overwritten by rank 0's at every forward.
    import inspect
    if "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters:
        return DistributedDataParallel(module, device_ids=ids, forward_sync_buffers=False)
    return DistributedDataParallel(module, device_ids=ids, broadcast_buffers=False)


def average_buffers(module: nn.Module, info: DistInfo) -> None:
    """Average floating-point buffers (running mean/var) over all ranks, in place."""
    if not info.enabled:
        return
    for buf in unwrap(module).buffers():
        if buf.is_floating_point():
            dist.all_reduce(buf, op=dist.ReduceOp.SUM)
            buf.div_(info.world_size)


def unwrap(module: nn.Module) -> nn.Module:
    """The plain module under DDP and torch.compile wrappers."""
    while True:
        if isinstance(module, DistributedDataParallel):
            module = module.module
        elif hasattr(module, "_orig_mod"):
            module = module._orig_mod  # type: ignore[assignment]
        else:
            return module


@contextlib.contextmanager
def no_sync(module: nn.Module) -> Iterator[None]:
    """Skip DDP's gradient all-reduce (for discriminator passes inside the generator step)."""
    inner = module._orig_mod if hasattr(module, "_orig_mod") else module
    if isinstance(inner, DistributedDataParallel):
        with inner.no_sync():
            yield
    else:
        yield


def barrier(info: DistInfo) -> None:
    if info.enabled:
        dist.barrier()


def cleanup(info: DistInfo) -> None:
    if info.enabled and dist.is_initialized():
        dist.destroy_process_group()
