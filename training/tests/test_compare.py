"""compare.py end to end with a tiny budget: three methods x two misalignments, real training."""
from __future__ import annotations

import csv
import json

from eo2sar_train import compare

TINY = ["device=cpu", "num_workers=0", "data.chip_size=32", "data.num_samples=2", "model.generator.ngf=8",
        "model.generator.n_blocks=1", "model.ndf=8", "model.d_layers=2", "log_every=1000", "image_every=0"]


def test_compare_trains_evaluates_and_writes_table_and_figure(tmp_path):
    out = tmp_path / "cmp"
    args = ["--out", str(out), "--misalignments", "0", "2", "--steps", "1", "--eval-count", "1",
            "--eval-size", "64", "--no-progress", *TINY]
    assert compare.main(args) == 0
    with open(out / "comparison.csv") as f:
        rows = list(csv.DictReader(f))
    labels = [(r["method"], r["misalignment_px"]) for r in rows]
    assert labels[:6] == [("cyclegan", "0.0"), ("cyclegan", "2.0"), ("pix2pix", "0.0"), ("pix2pix", "2.0"),
                          ("pairloss(N=3)", "0.0"), ("pairloss(N=3)", "2.0")]
    assert [r["method"] for r in rows[6:]] == ["reference: truth", "reference: clean"]
    assert all(r["steps"] == "1" for r in rows[:6])
    assert float(rows[6]["hist_w1_db"]) == 0.0
    assert (out / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "comparison.md").read_text()
    assert "command: `python -m eo2sar_train.compare" in md and "| pairloss(N=3) | 2.000 |" in md

    # --reuse takes finished runs from their metrics.json instead of training again
    run = out / "runs" / "pix2pix_m2" / "metrics.json"
    row = json.loads(run.read_text())
    row["psnr"] = 99.0
    run.write_text(json.dumps(row))
    assert compare.main(args + ["--reuse", "--methods", "pix2pix", "--misalignments", "2"]) == 0
    with open(out / "comparison.csv") as f:
        assert float(next(csv.DictReader(f))["psnr"]) == 99.0


def test_compare_rejects_unknown_method(tmp_path, capsys):
    import pytest
    with pytest.raises(SystemExit):
        compare.main(["--out", str(tmp_path), "--methods", "tuigan"])
    assert "unknown method" in capsys.readouterr().err


def test_overrides_after_list_options_are_overrides_not_values(tmp_path, monkeypatch):
    """key=value right after --pair-n/--methods/--misalignments (nargs) still reaches the config."""
    seen = {}

    def fake_compare(out, methods, misalignments, pair_ns, config=None, overrides=(), steps=None, *rest):
        seen.update(methods=methods, misalignments=misalignments, pair_ns=pair_ns, overrides=list(overrides))
        raise ValueError("stop after parsing")  # main reports it and returns 2

    monkeypatch.setattr(compare, "compare", fake_compare)
    argv = ["--out", str(tmp_path), "a.b=1", "--pair-n", "1", "3", "data.chip_size=64", "--methods", "pairloss",
            "optim.lr=0.001", "--misalignments", "0,2", "4", "data.chip_size=48"]
    assert compare.main(argv) == 2
    assert seen == {"methods": ["pairloss"], "misalignments": [0.0, 2.0, 4.0], "pair_ns": [1, 3],
                    "overrides": ["a.b=1", "data.chip_size=64", "optim.lr=0.001", "data.chip_size=48"]}
    assert compare.main(["--out", str(tmp_path), "--pair-n", "1,3", "--steps", "1"]) == 2
    assert seen["pair_ns"] == [1, 3] and seen["overrides"] == []


def test_override_after_pair_n_reaches_the_training_run(tmp_path):
    """End to end: data.chip_size given after --pair-n is the chip size the run trained with."""
    import torch
    out = tmp_path / "cmp"
    assert compare.main(["--out", str(out), "--methods", "pairloss", "--misalignments", "0", "--steps", "1",
                         "--eval-count", "1", "--eval-size", "64", "--no-progress",
                         *[t for t in TINY if not t.startswith("data.chip_size")],
                         "--pair-n", "2", "data.chip_size=48"]) == 0
    ckpt = torch.load(out / "runs" / "pairloss_N2_m0" / "checkpoints" / "last.pt", map_location="cpu",
                      weights_only=False)
    assert ckpt["config"]["data"]["chip_size"] == 48 and ckpt["config"]["loss"]["pair_n"] == 2
