"""Augmentation applies one transform to both sides of a pair."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from eo2sar_train.augment import apply_dihedral, augment_pair


def _pair() -> dict[str, torch.Tensor]:
    eo = torch.arange(3 * 5 * 5, dtype=torch.float32).reshape(3, 5, 5)
    return {"eo": eo, "sar": eo[:1] * 2, "sar_aligned": eo[1:2] - 1}


def test_same_transform_on_every_image():
    rng = np.random.default_rng(0)
    for _ in range(20):
        out = augment_pair(_pair(), "dihedral", rng)
        torch.testing.assert_close(out["sar"], out["eo"][:1] * 2)
        torch.testing.assert_close(out["sar_aligned"], out["eo"][1:2] - 1)


def test_dihedral_reaches_all_eight_and_keeps_content():
    rng = np.random.default_rng(1)
    seen = {tuple(augment_pair(_pair(), "dihedral", rng)["eo"][0].flatten().tolist()) for _ in range(200)}
    assert len(seen) == 8
    for k in range(4):
        for flip in (False, True):
            t = apply_dihedral(_pair()["eo"], k, flip)
            assert sorted(t.flatten().tolist()) == sorted(_pair()["eo"].flatten().tolist())


def test_azimuth_only_flips_rows_and_keeps_range_direction():
    rng = np.random.default_rng(2)
    base = _pair()["eo"]
    for _ in range(20):
        t = augment_pair(_pair(), "azimuth", rng)["eo"]
        assert torch.equal(t, base) or torch.equal(t, torch.flip(base, dims=(-2,)))


def test_none_is_identity_and_bad_kind_is_rejected():
    out = augment_pair(_pair(), "none", np.random.default_rng(0))
    assert torch.equal(out["eo"], _pair()["eo"])
    with pytest.raises(ValueError, match="augment must be one of"):
        augment_pair(_pair(), "mirror", np.random.default_rng(0))
