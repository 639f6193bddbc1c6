"""The training loop runs each method, writes checkpoints and resumes from them."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import yaml

from eo2sar_train.config import TrainConfig, load_config
from eo2sar_train.trainer import Trainer, main

torch.set_num_threads(1)  # tiny nets: one thread is fastest, and the CI machine is shared

TINY_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "tiny-cpu.yaml"


def tiny_config(tmp: Path, method: str = "pairloss", *extra: str) -> TrainConfig:
    """The CPU smoke config on 4 synthetic 32 px scenes, 2 steps."""
    return load_config(TINY_CONFIG, [f"method={method}", f"out_dir={tmp}", "progress=false",
                                     "data.num_samples=4", "data.chip_size=32", "optim.max_steps=2", "log_every=1",
                                     "image_every=1", *extra])


@pytest.fixture
def tiny(tmp_path: Path):
    return lambda method="pairloss", *extra: tiny_config(tmp_path / method, method, *extra)


@pytest.mark.parametrize("method", ["cyclegan", "pix2pix", "pairloss"])
def test_two_steps_then_resume(tiny, method: str) -> None:
    cfg = tiny(method)
    trainer = Trainer(cfg)
    before = {k: v.clone() for k, v in trainer.nets["G"].state_dict().items()}
    losses = trainer.fit()
    assert trainer.step == 2
    assert all(math.isfinite(v) for v in losses.values())
    expected = {"cyclegan": {"G_gan", "F_gan", "cycle", "D_Y", "D_X"},
                "pix2pix": {"G_gan", "l1", "D_Y"},
                "pairloss": {"G_gan", "F_gan", "cycle", "pair_x", "pair_y", "D_Y", "D_X"}}[method]
    assert set(losses) == expected
    after = trainer.nets["G"].state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)   # G was updated
    ckpt = Path(cfg.out_dir) / "checkpoints" / "last.pt"
    assert ckpt.is_file() and (Path(cfg.out_dir) / "config.yaml").is_file()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(Path(cfg.out_dir) / "tb")).Reload()
    assert "loss/G_gan" in events.Tags()["scalars"] and events.Tags()["images"]   # scalars + image strip

    cfg.optim.max_steps = 3
    resumed = Trainer(cfg)
    assert resumed.step == 2
    for k, v in resumed.nets["G"].state_dict().items():
        assert torch.equal(v, after[k]), k
    assert resumed.opt_g.state_dict()["state"]                          # Adam moments restored
    resumed.fit()
    assert resumed.step == 3
    again = Trainer(cfg)                                                # budget already spent: no extra step
    again.fit()
    assert again.step == 3


def test_losses_see_the_training_sar_never_the_aligned_truth(tiny) -> None:
    """Only batch["sar"] (misaligned) enters the losses; D's update never reaches G/F."""
    cfg = tiny("pairloss", "data.misalignment_px=4")
    batch = next(iter(Trainer(cfg).loader()))
    assert not torch.equal(batch["sar"], batch["sar_aligned"])

    def step(b: dict[str, torch.Tensor]) -> tuple[dict[str, float], Trainer, dict[str, torch.Tensor]]:
        t = Trainer(cfg)                                                # same seed: same initial weights
        grads: dict[str, torch.Tensor] = {}
        opt_step = t.opt_g.step

        def record(*a, **k):                                            # G/F grads at the generator update
            grads.update({f"{n}.{k}": p.grad.clone() for n in ("G", "F") for k, p in t.nets[n].named_parameters()})
            return opt_step(*a, **k)
        t.opt_g.step = record
        return t.train_step(b), t, grads

    base, t, grads = step(batch)
    for n in ("G", "F"):                                                # unchanged by the D update
        for k, p in t.nets[n].named_parameters():
            assert torch.equal(p.grad, grads[f"{n}.{k}"]), f"D loss reached {n}.{k}"
    nan = torch.full_like(batch["sar_aligned"], float("nan"))
    assert step({**batch, "sar_aligned": nan, "sar_clean": nan})[0] == base
    assert step({**batch, "sar": batch["sar_aligned"]})[0] != base      # the SAR input does matter


def test_lr_is_constant_then_decays_linearly(tiny) -> None:
    cfg = tiny("pix2pix", "optim.epochs=2", "optim.epochs_decay=2", "optim.max_steps=0", "data.num_samples=2")
    trainer = Trainer(cfg)
    trainer.fit()                                                       # 4 epochs of 1 step
    assert trainer.epoch == 4 and trainer.step == 4
    lrs = [s.get_last_lr()[0] for s in trainer.sched]
    lr = cfg.optim.lr
    assert lrs == [pytest.approx(0.0)] * 2
    factors = [trainer.sched[0].lr_lambdas[0](e) for e in range(4)]
    assert factors == pytest.approx([1.0, 1.0, 2 / 3, 1 / 3]) and lr > 0


def test_config_yaml_overrides_and_errors(tmp_path: Path) -> None:
    cfg = load_config(TINY_CONFIG, ["optim.lr=0.001", "loss.pair_n=2", "model.generator.norm=instance"])
    assert isinstance(cfg, TrainConfig)
    assert cfg.optim.lr == 0.001 and cfg.loss.pair_n == 2 and cfg.model.generator.norm == "instance"
    assert cfg.data.chip_size == 32                                     # from the YAML
    with pytest.raises(ValueError, match="unknown config key.*optim.lrr"):
        load_config(TINY_CONFIG, ["optim.lrr=1"])
    with pytest.raises(ValueError, match="method must be one of"):
        load_config(TINY_CONFIG, ["method=unit"])
    with pytest.raises(ValueError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    for name in ("cyclegan", "pix2pix", "pairloss"):                    # shipped configs load
        shipped = load_config(TINY_CONFIG.parent / f"{name}.yaml")
        assert shipped.method == name and shipped.model.generator.n_blocks == 9


def test_cli_trains_and_exports(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["--config", str(TINY_CONFIG), f"out_dir={out}", "progress=false", "data.num_samples=4",
                 "optim.max_steps=2"]) == 0
    saved = yaml.safe_load((out / "config.yaml").read_text())
    assert saved["optim"]["max_steps"] == 2
    from eo2sar_train.export import main as export_main
    import onnx
    model = tmp_path / "g.onnx"
    assert export_main([str(out / "checkpoints" / "last.pt"), "-o", str(model)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(model)).metadata_props}
    assert meta["eo2sar.name"] == "eo2sar-tiny"
    assert meta["eo2sar.tile_invariant"] == "true" and meta["eo2sar.tile.margin"] == "28"
    assert '"method": "pairloss"' in meta["eo2sar.training"] and '"steps": 2' in meta["eo2sar.training"]
    assert "parity g.onnx: max abs error" in capsys.readouterr().out
    assert main(["--config", str(tmp_path / "nope.yaml")]) == 2
    assert export_main([str(tmp_path / "nope.pt"), "-o", str(tmp_path / "x.onnx")]) == 2
    assert not (tmp_path / "x.onnx").exists()


@pytest.mark.parametrize("method", ["cyclegan", "pix2pix", "pairloss"])
def test_generator_running_statistics_learn_from_real_inputs_only(tiny, method: str, monkeypatch) -> None:
    """Issue 10: cycle methods also run G on fakes, SAR and (pair loss) features; only its pass on
    the real EO may move the statistics it normalises with at inference, once per step as in Pix2Pix."""
    from eo2sar_train import models

    cfg = tiny(method, "model.generator.norm=tile-invariant")
    trainer = Trainer(cfg)
    first = next(m for m in trainer.nets["G"].modules() if isinstance(m, models.FrozenStatNorm))
    updates = []
    forward = models.FrozenStatNorm.forward

    def counting(self, x):
        if self is first and self.training and self.update_stats:
            updates.append(x.shape)
        return forward(self, x)
    monkeypatch.setattr(models.FrozenStatNorm, "forward", counting)
    batch = next(iter(trainer.loader()))
    trainer.train_step(batch)
    assert len(updates) == 1, f"{method}: {len(updates)} statistics updates of G in one step"


def test_pair_loss_in_the_step_equals_the_separate_passes(tiny) -> None:
    """The trainer takes h_G(x), h_G(F(y)), h_F(y), h_F(G(x)) from the passes it runs anyway; the
    values equal those of four separate partial passes (losses.pair_loss)."""
    from eo2sar_train.losses import pair_loss

    cfg = tiny("pairloss", "model.generator.norm=instance")
    trainer = Trainer(cfg)
    batch = next(iter(trainer.loader()))
    x, y = batch["eo"], batch["sar"]
    g, f = trainer.nets["G"], trainer.nets["F"]
    with torch.no_grad():
        fake_y, fake_x = g(x), f(y)
        lx, ly = pair_loss(g, f, x, y, fake_x, fake_y, cfg.loss.pair_n)
    losses = trainer.train_step(batch)
    assert float(losses["pair_x"]) == pytest.approx(cfg.loss.lambda_pair * float(lx), rel=1e-5)
    assert float(losses["pair_y"]) == pytest.approx(cfg.loss.lambda_pair * float(ly), rel=1e-5)


def test_unet_with_the_pair_loss_fails_when_the_config_loads() -> None:
    with pytest.raises(ValueError, match="pair loss compares the first blocks of a ResNet"):
        load_config(TINY_CONFIG, ["method=pairloss", "model.generator.kind=unet"])
    with pytest.raises(ValueError, match="pair_norm"):
        Trainer(load_config(TINY_CONFIG, ["method=pairloss", "loss.pair_norm=bogus", "data.num_samples=4",
                                          "data.chip_size=32"]))
    assert load_config(TINY_CONFIG, ["method=pix2pix", "model.generator.kind=unet"]).model.generator.kind == "unet"
    assert load_config(TINY_CONFIG).data.augment == "azimuth", "no rotation of the radar look direction by default"
