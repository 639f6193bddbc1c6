"""eo2sar-eval on a real (tiny, briefly trained) checkpoint and its real ONNX export."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import onnx
import pytest

from eo2sar_train import evaluate as E
from eo2sar_train import export
from eo2sar_train.config import load_config
from eo2sar_train.trainer import Trainer

TINY = ["method=pairloss", "device=cpu", "progress=false", "num_workers=0", "data.chip_size=32",
        "data.num_samples=2", "optim.max_steps=2", "model.generator.ngf=8", "model.generator.n_blocks=1",
        "model.generator.norm=tile-invariant", "model.ndf=8", "model.d_layers=2", "log_every=1000", "image_every=0"]
CFG = E.EvalConfig(count=2, size=96, seed=5)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("eval")
    t = Trainer(load_config(None, TINY + [f"out_dir={d / 'run'}"]))
    t.fit()
    onnx_path = d / "g.onnx"
    # --no-recalibrate: the file then holds the checkpoint's own statistics, so both must agree
    assert export.main([str(t.ckpt_path), "-o", str(onnx_path), "--no-recalibrate"]) == 0
    return t.ckpt_path, onnx_path


def test_checkpoint_and_onnx_give_the_same_translation_and_metrics(models):
    ckpt, onnx_path = models
    g_pt, g_onnx = E.load_generator(ckpt), E.load_generator(onnx_path)
    assert g_pt.output_scale == g_onnx.output_scale == 12.5 and g_onnx.input_scale == [0.0002] * 3
    ds = E.synthetic_test_set(CFG)
    eo = ds.scene_arrays(0)["eo"]
    a, b = g_pt.translate(eo), g_onnx.translate(eo)
    assert a.shape == b.shape == (96, 96)
    assert -25.0 <= a.min() and a.max() <= 0.0  # tanh output through the card's dB mapping
    assert np.abs(a - b).max() < 1e-3
    s_pt, rows = E.evaluate_synthetic(g_pt, CFG)
    s_onnx, _ = E.evaluate_synthetic(g_onnx, CFG)
    assert len(rows) == 2 and s_pt["scenes"] == 2
    for k in ("psnr", "ssim", "psnr_shift", "hist_w1_db"):
        assert s_pt[k] == pytest.approx(s_onnx[k], abs=1e-3)
    # an untrained model is far from the truth
    assert s_pt["psnr"] < 30 and s_pt["hist_w1_db"] > 0.1


def test_translate_pads_to_the_model_multiple(models):
    g = E.load_generator(models[1])
    out = g.translate(np.full((3, 30, 34), 500, np.uint16))
    assert out.shape == (30, 34) and np.isfinite(out).all()
    with pytest.raises(ValueError, match="expects 3 EO bands"):
        g.translate(np.zeros((4, 32, 32), np.uint16))


def test_references_bracket_the_metrics():
    cfg = E.EvalConfig(count=2, size=192, seed=1)
    truth, _ = E.evaluate_synthetic("truth", cfg)
    clean, _ = E.evaluate_synthetic("clean", cfg)
    assert truth["hist_w1_db"] == 0.0 and truth["enl"] == pytest.approx(cfg.looks, rel=0.25)
    assert clean["psnr"] == math.inf and clean["ssim"] == pytest.approx(1.0)
    assert 25 < truth["psnr"] < 45 and clean["hist_w1_db"] > 0.3 and clean["enl"] > 20 * truth["enl"]


def test_multiearth_evaluation_per_pair(models):
    rows = E.evaluate_multiearth(E.load_generator(models[1]))
    assert [r["days_apart"] for r in rows] == [2, 3, 21]
    # the real VV over the Amazon: median around -7.5 dB, speckle ENL of a few looks
    for r in rows:
        assert -9 < r["median_db_truth"] < -6 and 2 < r["enl_truth"] < 10


def test_cli_writes_tables(models, tmp_path, capsys):
    out = tmp_path / "eval"
    rc = E.main([str(models[0]), str(models[1]), "--references", "--count", "1", "--size", "64", "--out", str(out)])
    assert rc == 0
    table = capsys.readouterr().out
    assert "reference: truth" in table and "g.onnx" in table and "last.pt" in table
    with open(out.with_suffix(".csv")) as f:
        rows = list(csv.DictReader(f))
    assert [r["model"] for r in rows] == ["reference: truth", "reference: clean", "last.pt", "g.onnx"]
    assert json.loads(out.with_suffix(".json").read_text())[0]["hist_w1_db"] == 0.0
    assert out.with_suffix(".md").read_text().startswith("# eo2sar-eval on synthetic")
    assert not list(tmp_path.glob("*.tmp"))


def test_bad_models_are_clear_errors(models, tmp_path, capsys):
    assert E.main([str(tmp_path / "missing.onnx")]) == 2
    assert "no such model file" in capsys.readouterr().err
    bare = onnx.load(str(models[1]))
    del bare.metadata_props[:]
    onnx.save(bare, str(tmp_path / "bare.onnx"))
    with pytest.raises(ValueError, match="bare.onnx: model card is missing"):
        E.load_generator(tmp_path / "bare.onnx")
