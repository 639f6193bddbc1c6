"""One training loop for the three methods (DESIGN §5).

* ``cyclegan``: G: EO->SAR, F: SAR->EO, D_Y (SAR), D_X (EO); LSGAN + cycle L1 (lambda) +
  identity L1 (0.5 lambda, only when EO and SAR have the same channel count).
* ``pix2pix``: G + conditional PatchGAN D(x, y); LSGAN + lambda_l1 * |G(x) - y|.
* ``pairloss``: cyclegan + lambda_pair * (L_X + L_Y), the shift-insensitive pair loss.

``eo2sar-train --config configs/pairloss.yaml [section.key=value ...]``; several GPUs/machines:
``torchrun --nproc_per_node=N -m eo2sar_train.trainer --config ...``.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from . import distributed as ddp
from .config import TrainConfig, load_config, save_config, seed_everything, to_dict
from .data import eo_scale_offset
from .losses import PAIR_NORMS, ImagePool, dark_nir_water, l1, lsgan_loss, pair_terms, shift_tolerant_l1
from .models import build_discriminator, build_generator, frozen_running_stats

log = logging.getLogger("eo2sar_train")


class Trainer:
    def __init__(self, cfg: TrainConfig, dataset: Dataset | None = None, info: ddp.DistInfo | None = None) -> None:
        self.cfg = cfg
        self.info = info or ddp.DistInfo()
        self.device = ddp.resolve_device(cfg.device, self.info)
        self.cuda = self.device.type == "cuda"
        if self.cuda:
            torch.backends.cudnn.benchmark = cfg.cudnn_benchmark  # fixed chip size: let cuDNN pick its kernels once
        if cfg.loss.pair_norm not in PAIR_NORMS:
            raise ValueError(f"loss.pair_norm must be one of {', '.join(PAIR_NORMS)}, got {cfg.loss.pair_norm!r}")
        seed_everything(cfg.seed)  # same seed on every rank: identical initial weights
        self.out_dir = Path(cfg.out_dir)
        self.ckpt_path = self.out_dir / "checkpoints" / "last.pt"
        if dataset is None:
            from .data import build_dataset
            dataset = build_dataset(cfg.data, "train")
        self.dataset = dataset
        first = dataset[0]
        if first["eo"].shape[0] != cfg.in_channels or first["sar"].shape[0] != cfg.out_channels:
            raise ValueError(f"data gives {first['eo'].shape[0]} EO / {first['sar'].shape[0]} SAR channels but the config "
                             f"says in_channels={cfg.in_channels}, out_channels={cfg.out_channels}")
        self.cycle = cfg.method in ("cyclegan", "pairloss")

        c_in, c_out = cfg.in_channels, cfg.out_channels
        gcfg = cfg.model.generator
        self.nets: dict[str, nn.Module] = {"G": build_generator(gcfg, c_in, c_out)}
        if self.cycle:
            self.nets["F"] = build_generator(gcfg, c_out, c_in)
            self.nets["D_Y"] = build_discriminator(c_out, cfg.model.ndf, cfg.model.d_layers, cfg.model.d_norm)
            self.nets["D_X"] = build_discriminator(c_in, cfg.model.ndf, cfg.model.d_layers, cfg.model.d_norm)
        else:  # conditional D sees (EO, SAR) stacked
            self.nets["D_Y"] = build_discriminator(c_in + c_out, cfg.model.ndf, cfg.model.d_layers, cfg.model.d_norm)
        self.memory_format = torch.channels_last if (cfg.channels_last and self.cuda) else torch.contiguous_format
        for name, net in self.nets.items():
            self.nets[name] = net.to(self.device, memory_format=self.memory_format)

        g_params = itertools.chain(*(self.nets[k].parameters() for k in ("G", "F") if k in self.nets))
        d_params = itertools.chain(*(self.nets[k].parameters() for k in ("D_Y", "D_X") if k in self.nets))
        betas = (cfg.optim.beta1, cfg.optim.beta2)
        self.opt_g = torch.optim.Adam(g_params, lr=cfg.optim.lr, betas=betas)
        self.opt_d = torch.optim.Adam(d_params, lr=cfg.optim.lr, betas=betas)
        o = cfg.optim
        # CycleGAN schedule: constant for `epochs`, then linear decay to 0 over `epochs_decay`.
        decay = lambda e: 1.0 - max(0, e + 1 - o.epochs) / float(o.epochs_decay + 1)  # noqa: E731
        self.sched = [torch.optim.lr_scheduler.LambdaLR(opt, decay) for opt in (self.opt_g, self.opt_d)]
        self.pool_x = ImagePool(cfg.loss.pool_size, cfg.seed + self.info.rank)
        self.pool_y = ImagePool(cfg.loss.pool_size, cfg.seed + 1 + self.info.rank)
        self.step = 0
        self.epoch = 0
        if cfg.resume and self.ckpt_path.is_file():
            self.load(self.ckpt_path)

        # Wrappers come after loading so checkpoints hold plain state dicts.
        self.models: dict[str, nn.Module] = {}
        for name, net in self.nets.items():
            m = ddp.wrap(net, self.info, self.device)
            self.models[name] = torch.compile(m) if cfg.compile else m
        self.identity = self.cycle and c_in == c_out and cfg.loss.lambda_identity > 0
        if self.cycle and cfg.loss.lambda_identity > 0 and not self.identity and self.info.is_main:
            log.info("identity loss skipped: EO has %d channels, SAR %d", c_in, c_out)

    def _l1_weight(self, x: torch.Tensor) -> torch.Tensor | None:
        """Per-pixel pix2pix L1 weights: loss.l1_water_weight on the EO's water pixels, else 1 (None: no weighting)."""
        w = self.cfg.loss.l1_water_weight
        if w == 1.0:
            return None
        band = self.cfg.data.resolved_eo_bands().index("nir")
        scale, offset = eo_scale_offset(self.cfg.data, x.shape[1])
        nir = torch.round((x[:, band:band + 1].float() - offset[band]) / scale[band])   # back to integer reflectance x 10000
        return 1.0 + (w - 1.0) * dark_nir_water(nir).float()

    # ------------------------------------------------------------------ one iteration
    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.cuda and self.cfg.bf16:
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _to(self, t: torch.Tensor) -> torch.Tensor:
        return t.to(self.device, non_blocking=True).contiguous(memory_format=self.memory_format)

    def _set_d_grad(self, flag: bool) -> None:
        if not self.info.enabled:  # DDP expects every step's grads; there we use no_sync instead
            for k in ("D_Y", "D_X"):
                if k in self.nets:
                    self.nets[k].requires_grad_(flag)

    @staticmethod
    def _run(net: nn.Module, x: torch.Tensor, features_n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        if not features_n:
            return net(x), None
        return net(x, features_n=features_n)

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """One generator update and one discriminator update; returns the loss values as detached
        tensors (no host sync: the loop converts them only when it logs)."""
        cfg, m = self.cfg.loss, self.models
        # y is the SAR as the data gives it (synthetic: misaligned). batch["sar_aligned"] is ground
        # truth for the TensorBoard strip only, never a loss input (tests/test_trainer.py).
        x, y = self._to(batch["eo"]), self._to(batch["sar"])
        losses: dict[str, torch.Tensor] = {}

        # --- generators
        self._set_d_grad(False)
        self.opt_g.zero_grad(set_to_none=True)
        pair_n = cfg.pair_n if self.cfg.method == "pairloss" else 0
        with self._autocast():
            if self.cycle:
                # G's and F's running statistics (frozen-statistics / batch norm) are what they normalise
                # with at inference: only their passes on real inputs update them, as in Pix2Pix.
                fake_y, hx = self._run(m["G"], x, pair_n)
                fake_x, hy = self._run(m["F"], y, pair_n)
                with frozen_running_stats(self.nets["G"], self.nets["F"]):
                    rec_x, h_fake_y = self._run(m["F"], fake_y, pair_n)   # F(G(x)); h_F(G(x))
                    rec_y, h_fake_x = self._run(m["G"], fake_x, pair_n)   # G(F(y)); h_G(F(y))
                    with ddp.no_sync(m["D_Y"]), ddp.no_sync(m["D_X"]):
                        losses["G_gan"] = lsgan_loss(m["D_Y"](fake_y), True)
                        losses["F_gan"] = lsgan_loss(m["D_X"](fake_x), True)
                    losses["cycle"] = cfg.lambda_cycle * (l1(rec_x, x) + l1(rec_y, y))
                    if self.identity:
                        losses["idt"] = cfg.lambda_cycle * cfg.lambda_identity * (l1(m["G"](y), y) + l1(m["F"](x), x))
                if pair_n:  # features from the four passes above, no extra partial passes
                    lx, ly = pair_terms(hx, h_fake_x, hy, h_fake_y, cfg.pair_detach_real, cfg.pair_norm)
                    losses["pair_x"], losses["pair_y"] = cfg.lambda_pair * lx, cfg.lambda_pair * ly
            else:
                fake_y = m["G"](x)
                with ddp.no_sync(m["D_Y"]):
                    losses["G_gan"] = lsgan_loss(m["D_Y"](torch.cat([x, fake_y], 1)), True)
                losses["l1"] = self.cfg.loss.lambda_l1 * shift_tolerant_l1(
                    fake_y, y, cfg.l1_max_shift, self._l1_weight(x), cfg.l1_shift_cells)
        loss_g = sum(losses.values())
        loss_g.backward()
        self.opt_g.step()

        # --- discriminators
        self._set_d_grad(True)
        self.opt_d.zero_grad(set_to_none=True)  # also clears D grads left by the generator pass
        with self._autocast():
            if self.cycle:  # the pools hand back detached fakes: D's loss never reaches G/F
                fy, fx = self.pool_y.query(fake_y), self.pool_x.query(fake_x)
                losses["D_Y"] = 0.5 * (lsgan_loss(m["D_Y"](y), True) + lsgan_loss(m["D_Y"](fy), False))
                losses["D_X"] = 0.5 * (lsgan_loss(m["D_X"](x), True) + lsgan_loss(m["D_X"](fx), False))
                loss_d = losses["D_Y"] + losses["D_X"]
            else:
                real = torch.cat([x, y], 1)
                fake = torch.cat([x, fake_y.detach()], 1)
                losses["D_Y"] = 0.5 * (lsgan_loss(m["D_Y"](real), True) + lsgan_loss(m["D_Y"](fake), False))
                loss_d = losses["D_Y"]
        loss_d.backward()
        self.opt_d.step()
        self.step += 1
        self._last = (x, y, fake_y, batch.get("sar_aligned"))
        return {k: v.detach() for k, v in losses.items()}

    # ------------------------------------------------------------------ the loop
    def loader(self) -> DataLoader:
        sampler = DistributedSampler(self.dataset, self.info.world_size, self.info.rank, shuffle=True,
                                     seed=self.cfg.seed, drop_last=True) if self.info.enabled else None
        gen = torch.Generator().manual_seed(self.cfg.seed)
        workers = self.cfg.num_workers
        return DataLoader(self.dataset, batch_size=self.cfg.batch_size, shuffle=sampler is None, sampler=sampler,
                          num_workers=workers, pin_memory=self.cuda, drop_last=True, generator=gen,
                          worker_init_fn=_seed_worker)  # not persistent: workers must see set_epoch()

    def fit(self) -> dict[str, float]:
        """Trains to the configured budget; returns the last step's losses."""
        cfg, o = self.cfg, self.cfg.optim
        total_epochs = o.epochs + o.epochs_decay
        main = self.info.is_main
        writer = None
        if main:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            save_config(cfg, self.out_dir / "config.yaml")
            from torch.utils.tensorboard import SummaryWriter
            writer = SummaryWriter(str(self.out_dir / "tb"))
        loader = self.loader()
        if len(loader) == 0:
            raise ValueError(f"dataset has {len(self.dataset)} samples: fewer than one batch of {cfg.batch_size} per process")
        from tqdm import tqdm
        bar = tqdm(total=o.max_steps or total_epochs * len(loader), initial=self.step,
                   disable=not (main and cfg.progress), dynamic_ncols=True)
        last: dict[str, torch.Tensor] = {}
        t0, n0 = time.perf_counter(), self.step
        done = bool(o.max_steps and self.step >= o.max_steps)  # resumed at/after the budget: no extra step
        while self.epoch < total_epochs and not done:
            if isinstance(loader.sampler, DistributedSampler):
                loader.sampler.set_epoch(self.epoch)
            if hasattr(self.dataset, "set_epoch"):  # new augmentation draw each epoch
                self.dataset.set_epoch(self.epoch)
            for batch in loader:
                last = self.train_step(batch)
                bar.update(1)
                if main and cfg.log_every and self.step % cfg.log_every == 0:
                    rate = (self.step - n0) * cfg.batch_size * self.info.world_size / (time.perf_counter() - t0)
                    values = {k: float(v) for k, v in last.items()}   # the only host sync, once per log_every
                    bar.set_postfix({k: f"{v:.3f}" for k, v in values.items() if k in ("G_gan", "cycle", "l1", "pair_x")})
                    for k, v in values.items():
                        writer.add_scalar(f"loss/{k}", v, self.step)
                    writer.add_scalar("lr", self.opt_g.param_groups[0]["lr"], self.step)
                    writer.add_scalar("images_per_s", rate, self.step)
                if main and cfg.image_every and self.step % cfg.image_every == 0:
                    writer.add_image("eo|sar|fake|aligned", image_grid(*self._last), self.step)
                if cfg.ckpt_every and self.step % cfg.ckpt_every == 0:
                    self.save(self.ckpt_path)
                if o.max_steps and self.step >= o.max_steps:
                    done = True
                    break
            if not done:
                self.epoch += 1
                for s in self.sched:
                    s.step()
            self.save(self.ckpt_path)
        bar.close()
        if writer is not None:
            writer.close()
        return {k: float(v) for k, v in last.items()}

    # ------------------------------------------------------------------ checkpoints
    def state(self) -> dict[str, Any]:
        return {
            **{name: net.state_dict() for name, net in self.nets.items()},
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
            "sched": [s.state_dict() for s in self.sched],
            "step": self.step, "epoch": self.epoch,
            "config": to_dict(self.cfg),
            "generator": {"config": asdict(self.cfg.model.generator), "in_ch": self.cfg.in_channels,
                          "out_ch": self.cfg.out_channels},
            "card": card_fields(self.cfg, self.step, self.epoch),
        }

    def save(self, path: Path) -> None:
        """Rank 0 writes atomically (temp file + rename); every rank waits for it."""
        for net in self.nets.values():
            ddp.average_buffers(net, self.info)  # every rank then holds the same running statistics
        if self.info.is_main:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
            os.close(fd)
            try:
                torch.save(self.state(), tmp)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        ddp.barrier(self.info)

    def load(self, path: Path) -> None:
        ckpt = torch.load(path, map_location=self.device, weights_only=False)
        for name, net in self.nets.items():
            net.load_state_dict(ckpt[name])
        self.opt_g.load_state_dict(ckpt["opt_g"])
        self.opt_d.load_state_dict(ckpt["opt_d"])
        for s, st in zip(self.sched, ckpt["sched"]):
            s.load_state_dict(st)
        self.step, self.epoch = int(ckpt["step"]), int(ckpt["epoch"])
        if self.info.is_main:
            log.info("resumed from %s at step %d, epoch %d", path, self.step, self.epoch)


def card_fields(cfg: TrainConfig, step: int, epoch: int) -> dict[str, Any]:
    """ModelCard fields (export fills tile_multiple/margin/tile_invariant from the generator).

    Unset card values come from the data config: EO band names and scale/offset from its band
    selection and normalisation, SAR scale/offset from its dB range.
    """
    from . import data

    c = cfg.card
    d_bands, d_scale, d_offset = data.input_card(cfg.data)
    bands = c.input_bands or d_bands
    s_scale, s_offset = data.sar_scale_offset(cfg.data)
    g = cfg.model.generator
    return {
        "name": c.name, "version": c.version, "description": c.description,
        "input_bands": list(bands), "input_scale": list(c.input_scale or d_scale),
        "input_offset": list(c.input_offset or d_offset),
        "output_bands": list(c.output_bands), "output_unit": c.output_unit,
        "output_scale": list(c.output_scale or s_scale), "output_offset": list(c.output_offset or s_offset),
        "tile_size": c.tile_size, "gsd": c.gsd,
        "training": {"method": cfg.method, "pair_n": cfg.loss.pair_n if cfg.method == "pairloss" else None,
                     "lambda_pair": cfg.loss.lambda_pair if cfg.method == "pairloss" else None,
                     "pair_detach_real": cfg.loss.pair_detach_real if cfg.method == "pairloss" else None,
                     "generator": asdict(g), "steps": step, "epochs": epoch, "batch_size": cfg.batch_size,
                     "seed": cfg.seed, "data": _json_safe(to_dict(cfg.data))},
    }


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _seed_worker(worker_id: int) -> None:
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    import random
    random.seed(seed)


def image_grid(x: torch.Tensor, y: torch.Tensor, fake_y: torch.Tensor, aligned: torch.Tensor | None) -> torch.Tensor:
    """First sample as one RGB strip [3, H, k*W] in [0, 1]: EO | SAR | G(EO) | aligned SAR."""
    def rgb(t: torch.Tensor) -> torch.Tensor:
        t = t[0].detach().float().cpu()
        t = t[:3] if t.shape[0] >= 3 else t[:1].expand(3, -1, -1)
        return ((t + 1) / 2).clamp(0, 1)
    tiles = [rgb(x), rgb(y), rgb(fake_y)] + ([rgb(aligned)] if aligned is not None else [])
    return torch.cat(tiles, dim=2)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eo2sar-train", description="Train an EO->SAR generator (cyclegan | pix2pix | pairloss).")
    ap.add_argument("--config", type=Path, help="YAML config (see training/configs/)")
    ap.add_argument("overrides", nargs="*", help="section.key=value, e.g. optim.lr=1e-4 method=pix2pix")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    info = ddp.DistInfo()
    try:
        cfg = load_config(args.config, args.overrides)
        info = ddp.init_distributed(cfg.device)
        trainer = Trainer(cfg, info=info)
        last = trainer.fit()
        if info.is_main:
            print(f"done: step {trainer.step}, epoch {trainer.epoch}, checkpoint {trainer.ckpt_path}; "
                  + ", ".join(f"{k} {v:.4f}" for k, v in last.items()))
    except ValueError as e:
        print(f"eo2sar-train: error: {e}", file=sys.stderr)
        return 2
    finally:
        ddp.cleanup(info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
