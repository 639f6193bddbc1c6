"""Metrics with known answers."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from eo2sar_train import metrics as M


def _scene(seed: int = 0, size: int = 128) -> np.ndarray:
    """A structured dB image: smooth blobs plus edges."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    img = -12 + 5 * np.sin(6 * xx + 2 * rng.random()) * np.cos(5 * yy) + 4 * ((xx - 0.5) ** 2 + (yy - 0.4) ** 2 < 0.05)
    return img + rng.normal(0, 0.5, img.shape)


def test_identical_images_psnr_inf_ssim_one():
    a = _scene()
    assert M.psnr(a, a, 25.0) == math.inf
    assert M.psnr_ml(a, a) == math.inf
    assert M.ssim(a, a, 25.0) == pytest.approx(1.0, abs=1e-12)
    assert M.ssim_ml(a, a) == pytest.approx(1.0, abs=1e-12)


def test_psnr_known_value():
    a = np.zeros((16, 16))
    b = np.full((16, 16), 2.5)  # MSE 6.25, peak 25 → 10·log10(625 / 6.25) = 20 dB
    assert M.psnr(a, b, 25.0) == pytest.approx(20.0)


def test_ssim_drops_with_noise_and_is_symmetric():
    a = _scene(1)
    b = a + np.random.default_rng(2).normal(0, 3, a.shape)
    s = M.ssim(a, b, 25.0)
    assert 0.0 < s < 0.9
    assert M.ssim(b, a, 25.0) == pytest.approx(s)


def test_box_mean_and_multilook_of_constant():
    a = np.arange(36, dtype=float).reshape(6, 6)
    bm = M.box_mean(a, 3)
    assert bm.shape == (4, 4)
    assert bm[0, 0] == pytest.approx(a[:3, :3].mean())
    np.testing.assert_allclose(M.multilook_db(np.full((10, 10), -7.0), 5), -7.0)
    # multilooking averages power, not dB: mean of 0 dB and -inf-ish is -3 dB
    two = np.array([[0.0, -300.0] * 5] * 10)
    np.testing.assert_allclose(M.multilook_db(two, 2), 10 * np.log10(0.5), atol=1e-9)


@pytest.mark.parametrize("looks", [1, 3, 4, 10])
def test_enl_of_gamma_speckle_is_the_number_of_looks(looks):
    rng = np.random.default_rng(looks)
    power = 0.05 * rng.gamma(looks, 1.0 / looks, size=(512, 512))
    db = 10 * np.log10(power)
    assert M.enl(db, np.ones((32, 32), bool), window=16) == pytest.approx(looks, rel=0.05)
    # no-reference pick of homogeneous blocks on a flat image gives the same answer
    assert M.enl(db, None, window=16) == pytest.approx(looks, rel=0.12)


def test_enl_uses_only_homogeneous_blocks_of_a_mask():
    rng = np.random.default_rng(0)
    clean = np.where(np.arange(256)[None, :] < 128, -10.0, -20.0) * np.ones((256, 1))
    clean[:, 128:] += np.random.default_rng(1).normal(0, 3, (256, 128))  # textured half
    db = clean + 10 * np.log10(rng.gamma(4, 0.25, clean.shape))
    blocks = M.homogeneous_blocks(None, clean, window=16, max_ref_spread_db=0.5)
    assert blocks[:, :8].all() and not blocks[:, 8:].any()
    assert M.enl(db, blocks, 16) == pytest.approx(4.0, rel=0.06)
    mask = np.zeros(clean.shape, bool)
    mask[:, :100] = True
    assert M.homogeneous_blocks(mask, None, 16)[:, :6].all() and not M.homogeneous_blocks(mask, None, 16)[:, 6:].any()


def test_enl_nan_when_no_block_qualifies():
    assert math.isnan(M.enl(np.zeros((32, 32)), np.zeros((2, 2), bool), 16))


def test_shift_tolerant_psnr_recovers_a_two_pixel_shift():
    ref = _scene(3)
    pred = np.roll(ref, shift=(2, -1), axis=(0, 1))  # pred[y + 2, x - 1] = ref[y, x]
    best, shift = M.shift_tolerant_psnr(pred, ref, max_shift=3)
    assert shift == (2, -1)
    unshifted = M.psnr_ml(pred, ref)
    assert best > unshifted + 10  # only the wrapped border rows/columns still differ
    assert M.shift_tolerant_psnr(pred, ref, max_shift=0) == (unshifted, (0, 0))
    same, zero = M.shift_tolerant_psnr(ref, ref, max_shift=3)
    assert same == math.inf and zero == (0, 0)


def test_histogram_distances():
    rng = np.random.default_rng(0)
    a = rng.normal(-12, 3, (64, 64))
    assert M.wasserstein_db(a, a) == 0.0
    assert M.histogram_intersection(a, a) == pytest.approx(1.0)
    # a constant offset inside the range moves W1 by exactly the offset
    b = np.clip(a, -20, -5)
    assert M.wasserstein_db(b, b + 2.0) == pytest.approx(2.0)
    # different sample counts use quantiles
    assert M.wasserstein_db(b, (b + 2.0)[:32]) == pytest.approx(2.0, abs=0.1)
    assert M.histogram_intersection(np.full((8, 8), -20.0), np.full((8, 8), -5.0)) == 0.0


def test_sar_metrics_rank_speckled_truth_blur_and_constant():
    from eo2sar_train import synth
    s = synth.generate_scene(3, synth.SynthConfig(size=192))
    hm = s.homogeneous_mask()
    truth = M.sar_metrics(s.sar_db, s.sar_clean_db, s.sar_db, homogeneous=hm)
    blur = M.sar_metrics(s.sar_clean_db, s.sar_clean_db, s.sar_db, homogeneous=hm)
    flat = M.sar_metrics(np.full(s.sar_db.shape, -12.0), s.sar_clean_db, s.sar_db, homogeneous=hm)
    assert truth["hist_w1_db"] == 0.0 and truth["enl"] == pytest.approx(s.looks, rel=0.25)
    assert blur["psnr"] == math.inf and blur["enl"] > 50 * truth["enl"]  # blur wins PSNR, fails realism
    assert blur["hist_w1_db"] > 0.3
    assert flat["psnr"] < truth["psnr"] and flat["ssim"] < truth["ssim"] and flat["hist_w1_db"] > 2


def test_accepts_tensors_with_leading_unit_dims():
    a = torch.from_numpy(_scene(4)).float()[None, None]
    assert M.psnr_ml(a, a) == math.inf
    with pytest.raises(ValueError, match="2-D"):
        M.psnr(np.zeros((2, 4, 4)), np.zeros((2, 4, 4)), 1.0)
