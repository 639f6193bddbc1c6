"""ONNX export: model card, parity with PyTorch, dynamic shapes, tile invariance; the committed test models."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from eo2sar_train.export import export_onnx, margin_for, parity_check
from eo2sar_train.modelcard import REQUIRED_KEYS, ModelCard
from eo2sar_train.models import FrozenStatNorm, GeneratorConfig, build_generator, receptive_radius

torch.set_num_threads(1)  # tiny nets: one thread is fastest, and the CI machine is shared

REPO = Path(__file__).resolve().parents[2]
TEST_MODELS = REPO / "src" / "core" / "src" / "test" / "resources" / "models"


def _card(**kw) -> ModelCard:
    base = dict(name="t", version="1", description="test", input_bands=["red", "green", "blue"],
                input_scale=[2 / 255] * 3, input_offset=[-1.0] * 3, tile_size=256, tile_margin=32)
    return ModelCard(**{**base, **kw})


def _calibrated_tile_invariant() -> torch.nn.Module:
    torch.manual_seed(3)
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=2, norm="tile-invariant"), 3, 1)
    for m in g.modules():
        if isinstance(m, FrozenStatNorm):
            m.momentum = 0.5
    with torch.no_grad():
        for _ in range(3):
            g(torch.rand(2, 3, 64, 64) * 2 - 1)  # training mode: running statistics move away from (0, 1)
    return g.eval()


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return s.run(None, {"input": x.astype(np.float32)})[0]


def test_model_card_round_trip_and_validation() -> None:
    card = _card(training={"method": "pairloss", "pair_n": 3})
    meta = card.to_metadata()
    assert set(meta) == set(REQUIRED_KEYS) and all(isinstance(v, str) for v in meta.values())
    assert meta["eo2sar.format"] == "1" and meta["eo2sar.tile_invariant"] == "false"
    assert json.loads(meta["eo2sar.input.bands"]) == ["red", "green", "blue"]
    assert json.loads(meta["eo2sar.output.offset"]) == [-12.5] and meta["eo2sar.tile.multiple"] == "4"
    assert ModelCard.from_metadata(meta) == card
    with pytest.raises(ValueError, match="one per input band"):
        _card(input_scale=[1.0])
    with pytest.raises(ValueError, match="multiples of tile.multiple"):
        _card(tile_margin=30)
    with pytest.raises(ValueError, match="missing eo2sar.gsd"):
        ModelCard.from_metadata({k: v for k, v in meta.items() if k != "eo2sar.gsd"})


def test_model_card_input_range_is_optional_and_round_trips() -> None:
    ranged = _card(input_range=[[153.0, 1345.0], [277.0, 1222.0], [140.0, 835.0]])
    meta = ranged.to_metadata()
    assert json.loads(meta["eo2sar.input.range"]) == [[153.0, 1345.0], [277.0, 1222.0], [140.0, 835.0]]
    assert ModelCard.from_metadata(meta) == ranged
    assert "eo2sar.input.range" not in _card().to_metadata()
    with pytest.raises(ValueError, match="input.range must be 3"):
        _card(input_range=[[0.0, 1.0]])
    with pytest.raises(ValueError, match="low < high"):
        _card(input_range=[[0.0, 1.0], [5.0, 1.0], [0.0, 1.0]])


def test_instance_norm_export_parity_dynamic_shapes_and_card(tmp_path: Path) -> None:
    torch.manual_seed(0)
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=2, norm="instance"), 3, 1).eval()
    path = export_onnx(g, _card(), tmp_path / "g.onnx", in_ch=3)
    model = onnx.load(str(path))
    assert max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) >= 17
    assert "InstanceNormalization" in {n.op_type for n in model.graph.node}
    dims = [d.dim_param for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", "", "height", "width"]
    assert {p.key: p.value for p in model.metadata_props} == _card().to_metadata()
    assert not any(n.metadata_props for n in model.graph.node)  # no local stack traces in the file
    err = parity_check(g, path, 3, shapes=((1, 64, 64), (2, 100, 132), (3, 32, 48)))
    print(f"instance-norm export parity: max abs error {err:.2e}")
    assert err < 1e-4
    assert not list(tmp_path.glob("*.tmp"))


def test_tile_invariant_export_tile_equals_region_of_whole_image(tmp_path: Path) -> None:
    g = _calibrated_tile_invariant()
    margin = margin_for(g, 3)
    assert margin >= receptive_radius(g, 3) and margin % 4 == 0
    path = export_onnx(g, _card(tile_invariant=True, tile_margin=margin), tmp_path / "ti.onnx", in_ch=3)
    assert parity_check(g, path, 3) < 1e-4
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 160, 200)).astype(np.float32)
    whole = _run(path, x)
    y0, x0, core = 40, 64, 48  # multiples of 4: tiles start on the stride grid
    tile = x[:, :, y0 - margin:y0 + core + margin, x0 - margin:x0 + core + margin]
    out = _run(path, tile)[:, :, margin:margin + core, margin:margin + core]
    diff = float(np.abs(out - whole[:, :, y0:y0 + core, x0:x0 + core]).max())
    print(f"tile-invariant: |tile - whole| max {diff:.2e} with margin {margin}")
    assert diff < 1e-5


def test_export_clamps_the_input_to_the_training_range(tmp_path: Path) -> None:
    # Training clips normalised EO to [-1, 1] (bright clouds/snow): the graph must do the same, so
    # consumers that apply only the card's scale/offset get what the generator was trained on.
    g = _calibrated_tile_invariant()
    path = export_onnx(g, _card(tile_invariant=True), tmp_path / "c.onnx", in_ch=3)
    assert "Clip" in {n.op_type for n in onnx.load(str(path)).graph.node}
    x = np.random.default_rng(2).uniform(-1, 1, (1, 3, 64, 64)).astype(np.float32)
    x[:, :, 10:30, 10:30] = 2.5  # "brighter than white"
    x[:, :, 40:50, 40:50] = -3.0
    with torch.no_grad():
        expected = g(torch.from_numpy(x).clamp(-1, 1)).numpy()
    got = _run(path, x)
    assert float(np.abs(got - expected).max()) < 1e-4
    assert float(np.abs(got - _run(path, np.clip(x, -1, 1))).max()) == 0.0


def test_fp16_variant_keeps_float32_io(tmp_path: Path) -> None:
    g = _calibrated_tile_invariant()
    path = export_onnx(g, _card(tile_invariant=True), tmp_path / "h.onnx", in_ch=3, fp16=True)
    model = onnx.load(str(path))
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert any(t.data_type == onnx.TensorProto.FLOAT16 for t in model.graph.initializer)
    weight_bytes = sum(len(t.raw_data) for t in model.graph.initializer if t.data_type == onnx.TensorProto.FLOAT16)
    assert weight_bytes >= 0.95 * 2 * sum(p.numel() for p in g.parameters())  # (nearly) all weights in float16
    assert parity_check(g, path, 3) < 1e-2


@pytest.mark.parametrize("name,invariant", [("tiny-instancenorm", False), ("tiny-tileinvariant", True)])
def test_committed_test_models(name: str, invariant: bool) -> None:
    path = TEST_MODELS / f"{name}.onnx"
    assert path.is_file(), f"{path} missing: run python3 training/scripts/make_test_models.py"
    assert path.stat().st_size < 1_000_000
    meta = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    card = ModelCard.from_metadata(meta)
    assert card.tile_invariant is invariant and card.tile_margin >= card.training["receptive_field_radius"]
    assert card.input_scale == [2 / 255] * 3 and card.output_scale == [12.5] and card.tile_size == 256
    for shape in ((1, 3, 64, 64), (1, 3, 100, 132)):
        assert _run(path, np.zeros(shape, np.float32)).shape == (1, 1) + shape[2:]
    m = card.tile_margin
    x = np.random.default_rng(1).uniform(-1, 1, (1, 3, 2 * m + 128, 2 * m + 128)).astype(np.float32)
    whole = _run(path, x)
    tile = _run(path, x[:, :, 64:64 + 2 * m + 64, 64:64 + 2 * m + 64])[:, :, m:m + 64, m:m + 64]
    diff = float(np.abs(tile - whole[:, :, 64 + m:128 + m, 64 + m:128 + m]).max())
    if invariant:
        assert diff < 1e-5
    else:
        assert diff > 1e-3  # per-tile statistics: the seam the Java side measures


# --- frozen-statistics recalibration ("precise BN") and its use in eo2sar-export -------------------

TINY_CONFIG = REPO / "training" / "configs" / "tiny-cpu.yaml"


def _train_tiny(out: Path, steps: int = 3) -> Path:
    """A short pix2pix run of the CPU smoke config: its EMA statistics still lag the weights."""
    from eo2sar_train.trainer import main as train_main
    assert train_main(["--config", str(TINY_CONFIG), f"out_dir={out}", "progress=false", "method=pix2pix",
                       "data.num_samples=6", f"optim.max_steps={steps}", "image_every=0"]) == 0
    return out / "checkpoints" / "last.pt"


def test_recalibration_sets_the_mean_of_per_image_statistics_and_fixes_eval_output(tmp_path: Path) -> None:
    from eo2sar_train.export import load_generator, recalibrate_checkpoint_generator, training_chips
    from eo2sar_train.models import recalibrate_frozen_stats

    g, ckpt = load_generator(_train_tiny(tmp_path / "run"))
    n, batches = training_chips(ckpt["config"], chips=5, batch=2)  # batches of 2, 2, 1
    chips = torch.cat(list(batches))
    assert n == 5 and chips.shape[0] == 5
    norms = [m for m in g.modules() if isinstance(m, FrozenStatNorm)]
    with torch.no_grad():
        stale_std = g.eval()(chips).std().item()
        train_std = g.train()(chips).std().item()
    stale_gap = abs(stale_std - train_std)
    assert stale_std < train_std / 3  # the lagging EMA: eval output is far flatter than training mode's

    # the truth: per-image statistics of every norm's input, one image at a time, current weights
    inputs: dict[int, list[torch.Tensor]] = {i: [] for i in range(len(norms))}
    hooks = [m.register_forward_pre_hook(lambda mod, inp, i=i: inputs[i].append(inp[0].detach()))
             for i, m in enumerate(norms)]
    with torch.no_grad():
        g.train()
        for k in range(len(chips)):
            g(chips[k:k + 1])
    for h in hooks:
        h.remove()
    g2, _ = load_generator(tmp_path / "run" / "checkpoints" / "last.pt")  # untouched statistics
    assert recalibrate_frozen_stats(g2, (chips[i:i + 2] for i in range(0, 5, 2))) == 5
    for i, m in enumerate([m for m in g2.modules() if isinstance(m, FrozenStatNorm)]):
        x = torch.cat(inputs[i])
        var, mean = torch.var_mean(x, dim=(2, 3), unbiased=False)
        assert torch.allclose(m.running_mean, mean.mean(0), atol=1e-5)
        assert torch.allclose(m.running_var, var.mean(0), rtol=1e-4, atol=1e-6)
        assert m.momentum == 0.01
    assert not g2.training

    # deterministic: the export path draws the same chips and gives bit-identical statistics
    g3, _ = load_generator(tmp_path / "run" / "checkpoints" / "last.pt")
    g4, _ = load_generator(tmp_path / "run" / "checkpoints" / "last.pt")
    assert recalibrate_checkpoint_generator(g3, ckpt, chips=5) == 5 == recalibrate_checkpoint_generator(g4, ckpt, 5)
    assert all(torch.equal(a, b) for a, b in zip(g3.state_dict().values(), g4.state_dict().values()))
    with torch.no_grad():
        fresh_gap = (g3.eval()(chips).std() - train_std).abs().item()
    print(f"eval vs train-mode output std: stale gap {stale_gap:.4f}, recalibrated gap {fresh_gap:.4f} "
          f"(train std {train_std:.4f})")
    assert fresh_gap < stale_gap / 3 and fresh_gap < train_std / 4


def test_export_recalibrates_tile_invariant_generators_and_says_so(tmp_path: Path, capsys) -> None:
    from eo2sar_train.export import load_generator, main as export_main, recalibrate_checkpoint_generator

    ckpt_path = _train_tiny(tmp_path / "run", steps=1)
    out = tmp_path / "g.onnx"
    assert export_main([str(ckpt_path), "-o", str(out), "--recalibrate-chips", "3", "--no-check"]) == 0
    assert "recalibrated the frozen normalisation statistics over 3 training chips" in capsys.readouterr().out
    training = json.loads({p.key: p.value for p in onnx.load(str(out)).metadata_props}["eo2sar.training"])
    assert training["norm_statistics_chips"] == 3 and "over 3 training chips" in training["norm_statistics"]
    g, ckpt = load_generator(ckpt_path)
    recalibrate_checkpoint_generator(g, ckpt, chips=3)
    x = np.random.default_rng(2).uniform(-1, 1, (1, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = g.eval()(torch.from_numpy(x)).numpy()
    assert float(np.abs(_run(out, x) - expected).max()) < 1e-4  # the file holds the recalibrated statistics

    raw = tmp_path / "raw.onnx"
    assert export_main([str(ckpt_path), "-o", str(raw), "--no-recalibrate", "--no-check"]) == 0
    training = json.loads({p.key: p.value for p in onnx.load(str(raw)).metadata_props}["eo2sar.training"])
    assert "norm_statistics" not in training and "norm_statistics_chips" not in training
    assert float(np.abs(_run(raw, x) - expected).max()) > 1e-3
    with pytest.raises(SystemExit):
        export_main([str(ckpt_path), "-o", str(raw), "--recalibrate-chips", "0"])


def test_model_card_rejects_nan_and_infinity_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"eo2sar\.training\.losses\.g\[1\] is not finite"):
        _card(training={"losses": {"g": [0.5, float("nan")]}}).to_metadata()
    with pytest.raises(ValueError, match=r"eo2sar\.input\.offset\[2\] is not finite"):
        _card(input_offset=[-1.0, -1.0, float("inf")]).to_metadata()
    with pytest.raises(ValueError, match=r"eo2sar\.gsd is nan"):
        _card(gsd=float("nan")).to_metadata()
    json.loads(_card(training={"x": 1e300}).to_metadata()["eo2sar.training"])  # finite values pass
    torch.manual_seed(0)
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=1, norm="instance"), 3, 1)
    with pytest.raises(ValueError, match="eo2sar.training.psnr is not finite"):
        export_onnx(g, _card(training={"psnr": float("-inf")}), tmp_path / "bad.onnx", in_ch=3)
    assert not list(tmp_path.iterdir())  # nothing written, not even a temp file
