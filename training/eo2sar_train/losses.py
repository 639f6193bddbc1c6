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


#: Water in a red/green/blue/nir chip: NIR reflectance x 10000 below this and below half the chip's median
#: NIR (dark in the near infrared; also finds humic boreal lakes that NDWI misses, and leaves out
#: uniformly dark winter fields). The same mask scores the water-land contrast (realeval).
WATER_NIR_MAX = 800.0
WATER_NIR_FRACTION = 0.5


def dark_nir_water(nir: torch.Tensor) -> torch.Tensor:
    """Boolean water mask [B,1,H,W] of raw NIR reflectance x 10000 [B,1,H,W] (see WATER_NIR_MAX)."""
    median = nir.flatten(1).float().quantile(0.5, dim=1).view(-1, 1, 1, 1)   # numpy's median (mean of the middle two)
    return (nir < WATER_NIR_MAX) & (nir < WATER_NIR_FRACTION * median)


def shift_tolerant_l1(fake: torch.Tensor, real: torch.Tensor, max_shift: int,
                      weight: torch.Tensor | None = None, cells: int = 1) -> torch.Tensor:
    """Pix2Pix's L1 with each sample's best integer shift of ``real`` within +-``max_shift`` px.

    Paired EO/SAR chips are co-registered only to a pixel or two; plain L1 then rewards a blurred,
    hedged output at every edge (a shore, a road). Here each sample is compared on the central crop
    (``max_shift`` px border removed) with the SAR shifted by the (dy, dx) that fits it best, so a
    sharp output pays nothing for the registration error. ``max_shift=0`` is plain L1.

    ``weight`` [B,1,H,W] (on the grid of ``fake``, i.e. of the EO) weights each pixel's error; each
    sample's weighted mean is taken, so a weight of ones is the unweighted loss.

    ``cells`` > 1 cuts the crop into ``cells`` x ``cells`` regions that each take their own best shift:
    a registration error that varies across the chip (non-rigid) is then forgiven too.
    """
    if max_shift <= 0 and weight is None:
        return l1(fake, real)
    if cells < 1:
        raise ValueError(f"cells must be >= 1, got {cells}")
    m = max(max_shift, 0)
    h, w = fake.shape[-2:]
    core = fake[..., m:h - m, m:w - m].float()
    wcore = None if weight is None else weight[..., m:h - m, m:w - m].float()

    def err(d: torch.Tensor) -> torch.Tensor:  # [B, cells, cells]: the (weighted) mean error of each region
        d = d.abs().mean(dim=1, keepdim=True)
        if wcore is None:
            return F.adaptive_avg_pool2d(d, cells)[:, 0]
        return (F.adaptive_avg_pool2d(d * wcore, cells) / F.adaptive_avg_pool2d(wcore, cells))[:, 0]

    per_shift = [err(core - real[..., m + dy:h - m + dy, m + dx:w - m + dx].float())
                 for dy in range(-m, m + 1) for dx in range(-m, m + 1)]
    return torch.stack(per_shift).min(dim=0).values.mean()


def _features(g: nn.Module, x: torch.Tensor, n: int) -> torch.Tensor:
    g = unwrap(g)  # DDP / torch.compile wrappers: features() lives on the plain generator
    if not hasattr(g, "features"):
        raise ValueError(f"pair loss needs a generator with features(x, n); {type(g).__name__} has none")
    return g.features(x, n)


PAIR_NORMS = ("none", "scale")


def pair_terms(hx: torch.Tensor, h_fake_x: torch.Tensor, hy: torch.Tensor, h_fake_y: torch.Tensor,
               detach_real: bool = False, norm: str = "none") -> tuple[torch.Tensor, torch.Tensor]:
    """(L_X, L_Y) from the four feature maps h_G(x), h_G(F(y)), h_F(y), h_F(G(x)) (see pair_loss).

    ``norm="scale"`` divides each L1 by the mean absolute real feature (detached): the loss no longer
    depends on the features' scale, so one lambda_pair means the same for every N.
    """
    if norm not in PAIR_NORMS:
        raise ValueError(f"pair_norm must be one of {PAIR_NORMS}, got {norm!r}")
    if detach_real:
        hx, hy = hx.detach(), hy.detach()
    loss_x, loss_y = l1(hx, h_fake_x), l1(hy, h_fake_y)
    if norm == "scale":
        loss_x = loss_x / hx.detach().float().abs().mean().clamp_min(1e-6)
        loss_y = loss_y / hy.detach().float().abs().mean().clamp_min(1e-6)
    return loss_x, loss_y


def pair_loss(g: nn.Module, f: nn.Module, x: torch.Tensor, y: torch.Tensor,
              fake_x: torch.Tensor, fake_y: torch.Tensor, n: int = 3,
              detach_real: bool = False, norm: str = "none") -> tuple[torch.Tensor, torch.Tensor]:
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

    This form runs the four partial passes itself; the trainer takes the same features from the
    passes it runs anyway (``pair_terms``).
    """
    return pair_terms(_features(g, x, n), _features(g, fake_x, n), _features(f, y, n), _features(f, fake_y, n),
                      detach_real, norm)


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
