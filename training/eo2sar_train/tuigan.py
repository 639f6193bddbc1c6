"""TuiGAN (Lin et al., ECCV 2020), the seed paper's self-supervised row: translate ONE EO image given ONE
unpaired SAR image, by training small per-scale generators on those two images only.

It is a per-scene method (minutes of training for each image pair), so it is an evaluation baseline
here, never exported as a tiling model. What is kept from the paper (and its reference code):

* an image pyramid of both images (each level ``scale_factor`` times the next finer one), trained
  coarse to fine; a finished scale is frozen;
* per scale, two generators (EO→SAR ``G`` and SAR→EO ``F``), each a 5-layer 3x3 conv net (conv,
  batch norm, leaky ReLU) giving a preliminary translation ``y1`` (tanh), and an attention net on
  (input, y1, coarser result upsampled) giving ``a`` (sigmoid); the output is ``a * coarser + (1 - a) * y1``
  (at the coarsest scale the "coarser result" is zeros);
* per scale, two WGAN-GP critics (same 5-layer body, patch output), gradient penalty weight 0.1;
* losses: adversarial, cycle L1 (``F(G(x)) = x``, ``G(F(y)) = y``, each through all scales so far),
  total variation (squared differences, weight 0.1), identity L1 (``G(y) = y``) only when EO and SAR have
  the same channel count (4-band EO → 1-band VV: they do not, so it is left out, as in our CycleGAN);
* Gaussian noise (amplitude 0.1) on the generator input, Adam (lr 5e-4, beta1 0.5), learning rate x0.1
  after 40 % of a scale's iterations, ``d_steps``/``g_steps`` inner steps.

What differs: the scale count and iterations are sized for a CPU (the paper: 4000 iterations per scale,
3 inner steps each); channels stay at ``channels`` at every scale (the reference doubles them every 4
scales, which never happens at <= 5 scales); resizing is PyTorch's antialiased bicubic, not a MATLAB
imresize port.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class TuiGANConfig:
    scales: int = 5               # pyramid levels; 120 px at 0.75: 120, 90, 68, 51, 38 px
    scale_factor: float = 0.75    # size of a level over the next finer one (paper: 3/4)
    iters: int = 300              # per scale (paper: 4000)
    d_steps: int = 1              # critic updates per iteration (paper: 3)
    g_steps: int = 1              # generator updates per iteration (paper: 3)
    channels: int = 32            # conv width (paper: 32 at the first scales)
    lr: float = 5e-4
    lr_drop_at: float = 0.4       # fraction of a scale's iterations after which lr x 0.1 (paper: 1600/4000)
    noise_amp: float = 0.1
    lambda_cycle: float = 1.0
    lambda_identity: float = 1.0  # used only when both domains have the same channel count
    lambda_tv: float = 0.1
    lambda_gp: float = 0.1
    seed: int = 0


def _block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.2))


def _body(c_in: int, width: int, layers: int) -> nn.Sequential:
    return nn.Sequential(_block(c_in, width), *[_block(width, width) for _ in range(layers - 2)])


def _init(m: nn.Module) -> None:  # the reference's DCGAN-style initialisation
    if isinstance(m, nn.Conv2d):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class ScaleGenerator(nn.Module):
    """One scale's generator: preliminary translation ``y1`` and attention blend with the coarser result."""

    def __init__(self, c_in: int, c_out: int, width: int) -> None:
        super().__init__()
        self.translate = nn.Sequential(_body(c_in, width, 5), nn.Conv2d(width, c_out, 3, padding=1), nn.Tanh())
        self.attention = nn.Sequential(_body(c_in + 2 * c_out, width, 3), nn.Conv2d(width, c_out, 3, padding=1),
                                       nn.Sigmoid())
        self.apply(_init)

    def forward(self, x: torch.Tensor, coarser: torch.Tensor) -> torch.Tensor:
        y1 = self.translate(x)
        a = self.attention(torch.cat([x, y1, coarser], 1))
        return a * coarser + (1 - a) * y1


class Critic(nn.Module):
    """WGAN critic: 5 conv layers (batch norm, leaky ReLU), one score per pixel patch."""

    def __init__(self, c_in: int, width: int) -> None:
        super().__init__()
        self.net = nn.Sequential(_body(c_in, width, 4), nn.Conv2d(width, 1, 3, padding=1))
        self.apply(_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def pyramid(img: torch.Tensor, scales: int, factor: float) -> list[torch.Tensor]:
    """[coarsest, ..., img] of a [1,C,H,W] image; level k is factor^(scales-1-k) times the size."""
    h, w = img.shape[-2:]
    levels = []
    for k in range(scales - 1, 0, -1):
        size = (max(1, round(h * factor ** k)), max(1, round(w * factor ** k)))
        levels.append(F.interpolate(img, size=size, mode="bicubic", antialias=True, align_corners=False).clamp(-1, 1))
    return levels + [img]


def _resize(img: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return F.interpolate(img, size=like.shape[-2:], mode="bicubic", align_corners=False).clamp(-1, 1)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """The reference's TV: mean squared differences of vertical and horizontal neighbours, times 2."""
    return 2 * ((x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., :, 1:] - x[..., :, :-1]).pow(2).mean())


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """WGAN-GP: (||grad D(mix)|| - 1)^2 at random mixes of a real and a fake image."""
    eps = torch.rand(real.shape[0], 1, 1, 1)
    if real.shape != fake.shape:  # unpaired images of different sizes: compare on the fake's grid
        real = _resize(real, fake)
    mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(critic(mix).sum(), mix, create_graph=True)
    return (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


class TuiGAN:
    """Trains on one EO image ``x`` [1,Cx,H,W] and one SAR image ``y`` [1,Cy,H',W'], both in [-1,1]."""

    def __init__(self, cfg: TuiGANConfig, x: torch.Tensor, y: torch.Tensor) -> None:
        self.cfg = cfg
        self.xs, self.ys = pyramid(x, cfg.scales, cfg.scale_factor), pyramid(y, cfg.scales, cfg.scale_factor)
        self.cx, self.cy = x.shape[1], y.shape[1]
        self.G: list[ScaleGenerator] = []   # EO -> SAR, one per finished scale, frozen
        self.F: list[ScaleGenerator] = []   # SAR -> EO
        self.seconds_per_scale: list[float] = []

    @staticmethod
    def _through(gens: list[nn.Module], inputs: list[torch.Tensor], c_out: int, noise: float = 0.0) -> torch.Tensor:
        """Runs ``gens`` coarse to fine on ``inputs`` (one per scale), upsampling each result to the next
        scale as its "coarser" input; returns the last scale's result."""
        out = None
        for g, inp in zip(gens, inputs):
            coarser = torch.zeros(1, c_out, *inp.shape[-2:]) if out is None else _resize(out, inp)
            out = g(inp + noise * torch.randn_like(inp) if noise else inp, coarser)
        assert out is not None
        return out

    def fit(self, progress: bool = False) -> "TuiGAN":
        cfg = self.cfg
        torch.manual_seed(cfg.seed)
        for k in range(cfg.scales):
            start = time.perf_counter()
            self._fit_scale(k, progress)
            self.seconds_per_scale.append(time.perf_counter() - start)
        return self

    def _fit_scale(self, k: int, progress: bool) -> None:
        cfg = self.cfg
        x, y = self.xs[k], self.ys[k]
        g, f = ScaleGenerator(self.cx, self.cy, cfg.channels), ScaleGenerator(self.cy, self.cx, cfg.channels)
        d_y, d_x = Critic(self.cy, cfg.channels), Critic(self.cx, cfg.channels)
        opt_g = torch.optim.Adam([*g.parameters(), *f.parameters()], lr=cfg.lr, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam([*d_y.parameters(), *d_x.parameters()], lr=cfg.lr, betas=(0.5, 0.999))
        drop = max(1, int(cfg.lr_drop_at * cfg.iters))
        scheds = [torch.optim.lr_scheduler.MultiStepLR(o, [drop], 0.1) for o in (opt_g, opt_d)]
        prev_g, prev_f = self.G, self.F

        def from_finished(run: Callable[[], torch.Tensor], c_out: int, like: torch.Tensor) -> torch.Tensor:
            """The finished scales' result (``run()``) upsampled to this scale; zeros at the coarsest scale."""
            return torch.zeros(1, c_out, *like.shape[-2:]) if k == 0 else _resize(run(), like)

        identity = self.cx == self.cy and cfg.lambda_identity > 0
        for it in range(cfg.iters):
            # The frozen coarser scales' results for this iteration (fresh noise, as the reference's cycle_rec).
            with torch.no_grad():
                c_xy = from_finished(lambda: self._through(prev_g, self.xs[:k], self.cy, cfg.noise_amp), self.cy, x)
                c_yx = from_finished(lambda: self._through(prev_f, self.ys[:k], self.cx, cfg.noise_amp), self.cx, y)
                # the cycle's coarser parts: F(G(x)) and G(F(y)) through the finished scales
                c_xyx = from_finished(lambda: self._cycle(prev_g, prev_f, self.xs[:k], self.cy, self.cx), self.cx, x)
                c_yxy = from_finished(lambda: self._cycle(prev_f, prev_g, self.ys[:k], self.cx, self.cy), self.cy, y)
                if identity:  # G(y) and F(x) through the finished scales, without noise (the reference's 'rec')
                    idt_y = from_finished(lambda: self._through(prev_g, self.ys[:k], self.cy), self.cy, y)
                    idt_x = from_finished(lambda: self._through(prev_f, self.xs[:k], self.cx), self.cx, x)
            noisy_x = x + cfg.noise_amp * torch.randn_like(x)
            noisy_y = y + cfg.noise_amp * torch.randn_like(y)

            for _ in range(cfg.d_steps):
                opt_d.zero_grad(set_to_none=True)
                with torch.no_grad():
                    fake_y, fake_x = g(noisy_x, c_xy), f(noisy_y, c_yx)
                loss_d = (d_y(fake_y).mean() - d_y(y).mean() + cfg.lambda_gp * gradient_penalty(d_y, y, fake_y)
                          + d_x(fake_x).mean() - d_x(x).mean() + cfg.lambda_gp * gradient_penalty(d_x, x, fake_x))
                loss_d.backward()
                opt_d.step()

            for p in [*d_y.parameters(), *d_x.parameters()]:
                p.requires_grad_(False)
            for _ in range(cfg.g_steps):
                opt_g.zero_grad(set_to_none=True)
                fake_y, fake_x = g(noisy_x, c_xy), f(noisy_y, c_yx)
                loss = (-d_y(fake_y).mean() - d_x(fake_x).mean()
                        + cfg.lambda_tv * (total_variation(fake_y) + total_variation(fake_x))
                        + cfg.lambda_cycle * (F.l1_loss(f(fake_y, c_xyx), x) + F.l1_loss(g(fake_x, c_yxy), y)))
                if identity:
                    loss = loss + cfg.lambda_identity * (F.l1_loss(g(y, idt_y), y) + F.l1_loss(f(x, idt_x), x))
                loss.backward()
                opt_g.step()
            for p in [*d_y.parameters(), *d_x.parameters()]:
                p.requires_grad_(True)
            for s in scheds:
                s.step()
            if progress and (it % 100 == 0 or it == cfg.iters - 1):
                print(f"scale {k} ({x.shape[-1]} px) iter {it}: D {loss_d.item():.3f} G {loss.item():.3f}", flush=True)

        for net in (g, f):
            net.eval()
            net.requires_grad_(False)
        self.G.append(g)
        self.F.append(f)

    def _cycle(self, there: list[nn.Module], back: list[nn.Module], inputs: list[torch.Tensor],
               c_mid: int, c_out: int) -> torch.Tensor:
        """back(there(inputs)) through the finished scales, each scale fed its own scale's translation."""
        mid = out = None
        for t, b, inp in zip(there, back, inputs):
            mid = t(inp + self.cfg.noise_amp * torch.randn_like(inp),
                    torch.zeros(1, c_mid, *inp.shape[-2:]) if mid is None else _resize(mid, inp))
            out = b(mid, torch.zeros(1, c_out, *inp.shape[-2:]) if out is None else _resize(out, inp))
        assert out is not None
        return out

    @torch.no_grad()
    def translate(self) -> torch.Tensor:
        """G on the EO image through every scale, without input noise: [1,Cy,H,W] in [-1,1]."""
        if len(self.G) != self.cfg.scales:
            raise RuntimeError("TuiGAN.translate before fit()")
        return self._through(self.G, self.xs, self.cy)

    @property
    def seconds(self) -> float:
        return math.fsum(self.seconds_per_scale)
