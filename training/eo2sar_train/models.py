"""Generators and discriminator (DESIGN §4-5).

The ResNet generator is a list of *blocks* so that ``features(x, n)`` can run only the first n
of them: the shift-insensitive pair loss compares h_G(x) = the first N blocks of the very G being
trained (N=3: the 7x7 stem and the two stride-2 downsampling blocks, i.e. 1/4 resolution).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterable, Iterator, Literal, Sequence

import torch
from torch import nn

NormKind = Literal["instance", "instance-noaffine", "tile-invariant", "batch", "none"]
UpsampleKind = Literal["transpose", "resize-conv", "bilinear-conv"]


class FrozenStatNorm(nn.Module):
    """Instance norm that also tracks running statistics; eval/export uses only those.

    Training normalises each image by its own statistics (as CycleGAN does) while an exponential
    moving average of the per-channel mean/variance is kept. In eval mode (and so in the ONNX
    export) the normalisation is a fixed per-channel affine map, so each output pixel depends only
    on its receptive field: a tile gives the same output as the same region inside a larger image.
    """

    def __init__(self, channels: int, eps: float = 1e-5, momentum: float = 0.01) -> None:
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        #: False while the generator sees inputs that are not real EO (fakes, identity, pair-loss
        #: passes): their statistics must not enter the average used at inference (see real_stats_only)
        self.update_stats = True
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()  # statistics in float32 even under bf16 autocast (as instance norm does)
        if self.training:
            var, mean = torch.var_mean(x, dim=(2, 3), unbiased=False, keepdim=True)
            if self.update_stats:
                with torch.no_grad():
                    m = self.momentum
                    self.running_mean.mul_(1 - m).add_(m * mean.mean(dim=(0, 2, 3)))
                    self.running_var.mul_(1 - m).add_(m * var.mean(dim=(0, 2, 3)))
        else:
            mean = self.running_mean.view(1, -1, 1, 1)
            var = self.running_var.view(1, -1, 1, 1)
        x = (x - mean) * torch.rsqrt(var + self.eps)
        return (x * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)).to(dtype)


@contextlib.contextmanager
def frozen_running_stats(*nets: nn.Module) -> Iterator[None]:
    """Within the block, training-mode passes of ``nets`` leave every running statistic unchanged
    (``FrozenStatNorm`` and batch norm; per-batch normalisation itself is unchanged).

    A generator's running statistics are what it normalises with at inference, on real inputs. Cycle
    methods also run G on F's fakes, on SAR (identity) and in the pair loss: without this each step
    would mix 3-4 such batches into G's averages, against one for Pix2Pix.
    """
    norms = [m for net in nets for m in net.modules() if isinstance(m, (FrozenStatNorm, nn.modules.batchnorm._BatchNorm))]
    saved = [(m, m.update_stats) if isinstance(m, FrozenStatNorm) else (m, m.momentum) for m in norms]
    for m in norms:
        if isinstance(m, FrozenStatNorm):
            m.update_stats = False
        else:
            m.momentum = 0.0  # running = (1 - 0) * running + 0 * batch
    try:
        yield
    finally:
        for m, v in saved:
            if isinstance(m, FrozenStatNorm):
                m.update_stats = v
            else:
                m.momentum = v


@torch.no_grad()
def recalibrate_frozen_stats(generator: nn.Module, batches: Iterable[torch.Tensor]) -> int:
    """Re-estimate every ``FrozenStatNorm``'s running mean/var with the generator's current weights.

    The training-time EMA (momentum 0.01) mixes in statistics of much earlier weights, so eval and
    export can differ badly from what the final network does in training mode ("precise BN" fix).
    Each norm's statistics become the plain average of per-image statistics over all images in
    ``batches`` (model-space tensors [B, C, H, W]); only the norms run in training mode, so dropout
    stays off. Weights are not touched. Returns the number of images averaged over (0: no
    ``FrozenStatNorm`` in the generator, nothing changed).
    """
    norms = [m for m in generator.modules() if isinstance(m, FrozenStatNorm)]
    if not norms:
        return 0
    was_training = generator.training
    saved = [(m.momentum, m.running_mean.clone(), m.running_var.clone()) for m in norms]
    generator.eval()
    for m in norms:
        m.train()
        m.running_mean.zero_()
        m.running_var.zero_()
    device = next(iter(norms)).running_mean.device
    seen = 0
    try:
        for batch in batches:
            n = int(batch.shape[0])
            if n == 0:
                continue
            seen += n
            for m in norms:  # cumulative mean weighted by images: new = old + n/seen * (batch - old)
                m.momentum = n / seen
            generator(batch.to(device=device, dtype=torch.float32))
        if seen == 0:
            raise ValueError("recalibrate_frozen_stats: no images to average over")
    except BaseException:
        for m, (_, mean, var) in zip(norms, saved):  # leave the old statistics, not half-made ones
            m.running_mean.copy_(mean)
            m.running_var.copy_(var)
        raise
    finally:
        for m, (mom, _, _) in zip(norms, saved):
            m.momentum = mom
        generator.train(was_training)
    return seen


def make_norm(kind: NormKind, channels: int) -> nn.Module:
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True, track_running_stats=False)
    if kind == "instance-noaffine":  # the CycleGAN/pix2pix reference's instance norm: no learnt scale/shift
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "tile-invariant":
        return FrozenStatNorm(channels)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm '{kind}' (expected instance, instance-noaffine, tile-invariant, batch or none)")


def _conv_norm_relu(cin: int, cout: int, k: int, stride: int, norm: NormKind) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, padding_mode="reflect", bias=norm == "none"),
        make_norm(norm, cout),
        nn.ReLU(inplace=True),
    )


class ResnetBlock(nn.Module):
    def __init__(self, ch: int, norm: NormKind, dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(ch, ch, 3, padding=1, padding_mode="reflect", bias=norm == "none"),
            make_norm(norm, ch),
            nn.ReLU(inplace=True),
        ]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers += [nn.Conv2d(ch, ch, 3, padding=1, padding_mode="reflect", bias=norm == "none"), make_norm(norm, ch)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def _upsample(cin: int, cout: int, kind: UpsampleKind, norm: NormKind) -> nn.Sequential:
    if kind == "transpose":
        conv: list[nn.Module] = [nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1, bias=norm == "none")]
    elif kind in ("resize-conv", "bilinear-conv"):
        # Resize then conv avoids the checkerboard pattern of transposed convolutions; bilinear
        # also avoids the weaker period-2 blockiness nearest-neighbour copies leave (issue 9).
        conv = [nn.Upsample(scale_factor=2, mode="nearest") if kind == "resize-conv"
                else nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                nn.Conv2d(cin, cout, 3, padding=1, padding_mode="reflect", bias=norm == "none")]
    else:
        raise ValueError(f"unknown upsample '{kind}' (expected transpose, resize-conv or bilinear-conv)")
    return nn.Sequential(*conv, make_norm(norm, cout), nn.ReLU(inplace=True))


@dataclass
class GeneratorConfig:
    kind: Literal["resnet", "unet"] = "resnet"
    ngf: int = 64
    n_blocks: int = 9
    norm: NormKind = "instance"
    upsample: UpsampleKind = "transpose"
    #: None = the reference's: 0 for ResNet, 0.5 for U-Net; 0 really means none
    dropout: float | None = None
    unet_depth: int = 8
    #: ResNet: feed the input to the full-resolution head too (concatenated), so pixel-level detail
    #: need not survive the 1/4-resolution bottleneck (issue 9: without it real outputs were blurred)
    input_skip: bool = False
    #: ResNet: 3x3 conv + norm + ReLU layers at full resolution before the 7x7 head (on the features
    #: and, with input_skip, the input): a non-linear full-resolution path, so sharp decisions such as
    #: "this 3 px river is water" need not come from the 1/4-resolution trunk
    head_layers: int = 0


class ResnetGenerator(nn.Module):
    """CycleGAN ResNet generator: stem, 2 downsamplings, n residual blocks, 2 upsamplings, head."""

    def __init__(self, in_ch: int, out_ch: int, ngf: int = 64, n_blocks: int = 9,
                 norm: NormKind = "instance", upsample: UpsampleKind = "transpose", dropout: float = 0.0,
                 input_skip: bool = False, head_layers: int = 0) -> None:
        super().__init__()
        self.norm = norm
        self.input_skip = input_skip
        blocks: list[nn.Module] = [
            _conv_norm_relu(in_ch, ngf, 7, 1, norm),           # 0: stem
            _conv_norm_relu(ngf, ngf * 2, 3, 2, norm),         # 1: 1/2
            _conv_norm_relu(ngf * 2, ngf * 4, 3, 2, norm),     # 2: 1/4
        ]
        blocks += [ResnetBlock(ngf * 4, norm, dropout) for _ in range(n_blocks)]
        blocks += [_upsample(ngf * 4, ngf * 2, upsample, norm), _upsample(ngf * 2, ngf, upsample, norm)]
        head_in = ngf + (in_ch if input_skip else 0)
        head: list[nn.Module] = []
        for _ in range(head_layers):
            head.append(_conv_norm_relu(head_in, ngf, 3, 1, norm))
            head_in = ngf
        head += [nn.Conv2d(head_in, out_ch, 7, padding=3, padding_mode="reflect"), nn.Tanh()]
        blocks.append(nn.Sequential(*head))
        self.blocks = nn.ModuleList(blocks)

    #: input height/width must be a multiple of this (two stride-2 stages)
    multiple: int = 4

    def features(self, x: torch.Tensor, n: int = 3) -> torch.Tensor:
        """Output of the first ``n`` blocks (n=3: stem + both downsamplings, 1/4 resolution)."""
        if not 1 <= n <= len(self.blocks):
            raise ValueError(f"features n={n} outside 1..{len(self.blocks)}")
        if n == len(self.blocks):
            return self(x)  # the head may also take the input (input_skip)
        for block in self.blocks[:n]:
            x = block(x)
        return x

    def forward(self, x: torch.Tensor, features_n: int = 0) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """G(x); with ``features_n`` = n > 0 also the output of the first n blocks, from the same pass
        (the pair loss takes its features from the passes the step runs anyway)."""
        if features_n and not 1 <= features_n < len(self.blocks):
            raise ValueError(f"features_n={features_n} outside 1..{len(self.blocks) - 1}")
        h = x
        feats = None
        for i, block in enumerate(self.blocks[:-1]):
            h = block(h)
            if i + 1 == features_n:
                feats = h
        out = self.blocks[-1](torch.cat([h, x], 1) if self.input_skip else h)
        return (out, feats) if features_n else out


class UnetBlock(nn.Module):
    """One U-Net level: down conv, inner levels, up conv, skip concatenation."""

    def __init__(self, outer: int, inner: int, sub: nn.Module | None, norm: NormKind,
                 outermost: bool = False, innermost: bool = False, dropout: float = 0.0, in_ch: int | None = None) -> None:
        super().__init__()
        in_ch = outer if in_ch is None else in_ch
        down: list[nn.Module] = [nn.Conv2d(in_ch, inner, 4, stride=2, padding=1, bias=norm == "none")]
        up_in = inner if innermost else inner * 2
        if outermost:
            self.model = nn.Sequential(*down, sub, nn.ReLU(True), nn.ConvTranspose2d(up_in, outer, 4, 2, 1), nn.Tanh())
        else:
            layers: list[nn.Module] = [nn.LeakyReLU(0.2, True), *down]
            if not innermost:
                layers.append(make_norm(norm, inner))
            if sub is not None:
                layers.append(sub)
            layers += [nn.ReLU(True), nn.ConvTranspose2d(up_in, outer, 4, 2, 1, bias=norm == "none"), make_norm(norm, outer)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            self.model = nn.Sequential(*layers)
        self.outermost = outermost

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.model(x)
        return y if self.outermost else torch.cat([x, y], 1)


class UnetGenerator(nn.Module):
    """Pix2Pix U-Net; ``depth`` downsamplings, so inputs must be a multiple of 2**depth."""

    def __init__(self, in_ch: int, out_ch: int, ngf: int = 64, depth: int = 8,
                 norm: NormKind = "batch", dropout: float = 0.5) -> None:
        super().__init__()
        if depth < 5:
            raise ValueError("U-Net depth must be >= 5")
        block = UnetBlock(ngf * 8, ngf * 8, None, norm, innermost=True)
        for _ in range(depth - 5):
            block = UnetBlock(ngf * 8, ngf * 8, block, norm, dropout=dropout)
        block = UnetBlock(ngf * 4, ngf * 8, block, norm)
        block = UnetBlock(ngf * 2, ngf * 4, block, norm)
        block = UnetBlock(ngf, ngf * 2, block, norm)
        self.model = UnetBlock(out_ch, ngf, block, norm, outermost=True, in_ch=in_ch)
        self.multiple = 2 ** depth

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class PatchDiscriminator(nn.Module):
    """70x70 PatchGAN (3 stride-2 convs of 4x4, then two stride-1 4x4 convs)."""

    def __init__(self, in_ch: int, ndf: int = 64, n_layers: int = 3, norm: NormKind = "instance") -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(in_ch, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for i in range(1, n_layers + 1):
            prev, mult = mult, min(2 ** i, 8)
            stride = 2 if i < n_layers else 1
            layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride, 1, bias=norm == "none"),
                       make_norm("instance" if norm == "tile-invariant" else norm, ndf * mult),
                       nn.LeakyReLU(0.2, True)]
        layers.append(nn.Conv2d(ndf * mult, 1, 4, 1, 1))
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class MeanOfGenerators(nn.Module):
    """The average of several generators' outputs (in model space, so the mean of their dB maps).

    Used to ship seeds of one configuration together: on the 43 real training pairs the seed moves the
    test scores more than most design choices do, and averaging beats picking a seed on the test set.
    """

    def __init__(self, generators: Sequence[nn.Module]) -> None:
        super().__init__()
        if not generators:
            raise ValueError("MeanOfGenerators needs at least one generator")
        self.members = nn.ModuleList(generators)
        self.multiple = max(int(getattr(g, "multiple", 1)) for g in generators)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([g(x) for g in self.members]).mean(0)


def init_weights(module: nn.Module, gain: float = 0.02) -> nn.Module:
    """CycleGAN/pix2pix init: conv weights N(0, 0.02), norm scales N(1, 0.02), biases 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, gain)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d, FrozenStatNorm)) and getattr(m, "weight", None) is not None:
            nn.init.normal_(m.weight, 1.0, gain)
            nn.init.zeros_(m.bias)
    return module


def build_generator(cfg: GeneratorConfig, in_ch: int, out_ch: int) -> nn.Module:
    if cfg.kind == "resnet":
        g: nn.Module = ResnetGenerator(in_ch, out_ch, cfg.ngf, cfg.n_blocks, cfg.norm, cfg.upsample,
                                       0.0 if cfg.dropout is None else cfg.dropout, cfg.input_skip, cfg.head_layers)
    elif cfg.kind == "unet":
        g = UnetGenerator(in_ch, out_ch, cfg.ngf, cfg.unet_depth, "batch" if cfg.norm == "tile-invariant" else cfg.norm,
                          0.5 if cfg.dropout is None else cfg.dropout)
    else:
        raise ValueError(f"unknown generator kind '{cfg.kind}' (expected resnet or unet)")
    return init_weights(g)


def build_discriminator(in_ch: int, ndf: int = 64, n_layers: int = 3, norm: NormKind = "instance") -> nn.Module:
    return init_weights(PatchDiscriminator(in_ch, ndf, n_layers, norm))


def receptive_radius(g: nn.Module, in_ch: int, size: int = 64) -> int:
    """Measured receptive-field radius (px) of ``g``'s output pixels, worst of the 4 stride phases.

    The gradient of one output pixel w.r.t. the input is non-zero exactly on its receptive field.
    Measured on a linearised copy (ReLU/Tanh removed, weights made positive, float64) so that no
    path cancels or saturates. Per-image normalisation (instance norm) is replaced by identity:
    its statistics span the whole input, so this is the *convolutional* receptive field, the
    context a tiling margin must cover. The probe grows until the field fits inside it.
    """
    import copy

    probe = copy.deepcopy(g).eval().double()
    for m in list(probe.modules()):
        for child_name, child in list(m.named_children()):
            if isinstance(child, (nn.InstanceNorm2d, nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Dropout)):
                setattr(m, child_name, nn.Identity())
    with torch.no_grad():
        for p in probe.parameters():
            p.copy_(p.abs() + 1e-3)
    while True:
        c = size // 2
        # batch item k probes the pixel (c+k, c+k): stride-2 stages make the field depend on the phase
        x = torch.rand(4, in_ch, size, size, dtype=torch.float64, requires_grad=True)
        y = probe(x)
        sum(y[k, 0, c + k, c + k] for k in range(4)).backward()
        radius, touches = 0, False
        for k in range(4):
            grad = x.grad[k].abs().sum(dim=0)
            rows = torch.nonzero(grad.sum(dim=1)).flatten()
            cols = torch.nonzero(grad.sum(dim=0)).flatten()
            lo, hi = min(int(rows.min()), int(cols.min())), max(int(rows.max()), int(cols.max()))
            touches |= lo == 0 or hi == size - 1
            radius = max(radius, c + k - lo, hi - c - k)
        if not touches:
            return radius
        size *= 2
