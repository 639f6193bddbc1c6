"""TuiGAN, the per-scene baseline (eo2sar_train.tuigan): pyramid, attention blend, a tiny fit."""
from __future__ import annotations

import pytest
import torch

from eo2sar_train.tuigan import ScaleGenerator, TuiGAN, TuiGANConfig, pyramid, total_variation

torch.set_num_threads(1)


def test_pyramid_is_coarse_to_fine_and_ends_with_the_image() -> None:
    img = torch.rand(1, 4, 120, 120) * 2 - 1
    levels = pyramid(img, 5, 0.75)
    assert [lv.shape[-1] for lv in levels] == [38, 51, 68, 90, 120]
    assert levels[-1] is img and all(lv.shape[1] == 4 and lv.abs().max() <= 1 for lv in levels)


def test_attention_blends_the_coarser_result_with_the_new_translation() -> None:
    g = ScaleGenerator(4, 1, 8)
    x, coarser = torch.rand(1, 4, 16, 16), torch.rand(1, 1, 16, 16)
    final = g.attention[-2]                        # the attention's last conv, before the sigmoid
    with torch.no_grad():
        final.weight.zero_()
        final.bias.fill_(50.0)                     # a = 1: keep the coarser scale's result
        assert torch.allclose(g(x, coarser), coarser)
        final.bias.fill_(-50.0)                    # a = 0: the preliminary translation alone
        assert torch.allclose(g(x, coarser), g.translate(x))


def test_total_variation_of_a_ramp() -> None:
    ramp = torch.arange(8.0).view(1, 1, 1, 8).expand(1, 1, 8, 8)
    assert float(total_variation(ramp)) == pytest.approx(2.0)   # horizontal steps of 1, no vertical ones
    assert float(total_variation(torch.ones(1, 1, 8, 8))) == 0.0


@pytest.mark.parametrize("c_sar", [1, 4])   # 4: same channel count, so the identity loss runs too
def test_tiny_fit_translates_and_freezes_finished_scales(c_sar: int) -> None:
    x = torch.rand(1, 4, 24, 24) * 2 - 1
    y = torch.rand(1, c_sar, 20, 20) * 2 - 1     # unpaired: another size is fine
    t = TuiGAN(TuiGANConfig(scales=2, iters=2, channels=8), x, y)
    with pytest.raises(RuntimeError, match="before fit"):
        t.translate()
    t._fit_scale(0, progress=False)
    coarsest = [p.clone() for p in t.G[0].parameters()]
    t._fit_scale(1, progress=False)                # training the next scale leaves the coarsest as it was
    assert all(torch.equal(a, b) for a, b in zip(coarsest, t.G[0].parameters()))
    out = t.translate()
    assert out.shape == (1, c_sar, 24, 24) and out.abs().max() <= 1 and torch.isfinite(out).all()
    assert len(t.G) == len(t.F) == 2
    assert not any(p.requires_grad for g in t.G for p in g.parameters())
    assert torch.equal(out, t.translate())       # no input noise at translation time
    fitted = TuiGAN(TuiGANConfig(scales=2, iters=1, channels=8), x, y).fit()
    assert len(fitted.seconds_per_scale) == 2 and fitted.seconds > 0
