"""DDP through torchrun: two CPU processes on gloo train 2 steps and end with identical weights.

Each rank sees different samples (DistributedSampler), so identical weights after the steps
prove the gradients were all-reduced. Run by pytest; torchrun runs this same file as the worker.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve()
TINY_CONFIG = HERE.parents[1] / "configs" / "tiny-cpu.yaml"


def _worker(out: Path, method: str) -> None:
    from eo2sar_train import distributed as ddp
    from eo2sar_train.config import load_config
    from eo2sar_train.trainer import Trainer

    torch.set_num_threads(1)
    cfg = load_config(TINY_CONFIG, [f"method={method}", f"out_dir={out / 'run'}", "progress=false", "device=cpu",
                                    "data.num_samples=4", "data.chip_size=32", "batch_size=1", "optim.max_steps=2"])
    info = ddp.init_distributed(cfg.device)
    assert info.world_size == 2 and torch.distributed.get_backend() == "gloo"
    trainer = Trainer(cfg, info=info)
    first = trainer.loader()
    trainer.fit()
    state = {name: {k: v.detach().clone() for k, v in net.state_dict().items()} for name, net in trainer.nets.items()}
    torch.save({"step": trainer.step, "indices": list(iter(first.sampler)), "state": state},
               out / f"rank{info.rank}.pt")
    ddp.cleanup(info)


def test_two_process_gloo_keeps_ranks_identical(tmp_path: Path) -> None:
    method = "pairloss"  # G, F, both discriminators and the feature path h_G/h_F
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(
        [str(HERE.parents[1]), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           str(HERE), str(tmp_path), method]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    r0, r1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in (0, 1))
    assert r0["step"] == r1["step"] == 2
    assert set(r0["indices"]).isdisjoint(r1["indices"])          # each rank trained on its own samples
    for name, params in r0["state"].items():
        for k, v in params.items():
            assert torch.equal(v, r1["state"][name][k]), f"{name}.{k} differs between ranks"
    assert (tmp_path / "run" / "checkpoints" / "last.pt").is_file()  # written once, by rank 0


if __name__ == "__main__":  # torchrun entry: python -m torch.distributed.run ... test_ddp.py OUT METHOD
    _worker(Path(sys.argv[1]), sys.argv[2])
