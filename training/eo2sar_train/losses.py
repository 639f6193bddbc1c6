"""Losses: LSGAN, cycle/identity/pix2pix L1 and the shift-insensitive pair loss (DESIGN §5)."""
from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import nn

from .distributed import unwrap


def lsgan_loss(pred: torch.Tensor, real: bool) -> torch.Tensor:
    """Least-squares GAN loss: mean((D(.) - 1)^2) for real targets, mean(D(.)^2) for fake ones."""
    target = torch.ones_like(pred) if real else torch.zeros_like(pred)
    return F.mse_loss(pred.float(), target.float())


def l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean absolute error (cycle, identity and pix2pix reconstruction terms)."""
    return F.l1_loss(a.float(), b.float())


def _features(g: nn.Module, x: torch.Tensor, n: int) -> torch.Tensor:
    g = unwrap(g)  # DDP / torch.compile wrappers: features() lives on the plain generator
    if not hasattr(g, "features"):
        raise ValueError(f"pair loss needs a generator with features(x, n); {type(g).__name__} has none")
    return g.features(x, n)


def pair_loss(g: nn.Module, f: nn.Module, x: torch.Tensor, y: torch.Tensor,
              fake_x: torch.Tensor, fake_y: torch.Tensor, n: int = 3,
              detach_real: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Shift-insensitive pair loss (L_X, L_Y) for a roughly aligned pair (x EO, y SAR).

    L_X = |h_G(x) - h_G(F(y))|_1 and L_Y = |h_F(y) - h_F(G(x))|_1, where h_G, h_F are the first
    ``n`` blocks of the same G and F being trained (n=3: stem + two stride-2 blocks, 1/4
    resolution). Comparing downsampled feature maps tolerates the small shifts that pixel L1
    punishes.

    Gradient flow: L_X trains F through the fake F(y) (its main job) and also G's first ``n``
    blocks through *both* branches, so h_G itself learns to map x and F(y) - a fake aligned with
    the misaligned y - to similar features. Side effect: shrinking the scale of h lowers the L1
    without better fakes (the next layers are nearly scale-invariant under instance norm);
    ``bench/pair_feature_scale.py`` measures it. ``detach_real=True`` stops the gradient through
    the real features h_G(x), h_F(y): same loss value, less shrinkage (README). Default off: the
    method as specified and as measured so far.
    """
    hx, hy = _features(g, x, n), _features(f, y, n)
    if detach_real:
        hx, hy = hx.detach(), hy.detach()
    loss_x = l1(hx, _features(g, fake_x, n))
    loss_y = l1(hy, _features(f, fake_y, n))
    return loss_x, loss_y


class ImagePool:
    """History of generated images for the discriminator update (Shrivastava et al.; CycleGAN).

    With probability 0.5 a fake is swapped for one generated earlier, which stabilises D.
    """

    def __init__(self, size: int = 50, seed: int | None = None) -> None:
        self.size = size
        self.images: list[torch.Tensor] = []
        self.rng = random.Random(seed)

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size <= 0:
            return images
        out = []
        for image in images.detach():
            image = image.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif self.rng.random() < 0.5:
                i = self.rng.randrange(self.size)
                out.append(self.images[i].clone())
                self.images[i] = image
            else:
                out.append(image)
        return torch.cat(out, 0)
