"""Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for
Data-Efficient GAN Training"), the policy "color,translation,cutout" that Projected GAN
(Sauer et al. 2021) puts in front of its feature network.

The same random transformations are applied to real and generated images, and they are
differentiable in the image, so the generator is trained through them and the
discriminator never sees a view that only one side has. Every random draw comes from the
passed `torch.Generator`, so two processes (or a resumed run) draw the same views.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

POLICIES = ("color", "translation", "cutout")


def _uniform(
    n: int, low: float, high: float, generator: torch.Generator, like: torch.Tensor
) -> torch.Tensor:
    """[n, 1, 1, 1] uniform draws, made on the generator's device, then moved to the image's:
    a CPU generator then serves CUDA images too."""
    u = torch.rand(n, 1, 1, 1, generator=generator, device=generator.device)
    return (low + (high - low) * u).to(device=like.device, dtype=like.dtype)


def _offsets(
    n: int, low: int, high: int, generator: torch.Generator, device: torch.device
) -> torch.Tensor:
    """[n] integers in [low, high]."""
    draw = torch.randint(low, high + 1, (n,), generator=generator, device=generator.device)
    return draw.to(device)


def color(image: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Per image: brightness + U(-0.5, 0.5), saturation x U(0, 2), contrast x U(0.5, 1.5)
    (DiffAugment's ranges, for images in [-1, 1])."""
    n = image.shape[0]
    x = image + _uniform(n, -0.5, 0.5, generator, image)
    gray = x.mean(1, keepdim=True)
    x = (x - gray) * _uniform(n, 0.0, 2.0, generator, image) + gray
    mean = x.mean((1, 2, 3), keepdim=True)
    return (x - mean) * _uniform(n, 0.5, 1.5, generator, image) + mean


def translation(
    image: torch.Tensor, generator: torch.Generator, ratio: float = 0.125
) -> torch.Tensor:
    """Per image: an integer shift of up to `ratio` of each side, zeros where the image
    leaves the frame."""
    n, _, h, w = image.shape
    dy_max, dx_max = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = _offsets(n, -dy_max, dy_max, generator, image.device)
    dx = _offsets(n, -dx_max, dx_max, generator, image.device)
    padded = F.pad(image, (dx_max, dx_max, dy_max, dy_max))
    rows = torch.arange(h, device=image.device) + dy_max - dy[:, None]  # [B, H]
    cols = torch.arange(w, device=image.device) + dx_max - dx[:, None]  # [B, W]
    batch = torch.arange(n, device=image.device)[:, None, None]
    shifted = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # [B,H,W,C]
    return shifted.permute(0, 3, 1, 2)


def cutout(image: torch.Tensor, generator: torch.Generator, ratio: float = 0.2) -> torch.Tensor:
    """Per image: a square of `ratio` of each side set to zero (grey in [-1, 1]), centred
    anywhere in the frame (so it may be partly outside it). Projected GAN's ratio is 0.2."""
    n, _, h, w = image.shape
    size_y, size_x = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = _offsets(n, 0, h - 1, generator, image.device)
    cx = _offsets(n, 0, w - 1, generator, image.device)
    rows = torch.arange(h, device=image.device) - (cy[:, None] - size_y // 2)  # [B, H]
    cols = torch.arange(w, device=image.device) - (cx[:, None] - size_x // 2)  # [B, W]
    inside_y = (rows >= 0) & (rows < size_y)
    inside_x = (cols >= 0) & (cols < size_x)
    keep = ~(inside_y[:, :, None] & inside_x[:, None, :])  # [B, H, W]
    return image * keep[:, None].to(image.dtype)


def diff_augment(
    image: torch.Tensor, generator: torch.Generator, policy: Sequence[str] = POLICIES
) -> torch.Tensor:
    """Apply the augmentations of `policy`, in DiffAugment's order, to image [B, C, H, W].

    Args:
        image: [B, C, H, W], in [-1, 1] (colour expects C = 3).
        generator: the source of every random draw.
        policy: names from POLICIES.
    """
    unknown = set(policy) - set(POLICIES)
    if unknown:
        raise ValueError(f"unknown augmentation {sorted(unknown)}; known: {POLICIES}")
    for name in POLICIES:
        if name in policy:
            image = {"color": color, "translation": translation, "cutout": cutout}[name](
                image, generator
            )
    return image
