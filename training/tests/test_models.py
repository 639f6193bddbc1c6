"""Generator/discriminator shapes, init, features(n) and frozen-statistics normalisation."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from eo2sar_train.models import (FrozenStatNorm, GeneratorConfig, ResnetGenerator, build_discriminator,
                                 build_generator, receptive_radius)

torch.set_num_threads(1)  # tiny nets: one thread is fastest, and the CI machine is shared


@pytest.mark.parametrize("norm", ["instance", "tile-invariant"])
@pytest.mark.parametrize("upsample", ["transpose", "resize-conv"])
def test_resnet_generator_keeps_size_and_range(norm: str, upsample: str) -> None:
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=2, norm=norm, upsample=upsample), 3, 1)
    y = g(torch.randn(2, 3, 48, 60))
    assert y.shape == (2, 1, 48, 60)
    assert y.abs().max() <= 1.0


def test_resnet_uses_reflect_padding() -> None:
    g = ResnetGenerator(3, 1, ngf=8, n_blocks=1)
    convs = [m for m in g.modules() if isinstance(m, nn.Conv2d)]
    assert convs and all(m.padding_mode == "reflect" for m in convs)


def test_unet_and_patchgan_shapes() -> None:
    u = build_generator(GeneratorConfig(kind="unet", ngf=4, unet_depth=5), 3, 1)
    assert u(torch.randn(1, 3, 64, 64)).shape == (1, 1, 64, 64)
    d = build_discriminator(1, ndf=8)
    # the 70x70 PatchGAN maps a 256x256 image to a 30x30 grid of patch scores
    assert d(torch.randn(1, 1, 256, 256)).shape == (1, 1, 30, 30)


def test_init_is_normal_0_002() -> None:
    torch.manual_seed(0)
    g = build_generator(GeneratorConfig(ngf=32, n_blocks=3), 3, 1)
    w = torch.cat([m.weight.detach().flatten() for m in g.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))])
    assert abs(float(w.mean())) < 1e-3
    assert float(w.std()) == pytest.approx(0.02, rel=0.02)
    norms = [m for m in g.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert all(float(m.bias.detach().abs().max()) == 0 for m in norms)


def test_features_n3_is_quarter_resolution() -> None:
    g = ResnetGenerator(3, 1, ngf=8, n_blocks=2)
    x = torch.randn(2, 3, 64, 80)
    assert g.features(x, 1).shape == (2, 8, 64, 80)      # 7x7 stem
    assert g.features(x, 2).shape == (2, 16, 32, 40)     # first downsampling
    assert g.features(x, 3).shape == (2, 32, 16, 20)     # second downsampling: 1/4
    g.eval()
    with torch.no_grad():
        assert torch.equal(g.features(x, len(g.blocks)), g(x))
    with pytest.raises(ValueError, match="features n=0"):
        g.features(x, 0)


def test_frozen_stat_norm_tracks_statistics_then_freezes_them() -> None:
    n = FrozenStatNorm(2, momentum=0.5)
    x = torch.randn(4, 2, 8, 8) * 3 + 5
    y = n(x)  # training: per-image statistics
    assert y.mean(dim=(2, 3)).abs().max() < 1e-4
    assert float(n.running_mean.mean()) == pytest.approx(2.5, abs=0.3)   # halfway from 0 to ~5
    n.eval()
    expected = (x - n.running_mean.view(1, -1, 1, 1)) / torch.sqrt(n.running_var.view(1, -1, 1, 1) + n.eps)
    assert torch.allclose(n(x), expected, atol=1e-5)


def test_tile_invariant_generator_is_translation_equivariant_in_eval() -> None:
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=2, norm="tile-invariant"), 3, 1).eval()
    r = 28  # receptive_radius of this topology (test below)
    x = torch.randn(1, 3, 128, 128)
    with torch.no_grad():
        whole = g(x)
        crop = g(x[:, :, 32:96, 32:96])  # offset a multiple of 4 keeps the stride phase
    inner = slice(r, 64 - r)
    assert torch.allclose(crop[:, :, inner, inner], whole[:, :, 32:96, 32:96][:, :, inner, inner], atol=1e-5)


def test_receptive_radius_of_tiny_and_reference_generators() -> None:
    assert receptive_radius(ResnetGenerator(3, 1, ngf=4, n_blocks=2), 3) == 28
    # each residual block adds two 3x3 convs at stride 4: 8 px
    assert receptive_radius(ResnetGenerator(3, 1, ngf=2, n_blocks=4), 3) == 28 + 2 * 8


def test_input_skip_gives_the_head_the_input_and_stays_tile_invariant() -> None:
    g = build_generator(GeneratorConfig(ngf=8, n_blocks=2, norm="batch", upsample="bilinear-conv", input_skip=True), 4, 1)
    head = g.blocks[-1][0]
    assert head.in_channels == 8 + 4
    x = torch.randn(2, 4, 128, 128)
    g.train()
    g(x)  # one batch of statistics, then frozen
    g.eval()
    with torch.no_grad():
        whole, crop = g(x), g(x[:, :, 32:96, 32:96])
        assert torch.equal(g.features(x, len(g.blocks)), whole)
        # a change of one input pixel reaches the output through the skip even with zero bottleneck weights
        for m in g.blocks[:-1].modules():
            if isinstance(m, nn.Conv2d):
                m.weight.zero_()
        y = x.clone()
        y[:, :, 64, 64] += 5
        assert float((g(y) - g(x)).abs().max()) > 0
    r = 30  # bilinear upsampling widens the receptive field by a pixel per stage
    inner = slice(r, 64 - r)
    assert torch.allclose(crop[:, :, inner, inner], whole[:, :, 32:96, 32:96][:, :, inner, inner], atol=1e-5)


def test_mean_of_generators_averages_outputs_and_keeps_the_tile_multiple() -> None:
    from eo2sar_train.models import MeanOfGenerators

    cfg = GeneratorConfig(ngf=4, n_blocks=1, norm="batch", upsample="bilinear-conv", input_skip=True)
    torch.manual_seed(0)
    a, b = build_generator(cfg, 4, 1).eval(), build_generator(cfg, 4, 1).eval()
    m = MeanOfGenerators([a, b]).eval()
    x = torch.randn(1, 4, 32, 32)
    with torch.no_grad():
        assert torch.allclose(m(x), (a(x) + b(x)) / 2, atol=1e-6)
        assert not torch.allclose(a(x), b(x))  # different members, so the mean is not trivially one of them
    assert m.multiple == 4
    with pytest.raises(ValueError, match="at least one"):
        MeanOfGenerators([])


def test_forward_with_features_is_the_same_pass() -> None:
    from eo2sar_train.models import ResnetGenerator

    torch.manual_seed(0)
    g = ResnetGenerator(3, 1, ngf=8, n_blocks=2, norm="instance", upsample="bilinear-conv", input_skip=True).eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        out, feats = g(x, features_n=3)
        assert torch.equal(out, g(x))
        assert torch.equal(feats, g.features(x, 3))
    with pytest.raises(ValueError, match="features_n"):
        g(x, features_n=len(g.blocks))


def test_reference_instance_norm_and_dropout_options() -> None:
    from torch import nn

    from eo2sar_train.models import GeneratorConfig, build_generator

    ref = build_generator(GeneratorConfig(ngf=8, n_blocks=1, norm="instance-noaffine"), 3, 1)
    norms = [m for m in ref.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert norms and all(m.weight is None for m in norms), "the reference's instance norm learns no scale/shift"
    unet = lambda d: build_generator(GeneratorConfig(kind="unet", ngf=4, unet_depth=6, norm="batch", dropout=d), 3, 1)  # noqa: E731
    assert [m.p for m in unet(None).modules() if isinstance(m, nn.Dropout)] == [0.5], "reference U-Net dropout"
    assert not [m for m in unet(0.0).modules() if isinstance(m, nn.Dropout)], "dropout 0 means none"


def test_frozen_running_stats_leaves_every_average_alone() -> None:
    from torch import nn

    from eo2sar_train.models import FrozenStatNorm, frozen_running_stats

    net = nn.Sequential(nn.Conv2d(2, 4, 3), FrozenStatNorm(4), nn.Conv2d(4, 4, 3), nn.BatchNorm2d(4)).train()
    before = {k: v.clone() for k, v in net.state_dict().items() if "running" in k}
    with frozen_running_stats(net):
        y = net(torch.randn(3, 2, 16, 16) * 5 + 2)
    assert y.shape == (3, 4, 12, 12)
    for k, v in net.state_dict().items():
        if "running" in k:
            assert torch.equal(v, before[k]), k
    net(torch.randn(3, 2, 16, 16) * 5 + 2)
    assert all(not torch.equal(net.state_dict()[k], before[k]) for k in before), "outside the block they update"


def test_head_layers_add_a_full_resolution_path() -> None:
    from eo2sar_train.models import GeneratorConfig, build_generator, receptive_radius

    base = GeneratorConfig(ngf=8, n_blocks=1, norm="batch", upsample="bilinear-conv", input_skip=True)
    g0 = build_generator(base, 4, 1).eval()
    g2 = build_generator(GeneratorConfig(**{**base.__dict__, "head_layers": 2}), 4, 1).eval()
    x = torch.randn(1, 4, 32, 32)
    with torch.no_grad():
        assert g2(x).shape == g0(x).shape == (1, 1, 32, 32)
    convs = lambda g: [m for m in g.blocks[-1].modules() if isinstance(m, torch.nn.Conv2d)]  # noqa: E731
    assert [c.kernel_size for c in convs(g2)] == [(3, 3), (3, 3), (7, 7)] and convs(g2)[0].in_channels == 8 + 4
    assert receptive_radius(g2, 4) == receptive_radius(g0, 4) + 2, "two 3x3 layers at full resolution"
