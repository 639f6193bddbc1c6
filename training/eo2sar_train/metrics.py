"""Image-quality metrics for generated SAR (numpy + torch, no scipy/skimage).

All inputs are 2-D arrays of sigma0 in dB unless a name says otherwise.

*Structure* (DESIGN §5): PSNR and SSIM against the aligned ground truth after multilooking both
(a k×k mean in linear power), and a shift-tolerant PSNR (best over ±k px shifts).
*Realism*: Wasserstein-1 distance and histogram intersection of the dB values, and the
equivalent number of looks (ENL = mean²/variance in linear power) on homogeneous areas.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

DEFAULT_DB_RANGE = (-25.0, 0.0)


def _f64(a: Any) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    a = np.asarray(a, dtype=np.float64)
    while a.ndim > 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {a.shape}")
    return a


def box_mean(a: np.ndarray, k: int) -> np.ndarray:
    """k×k moving mean over the fully covered ('valid') area: shape (H-k+1, W-k+1)."""
    a = np.asarray(a, np.float64)
    if k < 1 or k > min(a.shape):
        raise ValueError(f"window {k} does not fit a {a.shape} image")
    c = np.pad(a, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def multilook_db(db: Any, k: int = 5) -> np.ndarray:
    """k×k mean in linear power, back in dB (valid area)."""
    p = np.power(10.0, _f64(db) / 10.0)
    return 10.0 * np.log10(np.maximum(box_mean(p, k), 1e-30))


def psnr(a: Any, b: Any, data_range: float) -> float:
    a, b = _f64(a), _f64(b)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(data_range ** 2 / mse)


def _gauss_filter(a: torch.Tensor, size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    a = F.conv2d(a, g.view(1, 1, 1, size))
    return F.conv2d(a, g.view(1, 1, size, 1))


def ssim(a: Any, b: Any, data_range: float, win: int = 11, sigma: float = 1.5) -> float:
    """Mean SSIM (Wang et al. 2004: Gaussian window 11, σ 1.5, K1 0.01, K2 0.03; valid area)."""
    a, b = _f64(a), _f64(b)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if min(a.shape) < win:
        raise ValueError(f"image {a.shape} is smaller than the {win}px SSIM window")
    x = torch.from_numpy(a)[None, None]
    y = torch.from_numpy(b)[None, None]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = _gauss_filter(x, win, sigma), _gauss_filter(y, win, sigma)
    sxx = _gauss_filter(x * x, win, sigma) - mx * mx
    syy = _gauss_filter(y * y, win, sigma) - my * my
    sxy = _gauss_filter(x * y, win, sigma) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(s.mean())


def _clip(a: np.ndarray, db_range: tuple[float, float] | None) -> np.ndarray:
    return a if db_range is None else np.clip(a, db_range[0], db_range[1])


def psnr_ml(pred_db: Any, ref_db: Any, db_range: tuple[float, float] = DEFAULT_DB_RANGE, looks: int = 5) -> float:
    """PSNR after a looks×looks multilook of both, in dB clipped to ``db_range`` (peak = its width)."""
    return psnr(_clip(multilook_db(pred_db, looks), db_range), _clip(multilook_db(ref_db, looks), db_range),
                db_range[1] - db_range[0])


def ssim_ml(pred_db: Any, ref_db: Any, db_range: tuple[float, float] = DEFAULT_DB_RANGE, looks: int = 5) -> float:
    return ssim(_clip(multilook_db(pred_db, looks), db_range), _clip(multilook_db(ref_db, looks), db_range),
                db_range[1] - db_range[0])


def shift_tolerant_psnr(pred_db: Any, ref_db: Any, max_shift: int = 4,
                        db_range: tuple[float, float] = DEFAULT_DB_RANGE, looks: int = 5) -> tuple[float, tuple[int, int]]:
    """Best multilooked PSNR over integer shifts within ±max_shift px, and that shift (dy, dx):
    ``pred[y + dy, x + dx]`` is compared with ``ref[y, x]`` over the whole image (``pred`` is
    edge-extended), so the zero shift gives exactly :func:`psnr_ml` and the score is never below it."""
    p = _clip(multilook_db(pred_db, looks), db_range) if looks > 1 else _clip(_f64(pred_db), db_range)
    r = _clip(multilook_db(ref_db, looks), db_range) if looks > 1 else _clip(_f64(ref_db), db_range)
    k = int(max_shift)
    if k < 0:
        raise ValueError(f"max_shift must be >= 0, got {k}")
    h, w = r.shape
    if p.shape != r.shape:
        raise ValueError(f"shapes differ: {p.shape} vs {r.shape}")
    pp = np.pad(p, k, mode="edge")
    best, best_shift = -math.inf, (0, 0)
    # nearest shifts first, so ties (e.g. several inf) go to the smallest shift
    for dy, dx in sorted(((dy, dx) for dy in range(-k, k + 1) for dx in range(-k, k + 1)),
                         key=lambda s: (abs(s[0]) + abs(s[1]), s)):
        v = psnr(pp[k + dy:k + dy + h, k + dx:k + dx + w], r, db_range[1] - db_range[0])
        if v > best:
            best, best_shift = v, (dy, dx)
    return best, best_shift


def wasserstein_db(a_db: Any, b_db: Any, db_range: tuple[float, float] | None = DEFAULT_DB_RANGE,
                   n_quantiles: int = 2048) -> float:
    """Wasserstein-1 distance (dB) between the value distributions, after clipping to ``db_range``."""
    a = _clip(np.asarray(a_db, np.float64).ravel(), db_range)
    b = _clip(np.asarray(b_db, np.float64).ravel(), db_range)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size == 0 or b.size == 0:
        raise ValueError("empty image in histogram distance")
    if a.size == b.size:
        return float(np.mean(np.abs(np.sort(a) - np.sort(b))))
    q = (np.arange(n_quantiles) + 0.5) / n_quantiles
    return float(np.mean(np.abs(np.quantile(a, q) - np.quantile(b, q))))


def histogram_intersection(a_db: Any, b_db: Any, db_range: tuple[float, float] = DEFAULT_DB_RANGE,
                           bins: int = 100) -> float:
    """Shared mass of the two dB histograms (1 = identical, 0 = disjoint), values clipped to the range."""
    edges = np.linspace(db_range[0], db_range[1], bins + 1)
    ha, _ = np.histogram(_clip(np.asarray(a_db, np.float64).ravel(), db_range), bins=edges)
    hb, _ = np.histogram(_clip(np.asarray(b_db, np.float64).ravel(), db_range), bins=edges)
    return float(np.minimum(ha / max(ha.sum(), 1), hb / max(hb.sum(), 1)).sum())


def _blocks(a: np.ndarray, w: int) -> np.ndarray:
    h_, w_ = (a.shape[0] // w) * w, (a.shape[1] // w) * w
    return a[:h_, :w_].reshape(h_ // w, w, w_ // w, w).swapaxes(1, 2)  # [by, bx, w, w]


def homogeneous_blocks(mask: np.ndarray | None = None, ref_db: Any | None = None, window: int = 16,
                       max_ref_spread_db: float = 1.0, shape: tuple[int, int] | None = None) -> np.ndarray:
    """Boolean [by, bx] selection of window×window blocks: fully inside ``mask`` (if given) and,
    if a speckle-free reference is given, with a reference dB spread (max - min) ≤ ``max_ref_spread_db``."""
    if shape is None:
        shape = (mask.shape if mask is not None else _f64(ref_db).shape)
    sel = np.ones((shape[0] // window, shape[1] // window), bool)
    if mask is not None:
        sel &= _blocks(np.asarray(mask, bool), window).all(axis=(2, 3))
    if ref_db is not None:
        rb = _blocks(_f64(ref_db), window)
        sel &= (rb.max(axis=(2, 3)) - rb.min(axis=(2, 3))) <= max_ref_spread_db
    return sel


def enl(db: Any, blocks: np.ndarray | None = None, window: int = 16, quantile: float = 0.1) -> float:
    """Equivalent number of looks, 1 / mean over blocks of var/mean² (linear power, per-block ddof=1).

    ``blocks``: which window×window blocks are homogeneous (:func:`homogeneous_blocks`). Without
    it the blocks are picked from the image itself: the ``quantile`` share whose 4×4-px sub-block
    means vary least (sub-block means average out most speckle, so the pick favours flat ground
    without selecting on the speckle itself). NaN when no block qualifies.
    """
    p = np.power(10.0, _f64(db) / 10.0)
    b = _blocks(p, window)
    if blocks is None:
        sub = 4 if window % 4 == 0 and window >= 8 else 1
        nb = window // sub
        means = b.reshape(b.shape[0], b.shape[1], nb, sub, nb, sub).mean(axis=(3, 5))
        cv = means.std(axis=(2, 3)) / np.maximum(means.mean(axis=(2, 3)), 1e-30)
        thr = np.quantile(cv, quantile)
        blocks = cv <= thr
    blocks = np.asarray(blocks, bool)
    if blocks.shape != b.shape[:2]:
        raise ValueError(f"block selection {blocks.shape} does not match {b.shape[:2]} blocks of {window}px")
    if not blocks.any():
        return math.nan
    vals = b[blocks].reshape(-1, window * window)
    m = vals.mean(axis=1)
    v = vals.var(axis=1, ddof=1)
    return float(1.0 / np.mean(v / np.maximum(m * m, 1e-60)))


def sar_metrics(pred_db: Any, clean_db: Any | None, speckled_db: Any,
                classes: np.ndarray | None = None, homogeneous: np.ndarray | None = None,
                db_range: tuple[float, float] = DEFAULT_DB_RANGE, looks: int = 5, max_shift: int = 4,
                enl_window: int = 16) -> dict[str, float]:
    """All metrics of one generated image against its aligned ground truth.

    Structure against ``clean_db`` (the speckle-free truth; falls back to the speckled truth when
    None); realism against ``speckled_db``. ``homogeneous``: pixel mask of flat areas (e.g.
    :func:`eo2sar_train.synth.homogeneous_mask`); None = picked from the image (no-reference).
    ``classes`` is unused (kept so positional callers keep working); pass ``homogeneous``.
    """
    ref = clean_db if clean_db is not None else speckled_db
    st, shift = shift_tolerant_psnr(pred_db, ref, max_shift, db_range, looks)
    if homogeneous is not None:
        blocks = homogeneous_blocks(homogeneous, clean_db, enl_window, shape=_f64(pred_db).shape)
        enl_pred = enl(pred_db, blocks, enl_window)
        enl_ref = enl(speckled_db, blocks, enl_window)
    else:
        enl_pred = enl(pred_db, None, enl_window)
        enl_ref = enl(speckled_db, None, enl_window)
    pred = _f64(pred_db)
    spk = _f64(speckled_db)
    return {
        "psnr": psnr_ml(pred_db, ref, db_range, looks),
        "ssim": ssim_ml(pred_db, ref, db_range, looks),
        "psnr_shift": st,
        "shift_dy": float(shift[0]),
        "shift_dx": float(shift[1]),
        "hist_w1_db": wasserstein_db(pred, spk, db_range),
        "hist_intersection": histogram_intersection(pred, spk, db_range),
        "enl": enl_pred,
        "enl_truth": enl_ref,
        "median_db": float(np.median(pred)),
        "median_db_truth": float(np.median(spk)),
        "iqr_db": float(np.subtract(*np.percentile(pred, [75, 25]))),
        "iqr_db_truth": float(np.subtract(*np.percentile(spk, [75, 25]))),
    }
